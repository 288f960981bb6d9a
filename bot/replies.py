"""What the core asks a channel to show: plain data, no channel types.

Adapters turn a `Reply` into a Telegram message, console lines or (later) a
WeChat reply. `Button.action` is the opaque string a press sends back; it is
kept under Telegram's 64-byte callback_data limit by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MAX_ACTION_BYTES = 64

#: Actions that cannot be undone: approve/reject a notice, confirm publishing, stop a notice, delete or roll
#: back an FAQ entry, apply an import, delete one's data, cancel a fair. A channel without real buttons
#: (WeChat, where a typed number presses a choice) asks for a confirmation word with them, never one digit.
IRREVERSIBLE_ACTIONS = re.compile(r"an:(ok|no|go|stop):|ed:(del|rbok|imp):|fe:(cx|imp):|me:forget:yes$")


def irreversible(action: str) -> bool:
    """Whether pressing `action` does something that cannot be taken back (see IRREVERSIBLE_ACTIONS)."""
    return bool(IRREVERSIBLE_ACTIONS.match(action))


@dataclass(frozen=True)
class Button:
    """A button that sends `action` back when pressed, or opens `url` instead."""

    label: str
    action: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if len(self.action.encode()) > MAX_ACTION_BYTES:
            raise ValueError(f"button action over {MAX_ACTION_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    """One message to the user: optional bold title, body text, rows of buttons.

    `replace`: when answering a button press, show this in place of the message
    that carried the button (menu navigation) instead of as a new message.
    """

    text: str
    title: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    replace: bool = False
    document: tuple[str, bytes] | None = None  # (file name, content) to send with the text
    to: tuple[str, str] | None = None  # (channel, user id) when meant for someone else (an approval request)
    #: A photo shown above the text (the text is its caption): the channel's file id prefixed by the
    #: channel, 'telegram:AgAC…'. A channel shows only its own photos: file ids are per platform.
    photo: str | None = None

    @property
    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


@dataclass(frozen=True)
class Request:
    """One thing a user did, as every channel can describe it.

    kind: 'text' (free text), 'command' (text is the command name, args in
    `args`), 'button' (text is the pressed action), 'file' (text is the file
    name, `file` its content), 'photo' (text is its caption, `photo` the
    reference), 'other' (a sticker, voice… the bot cannot read).
    `target_user_id`: the user a command is about, when the sender replied to
    a message forwarded from them (/grant ambassador 武汉).
    """

    channel: str
    user_id: str
    kind: Literal["text", "command", "button", "file", "photo", "other"]
    text: str = ""
    args: tuple[str, ...] = ()
    name: str = ""
    username: str = ""
    target_user_id: str = ""
    file: bytes = b""
    file_size: int = 0  # known before the download, so a refusal costs no download
    photo: str | None = None  # the channel's file id prefixed by the channel: 'telegram:AgAC…'
    prepared: object = None  # the file already read in a worker thread (bot.channels.uploads.Preread), if it was
