"""Command line: `python -m bot [run|chat|ask]`.

- `run` (the default): on Telegram when TELEGRAM_BOT_TOKEN is set, on a WeChat
  Official Account when WECHAT_* are set (beside Telegram or alone), otherwise
  the console chat, so a fresh clone works with no set-up at all.
- `chat`: the console chat, always.
- `ask`: print how the knowledge base answers questions, for admins checking it.
- `admin`, `faq`, `stats`: the admins' tools (bot/cli_admin.py); `fairs`: fair files (bot/fairs/cli.py).
- `wechat menu`: publish the WeChat custom menu (bot/channels/wechat/cli.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from bot import cli_admin
from bot import cli_texts as m
from bot.channels.wechat import cli as wechat_cli
from bot.fairs import cli as cli_fairs
from bot.ops import cli as ops_cli
from bot.ops.backup import BackupError, RunLock
from bot.settings import CONSOLE_ADMIN_ID, CONSOLE_USER_ID, Settings, SettingsError
from bot.web import cli as web_cli
from knowledge.entries import KnowledgeError

if TYPE_CHECKING:
    from knowledge.kb import KnowledgeBase

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="莞才助手 (Dongguan Talent Bot)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run on Telegram if TELEGRAM_BOT_TOKEN is set, else the console chat (default)")
    chat = sub.add_parser("chat", help="chat in this terminal")
    chat.add_argument("--admin", action="store_true", help="chat as an admin (to try the admin commands)")
    ask = sub.add_parser("ask", help="show how the FAQ answers a question")
    ask.add_argument("question", nargs="?", help="the question text")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--file", type=Path, help="read one question per line; print one JSON object per line")
    ask.add_argument(
        "--conversations",
        action="store_true",
        help='with --file: each line is {"turns": [...]}, one conversation; print how its last turn is answered',
    )
    cli_admin.add_parsers(sub)
    cli_fairs.add_parsers(sub)
    wechat_cli.add_parsers(sub)
    ops_cli.add_parsers(sub)
    web_cli.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(m.SETTINGS_ERROR.format(error=exc), file=sys.stderr)
        return 2
    problem = database_problem(settings.database_path)
    if problem:  # a folder, an unwritable place, not a database: one line naming the variable, not a traceback
        print(m.DATABASE_PATH_BAD.format(path=settings.database_path, reason=problem), file=sys.stderr)
        return 2
    from bot.app import configure_logging

    # In a terminal conversation routine INFO lines would drown the chat; a server logs them.
    serving = settings.telegram_token or settings.wechat_enabled
    interactive = args.command in ("chat", "ask", "admin", "faq", "fairs", "stats", "wechat", "web", *ops_cli.COMMANDS)
    interactive = interactive or not serving
    configure_logging(
        "WARNING" if interactive and settings.log_level == "INFO" else settings.log_level,
        [s for s in (settings.telegram_token, settings.wechat_app_secret, settings.wechat_token) if s],
        log_format=settings.log_format,
    )
    if getattr(args, "admin", False):
        settings = replace(settings, console_admin=True)
    try:
        if args.command in ("admin", "faq", "fairs", "stats"):
            return cli_admin.run(settings, args)
        if args.command == "wechat":
            return wechat_cli.run(settings, args)
        if args.command in ops_cli.COMMANDS:
            return ops_cli.run(settings, args)
        if args.command == "web":
            return web_cli.run(settings, args)
        if args.command == "ask":
            return _ask(settings, args)
        with RunLock(settings.database_path):  # a restore waits until the bot has stopped
            if args.command == "chat" or not (settings.telegram_token or settings.wechat_enabled):
                return _chat(settings)
            return _serve(settings)
    except BackupError as exc:  # the lock: another bot runs on this database, or a restore is under way
        print(str(exc), file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print(m.KNOWLEDGE_ERROR.format(error=exc), file=sys.stderr)
        return 2


def database_problem(path: Path) -> str:
    """Why DATABASE_PATH cannot hold the database ('' when it can): a folder, no such place, not a database."""
    if str(path) == ":memory:":
        return ""
    if path.is_dir():
        return m.DATABASE_IS_FOLDER
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path)
        try:
            connection.execute("pragma schema_version").fetchone()
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as exc:
        return str(exc)
    return ""


def _chat(settings: Settings) -> int:
    from bot.app import run_chat

    # The admin is another person than the student the plain console is: own questions, own data.
    run_chat(settings, user_id=CONSOLE_ADMIN_ID if settings.console_admin else CONSOLE_USER_ID)
    return 0


def _serve(settings: Settings) -> int:
    from bot.app import run_bot

    run_bot(settings)  # every configured channel: Telegram, WeChat, or both in one process
    return 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_knowledge
    from bot.store import Store

    if bool(args.question) == bool(args.file) or (args.conversations and not args.file):
        print(m.ASK_ONE, file=sys.stderr)
        return 2
    if args.file:
        try:
            lines = args.file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(m.CANNOT_READ.format(path=args.file, reason=exc), file=sys.stderr)
            return 2
    else:
        lines = [args.question]
    conversations = _conversations(lines) if args.conversations else None
    if isinstance(conversations, str):
        print(f"{args.file}: {conversations}", file=sys.stderr)
        return 2
    store = Store.open(settings.database_path, settings.clock())
    try:
        kb = build_knowledge(settings, store)
        if conversations is not None:
            _ask_conversations(settings, kb, conversations)
            return 0
        for question in lines:
            result = kb.ask(question).to_json(settings.placeholders)
            print(json.dumps(result, ensure_ascii=False) if args.json or args.file else _describe(result))
    finally:
        store.close()
    return 0


def _conversations(lines: list[str]) -> list[list[str]] | str:
    """Each non-blank line's turns, or what is wrong with the first bad line."""
    conversations = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            turns = json.loads(line).get("turns")
        except (ValueError, AttributeError):
            turns = None
        if not isinstance(turns, list) or not turns or not all(isinstance(t, str) for t in turns):
            return f'第 {number} 行应为 {{"turns": ["问题", …]}}'
        conversations.append(turns)
    return conversations


def _ask_conversations(settings: Settings, kb: KnowledgeBase, conversations: list[list[str]]) -> None:
    """Play each conversation as its own user, each with a fresh context; print how its last turn is answered.

    The contexts live in a database of their own in memory: checking never touches the bot's conversations.
    """
    from bot.faq.context import Context
    from bot.store import Store

    scratch = Store.open(":memory:", settings.clock())
    try:
        context = Context(scratch, lambda: kb)
        for number, turns in enumerate(conversations, 1):
            for turn in turns:
                understood = context.ask("cli", f"conversation-{number}", turn)
            print(json.dumps(understood.outcome.to_json(settings.placeholders), ensure_ascii=False))
    finally:
        scratch.close()


def _describe(result: dict) -> str:
    """A human-readable account of one outcome."""
    lines = [m.ASK_RESULT.format(outcome=result["outcome"], score=result["score"], faq_id=result["faq_id"] or "-")]
    if result["answer"]:
        lines.append(result["answer"])
    for s in result["suggestions"]:
        lines.append(f"  - {s['faq_id']} ({s['score']:.3f}) {s['question']}")
    return "\n".join(lines)
