"""The web console over plain HTTP (aiohttp's test client on the real application and a real database):
login links, sessions, roles checked on every request, CSRF, escaping, and each page's actions."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.replies import Request
from bot.web.app import build_web_app
from bot.web.links import issue_link

ADMIN = ("telegram", "1")


@pytest.fixture
def admin_conversation(conversation):
    """The shared conversation, with telegram:1 as an admin granted in the database."""
    conversation.store.grant_role(*ADMIN, "admin", "test")
    return conversation


@contextlib.asynccontextmanager
async def client_for(conversation, notify=None):
    app = build_web_app(conversation.settings, conversation, notify)
    async with TestClient(TestServer(app)) as client:
        yield client


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


async def login(client, conversation, who=ADMIN) -> str:
    """Log in through a fresh link; return the session's CSRF token (read from a page, as a browser would)."""
    token = token_of(issue_link(conversation.settings, conversation.store, *who))
    response = await client.post("/login", data={"token": token}, allow_redirects=False)
    assert response.status == 303, await response.text()
    return await csrf_of(client)


async def csrf_of(client, path="/faq") -> str:
    page = await (await client.get(path)).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


# -- login links and sessions ------------------------------------------------------------------


async def edit_form(client, conversation, csrf: str, entry_id: str, **changes: str) -> dict[str, str]:
    """The FAQ edit form as the page serves it (with its base fingerprint), the entry's fields, then `changes`."""
    page = await (await client.get(f"/faq/{entry_id}")).text()
    base = re.search(r'name="base" value="([^"]*)"', page).group(1)
    entry = conversation.kb.get(entry_id)
    return {"csrf": csrf, "base": base, "category": entry.category, "question": entry.question,
            "answer": entry.answer, "source": entry.source, "alternates": "\n".join(entry.alternates),
            **changes}  # fmt: skip


