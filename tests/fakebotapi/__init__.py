"""A local fake Telegram Bot API server for end-to-end tests (see server.py)."""

from tests.fakebotapi.server import FakeBotApi, running_application
from tests.fakebotapi.wire import ApiCall, ApiError, StoredFile, Upload, check_markup, parse_html, render_text


def inline_buttons(message: dict) -> list[dict]:
    """The inline buttons of a sent message, row after row."""
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


__all__ = [
    "inline_buttons",
    "ApiCall",
    "ApiError",
    "FakeBotApi",
    "StoredFile",
    "Upload",
    "check_markup",
    "parse_html",
    "render_text",
    "running_application",
]
