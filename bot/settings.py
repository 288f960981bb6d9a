"""Settings: built once, from the environment (and `.env`), in one place.

Everything configurable lives here so that the rest of the code receives a
frozen object instead of reading `os.environ`. Tests pass a plain dict.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import Clock


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names it."""


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _base_url(raw: str) -> str:
    """The Bot API server's root URL; a pasted '.../bot' suffix is dropped (we add it)."""
    url = raw.rstrip("/").removesuffix("/bot")
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"TELEGRAM_API_BASE_URL must start with http:// or https://, got {raw!r}")
    return url


def _web_url(name: str, raw: str) -> str:
    """An http(s) root URL without its trailing slash."""
    url = raw.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must start with http:// or https://, got {url!r}")
    return url


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _quiet_hours(raw: str) -> tuple[time, time]:
    """'22:30-08:00' (local time); an empty range ('00:00-00:00') turns quiet hours off."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise SettingsError(f"QUIET_HOURS must look like 22:30-08:00, got {raw!r}") from None
    return start, end


def _int_set(name: str, raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a comma-separated list of numeric user ids, got {raw!r}") from None


def _float(name: str, raw: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _int(name: str, raw: str, low: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}, got {value}")
    return value


def _wechat(env: Mapping[str, str]) -> dict[str, object]:
    """The WECHAT_* variables; the AES keys must be WeChat's 43 characters."""
    names = {
        "WECHAT_TOKEN": "wechat_token", "WECHAT_APP_ID": "wechat_app_id", "WECHAT_APP_SECRET": "wechat_app_secret",
        "WECHAT_ENCODING_AES_KEY": "wechat_aes_key", "WECHAT_PREVIOUS_ENCODING_AES_KEY": "wechat_previous_aes_key",
        "WECHAT_HOST": "wechat_host", "WECHAT_TEMPLATE_ID": "wechat_template_id",
    }  # fmt: skip
    kwargs: dict[str, object] = {names[k]: v for k, v in env.items() if k in names}
    for name in ("WECHAT_ENCODING_AES_KEY", "WECHAT_PREVIOUS_ENCODING_AES_KEY"):
        if name in env and len(env[name]) != 43:
            raise SettingsError(f"{name} must be the 43 characters WeChat shows, got {len(env[name])}")
    if "WECHAT_API_BASE_URL" in env:
        kwargs["wechat_api_base_url"] = _web_url("WECHAT_API_BASE_URL", env["WECHAT_API_BASE_URL"])
    if "WECHAT_PORT" in env:
        kwargs["wechat_port"] = _int("WECHAT_PORT", env["WECHAT_PORT"], 1)
    if "WECHAT_PATH" in env:
        kwargs["wechat_path"] = "/" + env["WECHAT_PATH"].strip("/")
    if "WECHAT_TEMPLATE_FIELDS" in env:
        kwargs["wechat_template_fields"] = _template_fields(env["WECHAT_TEMPLATE_FIELDS"])
    if "WECHAT_RETENTION_DAYS" in env:
        kwargs["wechat_retention_days"] = _int("WECHAT_RETENTION_DAYS", env["WECHAT_RETENTION_DAYS"], 1)
    return kwargs


def _web(env: Mapping[str, str]) -> dict[str, object]:
    """The WEB_* variables of the admins' web console."""
    kwargs: dict[str, object] = {}
    if "WEB_ENABLED" in env:
        kwargs["web_enabled"] = _bool("WEB_ENABLED", env["WEB_ENABLED"])
    if "WEB_HOST" in env:
        kwargs["web_host"] = env["WEB_HOST"]
    if "WEB_PORT" in env:
        kwargs["web_port"] = _int("WEB_PORT", env["WEB_PORT"], 0)
    if "WEB_PUBLIC_URL" in env:
        kwargs["web_public_url"] = _web_url("WEB_PUBLIC_URL", env["WEB_PUBLIC_URL"])
    if "WEB_SECRET" in env:
        if len(env["WEB_SECRET"]) < 16:
            raise SettingsError("WEB_SECRET must be at least 16 characters (or left empty to generate one)")
        kwargs["web_secret"] = env["WEB_SECRET"]
    if "WEB_SECURE_COOKIES" in env:
        kwargs["web_secure_cookies"] = _bool("WEB_SECURE_COOKIES", env["WEB_SECURE_COOKIES"])
    return kwargs


