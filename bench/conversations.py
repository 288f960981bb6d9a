"""Conversation accuracy per kind: ours with context, ours on the last turn alone, and the baseline.

Usage: python bench/conversations.py [CONVERSATIONS.jsonl ...] [--misses] [--cutoff N]

Each line is {"turns": [...], "expect": [ids], "kind": K}; `expect` is about the
last turn ([] = must not be answered from the FAQ). Kinds: U follow-up, S topic
switch, X last turn out of scope. Correct means what it means for single
questions (knowledge/evaluation.py): answered with an expected entry, or for
`expect: []` not answered.

- ours: every turn goes through the bot's context (bot/faq/context.py), one fresh
  user per conversation, on an in-memory database;
- last turn alone: the knowledge base without context, as before conversations;
- baseline: rapidfuzz WRatio on the last turn alone (bench/faq_accuracy.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faq_accuracy import Baseline, pct  # noqa: E402
from bot.faq.context import Context  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from knowledge.entries import load_faq, load_lexicon  # noqa: E402
from knowledge.evaluation import CONVERSATION_KIND_NAMES, evaluate_conversations, load_cases  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402

DEFAULT_SETS = [ROOT / "tests" / "data" / "conversations_blind4.jsonl"]


def with_context(context: Context):
    """Each conversation as a new user, every turn through the context."""
    counter = iter(range(1, 10**9))

    def answer(turns: list[str]):
        user = f"bench-{next(counter)}"
        for turn in turns:
            understood = context.ask("bench", user, turn)
        outcome = understood.outcome
        return (outcome.faq_id if outcome.kind == "answer" else None), understood

    return answer


def last_turn_alone(kb: KnowledgeBase):
    def answer(turns: list[str]):
        outcome = kb.ask(turns[-1])
        return (outcome.faq_id if outcome.kind == "answer" else None), outcome

    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--cutoff", type=float, default=80.0, help="baseline WRatio cutoff, 0-100 (default 80)")
    parser.add_argument("--misses", action="store_true", help="list every conversation ours gets wrong")
    args = parser.parse_args()

    settings = Settings.from_env({})
    categories, entries = load_faq()
    kb = KnowledgeBase(categories, entries, load_lexicon(), settings.answer_threshold, settings.suggest_threshold)
    cases = load_cases(args.sets)
    store = Store.open(":memory:", settings.clock())
    try:
        ours = evaluate_conversations(with_context(Context(store, lambda: kb)), cases)
    finally:
        store.close()
    alone = evaluate_conversations(last_turn_alone(kb), cases)
    base = evaluate_conversations(lambda turns: Baseline(entries, args.cutoff).answer(turns[-1]), cases)

    print(f"Conversations: {len(cases)} from {', '.join(p.name for p in args.sets)}; {len(entries)} entries")
    print(f"baseline: rapidfuzz extractOne WRatio on the last turn, cutoff {args.cutoff:g}\n")
    print(f"{'kind':<28}{'n':>5}{'ours':>9}{'last turn':>11}{'baseline':>10}")
    for kind, name in CONVERSATION_KIND_NAMES.items():
        if ours.count(kind):
            print(
                f"{kind + ' ' + name:<28}{ours.count(kind):>5}{pct(ours.rate(kind)):>9}"
                f"{pct(alone.rate(kind)):>11}{pct(base.rate(kind)):>10}"
            )
    kinds = "".join(CONVERSATION_KIND_NAMES)
    print(
        f"{'all':<28}{ours.count(kinds):>5}{pct(ours.rate(kinds)):>9}{pct(alone.rate(kinds)):>11}{pct(base.rate(kinds)):>10}"
    )
    if args.misses:
        print("\nmisses (ours):")
        for case, understood in ours.misses:
            outcome = understood.outcome
            print(
                f"  [{case['set']}:{case['line']}:{case['kind']}] {' | '.join(case['turns'])} "
                f"expect={case['expect']} got={outcome.kind}:{outcome.faq_id} {outcome.score:.2f}"
            )


if __name__ == "__main__":
    main()
