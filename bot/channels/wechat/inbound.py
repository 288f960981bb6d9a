"""WeChat adapter, receiving side: WeChat's HTTP callbacks in, the core's replies out.

WeChat POSTs each message to the developer server URL and waits 5 seconds for
the passive reply; without one it retries (3 times, ~5 s apart). So:

- every request is verified first (envelope.py); a bad one gets 403 (400 when
  unreadable, 413 when oversized) and causes nothing at all;
- each message is handled once (dedupe key kept in the store: a retry may
  reach a restarted process); a retry shares the turn still in memory;
- the first text message of the answer is the passive reply; the rest (a long
  answer in pieces, replies addressed to someone else) go out through `push`,
  and so does the whole answer when the core needed more than `deadline`;
- a reply addressed to someone else is pushed as the core made it (buttons and
  all), so a Telegram admin gets real buttons; WeChat's transport numbers them;
- a file the core attaches (Telegram sends it as a document) cannot go out on
  WeChat: a fair's calendar file becomes the fair to copy into the calendar and
  a "提醒我" choice; any other file, a note saying where to get it.

The core runs on the event loop, as with Telegram (the SQLite connection
belongs to this thread): the deadline cannot interrupt a slow turn, it decides
after the turn whether the answer still goes back passively or is pushed. The
deadline counts from the request's arrival (stamped by the app's first
middleware), and turns run one after another from a queue, giving the loop
back every 50 ms: a burst of turns cannot hold up the timers that
answer "success" on time, nor the reading of requests arriving meanwhile (one
task per turn would run a whole backlog in one pass of the loop: every reply late).
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from aiohttp import web

from bot import texts
from bot.channels.wechat.envelope import Envelope, Refused
from bot.channels.wechat.messages import CHANNEL, dedupe_key, event, text_reply, to_request
from bot.channels.wechat.render import calendar_fair_id, render
from bot.channels.wechat.xml_safety import MAX_BODY_BYTES
from bot.conversation import Conversation
from bot.fairs import texts as fair_texts
from bot.fairs.desk import fair_card, fair_links
from bot.notices.delivery import OutgoingMessage
from bot.replies import Button, Reply, Request
from bot.settings import Settings
from bot.store import NotFoundError, Store

logger = logging.getLogger(__name__)

#: Seconds within which the passive reply must be ready (WeChat waits 5).
DEADLINE = 4.5
#: Seconds a finished turn is kept for WeChat's retries (they come within ~15 s).
TURN_MEMORY = 60.0
#: Seconds of turns run back to back before the loop gets its passes (timers, requests arriving): well
#: inside the deadline's 0.5 s margin; 5 ms slices measured fewer questions/s (240/s failed, 50 ms passes).
TURN_SLICE = 0.05
#: Passes of the loop between two slices: a request's bytes reach its handler in about four (a new
#: connection accepted, its bytes read, aiohttp's reader woken, the handler task started), so one that
#: arrived during a slice is stamped before the next slice runs. Each pass costs a few µs when idle.
LOOP_PASSES = 4
#: Where the first middleware stamps a request's arrival (loop time).
ARRIVED = web.RequestKey("wechat_arrived", float)

#: Sends one message to a user outside the passive reply, on any channel: push(channel, external_id, message).
Push = Callable[[str, str, OutgoingMessage], Awaitable[None]]


@dataclass
class _Turn:
    """One message being answered; its retries wait for the same result."""

    openid: str
    task: asyncio.Future[tuple[str, ...]]
    #: Decided by the first request that got the result or gave up waiting: passive reply or push it all.
    mode: Literal["passive", "push"] | None = None
    messages: tuple[str, ...] = field(default=())


class Inbound:
    """The request handler and what it remembers between requests."""

    def __init__(self, settings: Settings, conversation: Conversation, push: Push | None, deadline: float) -> None:
        self.settings = settings
        self.conversation = conversation
        self.store: Store = conversation.store
        self.envelope = Envelope(settings, self.store.clock)
        self.push = push
        self.deadline = deadline
        self._turns: dict[str, _Turn] = {}
        #: (when it is forgotten, key) of each turn, oldest first (TURN_MEMORY is one span for all): forgotten
        #: before the next lookup, instead of a timer a turn (36,000 in the loop's heap at 600 questions/s).
        self._expiry: deque[tuple[float, str]] = deque()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._queue: deque[tuple[Request | str, str, asyncio.Future[tuple[str, ...]]]] = deque()
        self._worker: asyncio.Task[None] | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        arrived = request.get(ARRIVED) or asyncio.get_running_loop().time()
        try:
            self.envelope.verify(request.query)
            if request.method != "POST":  # URL verification: echo WeChat's random string
                return web.Response(text=request.query.get("echostr", ""), content_type="text/plain")
            body = await request.read()  # over client_max_size: 413, nothing read further
            opened = self.envelope.open(request.query, body)
            if not opened.message.get("FromUserName") or not opened.message.get("MsgType"):
                raise Refused(400, "not a WeChat message")
        except Refused as exc:
            logger.warning("Refused a WeChat request from %s: %s", request.remote, exc)
            return web.Response(status=exc.status, text="")
        passive = await self._passive(opened.message, arrived)
        if passive is None:
            return web.Response(text="success", content_type="text/plain")
        xml = self.envelope.seal(text_reply(opened.message, passive, self.store.clock.now()), opened.crypto)
        return web.Response(text=xml, content_type="application/xml")

    async def _passive(self, message: dict[str, str], arrived: float) -> str | None:
        """The passive reply's text for `message` (None: answer "success"), handling it once."""
        loop = asyncio.get_running_loop()
        key = dedupe_key(message)
        while self._expiry and self._expiry[0][0] <= loop.time():
            self._turns.pop(self._expiry.popleft()[1], None)
        turn = self._turns.get(key)
        if turn is None:
            if self.store.seen_before(key):  # a retry that reached another (restarted) process
                logger.info("WeChat retry %s already handled", key)
                return None
            try:
                request = self._request(message)
            except Exception:  # not handled after all (the database was busy): WeChat's retry may try again
                self.store.forget_seen(key)
                raise
            if request is None:
                return None
            turn = _Turn(message["FromUserName"], self._enqueue(request, message["FromUserName"]))
            self._turns[key] = turn
            self._expiry.append((loop.time() + TURN_MEMORY, key))
        remaining = self.deadline - (loop.time() - arrived)
        if not turn.task.done() and remaining > 0:
            await asyncio.wait({turn.task}, timeout=remaining)
        if turn.mode is None:  # the first request to get here decides, its retries follow
            in_time = turn.task.done() and loop.time() - arrived <= self.deadline
            turn.mode = "passive" if in_time else "push"
            if in_time:
                turn.messages = turn.task.result()
            else:
                logger.warning("The answer to %s took over %.1f s: pushing it", key, self.deadline)
            if turn.mode == "push" or len(turn.messages) > 1:  # else all of it is the passive reply: no task
                self._background(self._deliver(turn))
        return turn.messages[0] if turn.mode == "passive" and turn.messages else None

    def _request(self, message: dict[str, str]) -> Request | str | None:
        """What the core should do (a str: the channel's own answer); follows and unfollows are recorded."""
        openid, name = message["FromUserName"], event(message)
        if name in ("subscribe", "scan"):
            self.store.mark_followed(CHANNEL, openid)
        elif name == "unsubscribe":
            self.store.mark_unfollowed(CHANNEL, openid)
        return to_request(message, lambda user, n: self.store.choice(CHANNEL, user, n))

    def _enqueue(self, request: Request | str, openid: str) -> asyncio.Future[tuple[str, ...]]:
        """Queue a turn; the future gets its messages."""
        future: asyncio.Future[tuple[str, ...]] = asyncio.get_running_loop().create_future()
        self._queue.append((request, openid, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._work())
            self._tasks.add(self._worker)
            self._worker.add_done_callback(self._tasks.discard)
        return future

    async def _work(self) -> None:
        """Run the queued turns in order, letting the loop run between slices of TURN_SLICE."""
        while self._queue:
            started = time.perf_counter()
            while self._queue and time.perf_counter() - started < TURN_SLICE:
                request, openid, future = self._queue.popleft()
                messages = self._run(request, openid)
                if not future.done():
                    future.set_result(messages)
            for _ in range(LOOP_PASSES):
                await asyncio.sleep(0)

    def _run(self, request: Request | str, openid: str) -> tuple[str, ...]:
        """One turn of the core: the sender's messages; replies for others are pushed to them. A str is the
        channel's own answer (a number that presses nothing): the core and the live choices are left alone."""
        if isinstance(request, str):
            self.store.touch_user(CHANNEL, openid)  # the user wrote: WeChat's 48 hours start again
            return (html.escape(request),)
        try:
            with self.store.batch():  # the turn and its numbered choices: one commit
                replies = self.conversation.handle(request)
                own = [self._without_file(r) for r in replies if r.to is None or r.to == (CHANNEL, request.user_id)]
                rendered = render(own)
                first = self.store.number_turn(CHANNEL, request.user_id, rendered.offers)
            rendered = render(own, first) if first != 1 else rendered
        except Exception:
            logger.exception("Unhandled error while handling %s", request)
            replies, rendered = [], render([self.conversation.apology()])
        elsewhere = [(*r.to, OutgoingMessage.from_reply(r)) for r in replies
                     if r.to is not None and r.to != (CHANNEL, request.user_id)]  # fmt: skip
        if elsewhere:  # one task: each recipient gets their messages in order
            self._background(self._push(elsewhere))
        return tuple(m for m in rendered.messages if m.strip())

    def _without_file(self, reply: Reply) -> Reply:
        """The reply as WeChat can carry it: no document (see the module's docstring)."""
        if reply.document is None:
            return reply
        fair_id = calendar_fair_id(reply.document)
        try:
            fair = self.store.fair(fair_id) if fair_id is not None else None
        except NotFoundError:
            fair = None
        if fair is None:
            return replace(reply, text=texts.WECHAT_NO_FILE.format(name=reply.document[0]), document=None)
        remind = [(Button(fair_texts.BUTTON_FAIR_REMIND.format(n="").strip(), f"fr:{fair.id}"),)]
        return Reply(texts.WECHAT_CALENDAR.format(card=fair_card(fair, self.settings.timezone)),
                     buttons=(*fair_links(fair), *(remind if fair.status == "active" else [])))  # fmt: skip

    async def _deliver(self, turn: _Turn) -> None:
        """After the passive reply: push the rest; after a timeout: push everything once it is ready."""
        if turn.mode == "push":
            turn.messages = await turn.task
        rest = turn.messages[1:] if turn.mode == "passive" else turn.messages
        await self._push([(CHANNEL, turn.openid, OutgoingMessage(text, markup=True)) for text in rest])

    async def _push(self, messages: Sequence[tuple[str, str, OutgoingMessage]]) -> None:
        """Send (channel, external_id, message)s in order; after a failure, nothing more to that recipient."""
        messages = [m for m in messages if m[2].text.strip()]
        if messages and self.push is None:
            logger.warning("No WeChat push configured: %s message(s) dropped", len(messages))
            return
        failed: set[tuple[str, str]] = set()
        for channel, external_id, message in messages:
            if (channel, external_id) in failed:
                continue  # the rest would arrive out of order
            try:
                await self.push(channel, external_id, message)  # type: ignore[misc]
            except Exception:
                logger.exception("Could not push a message to %s:%s", channel, external_id)
                failed.add((channel, external_id))

    def _background(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every push this handler started is done (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self, timeout: float = 10.0) -> None:
        """On shutdown: let the pushes in flight finish (up to `timeout`), then cancel what is left."""
        try:
            await asyncio.wait_for(self.idle(), timeout)
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()


#: Where the app keeps its handler: `app[INBOUND].idle()` waits for its pushes.
INBOUND = web.AppKey("wechat_inbound", Inbound)


@web.middleware
async def _stamp_arrival(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:  # fmt: skip
    """Stamp the request's arrival before any other middleware: WeChat's 5 s count from there."""
    request[ARRIVED] = asyncio.get_running_loop().time()
    return await handler(request)


def build_wechat_app(
    settings: Settings, conversation: Conversation, *, push: Push | None = None, deadline: float = DEADLINE
) -> web.Application:
    """The aiohttp app serving WeChat's callbacks at settings.wechat_path (GET: verification, POST: messages)."""
    if not settings.wechat_token:
        raise ValueError("WECHAT_TOKEN is not set")
    if settings.wechat_aes_key and not settings.wechat_app_id:
        raise ValueError("Safe mode (WECHAT_ENCODING_AES_KEY) needs WECHAT_APP_ID")
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_stamp_arrival])
    inbound = Inbound(settings, conversation, push, deadline)
    app[INBOUND] = inbound
    app.router.add_route("GET", settings.wechat_path, inbound.handle)
    app.router.add_route("POST", settings.wechat_path, inbound.handle)

    async def close(_: web.Application) -> None:
        await inbound.close()

    app.on_cleanup.append(close)
    return app


def purge_unfollowed(store: Store, now: datetime, retention_days: int) -> int:
    """Delete the personal data of WeChat users who unfollowed over `retention_days` ago (for a daily job)."""
    purged = store.purge_unfollowed(now - timedelta(days=retention_days))
    if purged:
        logger.info("Purged the data of %s WeChat user(s) who unfollowed", purged)
    return purged
