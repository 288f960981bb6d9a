"""The store: the one owner of SQL. Everything persistent goes through here.

`Store` is assembled from one mixin per concern (faq.py, people.py,
questions.py) over one sqlite-utils database; schema.py holds the migrations.
"""

from bot.store.base import Store
from bot.store.fairs import FAIR_FIELDS, Fair, Reminder
from bot.store.faq import Revision
from bot.store.outbox import Announcement, Delivery, Subscription
from bot.store.people import RoleGrant
from bot.store.questions import LoggedQuestion
from bot.store.schema import MIGRATIONS, NotFoundError, iso, parse_iso

__all__ = [
    "FAIR_FIELDS",
    "MIGRATIONS",
    "Announcement",
    "Delivery",
    "Fair",
    "Reminder",
    "iso",
    "parse_iso",
    "LoggedQuestion",
    "NotFoundError",
    "Revision",
    "RoleGrant",
    "Store",
    "Subscription",
]
