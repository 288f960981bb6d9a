"""The admins' command line: roles, FAQ export/import/test, statistics."""

import json

import pytest

from bot.app import build_conversation
from bot.cli import main
from bot.replies import Request
from bot.settings import Settings
from bot.store import Store


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    return tmp_path


def test_roles_are_granted_listed_and_revoked_from_the_cli(env, capsys, clock):
    assert main(["admin", "grant", "42", "ambassador", "--city", "武汉", "--campus", "华中科技大学"]) == 0
    assert main(["admin", "list"]) == 0
    assert "telegram:42\tambassador 武汉 华中科技大学" in capsys.readouterr().out
    assert main(["admin", "revoke", "42"]) == 0
    assert main(["admin", "revoke", "42"]) == 1  # nothing left to revoke
    store = Store.open(env / "bot.db", clock)
    assert [a["actor"] for a in store.audit_entries()] == ["cli", "cli"]


def test_an_ambassador_needs_a_city(env, capsys):
    assert main(["admin", "grant", "42", "ambassador"]) == 2
    assert "--city" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", ["xlsx", "csv", "yaml"])
def test_export_then_import_changes_nothing(env, capsys, suffix, clock):
    assert main(["faq", "export", f"faq.{suffix}"]) == 0
    version = Store.open(env / "bot.db", clock).faq_version()
    assert main(["faq", "import", f"faq.{suffix}", "--yes"]) == 0
    assert "新增 0 条，修改 0 条，删除 0 条" in capsys.readouterr().out
    assert Store.open(env / "bot.db", clock).faq_version() == version


def test_a_bad_file_is_rejected_whole_with_row_numbers(env, capsys, clock):
    (env / "faq.csv").write_text(
        "id,category,question,answer\ncontact,contact,改了,改了\nbad id,contact,q,\n", encoding="utf-8"
    )
    main(["ask", "x"])  # creates and seeds the database
    version = Store.open(env / "bot.db", clock).faq_version()
    assert main(["faq", "import", "faq.csv", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "第 3 行" in err and "没有做任何修改" in err
    assert Store.open(env / "bot.db", clock).faq_version() == version


def test_an_import_reaches_a_running_bot_without_a_restart(env, capsys):
    settings = Settings.from_env({"DATABASE_PATH": str(env / "bot.db")})
    running = build_conversation(settings)
    (env / "faq.yaml").write_text(
        "entries:\n  - {id: contact, category: contact, question: 新的联系问题, answer: '请拨打 {contact_phone}', alternates: [热线号码]}\n",
        encoding="utf-8",
    )
    assert main(["faq", "import", "faq.yaml", "--yes"]) == 0
    [reply] = running.handle(Request("console", "s", "text", "热线号码"))
    assert reply.title == "新的联系问题"


def test_faq_test_reports_each_outcome_and_the_accuracy(env, capsys):
    cases = env / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(c, ensure_ascii=False)
            for c in [
                {"q": "三支一扶", "expect": ["sanzhi-yifu"]},
                {"q": "东莞天气", "expect": []},
                {"q": "校园大使", "expect": ["jianxi"]},
            ]
        ),
        encoding="utf-8",
    )
    assert main(["faq", "test", str(cases)]) == 1  # one expectation is wrong on purpose
    out = capsys.readouterr().out
    assert "准确率：2/3 = 66.7%" in out and "✗ 应为 jianxi" in out


def test_faq_test_reads_a_sheet_with_an_expected_column(env, capsys):
    (env / "cases.csv").write_text("问题,预期编号\n三支一扶,sanzhi-yifu\n东莞天气,无\n随便问问,\n", encoding="utf-8")
    assert main(["faq", "test", "cases.csv"]) == 0
    out = capsys.readouterr().out
    assert "准确率：2/2 = 100.0%" in out and "随便问问" in out


def test_stats_prints_the_same_figures_as_the_chat(env, capsys, clock):
    main(["ask", "x"])  # creates and seeds the database, as a running bot has
    capsys.readouterr()
    store = Store.open(env / "bot.db", clock)
    store.log_question("telegram", "1", "三支一扶", "answer", "sanzhi-yifu", 0.8)
    store.touch_user("telegram", "1", "小明")
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    title = store.faq_entry("sanzhi-yifu").question
    assert "共 1 个问题" in out and f"{title}×1" in out and "sanzhi-yifu" not in out and "累计用户 1 人" in out


FAIR_HEADER = "编号,标题,主办方,形式,开始时间,结束时间,城市,地点,线上链接,面向对象,简介,报名链接"


def _local(clock, days, hour):
    from datetime import timedelta

    settings = Settings.from_env({})
    day = (clock.now() + timedelta(days=days)).astimezone(settings.timezone)
    return day.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


