"""概览: questions a day, how they were answered, top topics, 👎 rate, notices and deliveries, fairs."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from bot.faq.stats import compute_stats
from bot.notices import texts as notice_texts
from bot.store import iso
from bot.web.context import CONSOLE, render

DAYS = 14
OUTCOME_LABELS = {"answer": "直接回答", "suggest": "给了候选", "none": "未回答"}
DELIVERY_LABELS = {"sent": "已送达", "pending": "待发送", "sending": "发送中", "failed": "失败",
                   "unreachable": "无法送达", "skipped": "超出每日上限", "withdrawn": "已撤回"}  # fmt: skip
REMINDER_LABELS = {"pending": "待提醒", "queued": "已发出", "dropped": "错过（招聘会已开始）", "cancelled": "已取消"}


async def dashboard(request: web.Request) -> web.Response:
    """GET /: the figures of the last DAYS days, drawn by Chart.js from the JSON in the page."""
    console = request.app[CONSOLE]
    store, tz = console.store, console.settings.timezone
    now = store.clock.now()
    stats = compute_stats(store, tz, now, days=DAYS)
    first = datetime.combine(now.astimezone(tz).date() - timedelta(days=DAYS - 1), datetime.min.time(), tz)
    figures = store.console_figures(iso(first), iso(now))
    kb = console.conversation.kb
    titles = {e.id: e.question for e in kb.entries}
    topics = [(titles.get(t, t), n) for t, n in stats.top_topics]
    charts = {
        "per_day": {"labels": [d[5:] for d, _ in stats.per_day], "values": [n for _, n in stats.per_day]},
        "outcomes": {
            "labels": [OUTCOME_LABELS[o] for o in OUTCOME_LABELS],
            "values": [stats.outcomes.get(o, 0) for o in OUTCOME_LABELS],
        },
        "topics": {"labels": [t[:16] for t, _ in topics], "values": [n for _, n in topics]},
        "deliveries": {
            "labels": [DELIVERY_LABELS.get(s, s) for s in figures["deliveries"]],
            "values": list(figures["deliveries"].values()),
        },
    }
    return render(
        request, "dashboard.html", stats=stats, days=DAYS, charts=charts, figures=figures,
        delivery_labels=DELIVERY_LABELS, notice_labels=notice_texts.ANNOUNCE_STATUS, reminder_labels=REMINDER_LABELS,
        entries=len(kb.entries),
    )  # fmt: skip


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", dashboard)
