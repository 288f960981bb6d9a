"""Telegram: long polling in, HTML messages and inline keyboards out (python-telegram-bot).

adapter.py receives (handlers → `Conversation.handle`), render.py renders, send.py sends; transport.py
is the outbox's way to Telegram users; channel.py runs it all for the runtime (bot/app.py).
"""

CHANNEL = "telegram"
