"""The core's replies as WeChat text: buttons become numbered lines answered with a digit.

WeChat text messages carry no buttons. A reply's action buttons are listed as
"回复 1 …" lines, numbered on across the replies of one turn; the channel keeps the
actions (store: wechat choices) so that the digit the student sends next presses
the button. Link buttons become <a href> links, which WeChat shows as tappable.
WeChat limits a text message to 2048 bytes (UTF-8): longer text is split on line
breaks into several messages.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.replies import Reply

#: WeChat's limit for a text message's Content, in UTF-8 bytes.
MAX_TEXT_BYTES = 2048


@dataclass(frozen=True)
class WeChatText:
    """What to send for one turn: text messages in order, and the actions the digits 1..n stand for."""

    messages: tuple[str, ...]
    actions: tuple[str, ...]


def render(replies: Sequence[Reply]) -> WeChatText:
    """One turn's replies as WeChat text messages; numbers run on across the replies."""
    blocks: list[str] = []
    actions: list[str] = []
    for reply in replies:
        lines = [f"【{reply.title}】"] if reply.title else []
        lines.append(reply.text)
        for button in reply.all_buttons:
            if button.url:
                lines.append(f'<a href="{button.url.replace(chr(34), "%22")}">{html.escape(button.label)}</a>')
            elif button.action:
                actions.append(button.action)
                lines.append(f"回复 {len(actions)}：{button.label}")
        blocks.append("\n".join(lines))
    return WeChatText(tuple(split("\n\n".join(blocks))), tuple(actions))


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
