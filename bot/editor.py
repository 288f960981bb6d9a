"""Admins edit the FAQ in the chat: guided flows, previews, history and rollback, files.

Every flow keeps its state in the database (`dialogs`), so a restart loses
nothing; every step can be cancelled (/cancel or the button); nothing is
written before the admin confirms a preview shown exactly as students see it.
Each write makes a revision and an audit entry (store), and re-indexes the
knowledge base so the next question already uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.faq_io import SUPPORTED, ImportProblems, export_faq, parse_faq_file, summarize
from bot.permissions import Actor, Role
from bot.replies import Button, Reply
from bot.store import NotFoundError, Store
from knowledge.entries import ID_PATTERN, FaqEntry, KnowledgeError, parse_entry
from knowledge.kb import KnowledgeBase

HISTORY_SHOWN = 10
FIELDS = ("question", "answer", "category", "alt_add", "alt_del")
CANCEL = Button(t.BUTTON_CANCEL, "ed:cancel")


@dataclass
class Editor:
    store: Store
    knowledge: Callable[[], KnowledgeBase]
    reload: Callable[[], None]
    render: Callable[[FaqEntry], Reply]  # an entry exactly as students see it
    timezone: ZoneInfo
    on_saved_from_review: Callable[[str, Actor], None] = lambda text, actor: None  # take its group off the list

    # -- starting flows ---------------------------------------------------------

    def start_add(self, actor: Actor, question: str = "") -> list[Reply]:
        actor.require(Role.ADMIN)
        data = {"step": "id", "entry": {"question": question} if question else {}, "from_review": question}
        self.store.set_dialog(actor.channel, actor.user_id, "add", data)
        return [Reply(t.ASK_ID, buttons=((CANCEL,),))]

    def start_edit(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry = self._entry(args)
        if entry is None:
            return [Reply(t.WHICH_ENTRY.format(command="/edit"))]
        self.store.set_dialog(actor.channel, actor.user_id, "edit", {"step": "field", "entry": _plain(entry)})
        rows = tuple((Button(t.FIELD_NAMES[f], f"ed:f:{f}"),) for f in FIELDS)
        return [self._preview(entry), Reply(t.CHOOSE_FIELD.format(id=entry.id), buttons=(*rows, (CANCEL,)))]

    def ask_delete(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry = self._entry(args)
        if entry is None:
            return [Reply(t.WHICH_ENTRY.format(command="/delete"))]
        confirm = Button(t.BUTTON_DELETE, f"ed:del:{entry.id}")
        return [self._preview(entry), Reply(t.CONFIRM_DELETE.format(id=entry.id), buttons=((confirm, CANCEL),))]

    def history(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry_id = args[0] if args else ""
        revisions = self.store.entry_history(entry_id)[:HISTORY_SHOWN] if entry_id else []
        if not revisions:
            return [Reply(t.NO_HISTORY.format(id=entry_id or "?"))]
        lines, rows = [t.HISTORY_TITLE.format(id=entry_id)], []
        for r in revisions:
            lines.append(
                t.HISTORY_LINE.format(
                    rev=r.id,
                    when=datetime.fromisoformat(r.created_at).astimezone(self.timezone).strftime("%Y-%m-%d %H:%M"),
                    action=t.ACTIONS.get(r.action, r.action),
                    actor=r.actor,
                )
            )
            rows.append((Button(t.BUTTON_ROLLBACK.format(rev=r.id), f"ed:rb:{entry_id}:{r.id}"),))
        return [Reply("\n".join(lines), buttons=(*rows, (CANCEL,)))]

    def export(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        fmt = (args[0] if args else "xlsx").lower().lstrip(".")
        if f".{fmt}" not in SUPPORTED or fmt == "yml":
            return [Reply(t.EXPORT_FORMATS)]
        kb = self.knowledge()
        content = export_faq(kb.entries, kb.categories, fmt)
        self.store.audit(actor.key, "faq.export", fmt, None, len(kb.entries))
        return [Reply(t.EXPORTED.format(count=len(kb.entries)), document=(f"faq.{fmt}", content))]

    def receive_file(self, actor: Actor, filename: str, content: bytes) -> list[Reply]:
        """An uploaded file: check it whole, then show the summary and wait for confirmation."""
        actor.require(Role.ADMIN)
        kb = self.knowledge()
        try:
            incoming = parse_faq_file(filename, content, kb.categories)
        except ImportProblems as problems:
            lines = [p.reason for p in problems.problems]
            return [Reply(t.IMPORT_REJECTED.format(count=len(lines), problems="\n".join(lines)))]
        summary = summarize(kb.entries, incoming, delete_missing=True)
        if not summary.added and not summary.changed and not summary.deleted:
            return [Reply(t.IMPORT_NOTHING)]
        keep = summarize(kb.entries, incoming, delete_missing=False)
        self.store.set_dialog(actor.channel, actor.user_id, "import", {"entries": [_plain(e) for e in incoming]})
        rows = [(Button(t.BUTTON_IMPORT, "ed:imp:keep"),)]
        if summary.deleted:
            rows.append((Button(t.BUTTON_IMPORT_DELETE.format(n=len(summary.deleted)), "ed:imp:delete"),))
        return [
            Reply(
                t.IMPORT_SUMMARY.format(summary=keep.text(), missing=len(summary.deleted)), buttons=(*rows, (CANCEL,))
            )
        ]

    # -- inside a flow ----------------------------------------------------------------

    def cancel(self, actor: Actor) -> list[Reply]:
        had = self.store.dialog(actor.channel, actor.user_id) is not None
        self.store.clear_dialog(actor.channel, actor.user_id)
        return [Reply(t.CANCELLED if had else t.NOTHING_TO_CANCEL)]

    def active(self, actor: Actor) -> bool:
        return self.store.dialog(actor.channel, actor.user_id) is not None

    def on_text(self, actor: Actor, text: str) -> list[Reply]:
        """The admin typed something while a flow waits for it."""
        actor.require(Role.ADMIN)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        step, entry = data.get("step"), dict(data.get("entry") or {})
        text = text.strip()
        if flow == "add" and step == "id":
            if not ID_PATTERN.match(text):
                return [Reply(t.BAD_ID, buttons=((CANCEL,),))]
            if self.knowledge().get(text):
                return [Reply(t.ID_TAKEN.format(id=text), buttons=((CANCEL,),))]
            entry["id"] = text
            return self._next(actor, flow, data, entry)
        if step in ("question", "answer"):
            entry[step] = text
        elif step in ("alternates", "alt_add") or (step == "confirm" and data.get("adding")):
            # Phrasings may come one message at a time: each adds to the list and shows the preview again.
            new = [] if text in ("/skip", "跳过", "无") else [a.strip() for a in re.split(r"[\n|]", text) if a.strip()]
            entry["alternates"] = list(dict.fromkeys([*entry.get("alternates", []), *new]))
            data["adding"] = True
        else:
            return self._prompt(flow, data)
        return self._next(actor, flow, data, entry)

    def _prompt(self, flow: str, data: dict[str, Any]) -> list[Reply]:
        """Ask again for what the current step needs, with its buttons."""
        step = data.get("step")
        if step == "category":
            return [Reply(t.ASK_CATEGORY, buttons=self._category_buttons())]
        if step == "field":
            rows = tuple((Button(t.FIELD_NAMES[f], f"ed:f:{f}"),) for f in FIELDS)
            return [Reply(t.USE_BUTTONS, buttons=(*rows, (CANCEL,)))]
        if step == "confirm":
            return [Reply(t.CONFIRM_SAVE, buttons=((Button(t.BUTTON_SAVE, "ed:save"), CANCEL),))]
        if flow == "import":
            return [Reply(t.USE_BUTTONS, buttons=((Button(t.BUTTON_IMPORT, "ed:imp:keep"), CANCEL),))]
        return [Reply(t.USE_BUTTONS, buttons=((CANCEL,),))]

    def on_button(self, actor: Actor, action: str) -> list[Reply]:
        """ed:… buttons: fields, categories, removals, confirmations."""
        actor.require(Role.ADMIN)
        kind, _, rest = action.partition(":")
        if kind == "cancel":
            return self.cancel(actor)
        if kind == "del":
            return self._delete(actor, rest)
        if kind == "rb":
            return self._rollback_preview(actor, rest)
        if kind == "rbok":
            return self._rollback(actor, rest)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        entry = dict(data.get("entry") or {})
        if kind == "imp" and flow == "import":
            return self._import(actor, data, delete_missing=rest == "delete")
        if kind == "f" and flow == "edit" and rest in FIELDS:
            data["step"] = rest
            self.store.set_dialog(actor.channel, actor.user_id, flow, data)
            if rest == "category":
                return self._prompt(flow, data)
            if rest == "alt_del":
                rows = tuple((Button(a[:60], f"ed:rm:{i}"),) for i, a in enumerate(entry.get("alternates", [])[:90]))
                return [Reply(t.ASK_REMOVE, buttons=(*rows, (CANCEL,)))]
            return [Reply(t.PROMPTS[rest].format(), buttons=((CANCEL,),))]
        if kind == "cat" and flow in ("add", "edit") and data.get("step") == "category":
            if rest not in {c.id for c in self.knowledge().categories}:
                return [Reply(t.STALE_BUTTON, buttons=((CANCEL,),))]
            entry["category"] = rest
            return self._next(actor, flow, data, entry)
        if kind == "rm" and flow == "edit" and data.get("step") == "alt_del" and rest.isdecimal():
            alternates = entry.get("alternates", [])
            if int(rest) < len(alternates):
                entry["alternates"] = alternates[: int(rest)] + alternates[int(rest) + 1 :]
            return self._next(actor, flow, data, entry)
        if kind == "save" and flow in ("add", "edit") and data.get("step") == "confirm":
            return self._save(actor, flow, data, entry)
        return [Reply(t.STALE_BUTTON)]

    # -- steps ------------------------------------------------------------------------------

    def _next(self, actor: Actor, flow: str, data: dict[str, Any], entry: dict[str, Any]) -> list[Reply]:
        """Ask for the next missing field, or show the preview to confirm."""
        data["entry"] = entry
        if flow == "add":
            for step in ("id", "category", "question", "answer", "alternates"):
                if step not in entry:
                    data["step"] = step
                    self.store.set_dialog(actor.channel, actor.user_id, flow, data)
                    if step == "category":
                        return [Reply(t.ASK_CATEGORY, buttons=self._category_buttons())]
                    return [Reply(t.PROMPTS[step].format(), buttons=((CANCEL,),))]
        try:
            candidate = parse_entry(entry, "新条目", [c.id for c in self.knowledge().categories])
        except KnowledgeError as exc:
            data["step"] = data.get("step") if flow == "edit" else "answer"
            self.store.set_dialog(actor.channel, actor.user_id, flow, data)
            return [Reply(t.INVALID.format(reason=str(exc).split(": ", 1)[-1]), buttons=((CANCEL,),))]
        data["step"] = "confirm"
        self.store.set_dialog(actor.channel, actor.user_id, flow, data)
        save = Button(t.BUTTON_SAVE, "ed:save")
        more = t.MORE_ALTERNATES if data.get("adding") else ""
        return [self._preview(candidate), Reply(t.CONFIRM_SAVE + more, buttons=((save, CANCEL),))]

    def _save(self, actor: Actor, flow: str, data: dict[str, Any], entry: dict[str, Any]) -> list[Reply]:
        new = parse_entry(entry, "条目", [c.id for c in self.knowledge().categories])
        if flow == "add" and self.knowledge().get(new.id):
            return [Reply(t.ID_TAKEN.format(id=new.id), buttons=((CANCEL,),))]
        self.store.save_entry(new, actor.key)
        self.store.clear_dialog(actor.channel, actor.user_id)
        self.reload()
        if data.get("from_review"):
            self.on_saved_from_review(data["from_review"], actor)
        return [Reply(t.SAVED.format(id=new.id))]

    def _delete(self, actor: Actor, entry_id: str) -> list[Reply]:
        try:
            self.store.delete_entry(entry_id, actor.key)
        except NotFoundError:
            return [Reply(t.STALE_BUTTON)]
        self.reload()
        return [Reply(t.DELETED.format(id=entry_id))]

    def _rollback_preview(self, actor: Actor, rest: str) -> list[Reply]:
        entry_id, _, rev = rest.rpartition(":")
        revision = next((r for r in self.store.entry_history(entry_id) if str(r.id) == rev), None)
        if revision is None:
            return [Reply(t.STALE_BUTTON)]
        confirm = Button(t.BUTTON_ROLLBACK_CONFIRM, f"ed:rbok:{entry_id}:{rev}")
        shown = [self._preview(revision.after)] if revision.after else [Reply(t.ROLLBACK_TO_DELETED.format(rev=rev))]
        return [*shown, Reply(t.CONFIRM_ROLLBACK.format(rev=rev, id=entry_id), buttons=((confirm, CANCEL),))]

    def _rollback(self, actor: Actor, rest: str) -> list[Reply]:
        entry_id, _, rev = rest.rpartition(":")
        try:
            self.store.rollback_entry(entry_id, int(rev), actor.key)
        except (NotFoundError, ValueError):
            return [Reply(t.STALE_BUTTON)]
        self.reload()
        return [Reply(t.ROLLED_BACK.format(id=entry_id, rev=rev))]

    def _import(self, actor: Actor, data: dict[str, Any], delete_missing: bool) -> list[Reply]:
        incoming = [FaqEntry(**{**e, "alternates": tuple(e["alternates"])}) for e in data["entries"]]
        summary = summarize(self.knowledge().entries, incoming, delete_missing=delete_missing)
        self.store.apply_import(incoming, summary.deleted if delete_missing else [], actor.key)
        self.store.clear_dialog(actor.channel, actor.user_id)
        self.reload()
        return [Reply(t.IMPORTED.format(summary=summary.text()))]

    def _preview(self, entry: FaqEntry) -> Reply:
        """The entry as students will see it, without its buttons (they would act, not preview)."""
        return replace(self.render(entry), buttons=())

    def _entry(self, args: tuple[str, ...]) -> FaqEntry | None:
        return self.knowledge().get(args[0]) if args else None

    def _category_buttons(self) -> tuple[tuple[Button, ...], ...]:
        rows = tuple((Button(c.title, f"ed:cat:{c.id}"),) for c in self.knowledge().categories)
        return (*rows, (CANCEL,))


def _plain(entry: FaqEntry) -> dict[str, Any]:
    return {**asdict(entry), "alternates": list(entry.alternates)}
