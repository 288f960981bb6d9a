"""FAQ accuracy per question kind: our matcher against a naive rapidfuzz baseline.

Usage: python bench/faq_accuracy.py [EVAL.jsonl ...] [--misses] [--cutoff N]

Each eval line is {"q": ..., "expect": [ids], "kind": K}; `expect: []` means the
bot must not answer from the FAQ. Kinds: P plain, C colloquial, F Traditional,
K keywords, L long, T typos, E English, O out of scope, H near-miss out of scope.

Counted as correct:
- in scope: outcome "answer" with an expected id ("top-1" also counts a
  first suggestion, shown for information);
- out of scope: anything but "answer" (none, smalltalk or suggest).

The baseline is what a first FAQ bot does: rapidfuzz `process.extractOne` with
`WRatio` over every question and alternate, answering above one cutoff.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import Settings  # noqa: E402
from knowledge.entries import load_faq, load_lexicon  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402

DEFAULT_SETS = [ROOT.parent / "shared" / "eval" / "faq_dev.jsonl", ROOT / "tests" / "data" / "faq_holdout.jsonl"]
KIND_NAMES = {
    "P": "plain",
    "C": "colloquial",
    "F": "traditional",
    "K": "keywords",
    "L": "long",
    "T": "typos",
    "E": "English",
    "O": "out of scope",
    "H": "near-miss out of scope",
}
GROUPS = {
    "in-scope Chinese (target >= 95%)": "PCFKLT",
    "out of scope not answered (target >= 95%)": "OH",
    "English (target >= 80%)": "E",
}


def load_cases(paths: list[Path]) -> list[dict]:
    cases = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                case["set"] = path.stem
                cases.append(case)
    return cases


def baseline_answerer(entries, cutoff: float):
    choices, owners = [], []
    for entry in entries:
        for text in entry.phrasings:
            choices.append(text)
            owners.append(entry.id)

    def ask(question: str) -> str | None:
        hit = process.extractOne(question, choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff)
        return owners[hit[2]] if hit else None

    return ask


def correct(case: dict, answered_id: str | None) -> bool:
    return answered_id in case["expect"] if case["expect"] else answered_id is None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[p for p in DEFAULT_SETS if p.exists()])
    parser.add_argument("--cutoff", type=float, default=80.0, help="baseline WRatio cutoff (0-100)")
    parser.add_argument("--misses", action="store_true", help="list every question our matcher gets wrong")
    args = parser.parse_args()

    settings = Settings.from_env({})
    categories, entries = load_faq()
    kb = KnowledgeBase(categories, entries, load_lexicon(), settings.answer_threshold, settings.suggest_threshold)
    baseline = baseline_answerer(entries, args.cutoff)
    cases = load_cases(args.sets)

    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # n, ours, top1, baseline
    misses = []
    for case in cases:
        outcome = kb.ask(case["q"])
        answered = outcome.faq_id if outcome.kind == "answer" else None
        ours_ok = correct(case, answered)
        top1_ok = outcome.faq_id in case["expect"] if case["expect"] else ours_ok
        base_ok = correct(case, baseline(case["q"]))
        row = tally[case["kind"]]
        row[0] += 1
        row[1] += ours_ok
        row[2] += top1_ok
        row[3] += base_ok
        if not ours_ok:
            misses.append((case, outcome))

    print(f"FAQ accuracy on {', '.join(p.name for p in args.sets)}: {len(cases)} questions, {len(entries)} entries")
    print(f"thresholds: answer >= {kb.answer_threshold}, suggest >= {kb.suggest_threshold}; baseline WRatio cutoff {args.cutoff}")
    print(f"{'kind':<28}{'n':>5}{'ours':>9}{'top-1':>9}{'baseline':>10}{'gain':>8}")
    for kind, name in KIND_NAMES.items():
        if kind in tally:
            n, ours, top1, base = tally[kind]
            print(f"{kind + ' ' + name:<28}{n:>5}{ours / n:>9.1%}{top1 / n:>9.1%}{base / n:>10.1%}{(ours - base) / n:>+8.1%}")
    print()
    for label, kinds in GROUPS.items():
        rows = [tally[k] for k in kinds if k in tally]
        n = sum(r[0] for r in rows)
        if n:
            ours, base = sum(r[1] for r in rows), sum(r[3] for r in rows)
            ratio = f"{ours / base:.2f}x baseline" if base else "baseline 0"
            print(f"{label:<44} ours {ours / n:6.1%}  baseline {base / n:6.1%}  ({ratio}, n={n})")
    if args.misses:
        print("\nmisses:")
        for case, outcome in misses:
            top = ", ".join(f"{s.entry_id}:{s.score:.2f}(c{s.coverage:.2f}/d{s.closeness:.2f}/f{s.fuzz:.2f})" for s in outcome.scored[:3])
            print(f"  [{case['set']}:{case['kind']}] {case['q']!r} expect={case['expect']} got={outcome.kind}:{outcome.faq_id} {top}")


if __name__ == "__main__":
    main()
