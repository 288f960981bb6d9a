"""Admin commands: roles, the review of unanswered questions, statistics.

Plain functions of the core (no chat library). Each one starts with
`actor.require(...)`, so whatever arrives (a typed command, a forged button),
a student is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from bot import texts
from bot.ids import parse_id
from bot.permissions import CITIES, Actor, Role
from bot.replies import Button, Reply, Request
from bot.review import QuestionGroup, ReviewIndex
from bot.settings import Settings
from bot.stats import compute_stats
from bot.store import Store, iso
from bot.web.links import LINK_VALID, issue_link
from knowledge.entries import MAX_QUESTION_CHARS
from knowledge.kb import KnowledgeBase

REVIEW_DAYS = 7
REVIEW_GROUPS_SHOWN = 10


@dataclass
class AdminDesk:
    settings: Settings
    store: Store
    knowledge: Callable[[], KnowledgeBase]  # the live knowledge base
    reload: Callable[[], None]  # re-index after an FAQ change
    #: Where the web console is served, once it is (its port may be chosen at start): /console links point there.
    web_url: str = ""
    review: ReviewIndex = field(init=False)

    def __post_init__(self) -> None:
        self.review = ReviewIndex(self.store)

    # -- roles ----------------------------------------------------------------

    def grant(self, actor: Actor, request: Request) -> list[Reply]:
        actor.require(Role.ADMIN)
        target, args = _target(request)
        if not target or not args or args[0] not in ("admin", "ambassador"):
            return [Reply(texts.GRANT_USAGE)]
        role, city, campus = args[0], "", ""
        if role == "ambassador":
            if len(args) < 2 or args[1] not in CITIES:
                return [Reply(texts.UNKNOWN_CITY.format(cities="、".join(CITIES)))]
            city, campus = args[1], " ".join(args[2:])
        self.store.grant_role(request.channel, target, role, actor.key, city=city, campus=campus)
        where = f"（{city}{' ' + campus if campus else ''}）" if city else ""
        return [
            Reply(
                texts.GRANTED.format(who=self._who(request.channel, target), role=texts.ROLE_NAMES[role], where=where)
            )
        ]

    def revoke(self, actor: Actor, request: Request) -> list[Reply]:
        actor.require(Role.ADMIN)
        target, args = _target(request)
        if not target or (args and args[0] not in ("admin", "ambassador")):
            return [Reply(texts.REVOKE_USAGE)]
        who = self._who(request.channel, target)
        roles = [args[0]] if args else ["admin", "ambassador"]
        if "admin" in roles and self.settings.is_configured_admin(request.channel, target):
            return [Reply(texts.CANNOT_REVOKE_CONFIGURED.format(who=who))]
        done = [r for r in roles if self.store.revoke_role(request.channel, target, r, actor.key)]
        if not done:
            return [Reply(texts.NOT_REVOKED.format(who=who, role="、".join(texts.ROLE_NAMES[r] for r in roles)))]
        return [Reply(texts.REVOKED.format(who=who, role="、".join(texts.ROLE_NAMES[r] for r in done)))]

    def roles(self, actor: Actor) -> list[Reply]:
        actor.require(Role.ADMIN)
        grants = self.store.role_grants()
        configured = texts.ROLES_CONFIGURED.format(ids="、".join(map(str, sorted(self.settings.admin_ids))) or "无")
        if not grants:
            return [Reply(texts.ROLES_EMPTY + "\n" + configured)]
        lines = [
            texts.ROLES_LINE.format(
                name=g.name or "未见过",
                who=f"{g.channel}:{g.external_id}",
                role=texts.ROLE_NAMES.get(g.role, g.role),
                where=f"·{g.city}{' ' + g.campus if g.campus else ''}" if g.city else "",
                when=self._local_date(g.granted_at),
                by=g.granted_by,
            )
            for g in grants
        ]
        return [Reply("\n".join([*lines, configured]))]

    def _who(self, channel: str, user_id: str) -> str:
        name = self.store.user_name(channel, user_id)
        return f"{name}（{user_id}）" if name else user_id

    def _local_date(self, iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(self.settings.timezone).date().isoformat()

    def console_link(self, actor: Actor) -> list[Reply]:
        """/console: a single-use link that logs this admin into the web console."""
        actor.require(Role.ADMIN)
        if not self.settings.web_enabled:
            return [Reply(texts.WEB_CONSOLE_OFF)]
        url = issue_link(self.settings, self.store, actor.channel, actor.user_id, self.web_url)
        return [Reply(texts.WEB_CONSOLE_LINK.format(url=url, minutes=int(LINK_VALID.total_seconds() // 60)))]

    # -- review -----------------------------------------------------------------

    def unanswered(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """Grouped questions the FAQ did not answer well, most frequent first, with one-tap actions."""
        actor.require(Role.ADMIN)
        try:
            since_day = date.fromisoformat(args[0]) if args else self._today() - timedelta(days=REVIEW_DAYS - 1)
        except ValueError:
            return [Reply(texts.BAD_DATE.format(**texts.examples(self.store.clock.now(), self.settings.timezone)))]
        groups, total = self.review.groups(self._since(since_day), REVIEW_GROUPS_SHOWN)
        if not groups:
            return [Reply(texts.REVIEW_EMPTY.format(since=since_day.isoformat()))]
        replies = [Reply(texts.REVIEW_TITLE.format(since=since_day.isoformat(), groups=total))]
        day = since_day.strftime("%Y%m%d")  # buttons act on the same list the admin saw
        for group in groups:
            handle = f"{day}:{group.ids[0]}"
            others = (
                "" if len(group.phrasings) == 1 else texts.REVIEW_ALSO.format(others="」「".join(group.phrasings[1:4]))
            )
            line = texts.REVIEW_LINE.format(text=group.text, count=group.count, detail=_detail(group)) + others
            actions = (
                Button(texts.BUTTON_ATTACH, f"rv:a:{handle}"),
                Button(texts.BUTTON_NEW_ENTRY, f"rv:n:{handle}"),
                Button(texts.BUTTON_DISMISS, f"rv:d:{handle}"),
            )
            replies.append(Reply(line, buttons=(actions,)))
        return replies

    def review_button(self, actor: Actor, action: str) -> list[Reply] | tuple[str, str]:
        """rv:<kind>:<since>:<question>[:<entry or category>]; for 'n' returns ('new', text) for the editor."""
        actor.require(Role.ADMIN)
        kind, since, question_id, target = (action.split(":") + ["", "", ""])[:4]
        group = self._group_of(since, question_id)
        if group is None:
            return [Reply(texts.REVIEW_GONE)]
        handle = f"{since}:{question_id}"
        if kind == "a":  # the matcher's best guesses, and a way to any entry through its category
            kb = self.knowledge()
            guesses = [e for e in (kb.get(s.entry_id) for s in kb.ask(group.text).scored[:3]) if e]
            rows = [(Button(e.question, f"rv:t:{handle}:{e.id}"),) for e in guesses]
            rows += [
                (Button(texts.BUTTON_BY_CATEGORY.format(title=c.title), f"rv:c:{handle}:{c.id}"),)
                for c in kb.categories
            ]
            return [Reply(texts.ATTACH_CHOOSE.format(text=group.text), buttons=tuple(rows))]
        if kind == "c":
            entries = self.knowledge().in_category(target)
            rows = tuple((Button(e.question, f"rv:t:{handle}:{e.id}"),) for e in entries)
            return (
                [Reply(texts.ATTACH_CHOOSE.format(text=group.text), buttons=rows)]
                if rows
                else [Reply(texts.REVIEW_GONE)]
            )
        if kind == "t":
            return self._attach(actor, group, target)
        if kind == "d":
            self.store.mark_reviewed(group.ids, actor.key, "dismiss")
            return [Reply(texts.DISMISSED.format(text=group.text, count=group.count))]
        if kind == "n":
            return ("new", group.text)
        return [Reply(texts.REVIEW_GONE)]

    def _attach(self, actor: Actor, group: QuestionGroup, entry_id: str) -> list[Reply]:
        """Every distinct way the group was asked becomes a phrasing of the entry."""
        entry = self.knowledge().get(entry_id)
        if entry is None:
            return [Reply(texts.REVIEW_GONE)]
        new = [p for p in group.phrasings if p not in entry.alternates and len(p) <= MAX_QUESTION_CHARS]
        if new:
            self.store.save_entry(replace(entry, alternates=(*entry.alternates, *new)), actor.key)
            self.reload()
        self.store.mark_reviewed(group.ids, actor.key, "attach")
        return [Reply(texts.ATTACHED.format(text=group.text, question=entry.question, count=group.count))]

    def finish_new_entry_review(self, question_text: str, actor: Actor) -> None:
        """After an entry was created from a review group, take that question, however asked, off the list."""
        ids = self.review.like(question_text)
        if ids:
            self.store.mark_reviewed(ids, actor.key, "new-entry")

    def _since(self, since_day: date) -> str:
        return iso(datetime.combine(since_day, datetime.min.time(), self.settings.timezone).astimezone(UTC))

    def _group_of(self, since: str, question_id: str) -> QuestionGroup | None:
        """The group a listed question belongs to, regrouped over the same period the list showed."""
        try:
            since_day = datetime.strptime(since, "%Y%m%d").date()
        except ValueError:
            return None
        first_id = parse_id(question_id)
        return None if first_id is None else self.review.group_of(self._since(since_day), first_id)

    # -- synonyms -------------------------------------------------------------------

    def synonyms(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """/synonyms lists the table; /synonym add|remove 补贴 补助金 edits it (takes effect at once)."""
        actor.require(Role.ADMIN)
        if not args:
            table = self.store.synonyms()
            lines = [f"{canonical}：{'、'.join(variants)}" for canonical, variants in table.items()]
            return [Reply(texts.SYNONYMS_TITLE + "\n" + "\n".join(lines) + "\n\n" + texts.SYNONYM_USAGE)]
        if len(args) != 3 or args[0] not in ("add", "remove") or args[1] == args[2] or max(map(len, args[1:])) > 20:
            return [Reply(texts.SYNONYM_USAGE)]
        action, canonical, variant = args
        if not self.store.set_synonym(canonical, variant, action == "add", actor.key):
            return [Reply(texts.SYNONYM_UNCHANGED.format(canonical=canonical, variant=variant))]
        self.reload()
        done = texts.SYNONYM_ADDED if action == "add" else texts.SYNONYM_REMOVED
        return [Reply(done.format(canonical=canonical, variant=variant))]

    def cantonese(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """/cantonese lists the table; /cantonese add 揾 找 (no meaning: a particle to drop), /cantonese remove 揾."""
        actor.require(Role.ADMIN)
        if not args:
            lines = [
                f"{word} → {mandarin or texts.CANTONESE_DROPPED}" for word, mandarin in self.store.cantonese().items()
            ]
            return [Reply(texts.CANTONESE_TITLE + "\n" + "、".join(lines) + "\n\n" + texts.CANTONESE_USAGE)]
        action, word, meaning = args[0], args[1] if len(args) > 1 else "", args[2] if len(args) > 2 else ""
        shape = {"add": (2, 3), "remove": (2,)}.get(action, ())
        if len(args) not in shape or word == meaning or max(len(word), len(meaning)) > 20:
            return [Reply(texts.CANTONESE_USAGE)]
        if not self.store.set_cantonese(word, meaning if action == "add" else None, actor.key):
            return [Reply(texts.CANTONESE_UNCHANGED.format(word=word))]
        self.reload()
        done = texts.CANTONESE_ADDED if action == "add" else texts.CANTONESE_REMOVED
        return [Reply(done.format(word=word, mandarin=meaning or texts.CANTONESE_DROPPED))]

    # -- statistics ---------------------------------------------------------------

    def stats(self, actor: Actor) -> list[Reply]:
        actor.require(Role.ADMIN)
        return [Reply(format_stats(self.store, self.settings, self.store.clock.now()))]

    def _today(self) -> date:
        return self.store.clock.now().astimezone(self.settings.timezone).date()


def format_stats(store: Store, settings: Settings, now: datetime) -> str:
    """The /stats text; the CLI prints the same."""
    figures = compute_stats(store, settings.timezone, now)
    bar_unit = max((n for _, n in figures.per_day), default=0) / 20 or 1
    per_day = "\n".join(f"{day[5:]} {'▇' * round(n / bar_unit)} {n}" for day, n in figures.per_day)
    titles = {e.id: e.question for e in store.faq_entries()}  # topics by their title, as students see them
    topics = "、".join(f"{titles.get(t, t)}×{n}" for t, n in figures.top_topics) or texts.STATS_NO_TOPICS
    return texts.STATS.format(
        days=len(figures.per_day),
        per_day=per_day,
        total=figures.total,
        answered=figures.share("answer"),
        suggested=figures.share("suggest"),
        unanswered=figures.share("none"),
        topics=topics,
        users=figures.users,
        new_users=figures.new_users,
        active_users=figures.active_users,
    )


def _detail(group: QuestionGroup) -> str:
    parts = [f"{texts.REVIEW_DETAIL.get(o, o)} {n}" for o, n in group.outcomes.items() if o != "answer"]
    if group.disliked:
        parts.append(texts.REVIEW_DISLIKED.format(n=group.disliked))
    return "，".join(parts)


def _target(request: Request) -> tuple[str | None, tuple[str, ...]]:
    """Who a role command is about: the replied-to user, else a numeric first argument."""
    if request.target_user_id:
        return request.target_user_id, request.args
    if request.args and request.args[0].isascii() and request.args[0].isdecimal():
        return request.args[0], request.args[1:]
    return None, request.args
