"""The bot token never reaches the log, whatever a library writes at DEBUG."""

from __future__ import annotations

import io
import logging

from bot.app import configure_logging
from bot.logredact import MASK, RedactSecrets

REAL_LOOKING = "7012345678:AAH3kPq9Zr-Xw_2mN4bV6cT8yU0iO1pL5sD"


def test_token_shaped_strings_and_configured_secrets_are_masked_in_message_args_and_traceback() -> None:
    redactor = RedactSecrets(["s3cret-wechat-key"])
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s %s", (
        f"https://api.telegram.org/bot{REAL_LOOKING}/getMe", "s3cret-wechat-key"), None)  # fmt: skip
    try:
        raise RuntimeError(f"cannot reach /bot{REAL_LOOKING}/sendMessage")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert redactor.filter(record)
    text = logging.Formatter().format(record)
    assert REAL_LOOKING not in text and "s3cret-wechat-key" not in text
    assert text.count(MASK) == 3


def test_wechat_query_secrets_are_masked() -> None:
    url = "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=ACCESS_abc-123&x=1"
    token_url = "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3cr3t"
    assert RedactSecrets().redact(url).endswith("access_token=<redacted>&x=1")
    assert RedactSecrets().redact(token_url).endswith("appid=wx1&secret=<redacted>")


async def test_a_debug_run_of_the_bot_writes_no_token(start_bot, api) -> None:
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    saved = root.level, logging.getLogger("httpx").level
    root.addHandler(handler)
    try:
        configure_logging("DEBUG", [api.token])
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # its request lines carry the URL with /bot<token>/
        async with start_bot(LOG_LEVEL="DEBUG"):
            api.send_text(501, "生活补贴怎么申请")
            await api.wait_for_message(501)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        logging.getLogger("httpx").setLevel(saved[1])
        for h in root.handlers:
            for f in [f for f in h.filters if isinstance(f, RedactSecrets)]:
                h.removeFilter(f)
    log = stream.getvalue()
    assert "Set Bot API URL" in log and "/bot" + MASK in log  # PTB's line was written, redacted
    assert api.token not in log
