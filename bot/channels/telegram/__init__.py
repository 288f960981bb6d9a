"""Telegram: long polling in, HTML messages and inline keyboards out (python-telegram-bot)."""
