"""FAQ accuracy per question kind: our matcher against a naive rapidfuzz baseline.

Usage: python bench/faq_accuracy.py [EVAL.jsonl ...] [--misses] [--cutoff N]

Default eval sets: ../shared/eval/faq_dev.jsonl and tests/data/faq_holdout.jsonl
(tuned against); tests/data/faq_blind.jsonl is the untouched check, run it by name.
Counted as correct (knowledge/evaluation.py): in scope, answered with an
expected entry; out of scope, not answered (none, small talk or suggest are
fine). "top-1" also counts a first suggestion, for information.

The baseline is what a first FAQ bot does: rapidfuzz `process.extractOne` with
`WRatio` over every question and alternate, answering above one cutoff.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import Settings  # noqa: E402
from knowledge.entries import FaqEntry, load_faq, load_lexicon  # noqa: E402
from knowledge.evaluation import GROUPS, KIND_NAMES, evaluate, load_cases  # noqa: E402
from knowledge.kb import KnowledgeBase, Outcome  # noqa: E402

DEFAULT_SETS = [ROOT.parent / "shared" / "eval" / "faq_dev.jsonl", ROOT / "tests" / "data" / "faq_holdout.jsonl"]


class Baseline:
    """rapidfuzz WRatio over every phrasing, one cutoff: the bot we improve on."""

    def __init__(self, entries: list[FaqEntry], cutoff: float) -> None:
        self.cutoff = cutoff
        self.choices = [text for e in entries for text in e.phrasings]
        self.owners = [e.id for e in entries for _ in e.phrasings]

    def answer(self, question: str) -> tuple[str | None, None]:
        hit = process.extractOne(
            question, self.choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=self.cutoff
        )
        return (self.owners[hit[2]] if hit else None), None


def ours(kb: KnowledgeBase):
    def answer(question: str) -> tuple[str | None, Outcome]:
        outcome = kb.ask(question)
        return (outcome.faq_id if outcome.kind == "answer" else None), outcome

    return answer


def top1(kb: KnowledgeBase):
    """Counts a first suggestion as well as an answer (in-scope questions only)."""

    def answer(question: str) -> tuple[str | None, None]:
        outcome = kb.ask(question)
        return (outcome.faq_id if outcome.kind in ("answer", "suggest") else None), None

    return answer


def pct(value: float | None) -> str:
    return "    -" if value is None else f"{value:6.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[p for p in DEFAULT_SETS if p.exists()])
    parser.add_argument("--cutoff", type=float, default=80.0, help="baseline WRatio cutoff, 0-100 (default 80)")
    parser.add_argument("--misses", action="store_true", help="list every question our matcher gets wrong")
    args = parser.parse_args()

    settings = Settings.from_env({})
    categories, entries = load_faq()
    started = time.perf_counter()
    kb = KnowledgeBase(categories, entries, load_lexicon(), settings.answer_threshold, settings.suggest_threshold)
    build_seconds = time.perf_counter() - started
    cases = load_cases(args.sets)

    mine = evaluate(ours(kb), cases)
    first = evaluate(top1(kb), [c for c in cases if c["expect"]])
    base = evaluate(Baseline(entries, args.cutoff).answer, cases)

    print(f"FAQ accuracy: {len(cases)} questions from {', '.join(p.name for p in args.sets)}; {len(entries)} entries")
    print(
        f"ours: answer when P(right) >= {kb.decision.answer_p:.3f} (knowledge/decision.yaml) and score >= "
        f"{kb.answer_threshold}, suggest >= {kb.suggest_threshold} (index built in {build_seconds:.2f} s)"
    )
    print(f"baseline: rapidfuzz extractOne WRatio, cutoff {args.cutoff:g}\n")
    print(f"{'kind':<28}{'n':>5}{'ours':>9}{'top-1':>9}{'baseline':>10}")
    for kind, name in KIND_NAMES.items():
        if mine.count(kind):
            print(
                f"{kind + ' ' + name:<28}{mine.count(kind):>5}{pct(mine.rate(kind)):>9}{pct(first.rate(kind)):>9}{pct(base.rate(kind)):>10}"
            )
    print()
    for label, (kinds, target) in GROUPS.items():
        n, our_rate, base_rate = mine.count(kinds), mine.rate(kinds), base.rate(kinds)
        if n and our_rate is not None and base_rate is not None:
            ratio = f"{our_rate / base_rate:.2f}x baseline" if base_rate else "baseline 0"
            verdict = "meets" if our_rate >= target else "BELOW"
            print(
                f"{label + f' (target {target:.0%})':<42} ours {our_rate:6.1%}  baseline {base_rate:6.1%}  {ratio}  {verdict}  n={n}"
            )
    in_scope = "".join(k for k in KIND_NAMES if k not in "OH")
    print(
        f"{'all in scope (answered / right entry first)':<42} ours {pct(mine.rate(in_scope))}  top-1 {pct(first.rate(in_scope))}"
        f"  baseline {pct(base.rate(in_scope))}  n={mine.count(in_scope)}"
    )
    share = len(mine.wrong) / mine.questions if mine.questions else 0.0
    print(
        f"{'confidently wrong (answered, not expected)':<42} ours {len(mine.wrong)} = {share:.1%} of all"
        f"  baseline {len(base.wrong)} = {len(base.wrong) / max(base.questions, 1):.1%}"
    )
    if args.misses:
        print("\nmisses:")
        for case, outcome in mine.misses:
            top = ", ".join(f"{s.entry_id}:{s.score:.2f}" for s in outcome.scored[:3])
            print(
                f"  [{case['set']}:{case['line']}:{case['kind']}] {case['q']!r} expect={case['expect']} got={outcome.kind}:{outcome.faq_id} {top}"
            )
        print("\nconfidently wrong:")
        for case, answered in mine.wrong:
            print(
                f"  [{case['set']}:{case['line']}:{case['kind']}] {case['q']!r} expect={case['expect']} answered={answered}"
            )


if __name__ == "__main__":
    main()
