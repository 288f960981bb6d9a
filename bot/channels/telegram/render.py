"""Telegram's rendering of the core's replies and the outbox's messages: HTML text in chunks, captions,
inline keyboards, photos. One module, so a reply is rendered in one place whoever sends it."""

from __future__ import annotations

import html
from collections.abc import Iterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot import texts
from bot.channels.telegram import CHANNEL
from bot.notices.delivery import MAX_CAPTION_CHARS, OutgoingMessage, caption_length
from bot.replies import Reply


def telegram_photo(photo: str | None) -> str | None:
    """The Telegram file id in a photo reference ('telegram:AgAC…'); None for none or another channel's
    (file ids are per platform: such a photo is left out and the text goes alone)."""
    prefix = f"{CHANNEL}:"
    return photo.removeprefix(prefix) if photo and photo.startswith(prefix) and photo != prefix else None


def fits_a_caption(text: str) -> bool:
    """Whether plain `text` is within Telegram's caption limit (counted in UTF-16 units, after HTML parsing)."""
    return caption_length(text) <= MAX_CAPTION_CHARS


def message_keyboard(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    """The link on top, then one row per button."""
    rows = [[InlineKeyboardButton(message.link[0], url=message.link[1])]] if message.link else []
    rows += [[InlineKeyboardButton(label, callback_data=action)] for label, action in message.buttons]
    return InlineKeyboardMarkup(rows) if rows else None


def _escaped_lines(text: str, limit: int) -> Iterator[str]:
    """HTML-escaped lines of `text`, any line longer than `limit` cut into pieces.

    Escaping happens per character so a cut never falls inside an entity (&amp;).
    """
    for line in text.split("\n"):
        whole = html.escape(line)
        if len(whole) <= limit:  # nearly always: no cut to place
            yield whole
            continue
        piece: list[str] = []
        size = 0
        for char in line:
            escaped = html.escape(char)
            if size + len(escaped) > limit:
                yield "".join(piece)
                piece, size = [], 0
            piece.append(escaped)
            size += len(escaped)
        yield "".join(piece)


def render_chunks(reply: Reply, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The reply as Telegram HTML, split at line breaks so no part exceeds `limit`."""
    lines = [f"<b>{html.escape(reply.title[:200])}</b>"] if reply.title else []
    lines += _escaped_lines(reply.text, limit)
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()] or [html.escape(texts.EMPTY)]


def render_caption(reply: Reply) -> str | None:
    """The reply as one HTML caption for its photo, or None when it is over Telegram's caption limit."""
    title = reply.title[:200]
    if not fits_a_caption(f"{title}\n{reply.text}" if title else reply.text):
        return None
    return (f"<b>{html.escape(title)}</b>\n" if title else "") + html.escape(reply.text)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.action)
                for b in row
            ]
            for row in reply.buttons
        ]
    )
