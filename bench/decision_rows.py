"""Dump the decision's rows for a labelled set as scored by the matcher of ANOTHER checkout (an older commit).

Usage (from the old checkout's root, with this tree's knowledge/decision.py importable):
    python NEW_TREE/bench/decision_rows.py NEW_TREE SET.jsonl NAME-untouched > rows.jsonl

tests/data/decision_untouched.jsonl holds blind3 at e1b4aab^ (before blind3 was read), blind4 at 2b5a9bf (before
issue 11), blind5 at c278250 (blind5 added unmeasured), blind6 at fb6bf28 (blind6 measured blind, not yet read) and
blind7 at 7a0f4da (measured three times, never read), blind9 at ed07dc1 (written to be read, measured first) and
blind8 at 7a0f4da (the session's sealed judge, read at its end), blind10 at 16897f4 (sealed for a session, measured
at its start and end, read in the next), blind12 at c548923 and blind19 at f7eb50a (written to be read, measured first),
blind11 and blind15 at 16897f4 (sealed judges of session 21, measured there first) and blind21 at 8ac550a, blind24 at
1fbb603 and blind26 at 804f692 (written to be read in session 22, measured first), blind27 at 8ac550a (session 22's
second judge, measured there first), blind30 and blind32 at 80deab6 (written to be read in session 23, measured
first), blind40 and blind41 at 6e0520b (written to be read in session 25, measured first), blind48 at 36f7abe (written to be
read in session 26, measured first), blind51 and blind53 at f713db3 and blind54 at ac37587 (written to be read in
session 27, measured first), in that order; rerun them
after adding a feature.

A set measured by the matcher as it was before anyone read the set is what an unseen set looks like
(bench/fit_decision.py --untouched reads such rows): the sets in tests/data were all read afterwards to
fix the matcher, so on the current matcher they look easier than a new set will.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from knowledge.analyzer import Analyzer  # noqa: E402
from knowledge.entries import load_faq, load_lexicon  # noqa: E402
from knowledge.matcher import MatchIndex  # noqa: E402


def _compat(index: MatchIndex) -> None:
    """Older matchers lack the helpers the features use; they have their parts."""
    cls = type(index)
    if not hasattr(cls, "explanation"):

        def explanation(self, question, entry_id):
            pos = {e.id: i for i, e in enumerate(self.entries)}[entry_id]
            v = self._vocabularies[pos]
            return [(u, self._information(u), self._explained(u, v)) for u in question.units]

        cls.explanation = explanation
    if not hasattr(cls, "is_known"):
        cls.is_known = lambda self, f: f in self._idf
    if not hasattr(cls, "unknown_idf"):
        cls.unknown_idf = property(lambda self: self._unknown_idf)


def main() -> None:
    new_tree, path, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    spec = importlib.util.spec_from_file_location("decision_new", new_tree / "knowledge" / "decision.py")
    decision = importlib.util.module_from_spec(spec)
    sys.modules["decision_new"] = decision
    spec.loader.exec_module(decision)
    try:
        from knowledge.text import is_english
    except ImportError:  # older than English answers: the same test, by the new tree's text module
        spec = importlib.util.spec_from_file_location("text_new", new_tree / "knowledge" / "text.py")
        text_new = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(text_new)
        is_english = text_new.is_english

    _, entries = load_faq()
    analyzer = Analyzer(load_lexicon())
    index = MatchIndex(entries, analyzer)
    _compat(index)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        text = case["q"]
        row = {"set": name, "kind": case.get("kind", "?"), "expect": case["expect"], "top": None, "values": {}}
        smalltalk = getattr(analyzer, "smalltalk_intent", lambda t: None)(text)
        analysis = analyzer.analyze(text)
        if not smalltalk and not analysis.empty:
            scored = index.score(analysis)
            if scored:
                exact_ = [s for s in scored if s.closeness >= 0.999 and s.fuzz >= 0.999]
                exact = len(exact_) == 1 and exact_[0] is scored[0]
                values = decision.features(index, analysis, scored, exact, is_english(text))
                values = {k: round(v, 6) for k, v in values.items()}
                row.update(top=scored[0].entry_id, values=values, score=scored[0].score, exact=exact)
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
