"""The one clock: every part of the bot that reads the calendar asks it, and nothing else.

Store stamps, the fair editor's "is this in the past", reminders, the weekly
digest, quiet hours, the daily notice cap, WeChat's 48-hour window and the
retention purge all take "now" from the `Clock` the store was opened with. A
test pins it to the moment it is about; a whole test run can move it by
CLOCK_OFFSET_DAYS to prove that nothing depends on today's date.

Only calendar time lives here. Pacing and timeouts measure durations with
`time.monotonic()`, which no offset or pin should ever touch.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def machine_now() -> datetime:
    """The machine's own time, for APScheduler's "run this job now" and nothing else."""
    return datetime.now(UTC)


class Clock:
    """The machine's time, moved by a fixed offset, or pinned to a chosen moment.

    A Clock is callable (`clock()` is `clock.now()`), so it goes wherever a
    `now` function is expected.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self._pinned: datetime | None = None

    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        if self._pinned is not None:
            return self._pinned
        return machine_now() + self.offset

    __call__ = now

    def pin(self, when: datetime) -> Clock:
        """Stop the clock at `when` (tests: "it is Thursday 14:00 in Dongguan")."""
        if when.tzinfo is None:
            raise ValueError("a naive datetime has no time zone: refusing to guess")
        self._pinned = when.astimezone(UTC)
        return self

    def advance(self, delta: timedelta) -> None:
        """Move a pinned clock on (or the offset of a running one)."""
        if self._pinned is not None:
            self._pinned += delta
        else:
            self.offset += delta

    def machine_time(self, when: datetime) -> datetime:
        """The machine's time at which this clock will read `when`.

        APScheduler counts on the machine's clock; jobs for a moment on this
        clock are scheduled at its machine time so that both agree."""
        return when - (self.now() - machine_now())

    def __repr__(self) -> str:
        state = f"pinned at {self._pinned.isoformat()}" if self._pinned else f"offset {self.offset}"
        return f"Clock({state})"
