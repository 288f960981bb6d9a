"""/history of an FAQ entry: what each revision changed, and a way back to any earlier state.

An entry's states are the one before its first revision (the original: the bundled text,
or nothing for an entry an admin created) and the one after each revision. Every state
that is not the current one and not "deleted" is offered: the original included, so the
first edit of a bundled entry can be undone, and after a delete nothing offers to delete
again (deleting is /delete's job).

Buttons: ed:rb:<entry>:<rev> (the state after rev), ed:rbo:<entry>:<rev> (the state before
rev: the original when rev is the first), ed:rbok:… / ed:rbook:… to confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.faq import texts as faq_texts
from bot.people.permissions import Actor, Role
from bot.replies import Button, Reply
from bot.store import NotFoundError, Store
from bot.store.faq import Revision
from knowledge.entries import FaqEntry

HISTORY_SHOWN = 10
CLIP = 18
DISMISS = Button(t.BUTTON_CANCEL, "ed:x")


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= CLIP else flat[:CLIP] + "…"


def describe_change(before: FaqEntry | None, after: FaqEntry | None) -> str:
    """What one revision changed, briefly: 答案：「旧…」→「新…」；问法 +2 −1."""
    if before is None and after is None:
        return ""
    if before is None:
        return faq_texts.CHANGE_CREATED.format(question=_clip(after.question))  # type: ignore[union-attr]
    if after is None:
        return faq_texts.CHANGE_DELETED
    parts = [
        faq_texts.CHANGE_FIELD.format(field=faq_texts.CHANGE_FIELDS[name], old=_clip(getattr(before, name)), new=_clip(getattr(after, name)))
        for name in ("question", "answer", "category", "source")
        if getattr(before, name) != getattr(after, name)
    ]  # fmt: skip
    added = len(set(after.alternates) - set(before.alternates))
    removed = len(set(before.alternates) - set(after.alternates))
    if added or removed:
        parts.append(faq_texts.CHANGE_ALTERNATES.format(added=added, removed=removed))
    return "；".join(parts) or faq_texts.CHANGE_NOTHING


@dataclass
class History:
    store: Store
    reload: Callable[[], None]
    preview: Callable[[FaqEntry], Reply]
    timezone: ZoneInfo

    def show(self, actor: Actor, entry_id: str) -> list[Reply]:
        actor.require(Role.ADMIN)
        revisions = self.store.entry_history(entry_id) if entry_id else []
        if not revisions:
            return [Reply(faq_texts.NO_HISTORY.format(id=entry_id or "?"))]
        current = self._current(entry_id)
        lines, rows, offered = [faq_texts.HISTORY_TITLE.format(id=entry_id)], [], [current]
        for r in revisions[:HISTORY_SHOWN]:
            when = datetime.fromisoformat(r.created_at).astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
            action = faq_texts.ACTIONS.get(r.action, r.action)
            lines.append(faq_texts.HISTORY_LINE.format(rev=r.id, when=when, action=action, actor=r.actor))
            lines.append("   " + describe_change(r.before, r.after))
            if r.after is not None and r.after not in offered:
                offered.append(r.after)
                rows.append((Button(faq_texts.BUTTON_ROLLBACK.format(rev=r.id), f"ed:rb:{entry_id}:{r.id}"),))
        first = revisions[-1]  # the original: the entry before its first revision (nothing if an admin created it)
        if first.before is not None and first.before not in offered:
            rows.append((Button(faq_texts.BUTTON_ROLLBACK_ORIGINAL, f"ed:rbo:{entry_id}:{first.id}"),))
        if not rows:
            lines.append(faq_texts.HISTORY_NOTHING_TO_RESTORE)
        return [Reply("\n".join(lines), buttons=(*rows, (DISMISS,)))]

    def ask(self, actor: Actor, rest: str, original: bool) -> list[Reply]:
        """The state a button names, previewed, with a confirmation."""
        actor.require(Role.ADMIN)
        entry_id, revision, target = self._target(rest, original)
        if revision is None or target is None or target == self._current(entry_id):
            return [Reply(t.ADMIN_STALE)]
        kind = "rbook" if original else "rbok"
        confirm = Button(faq_texts.BUTTON_ROLLBACK_CONFIRM, f"ed:{kind}:{entry_id}:{revision.id}")
        text = (faq_texts.CONFIRM_ROLLBACK_ORIGINAL if original else faq_texts.CONFIRM_ROLLBACK).format(rev=revision.id, id=entry_id)
        return [self.preview(target), Reply(text, buttons=((confirm, DISMISS),))]

    def restore(self, actor: Actor, rest: str, original: bool) -> list[Reply]:
        actor.require(Role.ADMIN)
        entry_id, revision, target = self._target(rest, original)
        if revision is None or target is None:
            return [Reply(t.ADMIN_STALE)]
        try:
            self.store.rollback_entry(entry_id, revision.id, actor.key, before=original)
        except NotFoundError:
            return [Reply(t.ADMIN_STALE)]
        self.reload()
        done = faq_texts.ROLLED_BACK_ORIGINAL if original else faq_texts.ROLLED_BACK
        return [Reply(done.format(id=entry_id, rev=revision.id))]

    def _target(self, rest: str, original: bool) -> tuple[str, Revision | None, FaqEntry | None]:
        entry_id, _, rev = rest.rpartition(":")
        revision = next((r for r in self.store.entry_history(entry_id) if str(r.id) == rev), None)
        if revision is None:
            return entry_id, None, None
        return entry_id, revision, revision.before if original else revision.after

    def _current(self, entry_id: str) -> FaqEntry | None:
        try:
            return self.store.faq_entry(entry_id)
        except NotFoundError:
            return None
