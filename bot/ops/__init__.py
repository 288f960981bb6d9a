"""Keeping the bot running: backups, health and metrics (issue 15)."""
