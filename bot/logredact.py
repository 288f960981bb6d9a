"""Keep the bot's secrets out of the log: a filter that redacts Telegram tokens from every record.

At DEBUG, PTB logs the Bot API URL it uses and httpx logs request URLs; both hold
`/bot<token>/`. `configure_logging` installs `RedactSecrets` on the root logger's handlers,
so whatever a library logs (message, arguments, traceback) is redacted before it is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

#: A Telegram bot token: the bot's id, a colon, and a secret of 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
#: WeChat's API URLs carry the access token (and the token request the app secret) as query parameters.
QUERY_SECRET = re.compile(r"((?:access_token|secret)=)[^&\s\"']+")
MASK = "<redacted>"


class RedactSecrets(logging.Filter):
    """Rewrites each record with every token-shaped string and every configured secret masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return QUERY_SECRET.sub(r"\1" + MASK, TOKEN_PATTERN.sub(MASK, text))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it for the handler to report
            return True
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> RedactSecrets:
    """Put one `RedactSecrets` on each handler of `logger` (the root), replacing an earlier one."""
    logger = logger or logging.getLogger()
    redactor = RedactSecrets(secrets)
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    return redactor
