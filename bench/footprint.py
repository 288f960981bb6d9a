"""Start-up footprint: import time, time to the first answer and peak memory, this tree against the last release.

Usage: python bench/footprint.py [--release ba11b23] [--runs 3] [--entries 10000]

Every figure comes from a fresh subprocess (same interpreter and venv), with an empty data
folder and an empty temporary folder (TMPDIR: jieba's cache and the shared dictionary file live
there) for a first start, and the same folders again for a restart:

- import: what `python -m bot ask` imports before it builds anything (bot.cli, bot.app, bot.store);
- `python -m bot ask "实习补贴"` end to end, first start and restart (peak RSS of that child,
  resource.getrusage(RUSAGE_CHILDREN));
- in-process: open the store, build the knowledge base, answer once.

Rows: (a) this working tree, (b) the previous release (`git archive <commit>` into a temp
folder, run with PYTHONPATH set to it), (c) the floor: a rapidfuzz-only bot that loads
knowledge/faq.yaml and answers with rapidfuzz.process.extractOne. Times are the median of
--runs, peak RSS the largest. Ratios are against the release measured in the same run.
With --entries N, also the build + first answer of a synthetic base of N entries
(bench/match_speed.py's generator), once each, first start and restart. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "实习补贴"

_PROBE = r"""
import json, resource, sys, time
started = time.perf_counter()
{imports}
imported = time.perf_counter()
{build}
built = time.perf_counter()
answer = {ask}
done = time.perf_counter()
assert answer, "no answer"
print(json.dumps({{"import": imported - started, "build": built - imported, "ask": done - built,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

BOT = {
    "imports": "import bot.cli\nfrom bot.app import build_knowledge\nfrom bot.settings import Settings\n"
    "from bot.store import Store",
    "build": "settings = Settings.from_env({'DATABASE_PATH': sys.argv[1]})\n"
    "clock = getattr(settings, 'clock', None)  # the release's Store.open takes no clock\n"
    "store = Store.open(settings.database_path, *([clock()] if clock else []))\nkb = build_knowledge(settings, store)",
    "ask": f"kb.ask({QUESTION!r}).faq_id",
}
FLOOR = {
    "imports": "import yaml\nfrom rapidfuzz import process",
    "build": "entries = yaml.safe_load(open(sys.argv[2], encoding='utf-8'))['entries']\n"
    "choices = {p: e['id'] for e in entries for p in [e['question'], *(e.get('alternates') or [])]}",
    "ask": f"choices[process.extractOne({QUESTION!r}, list(choices))[0]]",
}

_WRAP = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
assert result.returncode == 0, result.stderr[-2000:]
print(json.dumps({"time": elapsed, "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _run(args: list[str], code_root: Path, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_", "WEB_"))}
    (cwd / "tmp").mkdir(exist_ok=True)  # a first start on a fresh machine: nothing cached in /tmp either
    env.update(
        PYTHONPATH=str(code_root),
        DATABASE_PATH=str(cwd / "data" / "bot.db"),
        OMP_NUM_THREADS="1",
        TMPDIR=str(cwd / "tmp"),
    )
    out = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{args[:3]} in {code_root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(code_root: Path, runs: int, floor: bool = False) -> dict[str, tuple[float, float]]:
    """(median seconds, peak MB) per figure."""
    figures: dict[str, list[tuple[float, float]]] = {}

    def add(name: str, seconds: float, rss: float) -> None:
        figures.setdefault(name, []).append((seconds, rss))

    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cwd = Path(tmp)
            (cwd / "data").mkdir()
            db = str(cwd / "data" / "bot.db")
            probe = _PROBE.format(**(FLOOR if floor else BOT))
            for start in ("first start", "restart"):
                r = _run([sys.executable, "-c", probe, db, str(code_root / "knowledge" / "faq.yaml")], code_root, cwd)
                add(f"build + first ask ({start})", r["build"] + r["ask"], r["rss"])
                add(f"total in-process ({start})", r["import"] + r["build"] + r["ask"], r["rss"])
            if not floor:
                for folder in ("data", "tmp"):
                    for p in (cwd / folder).iterdir():
                        if p.is_file():
                            p.unlink()
                for start in ("first start", "restart"):
                    r = _run(
                        [sys.executable, "-c", _WRAP, sys.executable, "-m", "bot", "ask", QUESTION], code_root, cwd
                    )
                    add(f"`python -m bot ask` ({start})", r["time"], r["rss"])
            imp = _run(
                [sys.executable, "-c", _PROBE.format(**{**(FLOOR if floor else BOT), "build": "", "ask": "1"}), db],
                code_root,
                cwd,
            )
            add("import only", imp["import"], imp["rss"])
    return {k: (statistics.median(s for s, _ in v), max(m for _, m in v)) for k, v in figures.items()}


_LARGE = r"""
import importlib.util, inspect, json, random, resource, sys, time
from pathlib import Path
from bot.settings import Settings
from knowledge.entries import Category, load_faq, load_lexicon
from knowledge.kb import KnowledgeBase
spec = importlib.util.spec_from_file_location("match_speed", sys.argv[2])
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)  # the code measured is already imported from PYTHONPATH
_, seed = load_faq()
entries = seed + generator.synthetic_entries(seed, int(sys.argv[3]) - len(seed), random.Random(20231))
settings = Settings()
cache = {"cache_path": Path(sys.argv[1])} if "cache_path" in inspect.signature(KnowledgeBase).parameters else {}
started = time.perf_counter()
kb = KnowledgeBase([Category("c", "c")], entries, load_lexicon(), settings.answer_threshold,
                   settings.suggest_threshold, **cache)
answer = kb.ask(QUESTION).faq_id
print(json.dumps({"time": time.perf_counter() - started,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""".replace("QUESTION", repr(QUESTION))


def measure_large(code_root: Path, entries: int) -> dict[str, tuple[float, float]]:
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "data").mkdir()
        args = [sys.executable, "-c", _LARGE, str(cwd / "data" / "index-cache.bin")]
        args += [str(ROOT / "bench" / "match_speed.py"), str(entries)]
        for start in ("first start", "restart"):
            r = _run(args, code_root, cwd)
            figures[f"{entries:,} entries: build + first ask ({start})"] = (r["time"], r["rss"])
    return figures


def release_tree(commit: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", default="ba11b23", help="the previous release's commit")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=0, help="also a synthetic base of this many entries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        release = release_tree(args.release, Path(tmp))
        rows = {
            "this tree": measure(ROOT, args.runs),
            f"release {args.release}": measure(release, args.runs),
            "floor (rapidfuzz only)": measure(ROOT, args.runs, floor=True),
        }
        if args.entries:
            rows["this tree"].update(measure_large(ROOT, args.entries))
            rows[f"release {args.release}"].update(measure_large(release, args.entries))
    base = rows[f"release {args.release}"]
    print(f"start-up footprint, seed knowledge base, question {QUESTION!r}; median of {args.runs} runs")
    for name in base:
        print(f"\n{name}")
        for label, figures in rows.items():
            if name not in figures:
                continue
            seconds, rss = figures[name]
            ratio = (
                f"  x{seconds / base[name][0]:.2f} time, x{rss / base[name][1]:.2f} RSS" if figures is not base else ""
            )
            print(f"  {label:<24} {seconds:7.3f} s  peak {rss:6.0f} MB{ratio}")


if __name__ == "__main__":
    main()
