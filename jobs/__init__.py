"""Scheduled jobs: job-fair reminders and digests (one APScheduler, rebuilt from the database).

Empty until the job-fairs issue; it lives here so that bot/ never grows a scheduler of its own.
"""
