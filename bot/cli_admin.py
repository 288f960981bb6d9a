"""Admin command line: roles, FAQ import/export/test, statistics.

    python -m bot admin grant ID admin|ambassador [--city 武汉 --campus 武汉大学] [--channel telegram|wechat]
    python -m bot admin revoke ID [admin|ambassador] [--channel telegram|wechat]
    python -m bot admin list
    python -m bot faq export FILE.xlsx|.csv|.yaml
    python -m bot faq import FILE [--yes] [--delete-missing]
    python -m bot faq test FILE          (.txt one question a line; .jsonl eval cases; .csv/.xlsx sheet)
    python -m bot stats

The same store methods as the chat, so the same validation, revisions and
audit entries (actor 'cli'); a running bot picks up FAQ changes on its next
question.

ID is a Telegram user id (digits), a WeChat openid (o…, with --channel wechat) or a
@username the bot has seen; a student finds their own with /mydata. Messages are in
bot/cli_texts.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from bot import cli_texts as m
from bot.people.permissions import CITIES
from bot.settings import Settings

ACTOR = "cli"
CHANNELS = ("telegram", "wechat", "console")
#: A WeChat openid: 'o' and then letters, digits, '-' and '_' (28 characters in practice).
OPENID = re.compile(r"^o[A-Za-z0-9_-]{15,63}$")


def add_parsers(sub: Any) -> None:
    admin = sub.add_parser("admin", help="授予、收回、列出角色").add_subparsers(dest="action", required=True)
    who = "Telegram 数字 id、微信 openid（配合 --channel wechat）或机器人见过的 @用户名"
    grant = admin.add_parser("grant", help="授予角色")
    grant.add_argument("user_id", help=who)
    grant.add_argument("role", choices=["admin", "ambassador"])
    grant.add_argument("--city", choices=CITIES)
    grant.add_argument("--campus", default="")
    grant.add_argument("--channel", default="telegram", choices=CHANNELS, help="用户所在的渠道（默认 telegram）")
    revoke = admin.add_parser("revoke", help="收回角色")
    revoke.add_argument("user_id", help=who)
    revoke.add_argument("role", nargs="?", choices=["admin", "ambassador"])
    revoke.add_argument("--channel", default="telegram", choices=CHANNELS, help="用户所在的渠道（默认 telegram）")
    admin.add_parser("list", help="列出所有有角色的人")

    faq = sub.add_parser("faq", help="导入、导出、测试知识库").add_subparsers(dest="action", required=True)
    export = faq.add_parser("export", help="把知识库写入 .xlsx、.csv 或 .yaml 文件")
    export.add_argument("file", type=Path)
    imp = faq.add_parser("import", help="整份检查文件，显示变化，确认后导入")
    imp.add_argument("file", type=Path)
    imp.add_argument("--yes", action="store_true", help="不询问，直接导入")
    imp.add_argument("--delete-missing", action="store_true", help="同时删除文件里没有的条目")
    test = faq.add_parser("test", help="用一批问题测试知识库；有预期编号时报告准确率")
    test.add_argument("file", type=Path)
    sub.add_parser("stats", help="每日提问数、回答情况、热门话题、用户数")


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import Store

    store = Store.open(settings.database_path, settings.clock())
    try:
        if args.command == "admin":
            return _admin(store, settings, args)
        if args.command == "fairs":
            from bot.fairs import cli as cli_fairs

            return cli_fairs.run(settings, store, args)
        if args.command == "stats":
            from bot.faq.admin import format_stats

            print(format_stats(store, settings, store.clock.now()))
            return 0
        return _faq(store, settings, args)
    finally:
        store.close()


def _admin(store: Any, settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "list":
        for g in store.role_grants():
            where = f" {g.city} {g.campus}".rstrip() if g.city else ""
            print(m.GRANT_LINE.format(who=f"{g.channel}:{g.external_id}", role=g.role, where=where, name=g.name,
                                      at=g.granted_at, by=g.granted_by))  # fmt: skip
        configured = ", ".join(map(str, sorted(settings.admin_ids))) or m.NONE
        print(m.CONFIGURED_ADMINS.format(ids=configured))
        return 0
    user, problem = resolve_user(store, args.channel, args.user_id)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if args.action == "grant":
        if args.role == "ambassador" and not args.city:
            print(m.NEED_CITY.format(cities=" ".join(CITIES)), file=sys.stderr)
            return 2
        store.grant_role(args.channel, user, args.role, ACTOR, city=args.city or "", campus=args.campus)
        print(m.GRANTED.format(role=args.role, channel=args.channel, user=user))
        return 0
    roles = [args.role] if args.role else ["admin", "ambassador"]
    done = [r for r in roles if store.revoke_role(args.channel, user, r, ACTOR)]
    shown = m.REVOKED if done else m.NOTHING_TO_REVOKE
    print(shown.format(roles="、".join(done), channel=args.channel, user=user))
    return 0 if done else 1


def resolve_user(store: Any, channel: str, raw: str) -> tuple[str, str]:
    """(the user's id on `channel`, '') or ('', why not): Telegram ids are digits, WeChat openids o…,
    and a @username only when the bot has seen exactly one such user on that channel."""
    raw = raw.strip()
    if raw.startswith("@"):
        ids = store.users_with_username(channel, raw[1:])
        if len(ids) == 1:
            return ids[0], ""
        return "", (m.AMBIGUOUS_USERNAME.format(user=raw, ids="、".join(ids)) if ids
                    else m.UNKNOWN_USERNAME.format(user=raw))  # fmt: skip
    if channel == "telegram" and not (raw.isascii() and raw.isdecimal()):
        return "", m.BAD_TELEGRAM_ID.format(user=raw)
    if channel == "wechat" and not OPENID.match(raw):
        return "", m.BAD_WECHAT_ID.format(user=raw)
    return raw, ""


def _faq(store: Any, settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_knowledge
    from bot.faq.files import export_faq, parse_faq_file, summarize
    from bot.tables import ImportProblems

    kb = build_knowledge(settings, store)
    if args.action == "export":
        fmt = args.file.suffix.lower().lstrip(".").replace("yml", "yaml")
        if fmt not in ("xlsx", "csv", "yaml"):
            print(m.EXPORT_FORMATS.format(formats=".xlsx、.csv 或 .yaml"), file=sys.stderr)
            return 2
        args.file.write_bytes(export_faq(kb.entries, kb.categories, fmt))
        store.audit(ACTOR, "faq.export", fmt, None, len(kb.entries))
        print(m.EXPORTED.format(count=len(kb.entries), path=args.file))
        return 0
    if args.action == "test":
        return _test(kb, args.file)
    try:
        incoming = parse_faq_file(args.file.name, args.file.read_bytes(), kb.categories, kb.entries)
    except OSError as exc:
        print(m.CANNOT_READ.format(path=args.file, reason=exc.strerror), file=sys.stderr)
        return 2
    except ImportProblems as problems:
        print(m.IMPORT_REJECTED.format(path=args.file, count=problems.total), file=sys.stderr)
        for problem in problems.problems:
            print(f"  {problem.reason}", file=sys.stderr)
        return 1
    summary = summarize(kb.entries, incoming, delete_missing=args.delete_missing)
    print(summary.text())
    if not (summary.added or summary.changed or summary.deleted):
        return 0
    answer = m.confirm(m.CONFIRM_APPLY, args.yes)
    if not answer:
        print(m.NO_TERMINAL if answer is None else m.NOT_CHANGED, file=sys.stderr)
        return 2 if answer is None else 1
    store.apply_import(incoming, summary.deleted if args.delete_missing else [], ACTOR)
    print(m.APPLIED)
    return 0


def _test(kb: Any, path: Path) -> int:
    """Each question's outcome; accuracy over those with expected ids (the admins' regression check)."""
    from knowledge.evaluation import is_correct

    try:
        cases = _read_cases(path)
    except (OSError, ValueError) as exc:
        print(m.CANNOT_READ.format(path=path, reason=exc), file=sys.stderr)
        return 2
    scored = right = 0
    for case in cases:
        outcome = kb.ask(case["q"])
        answered = outcome.faq_id if outcome.kind == "answer" else None
        mark = ""
        if case.get("expect") is not None:
            ok = is_correct(case, answered)
            scored += 1
            right += ok
            mark = "✓" if ok else m.EXPECTED.format(expect=",".join(case["expect"]) or m.NO_ANSWER)
        print(f"{outcome.kind:9} {outcome.faq_id or '-':26} {outcome.score:.2f}  {case['q']}  {mark}")
    if scored:
        print(m.ACCURACY.format(right=right, scored=scored, share=right / scored))
    return 0 if right == scored else 1


def _read_cases(path: Path) -> list[dict[str, Any]]:
    """Questions with optional expected ids ('expect'; [] = must not be answered)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if suffix in (".csv", ".xlsx"):
        rows = _sheet_rows(path)
        header = [str(h or "").strip().lower() for h in rows[0]] if rows else []
        q = _column(header, ("question", "问题", "q"))
        e = _column(header, ("expected", "expect", "预期编号", "编号", "id"))
        if q is None:
            raise ValueError(m.SHEET_NEEDS_QUESTION)
        cases = []
        for row in rows[1:]:
            text = str(row[q] or "").strip() if q < len(row) else ""
            if not text:
                continue
            raw = str(row[e] or "").strip() if e is not None and e < len(row) else ""
            expect: list[str] | None = None  # blank: no expectation, just show the outcome
            if raw in ("-", "无", "none"):
                expect = []  # must not be answered
            elif raw:
                expect = [x.strip() for x in raw.replace("，", ",").split(",") if x.strip()]
            cases.append({"q": text, "expect": expect})
        return cases
    return [{"q": line, "expect": None} for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def _sheet_rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for i, h in enumerate(header) if h in names or h.split(" ")[0] in names), None)
