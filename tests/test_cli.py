"""`python -m bot ask`: the admins' way to check how the knowledge base answers."""

import json

import pytest

from bot.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    monkeypatch.setenv("CONTACT_PHONE", "0769-12345678")
    return tmp_path


def test_ask_json_prints_one_object_with_the_documented_schema(env, capsys):
    assert main(["ask", "--json", "實習補貼有多少"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"outcome", "faq_id", "answer", "score", "suggestions"}
    assert result["outcome"] == "answer" and result["faq_id"] == "internship-subsidy"
    assert "9000元" in result["answer"] and "0769-12345678" in result["answer"]
    assert 0 < result["score"] <= 1


def test_ask_file_prints_one_json_line_per_question_in_order(env, capsys):
    questions = env / "q.txt"
    questions.write_text("\ufeff你好\n三支一扶\n东莞天气怎么样\n\n", encoding="utf-8")
    assert main(["ask", "--file", str(questions)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["outcome"] for r in lines] == ["smalltalk", "answer", "none", "none"]
    assert lines[1]["faq_id"] == "sanzhi-yifu"
    assert lines[2]["faq_id"] is None and lines[2]["answer"] is None


def test_ask_plain_is_human_readable(env, capsys):
    assert main(["ask", "三支一扶"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("结果：answer") and "sanzhi-yifu" in out


def test_ask_does_not_write_to_the_question_log(env, capsys, clock):
    main(["ask", "东莞天气怎么样"])
    from bot.store import Store

    assert Store.open(env / "bot.db", clock).logged_questions() == []


@pytest.mark.parametrize("args", [["ask"], ["ask", "q", "--file", "x.txt"], ["ask", "--file", "missing.txt"]])
def test_ask_usage_errors_exit_2_with_a_message(env, capsys, args):
    assert main(args) == 2
    assert capsys.readouterr().err


def test_a_malformed_setting_stops_with_its_name(env, capsys, monkeypatch):
    monkeypatch.setenv("ANSWER_THRESHOLD", "lots")
    assert main(["ask", "x"]) == 2
    assert "ANSWER_THRESHOLD" in capsys.readouterr().err


def test_ask_conversations_prints_the_last_turn_of_each_conversation(env, capsys, clock):
    conversations = env / "c.jsonl"
    lines = [
        {"turns": ["三支一扶是什么", "东莞天气怎么样"]},
        {"turns": ["三支一扶"]},
        {"turns": ["三支一扶是什么", "那要满足啥条件"]},
        {"turns": ["那要满足啥条件"]},  # a fresh context: the conversation before it is not remembered
    ]
    conversations.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in lines) + "\n\n", encoding="utf-8")
    assert main(["ask", "--json", "--file", str(conversations), "--conversations"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["outcome"] for r in results] == ["none", "answer", "answer", "none"]
    assert set(results[1]) == {"outcome", "faq_id", "answer", "score", "suggestions"}
    assert results[1]["faq_id"] == results[2]["faq_id"] == "sanzhi-yifu"
    from bot.store import Store

    store = Store.open(env / "bot.db", clock)  # the bot's own conversations are untouched
    assert store.db["conversation_topics"].count == 0 and store.logged_questions() == []
    store.close()


@pytest.mark.parametrize("line", ['{"turns": []}', '["a"]', "not json", '{"turns": [1]}'])
def test_ask_conversations_names_a_malformed_line(env, capsys, line):
    conversations = env / "c.jsonl"
    conversations.write_text('{"turns": ["三支一扶"]}\n' + line + "\n", encoding="utf-8")
    assert main(["ask", "--file", str(conversations), "--conversations"]) == 2
    assert "第 2 行" in capsys.readouterr().err


def test_ask_conversations_needs_a_file(env, capsys):
    assert main(["ask", "三支一扶", "--conversations"]) == 2
