"""A stand-in for WeChat's servers: signs (and in safe mode encrypts) callbacks exactly as WeChat does.

Written from WeChat's specification with hashlib and `cryptography`, independently
of wechatpy (which the bot uses), so that the two check each other:

    signature     = sha1(sorted([token, timestamp, nonce]) joined)
    msg_signature = sha1(sorted([token, timestamp, nonce, Encrypt]) joined)
    Encrypt       = base64(AES-256-CBC(key, iv=key[:16],
                    pkcs7_32(16 random bytes + len(xml) as 4 bytes big-endian + xml + appid)))
    key           = base64decode(EncodingAESKey + "=")
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import count

from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.clock import Clock

BLOCK = 32  # WeChat pads to 32-byte blocks (not AES's 16)
ACCOUNT = "gh_test_account"


def new_aes_key() -> str:
    """A random EncodingAESKey: 43 characters, as the admin console makes them."""
    return base64.b64encode(os.urandom(32)).decode()[:43]


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(aes_key: str, app_id: str, xml: str) -> str:
    key = base64.b64decode(aes_key + "=")
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(aes_key: str, app_id: str, encrypted: str) -> str:
    key = base64.b64decode(aes_key + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    pad = plain[-1]
    assert 1 <= pad <= BLOCK and plain[-pad:] == bytes([pad]) * pad, "bad PKCS#7 padding"
    plain = plain[16:-pad]
    (length,) = struct.unpack(">I", plain[:4])
    assert plain[4 + length :].decode() == app_id, "reply encrypted for another app id"
    return plain[4 : 4 + length].decode()


def fields(xml: str) -> dict[str, str]:
    """A (trusted, our own) reply's fields."""
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


@dataclass
class Response:
    status: int
    body: str
    fields: dict[str, str]  # the reply's XML fields (decrypted in safe mode); {} for "success" or errors

    @property
    def content(self) -> str:
        return self.fields.get("Content", "")


class WeChatClient:
    """Posts messages and events to the bot the way WeChat's servers do."""

    def __init__(
        self, http: TestClient, token: str, *, clock: Clock, path: str = "/wechat", app_id: str = "", aes_key: str = ""
    ) -> None:
        self.http, self.token, self.path, self.clock = http, token, path, clock  # WeChat's clock agrees with the bot's
        self.app_id, self.aes_key = app_id, aes_key
        self._ids = count(int(self.time() * 1000))

    def time(self) -> int:
        """Seconds since the epoch, as WeChat stamps requests and messages."""
        return int(self.clock.now().timestamp())

    def query(self, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(self.time())
        nonce = nonce or str(next(self._ids))
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    async def verify(self, echostr: str = "echo123", **query: str) -> Response:
        response = await self.http.get(self.path, params={**self.query(), "echostr": echostr, **query})
        return Response(response.status, await response.text(), {})

    async def post(self, xml: str, *, query: dict[str, str] | None = None, encrypt_with: str | None = None) -> Response:
        """POST `xml` signed (and, with an AES key, encrypted with `encrypt_with` or the client's key)."""
        params = query if query is not None else self.query()
        body = xml
        aes_key = encrypt_with or self.aes_key
        if aes_key and query is None:
            encrypted = encrypt(aes_key, self.app_id, xml)
            params = {**params, "encrypt_type": "aes",
                      "msg_signature": sign(self.token, params["timestamp"], params["nonce"], encrypted)}  # fmt: skip
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            )
        response = await self.http.post(self.path, params=params, data=body.encode())
        text = await response.text()
        return Response(response.status, text, self._reply(text, aes_key) if text.startswith("<xml") else {})

    def _reply(self, text: str, aes_key: str) -> dict[str, str]:
        outer = fields(text)
        if not aes_key:
            return outer
        assert outer["MsgSignature"] == sign(self.token, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        return fields(decrypt(aes_key, self.app_id, outer["Encrypt"]))

    # -- what WeChat sends ------------------------------------------------------------

    def text(self, openid: str, content: str, msg_id: str | None = None) -> str:
        return self._message(openid, "text", f"<Content><![CDATA[{content}]]></Content>", msg_id)

    def image(self, openid: str) -> str:
        return self._message(
            openid, "image", "<PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
        )

    def event(self, openid: str, event: str, key: str = "", create_time: int | None = None) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time or next(self._ids)}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
        )

    def _message(self, openid: str, kind: str, payload: str, msg_id: str | None = None) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{self.time()}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{payload}"
            f"<MsgId>{msg_id or next(self._ids)}</MsgId></xml>"
        )
