"""A person's own data: see what the bot keeps (/mydata) and delete it (/forgetme).

Plain core functions. Buttons:

    me:forget      ask to delete (a confirmation follows)
    me:forget:yes  delete everything personal, now
    me:keep        changed their mind
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot import texts
from bot.faq.context import TOPIC_MINUTES
from bot.notices.following import TOPICS
from bot.people import texts as people_texts
from bot.people.permissions import Actor
from bot.replies import Button, Reply
from bot.store import Store


@dataclass
class Privacy:
    store: Store

    def show(self, actor: Actor) -> Reply:
        """Everything the bot keeps about this person, in plain words, with the delete button."""
        data = self.store.personal_data(actor.channel, actor.user_id)
        user, sub = data["user"] or {}, data["subscription"] or {}
        topics = "、".join(TOPICS.get(t, t) for t in json.loads(sub.get("topics") or "[]"))
        text = people_texts.MYDATA.format(
            channel=people_texts.CHANNELS.get(actor.channel, actor.channel),
            user_id=actor.user_id,
            name=user.get("name") or texts.NOTHING,
            first_seen=(user.get("first_seen") or "")[:10] or texts.NOTHING,
            city=sub.get("city") or texts.NOTHING,
            topics=topics or texts.NOTHING,
            questions=data["questions"],
            reminders=data["reminders"],
            roles="、".join(people_texts.ROLE_NAMES.get(r, r) for r in data["roles"]) or texts.NOTHING,
            topic_minutes=TOPIC_MINUTES,
        )
        return Reply(text, buttons=((Button(people_texts.BUTTON_FORGET_ME, "me:forget"),),))

    def button(self, actor: Actor, action: str) -> Reply:
        if action == "me:forget":
            return Reply(people_texts.FORGET_CONFIRM, buttons=((Button(people_texts.BUTTON_FORGET_YES, "me:forget:yes"),
                                                         Button(people_texts.BUTTON_FORGET_NO, "me:keep")),))  # fmt: skip
        if action == "me:forget:yes":
            self.store.forget_user(actor.channel, actor.user_id)
            return Reply(people_texts.FORGOTTEN)
        if action == "me:keep":
            return Reply(people_texts.FORGET_KEPT)
        return Reply(texts.STALE_BUTTON)
