"""Numbers read from what users send (button data, command arguments), bounded before use.

Button data comes back from the client and can be forged: `pick:<40 digits>` must be
a quiet "this button is stale", not an OverflowError from SQLite (whose integers are
64-bit) or a lookup of a row that cannot exist.
"""

from __future__ import annotations

#: SQLite's largest integer; no id, offset or count of ours comes near it.
MAX_ID = 2**63 - 1


def parse_id(raw: str | None) -> int | None:
    """`raw` as a non-negative integer when it is plain ASCII digits within SQLite's range, else None."""
    if not raw or len(raw) > 19 or not raw.isascii() or not raw.isdecimal():
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
