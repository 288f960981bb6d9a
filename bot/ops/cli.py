"""`python -m bot backup [DIR]` and `python -m bot restore FILE`: the operator's copies of the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.ops.backup import BackupError, prune, restore, take_backup
from bot.settings import Settings

COMMANDS = ("backup", "restore")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="copy the database while the bot runs (checked; default BACKUP_DIR)")
    backup.add_argument("folder", nargs="?", type=Path, help="where to put the copy (default: BACKUP_DIR)")
    restore = sub.add_parser("restore", help="put a backup in place of the database (the bot must be stopped)")
    restore.add_argument("file", type=Path, help="a backup file made by 'backup'")


def run(settings: Settings, args: argparse.Namespace) -> int:
    now = settings.clock().now()
    try:
        if args.command == "backup":
            if not settings.database_path.is_file():
                raise BackupError(f"没有数据库可备份：{settings.database_path}（DATABASE_PATH）")
            folder = args.folder or settings.backup_dir
            checked = take_backup(settings.database_path, folder, now)
            if args.folder is None:  # the scheduled folder keeps its retention; a folder named by hand is left alone
                prune(folder, settings.timezone)
            print(f"备份完成：{checked.path}（{checked.size} 字节，数据库结构第 {checked.schema_version} 版，完整性检查通过）")
            return 0
        kept = restore(args.file, settings.database_path, now)
        print(f"已恢复 {args.file} → {settings.database_path}；原来的数据库保存在 {kept}")
        return 0
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
