"""`python -m bot web link ADMIN`: print a single-use login link to the web console for an admin."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings
from bot.store import Store
from bot.web.links import issue_link, parse_admin


def add_parsers(sub: argparse._SubParsersAction) -> None:
    web = sub.add_parser("web", help="the admins' web console")
    actions = web.add_subparsers(dest="web_command", required=True)
    link = actions.add_parser("link", help="print a single-use login link (valid 10 minutes) for an admin")
    link.add_argument("admin", help="telegram:123, wechat:OPENID, console:local, or a bare Telegram id")


def run(settings: Settings, args: argparse.Namespace) -> int:
    channel, user_id = parse_admin(args.admin)
    if not user_id:
        print("请给出管理员，例如 telegram:123", file=sys.stderr)
        return 2
    store = Store.open(settings.database_path, settings.clock())
    try:
        print(issue_link(settings, store, channel, user_id))
    except PermissionError:
        print(f"{channel}:{user_id} 不是管理员（ADMIN_IDS 或 /grant 授予的管理员才能登录）", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
