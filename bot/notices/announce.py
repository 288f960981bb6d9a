"""Ambassadors and admins announce: compose, preview, approval, schedule, cancel, withdraw.

A guided flow kept in the database (`dialogs`, flow 'announce'), like the FAQ
editor. Buttons of the flow carry its token; approval buttons carry the
announcement id and are checked against its status, so a double or forged
press changes nothing. Messages for other people (the admins' approval
requests, the author's result) are replies addressed `to` them.

    an:<kind>:<token>:<value>   flow steps (city, topic, time, go, cancel)
    an:ok:<id> / an:no:<id>     approve / reject (admins)
    an:stop:<id>                cancel before sending, or withdraw after (author or admin)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot import texts
from bot.ids import parse_id
from bot.notices import texts as notice_texts
from bot.notices.delivery import MAX_CAPTION_CHARS, caption_length
from bot.notices.following import TOPICS
from bot.people.permissions import CITIES, Actor, Role
from bot.quiet_hours import quiet_adjusted
from bot.replies import Button, Reply
from bot.settings import Settings
from bot.store import Announcement, NotFoundError, Store, iso

MAX_NOTICE_CHARS = 2000
_LINK = re.compile(r"^(.{1,30}?)\s+(https?://\S{3,300})$")


#: The longest text a notice with a photo may have: the caption less the notice's prefix.
MAX_PHOTO_TEXT_CHARS = MAX_CAPTION_CHARS - caption_length(notice_texts.NOTICE_PREFIX)


@dataclass
class Announcer:
    settings: Settings
    store: Store
    render_notice: Callable[[Announcement], Reply]  # a notice exactly as students get it
    on_scheduled: Callable[[], None] = lambda: None  # the outbox may release it at once

    def now(self) -> datetime:
        return self.store.clock.now()

    def _examples(self, text: str) -> str:
        return text.format(**texts.examples(self.now(), self.settings.timezone))

    # -- composing ------------------------------------------------------------------

    def start(self, actor: Actor) -> list[Reply]:
        actor.require(Role.AMBASSADOR)
        data = {"token": secrets.token_hex(2), "step": "text"}
        self.store.set_dialog(actor.channel, actor.user_id, "announce", data)
        return [Reply(notice_texts.ANNOUNCE_ASK_TEXT, buttons=((self._cancel(data),),))]

    def on_text(self, actor: Actor, text: str) -> list[Reply]:
        actor.require(Role.AMBASSADOR)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        text = text.strip()
        if flow == "reject":
            return self._reject(actor, data, text)
        step = data.get("step")
        if step == "text":
            refusal = _text_refusal(text, bool(data.get("photo")), notice_texts.ANNOUNCE_CAPTION_LIMIT)
            if refusal:
                return [Reply(refusal, buttons=((self._cancel(data),),))]
            data.update(text=text, step="link")
            return self._save(actor, data, notice_texts.ANNOUNCE_ASK_LINK)
        if step == "link":
            if text not in texts.SKIP_WORDS:
                match = _LINK.match(text)
                if not match:
                    return [Reply(notice_texts.ANNOUNCE_BAD_LINK, buttons=((self._cancel(data),),))]
                data.update(link_text=match.group(1), link_url=match.group(2))
            return self._audience(actor, data)
        if step == "time":
            try:
                local = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=self.settings.timezone)
            except ValueError:
                return [Reply(self._examples(notice_texts.ANNOUNCE_BAD_TIME), buttons=self._time_buttons(actor, data))]
            if not self.now() < local < self.now() + timedelta(days=60):
                return [Reply(self._examples(notice_texts.ANNOUNCE_BAD_TIME), buttons=self._time_buttons(actor, data))]
            data["send_at"] = iso(local)
            return self._preview(actor, data)
        return [Reply(texts.USE_BUTTONS, buttons=((self._cancel(data),),))]

    def on_photo(self, actor: Actor, photo: str, caption: str) -> list[Reply]:
        """A photo at step 1: with a caption, text and photo together; without, keep it and ask for the text.

        A caption too long for Telegram is refused and the flow stays as it was.
        """
        actor.require(Role.AMBASSADOR)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        if flow != "announce":
            return [Reply(texts.NOT_TEXT)]
        if data.get("step") != "text":
            return [Reply(notice_texts.ANNOUNCE_PHOTO_NOT_NOW, buttons=((self._cancel(data),),))]
        caption = caption.strip()
        if not caption:
            data["photo"] = photo
            return self._save(actor, data, notice_texts.ANNOUNCE_PHOTO_ASK_TEXT.format(limit=MAX_PHOTO_TEXT_CHARS))
        refusal = _text_refusal(caption, True, notice_texts.ANNOUNCE_CAPTION_LIMIT_AGAIN)
        if refusal:
            return [Reply(refusal, buttons=((self._cancel(data),),))]
        data.update(text=caption, photo=photo, step="link")
        return self._save(actor, data, notice_texts.ANNOUNCE_ASK_LINK)

    def on_button(self, actor: Actor, action: str) -> list[Reply]:
        kind, _, rest = action.partition(":")
        if kind in ("ok", "no"):
            return self._review(actor, kind, rest)
        if kind == "stop":
            return self._stop(actor, rest)
        actor.require(Role.AMBASSADOR)
        flow, data = self.store.dialog(actor.channel, actor.user_id) or ("", {})
        token, _, value = rest.partition(":")
        if flow not in ("announce", "reject") or token != data.get("token"):
            return [Reply(texts.ADMIN_STALE)]
        if kind == "cancel":
            self.store.clear_dialog(actor.channel, actor.user_id)
            return [Reply(texts.CANCELLED)]
        step = data.get("step")
        if kind == "city" and step == "city" and actor.role is Role.ADMIN and (value == "*" or value in CITIES):
            data.update(city=value, step="topic")
            return self._save(actor, data, notice_texts.ANNOUNCE_ASK_TOPIC, self._topic_buttons(data))
        if kind == "topic" and step == "topic" and (value == "" or value in TOPICS):
            data.update(topic=value, step="time")
            return self._save(actor, data, self._examples(notice_texts.ANNOUNCE_ASK_TIME), self._time_buttons(actor, data))
        if kind == "time" and step == "time" and value in ("now", "urgent"):
            if value == "urgent":
                actor.require(Role.ADMIN)
            data.update(send_at=iso(self.now()), urgent=value == "urgent")
            return self._preview(actor, data)
        if kind == "go" and step == "confirm":
            return self._submit(actor, data)
        return [Reply(texts.ADMIN_STALE)]

    def _audience(self, actor: Actor, data: dict[str, Any]) -> list[Reply]:
        if actor.role is Role.ADMIN:
            data["step"] = "city"
            rows = [Button(c, f"an:city:{data['token']}:{c}") for c in CITIES]
            buttons = (
                (Button(notice_texts.ANNOUNCE_EVERYONE, f"an:city:{data['token']}:*"),),
                tuple(rows[:3]),
                tuple(rows[3:]),
            )
            return self._save(actor, data, notice_texts.ANNOUNCE_ASK_CITY, (*buttons, (self._cancel(data),)))
        grant = next(g for g in self.store.roles_of(actor.channel, actor.user_id) if g.role == "ambassador")
        data.update(city=grant.city, step="topic")
        return self._save(actor, data, notice_texts.ANNOUNCE_ASK_TOPIC_CITY.format(city=grant.city), self._topic_buttons(data))

    def _preview(self, actor: Actor, data: dict[str, Any]) -> list[Reply]:
        data["step"] = "confirm"
        self.store.set_dialog(actor.channel, actor.user_id, "announce", data)
        notice = _links_only(self.render_notice(_draft(actor, data)))  # its 🔕 would act on the author, not preview
        count = len(self.store.audience(data["city"], data.get("topic", "")))
        when = self._local(datetime.fromisoformat(data["send_at"]), urgent=data.get("urgent", False))
        go = Button(notice_texts.ANNOUNCE_CONFIRM, f"an:go:{data['token']}")
        summary = notice_texts.ANNOUNCE_SUMMARY.format(audience=_audience_label(data), count=count, when=when)
        return [notice, Reply(summary, buttons=((go, self._cancel(data)),))]

    def _submit(self, actor: Actor, data: dict[str, Any]) -> list[Reply]:
        self.store.clear_dialog(actor.channel, actor.user_id)
        if actor.role is not Role.ADMIN and data["city"] != actor.city:  # re-assigned meanwhile
            return [Reply(texts.ADMIN_STALE)]
        needs_approval = self.settings.announce_requires_approval and actor.role is not Role.ADMIN
        status = "pending" if needs_approval else "scheduled"
        # "Now" means when confirmed: quiet hours are judged then, not when the button was pressed.
        chosen = max(datetime.fromisoformat(data["send_at"]), self.now())
        send_at = self._send_at(chosen, bool(data.get("urgent")))
        announcement_id = self.store.create_announcement(
            actor.key, data["text"], data["city"], data.get("topic", ""), send_at, bool(data.get("urgent")), status,
            data.get("link_text", ""), data.get("link_url", ""), data.get("photo", ""),
        )  # fmt: skip
        if not needs_approval:
            self.on_scheduled()
            at = datetime.fromisoformat(send_at)
            if at <= self.now():  # 立即发送, and not held by the quiet hours: no timestamp to read
                return [Reply(notice_texts.ANNOUNCE_SENDING_NOW.format(id=announcement_id))]
            return [Reply(notice_texts.ANNOUNCE_SCHEDULED.format(id=announcement_id, when=self._local(at)))]
        announcement = self.store.announcement(announcement_id)
        author = self._name(actor)
        review = _review_buttons(announcement_id)
        request = notice_texts.APPROVAL_REQUEST.format(author=author, audience=_audience_label(announcement.__dict__))
        to_admins = []
        for admin in self._admins():
            to_admins += [Reply(request, to=admin), self._for_review(announcement, review, admin)]
        return [Reply(notice_texts.ANNOUNCE_SUBMITTED.format(id=announcement_id)), *to_admins]

    def _for_review(
        self, announcement: Announcement, review: tuple[Button, ...], admin: tuple[str, str] | None
    ) -> Reply:
        """The notice as students will see it, its link's address spelled out, and the review buttons."""
        notice = _links_only(self.render_notice(announcement))
        text = notice.text + (notice_texts.APPROVAL_LINK.format(url=announcement.link_url) if announcement.link_url else "")
        return Reply(text, buttons=(*notice.buttons, review), to=admin, photo=notice.photo)

    def _name(self, actor: Actor) -> str:
        name = self.store.display_name(actor.channel, actor.user_id)
        return f"{name}（{actor.city}校园大使）" if actor.city else name

    def _handled(self, announcement: Announcement | None) -> list[Reply]:
        """A decision someone else already took: who, and what it is now (nothing changes)."""
        if announcement is None:
            return [Reply(notice_texts.ANNOUNCE_ALREADY_HANDLED)]
        who = self.store.display_name(*_who(announcement.reviewed_by or announcement.author))
        status = notice_texts.ANNOUNCE_STATUS.get(announcement.status, announcement.status)
        return [Reply(notice_texts.ANNOUNCE_HANDLED_BY.format(id=announcement.id, who=who, status=status))]

    # -- approval, cancel, withdraw ------------------------------------------------------

    def _review(self, actor: Actor, kind: str, rest: str) -> list[Reply]:
        actor.require(Role.ADMIN)
        announcement = self._announcement(rest)
        if announcement is None or announcement.status != "pending":
            return self._handled(announcement)
        if kind == "no":
            current = self.store.dialog(actor.channel, actor.user_id)
            if current and current[0] != "reject":  # do not throw away an unfinished edit or notice
                return [Reply(notice_texts.FINISH_FLOW_FIRST)]
            data = {"token": secrets.token_hex(2), "id": announcement.id}
            self.store.set_dialog(actor.channel, actor.user_id, "reject", data)
            return [Reply(notice_texts.ANNOUNCE_ASK_REASON.format(id=announcement.id), buttons=((self._cancel(data),),))]
        return self.approve(actor, announcement.id)

    def approve(self, actor: Actor, announcement_id: int) -> list[Reply]:
        """通过: schedule a pending notice (out of the quiet hours unless urgent); tell its author."""
        actor.require(Role.ADMIN)
        announcement = self._announcement(str(announcement_id))
        if announcement is None or announcement.status != "pending":
            return [Reply(notice_texts.ANNOUNCE_ALREADY_HANDLED)]
        send_at = self._send_at(
            max(datetime.fromisoformat(announcement.send_at), self.now()), bool(announcement.urgent)
        )
        if not self.store.set_announcement(
            announcement.id, actor.key, ("pending",), status="scheduled", send_at=send_at, reviewed_by=actor.key
        ):
            return self._handled(self._announcement(str(announcement.id)))
        when = self._local(datetime.fromisoformat(send_at))
        self.on_scheduled()
        return [
            Reply(notice_texts.ANNOUNCE_APPROVED_ADMIN.format(id=announcement.id, when=when)),
            Reply(notice_texts.ANNOUNCE_APPROVED_AUTHOR.format(id=announcement.id, when=when), to=_who(announcement.author)),
        ]

    def _reject(self, actor: Actor, data: dict[str, Any], reason: str) -> list[Reply]:
        actor.require(Role.ADMIN)
        if not reason or reason in ("/skip", "跳过"):
            return [Reply(notice_texts.ANNOUNCE_ASK_REASON.format(id=data["id"]), buttons=((self._cancel(data),),))]
        self.store.clear_dialog(actor.channel, actor.user_id)
        return self.reject(actor, int(data["id"]), reason)

    def reject(self, actor: Actor, announcement_id: int, reason: str) -> list[Reply]:
        """驳回 with a reason (required); tell the author why."""
        actor.require(Role.ADMIN)
        reason = reason.strip()
        if not reason:
            return [Reply(notice_texts.ANNOUNCE_ASK_REASON.format(id=announcement_id))]
        announcement = self._announcement(str(announcement_id))
        if announcement is None or not self.store.set_announcement(
            announcement.id, actor.key, ("pending",), status="rejected", reason=reason[:300], reviewed_by=actor.key
        ):
            return self._handled(self._announcement(str(announcement_id)))
        return [
            Reply(notice_texts.ANNOUNCE_REJECTED_ADMIN.format(id=announcement.id)),
            Reply(
                notice_texts.ANNOUNCE_REJECTED_AUTHOR.format(id=announcement.id, reason=reason[:300]),
                to=_who(announcement.author),
            ),
        ]

    def _stop(self, actor: Actor, rest: str) -> list[Reply]:
        """Cancel a notice that has not started, or withdraw one being or already sent."""
        actor.require(Role.AMBASSADOR)
        announcement = self._announcement(rest)
        if announcement is None or (announcement.author != actor.key and actor.role is not Role.ADMIN):
            return [Reply(texts.ADMIN_STALE)]
        stopped_by = {"reviewed_by": actor.key} if announcement.status == "pending" else {}  # a decision on it
        if self.store.set_announcement(
            announcement.id, actor.key, ("pending", "scheduled"), status="cancelled", **stopped_by
        ):
            return [Reply(notice_texts.ANNOUNCE_CANCELLED.format(id=announcement.id))]
        if self.store.set_announcement(announcement.id, actor.key, ("sending", "sent"), status="withdrawn"):
            self.store.cancel_pending(announcement.id)
            return [Reply(notice_texts.ANNOUNCE_WITHDRAWN.format(id=announcement.id))]
        return [Reply(notice_texts.ANNOUNCE_ALREADY_HANDLED)]

    def list(self, actor: Actor) -> list[Reply]:
        """/announcements: for admins first every notice waiting for approval, with 通过/驳回 (on any channel, also
        for one who could not press a pushed request); then recent notices (an ambassador's own) with figures."""
        actor.require(Role.AMBASSADOR)
        author = None if actor.role is Role.ADMIN else actor.key
        waiting = self.store.announcements(limit=20, kind="notice", status="pending") if author is None else []
        replies = [self._pending(a) for a in reversed(waiting)]
        shown = {a.id for a in waiting}
        for a in self.store.announcements(limit=10, author=author, kind="notice"):
            if a.id in shown:
                continue
            counts = self.store.delivery_counts(a.id)
            line = notice_texts.ANNOUNCE_LINE.format(
                id=a.id, status=notice_texts.ANNOUNCE_STATUS.get(a.status, a.status), audience=_audience_label(a.__dict__),
                when=self._local(datetime.fromisoformat(a.send_at)) if a.send_at else "-",
                sent=counts.get("sent", 0), unreachable=counts.get("unreachable", 0), failed=counts.get("failed", 0),
                preview=a.text[:40], reason=f"（{a.reason}）" if a.reason else "",
            )  # fmt: skip
            stop = a.status in ("pending", "scheduled", "sending", "sent")
            replies.append(Reply(line, buttons=((Button(notice_texts.BUTTON_STOP, f"an:stop:{a.id}"),),) if stop else ()))
        return replies or [Reply(notice_texts.ANNOUNCE_NONE)]

    def _pending(self, announcement: Announcement) -> Reply:
        """A notice waiting for approval as an admin reviews it: who, for whom, the notice, 通过/驳回."""
        review = self._for_review(announcement, _review_buttons(announcement.id), None)
        author = self.store.display_name(*_who(announcement.author))
        head = notice_texts.ANNOUNCE_PENDING.format(id=announcement.id, author=author,
                                             audience=_audience_label(announcement.__dict__))  # fmt: skip
        return replace(review, text=f"{head}\n{review.text}")

    # -- helpers ------------------------------------------------------------------------

    def _send_at(self, when: datetime, urgent: bool) -> str:
        chosen = when if urgent else quiet_adjusted(when, self.settings.quiet_hours, self.settings.timezone)
        return iso(chosen)

    def _local(self, when: datetime, urgent: bool = True) -> str:
        shown = when if urgent else quiet_adjusted(when, self.settings.quiet_hours, self.settings.timezone)
        return shown.astimezone(self.settings.timezone).strftime("%Y-%m-%d %H:%M")

    def _admins(self) -> list[tuple[str, str]]:
        configured = [("telegram", str(i)) for i in sorted(self.settings.admin_ids)]
        granted = [(g.channel, g.external_id) for g in self.store.role_grants() if g.role == "admin"]
        return list(dict.fromkeys([*configured, *granted]))

    def _announcement(self, raw: str) -> Announcement | None:
        """A notice written by a person; reminders and digests are the system's, not for these buttons."""
        try:
            announcement_id = parse_id(raw)
            announcement = self.store.announcement(announcement_id) if announcement_id is not None else None
        except NotFoundError:
            return None
        return announcement if announcement and announcement.kind == "notice" else None

    def _save(self, actor: Actor, data: dict[str, Any], text: str, buttons: tuple = ()) -> list[Reply]:
        self.store.set_dialog(actor.channel, actor.user_id, "announce", data)
        return [Reply(text, buttons=buttons or ((self._cancel(data),),))]

    def _topic_buttons(self, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
        token = data["token"]
        rows = [(Button(notice_texts.ANNOUNCE_ALL_TOPICS, f"an:topic:{token}:"),)]
        rows += [(Button(label, f"an:topic:{token}:{t}"),) for t, label in TOPICS.items()]
        return (*rows, (self._cancel(data),))

    def _time_buttons(self, actor: Actor, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
        rows = [(Button(notice_texts.ANNOUNCE_NOW, f"an:time:{data['token']}:now"),)]
        if actor.role is Role.ADMIN:
            rows.append((Button(notice_texts.ANNOUNCE_URGENT, f"an:time:{data['token']}:urgent"),))
        return (*rows, (self._cancel(data),))

    @staticmethod
    def _cancel(data: dict[str, Any]) -> Button:
        return Button(texts.BUTTON_CANCEL, f"an:cancel:{data['token']}")


def _links_only(notice: Reply) -> Reply:
    """A notice shown for checking: its link buttons, none of its action buttons (pressing 🔕 there would act)."""
    return replace(notice, buttons=tuple(row for row in notice.buttons if row and row[0].url))


def _review_buttons(announcement_id: int) -> tuple[Button, ...]:
    return (Button(notice_texts.BUTTON_APPROVE, f"an:ok:{announcement_id}"), Button(notice_texts.BUTTON_REJECT, f"an:no:{announcement_id}"))


def _draft(actor: Actor, data: dict[str, Any]) -> Announcement:
    return Announcement(
        0, actor.key, data["text"], data.get("link_text", ""), data.get("link_url", ""), data["city"],
        data.get("topic", ""), data["send_at"], int(bool(data.get("urgent"))), "draft", "", "", "", "", "",
        photo=data.get("photo", ""),
    )  # fmt: skip


def _text_refusal(text: str, with_photo: bool, caption_limit: str) -> str:
    """Why `text` cannot be a notice's text ('' when it can): empty, too long, too long for a caption."""
    if not text or len(text) > MAX_NOTICE_CHARS:
        return notice_texts.ANNOUNCE_TEXT_LIMIT.format(limit=MAX_NOTICE_CHARS)
    if with_photo and caption_length(text) > MAX_PHOTO_TEXT_CHARS:
        return caption_limit.format(limit=MAX_PHOTO_TEXT_CHARS, count=caption_length(text))
    return ""


def _audience_label(data: dict[str, Any]) -> str:
    city = notice_texts.ANNOUNCE_EVERYONE if data["city"] == "*" else data["city"]
    return f"{city} · {TOPICS.get(data.get('topic') or '', notice_texts.ANNOUNCE_ALL_TOPICS)}"


def _who(key: str) -> tuple[str, str]:
    channel, _, user_id = key.partition(":")
    return channel, user_id
