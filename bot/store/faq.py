"""The FAQ's live copy: categories, entries, and a revision for every change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlite_utils

from bot.store.schema import NotFoundError
from knowledge.entries import Category, FaqEntry


@dataclass(frozen=True)
class Revision:
    """One change to one entry: who, when, and the entry before and after."""

    id: int
    faq_id: str
    action: str
    actor: str
    before: FaqEntry | None
    after: FaqEntry | None
    created_at: str


class FaqStore:
    db: sqlite_utils.Database
    audit: Callable[..., None]  # PeopleStore.audit: every FAQ change is also an audited admin action

    def faq_is_empty(self) -> bool:
        return self.db["faq_entries"].count == 0

    def seed_faq(self, categories: Iterable[Category], entries: Iterable[FaqEntry]) -> int:
        """Fill an empty FAQ from the bundled knowledge base; return how many entries were written.

        Does nothing when the FAQ already has entries: after the first start the
        database, not the YAML file, is the live copy that admins edit.
        """
        if not self.faq_is_empty():
            return 0
        now = self.stamp()
        with self.db.atomic():  # all or nothing: a half-seeded FAQ would never be re-seeded
            self.db["faq_categories"].upsert_all(
                ({"id": c.id, "title": c.title, "position": i} for i, c in enumerate(categories)), pk="id"
            )
            rows = [_entry_row(entry, i, now) for i, entry in enumerate(entries)]
            self.db["faq_entries"].insert_all(rows, pk="id")
            self._bump_faq_version()
        return len(rows)

    def add_bundled(self, entries: Iterable[FaqEntry], actor: str = "seed") -> list[str]:
        """Bring what a release added to the bundled FAQ into a database seeded before it; return the ids changed.

        An entry the database never had (no revision either: an admin did not delete it) is
        added, and an English answer fills an entry that has none while its Chinese answer is
        still the bundled one. Nothing an admin wrote is overwritten.
        """
        changed = []
        with self.db.atomic():
            for entry in entries:
                current = self._current(entry.id)
                if current is None:
                    seen = self.db.execute("select 1 from faq_revisions where faq_id = ?", [entry.id]).fetchone()
                    known = entry.category in {c.id for c in self.faq_categories()}
                    if seen or not known or not self._write_entry(entry, actor, "create"):
                        continue
                elif current.answer_en or not entry.answer_en or current.answer != entry.answer:
                    continue
                else:
                    self._write_entry(replace(current, answer_en=entry.answer_en), actor, "update")
                changed.append(entry.id)
            if changed:
                self._bump_faq_version()
        return changed

    def faq_categories(self) -> list[Category]:
        return [Category(r["id"], r["title"]) for r in self.db["faq_categories"].rows_where(order_by="position")]

    def faq_entries(self) -> list[FaqEntry]:
        return [_row_entry(r) for r in self.db["faq_entries"].rows_where(order_by="position, id")]

    def faq_entry(self, entry_id: str) -> FaqEntry:
        try:
            return _row_entry(self.db["faq_entries"].get(entry_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no FAQ entry {entry_id!r}") from None

    def faq_version(self) -> int:
        """A counter bumped by every FAQ change, so a running bot notices edits made elsewhere (CLI)."""
        row = self.db.execute("select value from meta where key = 'faq_version'").fetchone()
        return int(row[0]) if row else 0

    def _bump_faq_version(self) -> None:
        self.db.execute("update meta set value = cast(value as integer) + 1 where key = 'faq_version'")

    def _current(self, entry_id: str) -> FaqEntry | None:
        try:
            return self.faq_entry(entry_id)
        except NotFoundError:
            return None

    def _write_entry(self, entry: FaqEntry, actor: str, action: str | None = None) -> bool:
        """Create or update one entry with its revision (inside the caller's transaction); False if unchanged."""
        before = self._current(entry.id)
        if before == entry:
            return False
        position = self._position(entry.id)
        self.db["faq_entries"].upsert(_entry_row(entry, position, self.stamp()), pk="id")
        self._revision(entry.id, action or ("update" if before else "create"), actor, before, entry)
        return True

    def _position(self, entry_id: str) -> int:
        row = self.db.execute("select position from faq_entries where id = ?", [entry_id]).fetchone()
        if row:
            return row[0]
        return (self.db.execute("select max(position) from faq_entries").fetchone()[0] or 0) + 1

    def _revision(self, faq_id: str, action: str, actor: str, before: FaqEntry | None, after: FaqEntry | None) -> None:
        self.db["faq_revisions"].insert(
            {
                "faq_id": faq_id,
                "action": action,
                "actor": actor,
                "before": _dump(before),
                "after": _dump(after),
                "created_at": self.stamp(),
            }
        )
        self.audit(actor, f"faq.{action}", faq_id, _plain(before), _plain(after))

    def save_entry(self, entry: FaqEntry, actor: str) -> bool:
        """Create or update an entry, keeping a revision; True if anything changed."""
        with self.db.atomic():
            changed = self._write_entry(entry, actor)
            if changed:
                self._bump_faq_version()
        return changed

    def delete_entry(self, entry_id: str, actor: str) -> FaqEntry:
        """Delete an entry (its revisions stay, so it can be restored); NotFoundError if absent."""
        with self.db.atomic():
            before = self.faq_entry(entry_id)
            self.db["faq_entries"].delete(entry_id)
            self._revision(entry_id, "delete", actor, before, None)
            self._bump_faq_version()
        return before

    def apply_import(self, entries: Sequence[FaqEntry], delete_ids: Sequence[str], actor: str) -> int:
        """Write a validated import in one transaction, a revision per changed entry; return changes made."""
        changed = 0
        with self.db.atomic():
            for entry in entries:
                changed += self._write_entry(entry, actor, "import")
            for entry_id in delete_ids:
                before = self._current(entry_id)
                if before:
                    self.db["faq_entries"].delete(entry_id)
                    self._revision(entry_id, "delete", actor, before, None)
                    changed += 1
            if changed:
                self._bump_faq_version()
        return changed

    # -- synonyms (the matcher's vocabulary) ------------------------------------------

    def synonyms(self) -> dict[str, tuple[str, ...]]:
        """canonical word -> the words students use for it, as the matcher folds them."""
        groups: dict[str, list[str]] = {}
        for row in self.db["synonyms"].rows_where(order_by="canonical, rowid"):
            groups.setdefault(row["canonical"], []).append(row["variant"])
        return {k: tuple(v) for k, v in groups.items()}

    def seed_synonyms(self, synonyms: dict[str, tuple[str, ...]]) -> int:
        """Fill an empty synonym table from the bundled lexicon; afterwards the database is the live copy."""
        if self.db["synonyms"].count:
            return 0
        rows = [{"canonical": c, "variant": v} for c, variants in synonyms.items() for v in variants]
        with self.db.atomic():
            self.db["synonyms"].insert_all(rows, pk=("canonical", "variant"), ignore=True)
        return len(rows)

    def set_synonym(self, canonical: str, variant: str, present: bool, actor: str) -> bool:
        """Add or remove one synonym; audited, and bumps the FAQ version so running bots re-index."""
        with self.db.atomic():
            exists = bool(list(self.db["synonyms"].rows_where("canonical = ? and variant = ?", [canonical, variant])))
            if exists == present:
                return False
            if present:
                self.db["synonyms"].insert({"canonical": canonical, "variant": variant})
            else:
                self.db["synonyms"].delete((canonical, variant))
            self.audit(actor, "synonym.add" if present else "synonym.remove", canonical, None, variant)
            self._bump_faq_version()
        return True

    # -- written Cantonese (read as Mandarin before matching) -------------------------

    def cantonese(self) -> dict[str, str]:
        """written Cantonese word -> the Mandarin it means ('' drops it), as the matcher rewrites them."""
        return {row["word"]: row["mandarin"] for row in self.db["cantonese"].rows_where(order_by="rowid")}

    def seed_cantonese(self, table: Mapping[str, str]) -> int:
        """Fill an empty Cantonese table from the bundled lexicon; afterwards the database is the live copy."""
        if self.db["cantonese"].count:
            return 0
        with self.db.atomic():
            self.db["cantonese"].insert_all(
                ({"word": w, "mandarin": m} for w, m in table.items()), pk="word", ignore=True
            )
        return len(table)

    def set_cantonese(self, word: str, mandarin: str | None, actor: str) -> bool:
        """Add or change (`mandarin`, '' to drop the word) or remove (None) one word; audited, re-indexes like synonyms."""
        with self.db.atomic():
            rows = list(self.db["cantonese"].rows_where("word = ?", [word]))
            before = rows[0]["mandarin"] if rows else None
            if before == mandarin:
                return False
            if mandarin is None:
                self.db["cantonese"].delete(word)
            else:
                self.db["cantonese"].upsert({"word": word, "mandarin": mandarin}, pk="word")
            self.audit(actor, "cantonese.remove" if mandarin is None else "cantonese.set", word, before, mandarin)
            self._bump_faq_version()
        return True

    def entry_history(self, entry_id: str) -> list[Revision]:
        """Every revision of an entry, newest first."""
        rows = self.db["faq_revisions"].rows_where("faq_id = ?", [entry_id], order_by="id desc")
        return [_revision(r) for r in rows]

    def rollback_entry(self, entry_id: str, revision_id: int, actor: str, before: bool = False) -> FaqEntry | None:
        """Restore the entry as it was after `revision_id` (or, with `before`, as it was before it: the
        original when it is the first revision); None: that state is "no entry"."""
        rows = list(self.db["faq_revisions"].rows_where("id = ? and faq_id = ?", [revision_id, entry_id]))
        if not rows:
            raise NotFoundError(f"no revision {revision_id} of {entry_id!r}")
        revision = _revision(rows[0])
        target = revision.before if before else revision.after
        with self.db.atomic():
            before = self._current(entry_id)
            if target is None:
                if before:
                    self.db["faq_entries"].delete(entry_id)
                    self._revision(entry_id, "rollback", actor, before, None)
            elif target != before:
                self.db["faq_entries"].upsert(_entry_row(target, self._position(entry_id), self.stamp()), pk="id")
                self._revision(entry_id, "rollback", actor, before, target)
            self._bump_faq_version()
        return target


def _entry_row(entry: FaqEntry, position: int, now: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "category": entry.category,
        "question": entry.question,
        "answer": entry.answer,
        "answer_en": entry.answer_en,
        "source": entry.source,
        "alternates": json.dumps(list(entry.alternates), ensure_ascii=False),
        "position": position,
        "updated_at": now,
    }


def _row_entry(row: dict[str, Any]) -> FaqEntry:
    return FaqEntry(
        id=row["id"],
        category=row["category"],
        question=row["question"],
        answer=row["answer"],
        source=row["source"] or "",
        alternates=tuple(json.loads(row["alternates"] or "[]")),
        answer_en=row.get("answer_en") or "",
    )


def _plain(entry: FaqEntry | None) -> dict[str, Any] | None:
    return None if entry is None else entry.as_dict()


def _dump(entry: FaqEntry | None) -> str | None:
    return None if entry is None else json.dumps(_plain(entry), ensure_ascii=False)


def _load(raw: str | None) -> FaqEntry | None:
    if raw is None:
        return None
    return FaqEntry.from_dict(json.loads(raw))


def _revision(row: dict[str, Any]) -> Revision:
    return Revision(
        row["id"],
        row["faq_id"],
        row["action"],
        row["actor"],
        _load(row["before"]),
        _load(row["after"]),
        row["created_at"],
    )
