"""Admins' FAQ desk: the review of unanswered questions, the synonym table, statistics.

Plain functions of the core (no chat library). Each one starts with
`actor.require(...)`, so whatever arrives (a typed command, a forged button),
a student is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from bot import texts
from bot.faq import texts as faq_texts
from bot.faq.review import QuestionGroup, ReviewIndex
from bot.faq.stats import compute_stats
from bot.ids import parse_id
from bot.people.permissions import Actor, Role
from bot.replies import Button, Reply
from bot.settings import Settings
from bot.store import Store, iso
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
    review: ReviewIndex = field(init=False)

    def __post_init__(self) -> None:
        self.review = ReviewIndex(self.store)

    # -- review -----------------------------------------------------------------

    def unanswered(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """Grouped questions the FAQ did not answer well, most frequent first, with one-tap actions."""
        actor.require(Role.ADMIN)
        try:
            since_day = date.fromisoformat(args[0]) if args else self._today() - timedelta(days=REVIEW_DAYS - 1)
        except ValueError:
            return [Reply(faq_texts.BAD_DATE.format(**texts.examples(self.store.clock.now(), self.settings.timezone)))]
        groups, total = self.review.groups(self._since(since_day), REVIEW_GROUPS_SHOWN)
        if not groups:
            return [Reply(faq_texts.REVIEW_EMPTY.format(since=since_day.isoformat()))]
        replies = [Reply(faq_texts.REVIEW_TITLE.format(since=since_day.isoformat(), groups=total))]
        day = since_day.strftime("%Y%m%d")  # buttons act on the same list the admin saw
        for group in groups:
            handle = f"{day}:{group.ids[0]}"
            others = (
                "" if len(group.phrasings) == 1 else faq_texts.REVIEW_ALSO.format(others="」「".join(group.phrasings[1:4]))
            )
            line = faq_texts.REVIEW_LINE.format(text=group.text, count=group.count, detail=_detail(group)) + others
            actions = (
                Button(faq_texts.BUTTON_ATTACH, f"rv:a:{handle}"),
                Button(faq_texts.BUTTON_NEW_ENTRY, f"rv:n:{handle}"),
                Button(faq_texts.BUTTON_DISMISS, f"rv:d:{handle}"),
            )
            replies.append(Reply(line, buttons=(actions,)))
        return replies

    def review_button(self, actor: Actor, action: str) -> list[Reply] | tuple[str, str]:
        """rv:<kind>:<since>:<question>[:<entry or category>]; for 'n' returns ('new', text) for the editor."""
        actor.require(Role.ADMIN)
        kind, since, question_id, target = (action.split(":") + ["", "", ""])[:4]
        group = self._group_of(since, question_id)
        if group is None:
            return [Reply(faq_texts.REVIEW_GONE)]
        handle = f"{since}:{question_id}"
        if kind == "a":  # the matcher's best guesses, and a way to any entry through its category
            kb = self.knowledge()
            guesses = [e for e in (kb.get(s.entry_id) for s in kb.ask(group.text).scored[:3]) if e]
            rows = [(Button(e.question, f"rv:t:{handle}:{e.id}"),) for e in guesses]
            rows += [
                (Button(faq_texts.BUTTON_BY_CATEGORY.format(title=c.title), f"rv:c:{handle}:{c.id}"),)
                for c in kb.categories
            ]
            return [Reply(faq_texts.ATTACH_CHOOSE.format(text=group.text), buttons=tuple(rows))]
        if kind == "c":
            entries = self.knowledge().in_category(target)
            rows = tuple((Button(e.question, f"rv:t:{handle}:{e.id}"),) for e in entries)
            return (
                [Reply(faq_texts.ATTACH_CHOOSE.format(text=group.text), buttons=rows)]
                if rows
                else [Reply(faq_texts.REVIEW_GONE)]
            )
        if kind == "t":
            return self._attach(actor, group, target)
        if kind == "d":
            self.store.mark_reviewed(group.ids, actor.key, "dismiss")
            return [Reply(faq_texts.DISMISSED.format(text=group.text, count=group.count))]
        if kind == "n":
            return ("new", group.text)
        return [Reply(faq_texts.REVIEW_GONE)]

    def _attach(self, actor: Actor, group: QuestionGroup, entry_id: str) -> list[Reply]:
        """Every distinct way the group was asked becomes a phrasing of the entry."""
        entry = self.knowledge().get(entry_id)
        if entry is None:
            return [Reply(faq_texts.REVIEW_GONE)]
        new = [p for p in group.phrasings if p not in entry.alternates and len(p) <= MAX_QUESTION_CHARS]
        if new:
            self.store.save_entry(replace(entry, alternates=(*entry.alternates, *new)), actor.key)
            self.reload()
        self.store.mark_reviewed(group.ids, actor.key, "attach")
        return [Reply(faq_texts.ATTACHED.format(text=group.text, question=entry.question, count=group.count))]

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
            return [Reply(faq_texts.SYNONYMS_TITLE + "\n" + "\n".join(lines) + "\n\n" + faq_texts.SYNONYM_USAGE)]
        if len(args) != 3 or args[0] not in ("add", "remove") or args[1] == args[2] or max(map(len, args[1:])) > 20:
            return [Reply(faq_texts.SYNONYM_USAGE)]
        action, canonical, variant = args
        if not self.store.set_synonym(canonical, variant, action == "add", actor.key):
            return [Reply(faq_texts.SYNONYM_UNCHANGED.format(canonical=canonical, variant=variant))]
        self.reload()
        done = faq_texts.SYNONYM_ADDED if action == "add" else faq_texts.SYNONYM_REMOVED
        return [Reply(done.format(canonical=canonical, variant=variant))]

    def cantonese(self, actor: Actor, args: tuple[str, ...]) -> list[Reply]:
        """/cantonese lists the table; /cantonese add 揾 找 (no meaning: a particle to drop), /cantonese remove 揾."""
        actor.require(Role.ADMIN)
        if not args:
            lines = [
                f"{word} → {mandarin or faq_texts.CANTONESE_DROPPED}" for word, mandarin in self.store.cantonese().items()
            ]
            return [Reply(faq_texts.CANTONESE_TITLE + "\n" + "、".join(lines) + "\n\n" + faq_texts.CANTONESE_USAGE)]
        action, word, meaning = args[0], args[1] if len(args) > 1 else "", args[2] if len(args) > 2 else ""
        shape = {"add": (2, 3), "remove": (2,)}.get(action, ())
        if len(args) not in shape or word == meaning or max(len(word), len(meaning)) > 20:
            return [Reply(faq_texts.CANTONESE_USAGE)]
        if not self.store.set_cantonese(word, meaning if action == "add" else None, actor.key):
            return [Reply(faq_texts.CANTONESE_UNCHANGED.format(word=word))]
        self.reload()
        done = faq_texts.CANTONESE_ADDED if action == "add" else faq_texts.CANTONESE_REMOVED
        return [Reply(done.format(word=word, mandarin=meaning or faq_texts.CANTONESE_DROPPED))]

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
    topics = "、".join(f"{titles.get(t, t)}×{n}" for t, n in figures.top_topics) or faq_texts.STATS_NO_TOPICS
    return faq_texts.STATS.format(
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
    parts = [f"{faq_texts.REVIEW_DETAIL.get(o, o)} {n}" for o, n in group.outcomes.items() if o != "answer"]
    if group.disliked:
        parts.append(faq_texts.REVIEW_DISLIKED.format(n=group.disliked))
    return "，".join(parts)
