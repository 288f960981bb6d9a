"""The console chat, driven through a real subprocess as a newcomer would run it."""

import io
import os
import subprocess
import sys
from pathlib import Path

from bot import texts
from bot.channels.console.chat import render, run_console, to_request
from bot.replies import Button, Reply

ROOT = Path(__file__).resolve().parents[3]


def run_bot(tmp_path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update({"DATABASE_PATH": str(tmp_path / "bot.db"), "CONTACT_PHONE": "0769-12345678", "PYTHONPATH": str(ROOT)})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env there: the run must not depend on one
        env=env,
        timeout=60,
    )


def test_without_a_token_the_bot_starts_a_console_chat_that_answers(tmp_path):
    result = run_bot(tmp_path, "三支一福有啥待遇\n东莞天气怎么样\n/quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "本地控制台" in out and "1) 实习与见习" in out  # welcome with numbered menu
    assert "88名" in out  # the typo question was answered
    assert "不在我能解答的范围" in out and "0769-12345678" in out  # the weather question was not
    assert (tmp_path / "bot.db").exists()


def test_numbers_press_the_buttons_of_the_last_reply(tmp_path):
    result = run_bot(tmp_path, "5\n1\n9\n", "chat")
    assert result.returncode == 0, result.stderr
    assert "【基层项目与技能人才】" in result.stdout
    assert "88名" in result.stdout  # 1) was the 三支一扶 question
    assert "没有这个编号" in result.stdout  # there is no 9th button under the answer


def test_render_numbers_buttons_and_to_request_maps_them_back():
    reply = Reply("正文", title="标题", buttons=((Button("甲", "a"), Button("乙", "b")), (Button("丙", "c"),)))
    assert render(reply).splitlines()[:5] == ["【标题】", "正文", "  1) 甲", "  2) 乙", "  3) 丙"]
    choices = reply.all_buttons
    assert to_request("2", choices, "u").text == "b"
    assert to_request("/FAQ", choices, "u").kind == "command"
    assert to_request("见习", choices, "u").kind == "text"
    assert "1-3" in to_request("7", choices, "u")
    assert to_request("7", choices[:1], "u") == texts.CONSOLE_BAD_CHOICE_ONE  # never "1-1 之间"


def test_a_notices_photo_shows_as_a_placeholder_line():
    reply = Reply("📢 周六招聘会", photo="telegram:AgAC", buttons=((Button("🔕 不再接收", "unsub:city"),),))
    assert render(reply).splitlines()[:3] == ["[图片]", "📢 周六招聘会", "  1) 🔕 不再接收"]
    assert "[图片]" not in render(Reply("📢 周六招聘会"))


def test_odd_input_never_crashes_the_console(tmp_path):
    result = run_bot(tmp_path, "²\n/实习补贴\n\n😀\n三支一扶\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "88名" in result.stdout  # the chat went on after the odd lines


def test_undecodable_bytes_are_replaced_not_fatal(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update({"DATABASE_PATH": str(tmp_path / "bot.db"), "PYTHONPATH": str(ROOT)})
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=b"\xff\xfe\xc3(\n\xe4\xb8\x89\xe6\x94\xaf\xe4\xb8\x80\xe6\x89\xb6\n",  # junk, then 三支一扶
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "88名" in result.stdout.decode()


def test_an_unexpected_error_gets_an_apology_and_the_chat_goes_on(conversation, monkeypatch):
    calls = []

    def flaky(text):
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return original(text)

    original = conversation.kb.ask
    monkeypatch.setattr(conversation.kb, "ask", flaky)
    out = io.StringIO()
    run_console(conversation, io.StringIO("三支一扶\n三支一扶\n"), out)
    assert conversation.apology().text in out.getvalue()
    assert "88名" in out.getvalue()


def test_after_one_review_action_the_next_number_still_presses_a_button(tmp_path):
    run_bot(tmp_path, "东莞天气怎么样\n上海的房价多少\n/quit\n", "chat")
    result = run_bot(tmp_path, "/unanswered\n3\n6\n/quit\n", "chat", "--admin")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("已忽略") == 2  # both groups dismissed: "6" was not taken as a question
    assert "答不上来" not in result.stdout and "不在我能解答的范围" not in result.stdout


def test_the_admin_console_is_another_user_than_the_student_console(tmp_path, clock):
    from bot.store import Store

    run_bot(tmp_path, "三支一扶\n/quit\n", "chat", "--admin")
    run_bot(tmp_path, "实习补贴多少钱\n/forgetme\n1\n/quit\n", "chat")  # the student deletes their data
    asked = [(q.external_id, q.text) for q in Store.open(tmp_path / "bot.db", clock).logged_questions()]
    assert asked == [("local-admin", "三支一扶")]  # the admin's question is theirs, not erased with the student's


def test_the_banner_and_the_admin_help_mention_upload(tmp_path):
    result = run_bot(tmp_path, "/help\n/quit\n", "chat", "--admin")
    banner, help_text = result.stdout.split("你>", 1)
    assert "/upload" in banner and "/upload" in help_text


def test_a_reminder_set_in_the_console_says_the_console_does_not_deliver(conversation, clock):
    from datetime import timedelta

    from bot import texts
    from bot.store import iso

    start = clock.now() + timedelta(days=3)
    conversation.store.add_fair("telegram:1", {"title": "招聘会", "kind": "onsite", "city": "东莞", "venue": "会展中心",
                                               "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=3))})  # fmt: skip
    out = io.StringIO()
    run_console(conversation, io.StringIO("/fairs\n1\n/quit\n"), out)
    assert out.getvalue().count(texts.CONSOLE_NOT_DELIVERED) == 1
