"""Job fairs for students: the coming list, reminders they ask for, calendar files, and
how reminders, digests and changes read when they arrive. Plain core functions.

Buttons (all well under 64 bytes):

    fl:<page>:<city>:<kind>   the list, one page, filtered (the message changes in place);
                              a long city rides as '#' and a digest (`city_token`)
    fd:<fair>                 one fair's card
    fr:<fair>                 remind me (the default lead times)
    frl:<fair>:<minutes>      toggle one lead time
    fx:<fair>                 stop reminders of a fair
    fc:<fair>                 the fair as a calendar (.ics) file
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot import texts
from bot.fairs import texts as fair_texts
from bot.fairs.ics import fair_calendar, ics_filename
from bot.ids import parse_id
from bot.people.permissions import Actor, Role
from bot.quiet_hours import quiet_adjusted
from bot.replies import Button, Reply
from bot.settings import Settings
from bot.store import Announcement, Fair, NotFoundError, Store, iso
from bot.store.fairs import ASKED

#: Fair kinds as stored (key) and shown (value).
KINDS = fair_texts.FAIR_KINDS
#: Lead times a student can pick, in minutes.
LEAD_CHOICES = (1440, 180, 60, 15)
#: Until an admin changes them: a day and an hour before.
DEFAULT_LEADS = (1440, 60)
PAGE_SIZE = 5
#: A city longer than this (UTF-8 bytes) rides in a button as a digest: Telegram allows 64 bytes in all.
CITY_BYTES = 30
#: The weekly digest goes out on Monday (weekday 0) at 09:00, local time; it covers the week until the next.
DIGEST_WEEKDAY, DIGEST_AT = 0, time(9, 0)


def lead_label(minutes: int) -> str:
    """1440 → '1 天', 180 → '3 小时', 15 → '15 分钟'."""
    unit = next(unit for unit in sorted(fair_texts.FAIR_LEAD_UNITS, reverse=True) if minutes % unit == 0)
    return fair_texts.FAIR_LEAD_UNITS[unit].format(n=minutes // unit)


def lead_labels(leads: Sequence[int] | set[int]) -> str:
    """Longest first: '1 天、1 小时'."""
    return "、".join(lead_label(m) for m in sorted(leads, reverse=True))


def city_token(city: str) -> str:
    """A city as it rides in a button: itself when short, else '#' and a digest, so no button passes 64 bytes."""
    if len(city.encode()) <= CITY_BYTES and ":" not in city and not city.startswith("#"):
        return city
    return "#" + hashlib.sha256(city.encode()).hexdigest()[:12]


def digest_window(at: datetime, tz: object) -> tuple[datetime, datetime]:
    """The fairs a digest sent at `at` lists: those starting from then until the next digest's time.

    Counted in local wall time (the next Monday 09:00 there), so a digest caught up late on
    Monday or moved by the quiet hours does not reach into the next week's."""
    local = at.astimezone(tz)  # type: ignore[arg-type]
    monday = local.date() - timedelta(days=(local.weekday() - DIGEST_WEEKDAY) % 7)
    this_week = datetime.combine(monday, DIGEST_AT, tz)  # type: ignore[arg-type]
    following = datetime.combine(monday + timedelta(days=7), DIGEST_AT, tz)  # type: ignore[arg-type]
    return at, (following if at >= this_week else this_week).astimezone(UTC)


def reminder_due(start: datetime, lead: int, settings: Settings) -> datetime:
    """When a reminder `lead` minutes before `start` goes out.

    A reminder due in the quiet hours waits for the morning if it then still comes an
    hour or more before the fair (a 24 h reminder of an 07:00 fair comes at 08:00 the day
    before, not at 07:00); otherwise it keeps its time: it was asked for.
    """
    due = start - timedelta(minutes=lead)
    morning = quiet_adjusted(due, settings.quiet_hours, settings.timezone)
    return morning if morning != due and morning <= start - timedelta(hours=1) else due


