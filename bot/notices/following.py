"""What a student follows: their study city and notice topics; ambassadors' invite links.

Plain core functions. Buttons:

    sub:city:<city>     set the study city        sub:topic:<id>   toggle a topic
    unsub:city          stop notices for the city unsub:topic:<id> stop one topic (under every notice)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot import texts
from bot.notices import texts as notice_texts
from bot.people.permissions import CITIES, Actor, Role
from bot.replies import Button, Reply
from bot.store import Announcement, Store

#: Notice topics students can follow (id → label).
TOPICS = {"fairs": "招聘会", "internship": "实习见习", "policy": "政策解读", "events": "活动"}


@dataclass
class Following:
    store: Store
    #: The user's channel's way to turn an invite code into a link: (channel, code) → link; None for a channel
    #: without invite links (WeChat: a parametric QR code, printed with `python -m bot wechat qrcodes`).
    invite_link: Callable[[str, str], str | None]

    def subscribe_menu(self, actor: Actor, replace: bool = False) -> Reply:
        """Toggles: one study city, any number of topics; ✅ marks what is on."""
        sub = self.store.subscription(actor.channel, actor.user_id)
        city, topics = (sub.city, set(sub.topics)) if sub else ("", set())
        city_buttons = [Button(("✅ " if c == city else "") + c, f"sub:city:{c}") for c in CITIES]
        topic_buttons = [
            Button(("✅ " if t in topics else "⬜ ") + label, f"sub:topic:{t}") for t, label in TOPICS.items()
        ]
        rows = (tuple(city_buttons[:3]), tuple(city_buttons[3:]), tuple(topic_buttons[:2]), tuple(topic_buttons[2:]))
        return Reply(notice_texts.SUBSCRIBE_MENU + "\n" + self._describe(city, topics), buttons=rows, replace=replace)

    def my_subscriptions(self, actor: Actor) -> list[Reply]:
        sub = self.store.subscription(actor.channel, actor.user_id)
        city, topics = (sub.city, set(sub.topics)) if sub else ("", set())
        return [Reply(self._describe(city, topics), buttons=((Button(notice_texts.BUTTON_CHANGE_SUBS, "sub:menu"),),))]

    def button(self, actor: Actor, action: str) -> list[Reply]:
        """sub:… toggles (the menu changes in place) and unsub:… from under a notice."""
        kind, _, value = action.partition(":")
        sub = self.store.subscription(actor.channel, actor.user_id)
        topics = list(sub.topics) if sub else []
        if kind == "sub":
            what, _, value = value.partition(":")
            if what == "city" and value in CITIES:
                self.store.set_subscription(actor.channel, actor.user_id, city=value)
            elif what == "topic" and value in TOPICS:
                topics = [t for t in topics if t != value] if value in topics else [*topics, value]
                self.store.set_subscription(actor.channel, actor.user_id, topics=topics)
            elif what != "menu":
                return [Reply(texts.STALE_BUTTON)]
            return [self.subscribe_menu(actor, replace=what != "menu")]
        what, _, value = value.partition(":")
        if what == "city":
            self.store.set_subscription(actor.channel, actor.user_id, city="")
            return [Reply(notice_texts.UNSUBSCRIBED_CITY, buttons=((Button(notice_texts.BUTTON_CHANGE_SUBS, "sub:menu"),),))]
        if what == "topic" and value in TOPICS:
            self.store.set_subscription(actor.channel, actor.user_id, topics=[t for t in topics if t != value])
            reply = notice_texts.UNSUBSCRIBED_TOPIC.format(topic=TOPICS[value])
            return [Reply(reply, buttons=((Button(notice_texts.BUTTON_CHANGE_SUBS, "sub:menu"),),))]
        return [Reply(texts.STALE_BUTTON)]

    def follow_invite(self, actor: Actor, code: str) -> Reply | None:
        """/start <code> from an ambassador's link: follow their city, remember the referral."""
        owner = self.store.invite_owner(code)
        if owner is None:
            return None
        channel, _, owner_id = owner.partition(":")
        grant = next((g for g in self.store.roles_of(channel, owner_id) if g.role == "ambassador"), None)
        if grant is None or owner == actor.key:
            return None
        current = self.store.subscription(actor.channel, actor.user_id)
        city = current.city if current and current.city else grant.city
        self.store.set_subscription(actor.channel, actor.user_id, city=city, referred_by=owner)
        return Reply(notice_texts.FOLLOWED_INVITE.format(city=city))

    def invite(self, actor: Actor) -> list[Reply]:
        """An ambassador's personal link (on WeChat: their QR code's invite code) and how many joined through it."""
        actor.require(Role.AMBASSADOR)
        code = self.store.invite_code(actor.key)
        count = self.store.referral_count(actor.key)
        link = self.invite_link(actor.channel, code)
        if link is None:
            return [Reply(notice_texts.INVITE_QR.format(code=code, count=count))]
        return [Reply(notice_texts.INVITE.format(link=link, count=count))]

    @staticmethod
    def _describe(city: str, topics: set[str]) -> str:
        labels = "、".join(label for t, label in TOPICS.items() if t in topics) or texts.NOTHING
        return notice_texts.MY_SUBSCRIPTIONS.format(city=city or texts.NOTHING, topics=labels)


def notice_reply(announcement: Announcement) -> Reply:
    """A notice as students get it: its photo, the text, its link, and a button to stop that kind of notice."""
    rows: list[tuple[Button, ...]] = []
    if announcement.link_url:
        rows.append((Button(announcement.link_text, url=announcement.link_url),))
    if announcement.topic in TOPICS:
        stop = Button(texts.BUTTON_STOP_TOPIC.format(topic=TOPICS[announcement.topic]), f"unsub:topic:{announcement.topic}")
    else:
        label = (
            notice_texts.BUTTON_STOP_ALL
            if announcement.city == "*"
            else notice_texts.BUTTON_STOP_CITY.format(city=announcement.city)
        )
        stop = Button(label, "unsub:city")
    rows.append((stop,))
    return Reply(notice_texts.NOTICE_PREFIX + announcement.text, buttons=tuple(rows), photo=announcement.photo or None)
