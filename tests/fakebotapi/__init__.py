"""A local fake Telegram Bot API server for end-to-end tests (see server.py)."""

from tests.fakebotapi.server import FakeBotApi, running_application
from tests.fakebotapi.wire import ApiCall, ApiError, StoredFile, Upload, check_markup, parse_html, render_text

__all__ = [
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
