"""A `.env` file in the working directory configures the bot; the real environment wins."""

import json
import os

from bot.cli import main


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    for name in ("CONTACT_PHONE", "DATABASE_PATH"):  # recorded, so what .env sets is undone afterwards
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_NAME", "环境助手")
    (tmp_path / ".env").write_text(
        f"DATABASE_PATH={tmp_path / 'env.db'}\nCONTACT_PHONE=0769-55555555\nBOT_NAME=文件助手\n", encoding="utf-8"
    )
    assert main(["ask", "--json", "人社局电话是多少"]) == 0
    assert "0769-55555555" in json.loads(capsys.readouterr().out)["answer"]
    assert (tmp_path / "env.db").exists()
    assert os.environ["BOT_NAME"] == "环境助手"  # not overridden by .env
