"""What an admin types about a fair, checked one field at a time: times, links, texts, lead times.

Pure functions: text in, the value the store keeps out (times as UTC ISO strings),
or `Refused` with the Chinese sentence saying what to send instead. The limits are
the fair import's (bot/fairs/files.py), so a fair typed in the chat and one uploaded in
a file follow the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts as t
from bot.fairs import texts as fair_texts
from bot.fairs.desk import KINDS
from bot.fairs.files import DEFAULT_MAX_CHARS, MAX_CHARS, _is_web_link, wall_time_exists
from bot.store import iso

#: Fields an admin may leave empty ("跳过").
OPTIONAL = ("organiser", "audience", "description", "register_url")
# 2026-12-01 09:30, 2026年12月1日 9:30, 12-01 09:30, 12月1日 9:30, or (an end) 11:30 (after NFKC: "：" is ":").
_WHEN = re.compile(
    r"^(?:(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?[\sT]*)?(\d{1,2})\s*[:点]\s*(\d{2})分?$"
)
_LEAD = re.compile(r"^(\d{1,4})(d|天|h|小时|时|m|min|分钟|分)?$")
_UNITS = {"d": 1440, "天": 1440, "h": 60, "小时": 60, "时": 60}


class Refused(ValueError):
    """A typed value that cannot be used; the message says why, in Chinese."""


def parse_local(text: str, tz: ZoneInfo, after: datetime, day: date | None = None) -> datetime | None:
    """A typed local time, or None if unreadable or skipped by summer time; a bare "11:30" is on `day`.

    A date without a year is in `after`'s year, or the next one when its month is already past."""
    match = _WHEN.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    year, month, dom, hour, minute = match.groups()
    if month is None:
        if day is None:
            return None
        year, month, dom = str(day.year), str(day.month), str(day.day)
    elif year is None:
        local = after.astimezone(tz)
        year = str(local.year + (int(month) < local.month))
    try:
        when = datetime(int(year), int(month), int(dom), int(hour), int(minute), tzinfo=tz)
    except ValueError:
        return None
    # A wall time the zone skips (summer time) names no instant: refused, as the import refuses it.
    return when if wall_time_exists(when) else None


def parse_field(
    field: str, text: str, tz: ZoneInfo, now: datetime, start: datetime | None, length: timedelta | None = None
) -> str:
    """The value to store for `field` typed as `text`; raise Refused when it cannot be used.

    `start` is the fair's start (an end must come after it); `length`, when editing, is
    the fair's length, which a skipped end keeps."""
    skipped = text in t.SKIP_WORDS
    if skipped and field in OPTIONAL:
        return ""
    if field == "kind":
        kind = {label: key for key, label in KINDS.items()}.get(text, text)
        if kind not in KINDS:
            raise Refused(fair_texts.FAIR_BAD_KIND)
        return kind
    if field == "starts_at":
        when = parse_local(text, tz, now)
        if when is None:
            raise Refused(fair_texts.FAIR_BAD_TIME.format(**t.examples(now, tz)))
        if when <= now:
            raise Refused(fair_texts.FAIR_PAST_TIME)
        return iso(when)
    if field == "ends_at":
        if start is None:  # never asked before the start; refuse rather than guess
            raise Refused(fair_texts.FAIR_BAD_TIME.format(**t.examples(now, tz)))
        local = start.astimezone(tz)
        if skipped and length is not None:
            return iso(start + length)
        when = parse_local(text, tz, local, local.date())
        if when is None:
            raise Refused(fair_texts.FAIR_BAD_END.format(**t.examples(now, tz)))
        if when <= start:
            raise Refused(end_before_start(start, tz))
        return iso(when)
    if field in ("link", "register_url"):
        if not _is_web_link(text) or len(text) > DEFAULT_MAX_CHARS:
            raise Refused(fair_texts.FAIR_BAD_URL)
        return text
    limit, name = MAX_CHARS.get(field, DEFAULT_MAX_CHARS), fair_texts.FAIR_FIELD_LABELS[field]
    if not text:
        raise Refused(t.FIELD_EMPTY.format(field=name))
    if len(text) > limit:
        raise Refused(t.FIELD_TOO_LONG.format(field=name, limit=limit))
    return text


def end_before_start(start: datetime, tz: ZoneInfo) -> str:
    return fair_texts.FAIR_END_BEFORE_START.format(start=f"{start.astimezone(tz):%m-%d %H:%M}")


def lead_minutes(text: str) -> int | None:
    """'1d' → 1440, '3h'/'3小时' → 180, '15m'/'15' → 15; None if unreadable."""
    match = _LEAD.match(unicodedata.normalize("NFKC", text).strip().lower())
    return int(match[1]) * _UNITS.get(match[2] or "m", 1) if match else None


def lead_code(minutes: int) -> str:
    """How /fairleads writes a lead time: 1440 → '1d', 180 → '3h', 15 → '15m'."""
    return f"{minutes // 1440}d" if minutes % 1440 == 0 else f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"