def fair_when(fair: Fair, tz: object) -> str:
    """'12月1日（周二）09:30—11:30', the end with its date when it is another day."""
    start, end = fair.start.astimezone(tz), fair.end.astimezone(tz)  # type: ignore[arg-type]
    day = fair_texts.FAIR_DAY.format(month=start.month, day=start.day, weekday=fair_texts.WEEKDAYS[start.weekday()])
    until = (end.strftime("%H:%M") if end.date() == start.date()
             else fair_texts.FAIR_OTHER_DAY_END.format(month=end.month, day=end.day, time=f"{end:%H:%M}"))  # fmt: skip
    return f"{day}{start:%H:%M}—{until}"


def fair_where(fair: Fair) -> str:
    if fair.kind == "onsite":
        return "·".join(part for part in (fair.city, fair.venue) if part)
    kind = KINDS.get(fair.kind, fair.kind)
    return fair_texts.FAIR_ONLINE_WHERE.format(kind=kind, city=fair.city) if fair.city else kind


def fair_card(fair: Fair, tz: object) -> str:
    """Everything a student needs to decide whether to go, in a few lines."""
    lines = [
        fair_texts.FAIR_CARD_HEAD.format(kind=KINDS.get(fair.kind, fair.kind), title=fair.title),
        f"🕒 {fair_when(fair, tz)}",
        f"📍 {fair_where(fair)}",
    ]
    if fair.organiser:
        lines.append(fair_texts.FAIR_ORGANISER.format(organiser=fair.organiser))
    if fair.audience:
        lines.append(fair_texts.FAIR_AUDIENCE.format(audience=fair.audience))
    if fair.description:
        lines.append(fair.description)
    return "\n".join(lines)


def fair_links(fair: Fair) -> list[tuple[Button, ...]]:
    rows = []
    if fair.register_url:
        rows.append((Button(fair_texts.BUTTON_FAIR_REGISTER, url=fair.register_url),))
    if fair.link and fair.kind != "onsite":
        rows.append((Button(fair_texts.BUTTON_FAIR_WATCH, url=fair.link),))
    return rows


