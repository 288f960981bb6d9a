"""Single-use login links for the web console: signed, valid 10 minutes, only their hash stored.

A link's token is `<random>.<signature>`: the signature (HMAC-SHA256 with WEB_SECRET, or a key
generated once and kept in the database) lets a forged token be refused before any lookup; the
database keeps sha256(token) with its owner and expiry, and marks it used in the same statement
that checks it, so a link opens one session only, however fast it is replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from bot.people.permissions import Role, actor_for
from bot.settings import Settings
from bot.store import Store

LINK_VALID = timedelta(minutes=10)
LOGIN_PATH = "/login"


def _key(settings: Settings, store: Store) -> bytes:
    return (settings.web_secret or store.web_key()).encode()


def _signature(key: bytes, nonce: str) -> str:
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(settings: Settings, store: Store, channel: str, user_id: str, base_url: str = "") -> str:
    """A login link for an admin (to `base_url`, default the settings'); PermissionError for anyone else."""
    if actor_for(settings, store, channel, user_id).role is not Role.ADMIN:
        raise PermissionError(f"{channel}:{user_id} is not an admin")
    nonce = secrets.token_urlsafe(24)
    token = f"{nonce}.{_signature(_key(settings, store), nonce)}"
    store.add_login_token(token_hash(token), channel, user_id, LINK_VALID)
    store.audit(f"{channel}:{user_id}", "web.link", f"{channel}:{user_id}")
    return f"{base_url or settings.web_base_url}{LOGIN_PATH}?token={token}"


def redeem(settings: Settings, store: Store, token: str) -> tuple[str, str] | None:
    """Use a token once: its (channel, user id) if signed, unused, unexpired and still an admin's; else None."""
    nonce, _, signature = token.partition(".")
    if not nonce or len(token) > 200 or not hmac.compare_digest(signature, _signature(_key(settings, store), nonce)):
        return None
    owner = store.take_login_token(token_hash(token))
    if owner is None or actor_for(settings, store, *owner).role is not Role.ADMIN:
        return None
    return owner


def parse_admin(text: str) -> tuple[str, str]:
    """'telegram:123', 'wechat:oAbc…', 'console:local' or a bare Telegram id → (channel, user id)."""
    channel, _, user_id = text.strip().rpartition(":")
    return (channel or "telegram"), user_id
