"""The slow, pure half of an import, run before the core sees the file: in a worker thread.

Unzipping a workbook, parsing its XML, decoding a CSV, loading YAML: none of it needs the
database, and a large file takes seconds. A channel calls `preread` through
`asyncio.to_thread` and puts the result in `Request.prepared`; bot.faq.files and
bot.fairs.files then use it instead of reading the bytes again (they still read them
themselves when nothing was prepared: the console, the CLI, tests). Validation that needs
the store (existing ids, categories) stays with the core on the event loop's thread,
which owns the SQLite connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.fairs.files import MAX_FAIRS
from bot.faq.files import MAX_ENTRIES, load_yaml
from bot.tables import ImportProblems, Problem, check_upload, read_table
from bot.xlsx import Cell

#: Rows read ahead: as many as the largest importer takes (each cuts to its own limit).
READ_LIMIT = max(MAX_ENTRIES, MAX_FAIRS)
TABLES = (".xlsx", ".csv")
YAML = (".yaml", ".yml")


@dataclass(frozen=True)
class Preread:
    """What reading `data` gave: a table's rows (and CSV problems), a YAML document, or the refusal."""

    data: bytes
    table: list[tuple[int, list[Cell]]] | None = None
    problems: tuple[Problem, ...] = ()
    document: Any = None
    failure: ImportProblems | None = field(default=None, compare=False)

    def rows(self, data: bytes, limit: int, problems: list[Problem]) -> list[tuple[int, list[Cell]]] | None:
        """The table for `data` cut to `limit` as read_table gives it; None when this is not its reading."""
        if data is not self.data or (self.table is None and self.failure is None):
            return None
        if self.failure is not None:
            raise self.failure
        problems.extend(self.problems)
        return self.table[: limit + 2]  # type: ignore[index]


def preread(filename: str, data: bytes) -> Preread | None:
    """Read an upload ahead (pure: safe in a thread); None when the core will refuse it anyway."""
    try:
        suffix = check_upload(filename, data, (*TABLES, *YAML), "")
    except ImportProblems:
        return None  # the wrong type or size: the importer says so, in its own words
    try:
        if suffix in TABLES:
            problems: list[Problem] = []
            table = read_table(suffix, data, READ_LIMIT, problems)
            return Preread(data, table=table, problems=tuple(problems))
        return Preread(data, document=load_yaml(data))
    except ImportProblems as exc:
        return Preread(data, failure=exc)
