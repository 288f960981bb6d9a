"""Settings are read once from a mapping, validated, and keep the token secret."""

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_need_no_environment_at_all():
    settings = Settings.from_env({})
    assert settings.telegram_token is None
    assert settings.database_path == Path("data/bot.db")
    assert str(settings.timezone) == "Asia/Shanghai"
    assert "22423955" in settings.contact_phone


def test_values_are_read_from_the_mapping():
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
            "ADMIN_IDS": "1, 2;3",
            "CONTACT_PHONE": "12345",
            "BOT_NAME": "测试助手",
            "ANSWER_THRESHOLD": "0.7",
            "FLOOD_LIMIT_PER_MINUTE": "5",
        }
    )
    assert settings.telegram_token == "123:ABC"
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081"
    assert settings.admin_ids == {1, 2, 3}
    assert settings.placeholders == {"contact_phone": "12345", "bot_name": "测试助手"}
    assert settings.answer_threshold == 0.7
    assert settings.flood_limit_per_minute == 5


def test_empty_values_count_as_unset_so_a_copied_env_example_works():
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": "", "ADMIN_IDS": " "}).telegram_token is None


def test_token_never_appears_in_repr():
    assert "SECRET" not in repr(Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:SECRET"}))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TELEGRAM_BOT_TOKEN": "nocolon"}, "TELEGRAM_BOT_TOKEN"),
        ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"TIMEZONE": "Mars/Base"}, "TIMEZONE"),
        ({"ANSWER_THRESHOLD": "high"}, "ANSWER_THRESHOLD"),
        ({"ANSWER_THRESHOLD": "1.5"}, "ANSWER_THRESHOLD"),
        ({"FLOOD_LIMIT_PER_MINUTE": "0"}, "FLOOD_LIMIT_PER_MINUTE"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "127.0.0.1:8081"}, "TELEGRAM_API_BASE_URL"),
        ({"ANSWER_THRESHOLD": "0.3", "SUGGEST_THRESHOLD": "0.5"}, "SUGGEST_THRESHOLD"),
    ],
)
def test_malformed_values_fail_naming_the_variable(env, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_a_pasted_bot_suffix_on_the_api_url_is_dropped():
    assert Settings.from_env({"TELEGRAM_API_BASE_URL": "http://h:8081/bot/"}).telegram_api_base_url == "http://h:8081"


def test_the_env_example_is_valid_as_copied():
    from dotenv import dotenv_values

    example = Path(__file__).resolve().parent.parent / ".env.example"
    settings = Settings.from_env({k: v or "" for k, v in dotenv_values(example).items()})
    assert settings.telegram_token is None and settings.daily_notice_cap == 3
