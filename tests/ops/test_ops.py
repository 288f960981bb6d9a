"""Operating the bot: backups that restore, health and metrics scraped while it runs, JSON logs, a clean stop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.app import JsonFormatter
from bot.notices.delivery import OutgoingMessage
from bot.notices.pacing import SendBudget
from bot.notices.sender import Sender
from bot.ops.backup import BackupError, RunLock, backups, check_backup, prune, restore, take_backup
from bot.store import Store
from jobs.backups import backup_due, nightly_backup
from knowledge.entries import FaqEntry

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- backups -------------------------------------------------------------------------------


def test_a_backup_is_a_checked_copy_that_restores(store, settings, clock, tmp_path) -> None:
    store.touch_user("telegram", "1", "小明")
    now = clock.now()  # one moment: reading the clock twice can straddle a second
    checked = take_backup(settings.database_path, tmp_path / "backups", now)
    assert checked.path.name == f"bot-{now:%Y%m%d-%H%M%S}.db" and checked.schema_version == store.schema_version
    store.touch_user("telegram", "2", "小红")  # after the backup
    store.close()
    kept = restore(checked.path, settings.database_path, clock.now())
    restored = Store.open(settings.database_path, clock)
    assert restored.count_users() == 1 and restored.user_name("telegram", "1") == "小明"
    assert Store.open(kept, clock).count_users() == 2  # the replaced database is kept beside it
    restored.close()


def test_restore_is_refused_while_the_bot_runs(store, settings, clock, tmp_path) -> None:
    backup = take_backup(settings.database_path, tmp_path / "backups", clock.now()).path
    with RunLock(settings.database_path), pytest.raises(BackupError, match="请先停止机器人"):
        restore(backup, settings.database_path, clock.now())


def test_a_console_chat_may_run_beside_the_bot_but_nothing_runs_during_a_restore(settings) -> None:
    with RunLock(settings.database_path), RunLock(settings.database_path):  # the bot, and an admin's console
        pass
    with RunLock(settings.database_path, shared=False), pytest.raises(BackupError, match="正在恢复备份"):
        RunLock(settings.database_path).__enter__()


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(store, settings, clock, tmp_path, content) -> None:
    bad = tmp_path / "bot-20300101-000000.db"
    bad.write_bytes(content)
    store.touch_user("telegram", "1")
    before = settings.database_path.read_bytes()
    with pytest.raises(BackupError):
        restore(bad, settings.database_path, clock.now())
    assert settings.database_path.read_bytes() == before


def test_a_backup_from_a_newer_schema_is_refused(store, settings, clock, tmp_path) -> None:
    copy = take_backup(settings.database_path, tmp_path, clock.now()).path
    db = sqlite3.connect(copy)
    db.execute("insert into schema_migrations (version, applied_at) values (999, '')")
    db.commit()
    db.close()
    with pytest.raises(BackupError, match="更新的版本"):
        check_backup(copy)


def test_retention_keeps_seven_days_and_four_weeks(tmp_path) -> None:
    start = datetime(2030, 1, 1, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai the next day
    for day in range(60):
        for hour in (0, 5):  # two a day: only the day's last is kept
            (tmp_path / f"bot-{start + timedelta(days=day, hours=hour):%Y%m%d-%H%M%S}.db").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    prune(tmp_path, SHANGHAI)
    kept = [when for when, _ in backups(tmp_path)]
    days = sorted(when.astimezone(SHANGHAI).strftime("%m-%d") for when in kept)
    # The last 7 days (to Saturday 2 March), and the newest of each of the last 4 weeks: two of those are
    # among the 7 days (this week's Saturday, last Sunday), the other two are the Sundays before.
    assert days == ["02-10", "02-17", "02-24", "02-25", "02-26", "02-27", "02-28", "03-01", "03-02"]
    assert max(kept) == start + timedelta(days=59, hours=5)  # each day's newest
    assert (tmp_path / "notes.txt").exists()


async def test_the_nightly_backup_is_taken_once_after_three_in_the_morning(store, settings, clock) -> None:
    clock.pin(datetime(2030, 3, 4, 18, 30, tzinfo=UTC))  # 02:30 in Shanghai
    assert not backup_due(clock.now(), settings) and not await nightly_backup(store, settings)
    clock.advance(timedelta(hours=1))  # 03:30
    assert await nightly_backup(store, settings)
    assert not await nightly_backup(store, settings)  # once a day
    clock.advance(timedelta(days=1))
    assert await nightly_backup(store, settings)
    assert len(backups(settings.backup_dir)) == 2


class Recording:
    """A transport that records who got the notice; `during` runs once, half-way through."""

    def __init__(self, during=None, at: int = 0) -> None:
        self.received: Counter[str] = Counter()
        self.during, self.at = during, at

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str:
        self.received[external_id] += 1
        if self.during and sum(self.received.values()) == self.at:
            self.during()
        return external_id


async def test_a_backup_taken_during_a_broadcast_and_admin_edits_restores_and_resumes_with_nothing_lost(
    store, settings, clock, tmp_path, seed
) -> None:
    store.seed_faq(*seed)
    students = [str(10_000 + n) for n in range(5000)]
    for student in students:
        store.set_subscription("telegram", student, city="北京")
    notice = store.create_announcement("telegram:1", "招聘会", "北京", "", store.stamp(), False, "scheduled")
    store.enqueue(notice, daily_cap=10, day_start=store.stamp()[:10])
    taken: list[Path] = []

    def backup_and_edit() -> None:
        entry = store.faq_entry("jianxi")
        store.save_entry(FaqEntry.from_dict({**entry.as_dict(), "answer": "编辑中的答案"}), "telegram:1")
        taken.append(take_backup(settings.database_path, tmp_path / "backups", clock.now()).path)
        store.save_entry(FaqEntry.from_dict({**entry.as_dict(), "answer": "备份之后的答案"}), "telegram:1")

    first = Recording(backup_and_edit, at=2500)
    sender = Sender(store, first, budget=SendBudget(100_000), per_chat_interval=0, batch=200)
    while await sender.drain_once():
        pass
    assert sum(first.received.values()) == 5000
    store.close()

    # The disk is lost; the backup comes back.
    restore(taken[0], settings.database_path, clock.now())
    restored = Store.open(settings.database_path, clock)
    assert restored.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert restored.faq_entry("jianxi").answer == "编辑中的答案"  # the edit as it stood at the backup
    sent_before = {d.external_id for d in restored.sent_deliveries(notice)}
    assert 2500 - 200 <= len(sent_before) <= 2500  # what was on the wire at that instant is not marked sent yet
    second = Recording()
    resumed = Sender(restored, second, budget=SendBudget(100_000), per_chat_interval=0, batch=200)
    restored.reset_in_flight()  # what run() does first after a start
    while await resumed.drain_once():
        pass
    assert set(first.received) | set(second.received) == set(students)  # nothing lost
    assert not sent_before & set(second.received)  # what the backup knew was sent is not sent again
    assert restored.delivery_counts(notice) == {"sent": 5000}
    restored.close()


# -- health and metrics ---------------------------------------------------------------------


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def test_health_and_metrics_scraped_while_the_bot_runs(api, start_bot) -> None:
    port = free_port()
    async with start_bot(outbox=True, METRICS_PORT=str(port)) as conversation:
        base = f"http://127.0.0.1:{port}"
        api.send_text(4242, "百校千人实习补贴有多少")
        await api.wait_for_message(4242, timeout=10)
        status, body = await get(f"{base}/healthz")
        checks = json.loads(body)["checks"]
        assert status == 200, body
        assert checks["database_writable"]["ok"] and checks["scheduler_running"]["ok"]
        assert checks["telegram_last_success_seconds"]["value"] < 60  # the poll came back
        status, metrics = await get(f"{base}/metrics")
        assert status == 200
        assert 'guancai_questions_total{channel="telegram",outcome="answer"} 1.0' in metrics
        assert "guancai_match_seconds_bucket" in metrics and "guancai_outbox_oldest_due_seconds 0.0" in metrics
        assert "guancai_backup_age_seconds +Inf" in metrics and 'guancai_sender_events_total{event="sent"}' in metrics

        runner = api_runner(conversation)
        runner.scheduler.shutdown(wait=False)  # the scheduler died
        status, body = await get(f"{base}/healthz")
        assert status == 503 and not json.loads(body)["checks"]["scheduler_running"]["ok"]
        runner.scheduler.start()  # back, so that the bot stops as usual


def api_runner(conversation):
    """The running outbox, found through the core's hook (start_bot does not hand it out)."""
    return conversation.announcer.on_scheduled.__self__


