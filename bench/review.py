"""The admins' review list with a big question log: /unanswered, a review button, "new entry".

Usage: python bench/review.py [--sizes 1000,10000,100000] [--baseline-max 10000]

Fills a fresh database with N logged questions the FAQ did not answer (a few hundred real
needs asked again and again, with typos, punctuation and Traditional characters, and many
junk messages, as in issue 12: 12,000 junk questions took 10.5 s), then times on one core:

- before: the previous algorithm (kept below as `baseline_groups`: every question compared
  with every group so far by rapidfuzz extractOne), run per listing and per button press;
- after: `/unanswered` (ReviewIndex.groups: the aggregate query, fuzzy merging of the head,
  the 10 shown groups read), the same again (nothing changed: cached), a review button press
  (the group looked up and read, not regrouped), and the "new entry" path (ReviewIndex.like).

The baseline is quadratic; above --baseline-max it is estimated from the largest size run
(time × (N / n)², marked "est."). Prints seconds and the ratio before/after.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.review import SAME_QUESTION, QuestionGroup, ReviewIndex  # noqa: E402
from bot.store import LoggedQuestion, Store  # noqa: E402
from bot.store.questions import review_key  # noqa: E402
from knowledge.text import normalize  # noqa: E402

NEEDS = ["毕业后回莞住房有啥补贴政策", "东莞落户需要准备哪些材料", "见习补贴什么时候发放", "莞香花卡怎么申请",
         "人才公寓租金多少", "社保断缴影响落户吗", "博士后生活补贴怎么领", "三支一扶报名时间", "技能补贴能领几次",
         "实习单位可以自己找吗"]  # fmt: skip
HANZI = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天"


def baseline_groups(questions: Sequence[LoggedQuestion]) -> list[QuestionGroup]:
    """The previous bot/faq/review.py group_questions, unchanged: every question against every group so far."""
    groups: list[QuestionGroup] = []
    keys: list[str] = []
    for q in questions:
        key = normalize(q.text).replace(" ", "") or q.text
        hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION) if keys else None
        if hit:
            group = groups[hit[2]]
        else:
            group = QuestionGroup(q.text)
            groups.append(group)
            keys.append(key)
        group.ids.append(q.id)
        if q.text not in group.phrasings:
            group.phrasings.append(q.text)
        group.outcomes[q.outcome] = group.outcomes.get(q.outcome, 0) + 1
        group.disliked += (q.rating or 0) < 0
        group.last_asked = max(group.last_asked, q.created_at)
    groups.sort(key=lambda g: g.last_asked, reverse=True)
    groups.sort(key=lambda g: g.count, reverse=True)
    return groups


def fill(store: Store, n: int, rng: random.Random) -> None:
    """n questions to review: 30% real needs (varied), 70% junk, over the last few days."""
    now = store.clock.now()
    rows = []
    for i in range(n):
        if rng.random() < 0.3:
            text = rng.choice(NEEDS)
            variant = rng.random()
            if variant < 0.3:
                text += rng.choice("？?！。 呢吗")
            elif variant < 0.4:
                at = rng.randrange(len(text))
                text = text[:at] + text[at + 1 :]  # a dropped character
        else:
            text = "".join(rng.choice(HANZI) for _ in range(rng.randint(3, 25)))
        when = now.replace(microsecond=0) - timedelta(seconds=rng.randrange(5 * 86400))
        rows.append(("telegram", str(1000 + i % 5000), text, rng.choice(["none", "suggest"]), None, 0.1, "[]",
                     when.isoformat(), review_key(text)))  # fmt: skip (the key is made when a question is logged)
    with store.db.atomic():
        store.db.conn.executemany(
            "insert into question_log (channel, external_id, text, outcome, faq_id, score, suggestions, created_at,"
            " review_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline-max", type=int, default=10000, help="largest size the baseline really runs")
    args = parser.parse_args()
    since = "0000"
    measured: tuple[int, float] | None = None
    print(f"{'questions':>10} {'before':>13} {'after: list':>12} {'again':>8} {'button':>8} {'button*':>8}"
          f" {'new entry':>10} {'groups':>7} {'list: before/after':>19} {'button*: before/after':>22}")  # fmt: skip
    for n in map(int, args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(Path(tmp) / "bench.db")
            fill(store, n, random.Random(n))
            if n <= args.baseline_max:  # the old /unanswered and each old button press: the same full regroup
                before, _ = timed(lambda s=store: baseline_groups(s.questions_to_review(since)))
                measured, label = (n, before), ""
            else:
                before, label = measured[1] * (n / measured[0]) ** 2, " est."
            index = ReviewIndex(store)
            listed, (groups, total) = timed(index.groups, since, 10)
            again, _ = timed(index.groups, since, 10)
            button, _ = timed(index.group_of, since, groups[0].ids[0])
            store.log_question("telegram", "1", "刚刚又有人问了一个问题", "none", None, 0.1)
            changed, _ = timed(index.group_of, since, groups[0].ids[0])  # the log changed: the group read again
            new_entry, _ = timed(index.like, groups[0].text)
            store.close()
        print(f"{n:>10} {before:>8.3f} s{label:<4} {listed:>10.3f} s {again:>6.3f} s {button:>6.3f} s"
              f" {changed:>6.3f} s {new_entry:>8.3f} s {total:>7} {before / listed:>18.0f}x"
              f" {before / changed:>21.0f}x")  # fmt: skip
    print("button*: a press after a new question was logged (its group's questions read again, no regrouping);"
          " before, every press regrouped everything")


if __name__ == "__main__":
    main()
