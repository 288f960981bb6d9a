"""WeChat command line: `python -m bot wechat menu [--file PATH] [--dry-run]` and `wechat qrcodes`.

`qrcodes` prints each ambassador's parametric QR code (the WeChat form of their
invite link: a student who scans it follows the ambassador's city), to print on
posters or send to them.

`menu` checks the menu file (default bot/channels/wechat/menu.yaml) against WeChat's rules
and publishes it with WECHAT_APP_ID and WECHAT_APP_SECRET; `--dry-run` only checks
it and prints what would be published (no settings needed). Exit codes: 0 done,
1 the file has problems, 2 settings missing, 3 WeChat refused or could not be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot import cli_texts as m
from bot.settings import Settings


def add_parsers(sub: Any) -> Any:
    """Register `wechat` and its actions; returns the actions' subparsers, for more to be added."""
    wechat = sub.add_parser("wechat", help="微信公众号工具").add_subparsers(dest="action", required=True)
    menu = wechat.add_parser("menu", help="检查自定义菜单文件并发布")
    menu.add_argument("--file", type=Path, help="菜单文件（默认 bot/channels/wechat/menu.yaml）")
    menu.add_argument("--dry-run", action="store_true", help="只检查并打印菜单，不发布")
    wechat.add_parser("qrcodes", help="列出每位校园大使的邀请二维码（带参数二维码）")
    return wechat


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "menu":
        return _menu(settings, args)
    if args.action == "qrcodes":
        return _qrcodes(settings)
    print(m.WECHAT_UNKNOWN_ACTION.format(action=args.action), file=sys.stderr)
    return 2


def _menu(settings: Settings, args: argparse.Namespace) -> int:
    from bot.channels.wechat.api import WeChatError, WeChatUnavailable
    from bot.channels.wechat.menu import DEFAULT_MENU_PATH, MenuError, describe, load_menu

    path = args.file or DEFAULT_MENU_PATH
    try:
        menu = load_menu(path)
    except MenuError as exc:
        print(m.MENU_REJECTED.format(path=path, count=len(exc.problems)), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(describe(menu))
        print(json.dumps(menu, ensure_ascii=False, indent=2))
        print(m.MENU_DRY_RUN)
        return 0
    if _credentials_missing(settings, m.PURPOSE_MENU):
        return 2
    try:
        asyncio.run(_publish(settings, menu))
    except (WeChatError, WeChatUnavailable) as exc:
        print(m.MENU_REFUSED.format(error=exc), file=sys.stderr)
        return 3
    print(describe(menu))
    print(m.MENU_PUBLISHED.format(path=path, app_id=settings.wechat_app_id))
    return 0


async def _publish(settings: Settings, menu: dict[str, Any]) -> None:
    from bot.channels.wechat.api import WeChatApi
    from bot.channels.wechat.menu import publish_menu

    async with WeChatApi.from_settings(settings) as api:
        await publish_menu(api, menu)


def _qrcodes(settings: Settings) -> int:
    from bot.channels.wechat.api import WeChatError, WeChatUnavailable
    from bot.store import Store

    if _credentials_missing(settings, m.PURPOSE_QRCODES):
        return 2
    store = Store.open(settings.database_path, settings.clock())
    try:
        ambassadors = [g for g in store.role_grants() if g.role == "ambassador"]
        if not ambassadors:
            print(m.NO_AMBASSADORS)
            return 0
        codes = [(g, store.invite_code(f"{g.channel}:{g.external_id}")) for g in ambassadors]
        try:
            urls = asyncio.run(_make_qrcodes(settings, [code for _, code in codes]))
        except (WeChatError, WeChatUnavailable) as exc:
            print(m.QRCODES_REFUSED.format(error=exc), file=sys.stderr)
            return 3
        for (grant, code), url in zip(codes, urls, strict=True):
            name = store.user_name(grant.channel, grant.external_id) or f"{grant.channel}:{grant.external_id}"
            print(f"{name}\t{grant.city}\t{grant.campus}\t{code}\t{url}")
    finally:
        store.close()
    return 0


async def _make_qrcodes(settings: Settings, scenes: list[str]) -> list[str]:
    from bot.channels.wechat.api import WeChatApi

    async with WeChatApi.from_settings(settings) as api:
        return [await api.create_qrcode(scene) for scene in scenes]


def _credentials_missing(settings: Settings, purpose: str) -> bool:
    """Say so (exit code 2 follows) when the account's id and secret are not configured."""
    if settings.wechat_app_id and settings.wechat_app_secret:
        return False
    print(m.CREDENTIALS_MISSING.format(purpose=purpose), file=sys.stderr)
    return True
