"""Finding the FAQ entry an admin means: by id, by its title, or by a search with the students' matcher.

`/edit 三支一扶` should not need the English id: an exact id or title is taken at once,
anything else is searched with the knowledge base's own matcher (the way students' questions
are matched) and the closest entries are offered as choices. Also: which other entry already
has a phrasing an admin is about to add.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import texts as t
from bot.faq import texts as faq_texts
from bot.replies import Button, Reply
from knowledge.entries import FaqEntry
from knowledge.kb import KnowledgeBase

CHOICES = 5
#: The commands whose argument may be a title or a search; their choice buttons are ed:pick:<command>:<id>.
COMMANDS = ("edit", "delete", "history")


def _norm(text: str) -> str:
    return "".join(text.split()).casefold().rstrip("?？")


def find(kb: KnowledgeBase, query: str) -> tuple[FaqEntry | None, list[FaqEntry]]:
    """(the entry meant, []) when the id or the title is exact; else (None, the closest entries)."""
    query = query.strip()
    exact = kb.get(query) or next((e for e in kb.entries if _norm(e.question) == _norm(query)), None)
    if exact is not None or not query:
        return exact, []
    named = [e for e in kb.entries if _norm(query) in _norm(e.question)]
    scored = [kb.get(s.entry_id) for s in kb.index.score(query)[: CHOICES * 2] if s.score > 0]
    choices = list(dict.fromkeys([*named, *(e for e in scored if e is not None)]))[:CHOICES]
    return None, choices


def choices_reply(command: str, query: str, entries: list[FaqEntry]) -> Reply:
    """Which entry? The closest ones as choices (numbered lines on WeChat)."""
    if not entries:
        return Reply(faq_texts.ENTRY_NOT_FOUND.format(query=query, command=f"/{command}"))
    rows = tuple((Button(f"{e.question[:40]}（{e.id}）", f"ed:pick:{command}:{e.id}"),) for e in entries)
    return Reply(faq_texts.ENTRY_CHOICES.format(query=query), buttons=(*rows, (Button(t.BUTTON_CANCEL, "ed:x"),)))


def taken_phrasings(kb: KnowledgeBase, entry_id: str, phrasings: Iterable[str]) -> dict[str, str]:
    """Phrasing → the other entry that already has it (as its title or one of its phrasings)."""
    owners: dict[str, str] = {}
    for entry in kb.entries:
        if entry.id != entry_id:
            for text in (entry.question, *entry.alternates):
                owners.setdefault(_norm(text), entry.id)
    return {p: owners[_norm(p)] for p in phrasings if _norm(p) in owners}
