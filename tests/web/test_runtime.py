"""The web console inside the bot's process: beside the console chat (`make run` without a token), beside
Telegram's outbox, a port already taken, and `python -m bot web link` for the operator."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import aiohttp

from bot.settings import Settings
from bot.store import Store
from bot.web.app import start_web, stop_web
from tests.conftest import CLOCK_ENV

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECHAT_", "WEB_"))}
    env.update({"DATABASE_PATH": str(tmp_path / "bot.db"), "PYTHONPATH": str(ROOT), **CLOCK_ENV, **extra})
    return env


async def test_make_run_without_a_token_serves_the_console_chat_and_the_web_console(tmp_path):
    port = free_port()
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        [sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, cwd=tmp_path, env=bot_env(tmp_path, WEB_PORT=str(port)),
    ) as process:  # fmt: skip
        reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
        reader.start()
        try:
            link = ""
            while not link:
                line = lines.get(timeout=60)
                if "/login?token=" in line:
                    link = line.strip().split("：", 1)[-1]
            assert link.startswith(f"http://127.0.0.1:{port}/login?token=")
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # unsafe: an IP host
                token = link.split("token=", 1)[1]
                async with http.post(f"http://127.0.0.1:{port}/login", data={"token": token}) as response:
                    assert response.status == 200 and "概览" in await response.text()  # followed to the dashboard
                async with http.get(f"http://127.0.0.1:{port}/try", params={"q": "三支一福有啥待遇"}) as response:
                    assert "sanzhi-yifu" in await response.text()
            process.stdin.write("三支一福有啥待遇\n/quit\n")
            process.stdin.flush()
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
        reader.join(timeout=10)
    said = []
    while not lines.empty():
        said.append(lines.get())
    assert "88名" in "".join(said)  # the chat still answers beside the web console


async def test_the_runtime_serves_the_console_beside_the_bot_and_gives_the_port_back(conversation):
    server = await start_web(conversation)  # WEB_PORT defaults to 8000; the test settings do not set it
    if server is None:  # 8000 taken on this machine (another bot running): the bot must go on without it
        return
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{server.url}/healthz") as response:
            assert await response.text() == "ok"
    finally:
        await stop_web(server)


async def test_a_port_already_taken_leaves_the_bot_running_without_its_web_console(conversation, caplog):
    from dataclasses import replace

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = replace(conversation.settings, web_port=taken.getsockname()[1])
        assert await start_web(conversation, settings=settings) is None
    assert "Web console not started" in caplog.text


async def test_a_free_port_is_named_in_the_links(conversation):
    from dataclasses import replace

    server = await start_web(conversation, settings=replace(conversation.settings, web_port=0))
    try:
        assert server is not None and not server.url.endswith(":0")
    finally:
        await stop_web(server)


def test_the_operator_prints_a_link_for_an_admin_and_none_for_a_student(tmp_path):
    env = bot_env(tmp_path, ADMIN_IDS="123", WEB_PUBLIC_URL="https://console.example.org")
    ok = subprocess.run([sys.executable, "-m", "bot", "web", "link", "telegram:123"], capture_output=True, text=True,
                        cwd=tmp_path, env=env, timeout=60)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("https://console.example.org/login?token=")
    refused = subprocess.run([sys.executable, "-m", "bot", "web", "link", "456"], capture_output=True, text=True,
                             cwd=tmp_path, env=env, timeout=60)  # fmt: skip
    assert refused.returncode == 1 and "不是管理员" in refused.stderr and "token" not in refused.stdout
    store = Store.open(tmp_path / "bot.db")
    try:
        assert store.db["web_login_tokens"].count == 1
        assert all(len(row["token_hash"]) == 64 for row in store.db["web_login_tokens"].rows)  # a hash, not the token
    finally:
        store.close()


def test_web_settings_are_read_and_checked():
    settings = Settings.from_env({"WEB_HOST": "0.0.0.0", "WEB_PORT": "9000", "WEB_SECURE_COOKIES": "yes"})
    assert (settings.web_host, settings.web_port, settings.web_secure_cookies) == ("0.0.0.0", 9000, True)
    assert settings.web_base_url == "http://0.0.0.0:9000"
    for bad in ({"WEB_PORT": "x"}, {"WEB_SECRET": "short"}, {"WEB_PUBLIC_URL": "console.example.org"}):
        try:
            Settings.from_env(bad)
        except ValueError as exc:
            assert next(iter(bad)) in str(exc)
        else:
            raise AssertionError(f"{bad} was accepted")
    assert "secret" not in repr(Settings.from_env({"WEB_SECRET": "s" * 20}))
