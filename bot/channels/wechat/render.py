"""The core's replies as WeChat text: buttons become numbered lines answered with a digit.

WeChat text messages carry no buttons. A reply's action buttons are listed as
"回复 1 …" lines, numbered on across the replies of one turn; the channel keeps the
actions (store: wechat choices) so that the digit the student sends next presses
the button. A choice that cannot be undone (bot.replies.irreversible) is answered
with the confirmation word and its number ("回复 确认3"), never a bare digit. Link
buttons become <a href> links, which WeChat shows as tappable; everything else is
escaped, so markup written by people (a notice, a question) is shown as text.
WeChat limits a text message to 2048 bytes (UTF-8): longer text is split on line
breaks into several messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar

from bot import texts
from bot.fairs.ics import UID_DOMAIN
from bot.replies import Reply, irreversible
from bot.store.wechat import Offer

#: WeChat's limit for a text message's Content, in UTF-8 bytes.
MAX_TEXT_BYTES = 2048


@dataclass(frozen=True)
class WeChatText:
    """What to send for one turn: text messages in order, and what its numbers, from `first`, stand for."""

    messages: tuple[str, ...]
    offers: tuple[Offer, ...]  # (action, label, needs the confirmation word)


def render(replies: Sequence[Reply], first: int = 1) -> WeChatText:
    """One turn's replies as WeChat text messages; numbers run on across the replies, from `first`."""
    blocks: list[str] = []
    offers: list[Offer] = []
    for reply in replies:
        # Everything but the bot's own link markup is text: an <a href> written by a person (a notice, a
        # question shown to an admin) must reach WeChat as characters, not as a live link.
        lines = [texts.WECHAT_TITLE.format(title=html.escape(reply.title))] if reply.title else []
        lines.append(html.escape(reply.text))
        for button in reply.all_buttons:
            if button.url:
                lines.append(f'<a href="{_href(button.url)}">{html.escape(button.label)}</a>')
            elif button.action:
                confirm = irreversible(button.action)
                offers.append((button.action, button.label, confirm))
                line = texts.WECHAT_CHOICE_CONFIRM if confirm else texts.WECHAT_CHOICE
                lines.append(line.format(n=first + len(offers) - 1, label=html.escape(button.label),
                                         word=texts.WECHAT_CONFIRM_WORD))  # fmt: skip
        blocks.append("\n".join(lines))
    return WeChatText(tuple(split("\n\n".join(blocks))), tuple(offers))


def _href(url: str) -> str:
    """A URL inside href="…": what could end the attribute or the tag percent-encoded (WeChat does not
    decode HTML entities there, so & stays as is)."""
    return url.replace('"', "%22").replace("<", "%3C").replace(">", "%3E")


def calendar_fair_id(document: tuple[str, bytes]) -> int | None:
    """The fair a calendar file (bot/fairs/ics.py) is about, from its UID; None for any other file."""
    name, content = document
    if not name.endswith(".ics"):
        return None
    try:
        calendar = Calendar.from_ical(content)
    except ValueError:
        return None
    for event in calendar.walk("VEVENT"):
        found = re.fullmatch(rf"fair-(\d+)@{re.escape(UID_DOMAIN)}", str(event.get("uid", "")))
        if found:
            return int(found[1])
    return None


def split(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Cut `text` into pieces of at most `limit` UTF-8 bytes, at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line.encode()) > limit:  # one line longer than a message: cut it by characters
            cut = len(line.encode()[:limit].decode(errors="ignore"))
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces
