"""Admins manage job fairs in the chat: add, edit, cancel, default reminder times, files.

Built like the FAQ editor (bot/faq/editor.py): each flow keeps its state in the
database (`dialogs`, flows named fair_*), every step can be cancelled, each field
is checked as it arrives, and nothing is written before the admin confirms a
preview shown exactly as students see it (`fair_card`). The store audits writes.

When a fair's start moves or it is cancelled, the store moves or stops the
pending reminders and writes the notice to the students who asked, in the same
transaction (so it is sent once, and a crash cannot lose it); the scheduler is
told to look again (`on_changed`) and the sender to send (`on_notices`).

Buttons (fe:…, under 64 bytes; flow buttons carry the flow's token):

    fe:k:<token>:<kind>    the kind           fe:ct:<token>:<city>  the city
    fe:f:<token>:<field>   a field to edit    fe:more:<token>       edit one more field
    fe:save:<token>        save the preview   fe:imp:<token>        apply the import shown
    fe:cancel:<token>      leave the flow     fe:x                  dismiss a confirmation
    fe:sk:<token>          skip this optional step    fe:rest:<token>  skip every optional step left
    fe:e:<fair>            edit a fair        fe:c:<fair>           ask to cancel a fair
    fe:cx:<fair>           cancel it (a second press changes nothing)
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.fairs import texts as fair_texts
from bot.fairs.apply import apply_fair_rows
from bot.fairs.desk import DEFAULT_LEADS, KINDS, LEAD_CHOICES, fair_card, fair_links, lead_labels, reminder_due
from bot.fairs.fields import OPTIONAL, Refused, end_before_start, lead_code, lead_minutes, parse_field
from bot.fairs.files import FairRow, export_fairs, parse_fairs_file
from bot.fairs.files import summarize_fairs as summarize
from bot.ids import parse_id
from bot.people.permissions import CITIES, Actor, Role
from bot.replies import Button, Reply
from bot.settings import Settings
from bot.store import FAIR_FIELDS, Fair, NotFoundError, Store, iso, parse_iso
from bot.tables import ImportProblems

FLOWS = ("fair_add", "fair_edit", "fair_import")
#: What the add flow asks, in order ("place" is the venue of an onsite fair, else its link).
ADD_STEPS = ("title", "kind", "starts_at", "ends_at", "city", "place", *OPTIONAL)
EDITABLE = tuple(fair_texts.FAIR_FIELD_BUTTONS)
CITY_CHOICES = ("东莞", *CITIES)
DISMISS = Button(t.BUTTON_CANCEL, "fe:x")


def _place(kind: str) -> str:
    return "venue" if kind == "onsite" else "link"


@dataclass
class FairEditor:
    settings: Settings
    store: Store
    on_changed: Callable[[], None] = lambda: None  # reminders moved or stopped: the scheduler looks again
    on_notices: Callable[[], None] = lambda: None  # change notices are in the outbox: release them now

    def now(self) -> datetime:
        return self.store.clock.now()

    def _field_prompt(self, step: str) -> str:
        """What to ask for `step`, with examples made from today's date."""
        return fair_texts.FAIR_PROMPTS[step].format(**t.examples(self.now(), self.tz))

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.timezone

    # -- starting ------------------------------------------------------------------------

    def start_add(self, actor: Actor) -> list[Reply]:
        actor.require(Role.ADMIN)
        return self._begin(actor, "fair_add", {"fair": {}}, "title", fair_texts.FAIR_ADD_START + "\n" + self._field_prompt("title"))

    def start_edit(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        fair, refusal = self._chosen(args, "/editfair")
        if fair is None:
            return [refusal]
        return [self._preview(fair), *self._begin(actor, "fair_edit", {"id": fair.id, "changes": {}}, "field")]

    def ask_cancel(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        fair, refusal = self._chosen(args, "/cancelfair")
        if fair is None:
            return [refusal]
        count = len(self.store.fair_reminder_recipients(fair.id))
        confirm = Button(fair_texts.BUTTON_FAIR_CANCEL_CONFIRM, f"fe:cx:{fair.id}")
        text = fair_texts.FAIR_CONFIRM_CANCEL.format(id=fair.id, count=count)
        return [self._preview(fair), Reply(text, buttons=((confirm, DISMISS),))]

    def leads(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """/fairleads: show the default lead times; with arguments, change them."""
        actor.require(Role.ADMIN)
        choices = " ".join(lead_code(m) for m in LEAD_CHOICES)
        words = [w for arg in args for w in re.split(r"[,，、]", arg) if w]
        wanted = [lead_minutes(w) for w in words]
        for word, minutes in zip(words, wanted, strict=True):
            if minutes not in LEAD_CHOICES:
                return [Reply(fair_texts.FAIR_LEADS_BAD.format(value=word, choices=choices))]
        if not wanted:
            current = self.store.fair_lead_defaults() or DEFAULT_LEADS
            return [Reply(fair_texts.FAIR_LEADS.format(leads=lead_labels(current), choices=choices))]
        leads = sorted({m for m in wanted if m is not None}, reverse=True)
        self.store.set_fair_lead_defaults(actor.key, leads)
        return [Reply(fair_texts.FAIR_LEADS_SET.format(leads=lead_labels(leads)))]

    def export(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        actor.require(Role.ADMIN)
        fmt = (args[0] if args else "xlsx").lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            return [Reply(fair_texts.FAIR_EXPORT_FORMATS)]
        fairs = [f for f in self.store.all_fairs() if f.status == "active"]
        content = export_fairs(fairs, self.tz, fmt)
        self.store.audit(actor.key, "fair.export", fmt, None, len(fairs))
        return [Reply(fair_texts.FAIR_EXPORTED.format(count=len(fairs)), document=(f"fairs.{fmt}", content))]

    def start_import(self, actor: Actor) -> list[Reply]:
        actor.require(Role.ADMIN)
        return self._begin(actor, "fair_import", {}, "file")

    def importing(self, actor: Actor) -> bool:
        """Is the user's next upload a fair file (else it is the FAQ's)?"""
        dialog = self.store.dialog(actor.channel, actor.user_id)
        return dialog is not None and dialog[0] == "fair_import"

    def receive_file(self, actor: Actor, filename: str, content: bytes, prepared: object = None) -> list[Reply]:
        """The fair file: check it whole, then show what it would change and wait for confirmation."""
        actor.require(Role.ADMIN)
        _, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        fairs = self.store.all_fairs()
        active = {f.id: f.starts_at for f in fairs if f.status == "active"}  # a moved start must lie ahead
        try:
            rows = parse_fairs_file(filename, content, self.tz, self.now(), active, prepared)
        except ImportProblems as problems:  # nothing changes; the flow waits for a better file
            return self._ask(actor, "fair_import", data, "file", problems.text())
        summary = summarize(fairs, rows)
        if not summary.has_changes:
            self.store.clear_dialog(actor.channel, actor.user_id)
            return [Reply(fair_texts.FAIR_IMPORT_NOTHING)]
        data = {"rows": [{"id": r.id, "values": r.values} for r in rows], "version": _version(fairs)}
        return self._begin(actor, "fair_import", data, "confirm", t.IMPORT_SUMMARY.format(summary=summary.text()))

    # -- inside a flow ------------------------------------------------------------------

    def on_text(self, actor: Actor, text: str) -> list[Reply]:
        """The admin typed something while a flow waits for it; each field is checked as it arrives."""
        actor.require(Role.ADMIN)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        step = data.get("step")
        if flow not in FLOWS:
            return [Reply(t.ADMIN_STALE)]
        if flow == "fair_edit" and self._candidate(flow, data) is None:
            return self._confirm(actor, flow, data)  # says the fair is gone
        if step not in FAIR_FIELDS:
            return [self._prompt(flow, data)]
        try:
            value = self._parse(flow, data, step, text.strip())
        except Refused as refusal:
            return [replace(self._prompt(flow, data), text=str(refusal))]
        return self._accept(actor, flow, data, step, value)

    def on_button(self, actor: Actor, action: str) -> list[Reply]:
        actor.require(Role.ADMIN)
        kind, _, rest = action.partition(":")
        if kind == "x":
            return [Reply(t.DISMISSED_PROMPT)]
        if kind in ("e", "c", "cx") and parse_id(rest) is not None:
            return {"e": self.start_edit, "c": self.ask_cancel, "cx": self._cancel_fair}[kind](actor, (rest,))
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        token, _, value = rest.partition(":")
        if flow not in FLOWS or token != data.get("token"):
            return [Reply(t.ADMIN_STALE)]
        step = data.get("step")
        if kind == "cancel":
            self.store.clear_dialog(actor.channel, actor.user_id)
            return [Reply(t.CANCELLED)]
        if (kind, step) in (("k", "kind"), ("ct", "city")) and value in (KINDS if kind == "k" else CITY_CHOICES):
            return self._accept(actor, flow, data, step, value)
        if kind in ("sk", "rest") and flow == "fair_add" and step in OPTIONAL:  # 跳过 / 跳过其余 → the preview
            data["fair"].update(dict.fromkeys(OPTIONAL if kind == "rest" else (), "") | data["fair"])
            return self._accept(actor, flow, data, step, "")
        if kind == "f" and flow == "fair_edit" and value in EDITABLE:
            values = self._candidate(flow, data)
            if values is None:
                return self._confirm(actor, flow, data)  # says the fair is gone
            return self._ask(actor, flow, data, _place(values["kind"]) if value == "place" else value)
        if kind == "more" and flow == "fair_edit" and step == "confirm":
            return self._ask(actor, flow, data, "field")
        if kind == "save" and step == "confirm" and flow != "fair_import":
            return self._save(actor, flow, data)
        if kind == "imp" and step == "confirm" and flow == "fair_import":
            return self._import(actor, data)
        return [Reply(t.ADMIN_STALE)]

    # -- steps -------------------------------------------------------------------------

    def _begin(self, actor: Actor, flow: str, data: dict[str, Any], step: str, text: str = "") -> list[Reply]:
        """A new flow (or a new summary to confirm): a new token, so older buttons cannot act on it."""
        data["token"] = secrets.token_hex(2)
        return self._ask(actor, flow, data, step, text)

    def _ask(self, actor: Actor, flow: str, data: dict[str, Any], step: str, text: str = "") -> list[Reply]:
        """Move to `step` and ask for it; `text` (a problem, a summary) in place of the usual prompt."""
        data["step"] = step
        self.store.set_dialog(actor.channel, actor.user_id, flow, data)
        prompt = self._prompt(flow, data)
        return [replace(prompt, text=text) if text else prompt]

    def _prompt(self, flow: str, data: dict[str, Any]) -> Reply:
        """Ask (again) for what the current step needs, with its buttons."""
        step, token = data.get("step", ""), data.get("token", "")
        cancel = (self._cancel(data),)
        if step == "kind":
            kinds = tuple(Button(label, f"fe:k:{token}:{kind}") for kind, label in KINDS.items())
            return Reply(self._field_prompt(step), buttons=(kinds, cancel))
        if step == "city":
            cities = [Button(c, f"fe:ct:{token}:{c}") for c in CITY_CHOICES]
            rows = tuple(tuple(cities[i : i + 4]) for i in range(0, len(cities), 4))
            return Reply(self._field_prompt(step), buttons=(*rows, cancel))
        if step == "field":
            buttons = [Button(label, f"fe:f:{token}:{name}") for name, label in fair_texts.FAIR_FIELD_BUTTONS.items()]
            rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
            return Reply(fair_texts.FAIR_CHOOSE_FIELD.format(id=data["id"]), buttons=(*rows, cancel))
        if step == "confirm":
            action, label, text = (
                ("imp", t.BUTTON_IMPORT, t.USE_BUTTONS)
                if flow == "fair_import"
                else ("save", t.BUTTON_SAVE, t.CONFIRM_SAVE)
            )
            more = (Button(fair_texts.BUTTON_FAIR_MORE, f"fe:more:{token}"),) if flow == "fair_edit" else ()
            return Reply(text, buttons=((Button(label, f"fe:{action}:{token}"), *more), cancel))
        if step == "file":
            return self._with_cancel(data, fair_texts.FAIR_IMPORT_ASK)
        keep = fair_texts.FAIR_KEEP_DURATION if flow == "fair_edit" and step == "ends_at" else ""
        if flow == "fair_add" and step in OPTIONAL:
            skips = (Button(t.BUTTON_SKIP, f"fe:sk:{token}"), Button(t.BUTTON_SKIP_REST, f"fe:rest:{token}"))
            return Reply(self._field_prompt(step), buttons=(skips, cancel))
        return self._with_cancel(data, self._field_prompt(step) + keep)

    def _parse(self, flow: str, data: dict[str, Any], field: str, text: str) -> str:
        """The value to store for a typed field; Refused says what is wrong with it."""
        values, fair = self._candidate(flow, data) or {}, self._active(data.get("id"))
        start = parse_iso(values["starts_at"]) if values.get("starts_at") else None
        length = fair.end - fair.start if fair and flow == "fair_edit" else None  # "跳过" keeps it
        return parse_field(field, text, self.tz, self.now(), start, length)

    def _accept(self, actor: Actor, flow: str, data: dict[str, Any], field: str, value: str) -> list[Reply]:
        """Record a field (into the new fair, or the change set), then ask what follows from it."""
        if flow == "fair_add":
            data["fair"][field] = value
            for step in ADD_STEPS:
                name = _place(data["fair"]["kind"]) if step == "place" else step
                if name not in data["fair"]:
                    return self._ask(actor, flow, data, name)
            return self._confirm(actor, flow, data)
        data["changes"][field] = value
        if field == "starts_at":
            return self._ask(actor, flow, data, "ends_at")
        values = self._candidate(flow, data)
        if values and field == "kind" and not values[_place(value)]:
            return self._ask(actor, flow, data, _place(value))
        return self._confirm(actor, flow, data)

    def _confirm(self, actor: Actor, flow: str, data: dict[str, Any]) -> list[Reply]:
        """The preview exactly as students will see it, and the save button; or the field to fix first."""
        values = self._candidate(flow, data)
        if values is None:
            self.store.clear_dialog(actor.channel, actor.user_id)
            return [Reply(fair_texts.FAIR_NOT_ACTIVE.format(id=data.get("id", "")))]
        problem = self._problem(flow, data, values)
        if problem:
            return self._ask(actor, flow, data, *problem)
        return [self._preview(_as_fair(values, data.get("id", 0))), *self._ask(actor, flow, data, "confirm")]

    def _problem(self, flow: str, data: dict[str, Any], values: dict[str, str]) -> tuple[str, str] | None:
        """(field, why) when the fair as it would be saved breaks a rule (e.g. the time passed while waiting)."""
        moved = flow == "fair_add" or "starts_at" in data["changes"]
        if moved and values["starts_at"] <= iso(self.now()):
            return "starts_at", fair_texts.FAIR_PAST_TIME
        if values["ends_at"] <= values["starts_at"]:
            return "ends_at", end_before_start(parse_iso(values["starts_at"]), self.tz)
        if not values[_place(values["kind"])]:
            return _place(values["kind"]), self._field_prompt(_place(values["kind"]))
        return None

    def _candidate(self, flow: str, data: dict[str, Any]) -> dict[str, str] | None:
        """The fair saving would write: the new one, or the *current* fair with the changes; None if gone."""
        if flow == "fair_add":
            return {**dict.fromkeys(FAIR_FIELDS, ""), **data.get("fair", {})}
        fair = self._active(data.get("id"))
        return {**fair.editable(), **data.get("changes", {})} if fair else None

    def _save(self, actor: Actor, flow: str, data: dict[str, Any]) -> list[Reply]:
        values = self._candidate(flow, data)
        if values is None or self._problem(flow, data, values):
            return self._confirm(actor, flow, data)  # says what is wrong now
        self.store.clear_dialog(actor.channel, actor.user_id)
        if flow == "fair_add":
            fair_id = self.store.add_fair(actor.key, values)
            return [Reply(fair_texts.FAIR_SAVED.format(id=fair_id, title=values["title"]))]
        before = self.store.fair(data["id"])
        changes = {k: v for k, v in data["changes"].items() if getattr(before, k) != v}
        try:
            after = self.store.update_fair(actor.key, before.id, changes, due=self._due, now=iso(self.now()))
        except NotFoundError:  # cancelled a moment ago
            return [Reply(fair_texts.FAIR_NOT_ACTIVE.format(id=before.id))]
        self.on_changed()
        told = self._told_of_move(after.id) if after.starts_at != before.starts_at else 0
        moved = fair_texts.FAIR_MOVED_TOLD.format(count=told) if told else ""
        return [Reply(fair_texts.FAIR_EDITED.format(id=after.id, title=after.title) + moved)]

    def _cancel_fair(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        fair = self._fair(args[0])
        if fair is None:
            return [Reply(t.ADMIN_STALE)]
        if fair.status != "active":
            return [Reply(fair_texts.FAIR_ALREADY_CANCELLED.format(id=fair.id))]
        told = self.store.cancel_fair(actor.key, fair.id)  # the notice is written with the cancellation
        if told:
            self.on_notices()
        self.on_changed()
        return [Reply(fair_texts.FAIR_CANCELLED_ADMIN.format(id=fair.id, title=fair.title, count=len(told)))]

    def _import(self, actor: Actor, data: dict[str, Any]) -> list[Reply]:
        """Apply exactly what was shown, in one transaction; if the fairs changed since, show the new summary."""
        rows = [FairRow(r["id"], r["values"]) for r in data["rows"]]
        fairs = self.store.all_fairs()
        current = {f.id: f for f in fairs if f.status == "active"}
        if any(r.id is not None and r.id not in current for r in rows):  # cancelled meanwhile: check the file again
            return self._ask(actor, "fair_import", data, "file", fair_texts.FAIR_IMPORT_GONE)
        summary = summarize(fairs, rows)
        if _version(fairs) != data["version"]:
            if not summary.has_changes:
                self.store.clear_dialog(actor.channel, actor.user_id)
                return [Reply(fair_texts.FAIR_IMPORT_NOTHING)]
            data["version"] = _version(fairs)
            shown = fair_texts.FAIR_IMPORT_CHANGED + "\n" + t.IMPORT_SUMMARY.format(summary=summary.text())
            return self._begin(actor, "fair_import", data, "confirm", shown)
        apply_fair_rows(self.store, self.settings, actor.key, rows, summary)
        self.store.clear_dialog(actor.channel, actor.user_id)
        self.on_changed()
        for fair_id in summary.moved:
            self._told_of_move(fair_id)
        return [Reply(fair_texts.FAIR_IMPORTED.format(summary=summary.text()))]

    # -- small helpers ----------------------------------------------------------------------

    def _told_of_move(self, fair_id: int) -> int:
        """How many students the store's notice of a move went to; wakes the sender when there are some."""
        told = len(self.store.fair_reminder_recipients(fair_id))
        if told:
            self.on_notices()
        return told

    def _due(self, fair: Fair, lead: int) -> str:
        return iso(reminder_due(fair.start, lead, self.settings))

    def _chosen(self, args: tuple[str, ...], command: str) -> tuple[Fair | None, Reply]:
        """The active fair an admin named, or the reply saying what is wrong."""
        raw = args[0].lstrip("#") if args else ""
        if parse_id(raw) is None:
            return None, Reply(fair_texts.FAIR_WHICH.format(command=command))
        fair = self._active(parse_id(raw))
        return fair, Reply(fair_texts.FAIR_NOT_ACTIVE.format(id=raw))

    def _active(self, fair_id: Any) -> Fair | None:
        fair = self._fair(fair_id)
        return fair if fair and fair.status == "active" else None

    def _fair(self, raw: Any) -> Fair | None:
        """The fair an id (typed, or from a button or a flow) names; None for a forged or gone one."""
        fair_id = parse_id(str(raw))
        try:
            return self.store.fair(fair_id) if fair_id is not None else None
        except NotFoundError:
            return None

    def _preview(self, fair: Fair) -> Reply:
        """The fair as students see it; its link buttons open pages and change nothing."""
        return Reply(fair_card(fair, self.tz), buttons=tuple(fair_links(fair)))

    def _cancel(self, data: dict[str, Any]) -> Button:
        return Button(t.BUTTON_CANCEL, f"fe:cancel:{data['token']}")

    def _with_cancel(self, data: dict[str, Any], text: str) -> Reply:
        return Reply(text, buttons=((self._cancel(data),),))


def _as_fair(values: dict[str, str], fair_id: int) -> Fair:
    return Fair(id=fair_id, **values, status="active", created_at="", updated_at="")


def _version(fairs: list[Fair]) -> str:
    """A fingerprint of every fair as it is now: an import applies only to what its summary was made from."""
    state = [(f.id, f.status, f.editable()) for f in fairs]
    return hashlib.sha1(json.dumps(state, ensure_ascii=False).encode()).hexdigest()[:16]
