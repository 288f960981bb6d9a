"""The custom menu (自定义菜单): read from menu.yaml, checked against WeChat's rules, published.

The file is written for people (a button has `key:`, `url:` or `sub_button:`; the
type follows from which); `load_menu` returns the JSON WeChat's menu/create wants,
or raises `MenuError` listing every problem, so nothing half-checked is sent.
CLICK keys must be in bot/channels/wechat/menu_keys.py: the receiving side answers a click
with the core request named there, and an unknown key would be a dead button.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.menu_keys import MENU_KEYS

DEFAULT_MENU_PATH = Path(__file__).with_name("menu.yaml")
MAX_BUTTONS = 3
MAX_SUB_BUTTONS = 5
#: Name length in half-widths (a Chinese character is two): 4 汉字 top-level, 8 below.
MAX_NAME_WIDTH = (8, 16)
MAX_KEY_BYTES = 128
MAX_URL_BYTES = 1024


class MenuError(ValueError):
    """The menu breaks WeChat's rules or ours; `problems` lists each, in file order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_menu(path: Path | str = DEFAULT_MENU_PATH) -> dict[str, Any]:
    """The menu in `path`, checked, as WeChat's JSON ({"button": [...]})."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MenuError([f"cannot read {path}: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise MenuError([f"{path} is not valid YAML: {exc}"]) from None
    return build_menu(data)


def build_menu(data: Any) -> dict[str, Any]:
    """Check a menu as read from YAML and return WeChat's JSON for it."""
    if not isinstance(data, dict) or not isinstance(data.get("button"), list) or not data["button"]:
        raise MenuError(["the menu needs a non-empty list 'button'"])
    problems: list[str] = []
    if len(data["button"]) > MAX_BUTTONS:
        problems.append(f"{len(data['button'])} top-level buttons: WeChat allows at most {MAX_BUTTONS}")
    buttons = [_button(raw, f"button {i}", True, problems) for i, raw in enumerate(data["button"], 1)]
    if problems:
        raise MenuError(problems)
    return {"button": buttons}


def _button(raw: Any, where: str, top: bool, problems: list[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected name and key, url or sub_button")
        return {}
    name = str(raw.get("name") or "").strip()
    where = f"{where} ({name})" if name else where
    limit = MAX_NAME_WIDTH[not top]
    if not name:
        problems.append(f"{where}: no name")
    elif _width(name) > limit:
        problems.append(f"{where}: name longer than {limit // 2} Chinese characters ({limit} Latin letters)")
    unknown = set(raw) - {"name", "type", "key", "url", "sub_button"}
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    targets = [k for k in ("key", "url", "sub_button") if raw.get(k)]
    if len(targets) != 1 or ("sub_button" in targets and not top):
        allowed = "key, url or sub_button" if top else "key or url"
        problems.append(f"{where}: needs exactly one of {allowed}")
        return {"name": name}
    if targets == ["sub_button"]:
        return {"name": name, "sub_button": _group(raw["sub_button"], where, problems)}
    kind = "click" if targets == ["key"] else "view"
    if raw.get("type", kind) != kind:
        problems.append(f"{where}: type {raw['type']!r} does not go with {targets[0]} (it is {kind!r})")
    if kind == "click":
        key = str(raw["key"])
        if len(key.encode()) > MAX_KEY_BYTES:
            problems.append(f"{where}: key longer than {MAX_KEY_BYTES} bytes")
        elif key not in MENU_KEYS:
            problems.append(f"{where}: unknown key {key!r}; known: {', '.join(sorted(MENU_KEYS))}")
        return {"type": "click", "name": name, "key": key}
    url = str(raw["url"])
    if not url.startswith(("https://", "http://")) or len(url.encode()) > MAX_URL_BYTES:
        problems.append(f"{where}: url must be an http(s) address of at most {MAX_URL_BYTES} bytes")
    return {"type": "view", "name": name, "url": url}


def _group(raw: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        problems.append(f"{where}: sub_button must be a list")
        return []
    if len(raw) > MAX_SUB_BUTTONS:
        problems.append(f"{where}: {len(raw)} sub-buttons, WeChat allows at most {MAX_SUB_BUTTONS}")
    return [_button(sub, f"{where} sub-button {i}", False, problems) for i, sub in enumerate(raw, 1)]


def _width(name: str) -> int:
    """Half-widths, as WeChat counts a menu name: ASCII one, anything else (汉字, emoji) two."""
    return sum(1 if ord(ch) < 128 else 2 for ch in name)


async def publish_menu(api: WeChatApi, menu: dict[str, Any]) -> None:
    """Replace the account's menu with `menu` (as `load_menu` returns it)."""
    await api.create_menu(menu)


def describe(menu: dict[str, Any]) -> str:
    """The menu as an indented outline, for the CLI."""
    lines: list[str] = []

    def line(button: dict[str, Any], indent: str) -> None:
        target = {"click": f"click {button.get('key')}", "view": f"opens {button.get('url')}"}.get(button.get("type"))
        lines.append(f"{indent}{button['name']}" + (f"  → {target}" if target else ""))
        for sub in button.get("sub_button", []):
            line(sub, indent + "  ")

    for button in menu["button"]:
        line(button, "")
    return "\n".join(lines)
