"""A job fair as an iCalendar file (RFC 5545), the "加入日历" button's attachment.

Pure: a `Fair` in, the bytes of a .ics file out. iOS, Android (Google Calendar) and
Outlook import it: the times carry the bot's zone as a TZID, with the VTIMEZONE
that defines it, so the event lands at the same instant on a phone in any zone. The
UID is the fair's, and SEQUENCE grows with every edit, so the file of an edited or
cancelled fair replaces the event a student imported before instead of adding one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from bot.fairs import texts as fair_texts
from bot.store.fairs import Fair
from bot.store.schema import parse_iso

PRODID = "-//guancai-bot//Job Fairs 1.0//ZH"
UID_DOMAIN = "guancai-bot"


def fair_calendar(fair: Fair, tz: ZoneInfo, alarms: Sequence[int] = (60,)) -> bytes:
    """The fair as a one-event calendar, shown in `tz`, with a reminder `alarms` minutes before (each).

    A cancelled fair is STATUS:CANCELLED, its title marked 已取消 (Google Calendar shows
    no status on import) and without alarms: nobody should be called to it.
    """
    if any(minutes < 0 for minutes in alarms):
        raise ValueError(f"alarms are minutes before the start, not after: {alarms!r}")
    start, end = fair.start.astimezone(tz), fair.end.astimezone(tz)
    cancelled = fair.status == "cancelled"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"fair-{fair.id}@{UID_DOMAIN}")
    event.add("dtstamp", _stamp(fair))
    event.add("sequence", _sequence(fair))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", (fair_texts.ICS_CANCELLED if cancelled else "") + fair.title)
    location = _location(fair)
    if location:
        event.add("location", location)
    description = _description(fair)
    if description:
        event.add("description", description)
    url = fair.register_url or fair.link
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    for minutes in [] if cancelled else sorted(set(alarms), reverse=True):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-minutes))
        alarm.add("description", fair_texts.ICS_ALARM.format(title=fair.title))
        event.add_component(alarm)
    calendar.add_component(event)
    # The zone's rules for the years the fair touches: enough for any client, and short.
    calendar.add_missing_timezones(first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1))
    return calendar.to_ical()


def ics_filename(fair: Fair) -> str:
    """An ASCII name every phone accepts, e.g. 'fair-12.ics'."""
    return f"fair-{fair.id}.ics"


def _stamp(fair: Fair) -> datetime:
    """When this version of the fair was written (so the same fair gives the same file); its start if unknown."""
    try:
        return parse_iso(fair.updated_at or fair.created_at)
    except ValueError:
        return fair.start


def _sequence(fair: Fair) -> int:
    """Seconds from creation to the last edit: 0 for a new fair, larger after each change (and a cancellation)."""
    try:
        return max(0, int((parse_iso(fair.updated_at) - parse_iso(fair.created_at)).total_seconds()))
    except ValueError:
        return 0


def _location(fair: Fair) -> str:
    """Where to go: the city and venue (what a map app searches for), or the online link."""
    if fair.kind == "onsite":
        if fair.city and fair.venue and fair.city not in fair.venue:
            return f"{fair.city} {fair.venue}"
        return fair.venue or fair.city
    return fair.link


def _description(fair: Fair) -> str:
    """Who runs it and for whom (worded as on the fair's card), what it is, and the links, which phones make tappable."""
    lines = (
        fair.organiser and fair_texts.FAIR_ORGANISER.format(organiser=fair.organiser),
        fair.audience and fair_texts.FAIR_AUDIENCE.format(audience=fair.audience),
        fair.description,
        fair.link and fair.kind != "onsite" and fair_texts.ICS_ONLINE_LINK.format(link=fair.link),
        fair.register_url and fair_texts.ICS_REGISTER.format(url=fair.register_url),
    )
    return "\n".join(line for line in lines if line)
