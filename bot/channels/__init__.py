"""Channels, as peers: one folder each, none importing another.

Each has the same shape: receive (a platform's update → a plain `Request`), the core
(`Conversation.handle`), render (the core's `Reply` → the platform's message), send; and a
transport for the outbox's pushes. The runtime (bot/app.py) starts and stops them.
"""