def _template_fields(raw: str) -> tuple[str, str, str]:
    """'title,text,remark': the template's field names for the notice's first line, its whole text and a hint;
    the first and last may be left empty (the template has no such field), the text's may not."""
    names = [name.strip() for name in raw.split(",")]
    if len(names) > 3 or any(name and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) for name in names):
        raise SettingsError(f"WECHAT_TEMPLATE_FIELDS must be up to 3 field names (title,text,remark), got {raw!r}")
    title, text, remark = (names + ["", ""])[:3] if len(names) > 1 else ("", names[0], "")
    if not text:
        raise SettingsError(f"WECHAT_TEMPLATE_FIELDS needs the field for the notice's text (the second), got {raw!r}")
    return title, text, remark


#: The console's user ids: `chat` is a student, `chat --admin` the operator, each with their own data.
CONSOLE_USER_ID, CONSOLE_ADMIN_ID = "local", "local-admin"


@dataclass(frozen=True)
class Settings:
    """The bot's configuration. Build it with `Settings.from_env()`."""

    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    database_path: Path = Path("data/bot.db")
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    bot_name: str = "莞才助手"
    contact_phone: str = "0769-22423955"
    answer_threshold: float = 0.50  # a floor on the raw score; knowledge/decision.yaml decides above it
    suggest_threshold: float = 0.40
    flood_limit_per_minute: int = 20
    log_level: str = "INFO"
    console_admin: bool = False  # `python -m bot chat --admin`: the operator's own terminal
    announce_requires_approval: bool = True
    quiet_hours: tuple[time, time] = (time(22, 30), time(8, 0))  # local time; notices wait until the end
    daily_notice_cap: int = 3  # notices a student receives per local day at most
    # Messages/s the bot sends at most, answers and notices together: Telegram allows ~30,
    # one is left for an answer that arrives when the second is full.
    send_rate_per_second: float = 29.0
    # WeChat Official Account (公众号): on when token, app id and secret are set (bot/channels/wechat/).
    wechat_token: str | None = field(default=None, repr=False)  # the 令牌 of the developer server URL
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = field(default=None, repr=False)
    wechat_aes_key: str | None = field(default=None, repr=False)  # EncodingAESKey: set = safe mode
    wechat_previous_aes_key: str | None = field(default=None, repr=False)  # still accepted during a key change
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_host: str = "0.0.0.0"
    wechat_port: int = 8080
    wechat_path: str = "/wechat"
    wechat_template_id: str | None = None  # template message for pushes outside the 48-hour window
    # The template's field names for (the notice's first line, its text, a hint); '' = no such field.
    wechat_template_fields: tuple[str, str, str] = ("first", "keyword1", "remark")
    wechat_retention_days: int = 30  # personal data of a student who unfollowed is deleted after this
    # Moves the bot's clock (bot/clock.py) by whole days: for drills and for proving the tests
    # depend on no date. Never set in production.
    clock_offset_days: int = 0
    # Operating it (bot/ops/): nightly backups, /healthz and /metrics, log format.
    backup_dir_setting: Path | None = None  # BACKUP_DIR; default: "backups" beside the database
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = None  # /healthz and /metrics on their own port (WeChat's server serves them too)
    log_format: str = "text"  # or "json": one JSON object a line
    # The admins' web console (bot/web/), served by the bot's own process.
    web_enabled: bool = True
    web_host: str = "127.0.0.1"
    web_port: int = 8000  # 0: any free port (tests)
    web_public_url: str = ""  # how admins' browsers reach it (behind a proxy: https://…); '' = http://host:port
    web_secret: str | None = field(default=None, repr=False)  # signs login links; '' = generated, kept in the DB
    web_secure_cookies: bool = False  # always mark cookies Secure (also done per request behind X-Forwarded-Proto https)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `environ` (default: the process environment).

        Empty values count as unset so that a copied `.env.example` works as is.
        """
        env = {k: v.strip() for k, v in (os.environ if environ is None else environ).items() if v.strip()}
        kwargs: dict[str, object] = {}
        if "TELEGRAM_BOT_TOKEN" in env:
            token = env["TELEGRAM_BOT_TOKEN"]
            if ":" not in token:
                raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (expected '123456:ABC...')")
            kwargs["telegram_token"] = token
        if "TELEGRAM_API_BASE_URL" in env:
            kwargs["telegram_api_base_url"] = _base_url(env["TELEGRAM_API_BASE_URL"])
        if "DATABASE_PATH" in env:
            kwargs["database_path"] = Path(env["DATABASE_PATH"])
        if "ADMIN_IDS" in env:
            kwargs["admin_ids"] = _int_set("ADMIN_IDS", env["ADMIN_IDS"])
        if "TIMEZONE" in env:
            try:
                kwargs["timezone"] = ZoneInfo(env["TIMEZONE"])
            except (ZoneInfoNotFoundError, ValueError):
                raise SettingsError(f"TIMEZONE is not a known time zone: {env['TIMEZONE']!r}") from None
        if "BOT_NAME" in env:
            kwargs["bot_name"] = env["BOT_NAME"]
        if "CONTACT_PHONE" in env:
            kwargs["contact_phone"] = env["CONTACT_PHONE"]
        if "ANSWER_THRESHOLD" in env:
            kwargs["answer_threshold"] = _float("ANSWER_THRESHOLD", env["ANSWER_THRESHOLD"], 0.0, 1.0)
        if "SUGGEST_THRESHOLD" in env:
            kwargs["suggest_threshold"] = _float("SUGGEST_THRESHOLD", env["SUGGEST_THRESHOLD"], 0.0, 1.0)
        if "FLOOD_LIMIT_PER_MINUTE" in env:
            kwargs["flood_limit_per_minute"] = _int("FLOOD_LIMIT_PER_MINUTE", env["FLOOD_LIMIT_PER_MINUTE"], 1)
        if "ANNOUNCE_REQUIRES_APPROVAL" in env:
            kwargs["announce_requires_approval"] = _bool(
                "ANNOUNCE_REQUIRES_APPROVAL", env["ANNOUNCE_REQUIRES_APPROVAL"]
            )
        if "QUIET_HOURS" in env:
            kwargs["quiet_hours"] = _quiet_hours(env["QUIET_HOURS"])
        if "DAILY_NOTICE_CAP" in env:
            kwargs["daily_notice_cap"] = _int("DAILY_NOTICE_CAP", env["DAILY_NOTICE_CAP"], 1)
        if "SEND_RATE_PER_SECOND" in env:
            kwargs["send_rate_per_second"] = _float("SEND_RATE_PER_SECOND", env["SEND_RATE_PER_SECOND"], 0.1, 1000)
        kwargs.update(_wechat(env))
        if "BACKUP_DIR" in env:
            kwargs["backup_dir_setting"] = Path(env["BACKUP_DIR"])
        if "METRICS_HOST" in env:
            kwargs["metrics_host"] = env["METRICS_HOST"]
        if "METRICS_PORT" in env:
            kwargs["metrics_port"] = _int("METRICS_PORT", env["METRICS_PORT"], 1)
        if "LOG_FORMAT" in env:
            if env["LOG_FORMAT"].lower() not in ("text", "json"):
                raise SettingsError(f"LOG_FORMAT must be text or json, got {env['LOG_FORMAT']!r}")
            kwargs["log_format"] = env["LOG_FORMAT"].lower()
        kwargs.update(_web(env))
        if "CLOCK_OFFSET_DAYS" in env:
            try:
                kwargs["clock_offset_days"] = int(env["CLOCK_OFFSET_DAYS"])
            except ValueError:
                raise SettingsError(f"CLOCK_OFFSET_DAYS must be a whole number of days, got {env['CLOCK_OFFSET_DAYS']!r}") from None
        if "LOG_LEVEL" in env:
            level = env["LOG_LEVEL"].upper()
            if level not in LOG_LEVELS:
                raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {env['LOG_LEVEL']!r}")
            kwargs["log_level"] = level
        settings = cls(**kwargs)  # type: ignore[arg-type]
        if settings.suggest_threshold > settings.answer_threshold:
            raise SettingsError("SUGGEST_THRESHOLD must not be above ANSWER_THRESHOLD")
        return settings

    @property
    def backup_dir(self) -> Path:
        return self.backup_dir_setting or self.database_path.parent / "backups"

    def clock(self) -> Clock:
        """A new clock for this process: the machine's time, moved by CLOCK_OFFSET_DAYS."""
        return Clock(timedelta(days=self.clock_offset_days))

    @property
    def web_base_url(self) -> str:
        """Where admins' browsers reach the web console (login links point here)."""
        return self.web_public_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def wechat_enabled(self) -> bool:
        return bool(self.wechat_token and self.wechat_app_id and self.wechat_app_secret)

    def is_configured_admin(self, channel: str, user_id: str) -> bool:
        """Admins named in settings: Telegram ids in ADMIN_IDS, and the console with --admin."""
        if channel == "telegram":
            return user_id.isdecimal() and int(user_id) in self.admin_ids
        return channel == "console" and self.console_admin and user_id == CONSOLE_ADMIN_ID

    @property
    def placeholders(self) -> dict[str, str]:
        """Values substituted into FAQ answers ({contact_phone}, {bot_name})."""
        return {"contact_phone": self.contact_phone, "bot_name": self.bot_name}