async def test_an_old_backup_or_a_stuck_outbox_makes_the_bot_unhealthy(store, settings, clock) -> None:
    from bot.ops.monitor import Monitor

    monitor = Monitor(settings, store)
    assert {c.name: c.ok for c in monitor.checks()}["backup_age_seconds"]  # a new database: none due yet
    take_backup(settings.database_path, settings.backup_dir, clock.now())
    clock.pin(clock.now() + timedelta(days=3))
    assert not {c.name: c.ok for c in monitor.checks()}["backup_age_seconds"]
    store.set_subscription("telegram", "1", city="北京")
    notice = store.create_announcement("telegram:1", "通知", "北京", "", store.stamp(), False, "scheduled")
    store.enqueue(notice, daily_cap=10, day_start=store.stamp()[:10])
    clock.advance(timedelta(hours=1))  # nobody sent it for an hour
    stuck = {c.name: c for c in monitor.checks()}["outbox_oldest_due_seconds"]
    assert not stuck.ok and stuck.detail >= 3600


def test_json_logs_are_one_object_a_line() -> None:
    record = logging.LogRecord("bot.x", logging.WARNING, __file__, 1, "答了 %s 个问题", (3,), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["message"] == "答了 3 个问题"
    assert json.loads(line)["level"] == "WARNING"


async def test_the_running_bot_serves_health_refuses_a_restore_and_stops_cleanly_on_sigterm(
    api, telegram_env, tmp_path
) -> None:
    """`python -m bot run` in a subprocess: /healthz answers, a restore is refused while it runs, SIGTERM exits 0."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_"))}
    env.update({**telegram_env, "METRICS_PORT": str(port), "LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        status, body = 0, ""
        for _ in range(600):  # the knowledge base takes a few seconds to index, then the first poll comes back
            with contextlib.suppress(aiohttp.ClientConnectionError):
                status, body = await get(f"http://127.0.0.1:{port}/healthz")
                if status == 200:
                    break
            assert process.returncode is None, (await process.stderr.read()).decode()
            await asyncio.sleep(0.1)
        assert status == 200, body
        backup = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "backup", cwd=tmp_path, env=env,
                                                      stdout=asyncio.subprocess.PIPE)  # fmt: skip
        out, _ = await backup.communicate()
        assert backup.returncode == 0 and "完整性检查通过" in out.decode()
        [(_, copy)] = backups(Path(telegram_env["DATABASE_PATH"]).parent / "backups")
        refused = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "restore", str(copy), cwd=tmp_path,
                                                       env=env, stderr=asyncio.subprocess.PIPE)  # fmt: skip
        _, err = await refused.communicate()
        assert refused.returncode == 1 and "请先停止机器人" in err.decode()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
