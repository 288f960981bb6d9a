"""Backups of the one SQLite file: taken while the bot runs, checked, pruned, restored.

A backup is SQLite's online backup (`sqlite3.Connection.backup`), not a file
copy: it reads a consistent snapshot page by page while the bot keeps writing
(WAL mode lets both go on), so a copy taken in the middle of a broadcast or an
admin's edit is a database as it was at one instant. Every copy is checked with
`PRAGMA integrity_check` before it gets its final name, so a file named
`bot-YYYYMMDD-HHMMSS.db` in the backup folder is always a good one.

Restoring refuses while the bot runs (it holds `<database>.lock`, see
`RunLock`), checks the file first, keeps the current database beside it as
`<database>.before-restore-…`, and only then puts the backup in place.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.store.schema import MIGRATIONS

#: Files this module writes and prunes; nothing else in the folder is touched.
NAME = re.compile(r"^bot-(\d{8})-(\d{6})\.db$")
KEEP_DAILY, KEEP_WEEKLY = 7, 4


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why (in Chinese, for the operator)."""


@dataclass(frozen=True)
class Checked:
    path: Path
    schema_version: int
    size: int


def take_backup(database: Path, folder: Path, now: datetime) -> Checked:
    """Copy `database` into `folder` as bot-<UTC time>.db, consistently, while it is in use; return the checked copy."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"bot-{now.astimezone(UTC):%Y%m%d-%H%M%S}.db"
    partial = final.with_suffix(".db.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=1024)  # in steps: the bot's writers get their turn between them
        finally:
            target.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc}") from exc
    finally:
        source.close()
    try:
        checked = check_backup(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, final)
    return Checked(final, checked.schema_version, checked.size)


def check_backup(path: Path) -> Checked:
    """The file is a whole SQLite database of this bot, at a schema this code can read, or BackupError."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("pragma integrity_check").fetchall()
            version = db.execute("select max(version) from schema_migrations").fetchone()[0] or 0
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} 不是可用的机器人数据库：{exc}") from exc
    if result != [("ok",)]:
        raise BackupError(f"{path} 未通过完整性检查：{'; '.join(str(r[0]) for r in result[:3])}")
    if version > len(MIGRATIONS):
        raise BackupError(f"{path} 来自更新的版本（数据库结构 {version}，本程序只到 {len(MIGRATIONS)}），请先升级程序")
    return Checked(path, version, path.stat().st_size)


def backups(folder: Path) -> list[tuple[datetime, Path]]:
    """This module's backups in `folder`, oldest first, with the UTC time each was taken."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match:
            found.append((datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC), path))
    return sorted(found)


def prune(folder: Path, tz: object, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> list[Path]:
    """Keep the newest backup of each of the last `daily` days and of the last `weekly` weeks; delete the rest.

    Days and weeks are local (the bot's time zone), counted over days that have a backup,
    so a bot that was down for a fortnight still keeps its last good copies."""
    taken = backups(folder)
    keep: set[Path] = set()
    for key, count in ((lambda t: t.date(), daily), (lambda t: t.isocalendar()[:2], weekly)):
        newest: dict[object, Path] = {}
        for when, path in taken:  # oldest first: the last one written for a period is its newest
            newest[key(when.astimezone(tz))] = path  # type: ignore[arg-type]
        keep.update(path for _, path in sorted(newest.items(), key=lambda kv: kv[1].name)[-count:])
    removed = [path for _, path in taken if path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def restore(backup: Path, database: Path, now: datetime) -> Path:
    """Put `backup` in place of `database`; return where the replaced database was kept.

    Refused while the bot runs (RunLock). The backup is checked first; it is copied (SQLite's
    backup API) to a temporary file next to the database and renamed over it, and the old
    database's WAL files go with it, so a crash half-way leaves either the old or the new."""
    checked = check_backup(backup)
    with RunLock(database, purpose="恢复备份", shared=False):
        kept = database.with_name(f"{database.name}.before-restore-{now.astimezone(UTC):%Y%m%d-%H%M%S}")
        if database.exists():
            take_copy(database, kept)
        staging = database.with_name(database.name + ".restoring")
        take_copy(checked.path, staging)
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        os.replace(staging, database)
    return kept


def take_copy(source: Path, target: Path) -> None:
    """A consistent copy of one database file into another, through SQLite."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


class RunLock:
    """A lock on `<database>.lock`: shared while a bot or a console chat uses the database (several may),
    exclusive while a restore replaces it (alone).

    flock: released by the kernel when the process dies, so a crash never leaves it stale."""

    def __init__(self, database: Path, purpose: str = "运行机器人", shared: bool = True) -> None:
        self.path = Path(str(database) + ".lock")
        self.purpose, self.shared = purpose, shared
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if self.shared:  # only a restore holds it exclusively
                raise BackupError(f"正在恢复备份（{self.path} 已被锁定），请等恢复完成后再{self.purpose}") from None
            raise BackupError(f"机器人正在使用数据库（{self.path} 已被锁定），无法{self.purpose}；请先停止机器人") from None
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
