"""Console adapter: the same conversation in a terminal, no token needed.

Buttons become numbered choices; typing a number presses the button.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot import texts
from bot.conversation import Conversation, parse_command
from bot.replies import Button, Reply, Request

logger = logging.getLogger(__name__)

CHANNEL = "console"
PROMPT = "你> "


def render(reply: Reply) -> str:
    """A reply as plain text lines, its buttons numbered from 1."""
    lines = [f"【{reply.title}】"] if reply.title else []
    lines.append(reply.text)
    for number, button in enumerate(reply.all_buttons, 1):
        lines.append(f"  {number}) {button.label}")
    if reply.buttons:
        lines.append(texts.CONSOLE_CHOICE_HINT)
    return "\n".join(lines)


def to_request(line: str, choices: list[Button], user_id: str) -> Request | str:
    """Turn one typed line into a request; a bad choice number yields the message to print instead."""
    line = line.strip()
    if line.isascii() and line.isdecimal() and choices:
        number = int(line)
        if 1 <= number <= len(choices):
            return Request(CHANNEL, user_id, "button", choices[number - 1].action)
        return texts.CONSOLE_BAD_CHOICE.format(count=len(choices))
    command = parse_command(line)
    if command:
        return Request(CHANNEL, user_id, "command", command[0], command[1])
    return Request(CHANNEL, user_id, "text", line)


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
    bot_name = conversation.settings.bot_name
    print(texts.CONSOLE_BANNER.format(bot_name=bot_name), file=stdout)
    choices: list[Button] = []
    for reply in _handle(conversation, Request(CHANNEL, user_id, "command", "start")):
        print(f"\n{bot_name}> {render(reply)}", file=stdout)
        choices = reply.all_buttons or choices
    while True:
        print(f"\n{PROMPT}", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in {"/quit", "/exit"}:
            print("", file=stdout)
            return
        if not line.strip():
            continue
        request = to_request(line, choices, user_id)
        if isinstance(request, str):
            print(f"{bot_name}> {request}", file=stdout)
            continue
        replies = _handle(conversation, request)
        new_choices: list[Button] = []
        for reply in replies:
            print(f"{bot_name}> {render(reply)}", file=stdout)
            new_choices += reply.all_buttons
        choices = new_choices  # numbers always refer to the latest buttons
