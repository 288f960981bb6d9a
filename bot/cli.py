"""Command line: `python -m bot [run|chat|ask]`.

- `run` (the default): on Telegram when TELEGRAM_BOT_TOKEN is set, on a WeChat
  Official Account when WECHAT_* are set (beside Telegram or alone), otherwise
  the console chat, so a fresh clone works with no set-up at all.
- `chat`: the console chat, always.
- `ask`: print how the knowledge base answers questions, for admins checking it.
- `admin`, `faq`, `stats`: the admins' tools (bot/cli_admin.py).
- `wechat menu`: publish the WeChat custom menu (bot/wechat/cli.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from dotenv import load_dotenv

from bot import cli_admin
from bot.settings import Settings, SettingsError
from bot.wechat import cli as wechat_cli
from knowledge.entries import KnowledgeError

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
    cli_admin.add_parsers(sub)
    wechat_cli.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"配置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    from bot.app import configure_logging

    # In a terminal conversation routine INFO lines would drown the chat; a server logs them.
    serving = settings.telegram_token or settings.wechat_enabled
    interactive = args.command in ("chat", "ask", "admin", "faq", "stats", "wechat") or not serving
    configure_logging(
        "WARNING" if interactive and settings.log_level == "INFO" else settings.log_level,
        [s for s in (settings.telegram_token, settings.wechat_app_secret, settings.wechat_token) if s],
    )
    if getattr(args, "admin", False):
        settings = replace(settings, console_admin=True)
    try:
        if args.command in ("admin", "faq", "stats"):
            return cli_admin.run(settings, args)
        if args.command == "wechat":
            return wechat_cli.run(settings, args)
        if args.command == "ask":
            return _ask(settings, args)
        if args.command == "chat" or not (settings.telegram_token or settings.wechat_enabled):
            return _chat(settings)
        if not settings.telegram_token:
            return _wechat(settings)
        return _telegram(settings)  # and WeChat beside it when configured
    except KnowledgeError as exc:
        print(f"知识库文件有误 / knowledge base error: {exc}", file=sys.stderr)
        return 2


def _chat(settings: Settings) -> int:
    from bot.app import build_conversation
    from bot.console import run_console

    # Undecodable input (a terminal in another encoding) becomes U+FFFD, not a crash.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    conversation = build_conversation(settings)
    try:
        run_console(conversation)
    finally:
        conversation.store.close()
    return 0


def _telegram(settings: Settings) -> int:
    from telegram import Update

    from bot.app import build_conversation
    from bot.telegram_adapter import build_application

    conversation = build_conversation(settings)
    application = build_application(settings, conversation)
    logger.info("Starting %s on Telegram (long polling)", settings.bot_name)
    try:
        application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    finally:
        conversation.store.close()
    return 0


def _wechat(settings: Settings) -> int:
    from bot.app import build_conversation
    from bot.wechat.runtime import run_wechat_only

    conversation = build_conversation(settings)
    logger.info("Starting %s on WeChat only (no Telegram token)", settings.bot_name)
    try:
        run_wechat_only(settings, conversation)
    finally:
        conversation.store.close()
    return 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_knowledge
    from bot.store import Store

    if bool(args.question) == bool(args.file):
        print("请给出一个问题，或用 --file 指定问题文件（二选一）。", file=sys.stderr)
        return 2
    if args.file:
        try:
            questions = args.file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"无法读取问题文件 {args.file}: {exc}", file=sys.stderr)
            return 2
    else:
        questions = [args.question]
    store = Store.open(settings.database_path, settings.clock())
    try:
        kb = build_knowledge(settings, store)
        for question in questions:
            result = kb.ask(question).to_json(settings.placeholders)
            print(json.dumps(result, ensure_ascii=False) if args.json or args.file else _describe(result))
    finally:
        store.close()
    return 0


def _describe(result: dict) -> str:
    """A human-readable account of one outcome."""
    lines = [f"outcome: {result['outcome']}  score: {result['score']:.3f}  faq_id: {result['faq_id']}"]
    if result["answer"]:
        lines.append(result["answer"])
    for s in result["suggestions"]:
        lines.append(f"  - {s['faq_id']} ({s['score']:.3f}) {s['question']}")
    return "\n".join(lines)