async def test_a_link_opens_one_session_and_only_once(admin_conversation):
    async with client_for(admin_conversation) as client:
        token = token_of(issue_link(admin_conversation.settings, admin_conversation.store, *ADMIN))
        page = await client.get(f"/login?token={token}")  # the confirmation page does not use the link up
        assert page.status == 200 and 'data-testid="login"' in await page.text()
        first = await client.post("/login", data={"token": token}, allow_redirects=False)
        assert first.status == 303
        cookie = first.cookies["gc_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
        assert (await client.get("/", allow_redirects=False)).status == 200
        client.session.cookie_jar.clear()
        again = await client.post("/login", data={"token": token}, allow_redirects=False)
        assert again.status == 403 and "已经用过" in await again.text()
        assert (await client.get("/", allow_redirects=False)).status == 303  # no session: to the login page


async def test_an_expired_or_forged_link_is_refused(admin_conversation, clock):
    async with client_for(admin_conversation) as client:
        clock.pin(clock.now())
        token = token_of(issue_link(admin_conversation.settings, admin_conversation.store, *ADMIN))
        clock.advance(timedelta(minutes=10, seconds=1))
        assert (await client.post("/login", data={"token": token}, allow_redirects=False)).status == 403
        fresh = token_of(issue_link(admin_conversation.settings, admin_conversation.store, *ADMIN))
        forged = fresh[:-4] + ("0000" if not fresh.endswith("0000") else "1111")
        assert (await client.post("/login", data={"token": forged}, allow_redirects=False)).status == 403
        assert (await client.post("/login", data={"token": "nonsense"}, allow_redirects=False)).status == 403
        assert (await client.post("/login", data={"token": fresh}, allow_redirects=False)).status == 303


async def test_only_admins_get_links(admin_conversation):
    with pytest.raises(PermissionError):
        issue_link(admin_conversation.settings, admin_conversation.store, "telegram", "777")


async def test_an_idle_session_expires(admin_conversation, clock):
    async with client_for(admin_conversation) as client:
        clock.pin(clock.now())
        await login(client, admin_conversation)
        clock.advance(timedelta(minutes=29))
        assert (await client.get("/", allow_redirects=False)).status == 200
        clock.advance(timedelta(minutes=31))
        assert (await client.get("/", allow_redirects=False)).status == 303


async def test_even_a_busy_session_ends_after_twelve_hours(admin_conversation, clock):
    async with client_for(admin_conversation) as client:
        clock.pin(clock.now())
        await login(client, admin_conversation)
        for _ in range(24):
            clock.advance(timedelta(minutes=29))
            assert (await client.get("/faq", allow_redirects=False)).status == 200
        clock.advance(timedelta(minutes=29))  # 12 h 5 min after logging in
        assert (await client.get("/faq", allow_redirects=False)).status == 303


async def test_a_revoked_admin_is_out_at_once(admin_conversation):
    async with client_for(admin_conversation) as client:
        csrf = await login(client, admin_conversation)
        admin_conversation.store.revoke_role(*ADMIN, "admin", "telegram:99")
        response = await client.post("/synonyms", data={"csrf": csrf, "action": "add", "canonical": "补贴", "variant": "钱钱"},
                                     allow_redirects=False)  # fmt: skip
        assert response.status in (303, 403)
        assert "钱钱" not in admin_conversation.store.synonyms().get("补贴", ())
        assert (await client.get("/", allow_redirects=False)).status == 303


async def test_a_session_whose_role_went_away_another_way_is_ended(admin_conversation):
    """Even if only the role row disappears (not through revoke_role), the next request checks it."""
    async with client_for(admin_conversation) as client:
        await login(client, admin_conversation)
        admin_conversation.store.db["roles"].delete((*ADMIN, "admin"))
        response = await client.get("/faq", allow_redirects=False)
        assert response.status == 403 and "不再是管理员" in await response.text()
        assert admin_conversation.store.db["web_sessions"].count == 0


async def test_a_students_link_or_session_gets_nothing(admin_conversation):
    store = admin_conversation.store
    store.grant_role("telegram", "5", "admin", "test")
    async with client_for(admin_conversation) as client:
        token = token_of(issue_link(admin_conversation.settings, store, "telegram", "5"))
        store.revoke_role("telegram", "5", "admin", "test")  # a student again before using it
        assert (await client.post("/login", data={"token": token}, allow_redirects=False)).status == 403
        # A session row for a student (as if planted in the database) opens nothing either.
        from bot.web.links import token_hash

        store.open_web_session(token_hash("student-cookie"), "telegram", "5")
        client.session.cookie_jar.update_cookies({"gc_session": "student-cookie"})
        assert (await client.get("/faq", allow_redirects=False)).status == 403


async def test_cookies_are_secure_behind_tls(admin_conversation):
    async with client_for(admin_conversation) as client:
        token = token_of(issue_link(admin_conversation.settings, admin_conversation.store, *ADMIN))
        response = await client.post("/login", data={"token": token}, headers={"X-Forwarded-Proto": "https"},
                                     allow_redirects=False)  # fmt: skip
        assert response.cookies["gc_session"]["secure"]


async def test_every_change_needs_the_csrf_token(admin_conversation):
    async with client_for(admin_conversation) as client:
        await login(client, admin_conversation)
        entry = admin_conversation.kb.get("sanzhi-yifu")
        form = {"action": "save", "category": entry.category, "question": "改掉", "answer": "改掉了", "alternates": ""}
        for data in (form, {**form, "csrf": "wrong"}):
            response = await client.post("/faq/sanzhi-yifu", data=data, allow_redirects=False)
            assert response.status == 403
        assert admin_conversation.kb.get("sanzhi-yifu").question == entry.question
        assert not list(admin_conversation.store.db["audit_log"].rows_where("action like 'faq.%'"))


# -- pages and actions ----------------------------------------------------------------------------


async def test_every_page_renders_with_security_headers(admin_conversation):
    async with client_for(admin_conversation) as client:
        await login(client, admin_conversation)
        for path in ("/", "/faq", "/faq?q=补贴", "/faq/sanzhi-yifu", "/faq/new", "/try?q=三支一福", "/unanswered",
                     "/notices", "/roles", "/synonyms", "/cantonese", "/audit", "/fairs", "/import/faq"):  # fmt: skip
            response = await client.get(path)
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers["Referrer-Policy"] == "no-referrer"
            title = re.search(r"<title>(.*?)</title>", await response.text(), re.S).group(1)
            assert "<" not in title and len(title) < 60, (path, title)  # a title, not markup
        assert (await client.get("/static/chart.umd.min.js")).status == 200


async def test_an_answer_edit_changes_the_next_answer_and_is_audited(admin_conversation):
    conversation = admin_conversation
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        form = await edit_form(client, conversation, csrf, "sanzhi-yifu",
                               answer="新答案：每人补贴 999 元，电话 {contact_phone}", action="preview")  # fmt: skip
        preview = await client.post("/faq/sanzhi-yifu", data=form)
        assert "999 元，电话 0769-12345678" in await preview.text()  # filled in, as students will see it
        assert "999" not in conversation.kb.get("sanzhi-yifu").answer  # a preview saves nothing
        saved = await client.post("/faq/sanzhi-yifu", data={**form, "action": "save"}, allow_redirects=False)
        assert saved.status == 303
    replies = conversation.handle(Request("telegram", "42", "text", "三支一扶有什么待遇"))
    assert "999 元" in replies[0].text
    audit = list(conversation.store.db["audit_log"].rows_where("action = 'faq.update'"))
    assert audit and audit[-1]["actor"] == "telegram:1"


async def test_a_stale_edit_does_not_overwrite_someone_elses(admin_conversation):
    conversation = admin_conversation
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        form = await edit_form(client, conversation, csrf, "sanzhi-yifu", answer="我的答案", source="",
                               alternates="", action="save")  # fmt: skip
        from dataclasses import replace

        entry = conversation.kb.get("sanzhi-yifu")
        conversation.store.save_entry(replace(entry, answer="别人刚改的答案"), "telegram:2")
        conversation.reload_knowledge()
        response = await client.post("/faq/sanzhi-yifu", data=form)
        assert response.status == 409
        assert conversation.kb.get("sanzhi-yifu").answer == "别人刚改的答案"


async def test_html_in_answers_and_questions_is_shown_inert(admin_conversation):
    conversation = admin_conversation
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        form = {"csrf": csrf, "id": "xss-test", "category": conversation.kb.categories[0].id,
                "question": "<script>alert(1)</script>问题", "answer": "<img src=x onerror=alert(2)>答案",
                "source": "<b>来源</b>", "alternates": "<i>问法</i>", "action": "save"}  # fmt: skip
        assert (await client.post("/faq/new", data=form, allow_redirects=False)).status == 303
        conversation.handle(Request("telegram", "42", "text", "东莞天气<svg onload=alert(3)>"))
        pages = [await (await client.get(p)).text() for p in ("/faq/xss-test", "/faq", "/unanswered", "/audit",
                                                               "/faq/xss-test/history", "/try?q=<script>x</script>")]  # fmt: skip
        for page in pages:
            assert "<script>alert" not in page and "<img src=x" not in page and "<i>问法" not in page and "<svg" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;问题" in pages[0]
        assert "&lt;svg onload=alert(3)&gt;" in pages[2]


async def test_try_a_question_shows_the_top_matches_and_scores(admin_conversation):
    async with client_for(admin_conversation) as client:
        await login(client, admin_conversation)
        page = await (await client.get("/try", params={"q": "三支一福有啥待遇"})).text()
        assert "直接回答" in page and "sanzhi-yifu" in page and "0." in page
        assert admin_conversation.store.db["question_log"].count == 0  # trying is not asking


async def test_an_import_with_bad_rows_lists_them_by_row_and_changes_nothing(admin_conversation):
    conversation = admin_conversation
    version = conversation.store.faq_version()
    csv = "编号,分类,问题,答案\nok-one,{cat},好问题,好答案\nBAD ID,{cat},问题,答案\nok-two,nosuch,问题,答案\n"
    content = csv.format(cat=conversation.kb.categories[0].id).encode()
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        from aiohttp import FormData

        form = FormData()
        form.add_field("csrf", csrf)
        form.add_field("file", content, filename="faq.csv", content_type="text/csv")
        response = await client.post("/import/faq", data=form)
        page = await response.text()
        assert response.status == 400
        assert "第 3 行" in page and "第 4 行" in page
    assert conversation.store.faq_version() == version


async def test_a_good_import_is_summarised_then_applied(admin_conversation):
    from aiohttp import FormData

    conversation = admin_conversation
    csv = f"编号,分类,问题,答案\nbrand-new,{conversation.kb.categories[0].id},新的问题,新的答案\n".encode()
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        form = FormData()
        form.add_field("csrf", csrf)
        form.add_field("file", csv, filename="faq.csv", content_type="text/csv")
        page = await (await client.post("/import/faq", data=form)).text()
        assert "新增 1 条" in page
        fields = dict(re.findall(r'name="(filename|content|version)" value="([^"]*)"', page))
        done = await client.post("/import/faq/apply", data={"csrf": csrf, "mode": "keep", **fields}, allow_redirects=False)
        assert done.status == 303
    assert conversation.kb.get("brand-new") is not None


async def test_unanswered_groups_are_attached_in_bulk(admin_conversation):
    conversation = admin_conversation
    for user in ("41", "42"):
        conversation.handle(Request("telegram", user, "text", "东莞人才公寓怎么申请"))
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        page = await (await client.get("/unanswered")).text()
        handles = re.findall(r'name="group" value="([^"]+)"', page)
        since = re.search(r'name="since" value="([^"]+)"', page).group(1)
        assert handles and "东莞人才公寓怎么申请" in page
        response = await client.post("/unanswered", data={"csrf": csrf, "since": since, "action": "attach",
                                                           "entry": "sanzhi-yifu", "group": handles}, allow_redirects=False)  # fmt: skip
        assert response.status == 303
    assert "东莞人才公寓怎么申请" in conversation.kb.get("sanzhi-yifu").alternates
    assert conversation.store.questions_to_review("0000") == []


async def test_approving_a_notice_schedules_it_and_tells_the_author(admin_conversation):
    conversation = admin_conversation
    store = conversation.store
    announcement_id = store.create_announcement("telegram:7", "周六武汉招聘会", "武汉", "", store.stamp(), True, "pending")
    told = []

    async def notify(channel, user_id, message):
        told.append((channel, user_id, message.text))

    released = []
    conversation.announcer.on_scheduled = lambda: released.append(True)
    async with client_for(conversation, notify) as client:
        csrf = await login(client, conversation)
        assert "周六武汉招聘会" in await (await client.get("/notices")).text()
        response = await client.post(f"/notices/{announcement_id}/approve", data={"csrf": csrf}, allow_redirects=False)
        assert response.status == 303
        again = await client.post(f"/notices/{announcement_id}/approve", data={"csrf": csrf})
        assert "已经处理过" in await again.text() or "处理" in await again.text()
    assert store.announcement(announcement_id).status == "scheduled"
    assert store.announcement(announcement_id).reviewed_by == "telegram:1"
    assert released == [True] and told and told[0][:2] == ("telegram", "7")


async def test_roles_are_granted_and_revoked_with_their_channel(admin_conversation):
    conversation = admin_conversation
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        await client.post("/roles/grant", data={"csrf": csrf, "channel": "wechat", "user_id": "oAbC-123",
                                                "role": "ambassador", "city": "武汉", "campus": "武汉大学"})  # fmt: skip
        assert [g.role for g in conversation.store.roles_of("wechat", "oAbC-123")] == ["ambassador"]
        page = await (await client.get("/roles")).text()
        assert "oAbC-123" in page and "wechat" in page
        bad = await client.post("/roles/grant", data={"csrf": csrf, "channel": "wechat", "user_id": "x",
                                                      "role": "ambassador", "city": "火星"})  # fmt: skip
        assert "城市" in await bad.text()
        await client.post("/roles/revoke", data={"csrf": csrf, "channel": "wechat", "user_id": "oAbC-123", "role": "ambassador"})
        assert conversation.store.roles_of("wechat", "oAbC-123") == []
        audit = await (await client.get("/audit", params={"what": "role."})).text()
        assert "role.grant" in audit and "role.revoke" in audit and "telegram:1" in audit


async def test_the_console_command_gives_admins_a_link_and_students_nothing(admin_conversation):
    conversation = admin_conversation
    reply = conversation.handle(Request("telegram", "1", "command", "console"))[0]
    assert "/login?token=" in reply.text
    refused = conversation.handle(Request("telegram", "42", "command", "console"))[0]
    assert "token=" not in refused.text
    assert conversation.store.db["web_login_tokens"].count == 1


async def test_a_fair_is_added_through_the_chats_guided_flow_in_the_page(admin_conversation, clock):
    from datetime import UTC, datetime

    conversation = admin_conversation
    clock.pin(datetime(2026, 11, 20, 2, tzinfo=UTC))

    def buttons(page: str) -> list[str]:
        return re.findall(r'name="button" value="([^"]+)"', page)

    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        page = await (await client.get("/fairs/desk", params={"start": "add"})).text()

        async def say(text: str) -> str:
            return await (await client.post("/fairs/desk", data={"csrf": csrf, "text": text})).text()

        async def press(part: str, page: str) -> str:
            [action] = [b for b in buttons(page) if b.endswith(part) or b.startswith(part)] or [page[-3000:]]
            return await (await client.post("/fairs/desk", data={"csrf": csrf, "button": action})).text()

        page = await say("2026 东莞冬季人才招聘会")
        page = await press(":onsite", page)
        await say("12月1日 9:30")
        page = await say("11:30")
        page = await press(":东莞", page)
        for text in ("东莞国际会展中心 3 号馆", "东莞市人力资源和社会保障局", "跳过", "跳过"):
            page = await say(text)
        page = await say("https://example.com/signup")
        assert conversation.store.all_fairs() == []  # nothing before the confirmation
        page = await press("fe:save:", page)
        assert "#" in page
        [fair] = conversation.store.all_fairs()
        assert fair.title == "2026 东莞冬季人才招聘会" and fair.starts_at == "2026-12-01T01:30:00+00:00"
        listing = await (await client.get("/fairs")).text()
        assert "2026 东莞冬季人才招聘会" in listing
    assert conversation.store.audit_entries()[0]["action"] == "fair.add"
    assert conversation.store.audit_entries()[0]["actor"] == "telegram:1"


async def test_a_wechat_admin_gets_a_link_too_and_logging_out_ends_the_session(admin_conversation):
    conversation = admin_conversation
    conversation.store.grant_role("wechat", "oAdmin-1", "admin", "telegram:1")
    reply = conversation.handle(Request("wechat", "oAdmin-1", "command", "console"))[0]
    async with client_for(conversation) as client:
        response = await client.post("/login", data={"token": token_of(re.search(r"http\S+", reply.text).group())}, allow_redirects=False)
        assert response.status == 303
        csrf = await csrf_of(client)
        assert "wechat:oAdmin-1" in await (await client.get("/")).text()
        assert (await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)).status == 303
        assert conversation.store.db["web_sessions"].count == 0
        assert (await client.get("/", allow_redirects=False)).status == 303
    logins = [r for r in conversation.store.audit_entries() if r["action"] == "web.login"]
    assert logins and logins[0]["actor"] == "wechat:oAdmin-1"


