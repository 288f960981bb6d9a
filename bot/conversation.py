"""The conversation: what the bot does with one user action, on any channel.

Plain Python: a `Request` in, a list of `Reply` out. It never imports a chat
library, so Telegram, the console and (later) WeChat share every rule here.

Button actions (all under Telegram's 64-byte limit):

    menu, cat:<id>          open the menu / a category as a new message
    nav:menu, nav:cat:<id>  move inside the menu: the menu message changes in place
    faq:<id>                show an entry
    pick:<log>:<id>         a "did you mean" choice for logged question <log>
    none:<log>              "none of these" for logged question <log>
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot import texts
from bot.admin import AdminDesk
from bot.announce import Announcer
from bot.context import Context
from bot.editor import Editor
from bot.fair_editor import FLOWS as FAIR_FLOWS
from bot.fair_editor import FairEditor
from bot.fairs import FairDesk
from bot.flood import FloodGuard, Verdict
from bot.following import TOPICS, Following
from bot.ids import parse_id
from bot.permissions import Actor, NotAllowed, Role, actor_for
from bot.privacy import Privacy
from bot.replies import Button, Reply, Request
from bot.settings import Settings
from bot.store import Announcement, Store
from bot.tables import MAX_FILE_BYTES
from knowledge.entries import FaqEntry
from knowledge.kb import KnowledgeBase, Outcome
from knowledge.text import MAX_QUESTION_CHARS, clean, is_english

#: An unanswered question scoring below this shares nothing with the FAQ: outside what the bot covers.
OUT_OF_SCOPE_BELOW = 0.15

logger = logging.getLogger(__name__)

# Telegram's rule for a command: "/" and 1-32 Latin letters, digits or "_" ("/实习" is text).
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(name, args) if `text` is a command as Telegram defines one, else None."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), tuple((match.group(2) or "").split())


#: The FAQ entry about job fairs (knowledge-topics.md id); its answer links to /fairs.
JOB_FAIRS_ENTRY = "job-fairs"

#: Commands for ambassadors (and admins).
AMBASSADOR_COMMANDS = frozenset({"announce", "announcements", "invite"})
#: Commands for admins only; a student who sends one is refused politely.
ADMIN_COMMANDS = frozenset(
    {
        "grant",
        "revoke",
        "roles",
        "unanswered",
        "stats",
        "add",
        "edit",
        "delete",
        "history",
        "export",
        "synonyms",
        "synonym",
        "cantonese",
        "addfair",
        "editfair",
        "cancelfair",
        "fairleads",
        "exportfairs",
        "importfairs",
        "console",
    }
)


@dataclass
class Conversation:
    """Routes a request to the right plain function and returns the replies."""

    settings: Settings
    store: Store
    kb: KnowledgeBase
    flood: FloodGuard
    admin: AdminDesk = field(init=False)
    editor: Editor = field(init=False)
    following: Following = field(init=False)
    announcer: Announcer = field(init=False)
    fairs: FairDesk = field(init=False)
    privacy: Privacy = field(init=False)
    fair_editor: FairEditor = field(init=False)
    context: Context = field(init=False)
    #: How each channel turns an invite code into a link; the Telegram adapter sets its t.me form. A channel
    #: not listed has no invite links (WeChat: ambassadors' parametric QR codes, `python -m bot wechat qrcodes`).
    invite_link_formats: dict[str, str] = field(default_factory=lambda: dict.fromkeys(("telegram", "console"), "/start {code}"))
    #: Told of each question matched: (channel, outcome, seconds); the runtime's monitor counts them.
    on_question: Callable[[str, str, float], None] = lambda channel, outcome, seconds: None

    def __post_init__(self) -> None:
        self.admin = AdminDesk(self.settings, self.store, lambda: self.kb, self.reload_knowledge)
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
                return self._route(actor, request)
            except NotAllowed as refusal:
                logger.warning("Refused %s %r to %s", request.kind, request.text[:40], actor.key)
                return [Reply(texts.NOT_AMBASSADOR if refusal.needed is Role.AMBASSADOR else texts.NOT_ALLOWED)]

    def file_gate(self, request: Request) -> list[Reply] | None:
        """Before a channel downloads an upload: the refusal or size complaint to send, or None to go ahead."""
        if actor_for(self.settings, self.store, request.channel, request.user_id).role is not Role.ADMIN:
            return self.handle(request)  # the core's refusal, counted like any other message
        if request.file_size > MAX_FILE_BYTES:
            return [Reply(texts.FILE_TOO_BIG.format(limit=MAX_FILE_BYTES // 2**20))]
        return None

    def _route(self, actor: Actor, request: Request) -> list[Reply]:
        if request.kind == "command":
            if request.text in ADMIN_COMMANDS:
                return self._admin_command(actor, request)
            if request.text in AMBASSADOR_COMMANDS:
                return self._ambassador_command(actor, request.text)
            return self._command(request.text, actor, request.args)
        if request.kind == "button":
            return self._button(actor, request)
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
        return self.ask(request)

    def _photo(self, actor: Actor, request: Request) -> list[Reply]:
        """A notice's photo while composing one; anywhere else its caption is read as text (a question)."""
        flow = self.store.dialog(actor.channel, actor.user_id) if actor.role is not Role.STUDENT else None
        if flow and flow[0] == "announce" and request.photo:
            return self.announcer.on_photo(actor, request.photo, request.text)
        if not request.text.strip():
            return [Reply(texts.NOT_TEXT)]
        return self._route(actor, replace(request, kind="text", photo=None))

    def _ambassador_command(self, actor: Actor, name: str) -> list[Reply]:
        if actor.role is Role.STUDENT:
            return [Reply(texts.NOT_AMBASSADOR)]
        if name == "announce":
            return self.announcer.start(actor)
        if name == "announcements":
            return self.announcer.list(actor)
        return self.following.invite(actor)

    def _admin_command(self, actor: Actor, request: Request) -> list[Reply]:
        actor.require(Role.ADMIN)
        name, args = request.text, request.args
        simple = {
            "grant": lambda: self.admin.grant(actor, request),
            "revoke": lambda: self.admin.revoke(actor, request),
            "roles": lambda: self.admin.roles(actor),
            "unanswered": lambda: self.admin.unanswered(actor, args),
            "stats": lambda: self.admin.stats(actor),
            "add": lambda: self.editor.start_add(actor),
            "edit": lambda: self.editor.start_edit(actor, args),
            "delete": lambda: self.editor.ask_delete(actor, args),
            "history": lambda: self.editor.history(actor, args),
            "export": lambda: self.editor.export(actor, args),
            "synonyms": lambda: self.admin.synonyms(actor, args),
            "synonym": lambda: self.admin.synonyms(actor, args),
            "cantonese": lambda: self.admin.cantonese(actor, args),
            "addfair": lambda: self.fair_editor.start_add(actor),
            "editfair": lambda: self.fair_editor.start_edit(actor, args),
            "cancelfair": lambda: self.fair_editor.ask_cancel(actor, args),
            "fairleads": lambda: self.fair_editor.leads(actor, args),
            "exportfairs": lambda: self.fair_editor.export(actor, args),
            "importfairs": lambda: self.fair_editor.start_import(actor),
            "console": lambda: self.admin.console_link(actor),
        }
        return simple[name]()

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
        return Reply(self._fill(texts.ERROR))

    # -- commands and buttons ---------------------------------------------

    def _command(self, name: str, actor: Actor, args: tuple[str, ...] = ()) -> list[Reply]:
        if name == "cancel":  # anyone may cancel; only admins and ambassadors ever have something to cancel
            return self.editor.cancel(actor)
        if name == "skip" and actor.role is not Role.STUDENT and self.editor.active(actor):
            return self._route(actor, Request(actor.channel, actor.user_id, "text", "/skip"))
        if name == "subscribe":
            return [self.following.subscribe_menu(actor)]
        if name == "mysubs":
            return self.following.my_subscriptions(actor)
        if name == "fairs":
            return [self.fairs.list(admin=actor.role is Role.ADMIN)]
        if name == "myfairs":
            return [self.fairs.mine(actor)]
        if name in ("mydata", "forgetme"):
            return [self.privacy.show(actor) if name == "mydata" else self.privacy.button(actor, "me:forget")]
        if name == "start":
            welcome = Reply(self._fill(texts.WELCOME), buttons=self._menu_buttons())
            followed = self.following.follow_invite(actor, args[0]) if args else None
            return [welcome, followed] if followed else [welcome]
        if name == "help":
            extra = {
                Role.ADMIN: texts.AMBASSADOR_HELP + "\n\n" + texts.ADMIN_HELP,
                Role.AMBASSADOR: texts.AMBASSADOR_HELP,
            }
            help_text = self._fill(texts.HELP) + ("\n\n" + extra[actor.role] if actor.role in extra else "")
            return [Reply(help_text, buttons=((Button(texts.BUTTON_MENU, "menu"),),))]
        if name == "faq":
            return [self.menu()]
        return [Reply(texts.UNKNOWN_COMMAND)]

    def _button(self, actor: Actor, request: Request) -> list[Reply]:
        action = request.text
        if action.startswith(("sub:", "unsub:")):
            return self.following.button(actor, action)
        if action.startswith(("fl:", "fd:", "fr:", "frl:", "fx:", "fc:")):
            return self.fairs.button(actor, action)
        if action.startswith("me:"):
            return [self.privacy.button(actor, action)]
        if action.startswith("an:"):
            return self.announcer.on_button(actor, action.removeprefix("an:"))
        if action.startswith("ed:"):
            return self.editor.on_button(actor, action.removeprefix("ed:"))
        if action.startswith("fe:"):
            return self.fair_editor.on_button(actor, action.removeprefix("fe:"))
        if action.startswith("rv:"):
            result = self.admin.review_button(actor, action.removeprefix("rv:"))
            return self.editor.start_add(actor, question=result[1]) if isinstance(result, tuple) else result
        if action.startswith("rate:"):
            return self._rate(request, action.removeprefix("rate:"))
        navigating = action.startswith("nav:")
        action = action.removeprefix("nav:")
        kind, _, rest = action.partition(":")
        if kind == "menu" and not rest:
            return [replace(self.menu(), replace=navigating)]
        if kind == "cat":
            return [replace(self.category(rest), replace=navigating)]
        if kind == "faq":
            entry = self.kb.get(rest)
            if entry:
                self.context.remember(request.channel, request.user_id, entry.id)
            return [self.answer(entry)] if entry else [Reply(texts.STALE_BUTTON)]
        if kind in ("pick", "none") and not navigating:
            return self._resolve(request, kind, rest)
        # A forged or outdated button: say so, change nothing.
        logger.info("Ignored unknown button action %r from %s:%s", request.text, request.channel, request.user_id)
        return [Reply(texts.STALE_BUTTON)]

    def _resolve(self, request: Request, kind: str, rest: str) -> list[Reply]:
        """A choice under "did you mean": record it for the admins, then answer or apologise."""
        raw_id, _, entry_id = rest.partition(":")
        log_id, entry = parse_id(raw_id), self.kb.get(entry_id) if kind == "pick" else None
        if log_id is None or (kind == "pick" and entry is None):
            return [Reply(texts.STALE_BUTTON)]
        if not self.store.resolve_question(log_id, request.channel, request.user_id, entry_id or None):
            return [Reply(texts.STALE_BUTTON)]
        if entry:
            self.context.remember(request.channel, request.user_id, entry.id)
            asked = self.store.question(log_id)  # the answer is in the language the question was asked in
            return [self.answer(entry, english=bool(asked and is_english(asked.text)))]
        return [Reply(self._fill(texts.NONE_OF_THESE), buttons=self._menu_buttons())]

    def _rate(self, request: Request, rest: str) -> list[Reply]:
        """👍/👎 under an answer: kept with the question; 👎 puts it on the admins' review list."""
        raw_id, _, value = rest.partition(":")
        log_id = parse_id(raw_id)
        if log_id is None or value not in ("up", "down"):
            return [Reply(texts.STALE_BUTTON)]
        if not self.store.rate_question(log_id, request.channel, request.user_id, 1 if value == "up" else -1):
            return [Reply(texts.STALE_BUTTON)]
        return [Reply(texts.RATED if value == "up" else texts.RATED_DOWN)]

    def render_notice(self, announcement: Announcement) -> Reply:
        """A notice as students get it: its photo, the text, its link, and a button to stop that kind of notice."""
        if announcement.kind != "notice":  # reminders, digests, fair changes: made from the fair
            return self.fairs.render(announcement)
        rows: list[tuple[Button, ...]] = []
        if announcement.link_url:
            rows.append((Button(announcement.link_text, url=announcement.link_url),))
        if announcement.topic in TOPICS:
            stop = Button(
                texts.BUTTON_STOP_TOPIC.format(topic=TOPICS[announcement.topic]), f"unsub:topic:{announcement.topic}"
            )
        else:
            label = (
                texts.BUTTON_STOP_ALL
                if announcement.city == "*"
                else texts.BUTTON_STOP_CITY.format(city=announcement.city)
            )
            stop = Button(label, "unsub:city")
        rows.append((stop,))
        return Reply(texts.NOTICE_PREFIX + announcement.text, buttons=tuple(rows), photo=announcement.photo or None)

    def menu(self) -> Reply:
        """The category list; moving inside it changes the same message."""
        return Reply(texts.MENU_TITLE, buttons=self._menu_buttons(nav=True))

    def category(self, category_id: str) -> Reply:
        """The questions of one category, one button each, and a way back."""
        titles = {c.id: c.title for c in self.kb.categories}
        entries = self.kb.in_category(category_id)
        if category_id not in titles or not entries:
            return Reply(texts.STALE_BUTTON, buttons=self._menu_buttons())
        rows = tuple((Button(e.question, f"faq:{e.id}"),) for e in entries)
        return Reply(
            texts.CATEGORY_TITLE.format(title=titles[category_id]),
            buttons=(*rows, (Button(texts.BUTTON_BACK, "nav:menu"),)),
        )

    # -- questions ------------------------------------------------------------

    def ask(self, request: Request) -> list[Reply]:
        """Answer a free-text question, and log it for the admins."""
        text = clean(request.text).strip()
        if not text:
            return [Reply(texts.EMPTY, buttons=self._menu_buttons())]
        if len(text) > MAX_QUESTION_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_QUESTION_CHARS))]
        started = time.perf_counter()
        understood = self.context.ask(request.channel, request.user_id, text)
        outcome = understood.outcome
        self.on_question(request.channel, outcome.kind, time.perf_counter() - started)
        if outcome.kind == "smalltalk":
            return [Reply(self._fill(texts.SMALLTALK[outcome.intent or "ok"]))]
        if outcome.empty:
            return [Reply(texts.EMPTY, buttons=self._menu_buttons())]
        log_id = self._log(request, text, outcome)
        if outcome.kind == "answer" and outcome.entry:
            return [self.answer(outcome.entry, log_id, note=understood.note(self.settings.placeholders),
                                english=outcome.english)]
        if outcome.kind == "suggest":
            rows = tuple((Button(s.question, f"pick:{log_id}:{s.faq_id}"),) for s in outcome.suggestions)
            ask = texts.SUGGEST if len(rows) > 1 else texts.SUGGEST_ONE  # one suggestion is not "these"
            return [Reply(ask, buttons=(*rows, (Button(texts.SUGGEST_NONE_OF_THESE, f"none:{log_id}"),)))]
        # Sharing nothing with the FAQ (the weather) is out of scope; unclear (总共几个) or close is "not answered".
        in_scope = understood.vague or outcome.score >= OUT_OF_SCOPE_BELOW
        no_answer = texts.NO_ANSWER if in_scope else texts.OUT_OF_SCOPE
        return [Reply(self._fill(no_answer), buttons=self._menu_buttons())]

    def answer(self, entry: FaqEntry, log_id: int | None = None, note: str = "", english: bool = False) -> Reply:
        """An entry as the student sees it: question as title, (a note,) answer, source; 👍/👎 when it answered.

        Asked in English: the English answer, or the Chinese one under a line saying there is none yet.
        """
        body = entry.render_answer(self.settings.placeholders, english)
        if english and not entry.answer_en:
            body = texts.NO_ENGLISH_ANSWER + "\n\n" + body
        body = (note + "\n\n" if note else "") + body
        if entry.source:
            body += "\n\n" + texts.ANSWER_SOURCE.format(source=entry.source)
        rows: tuple[tuple[Button, ...], ...] = ((Button(texts.BUTTON_MENU, "menu"),),)
        if entry.id == JOB_FAIRS_ENTRY:  # the answer about job fairs leads to the coming ones
            rows = ((Button(texts.BUTTON_FAIRS, "fl:0::"),), *rows)
        if log_id is not None:
            rating = (Button(texts.RATE_UP, f"rate:{log_id}:up"), Button(texts.RATE_DOWN, f"rate:{log_id}:down"))
            rows = (rating, *rows)
        return Reply(body, title=entry.question, buttons=rows)

    def _log(self, request: Request, text: str, outcome: Outcome) -> int:
        return self.store.log_question(
            request.channel,
            request.user_id,
            text,
            outcome.kind,
            outcome.faq_id,
            outcome.score,
            [s.faq_id for s in outcome.suggestions],
        )

    def _menu_buttons(self, nav: bool = False) -> tuple[tuple[Button, ...], ...]:
        prefix = "nav:cat:" if nav else "cat:"
        buttons = [Button(c.title, prefix + c.id) for c in self.kb.categories]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def _fill(self, template: str) -> str:
        return template.format(**self.settings.placeholders)
