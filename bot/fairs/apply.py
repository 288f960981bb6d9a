"""Apply a checked fair file to the live fairs: one transaction, the chat's import and the CLI's alike.

The rows come from `bot.fairs.files.parse_fairs_file` (the whole file already checked) and the
summary from `summarize_fairs` on the fairs as they are now. New fairs are added, changed
ones updated through the store, which moves their pending reminders (`due`) and writes the
change notices to the students who asked in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.fairs.desk import reminder_due
from bot.fairs.files import FairImportSummary, FairRow
from bot.settings import Settings
from bot.store import Fair, Store, iso


def apply_fair_rows(store: Store, settings: Settings, actor: str, rows: Sequence[FairRow],
                    summary: FairImportSummary) -> None:  # fmt: skip
    """Add the new fairs and update the changed ones, all or nothing."""
    current = {f.id: f for f in store.all_fairs() if f.status == "active"}

    def due(fair: Fair, lead: int) -> str:
        return iso(reminder_due(fair.start, lead, settings))

    now = iso(store.clock.now())
    with store.db.atomic():
        for row in rows:
            if row.id is None:
                store.add_fair(actor, row.values)
            elif row.id in summary.changed:
                changes = {k: v for k, v in row.values.items() if current[row.id].editable()[k] != v}
                store.update_fair(actor, row.id, changes, due=due, now=now)
