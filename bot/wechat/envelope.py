"""Is a request really from WeChat, and what does it say: signatures and safe mode (AES).

Every request carries `signature` = sha1 of the sorted [token, timestamp, nonce]
joined. In safe mode (an EncodingAESKey is set) a message's body is an <Encrypt>
element signed by `msg_signature` over the sorted [token, timestamp, nonce, Encrypt],
and the reply goes back encrypted with the same key. During a key change the
previous key still opens messages; the reply uses the key that opened the request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from wechatpy.crypto import WeChatCrypto

from bot.settings import Settings
from bot.wechat.xml_safety import BadXml, parse_xml

logger = logging.getLogger(__name__)

#: A request whose timestamp is further than this from our clock is refused (seconds).
MAX_CLOCK_SKEW = 300


class Refused(Exception):
    """The request is not (verifiably) from WeChat or not readable: answer `status`, do nothing else."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    """A verified request's message fields, and the crypto that opened it (None in plaintext mode)."""

    message: dict[str, str]
    crypto: WeChatCrypto | None


class Envelope:
    """Checks and opens requests, seals replies, for one account's settings."""

    def __init__(self, settings: Settings, max_skew: float | None = MAX_CLOCK_SKEW) -> None:
        self.token = settings.wechat_token or ""
        self.max_skew = max_skew
        keys = [k for k in (settings.wechat_aes_key, settings.wechat_previous_aes_key) if k]
        self.cryptos = [WeChatCrypto(self.token, key, settings.wechat_app_id or "") for key in keys]

    @property
    def safe_mode(self) -> bool:
        return bool(self.cryptos)

    def verify(self, query: Mapping[str, str]) -> None:
        """The URL's `signature` (every request has one) and a fresh timestamp, or Refused(403)."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not self.token or not timestamp or not nonce:
            raise Refused(403, "missing signature parameters")
        if not hmac.compare_digest(sign(self.token, timestamp, nonce), query.get("signature", "")):
            raise Refused(403, "bad signature")
        if self.max_skew is not None:
            try:
                skew = abs(time.time() - int(timestamp))
            except ValueError:
                raise Refused(403, "bad timestamp") from None
            if skew > self.max_skew:
                raise Refused(403, f"timestamp {skew:.0f} s off")

    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        """The message a POST carries (`verify` it first); in safe mode decrypted (current key, then previous)."""
        try:
            outer = parse_xml(body)
        except BadXml as exc:
            raise Refused(400, str(exc)) from None
        if not self.safe_mode:
            return Opened(outer, None)
        encrypted, msg_signature = outer.get("Encrypt", ""), query.get("msg_signature", "")
        if not encrypted or not msg_signature:
            raise Refused(403, "safe mode: no Encrypt or msg_signature")
        if not hmac.compare_digest(sign(self.token, query["timestamp"], query["nonce"], encrypted), msg_signature):
            raise Refused(403, "bad msg_signature")
        for crypto in self.cryptos:
            try:
                inner = crypto.decrypt_message(
                    {"Encrypt": encrypted}, msg_signature, query["timestamp"], query["nonce"]
                )
            except Exception:  # a wrong key gives garbage: a bad app id, padding, length or encoding
                continue
            try:
                return Opened(parse_xml(inner), crypto)
            except BadXml as exc:
                raise Refused(400, f"decrypted: {exc}") from None
        logger.error("A signed WeChat message opened with no configured key: check WECHAT_ENCODING_AES_KEY")
        raise Refused(400, "cannot decrypt")

    @staticmethod
    def seal(xml: str, crypto: WeChatCrypto | None) -> str:
        """The reply as sent: the XML itself, or in safe mode its encrypted, signed envelope."""
        if crypto is None:
            return xml
        return crypto.encrypt_message(xml, secrets.token_hex(8), str(int(time.time())))
