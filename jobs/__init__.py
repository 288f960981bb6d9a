"""Scheduled work: releasing due announcements into the outbox (and, later, job-fair reminders).

One APScheduler AsyncIOScheduler with an explicit time zone; the database is
the source of truth, so jobs are rebuilt from it at start-up, never pickled.
"""
