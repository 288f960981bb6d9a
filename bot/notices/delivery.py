"""What travels between the outbox and a channel: the message, and the errors a transport raises.

A `Transport` (Telegram's in bot/channels/telegram/transport.py, WeChat's in
bot/channels/wechat/transport.py) turns an `OutgoingMessage` into the platform's call and
the platform's refusals into these few exceptions, which the sender
(bot/notices/sender.py) knows how to handle: wait, stop writing to a student, give up, or
try again later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.notices import texts as notice_texts
from bot.replies import Reply
from bot.store import Announcement

#: With a photo the text is the photo's caption: Telegram allows 1024 characters.
MAX_CAPTION_CHARS = 1024


def caption_length(text: str) -> int:
    """A caption's length as Telegram counts it: UTF-16 code units, so an emoji counts two."""
    return len(text.encode("utf-16-le")) // 2


class DeliveryError(Exception):
    """What a transport may raise; `reason` is stored with the delivery and shown in the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    """The platform asked the bot to wait (Telegram 429): pause everything, then resend."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:g}s")
        self.retry_after = float(retry_after)


class Unreachable(DeliveryError):
    """The student blocked the bot or is gone (Telegram 403): final; stop writing to them."""


class PermanentFailure(DeliveryError):
    """Refused for good (chat not found, bad markup): final, retrying cannot help."""


class TemporaryFailure(DeliveryError):
    """A network error, a timeout or a 5xx: worth another try later."""


@dataclass(frozen=True)
class OutgoingMessage:
    """A notice as every channel can show it: text, callback buttons, one optional link, one optional photo."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (label, action sent back when pressed), one per row
    link: tuple[str, str] | None = None  # (label, url), shown above the buttons
    photo: str | None = None  # 'telegram:AgAC…': shown with the text as its caption, on its own channel only
    #: The text is already in the channel's own markup (a WeChat turn's rendered pieces, its numbers given):
    #: sent as it is, not rendered (escaped, numbered) again.
    markup: bool = False

    @classmethod
    def from_reply(cls, reply: Reply) -> OutgoingMessage:
        """The core's rendering (`Conversation.render_notice`), so a notice looks the same everywhere."""
        text = f"{reply.title}\n{reply.text}" if reply.title else reply.text
        links = [(b.label, b.url) for b in reply.all_buttons if b.url]
        buttons = tuple((b.label, b.action) for b in reply.all_buttons if b.action and not b.url)
        return cls(text, buttons, links[0] if links else None, reply.photo)

    @classmethod
    def from_announcement(cls, a: Announcement, stop_label: str = notice_texts.BUTTON_STOP_KIND) -> OutgoingMessage:
        """A plain rendering: the text, its link, and a button to stop this kind of notice."""
        stop = f"unsub:topic:{a.topic}" if a.topic else "unsub:city"
        link = (a.link_text or a.link_url, a.link_url) if a.link_url else None
        return cls(a.text, ((stop_label, stop),), link, a.photo or None)


class Transport(Protocol):
    """One channel's way to deliver; raises the exceptions above, returns the platform's message id."""

    async def send(self, channel: str, external_id: str, message: OutgoingMessage) -> str: ...
