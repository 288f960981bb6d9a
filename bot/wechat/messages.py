"""WeChat's messages and events as the core's requests, and the passive text reply's XML.

text                  a question; "/help" a command; a lone digit presses a "回复 n" choice
image, voice, …       'other': the core asks for text
event subscribe       /start, with the ambassador's invite code from a parametric QR (qrscene_<code>)
event SCAN            /start <code>: a follower scanned a parametric QR
event CLICK           the menu key's command or button (menu_keys.py)
event unsubscribe,    nothing for the core (the channel records the unfollow; VIEW and
VIEW, others          reports do not open WeChat's 48-hour window, so they do not touch the user)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from bot.conversation import parse_command
from bot.replies import Request
from bot.wechat.menu_keys import MENU_KEYS

CHANNEL = "wechat"
#: The prefix WeChat puts before a parametric QR code's scene on a follow.
QR_SCENE = "qrscene_"

#: Looks up the action behind "回复 n" for a user: (openid, n) → action or None.
ChoiceLookup = Callable[[str, int], str | None]


#: What XML 1.0 cannot carry at all, not even in CDATA (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def dedupe_key(message: dict[str, str]) -> str:
    """What identifies a message across WeChat's retries: its MsgId; an event (no MsgId): sender, time, event
    and its key, so two menu clicks within one second are two events, and a retry of either is the same."""
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    what = hashlib.sha256(f"{message.get('Event', '')}\n{message.get('EventKey', '')}".encode()).hexdigest()[:16]
    return f"evt:{message.get('FromUserName', '')}:{message.get('CreateTime', '')}:{what}"


def event(message: dict[str, str]) -> str:
    """The event's name in lower case ('subscribe', 'click'…), '' for a message."""
    return message.get("Event", "").lower() if message.get("MsgType", "").lower() == "event" else ""


def to_request(message: dict[str, str], choice: ChoiceLookup) -> Request | None:
    """The core request for a message or event, or None when the core has nothing to do with it."""
    openid = message["FromUserName"]
    kind = message.get("MsgType", "").lower()
    if kind == "text":
        return _text(openid, message.get("Content", ""), choice)
    if kind != "event":
        return Request(CHANNEL, openid, "other")
    name, key = event(message), message.get("EventKey", "")
    if name == "subscribe":
        code = key.removeprefix(QR_SCENE) if key.startswith(QR_SCENE) else ""
        return Request(CHANNEL, openid, "command", "start", (code,) if code else ())
    if name == "scan":
        return Request(CHANNEL, openid, "command", "start", (key,) if key else ())
    if name == "click":
        action_kind, text = MENU_KEYS.get(key, ("command", ""))  # a key from an outdated menu: unknown command
        return Request(CHANNEL, openid, action_kind, text)
    return None


def _text(openid: str, content: str, choice: ChoiceLookup) -> Request:
    digit = unicodedata.normalize("NFKC", content).strip()  # full-width "１" is "1"
    if digit.isascii() and digit.isdecimal() and len(digit) <= 2:
        action = choice(openid, int(digit))
        if action is not None:
            return Request(CHANNEL, openid, "button", action)
    command = parse_command(content)
    if command:
        return Request(CHANNEL, openid, "command", command[0], command[1])
    return Request(CHANNEL, openid, "text", content)


def _cdata(text: str) -> str:
    """`text` as CDATA: "]]>" split across two sections, characters XML cannot hold dropped."""
    return "<![CDATA[" + _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(message: dict[str, str], content: str, now: datetime) -> str:
    """The passive reply's XML: a text message back to the sender of `message`."""
    return (
        f"<xml><ToUserName>{_cdata(message['FromUserName'])}</ToUserName>"
        f"<FromUserName>{_cdata(message.get('ToUserName', ''))}</FromUserName>"
        f"<CreateTime>{int(now.timestamp())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )
