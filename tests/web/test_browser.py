"""The web console in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright
against the real aiohttp application, in the test's own event loop, on a real database.

Skipped, with the reason, where Chromium or Playwright is missing (.ci/run installs both).
"""

from __future__ import annotations

import asyncio
import copy
import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.app import build_conversation, run_outbox
from bot.replies import Request
from bot.settings import Settings
from bot.store import Store
from bot.web.app import build_web_app, outbox_notify
from bot.web.links import issue_link
from tests.conftest import CLOCK_ENV

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ADMIN = ("telegram", "1")

if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.async_api", reason="Playwright is not installed (pip install playwright)")


@pytest.fixture
def web_conversation(tmp_path, kb, seed, clock):
    """A seeded bot with telegram:1 as admin, notices never held by quiet hours."""
    settings = Settings.from_env({"DATABASE_PATH": str(tmp_path / "bot.db"), "CONTACT_PHONE": "0769-12345678",
                                  "ADMIN_IDS": "1", "QUIET_HOURS": "00:00-00:00", "WEB_PORT": "0", **CLOCK_ENV})  # fmt: skip
    store = Store.open(settings.database_path, clock)
    store.seed_faq(*seed)
    yield build_conversation(settings, store, copy.copy(kb))
    store.close()


@pytest.fixture
async def browser(tmp_path):
    """A fresh headless Chromium (its own user-data dir) with one page."""
    async with playwright_api.async_playwright() as driver:
        context = await driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1200, "height": 900},
        )  # fmt: skip
        context.set_default_timeout(15_000)
        page = context.pages[0] if context.pages else await context.new_page()
        try:
            yield page
        finally:
            await context.close()


async def serve(conversation, notify=None) -> TestServer:
    server = TestServer(build_web_app(conversation.settings, conversation, notify))
    await server.start_server()
    return server


async def log_in(page, server, conversation) -> None:
    """Open a fresh login link as an admin would, and press 登录."""
    link = issue_link(conversation.settings, conversation.store, *ADMIN)
    await page.goto(str(server.make_url("/login")) + "?" + link.split("?", 1)[1])
    await page.get_by_test_id("login").click()
    await page.wait_for_url(str(server.make_url("/")))


async def test_login_by_link_then_an_answer_edit_changes_what_the_bot_answers(web_conversation, browser):
    conversation = web_conversation
    server = await serve(conversation)
    try:
        await log_in(browser, server, conversation)
        assert "概览" in await browser.title()
        await browser.goto(str(server.make_url("/faq")))
        await browser.get_by_label("搜索").fill("三支一扶")
        await browser.get_by_role("button", name="搜索").click()
        await browser.get_by_role("link", name="sanzhi-yifu").click()
        await browser.locator("#f-answer").fill("三支一扶人员每月补贴 4321 元，详询 {contact_phone}。")
        await browser.get_by_role("button", name="预览").click()
        assert "每月补贴 4321 元，详询 0769-12345678" in await browser.get_by_test_id("preview").inner_text()
        await browser.get_by_test_id("save").click()
        await browser.wait_for_selector(".flash")
        assert "已保存" in await browser.locator(".flash").inner_text()
    finally:
        await server.close()
    reply = conversation.handle(Request("telegram", "42", "text", "三支一福有啥待遇"))[0]
    assert "4321 元" in reply.text
    assert conversation.store.entry_history("sanzhi-yifu")[0].actor == "telegram:1"


async def test_an_import_with_bad_rows_shows_each_row_and_changes_nothing(web_conversation, browser):
    conversation = web_conversation
    category = conversation.kb.categories[0].id
    csv = f"编号,分类,问题,答案\ngood-row,{category},好问题,好答案\nBad Id!,{category},问题,答案\nother-row,no-such,问题,\n"
    version = conversation.store.faq_version()
    server = await serve(conversation)
    try:
        await log_in(browser, server, conversation)
        await browser.goto(str(server.make_url("/import/faq")))
        await browser.get_by_test_id("file").set_input_files(
            {"name": "faq.csv", "mimeType": "text/csv", "buffer": csv.encode()}
        )
        await browser.get_by_test_id("check").click()
        problems = await browser.get_by_test_id("import-problems").inner_text()
        assert "第 3 行" in problems and "第 4 行" in problems and "第 2 行" not in problems
    finally:
        await server.close()
    assert conversation.store.faq_version() == version and conversation.kb.get("good-row") is None


class Recorder:
    """The outbox's transport: records what the bot sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, channel, external_id, message):
        self.sent.append((external_id, message.text))
        return str(len(self.sent))

    async def edit(self, channel, external_id, message_id, text):
        self.sent.append((external_id, text))

    async def delete(self, channel, external_id, message_id):
        return True


async def test_approving_a_notice_puts_it_in_the_outbox_and_students_get_it(web_conversation, browser):
    conversation = web_conversation
    store = conversation.store
    for student in ("501", "502"):
        store.set_subscription("telegram", student, city="武汉")
    store.grant_role("telegram", "7", "ambassador", "telegram:1", city="武汉")
    notice = store.create_announcement("telegram:7", "周六武大招聘会，欢迎参加", "武汉", "", store.stamp(), False, "pending")
    recorder = Recorder()
    outbox = await run_outbox(conversation, {"telegram": recorder})
    server = await serve(conversation, outbox_notify(outbox))
    try:
        await log_in(browser, server, conversation)
        await browser.goto(str(server.make_url("/notices")))
        card = browser.get_by_test_id("pending-notice")
        assert "周六武大招聘会" in await card.inner_text()
        await card.get_by_test_id("approve").click()
        await browser.wait_for_selector(".flash")
        for _ in range(100):  # the sender drains the outbox in the background
            if {"501", "502"} <= {who for who, _ in recorder.sent}:
                break
            await asyncio.sleep(0.1)
    finally:
        await server.close()
        await outbox.stop()
    assert store.announcement(notice).reviewed_by == "telegram:1"
    assert store.delivery_counts(notice).get("sent") == 2
    assert any(who == "7" and "#" in text for who, text in recorder.sent)  # the author was told


async def test_the_dashboard_draws_its_charts_at_desktop_and_phone_width(web_conversation, browser, tmp_path):
    conversation = web_conversation
    for n, question in enumerate(["三支一福有啥待遇", "实习补贴多少钱", "东莞天气怎么样", "见习补贴", "创业补贴怎么申请"]):
        conversation.handle(Request("telegram", str(100 + n), "text", question))
    server = await serve(conversation)
    try:
        await log_in(browser, server, conversation)
        await browser.wait_for_selector("body[data-charts=drawn]")
        assert await browser.get_by_test_id("total").inner_text() == "5"
        inked = await browser.evaluate(
            """() => Array.from(document.querySelectorAll('canvas')).map(c => {
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                 return n; })"""
        )
        assert len(inked) == 4 and all(n > 200 for n in inked[:3]), inked  # deliveries may be empty: no bars
        await browser.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        await browser.set_viewport_size({"width": 390, "height": 844})
        await browser.reload()
        await browser.wait_for_selector("body[data-charts=drawn]")
        overflow = await browser.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than a phone"
        await browser.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    finally:
        await server.close()
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
