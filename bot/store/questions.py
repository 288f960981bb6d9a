"""The question log: what students asked, what the bot did, and how they rated it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from typing import Any

import sqlite_utils

from knowledge.text import normalize


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    channel: str
    external_id: str
    text: str
    outcome: str
    faq_id: str | None
    score: float
    created_at: str
    resolution: str | None = None
    picked_faq_id: str | None = None
    rating: int | None = None
    reviewed_at: str | None = None
    reviewed_by: str | None = None


_COLUMNS = [f.name for f in fields(LoggedQuestion)]


def review_key(text: str) -> str:
    """What two ways of asking share when they are one question but for punctuation, case and script."""
    return normalize(text).replace(" ", "") or text


class QuestionStore:
    db: sqlite_utils.Database
    audit: Callable[..., None]
    writing: Callable[[], AbstractContextManager[None]]

    def log_question(
        self,
        channel: str,
        external_id: str,
        text: str,
        outcome: str,
        faq_id: str | None,
        score: float,
        suggestions: Sequence[str] = (),
    ) -> int:
        """Keep what a student asked and what the bot did, for the admins' review."""
        # Plain SQL, committed with the message's other writes (see Store.batch).
        with self.writing():
            cursor = self.db.execute(
                """
                insert into question_log
                    (channel, external_id, text, outcome, faq_id, score, suggestions, created_at, review_key)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [channel, external_id, text, outcome, faq_id, score, json.dumps(list(suggestions)), self.stamp(),
                 review_key(text)],
            )
        return int(cursor.lastrowid)

    def _update_own_question(self, question_id: int, channel: str, external_id: str, **values: object) -> bool:
        """Update a logged question only if it is the caller's own (a forged id changes nothing)."""
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self.db.atomic():
            cursor = self.db.execute(
                f"update question_log set {assignments} where id = ? and channel = ? and external_id = ?",
                [*values.values(), question_id, channel, external_id],
            )
        return cursor.rowcount == 1

    def resolve_question(self, question_id: int, channel: str, external_id: str, picked_faq_id: str | None) -> bool:
        """Record the student's choice after "did you mean": an entry, or None for "none fits"."""
        resolution = "picked" if picked_faq_id else "rejected"
        return self._update_own_question(
            question_id, channel, external_id, resolution=resolution, picked_faq_id=picked_faq_id
        )

    def rate_question(self, question_id: int, channel: str, external_id: str, rating: int) -> bool:
        """Record 👍 (+1) or 👎 (-1) for an answer the student got."""
        return self._update_own_question(question_id, channel, external_id, rating=1 if rating > 0 else -1)

    def logged_questions(self, outcome: str | None = None, since: str | None = None) -> list[LoggedQuestion]:
        """Logged questions in order, optionally of one outcome and from a UTC ISO time on."""
        clauses, args = [], []
        if outcome:
            clauses.append("outcome = ?")
            args.append(outcome)
        if since:
            clauses.append("created_at >= ?")
            args.append(since)
        rows = self.db["question_log"].rows_where(" and ".join(clauses) or None, args or None, order_by="id")
        return [LoggedQuestion(**{c: r[c] for c in _COLUMNS}) for r in rows]

    def questions_to_review(self, since: str) -> list[LoggedQuestion]:
        """What the FAQ did not answer well since `since`: none, suggest, or an answer rated 👎."""
        rows = self.db["question_log"].rows_where(
            "created_at >= ? and reviewed_at is null and (outcome in ('none', 'suggest') or rating < 0)",
            [since],
            order_by="id",
        )
        return [LoggedQuestion(**{c: r[c] for c in _COLUMNS}) for r in rows]

    _TO_REVIEW = "created_at >= ? and reviewed_at is null and (outcome in ('none', 'suggest') or rating < 0)"

    def review_heads(self, since: str, limit: int) -> tuple[list[tuple[str, int, int, str, int]], int]:
        """The `limit` most asked review keys from `since` on, most recent first among equals, as
        (key, count, first id, last asked, answers rated 👎), and how many keys there are in all.
        One aggregate query over a covering index: no row of the table is read."""
        query = (f"select review_key, count(*) as n, min(id), max(created_at) as last, total(rating < 0), "
                 f"count(*) over () from question_log where {self._TO_REVIEW} "
                 f"group by review_key order by n desc, last desc limit ?")  # fmt: skip
        rows = self.db.execute(query, [since, limit]).fetchall()
        return [(k, n, i, last, int(d)) for k, n, i, last, d, _ in rows], rows[0][5] if rows else 0

    def review_rows(self, since: str, keys: Sequence[str]) -> list[tuple[int, str, str, int | None, str, str]]:
        """(id, text, outcome, rating, created_at, review_key) of the questions to review with these keys."""
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        query = (f"select id, text, outcome, rating, created_at, review_key from question_log "
                 f"where review_key in ({marks}) and {self._TO_REVIEW} order by id")  # fmt: skip
        return self.db.execute(query, [*keys, since]).fetchall()

    def review_keys_sized(self, since: str, shortest: int, longest: int) -> list[str]:
        """The distinct review keys to review from `since` on whose length is within [shortest, longest]."""
        query = (f"select distinct review_key from question_log "
                 f"where length(review_key) between ? and ? and {self._TO_REVIEW}")  # fmt: skip
        return [k for (k,) in self.db.execute(query, [shortest, longest, since]).fetchall()]

    def question_log_version(self) -> tuple[int, int]:
        """Changes whenever the question log does, at no cost: a counter bumped by temporary triggers for this
        connection's writes, and SQLite's data_version for other processes' (the CLI's purge)."""
        conn = self.db.conn
        if not getattr(self, "_question_log_triggers", False):
            conn.execute("create temp table if not exists question_log_version (v integer not null)")
            if conn.execute("select count(*) from temp.question_log_version").fetchone()[0] == 0:
                conn.execute("insert into temp.question_log_version values (0)")
            for op in ("insert", "update", "delete"):
                conn.execute(f"create temp trigger if not exists question_log_{op} after {op} on main.question_log "
                             f"begin update question_log_version set v = v + 1; end")  # fmt: skip
            self._question_log_triggers = True
        (version,) = conn.execute("select v from temp.question_log_version").fetchone()
        (data_version,) = conn.execute("pragma data_version").fetchone()
        return version, data_version

    def mark_reviewed(self, question_ids: Sequence[int], actor: str, action: str) -> int:
        """Take questions off the review list (attached as an alternate, or dismissed); audited."""
        if not question_ids:
            return 0
        marks = ", ".join("?" * len(question_ids))
        with self.db.atomic():
            cursor = self.db.execute(
                f"update question_log set reviewed_at = ?, reviewed_by = ? where id in ({marks})",
                [self.stamp(), actor, *question_ids],
            )
            self.audit(actor, f"review.{action}", ",".join(map(str, question_ids)))
        return cursor.rowcount

    def question(self, question_id: int) -> LoggedQuestion | None:
        rows = list(self.db["question_log"].rows_where("id = ?", [question_id]))
        return LoggedQuestion(**{c: rows[0][c] for c in _COLUMNS}) if rows else None

    def question_tallies(self, day_starts: Sequence[str]) -> dict[str, Any]:
        """Counts for the usage figures, in SQL over one covering index (100,000 questions: no row is loaded).

        `day_starts`: UTC ISO times of the local midnights of the days counted, oldest first, then the end
        of the last day. Returns per_day (counts), outcomes, topics (entry id → count: answered, or picked
        under "did you mean", most asked first), rated, disliked and askers (distinct users)."""
        per_day, outcomes = [], {}
        for start, end in zip(day_starts, day_starts[1:], strict=False):
            rows = self.db.execute(
                "select outcome, count(*) from question_log indexed by idx_question_log_figures "
                "where created_at >= ? and created_at < ? group by outcome",
                [start, end],
            ).fetchall()
            per_day.append(sum(n for _, n in rows))
            for outcome, n in rows:
                outcomes[outcome] = outcomes.get(outcome, 0) + n
        period = [day_starts[0], day_starts[-1]]
        topics = self.db.execute(
            "select coalesce(nullif(picked_faq_id, ''), faq_id) as topic, count(*) as n, min(created_at) as first "
            "from question_log indexed by idx_question_log_figures where created_at >= ? and created_at < ? "
            "and (outcome = 'answer' or coalesce(picked_faq_id, '') != '') group by topic order by n desc, first",
            period,
        ).fetchall()
        rated, disliked = self.db.execute(
            "select coalesce(sum(coalesce(rating, 0) != 0), 0), coalesce(sum(coalesce(rating, 0) < 0), 0) "
            "from question_log indexed by idx_question_log_figures where created_at >= ? and created_at < ?",
            period,
        ).fetchone()
        askers = self.db.execute(
            "select count(*) from (select distinct channel, external_id from question_log "
            "indexed by idx_question_log_figures where created_at >= ? and created_at < ?)",
            period,
        ).fetchone()[0]
        return {"per_day": per_day, "outcomes": outcomes, "topics": {t: n for t, n, _ in topics}, "rated": rated,
                "disliked": disliked, "askers": askers}  # fmt: skip
