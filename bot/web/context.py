"""What every page needs: the core it works on, and server-side rendering of Jinja2 templates."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.conversation import Conversation
from bot.notices.delivery import OutgoingMessage
from bot.people.permissions import Actor
from bot.replies import Reply
from bot.settings import Settings
from bot.store import Store

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

#: Sends a message to a user of any channel the process serves (an approval's result to its author).
Notify = Callable[[str, str, OutgoingMessage], Awaitable[None]]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name: students' text is shown inert
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@dataclass
class Console:
    """The core the pages work on: the same conversation (store, knowledge base, rules) as the chat."""

    settings: Settings
    conversation: Conversation
    notify: Notify | None = None
    templates: jinja2.Environment = field(default_factory=_environment)

    @property
    def store(self) -> Store:
        return self.conversation.store

    def local(self, stamp: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """A stored UTC time as the bureau reads it."""
        if not stamp:
            return "-"
        return datetime.fromisoformat(stamp).astimezone(self.settings.timezone).strftime(fmt)

    async def deliver(self, replies: list[Reply]) -> list[Reply]:
        """Send the replies meant for other people (`to`); return the ones for the admin at the screen."""
        mine = []
        for reply in replies:
            if reply.to is None:
                mine.append(reply)
            elif self.notify is not None:
                try:
                    await self.notify(*reply.to, OutgoingMessage.from_reply(reply))
                except Exception:  # the page's action is done; a failed heads-up must not undo it
                    logger.warning("Could not tell %s:%s", *reply.to, exc_info=True)
            else:
                logger.info("No channel running to tell %s:%s: %s", *reply.to, reply.text[:60])
        return mine


CONSOLE = web.AppKey("console", Console)
ACTOR = web.RequestKey("actor", Actor)  # the admin behind this request (set by the gate, checked each time)
CSRF = web.RequestKey("csrf", str)  # the session's token every form carries
FLASH = web.RequestKey("flash", str)  # a one-time message from the previous action

#: The menu, in order: (path, label).
NAV = (
    ("/", "概览"),
    ("/faq", "问答库"),
    ("/try", "试问"),
    ("/unanswered", "待处理问题"),
    ("/notices", "通知审批"),
    ("/fairs", "招聘会"),
    ("/roles", "角色"),
    ("/synonyms", "同义词"),
    ("/cantonese", "粤语词"),
    ("/audit", "操作日志"),
)


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page: the template with the admin, the CSRF token, the menu and a one-time message."""
    console = request.app[CONSOLE]
    actor: Actor | None = request.get(ACTOR)
    html = console.templates.get_template(template).render(
        actor=actor,
        csrf=request.get(CSRF, ""),
        flash=request.get(FLASH, ""),
        nav=NAV,
        path=request.path,
        bot_name=console.settings.bot_name,
        local=console.local,
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