def test_fairs_import_and_export_from_the_command_line(env, capsys, clock):
    start, end = _local(clock, 10, 9), _local(clock, 10, 12)
    (env / "fairs.csv").write_text(f"{FAIR_HEADER}\n,秋季双选会,东莞市人社局,现场,{start},{end},东莞,会展中心,,,,\n",
                                   encoding="utf-8")  # fmt: skip
    assert main(["fairs", "import", "fairs.csv", "--yes"]) == 0
    assert "新增 1 场" in capsys.readouterr().out
    [fair] = Store.open(env / "bot.db", clock).all_fairs()
    assert fair.title == "秋季双选会"
    assert main(["fairs", "export", "out.xlsx"]) == 0
    assert main(["fairs", "import", "out.xlsx", "--yes"]) == 0  # an export imports back unchanged
    assert "没有要导入的变化" in capsys.readouterr().out
    assert len(Store.open(env / "bot.db", clock).all_fairs()) == 1


def test_a_bad_fair_file_is_rejected_whole_with_row_numbers(env, capsys, clock):
    start, end = _local(clock, 10, 9), _local(clock, 10, 12)
    (env / "fairs.csv").write_text(f"{FAIR_HEADER}\n,好的一场,,现场,{start},{end},东莞,会展中心,,,,\n"
                                   f",坏的一场,,现场,明天上午,{end},东莞,会展中心,,,,\n", encoding="utf-8")  # fmt: skip
    assert main(["fairs", "import", "fairs.csv", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "第 3 行" in err and "没有做任何修改" in err
    assert Store.open(env / "bot.db", clock).all_fairs() == []


@pytest.mark.parametrize("command", ["fairs", "faq"])
def test_an_import_without_a_terminal_and_without_yes_fails_politely(env, capsys, clock, monkeypatch, command):
    import io

    start, end = _local(clock, 10, 9), _local(clock, 10, 12)
    (env / "fairs.csv").write_text(f"{FAIR_HEADER}\n,秋季双选会,,现场,{start},{end},东莞,会展中心,,,,\n",
                                   encoding="utf-8")  # fmt: skip
    (env / "faq.csv").write_text("id,category,question,answer\nnew-one,contact,新问题？,新答案。\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: input() would raise EOFError
    assert main([command, "import", f"{command}.csv"]) == 2
    assert "--yes" in capsys.readouterr().err
    store = Store.open(env / "bot.db", clock)
    assert store.all_fairs() == [] and "new-one" not in {e.id for e in store.faq_entries()}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["admin", "grant", "abc", "admin"], "Telegram"),
        (["admin", "grant", "12ab", "admin"], "Telegram"),
        (["admin", "grant", "@zhangsan", "admin"], "@zhangsan"),
        (["admin", "grant", "12345", "admin", "--channel", "wechat"], "openid"),
        (["admin", "revoke", "abc"], "Telegram"),
    ],
)
def test_an_id_that_cannot_be_a_user_is_refused(env, capsys, clock, argv, said):
    assert main(argv) == 2
    assert said in capsys.readouterr().err
    assert Store.open(env / "bot.db", clock).role_grants() == []


def test_a_known_username_and_a_wechat_openid_are_accepted(env, capsys, clock):
    store = Store.open(env / "bot.db", clock)
    store.touch_user("telegram", "4242", "张三", username="zhangsan")
    assert main(["admin", "grant", "@ZhangSan", "admin"]) == 0
    openid = "oAbCdEfGhIjKlMnOpQrStUvWx_-1"
    assert main(["admin", "grant", openid, "ambassador", "--city", "武汉", "--channel", "wechat"]) == 0
    grants = {(g.channel, g.external_id, g.role) for g in Store.open(env / "bot.db", clock).role_grants()}
    assert grants == {("telegram", "4242", "admin"), ("wechat", openid, "ambassador")}
    assert "已授予" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["folder", "impossible"])
def test_a_database_path_that_cannot_hold_the_database_stops_with_the_variable_name(env, capsys, monkeypatch, where):
    (env / "afile").write_text("x")
    path = env if where == "folder" else env / "afile" / "bot.db"  # a file where a folder should be
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(["admin", "list"]) == 2
    err = capsys.readouterr().err
    assert "DATABASE_PATH" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_command_line_speaks_chinese(env, capsys):
    assert main(["admin", "grant", "42", "admin"]) == 0
    assert main(["admin", "list"]) == 0
    assert main(["admin", "revoke", "43"]) == 1
    assert main(["faq", "export", "faq.txt"]) == 2
    out, err = capsys.readouterr()
    assert "已授予 telegram:42" in out and "由 cli 授予" in out and "ADMIN_IDS 里配置的管理员" in out
    assert "没有可收回的角色" in out and "只能导出为" in err
    for english in ("granted", "revoked", "nothing to revoke", "export to", "admins from"):
        assert english not in out + err
