"""Admins edit the FAQ in the chat: guided flows, previews, history and rollback, files.

Every flow keeps its state in the database (`dialogs`), so a restart loses
nothing; every step can be cancelled; nothing is written before the admin
confirms a preview shown exactly as students see it. Each write makes a
revision and an audit entry (store) and re-indexes the knowledge base, so the
next question already uses it.

Safe against the chat's two hazards: buttons of a flow carry its token, so a
press on an old message cannot act on a newer flow; and an edit is kept as a
change set applied to the entry as it is *at save time*, so two admins never
silently undo each other's work (an entry deleted meanwhile is not revived).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.faq import texts as faq_texts
from bot.faq.files import SUPPORTED, export_faq, parse_faq_file, placeholder_problem, summarize
from bot.faq.history import History
from bot.faq.lookup import COMMANDS, choices_reply, find, taken_phrasings
from bot.people.permissions import Actor, Role
from bot.replies import Button, Reply
from bot.store import NotFoundError, Store
from bot.tables import ImportProblems
from knowledge.entries import ID_PATTERN, MAX_ANSWER_CHARS, MAX_QUESTION_CHARS, FaqEntry, KnowledgeError, parse_entry
from knowledge.kb import KnowledgeBase

HISTORY_SHOWN = 10
FIELDS = ("question", "answer", "answer_en", "category", "source", "alt_add", "alt_del")
MAX_SOURCE_CHARS = 200
DISMISS = Button(t.BUTTON_CANCEL, "ed:x")  # for one-off confirmations that are not a flow


@dataclass
class Editor:
    store: Store
    knowledge: Callable[[], KnowledgeBase]
    reload: Callable[[], None]
    render: Callable[[FaqEntry], Reply]  # an entry exactly as students see it
    timezone: ZoneInfo
    on_saved_from_review: Callable[[str, Actor], None] = lambda text, actor: None  # take its group off the list

    def __post_init__(self) -> None:
        self._history = History(self.store, self.reload, self._preview, self.timezone)

    # -- starting flows -------------------------------------------------------------

    def start_add(self, actor: Actor, question: str = "") -> list[Reply]:
        actor.require(Role.ADMIN)
        data = {"entry": {"question": question} if question else {}, "from_review": question}
        return self._begin(actor, "add", data, "id", [Reply(faq_texts.ASK_ID)])

    def start_edit(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry, which = self._entry("edit", args)
        if entry is None:
            return [which]
        data = {"id": entry.id, "changes": {}}
        return [self._preview(entry), *self._begin(actor, "edit", data, "field", [])]

    def ask_delete(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry, which = self._entry("delete", args)
        if entry is None:
            return [which]
        confirm = Button(faq_texts.BUTTON_DELETE, f"ed:del:{entry.id}")
        return [self._preview(entry), Reply(faq_texts.CONFIRM_DELETE.format(id=entry.id), buttons=((confirm, DISMISS),))]

    def history(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        raw = " ".join(args).strip()
        if raw and self.store.entry_history(raw):  # by id, a deleted entry's too
            return self._history.show(actor, raw)
        entry, which = self._entry("history", args)
        return self._history.show(actor, entry.id) if entry else [which]

    def export(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        fmt = (args[0] if args else "xlsx").lower().lstrip(".")
        if f".{fmt}" not in SUPPORTED or fmt == "yml":
            return [Reply(faq_texts.EXPORT_FORMATS)]
        kb = self.knowledge()
        content = export_faq(kb.entries, kb.categories, fmt)
        self.store.audit(actor.key, "faq.export", fmt, None, len(kb.entries))
        return [Reply(faq_texts.EXPORTED.format(count=len(kb.entries)), document=(f"faq.{fmt}", content))]

    def receive_file(self, actor: Actor, filename: str, content: bytes, prepared: object = None) -> list[Reply]:
        """An uploaded file: check it whole, then show what it would change and wait for confirmation.

        `prepared`: the file already read in a worker thread (bot.channels.uploads)."""
        actor.require(Role.ADMIN)
        kb = self.knowledge()
        try:
            incoming = parse_faq_file(filename, content, kb.categories, kb.entries, prepared=prepared)
        except ImportProblems as problems:
            lines = [p.reason for p in problems.problems]
            return [Reply(faq_texts.IMPORT_REJECTED.format(count=problems.total, problems="\n".join(lines)))]
        keep = summarize(kb.entries, incoming, delete_missing=False)
        drop = summarize(kb.entries, incoming, delete_missing=True)
        if not drop.has_changes:
            return [Reply(faq_texts.IMPORT_NOTHING)]
        data = {
            "entries": [e.as_dict() for e in incoming],
            "version": self.store.faq_version(),
            "offer_delete": bool(drop.deleted),
        }
        return self._begin(actor, "import", data, "confirm", [Reply(t.IMPORT_SUMMARY.format(summary=keep.text()))])

    # -- inside a flow ----------------------------------------------------------------

    def active(self, actor: Actor) -> bool:
        return self.store.dialog(actor.channel, actor.user_id) is not None

    def cancel(self, actor: Actor) -> list[Reply]:
        """/cancel: leave whatever flow the user is in (students have none)."""
        had = self.store.dialog(actor.channel, actor.user_id) is not None
        self.store.clear_dialog(actor.channel, actor.user_id)
        return [Reply(t.CANCELLED if had else faq_texts.NOTHING_TO_CANCEL)]

    def on_text(self, actor: Actor, text: str) -> list[Reply]:
        """The admin typed something while a flow waits for it; each field is checked as it arrives."""
        actor.require(Role.ADMIN)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        step, text = data.get("step"), text.strip()
        if flow == "add" and step == "id":
            problem = (
                faq_texts.BAD_ID
                if not ID_PATTERN.match(text)
                else faq_texts.ID_TAKEN.format(id=text)
                if self.knowledge().get(text)
                else None
            )
            if problem:
                return [self._with_cancel(data, problem)]
            data["entry"]["id"] = text
        elif step == "answer_en" and text in t.SKIP_WORDS:
            self._set(flow, data, step, "")
        elif step in ("question", "answer", "answer_en"):
            problem = _field_problem(step, text)
            if problem:
                return [self._with_cancel(data, problem)]
            self._set(flow, data, step, text)
        elif step == "source":
            if len(text) > MAX_SOURCE_CHARS:
                return [self._with_cancel(data, t.FIELD_TOO_LONG.format(field="来源", limit=MAX_SOURCE_CHARS))]
            self._set(flow, data, "source", "" if text in t.SKIP_WORDS else text)
        elif step in ("alternates", "alt_add") or (step == "confirm" and data.get("adding")):
            # Phrasings may come one message at a time: each adds to the list and shows the preview again.
            skipped = text in t.SKIP_WORDS
            new = [] if skipped else [a.strip() for a in re.split(r"[\n|]", text) if a.strip()]
            too_long = [a for a in new if len(a) > MAX_QUESTION_CHARS]
            if too_long:
                return [self._with_cancel(data, t.FIELD_TOO_LONG.format(field="问法", limit=MAX_QUESTION_CHARS))]
            entry_id = data.get("id") or data.get("entry", {}).get("id", "")
            taken = taken_phrasings(self.knowledge(), entry_id, new)
            self._set(flow, data, "alt_add", [a for a in new if a not in taken])
            data["adding"] = not skipped
            if taken:  # another entry has them: warn and ask before taking them over
                return self._ask_taken(actor, flow, data, taken)
        else:
            return self._prompt(data)
        return self._next(actor, flow, data)

    def on_button(self, actor: Actor, action: str) -> list[Reply]:
        """ed:… buttons. Flow buttons carry the flow's token; a press from an old message is stale."""
        actor.require(Role.ADMIN)
        kind, _, rest = action.partition(":")
        if kind == "x":
            return [Reply(t.DISMISSED_PROMPT)]
        if kind == "del":
            return self._delete(actor, rest)
        if kind == "pick":
            command, _, entry_id = rest.partition(":")
            return self._picked(actor, command, entry_id)
        if kind in ("rb", "rbo"):
            return self._history.ask(actor, rest, original=kind == "rbo")
        if kind in ("rbok", "rbook"):
            return self._history.restore(actor, rest, original=kind == "rbook")
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        token, _, value = rest.partition(":")
        if not flow or token != data.get("token"):
            return [Reply(t.ADMIN_STALE)]
        if kind == "cancel":
            return self.cancel(actor)
        step = data.get("step")
        if kind == "imp" and flow == "import" and (value == "keep" or (value == "delete" and data.get("offer_delete"))):
            return self._import(actor, data, delete_missing=value == "delete")
        if kind == "f" and flow == "edit" and value in FIELDS:
            return self._choose_field(actor, data, value)
        if kind == "cat" and step == "category" and value in {c.id for c in self.knowledge().categories}:
            self._set(flow, data, "category", value)
            return self._next(actor, flow, data)
        if kind == "rm" and flow == "edit" and step == "alt_del":
            current = self._candidate(flow, data)
            match = [a for a in (current.alternates if current else ()) if _short_hash(a) == value]
            if match:
                self._set(flow, data, "alt_remove", match)
            return self._next(actor, flow, data)
        if kind == "save" and step == "confirm":
            return self._save(actor, flow, data)
        if kind == "alt" and step == "taken" and value in ("keep", "drop"):
            if value == "keep":
                self._set(flow, data, "alt_add", data.get("taken", []))
            data.pop("taken", None)
            return self._next(actor, flow, data)
        return [Reply(t.ADMIN_STALE)]

    # -- steps ------------------------------------------------------------------------------

    def _begin(self, actor: Actor, flow: str, data: dict[str, Any], step: str, replies: list[Reply]) -> list[Reply]:
        data.update(token=secrets.token_hex(2), step=step)
        self.store.set_dialog(actor.channel, actor.user_id, flow, data)
        if flow == "edit":
            return self._prompt(data)
        if flow == "import":
            imp = [Button(t.BUTTON_IMPORT, f"ed:imp:{data['token']}:keep")]
            if data["offer_delete"]:
                imp.append(Button(faq_texts.BUTTON_IMPORT_DELETE, f"ed:imp:{data['token']}:delete"))
            return [replace(replies[0], buttons=(*((b,) for b in imp), (self._cancel(data),)))]
        return [replace(r, buttons=((self._cancel(data),),)) for r in replies]

    def _choose_field(self, actor: Actor, data: dict[str, Any], field: str) -> list[Reply]:
        data["step"] = field
        self.store.set_dialog(actor.channel, actor.user_id, "edit", data)
        if field == "alt_del":
            current = self._candidate("edit", data)
            alternates = current.alternates[:90] if current else ()
            rows = tuple((Button(a[:60], f"ed:rm:{data['token']}:{_short_hash(a)}"),) for a in alternates)
            return [Reply(faq_texts.ASK_REMOVE, buttons=(*rows, (self._cancel(data),)))]
        if field == "category":
            return self._prompt(data)
        return [self._with_cancel(data, faq_texts.PROMPTS[field].format())]

    def _next(self, actor: Actor, flow: str, data: dict[str, Any]) -> list[Reply]:
        """Ask for the next missing field, or show the preview to confirm."""
        if flow == "add":
            for step in ("id", "category", "question", "answer", "source", "alternates"):
                if step not in data["entry"]:
                    data["step"] = step
                    self.store.set_dialog(actor.channel, actor.user_id, flow, data)
                    return self._prompt(data)
        try:
            candidate = self._candidate(flow, data)
        except KnowledgeError as exc:  # a rule the per-step checks do not know yet
            return [self._with_cancel(data, faq_texts.INVALID.format(reason=str(exc).rsplit(": ", 1)[-1]))]
        if candidate is None:
            self.store.clear_dialog(actor.channel, actor.user_id)
            return [Reply(faq_texts.ENTRY_GONE.format(id=data.get("id", "")))]
        data["step"] = "confirm"
        self.store.set_dialog(actor.channel, actor.user_id, flow, data)
        more = faq_texts.MORE_ALTERNATES if data.get("adding") else ""
        save = Button(t.BUTTON_SAVE, f"ed:save:{data['token']}")
        return [self._preview(candidate), Reply(t.CONFIRM_SAVE + more, buttons=((save, self._cancel(data)),))]

    def _prompt(self, data: dict[str, Any]) -> list[Reply]:
        """Ask (again) for what the current step needs, with its buttons."""
        step, token = data.get("step"), data["token"]
        if step == "category":
            rows = tuple((Button(c.title, f"ed:cat:{token}:{c.id}"),) for c in self.knowledge().categories)
            return [Reply(faq_texts.ASK_CATEGORY, buttons=(*rows, (self._cancel(data),)))]
        if step == "field":
            rows = tuple((Button(faq_texts.FIELD_NAMES[f], f"ed:f:{token}:{f}"),) for f in FIELDS)
            return [Reply(faq_texts.CHOOSE_FIELD.format(id=data["id"]), buttons=(*rows, (self._cancel(data),)))]
        if step == "confirm" and "entries" not in data:
            save = Button(t.BUTTON_SAVE, f"ed:save:{token}")
            return [Reply(t.CONFIRM_SAVE, buttons=((save, self._cancel(data)),))]
        if step in faq_texts.PROMPTS:
            return [self._with_cancel(data, faq_texts.PROMPTS[step].format())]
        if step == "id":
            return [self._with_cancel(data, faq_texts.ASK_ID)]
        return [self._with_cancel(data, t.USE_BUTTONS)]

    def _set(self, flow: str, data: dict[str, Any], field: str, value: Any) -> None:
        """Record a field: into the new entry (add), or into the change set (edit)."""
        if flow == "add":
            entry = data["entry"]
            if field == "alt_add":
                entry["alternates"] = list(dict.fromkeys([*entry.get("alternates", []), *value]))
            else:
                entry[field] = value
            return
        changes = data["changes"]
        if field == "alt_add":
            changes["alt_add"] = list(dict.fromkeys([*changes.get("alt_add", []), *value]))
        elif field == "alt_remove":
            changes["alt_remove"] = list(dict.fromkeys([*changes.get("alt_remove", []), *value]))
        else:
            changes[field] = value

    def _candidate(self, flow: str, data: dict[str, Any]) -> FaqEntry | None:
        """The entry that saving would write: a new one, or the *current* entry with the changes applied."""
        categories = [c.id for c in self.knowledge().categories]
        if flow == "add":
            return parse_entry(data["entry"], "新条目", categories)
        current = self.knowledge().get(data.get("id", ""))
        if current is None:
            return None
        changes = data.get("changes", {})
        removed = set(changes.get("alt_remove", []))
        alternates = [a for a in (*current.alternates, *changes.get("alt_add", [])) if a not in removed]
        fields = {k: v for k, v in changes.items() if k in ("question", "answer", "answer_en", "category", "source")}
        return replace(current, **fields, alternates=tuple(dict.fromkeys(alternates)))

    def _save(self, actor: Actor, flow: str, data: dict[str, Any]) -> list[Reply]:
        try:
            new = self._candidate(flow, data)
        except KnowledgeError as exc:  # a rule the per-step checks do not know yet
            return [self._with_cancel(data, faq_texts.INVALID.format(reason=str(exc).rsplit(": ", 1)[-1]))]
        self.store.clear_dialog(actor.channel, actor.user_id)
        if new is None:
            return [Reply(faq_texts.ENTRY_GONE.format(id=data.get("id", "")))]
        if flow == "add" and self.knowledge().get(new.id):
            return [Reply(faq_texts.ID_TAKEN.format(id=new.id))]
        self.store.save_entry(new, actor.key)
        self.reload()
        if data.get("from_review"):
            self.on_saved_from_review(data["from_review"], actor)
        return [Reply(faq_texts.SAVED.format(id=new.id))]

    def _delete(self, actor: Actor, entry_id: str) -> list[Reply]:
        try:
            self.store.delete_entry(entry_id, actor.key)
        except NotFoundError:
            return [Reply(t.ADMIN_STALE)]
        self.reload()
        return [Reply(faq_texts.DELETED.format(id=entry_id))]

    def _import(self, actor: Actor, data: dict[str, Any], delete_missing: bool) -> list[Reply]:
        """Apply exactly what was shown; if the FAQ changed since, show the new summary instead."""
        incoming = [FaqEntry.from_dict(e) for e in data["entries"]]
        if self.store.faq_version() != data["version"]:
            current = self.knowledge().entries
            summary = summarize(current, incoming, delete_missing=False)
            offer_delete = bool(summarize(current, incoming, delete_missing=True).deleted)
            data.update(version=self.store.faq_version(), offer_delete=offer_delete)
            shown = [Reply(t.IMPORT_SUMMARY.format(summary=summary.text()))]
            return [Reply(faq_texts.IMPORT_CHANGED_MEANWHILE), *self._begin(actor, "import", data, "confirm", shown)]
        summary = summarize(self.knowledge().entries, incoming, delete_missing=delete_missing)
        self.store.apply_import(incoming, summary.deleted, actor.key)
        self.store.clear_dialog(actor.channel, actor.user_id)
        self.reload()
        return [Reply(faq_texts.IMPORTED.format(summary=summary.text()))]

    # -- small helpers ----------------------------------------------------------------------

    def _cancel(self, data: dict[str, Any]) -> Button:
        return Button(t.BUTTON_CANCEL, f"ed:cancel:{data['token']}")

    def _with_cancel(self, data: dict[str, Any], text: str) -> Reply:
        return Reply(text, buttons=((self._cancel(data),),))

    def _preview(self, entry: FaqEntry) -> Reply:
        """The entry as students will see it, without its buttons (they would act, not preview); its English answer under it."""
        english = "\n\n" + faq_texts.ENGLISH_PREVIEW.format(answer=entry.answer_en) if entry.answer_en else ""
        return replace(self.render(entry), text=self.render(entry).text + english, buttons=())

    def _entry(self, command: str, args: tuple[str, ...]) -> tuple[FaqEntry | None, Reply]:
        """The entry an admin named by id, title or keywords; else the reply (usage, or choices to pick from)."""
        query = " ".join(args).strip()
        if not query:
            return None, Reply(faq_texts.WHICH_ENTRY.format(command=f"/{command}"))
        entry, choices = find(self.knowledge(), query)
        return entry, choices_reply(command, query, choices)

    def _picked(self, actor: Actor, command: str, entry_id: str) -> list[Reply]:
        """A choice from `choices_reply`: the command on that entry."""
        if command not in COMMANDS or self.knowledge().get(entry_id) is None:
            return [Reply(t.ADMIN_STALE)]
        return {"edit": self.start_edit, "delete": self.ask_delete, "history": self.history}[command](actor, (entry_id,))

    def _ask_taken(self, actor: Actor, flow: str, data: dict[str, Any], taken: dict[str, str]) -> list[Reply]:
        data.update(step="taken", taken=list(taken))
        self.store.set_dialog(actor.channel, actor.user_id, flow, data)
        lines = "\n".join(faq_texts.PHRASING_TAKEN_LINE.format(phrasing=p, owner=o) for p, o in taken.items())
        keep = Button(faq_texts.BUTTON_PHRASING_KEEP, f"ed:alt:{data['token']}:keep")
        drop = Button(faq_texts.BUTTON_PHRASING_DROP, f"ed:alt:{data['token']}:drop")
        return [Reply(faq_texts.PHRASING_TAKEN.format(lines=lines), buttons=((keep, drop), (self._cancel(data),)))]


def _field_problem(field: str, text: str) -> str | None:
    """Why a typed question or answer cannot be used, in Chinese; None if it can."""
    name, limit = {"question": ("问题", MAX_QUESTION_CHARS), "answer_en": ("英文答案", MAX_ANSWER_CHARS)}.get(
        field, ("答案", MAX_ANSWER_CHARS)
    )
    if not text:
        return t.FIELD_EMPTY.format(field=name)
    if len(text) > limit:
        return t.FIELD_TOO_LONG.format(field=name, limit=limit)
    return placeholder_problem(text) if field in ("answer", "answer_en") else None


def _short_hash(text: str) -> str:
    """A stable short name for an alternate, so a button removes that text, not whatever sits at its position."""
    return hashlib.sha1(text.encode()).hexdigest()[:8]
