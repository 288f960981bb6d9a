"""The README and .env.example say what the code does (issue 12: a new admin trusted them)."""

from pathlib import Path

import yaml

from knowledge.text import MAX_QUESTION_CHARS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_states_the_real_length_limit_of_a_message():
    assert f"over {MAX_QUESTION_CHARS}" in README and "500+" not in README


def test_the_readme_describes_the_wechat_menu_of_menu_yaml():
    menu = yaml.safe_load((ROOT / "bot/channels/wechat/menu.yaml").read_text(encoding="utf-8"))
    described = README[README.index("python -m bot wechat menu` publishes") :].split("\n5.")[0]
    for top in menu["button"]:
        assert top["name"] in described
        for sub in top.get("sub_button", []):
            assert sub["name"] in described
    assert "我的;" not in described


def test_env_example_and_readme_agree_on_an_empty_template_id():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("WECHAT_TEMPLATE_ID="))
    comment = " ".join(line for line in lines[max(0, at - 3) : at] if line.startswith("#"))
    assert "fail" in comment and "skip" not in comment
    assert "empty = those pushes fail" in README
