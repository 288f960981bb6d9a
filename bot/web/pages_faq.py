"""问答库: the list with search, editing with a preview exactly as students see it, history and restore,
and 试问 (how the matcher scores a question).

Every write goes through the store methods the chat's editor uses (a revision and an audit entry under
the admin's name), then re-indexes: the next question, on any channel, already gets the new answer.
An edit carries the entry as it was loaded: if someone changed it meanwhile, nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from aiohttp import web

from bot.faq.files import placeholder_problem
from bot.ids import parse_id
from bot.people.permissions import Actor
from bot.store import NotFoundError
from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, Console, render
from knowledge.entries import FaqEntry, KnowledgeError, parse_entry

TOP_MATCHES = 5
LIST_LIMIT = 200


def fresh(console: Console) -> None:
    """Pick up FAQ changes made by another process (the CLI's import), as the chat does before each question."""
    console.conversation._refresh_knowledge()


def fingerprint(entry: FaqEntry | None) -> str:
    return "" if entry is None else hashlib.sha256(json.dumps(entry.as_dict(), ensure_ascii=False).encode()).hexdigest()[:16]


def _matches(entry: FaqEntry, needle: str) -> bool:
    return any(needle in text.lower() for text in (entry.id, entry.question, entry.answer, entry.source, *entry.alternates))


async def faq_list(request: web.Request) -> web.Response:
    """GET /faq?q=…&category=…: entries, filtered by a search over every field."""
    console = request.app[CONSOLE]
    fresh(console)
    kb = console.conversation.kb
    query, category = request.query.get("q", "").strip()[:100], request.query.get("category", "")
    entries = [e for e in kb.entries if (not category or e.category == category) and (not query or _matches(e, query.lower()))]
    titles = {c.id: c.title for c in kb.categories}
    return render(request, "faq_list.html", entries=entries[:LIST_LIMIT], total=len(entries), query=query,
                  category=category, categories=kb.categories, titles=titles)  # fmt: skip


def _form_entry(form: Any, entry_id: str, categories: list[str]) -> tuple[FaqEntry | None, list[str]]:
    """The entry the form describes, checked with the same rules as the chat and the file import."""
    raw = {
        "id": entry_id,
        "category": str(form.get("category", "")),
        "question": str(form.get("question", "")).strip(),
        "answer": str(form.get("answer", "")).strip().replace("\r\n", "\n"),
        "source": str(form.get("source", "")).strip(),
        "alternates": list(dict.fromkeys(a.strip() for a in re.split(r"[\r\n|]", str(form.get("alternates", ""))) if a.strip())),
    }
    problems = []
    placeholders = placeholder_problem(raw["answer"]) if raw["answer"] else None
    if placeholders:
        problems.append(placeholders)
    try:
        entry = parse_entry(raw, "条目", categories)
    except KnowledgeError as exc:
        return None, [*problems, str(exc).removeprefix("条目: ")]
    return (None if problems else entry), problems


def _editor(request: web.Request, entry: FaqEntry | None, *, new: bool, status: int = 200, **context: Any) -> web.Response:
    console = request.app[CONSOLE]
    kb = console.conversation.kb
    preview = console.conversation.answer(entry) if entry else None
    context.setdefault("problems", [])
    context.setdefault("entry_id", entry.id if entry else request.match_info.get("id", ""))
    context.setdefault("base", fingerprint(kb.get(entry.id)) if entry and not new else "")
    context.setdefault("from_review", request.query.get("question", ""))
    return render(request, "faq_edit.html", status=status, entry=entry, new=new, preview=preview,
                  categories=kb.categories, **context)  # fmt: skip


async def faq_edit_page(request: web.Request) -> web.Response:
    """GET /faq/{id}: the form, with the entry as students see it now."""
    console = request.app[CONSOLE]
    fresh(console)
    entry = console.conversation.kb.get(request.match_info["id"])
    if entry is None:
        raise web.HTTPNotFound(text="没有这个条目（可能已被删除，可在历史里恢复）。")
    return _editor(request, entry, new=False)


async def faq_new_page(request: web.Request) -> web.Response:
    """GET /faq/new[?question=…]: a blank form (from the review list: the question filled in)."""
    question = request.query.get("question", "")[:200]
    draft = {"id": "", "category": "", "question": question, "answer": "", "source": "", "alternates": []}
    return _editor(request, None, new=True, draft=draft)


async def faq_save(request: web.Request) -> web.Response:
    """POST /faq/{id} or /faq/new: preview the form as students would see it, or save it."""
    console = request.app[CONSOLE]
    fresh(console)
    form = await request.post()
    actor: Actor = request[ACTOR]
    kb, store = console.conversation.kb, console.store
    new = request.match_info.get("id") is None
    entry_id = str(form.get("id", "")).strip() if new else request.match_info["id"]
    draft = {k: str(form.get(k, "")) for k in ("category", "question", "answer", "source", "alternates")}
    draft["id"] = entry_id
    entry, problems = _form_entry(form, entry_id, [c.id for c in kb.categories])
    current = kb.get(entry_id)
    if new and current is not None:
        problems.append(f"编号 {entry_id} 已被占用，请换一个。")
    if not new and current is None:
        problems.append("这个条目已被删除，未保存（可在历史里恢复）。")
    if not new and str(form.get("base", "")) != fingerprint(current) and form.get("action") == "save":
        problems.append("保存前这个条目已被别人修改。下面是你的修改；请核对当前内容后再保存。")
        return _editor(request, entry, new=new, status=409, problems=problems, draft=draft, base=fingerprint(current))
    if problems or entry is None:
        return _editor(request, entry, new=new, status=400, problems=problems, draft=draft,
                       base=str(form.get("base", "")), from_review=str(form.get("from_review", "")))  # fmt: skip
    if form.get("action") != "save":
        return _editor(request, entry, new=new, draft=draft, previewing=True,
                       base=str(form.get("base", "")), from_review=str(form.get("from_review", "")))  # fmt: skip
    if store.save_entry(entry, actor.key):
        console.conversation.reload_knowledge()
    if new and form.get("from_review"):  # made from a review group: take the group off the list, as the chat does
        console.conversation.admin.finish_new_entry_review(str(form["from_review"]), actor)
    raise redirect(f"/faq/{entry.id}", f"已保存 {entry.id}，下一个问题起生效。")


async def faq_delete(request: web.Request) -> web.Response:
    """POST /faq/{id}/delete (its revisions stay: it can be restored from the history)."""
    console = request.app[CONSOLE]
    entry_id = request.match_info["id"]
    try:
        console.store.delete_entry(entry_id, request[ACTOR].key)
    except NotFoundError:
        raise redirect("/faq", f"{entry_id} 已不存在。") from None
    console.conversation.reload_knowledge()
    raise redirect("/faq", f"已删除 {entry_id}（可在历史里恢复）。")


def _changes(before: FaqEntry | None, after: FaqEntry | None) -> list[dict[str, Any]]:
    """Field by field, what a revision changed."""
    b, a = (before.as_dict() if before else {}), (after.as_dict() if after else {})
    rows = []
    for name in ("question", "category", "answer", "source", "alternates"):
        old, new = b.get(name), a.get(name)
        if old == new:
            continue
        if name == "alternates":
            old_set, new_set = set(old or []), set(new or [])
            rows.append({"field": name, "removed": [x for x in old or [] if x not in new_set],
                         "added": [x for x in new or [] if x not in old_set]})  # fmt: skip
        else:
            rows.append({"field": name, "before": old or "", "after": new or ""})
    return rows


async def faq_history(request: web.Request) -> web.Response:
    """GET /faq/{id}/history: every revision, before → after, each one restorable."""
    console = request.app[CONSOLE]
    entry_id = request.match_info["id"]
    revisions = [(r, _changes(r.before, r.after)) for r in console.store.entry_history(entry_id)]
    if not revisions:
        raise web.HTTPNotFound(text="这个条目没有历史。")
    return render(request, "faq_history.html", entry_id=entry_id, revisions=revisions,
                  exists=console.conversation.kb.get(entry_id) is not None)  # fmt: skip


async def faq_restore(request: web.Request) -> web.Response:
    """POST /faq/{id}/restore: the entry as it was after a revision (even after a delete)."""
    console = request.app[CONSOLE]
    entry_id = request.match_info["id"]
    form = await request.post()
    revision = parse_id(str(form.get("revision", "")))  # a forged 40-digit number is "no such version"
    try:
        if revision is None:
            raise ValueError(form.get("revision"))
        console.store.rollback_entry(entry_id, revision, request[ACTOR].key)
    except (NotFoundError, ValueError):
        raise redirect(f"/faq/{entry_id}/history", "没有这个版本。") from None
    console.conversation.reload_knowledge()
    raise redirect(f"/faq/{entry_id}/history", f"已恢复到版本 {form['revision']}。")


async def try_question(request: web.Request) -> web.Response:
    """GET /try?q=…: the outcome, the top matches with their scores, the answer as students see it (not logged)."""
    console = request.app[CONSOLE]
    fresh(console)
    kb = console.conversation.kb
    question = request.query.get("q", "").strip()[:200]
    outcome = kb.ask(question) if question else None
    matches = []
    if outcome is not None:
        for scored in outcome.scored[:TOP_MATCHES]:
            entry = kb.get(scored.entry_id)
            if entry:
                matches.append((entry, scored))
    reply = console.conversation.answer(outcome.entry) if outcome and outcome.entry else None
    return render(request, "try.html", question=question, outcome=outcome, matches=matches, reply=reply,
                  answer_threshold=kb.answer_threshold, suggest_threshold=kb.suggest_threshold,
                  answer_p=kb.decision.answer_p)  # fmt: skip


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/faq", faq_list)
    router.add_get("/faq/new", faq_new_page)
    router.add_post("/faq/new", faq_save)
    router.add_get("/try", try_question)
    router.add_get(r"/faq/{id:[a-z0-9-]+}", faq_edit_page)
    router.add_post(r"/faq/{id:[a-z0-9-]+}", faq_save)
    router.add_post(r"/faq/{id:[a-z0-9-]+}/delete", faq_delete)
    router.add_get(r"/faq/{id:[a-z0-9-]+}/history", faq_history)
    router.add_post(r"/faq/{id:[a-z0-9-]+}/restore", faq_restore)
