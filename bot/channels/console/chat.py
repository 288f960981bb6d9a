"""Console adapter: the same conversation in a terminal, no token needed.

Buttons become numbered choices; typing a number presses the button. Numbers refer to
the latest buttons shown: a turn that shows none (a dismissed review group) keeps the
previous ones, so the next number still presses one of them. `/upload PATH` sends a file.
Notices and reminders set here are saved, but only a Telegram or WeChat run delivers them:
the console says so when one is scheduled.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot import texts
from bot.conversation import Conversation, parse_command
from bot.replies import Button, Reply, Request

logger = logging.getLogger(__name__)

CHANNEL = "console"
PROMPT = "你> "


def render(reply: Reply, first: int = 1) -> str:
    """A reply as plain text lines, its buttons numbered from `first` (numbers run on across one turn)."""
    lines = [texts.CONSOLE_TO.format(who=":".join(reply.to))] if reply.to else []
    lines += [texts.CONSOLE_PHOTO] if reply.photo else []  # a terminal cannot show it
    lines += [f"【{reply.title}】"] if reply.title else []
    lines.append(reply.text)
    for number, button in enumerate(reply.all_buttons, first):
        lines.append(f"  {number}) {button.label}" + (f"  <{button.url}>" if button.url else ""))
    if reply.buttons:
        lines.append(texts.CONSOLE_CHOICE_HINT)
    return "\n".join(lines)


def to_request(line: str, choices: list[Button], user_id: str) -> Request | str:
    """Turn one typed line into a request; a bad choice number yields the message to print instead."""
    line = line.strip()
    if line.isascii() and line.isdecimal() and choices:
        number = int(line)
        if 1 <= number <= len(choices) and choices[number - 1].url:
            return texts.CONSOLE_LINK.format(url=choices[number - 1].url)
        if 1 <= number <= len(choices):
            return Request(CHANNEL, user_id, "button", choices[number - 1].action)
        return texts.CONSOLE_BAD_CHOICE.format(count=len(choices)) if len(choices) > 1 else texts.CONSOLE_BAD_CHOICE_ONE
    command = parse_command(line)
    if command and command[0] == "upload":  # the console's way to send a file: /upload PATH
        if not command[1]:
            return texts.CONSOLE_UPLOAD_USAGE
        path = Path(" ".join(command[1])).expanduser()
        try:
            return Request(CHANNEL, user_id, "file", path.name, file=path.read_bytes())
        except OSError as exc:
            return texts.CONSOLE_UPLOAD_FAILED.format(path=path, reason=exc.strerror)
    if command:
        return Request(CHANNEL, user_id, "command", command[0], command[1])
    return Request(CHANNEL, user_id, "text", line)


def save_document(reply: Reply, folder: Path) -> str:
    """Write a reply's file where the console user can open it; return the line to show."""
    assert reply.document is not None
    name, content = reply.document
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return texts.CONSOLE_SAVED.format(path=path.resolve())


def _handle(conversation: Conversation, request: Request) -> list[Reply]:
    """The console's error handler: log the failure, apologise, keep chatting."""
    try:
        return conversation.handle(request)
    except Exception:
        logger.exception("Unhandled error while handling %s", request)
        return [conversation.apology()]


def run_console(
    conversation: Conversation,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    user_id: str = "local",
) -> None:
    """Chat on stdin/stdout until /quit, end of input or Ctrl-C."""
    try:
        _chat(conversation, stdin, stdout, user_id)
    except KeyboardInterrupt:
        print("", file=stdout)


def _chat(conversation: Conversation, stdin: TextIO, stdout: TextIO, user_id: str) -> None:
    choices = _welcome(conversation, stdout, user_id)
    while True:
        print(f"\n{PROMPT}", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in {"/quit", "/exit"}:
            print("", file=stdout)
            return
        choices = _turn(conversation, line, choices, stdout, user_id)


async def run_console_async(conversation: Conversation, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                            user_id: str = "local") -> None:  # fmt: skip
    """The same chat inside an event loop (beside the web console): lines are read by a daemon thread, so
    the conversation (and its SQLite connection) stays on the loop's thread and Ctrl-C never waits for a read."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            line = stdin.readline()
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if not line:
                return

    choices = _welcome(conversation, stdout, user_id)
    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    while True:
        print(f"\n{PROMPT}", end="", file=stdout, flush=True)
        line = await lines.get()
        if not line or line.strip() in {"/quit", "/exit"}:
            print("", file=stdout)
            return
        choices = _turn(conversation, line, choices, stdout, user_id)


def _welcome(conversation: Conversation, stdout: TextIO, user_id: str) -> list[Button]:
    bot_name = conversation.settings.bot_name
    print(texts.CONSOLE_BANNER.format(bot_name=bot_name), file=stdout)
    choices: list[Button] = []
    for reply in _handle(conversation, Request(CHANNEL, user_id, "command", "start")):
        print(f"\n{bot_name}> {render(reply, len(choices) + 1)}", file=stdout)
        choices += reply.all_buttons
    return choices


def _turn(conversation: Conversation, line: str, choices: list[Button], stdout: TextIO, user_id: str) -> list[Button]:
    """One typed line: print the replies; return the buttons its numbers now refer to."""
    bot_name = conversation.settings.bot_name
    if not line.strip():
        return choices
    request = to_request(line, choices, user_id)
    if isinstance(request, str):
        print(f"{bot_name}> {request}", file=stdout)
        return choices
    waiting = conversation.store.waiting_to_send()
    replies = _handle(conversation, request)
    new_choices: list[Button] = []
    for reply in replies:
        print(
            f"{bot_name}> {render(reply, len(new_choices) + 1) if reply.to is None else render(reply, 0)}",
            file=stdout,
        )
        if reply.document:
            print(save_document(reply, Path("exports")), file=stdout)
        if reply.to is None:  # buttons sent to someone else are theirs to press
            new_choices += reply.all_buttons
    if conversation.store.waiting_to_send() > waiting:  # the console has no sender: say so, honestly
        print(texts.CONSOLE_NOT_DELIVERED, file=stdout)
    return new_choices or choices  # numbers refer to the latest buttons shown (a reply without any keeps them)
