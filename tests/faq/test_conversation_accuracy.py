"""Accuracy on labelled conversations: the last turn, understood in its conversation (bot/faq/context.py).

conversations_blind4.jsonl was written by someone who never saw the knowledge
base; it was measured untouched (follow-ups 27.1%, topic switches 87.5%, out of
scope kept out 100%) before context existed. conversations_blind5.jsonl (by someone else,
same brief) was measured untouched with context (follow-ups 60.4%, switches 100%, out of
scope 100%), then read to find what was still missed. conversations_blind6.jsonl (79 conversations, same
brief) was measured untouched (follow-ups 84.0%, switches 88.2%, out of scope 83.3%: one answered from the topic),
then read. conversations_blind7.jsonl (93) was measured untouched three times (follow-ups 86.7%, 90.0%, 90.0%)
and then read. conversations_blind8.jsonl (101) was measured untouched after every change of a session (follow-ups
81.2% throughout) and read at its end; conversations_blind9.jsonl (130) was written to be read (follow-ups 83.0%
untouched). conversations_dev.jsonl is the
developer's own set, tuned against. Floors sit a little under the measured
figures, so they can only get better; out of scope must stay out.
"""

from pathlib import Path

import pytest

from bot.faq.context import Context
from bot.store import Store
from knowledge.evaluation import evaluate_conversations, load_cases

