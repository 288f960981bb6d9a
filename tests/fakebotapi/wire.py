"""The Bot API wire format as the fake server speaks it: parameters, errors, text rules.

Telegram's limits live here (HTML subset, 4096 characters, 64-byte callback data) so that
the server module is only about routing, state and faults.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from aiohttp import BodyPartReader, web
from telegram.ext import Application

JSON = dict[str, Any]
_AppT = TypeVar("_AppT", bound="Application[Any, Any, Any, Any, Any, Any]")

# PTB sends str values raw but JSON-encodes everything else, so "123" may be text or a number.
# Params that Telegram documents as String are therefore never JSON-decoded.
_STRING_PARAMS = frozenset(
    "text caption parse_mode callback_query_id inline_message_id url file_id action emoji title "
    "description short_description name language_code business_connection_id message_effect_id "
    "first_name last_name phone_number vcard address question explanation query_id".split()
)
_INLINE_ACTIONS = frozenset(
    "callback_data url web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat callback_game pay copy_text".split()
)
_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
# Methods we don't model but that a bot may plausibly call; anything else is a 404 like Telegram.
_PLAUSIBLE = re.compile(
    r"(send|forward|copy|edit|set|delete|pin|unpin|answer|ban|unban|restrict|promote|approve"
    r"|decline|leave)[A-Z]\w*"
)
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>")
_ATTR_RE = re.compile(r"([\w-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_HTML_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_TAGS = {  # Telegram's HTML subset -> MessageEntity type
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote",
}  # fmt: skip


class ApiError(Exception):
    """A Bot API error reply; raised inside handlers and turned into Telegram's JSON shape."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class Upload(NamedTuple):
    """One multipart file part as the bot sent it."""

    filename: str
    content: bytes
    content_type: str | None


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a fake user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    content: bytes
    mime_type: str | None


@dataclass
class ApiCall:
    """One Bot API request: params with JSON values decoded, and how the server answered."""

    method: str
    params: JSON
    time: float  # time.monotonic(), so tests can measure back-off between calls
    files: dict[str, Upload] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    error: str | None = None


@dataclass
class Stats:
    """Counters for rate-limit tests: message sends that succeeded and 429s handed out."""

    sent: int = 0
    errors_429: int = 0
    per_chat: Counter[int] = field(default_factory=Counter)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Return (plain text, entities) as Telegram derives them, or raise ValueError.

    Stricter than Telegram on purpose: a bare ``&``/``>`` is rejected because the Bot API docs
    require escaping them and real Telegram's leniency there is undocumented.
    """
    out: list[str] = []
    entities: list[JSON] = []
    stack: list[tuple[str, int, JSON]] = []  # open tag, utf-16 start offset, entity extras
    pos = i = 0
    while i < len(text):
        where = f"at byte offset {len(text[:i].encode())}"
        char = text[i]
        if char == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise ValueError(f'Unescaped "<" or malformed tag {where}')
            name = m.group(2).lower()
            attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR_RE.findall(m.group(3))}
            if m.group(1):
                if not stack:
                    raise ValueError(f"Unexpected end tag {where}")
                tag, start, extra = stack.pop()
                if tag != name:
                    raise ValueError(f'Unmatched end tag {where}, expected "</{tag}>", found "</{name}>"')
                if pos > start and extra.get("type"):
                    entities.append({**extra, "offset": start, "length": pos - start})
            else:
                if name not in _HTML_TAGS:
                    raise ValueError(f'Unsupported start tag "{name}" {where}')
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise ValueError(f'Tag "span" must have class "tg-spoiler" {where}')
                extra: JSON = {"type": _HTML_TAGS[name]}
                if name == "a":  # <a> without href is plain text for Telegram
                    extra = {"type": "text_link", "url": attrs["href"]} if "href" in attrs else {}
                stack.append((name, pos, extra))
            i = m.end()
            continue
        if char == "&":
            m = _HTML_ENTITY_RE.match(text, i)
            if m is None:
                raise ValueError(f'Unescaped "&" {where}, write "&amp;"')
            char, i = html.unescape(m.group()), m.end() - 1
        elif char == ">":
            raise ValueError(f'Unescaped ">" {where}, write "&gt;"')
        out.append(char)
        pos += _utf16_len(char)
        i += 1
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def render_text(
    text: Any, parse_mode: Any, limit: int, *, caption: bool = False, entities: Any = None
) -> tuple[str, list[JSON]]:
    """Apply parse_mode and Telegram's length rules to a text or caption (limits count after
    entity parsing). MarkdownV2 is not validated, only its markup is roughly stripped."""
    raw, mode = "" if text is None else str(text), str(parse_mode or "").lower()
    if mode == "html":
        try:
            plain, entities = parse_html(raw)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    elif mode in ("markdown", "markdownv2"):
        plain = re.sub(r"\]\((?:\\.|[^)\\])*\)", "]", raw)
        plain = re.sub(r"\\(.)|[*_~|`\[\]]", lambda m: m.group(1) or "", plain)
    elif mode:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    else:
        plain = raw
    if not plain.strip() and not caption:
        raise ApiError(400, "Bad Request: message text is empty")
    if len(plain) > limit:
        raise ApiError(400, f"Bad Request: message {'caption ' if caption else ''}is too long")
    return plain, list(entities or [])


def check_markup(markup: Any) -> JSON | None:
    """Validate reply_markup like Telegram: callback_data 1-64 bytes, at most 100 inline buttons
    (300 for reply keyboards), every inline button needs exactly one action."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard", markup.get("keyboard", []))
    buttons = [button for row in rows for button in row]
    if len(buttons) > (100 if "inline_keyboard" in markup else 300):
        raise ApiError(400, "Bad Request: reply markup is too long")
    for button in buttons if "inline_keyboard" in markup else ():
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if len(_INLINE_ACTIONS.intersection(button)) != 1:
            raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
    return markup


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, Upload]]:
    """Accept the three encodings Telegram accepts (plus query strings); PTB uses form-urlencoded
    or, when uploading, multipart/form-data; string fields are raw, the rest JSON-encoded."""
    raw: dict[str, str] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        return {**raw, **(await request.json())}, files
    if request.content_type == "multipart/form-data":
        async for part in await request.multipart():
            assert isinstance(part, BodyPartReader), "nested multipart is not used by the Bot API"
            if part.filename is not None:
                content, ctype = await part.read(), part.headers.get("Content-Type")
                files[part.name or ""] = Upload(part.filename, bytes(content), ctype)
            else:
                raw[part.name or ""] = await part.text()
    elif request.can_read_body:
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return {k: _decode(k, v) for k, v in raw.items()}, files
