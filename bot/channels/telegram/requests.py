"""What a Telegram update says, as the core's `Request`: who, what, and whom it is about."""

from __future__ import annotations

from typing import Any

from telegram import MessageOriginUser, Update

from bot.replies import Request

CHANNEL = "telegram"


def request_from(update: Update, kind: Any, text: str = "", args: tuple[str, ...] = ()) -> Request:
    user = update.effective_user
    return Request(
        channel=CHANNEL,
        user_id=str(user.id) if user else "0",
        kind=kind,
        text=text,
        args=args,
        name=user.full_name if user else "",
        username=(user.username or "") if user else "",
        target_user_id=_replied_user(update),
    )


def _replied_user(update: Update) -> str:
    """The user a reply points at: the sender of a forwarded message, or of the replied-to message."""
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is None:
        return ""
    origin = replied.forward_origin
    if isinstance(origin, MessageOriginUser):
        return str(origin.sender_user.id)
    own = update.effective_user.id if update.effective_user else None
    if replied.from_user and not replied.from_user.is_bot and origin is None and replied.from_user.id != own:
        return str(replied.from_user.id)  # a group-like reply; in a private chat one's own messages are skipped
    return ""
