"""Is a request really from WeChat, and what does it say: signatures and safe mode (AES).

Every request carries `signature` = sha1 of the sorted [token, timestamp, nonce]
joined. In safe mode (an EncodingAESKey is set) a message's body is an <Encrypt>
element signed by `msg_signature` over the sorted [token, timestamp, nonce, Encrypt],
and the reply goes back encrypted with the same key. During a key change the
previous key still opens messages; the reply uses the key that opened the request.

In plaintext mode the signature does not cover the body: whoever sees one signed
URL (a proxy's access log) could POST any message with it for the 5 minutes its
timestamp stays fresh. So there a signed query is bound to the first body it came
with: a retry with that query repeats that body and passes, another body is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from wechatpy.crypto import PrpCrypto, WeChatCrypto

from bot.channels.wechat.xml_safety import BadXml, parse_xml
from bot.clock import Clock
from bot.settings import Settings

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


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison; as bytes, since compare_digest raises TypeError on non-ASCII str."""
    return hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


class _SecurePrpCrypto(PrpCrypto):
    """wechatpy's message cipher with its 16 random leading bytes from `secrets`.

    wechatpy draws them with random.sample (Mersenne Twister, predictable); the IV is
    fixed (the key's first 16 bytes), so those bytes are the only randomisation there is."""

    def get_random_string(self) -> bytes:
        return secrets.token_bytes(16)


class _Crypto(WeChatCrypto):
    """One EncodingAESKey, its cipher made once: wechatpy makes one (and an AES key object) per message, and
    checks again the msg_signature `Envelope.open` has just checked. The same bytes either way."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        super().__init__(token, encoding_aes_key, app_id)
        self.prp = _SecurePrpCrypto(self.key)

    def open(self, encrypted: str) -> str:
        """The message inside a verified <Encrypt>; raises when another key or app id sealed it."""
        return self.prp.decrypt(encrypted, self._id)

    def seal(self, xml: str, nonce: str, timestamp: str) -> str:
        """wechatpy 1.8.18's encrypt_message, with the cipher's random bytes from `secrets`."""
        encrypted = self.prp.encrypt(xml, self._id).decode()
        return _SEALED.format(encrypt=encrypted, signature=sign(self.token, timestamp, nonce, encrypted),
                              timestamp=timestamp, nonce=nonce)  # fmt: skip


#: wechatpy's encrypted reply, as its encrypt_message writes it.
_SEALED = """<xml>
<Encrypt><![CDATA[{encrypt}]]></Encrypt>
<MsgSignature><![CDATA[{signature}]]></MsgSignature>
<TimeStamp>{timestamp}</TimeStamp>
<Nonce><![CDATA[{nonce}]]></Nonce>
</xml>"""


@dataclass(frozen=True)
class Opened:
    """A verified request's message fields, and the crypto that opened it (None in plaintext mode)."""

    message: dict[str, str]
    crypto: _Crypto | None


class Envelope:
    """Checks and opens requests, seals replies, for one account's settings."""

    def __init__(self, settings: Settings, clock: Clock, max_skew: float | None = MAX_CLOCK_SKEW) -> None:
        self.token = settings.wechat_token or ""
        self.clock = clock  # WeChat's timestamps are compared with it, and replies carry it
        self.max_skew = max_skew
        keys = [k for k in (settings.wechat_aes_key, settings.wechat_previous_aes_key) if k]
        self.cryptos = [_Crypto(self.token, key, settings.wechat_app_id or "") for key in keys]
        #: (timestamp, nonce, signature) → (when first seen, sha256 of its body), for MAX_CLOCK_SKEW seconds.
        self._bodies: OrderedDict[tuple[str, str, str], tuple[float, str]] = OrderedDict()

    @property
    def safe_mode(self) -> bool:
        return bool(self.cryptos)

    def verify(self, query: Mapping[str, str]) -> None:
        """The URL's `signature` (every request has one) and a fresh timestamp, or Refused(403)."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not self.token or not timestamp or not nonce:
            raise Refused(403, "missing signature parameters")
        if not _same(sign(self.token, timestamp, nonce), query.get("signature", "")):
            raise Refused(403, "bad signature")
        if self.max_skew is not None:
            try:
                skew = abs(self.clock.now().timestamp() - int(timestamp))
            except ValueError:
                raise Refused(403, "bad timestamp") from None
            if skew > self.max_skew:
                raise Refused(403, f"timestamp {skew:.0f} s off")

    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        """The message a POST carries (`verify` it first); in safe mode decrypted (current key, then previous)."""
        if not self.safe_mode:  # in safe mode msg_signature covers the body
            self._bind(query, body)
        try:
            outer = parse_xml(body)
        except BadXml as exc:
            raise Refused(400, str(exc)) from None
        if not self.safe_mode:
            if outer.get("Encrypt") and not outer.get("FromUserName"):  # safe mode on WeChat's side only
                logger.error("WeChat sends encrypted messages but WECHAT_ENCODING_AES_KEY is not set")
                raise Refused(400, "an encrypted message, and no EncodingAESKey to read it")
            return Opened(outer, None)
        encrypted, msg_signature = outer.get("Encrypt", ""), query.get("msg_signature", "")
        if not encrypted or not msg_signature:
            raise Refused(403, "safe mode: no Encrypt or msg_signature")
        if not _same(sign(self.token, query["timestamp"], query["nonce"], encrypted), msg_signature):
            raise Refused(403, "bad msg_signature")
        for crypto in self.cryptos:
            try:
                inner = crypto.open(encrypted)
            except Exception:  # a wrong key gives garbage: a bad app id, padding, length or encoding
                continue
            try:
                return Opened(parse_xml(inner), crypto)
            except BadXml as exc:
                raise Refused(400, f"decrypted: {exc}") from None
        logger.error("A signed WeChat message opened with no configured key: check WECHAT_ENCODING_AES_KEY")
        raise Refused(400, "cannot decrypt")

    def _bind(self, query: Mapping[str, str], body: bytes) -> None:
        """Refuse a verified query that already came with another body (Refused(403)); remember it otherwise."""
        now = time.monotonic()
        while self._bodies and next(iter(self._bodies.values()))[0] < now - MAX_CLOCK_SKEW:
            self._bodies.popitem(last=False)
        key = (query["timestamp"], query["nonce"], query.get("signature", ""))
        digest = hashlib.sha256(body).hexdigest()
        first = self._bodies.setdefault(key, (now, digest))
        if first[1] != digest:
            raise Refused(403, "a signed query replayed with another body")

    def seal(self, xml: str, crypto: _Crypto | None) -> str:
        """The reply as sent: the XML itself, or in safe mode its encrypted, signed envelope."""
        if crypto is None:
            return xml
        return crypto.seal(xml, secrets.token_hex(8), str(int(self.clock.now().timestamp())))
