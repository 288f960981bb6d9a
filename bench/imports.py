"""Hostile uploads: how long the importer takes on a YAML of nested aliases and an .xlsx styled out to XFD.

Usage: python bench/imports.py [--levels 6] [--rows 2000]
       PYTHONPATH=<an older checkout> python bench/imports.py   # the same figures for that code

Issue 12: a 41 KB YAML of aliases took 8.8 s and 346 MB; an .xlsx whose rows hold one blank
styled cell at column XFD was read at 1.8 ms a row. Prints seconds, peak memory of the parse
(tracemalloc) and what the importer answered. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: an older checkout there wins

from bot.faq.files import parse_faq_file  # noqa: E402
from bot.tables import ImportProblems  # noqa: E402
from knowledge.entries import Category  # noqa: E402

CATEGORIES = [Category("contact", "联系我们")]


def laughs(levels: int, width: int = 9) -> bytes:
    lines = [f"a: &a [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * width)}]")
    lines.append(f"entries: [*{chr(96 + levels)}]")
    return "\n".join(lines).encode()


def merges(levels: int, width: int = 9) -> bytes:
    """Merge keys (<<) copy a mapping's pairs: nested, they multiply by `width` a level."""
    lines = ["l0: &l0 {k: lol}"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} {{<<: [{', '.join([f'*l{i - 1}'] * width)}]}}")
    lines.append(f"entries: [{{<<: *l{levels}, id: contact, category: contact, question: q, answer: a}}]")
    return "\n".join(lines).encode()


def shared(entries: int = 1000, alternates: int = 400) -> bytes:
    """One anchored list of phrasings that every entry refers to: small on disk, huge once expanded."""
    phrasings = ", ".join(f"第{i}种问法" + "啊" * 30 for i in range(alternates))
    lines = [f"alts: &alts [{phrasings}]", "entries:"]
    lines += [f"  - {{id: e{n}, category: contact, question: 问题{n}, answer: 答案, alternates: *alts}}"
              for n in range(entries)]
    return "\n".join(lines).encode()


def styled_to_xfd(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "category", "question", "answer", "source", "alternates"])
    sheet.append(["contact", "contact", "怎么联系？", "电话", "", ""])
    for r in range(1, rows + 3):
        sheet.cell(r, 16384).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(name: str, data: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = f"{len(parse_faq_file(name, data, CATEGORIES))} entries"
    except ImportProblems as exc:
        outcome = exc.problems[0].reason[:60]
    except MemoryError:
        outcome = "MemoryError"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  {name:<10} {len(data) / 1024:>8.1f} KB  {elapsed:>8.3f} s  peak {peak / 2**20:>7.1f} MB  → {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=6, help="alias nesting (9 ** levels strings once expanded)")
    parser.add_argument("--rows", type=int, default=2000, help="rows styled out to column XFD")
    args = parser.parse_args()
    import bot

    print(f"code: {Path(bot.__file__).parent}")
    measure("faq.yaml", laughs(args.levels))
    measure("merge.yaml", merges(args.levels))
    measure("alts.yaml", shared())
    measure("faq.xlsx", styled_to_xfd(args.rows))


if __name__ == "__main__":
    main()
