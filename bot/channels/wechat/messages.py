"""WeChat's messages and events as the core's requests, and the passive text reply's XML.

text                  a question; "/help" a command; a lone number presses the live "回复 n" choice
                      shown with it ("确认 n" one that cannot be undone); a number no live choice
                      has gets the channel's "no longer valid", never the core (not a question)
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

from bot import texts
from bot.channels.wechat.menu_keys import MENU_KEYS
from bot.conversation import parse_command
from bot.replies import Request
from bot.store.wechat import Choice

CHANNEL = "wechat"
#: The prefix WeChat puts before a parametric QR code's scene on a follow.
QR_SCENE = "qrscene_"

#: Looks up the live choice shown as "回复 n" to a user: (openid, n) → the choice or None.
ChoiceLookup = Callable[[str, int], Choice | None]
#: A number typed alone, or after the confirmation word: "3", "３", "确认3", "确认 3".
_NUMBER = re.compile(rf"({re.escape(texts.WECHAT_CONFIRM_WORD)})?\s*([0-9]{{1,3}})")


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


def to_request(message: dict[str, str], choice: ChoiceLookup) -> Request | str | None:
    """The core request for a message or event; a str: the channel's own answer (a number that presses
    nothing); None when nobody has anything to do with it."""
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


def _text(openid: str, content: str, choice: ChoiceLookup) -> Request | str:
    typed = _NUMBER.fullmatch(unicodedata.normalize("NFKC", content).strip())  # full-width "１" is "1"
    if typed:
        n, confirmed = int(typed[2]), bool(typed[1])
        found = choice(openid, n)
        if found is None:
            return texts.WECHAT_CHOICE_GONE.format(n=n)
        if found.confirm and not confirmed:
            return texts.WECHAT_NEEDS_CONFIRM.format(label=found.label, word=texts.WECHAT_CONFIRM_WORD, n=n)
        return Request(CHANNEL, openid, "button", found.action)
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