DATA = Path(__file__).resolve().parents[1] / "data"
#: (set, kind) -> floor; measured: blind4 U 89.6%, S 87.5%, X 100%; blind5 U 91.7%, S 100%, X 100%;
#: blind6 U 94.0%, S 100%, X 91.7%; blind7 U 95.0%, S 100%, X 92.9%; blind8 U 96.9%, S 95.2%, X 100%;
#: blind9 U 94.3%, S 92.3%, X 93.8%; dev U 92.9%, S 100%, X 100%. Read in session 21, after its rounds: blind10 U
#: 97.1%, S 95.2%, X 93.8%; blind12 U 96.1%, S 96.6%, X 95.7%; blind13 U 97.5%, S 100%, X 87.0%; blind14 U 89.6%,
#: S 93.9%, X 96.3%; blind16 U 91.3%, S 91.9%, X 96.8%; blind17 U 79.3%, S 97.1%, X 100%; blind18 U 85.0%, S 100%, X 96.7%; blind19 (read at the
#: session's end, untouched) U 69.0%, S 93.3%, X 100%, after its round U 80.2%. Written and read in session 22
#: (untouched at their first measurement → after its rounds): blind21 U 71.3 → 86.7%, S 76.0 → 88.0%, X 97.1%; blind22
#: U 54.7 → 72.0%, S 80.0 → 84.0%, X 94.3%; blind23 U 56.0 → 63.3%, S 84.0%, X 100%; blind24 U 78.8 → 87.5%, S 90.5%,
#: X 90.0%; blind25 U 63.3 → 77.3%, S 76.0%, X 97.1%; blind26 U 69.8 → 83.3%, S 85.0%, X 86.7 → 90.0%. Session 23:
#: blind27 (read at the end of session 22) and blind29-32 (written and read in session 23) at what they measure after
#: its rounds. Session 24: blind34/35/37/38 likewise; blind33 (its sealed judge) and blind36 (kept unread) have none.
#: Session 25: blind43/44 likewise; blind39 (its sealed judge) has none. Session 26: blind45 and blind47 read;
#: blind46 (its sealed judge) and blind49 (kept unread) have none.
FLOORS = {
    **{
        (f"conversations_{name}", kind): floor
        for name, floors in {
            "blind21": (0.85, 0.87, 0.97),
            "blind22": (0.70, 0.83, 0.94),
            "blind23": (0.62, 0.83, 0.98),
            "blind24": (0.86, 0.90, 0.90),
            "blind25": (0.76, 0.75, 0.97),
            "blind26": (0.82, 0.84, 0.90),
            "blind27": (0.83, 0.89, 0.96),
            # untouched U 64.7, 82.2, 76.0, 74.5%
            "blind29": (0.83, 0.84, 0.99),
            "blind30": (0.91, 0.99, 0.99),
            "blind31": (0.85, 0.92, 0.97),
            "blind32": (0.87, 0.99, 0.90),
            # session 24, written blind and read (untouched U 72.0, 74.0, 68.0, 77.3%)
            "blind34": (0.84, 0.95, 0.94),
            "blind35": (0.86, 0.91, 0.99),
            "blind37": (0.80, 0.91, 0.94),
            "blind38": (0.83, 0.91, 0.91),
            # session 25, written blind and read (untouched U 79.3, 90.0%)
            "blind43": (0.82, 0.95, 0.99),
            "blind44": (0.93, 0.91, 0.91),
            # session 26: blind47 written blind and read (untouched U 87.3%), blind45 (session 25's unread check) read
            "blind45": (0.85, 0.87, 0.97),
            "blind47": (0.92, 0.95, 0.91),
        }.items()
        for kind, floor in zip("USX", floors, strict=True)
    },
    ("conversations_blind19", "U"): 0.86,
    ("conversations_blind19", "S"): 0.93,
    ("conversations_blind19", "X"): 0.98,
    ("conversations_blind18", "U"): 0.84,
    ("conversations_blind18", "S"): 0.98,
    ("conversations_blind18", "X"): 0.96,
    ("conversations_blind17", "U"): 0.83,
    ("conversations_blind17", "S"): 0.96,
    ("conversations_blind17", "X"): 0.98,
    ("conversations_blind16", "U"): 0.90,
    ("conversations_blind16", "S"): 0.91,
    ("conversations_blind16", "X"): 0.96,
    ("conversations_blind14", "U"): 0.88,
    ("conversations_blind14", "S"): 0.93,
    ("conversations_blind14", "X"): 0.96,
    ("conversations_blind13", "U"): 0.96,
    ("conversations_blind13", "S"): 0.98,
    ("conversations_blind13", "X"): 0.86,
    ("conversations_blind12", "U"): 0.95,
    ("conversations_blind12", "S"): 0.96,
    ("conversations_blind12", "X"): 0.95,
    ("conversations_blind10", "U"): 0.96,
    ("conversations_blind10", "S"): 0.95,
    ("conversations_blind10", "X"): 0.93,
    ("conversations_blind9", "U"): 0.93,
    ("conversations_blind9", "S"): 0.92,
    ("conversations_blind9", "X"): 0.93,
    ("conversations_blind8", "U"): 0.95,
    ("conversations_blind8", "S"): 0.95,
    ("conversations_blind8", "X"): 0.98,
    ("conversations_blind7", "U"): 0.93,
    ("conversations_blind7", "S"): 0.97,
    ("conversations_blind7", "X"): 0.92,
    ("conversations_blind6", "U"): 0.93,
    ("conversations_blind6", "S"): 0.97,
    ("conversations_blind6", "X"): 0.91,
    ("conversations_blind5", "U"): 0.89,
    ("conversations_blind5", "S"): 0.97,
    ("conversations_blind5", "X"): 0.98,
    ("conversations_blind4", "U"): 0.87,
    ("conversations_blind4", "S"): 0.84,
    ("conversations_blind4", "X"): 0.98,
    ("conversations_dev", "U"): 0.89,
    ("conversations_dev", "S"): 0.97,
    ("conversations_dev", "X"): 0.98,
}


@pytest.fixture
def context(kb, clock):
    store = Store.open(":memory:", clock)
    yield Context(store, lambda: kb)
    store.close()


def with_context(context):
    users = iter(range(10**6))

    def answer(turns):
        user = str(next(users))
        for turn in turns:
            understood = context.ask("eval", user, turn)
        outcome = understood.outcome
        return (outcome.faq_id if outcome.kind == "answer" else None), outcome

    return answer


@pytest.mark.parametrize(("name", "kind"), list(FLOORS))
def test_conversations_meet_their_floor(context, name, kind):
    tally = evaluate_conversations(with_context(context), load_cases([DATA / f"{name}.jsonl"]))
    rate = tally.rate(kind)
    misses = [f"{' | '.join(c['turns'])} -> {o.kind}:{o.faq_id}" for c, o in tally.misses if c["kind"] == kind]
    assert rate is not None and rate >= FLOORS[name, kind], f"{name} {kind}: {rate:.1%}; misses: {misses}"
