"""Console adapter: the same conversation in a terminal, no token needed.

Buttons become numbered choices; typing a number presses the button.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot import texts
from bot.conversation import Conversation
from bot.replies import Button, Reply, Request

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
    if line.isdigit() and choices:
        number = int(line)
        if 1 <= number <= len(choices):
            return Request(CHANNEL, user_id, "button", choices[number - 1].action)
        return texts.CONSOLE_BAD_CHOICE.format(count=len(choices))
    if line.startswith("/") and len(line) > 1:
        name, *args = line[1:].split()
        return Request(CHANNEL, user_id, "command", name.lower(), tuple(args))
    return Request(CHANNEL, user_id, "text", line)


def run_console(
    conversation: Conversation,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    user_id: str = "local",
) -> None:
    """Chat on stdin/stdout until /quit or end of input."""
    bot_name = conversation.settings.bot_name
    print(texts.CONSOLE_BANNER.format(bot_name=bot_name), file=stdout)
    choices: list[Button] = []
    for reply in conversation.handle(Request(CHANNEL, user_id, "command", "start")):
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
        replies = conversation.handle(request)
        new_choices: list[Button] = []
        for reply in replies:
            print(f"{bot_name}> {render(reply)}", file=stdout)
            new_choices += reply.all_buttons
        choices = new_choices  # numbers always refer to the latest buttons