async def test_an_admin_composes_a_notice_through_the_chats_flow_in_the_page(admin_conversation):
    conversation = admin_conversation
    released = []
    conversation.announcer.on_scheduled = lambda: released.append(True)
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        page = await (await client.get("/notices/compose")).text()

        async def say(text: str) -> str:
            return await (await client.post("/notices/compose", data={"csrf": csrf, "text": text})).text()

        async def press(start: str, end: str, page: str) -> str:
            [action] = [b for b in re.findall(r'name="button" value="([^"]+)"', page) if b.startswith(start) and b.endswith(end)]
            return await (await client.post("/notices/compose", data={"csrf": csrf, "button": action})).text()

        page = await say("周六武汉大学专场招聘会，欢迎参加")
        page = await say("跳过")
        page = await press("an:city:", ":武汉", page)
        page = await press("an:topic:", ":", page)
        page = await press("an:time:", ":now", page)
        assert "📢 周六武汉大学专场招聘会" in page  # the preview, as students will see it
        assert conversation.store.announcements(kind="notice") == []
        page = await press("an:go:", "", page)
    [notice] = conversation.store.announcements(kind="notice")
    assert (notice.author, notice.city, notice.status) == ("telegram:1", "武汉", "scheduled") and released


async def test_the_default_reminder_leads_are_set_as_with_fairleads(admin_conversation):
    conversation = admin_conversation
    async with client_for(conversation) as client:
        csrf = await login(client, conversation)
        page = await (await client.post("/fairs/leads", data={"csrf": csrf, "leads": "3h 15m"})).text()
        assert "3 小时" in page or "3小时" in page
        assert conversation.store.fair_lead_defaults() == (180, 15)
        page = await (await client.post("/fairs/leads", data={"csrf": csrf, "leads": "7h"})).text()
        assert conversation.store.fair_lead_defaults() == (180, 15)  # not one of the choices: refused, unchanged


async def test_an_admin_extends_the_cantonese_table_in_the_page(admin_conversation):
    async with client_for(admin_conversation) as client:
        csrf = await login(client, admin_conversation)
        form = {"csrf": csrf, "action": "add", "word": "学生哥", "mandarin": "学生"}
        page = await client.post("/cantonese", data=form)
        assert page.status == 200 and "学生哥" in await page.text()
        assert admin_conversation.store.cantonese()["学生哥"] == "学生"
        assert admin_conversation.kb.analyzer.cantonese.to_mandarin("我系学生哥") == "我是学生"
        await client.post("/cantonese", data={"csrf": csrf, "action": "remove", "word": "学生哥"})
        assert "学生哥" not in admin_conversation.store.cantonese()
