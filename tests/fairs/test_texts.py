"""What students and admins read about fairs comes from bot/texts.py, so the wording lives in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Modules that build fair messages; bot/fairs/files.py is left out: its import problems follow bot/faq/files.py's.
MODULES = ["bot/fairs/desk.py", "bot/fairs/ics.py", "bot/outbox_runner.py", "bot/store/fairs.py", "jobs/reminders.py"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal in the module's code (docstrings and comments are for developers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]  # fmt: skip


@pytest.mark.parametrize("module", MODULES)
def test_no_chinese_text_is_hard_coded_outside_texts(module):
    found = [(line, text) for line, text in literals(ROOT / module) if CHINESE.search(text)]
    assert found == []
