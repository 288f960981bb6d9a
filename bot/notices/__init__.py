"""Notices: following (cities, topics, invites), announcements, and their delivery (sender, pacing)."""
