"""Job fairs on the command line, beside the chat's upload:

    python -m bot fairs export FILE.xlsx|.csv
    python -m bot fairs import FILE [--yes]

The same file rules as `/importfairs` (bot/fairs/files.py): the whole file is checked, every
problem is printed with its row, nothing is applied on error; otherwise the summary is
shown and applied on confirmation (`--yes` for scripts; without a terminal it is required).
The same store methods, so moved fairs move their reminders and tell the students who
asked; audit entries name the actor 'cli'.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot import cli_texts as m
from bot.settings import Settings

ACTOR = "cli"


def add_parsers(sub: Any) -> None:
    fairs = sub.add_parser("fairs", help="导入、导出招聘会").add_subparsers(dest="action", required=True)
    export = fairs.add_parser("export", help="把现有的招聘会写入 .xlsx 或 .csv 文件")
    export.add_argument("file", type=Path)
    imp = fairs.add_parser("import", help="整份检查文件，显示变化，确认后导入")
    imp.add_argument("file", type=Path)
    imp.add_argument("--yes", action="store_true", help="不询问，直接导入")


def run(settings: Settings, store: Any, args: argparse.Namespace) -> int:
    from bot.fairs.apply import apply_fair_rows
    from bot.fairs.files import export_fairs, parse_fairs_file, summarize_fairs
    from bot.tables import ImportProblems

    fairs = store.all_fairs()
    if args.action == "export":
        fmt = args.file.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            print(m.EXPORT_FORMATS.format(formats=".xlsx 或 .csv"), file=sys.stderr)
            return 2
        active = [f for f in fairs if f.status == "active"]
        try:
            args.file.write_bytes(export_fairs(active, settings.timezone, fmt))
        except OSError as exc:
            print(m.CANNOT_READ.format(path=args.file, reason=exc.strerror), file=sys.stderr)
            return 2
        store.audit(ACTOR, "fair.export", fmt, None, len(active))
        print(m.FAIRS_EXPORTED.format(count=len(active), path=args.file))
        return 0
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(m.CANNOT_READ.format(path=args.file, reason=exc.strerror), file=sys.stderr)
        return 2
    active = {f.id: f.starts_at for f in fairs if f.status == "active"}
    try:
        rows = parse_fairs_file(args.file.name, content, settings.timezone, store.clock.now(), active)
    except ImportProblems as problems:
        print(m.IMPORT_REJECTED.format(path=args.file, count=problems.total), file=sys.stderr)
        for problem in problems.problems:
            print(f"  {problem.reason}", file=sys.stderr)
        return 1
    summary = summarize_fairs(fairs, rows)
    if not summary.has_changes:
        print(m.NOTHING_TO_IMPORT)
        return 0
    print(summary.text())
    answer = m.confirm(m.CONFIRM_APPLY, args.yes)
    if not answer:
        print(m.NO_TERMINAL if answer is None else m.NOT_CHANGED, file=sys.stderr)
        return 2 if answer is None else 1
    apply_fair_rows(store, settings, ACTOR, rows, summary)
    print(m.FAIRS_APPLIED)
    return 0
