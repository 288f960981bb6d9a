"""The conversation: what the bot does with one user action, on any channel. It only routes.

Plain Python: a `Request` in, a list of `Reply` out. It never imports a chat library, so
Telegram, WeChat and the console share every rule. Commands and buttons go where their
feature's declaration says (bot/routes.py `TABLE`, after the role it names is checked); files,
photos and text go to the flow an admin or ambassador is in, else to the FAQ as a question.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot import texts
from bot.fairs.desk import FairDesk
from bot.fairs.editor import FLOWS as FAIR_FLOWS
from bot.fairs.editor import FairEditor
from bot.faq import texts as faq_texts
from bot.faq.admin import AdminDesk
from bot.faq.answers import Answers
from bot.faq.context import Context
from bot.faq.editor import Editor
from bot.flood import FloodGuard, Verdict
from bot.notices import texts as notice_texts
from bot.notices.announce import Announcer
from bot.notices.following import Following, notice_reply
from bot.people.permissions import Actor, NotAllowed, Role, actor_for
from bot.people.privacy import Privacy
from bot.people.roles import RoleDesk
from bot.replies import Reply, Request
from bot.routes import TABLE
from bot.settings import Settings
from bot.store import Announcement, Store
from bot.tables import MAX_FILE_BYTES
from knowledge.entries import FaqEntry
from knowledge.kb import KnowledgeBase
from knowledge.text import clean

logger = logging.getLogger(__name__)

# Telegram's rule for a command: "/" and 1-32 Latin letters, digits or "_" ("/实习" is text).
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(name, args) if `text` is a command as Telegram defines one, else None."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), tuple((match.group(2) or "").split())


@dataclass
class Conversation:
    """Routes a request to the right plain function and returns the replies."""

    settings: Settings
    store: Store
    kb: KnowledgeBase
    flood: FloodGuard
    admin: AdminDesk = field(init=False)
    roles: RoleDesk = field(init=False)
    editor: Editor = field(init=False)
    following: Following = field(init=False)
    announcer: Announcer = field(init=False)
    fairs: FairDesk = field(init=False)
    privacy: Privacy = field(init=False)
    fair_editor: FairEditor = field(init=False)
    context: Context = field(init=False)
    answers: Answers = field(init=False)
    #: How each channel turns an invite code into a link; the Telegram adapter sets its t.me form. A channel
    #: not listed has no invite links (WeChat: ambassadors' parametric QR codes, `python -m bot wechat qrcodes`).
    invite_link_formats: dict[str, str] = field(default_factory=lambda: dict.fromkeys(("telegram", "console"), "/start {code}"))
    #: Told of each question matched: (channel, outcome, seconds); the runtime's monitor counts them.
    on_question: Callable[[str, str, float], None] = lambda channel, outcome, seconds: None

    def __post_init__(self) -> None:
        self.admin = AdminDesk(self.settings, self.store, lambda: self.kb, self.reload_knowledge)
        self.roles = RoleDesk(self.settings, self.store)
        self.editor = Editor(
            self.store,
            lambda: self.kb,
            self.reload_knowledge,
            self.answer,
            self.settings.timezone,
            self.admin.finish_new_entry_review,
        )
        self.following = Following(self.store, lambda channel, code: (
            link.format(code=code) if (link := self.invite_link_formats.get(channel)) else None))
        self.announcer = Announcer(self.settings, self.store, self.render_notice)
        self.privacy = Privacy(self.store)
        self.fairs = FairDesk(self.settings, self.store)
        self.fair_editor = FairEditor(self.settings, self.store)
        self.context = Context(self.store, lambda: self.kb)
        self.answers = Answers(self.settings, self.store, lambda: self.kb, self.context,
                               lambda *question: self.on_question(*question))  # fmt: skip
        self._faq_version = self.store.faq_version()

    def handle(self, request: Request) -> list[Reply]:
        """Respond to one user action; every channel calls this and nothing else."""
        actor = actor_for(self.settings, self.store, request.channel, request.user_id)
        # Admins at work (a review, a flow) press many buttons a minute; only others are limited.
        verdict = Verdict.OK if actor.role is Role.ADMIN else self.flood.check(actor.key)
        if verdict is Verdict.DROP:  # do no work at all for a flood
            return []
        with self.store.batch():  # one commit for the message: seen, its topic, its question logged
            self.store.touch_user(request.channel, request.user_id, clean(request.name), clean(request.username))
            if verdict is Verdict.WARN:
                return [Reply(texts.FLOOD)]
            self._refresh_knowledge()
            try:
                return self.route(actor, request)
            except NotAllowed as refusal:
                logger.warning("Refused %s %r to %s", request.kind, request.text[:40], actor.key)
                return [Reply(notice_texts.NOT_AMBASSADOR if refusal.needed is Role.AMBASSADOR else texts.NOT_ALLOWED)]

    def file_gate(self, request: Request) -> list[Reply] | None:
        """Before a channel downloads an upload: the refusal or size complaint to send, or None to go ahead."""
        if actor_for(self.settings, self.store, request.channel, request.user_id).role is not Role.ADMIN:
            return self.handle(request)  # the core's refusal, counted like any other message
        if request.file_size > MAX_FILE_BYTES:
            return [Reply(faq_texts.FILE_TOO_BIG.format(limit=MAX_FILE_BYTES // 2**20))]
        return None

    def route(self, actor: Actor, request: Request) -> list[Reply]:
        """Where a request goes: its command's or button's family, the flow the user is in, or the FAQ."""
        if request.kind == "command":
            declared = TABLE.command(request.text)
            if declared is None:
                return [Reply(texts.UNKNOWN_COMMAND)]
            command, role = declared
            actor.require(role)
            return command.handler(self, actor, request)
        if request.kind == "button":
            handler = TABLE.button(request.text)
            return handler(self, actor, request) if handler else self.answers.button(request)
        if request.kind == "file":
            files = self.fair_editor if self.fair_editor.importing(actor) else self.editor
            return files.receive_file(actor, request.text, request.file, request.prepared)
        if request.kind == "photo":
            return self._photo(actor, request)
        if request.kind == "other":
            return [Reply(texts.NOT_TEXT)]
        flow = self.store.dialog(actor.channel, actor.user_id) if actor.role is not Role.STUDENT else None
        if flow and flow[0] in ("announce", "reject"):
            return self.announcer.on_text(actor, request.text)
        if flow and actor.role is Role.ADMIN:
            return (self.fair_editor if flow[0] in FAIR_FLOWS else self.editor).on_text(actor, request.text)
        return self.answers.ask(request)

    def _photo(self, actor: Actor, request: Request) -> list[Reply]:
        """A notice's photo while composing one; anywhere else its caption is read as text (a question)."""
        flow = self.store.dialog(actor.channel, actor.user_id) if actor.role is not Role.STUDENT else None
        if flow and flow[0] == "announce" and request.photo:
            return self.announcer.on_photo(actor, request.photo, request.text)
        if not request.text.strip():
            return [Reply(texts.NOT_TEXT)]
        return self.route(actor, replace(request, kind="text", photo=None))

    def reload_knowledge(self) -> None:
        """Re-index the live FAQ (and vocabulary) from the database; the next question uses it."""
        synonyms, cantonese = self.store.synonyms(), self.store.cantonese()
        if synonyms != dict(self.kb.lexicon.synonyms) or cantonese != dict(self.kb.lexicon.cantonese):
            self.kb.replace_lexicon(replace(self.kb.lexicon, synonyms=synonyms, cantonese=cantonese))
        self.kb.replace_entries(self.store.faq_entries(), self.store.faq_categories())
        self._faq_version = self.store.faq_version()

    def _refresh_knowledge(self) -> None:
        """Pick up FAQ changes made by another process (the CLI's import) without a restart."""
        if self.store.faq_version() != self._faq_version:
            logger.info("The FAQ changed elsewhere; re-indexing")
            self.reload_knowledge()

    def apology(self) -> Reply:
        """What a channel says when handling failed unexpectedly: never silence."""
        return Reply(self.answers.fill(texts.ERROR))

    def render_notice(self, announcement: Announcement) -> Reply:
        """A notice as students get it; reminders, digests and fair changes are made from the fair."""
        return notice_reply(announcement) if announcement.kind == "notice" else self.fairs.render(announcement)

    def answer(self, entry: FaqEntry, log_id: int | None = None, note: str = "", english: bool = False) -> Reply:
        """An entry as the student sees it (bot/faq/answers.py); the editor's and the web console's previews."""
        return self.answers.answer(entry, log_id, note, english)

    def ask(self, request: Request) -> list[Reply]:
        """A free-text question, answered and logged (bot/faq/answers.py)."""
        return self.answers.ask(request)
