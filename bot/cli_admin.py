"""Admin command line: roles, FAQ import/export/test, statistics.

    python -m bot admin grant ID admin|ambassador [--city 武汉 --campus 武汉大学] [--channel telegram]
    python -m bot admin revoke ID [admin|ambassador]
    python -m bot admin list
    python -m bot faq export FILE.xlsx|.csv|.yaml
    python -m bot faq import FILE [--yes] [--delete-missing]
    python -m bot faq test FILE          (.txt one question a line; .jsonl eval cases; .csv/.xlsx sheet)
    python -m bot stats

The same store methods as the chat, so the same validation, revisions and
audit entries (actor 'cli'); a running bot picks up FAQ changes on its next
question.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from bot import cli_texts as m
from bot.permissions import CITIES
from bot.settings import Settings

ACTOR = "cli"


def add_parsers(sub: Any) -> None:
    admin = sub.add_parser("admin", help="grant, revoke and list roles").add_subparsers(dest="action", required=True)
    grant = admin.add_parser("grant", help="give a user a role")
    grant.add_argument("user_id")
    grant.add_argument("role", choices=["admin", "ambassador"])
    grant.add_argument("--city", choices=CITIES)
    grant.add_argument("--campus", default="")
    grant.add_argument("--channel", default="telegram")
    revoke = admin.add_parser("revoke", help="take a role away")
    revoke.add_argument("user_id")
    revoke.add_argument("role", nargs="?", choices=["admin", "ambassador"])
    revoke.add_argument("--channel", default="telegram")
    admin.add_parser("list", help="everyone with a role")

    faq = sub.add_parser("faq", help="import, export and test the knowledge base").add_subparsers(
        dest="action", required=True
    )
    export = faq.add_parser("export", help="write the live FAQ to .xlsx, .csv or .yaml")
    export.add_argument("file", type=Path)
    imp = faq.add_parser("import", help="check a file whole, show the changes, apply on confirmation")
    imp.add_argument("file", type=Path)
    imp.add_argument("--yes", action="store_true", help="apply without asking")
    imp.add_argument("--delete-missing", action="store_true", help="also delete entries the file does not have")
    test = faq.add_parser("test", help="run questions through the FAQ; with expected ids, report accuracy")
    test.add_argument("file", type=Path)
    sub.add_parser("stats", help="questions per day, outcomes, top topics, users")


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import Store

    store = Store.open(settings.database_path, settings.clock())
    try:
        if args.command == "admin":
            return _admin(store, settings, args)
        if args.command == "fairs":
            from bot import cli_fairs

            return cli_fairs.run(settings, store, args)
        if args.command == "stats":
            from bot.admin import format_stats

            print(format_stats(store, settings, store.clock.now()))
            return 0
        return _faq(store, settings, args)
    finally:
        store.close()


def _admin(store: Any, settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "list":
        for g in store.role_grants():
            where = f" {g.city} {g.campus}".rstrip() if g.city else ""
            print(f"{g.channel}:{g.external_id}\t{g.role}{where}\t{g.name}\tgranted {g.granted_at} by {g.granted_by}")
        configured = ", ".join(map(str, sorted(settings.admin_ids))) or "none"
        print(f"(admins from ADMIN_IDS: {configured})")
        return 0
    if args.action == "grant":
        if args.role == "ambassador" and not args.city:
            print(f"an ambassador needs --city, one of {', '.join(CITIES)}", file=sys.stderr)
            return 2
        store.grant_role(args.channel, args.user_id, args.role, ACTOR, city=args.city or "", campus=args.campus)
        print(f"granted {args.role} to {args.channel}:{args.user_id}")
        return 0
    roles = [args.role] if args.role else ["admin", "ambassador"]
    done = [r for r in roles if store.revoke_role(args.channel, args.user_id, r, ACTOR)]
    print(f"revoked {', '.join(done)} from {args.channel}:{args.user_id}" if done else "nothing to revoke")
    return 0 if done else 1


def _faq(store: Any, settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_knowledge
    from bot.faq_io import export_faq, parse_faq_file, summarize
    from bot.tables import ImportProblems

    kb = build_knowledge(settings, store)
    if args.action == "export":
        fmt = args.file.suffix.lower().lstrip(".").replace("yml", "yaml")
        if fmt not in ("xlsx", "csv", "yaml"):
            print("export to a .xlsx, .csv or .yaml file", file=sys.stderr)
            return 2
        args.file.write_bytes(export_faq(kb.entries, kb.categories, fmt))
        store.audit(ACTOR, "faq.export", fmt, None, len(kb.entries))
        print(f"wrote {len(kb.entries)} entries to {args.file}")
        return 0
    if args.action == "test":
        return _test(kb, args.file)
    try:
        incoming = parse_faq_file(args.file.name, args.file.read_bytes(), kb.categories)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ImportProblems as problems:
        print(f"{args.file}: not imported, {len(problems.problems)} problem(s); nothing was changed:", file=sys.stderr)
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
    print("applied")
    return 0


def _test(kb: Any, path: Path) -> int:
    """Each question's outcome; accuracy over those with expected ids (the admins' regression check)."""
    from knowledge.evaluation import is_correct

    try:
        cases = _read_cases(path)
    except (OSError, ValueError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
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
            mark = "✓" if ok else f"✗ expected {','.join(case['expect']) or 'no answer'}"
        print(f"{outcome.kind:9} {outcome.faq_id or '-':26} {outcome.score:.2f}  {case['q']}  {mark}")
    if scored:
        print(f"\naccuracy: {right}/{scored} = {right / scored:.1%}")
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
            raise ValueError("the sheet needs a 'question' (问题) column")
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