@dataclass
class FairDesk:
    settings: Settings
    store: Store
    on_changed: Callable[[list[str]], None] = lambda due_times: None  # reminders set at these times: scheduled

    def now(self) -> datetime:
        return self.store.clock.now()

    @property
    def tz(self) -> object:
        return self.settings.timezone

    # -- the list ------------------------------------------------------------------------

    def list(self, page: int = 0, city: str = "", kind: str = "", replace: bool = False, admin: bool = False) -> Reply:
        """Coming fairs, soonest first, PAGE_SIZE at a time, with filters by city and kind (admins: ⚙️ too)."""
        now = iso(self.now())
        if city.startswith("#"):  # a long city, by its digest; one with no coming fairs is no filter any more
            city = next((c for c in self.store.fair_cities(now) if city_token(c) == city), "")
        fairs, total = self.store.coming_fairs(now, city, kind, PAGE_SIZE, page * PAGE_SIZE)
        if not fairs and page > 0:  # the list shrank under an old button: show its last page
            page = max(0, (total - 1) // PAGE_SIZE)
            fairs, total = self.store.coming_fairs(now, city, kind, PAGE_SIZE, page * PAGE_SIZE)
        rows: list[tuple[Button, ...]] = []
        if fairs:
            blocks = [f"{n}. " + fair_card(f, self.tz) for n, f in enumerate(fairs, page * PAGE_SIZE + 1)]
            pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
            text = fair_texts.FAIRS_TITLE.format(total=total, page=page + 1, pages=pages) + "\n\n" + "\n\n".join(blocks)
            for n, f in enumerate(fairs, page * PAGE_SIZE + 1):
                rows.append((Button(fair_texts.BUTTON_FAIR_REMIND.format(n=n), f"fr:{f.id}"),
                             Button(fair_texts.BUTTON_FAIR_CALENDAR.format(n=n), f"fc:{f.id}"),
                             *([Button(fair_texts.BUTTON_FAIR_MANAGE.format(n=n), f"fd:{f.id}")] if admin else [])))  # fmt: skip
                if f.register_url:  # students sign up from the list, not only from the reminder
                    rows.append((Button(fair_texts.BUTTON_FAIR_REGISTER_N.format(n=n), url=f.register_url),))
        else:
            text = fair_texts.FAIRS_NONE_FILTERED if (city or kind) else fair_texts.FAIRS_NONE
        paging = []
        here = city_token(city)
        if page > 0:
            paging.append(Button(fair_texts.BUTTON_PREVIOUS, f"fl:{page - 1}:{here}:{kind}"))
        if (page + 1) * PAGE_SIZE < total:
            paging.append(Button(fair_texts.BUTTON_NEXT, f"fl:{page + 1}:{here}:{kind}"))
        if paging:
            rows.append(tuple(paging))
        cities = self.store.fair_cities(now)
        if len(cities) > 1 or city:
            options = ["", *cities[:5]] if city in ("", *cities[:5]) else ["", city, *cities[:4]]
            rows.append(tuple(self._choice(c or fair_texts.FILTER_ALL_CITIES, c == city, f"fl:0:{city_token(c)}:{kind}")
                              for c in options))  # fmt: skip
        if total or city or kind:  # no fairs at all: nothing to filter
            rows.append(tuple(self._choice(KINDS.get(k, fair_texts.FILTER_ALL_KINDS), k == kind, f"fl:0:{here}:{k}")
                              for k in ["", *KINDS]))  # fmt: skip
        return Reply(text, buttons=tuple(rows), replace=replace)

    @staticmethod
    def _choice(label: str, chosen: bool, action: str) -> Button:
        return Button(("✅ " if chosen else "") + label, action)

    def card(self, fair_id: int, admin: bool = False) -> Reply:
        fair = self._fair(fair_id)
        if fair is None:
            return Reply(fair_texts.FAIR_GONE)
        rows = [*fair_links(fair), (Button(fair_texts.BUTTON_FAIR_REMIND.format(n=""), f"fr:{fair.id}"),
                                    Button(fair_texts.BUTTON_FAIR_CALENDAR.format(n=""), f"fc:{fair.id}"))]  # fmt: skip
        if admin:  # handled by bot/fairs/editor.py
            rows.append((Button(fair_texts.BUTTON_FAIR_EDIT, f"fe:e:{fair.id}"),
                         Button(fair_texts.BUTTON_FAIR_CANCEL, f"fe:c:{fair.id}")))  # fmt: skip
        return Reply(fair_card(fair, self.tz), buttons=tuple(rows))

    # -- reminders ---------------------------------------------------------------------------

    def default_leads(self) -> tuple[int, ...]:
        return self.store.fair_lead_defaults() or DEFAULT_LEADS

    def remind(self, actor: Actor, fair_id: int, leads: Sequence[int] | None = None, replace: bool = False) -> Reply:
        """Set the student's reminders of a fair (the defaults, or `leads`); show what is set, with toggles."""
        fair = self._fair(fair_id)
        if fair is None:
            return Reply(fair_texts.FAIR_GONE)
        now = self.now()
        if fair.start <= now:
            return Reply(fair_texts.FAIR_STARTED.format(title=fair.title))
        if leads is None and self._pending(actor, fair.id):  # 提醒我 again: keep what the student picked
            return self._reminder_menu(actor, fair, replace)
        wanted = self.default_leads() if leads is None else leads
        due = {lead: reminder_due(fair.start, lead, self.settings) for lead in wanted}
        ahead = {lead: iso(at) for lead, at in due.items() if at > now}
        if leads is None and not ahead:  # the default leads have passed: the nearest one still ahead
            nearest = [m for m in LEAD_CHOICES if reminder_due(fair.start, m, self.settings) > now][-1:]
            if not nearest:
                return Reply(fair_texts.FAIR_ABOUT_TO_START.format(title=fair.title))
            ahead = {m: iso(reminder_due(fair.start, m, self.settings)) for m in nearest}
        self.store.set_reminders(fair.id, actor.channel, actor.user_id, ahead)
        self.on_changed(sorted(set(ahead.values())))
        return self._reminder_menu(actor, fair, replace)

    def toggle(self, actor: Actor, fair_id: int, lead: int) -> Reply:
        if lead not in LEAD_CHOICES:
            return Reply(fair_texts.FAIR_STALE_BUTTON)
        return self.remind(actor, fair_id, sorted(self._pending(actor, fair_id) ^ {lead}, reverse=True), replace=True)

    def _pending(self, actor: Actor, fair_id: int) -> set[int]:
        """The lead times of the student's reminders of a fair still to go out."""
        reminders = self.store.reminders_for(actor.channel, actor.user_id, fair_id)
        return {r.lead_minutes for r in reminders if r.status == "pending"}

    def _reminder_menu(self, actor: Actor, fair: Fair, replace: bool) -> Reply:
        pending = self._pending(actor, fair.id)
        if pending:
            leads = lead_labels(pending)
            text = fair_texts.FAIR_REMINDERS_SET.format(title=fair.title, when=fair_when(fair, self.tz), leads=leads)
        else:
            text = fair_texts.FAIR_REMINDERS_NONE.format(title=fair.title, when=fair_when(fair, self.tz))
        now = self.now()
        toggles = tuple(
            self._choice(fair_texts.FAIR_LEAD.format(lead=lead_label(m)), m in pending, f"frl:{fair.id}:{m}")
            for m in LEAD_CHOICES
            if fair.start - timedelta(minutes=m) > now or m in pending
        )
        rows = [toggles[:2], toggles[2:]] if toggles else []
        if pending:
            rows.append((Button(fair_texts.BUTTON_FAIR_UNREMIND, f"fx:{fair.id}"),))
        return Reply(text, buttons=tuple(r for r in rows if r), replace=replace)

    def unremind(self, actor: Actor, fair_id: int) -> Reply:
        fair = self._fair(fair_id, active_only=False)
        if fair is None:
            return Reply(fair_texts.FAIR_GONE)
        self.store.cancel_reminders(fair_id, actor.channel, actor.user_id)
        return Reply(fair_texts.FAIR_UNREMINDED.format(title=fair.title),
                     buttons=((Button(fair_texts.BUTTON_FAIR_REMIND.format(n=""), f"fr:{fair.id}"),),))  # fmt: skip

    def mine(self, actor: Actor) -> Reply:
        """/myfairs: the fairs the student asked about, each with a way to stop its reminders."""
        fairs = self.store.my_fairs(actor.channel, actor.user_id, iso(self.now()))
        if not fairs:
            return Reply(fair_texts.MYFAIRS_NONE, buttons=((Button(texts.BUTTON_FAIRS, "fl:0::"),),))
        blocks, rows = [], []
        for n, fair in enumerate(fairs, 1):
            leads = self._reminders_state(actor, fair)
            blocks.append(f"{n}. {fair_card(fair, self.tz)}\n⏰ {leads}")
            rows.append((Button(fair_texts.BUTTON_FAIR_UNREMIND_N.format(n=n), f"fx:{fair.id}"),
                         Button(fair_texts.BUTTON_FAIR_CALENDAR.format(n=n), f"fc:{fair.id}")))  # fmt: skip
        return Reply(fair_texts.MYFAIRS_TITLE + "\n\n" + "\n\n".join(blocks), buttons=tuple(rows))

    def _reminders_state(self, actor: Actor, fair: Fair) -> str:
        """What /myfairs says of a fair's reminders: those still to come, else sent or dropped (never sent)."""
        statuses = {r.status for r in self.store.reminders_for(actor.channel, actor.user_id, fair.id, ASKED)}
        pending = self._pending(actor, fair.id)
        if pending:
            return lead_labels(pending)
        return fair_texts.FAIR_REMINDERS_SENT if "queued" in statuses else fair_texts.FAIR_REMINDERS_DROPPED

    def calendar(self, actor: Actor, fair_id: int) -> Reply:
        """The .ics file; its alarms are the lead times the student picked for this fair, else the defaults."""
        fair = self._fair(fair_id, active_only=False)
        if fair is None:
            return Reply(fair_texts.FAIR_GONE)
        picked = {r.lead_minutes for r in self.store.reminders_for(actor.channel, actor.user_id, fair.id)}
        now = self.now()  # an alarm whose time has passed would ring at once on import: left out
        alarms = sorted(m for m in picked or self.default_leads() if fair.start - timedelta(minutes=m) > now)
        document = (ics_filename(fair), fair_calendar(fair, self.settings.timezone, alarms))
        return Reply(fair_texts.FAIR_CALENDAR.format(title=fair.title), document=document)

    def button(self, actor: Actor, action: str) -> list[Reply]:
        kind, _, rest = action.partition(":")
        parts, admin = rest.split(":"), actor.role is Role.ADMIN
        fair_id = parse_id(parts[0])  # an offset for "fl"
        if fair_id is None:  # forged or mangled: never a number SQLite cannot hold
            return [Reply(fair_texts.FAIR_STALE_BUTTON)]
        if kind == "fl" and len(parts) == 3 and (parts[2] in KINDS or not parts[2]):
            page = min(fair_id, 10_000)  # past the end shows the last page; page * PAGE_SIZE stays 64-bit
            return [self.list(page, parts[1], parts[2], replace=True, admin=admin)]
        lead = parse_id(parts[1]) if len(parts) == 2 else None
        if kind == "frl" and lead is not None:
            return [self.toggle(actor, fair_id, lead)]
        simple = {"fd": lambda: self.card(fair_id, admin), "fr": lambda: self.remind(actor, fair_id),
                  "fx": lambda: self.unremind(actor, fair_id), "fc": lambda: self.calendar(actor, fair_id)}  # fmt: skip
        if kind in simple and len(parts) == 1:
            return [simple[kind]()]
        return [Reply(fair_texts.FAIR_STALE_BUTTON)]

    def _fair(self, fair_id: int, active_only: bool = True) -> Fair | None:
        try:
            fair = self.store.fair(fair_id)
        except NotFoundError:
            return None
        return fair if fair.status == "active" or not active_only else None

    # -- what arrives by itself: reminders, digests, changes ------------------------------------

    def render(self, announcement: Announcement) -> Reply:
        """A system notice (reminder, weekly digest, fair changed or cancelled) as students get it."""
        if announcement.kind == "digest":
            return self.render_digest(announcement)
        fair = self.store.fair(int(announcement.fair_id))
        if announcement.kind == "reminder":
            lead = self._time_left(fair, int(announcement.topic or 0))
            text = fair_texts.FAIR_REMINDER.format(lead=lead) + "\n" + fair_card(fair, self.tz)
            if fair.register_url:  # in the text too: a WeChat template message carries no buttons
                text += "\n" + fair_texts.FAIR_REGISTER_LINE.format(url=fair.register_url)
            rows = [*fair_links(fair), (Button(fair_texts.BUTTON_FAIR_CALENDAR.format(n=""), f"fc:{fair.id}"),
                                        Button(fair_texts.BUTTON_FAIR_UNREMIND, f"fx:{fair.id}"))]  # fmt: skip
            return Reply(text, buttons=tuple(rows))
        if fair.status == "cancelled":
            return Reply(fair_texts.FAIR_CANCELLED.format(title=fair.title, when=fair_when(fair, self.tz)),
                         buttons=((Button(texts.BUTTON_FAIRS, "fl:0::"),),))  # fmt: skip
        text = fair_texts.FAIR_CHANGED + "\n" + fair_card(fair, self.tz)
        return Reply(text, buttons=(*fair_links(fair), (Button(fair_texts.BUTTON_FAIR_UNREMIND, f"fx:{fair.id}"),)))

    def _time_left(self, fair: Fair, lead: int) -> str:
        """The reminder's lead time, or the real time left when it goes out late (the bot was down)."""
        left = round((fair.start - self.now()).total_seconds() / 60)
        if abs(left - lead) <= 5 or left <= 0:
            return lead_label(lead)
        step = 1440 if left >= 1440 else 60 if left >= 60 else 1
        return lead_label(max(1, round(left / step)) * step)

    def digest_fairs(self, announcement: Announcement) -> list[Fair]:
        start, end = digest_window(datetime.fromisoformat(announcement.send_at), self.tz)
        return self.store.fairs_starting(iso(start), iso(end))

    def render_digest(self, announcement: Announcement) -> Reply:
        fairs = self.digest_fairs(announcement)
        lines = [f"{n}. {f.title}\n   🕒 {fair_when(f, self.tz)}  📍 {fair_where(f)}" for n, f in enumerate(fairs, 1)]
        text = fair_texts.FAIR_DIGEST.format(count=len(fairs)) + "\n\n" + "\n".join(lines)
        rows = [(Button(texts.BUTTON_FAIRS, "fl:0::"),),
                (Button(texts.BUTTON_STOP_TOPIC.format(topic=fair_texts.FAIRS_TOPIC), "unsub:topic:fairs"),)]  # fmt: skip
        return Reply(text, buttons=tuple(rows))
