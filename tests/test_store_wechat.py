"""The store's WeChat part: retries seen, numbered choices, unfollow and purge."""

from datetime import timedelta

from bot.store.wechat import CHOICE_MINUTES

W = "wechat"


def test_a_key_is_new_once_and_old_keys_are_forgotten_after_a_day(store):
    assert store.seen_before("msg:1") is False
    assert store.seen_before("msg:1") is True
    store.db.execute("update wechat_seen set seen_at = '2000-01-01T00:00:00+00:00'")
    assert store.seen_before("msg:2") is False  # each insert prunes the old keys
    assert store.seen_before("msg:1") is False


def test_choices_are_numbered_from_one_and_expire(store, clock):
    store.set_choices(W, "o1", ["faq:a", "faq:b"])
    assert [store.choice(W, "o1", n) for n in (0, 1, 2, 3)] == [None, "faq:a", "faq:b", None]
    assert store.choice(W, "o2", 1) is None
    old = (clock.now() - timedelta(minutes=CHOICE_MINUTES + 1)).isoformat(timespec="seconds")
    store.db.execute("update wechat_choices set updated_at = ?", [old])
    assert store.choice(W, "o1", 1) is None
    store.set_choices(W, "o1", ["faq:a"])
    store.set_choices(W, "o1", [])  # a turn without choices clears the last ones
    assert store.choice(W, "o1", 1) is None


def test_unfollow_leaves_audiences_and_reminders_and_the_purge_spares_those_who_came_back(store, clock):
    now = clock.now()
    for user in ("o1", "o2"):
        store.touch_user(W, user)
        store.set_subscription(W, user, city="广州")
        store.log_question(W, user, "补贴", "none", None, 0.0)
        store.mark_unfollowed(W, user, now - timedelta(days=40))
    assert store.audience("广州", "") == []
    store.mark_followed(W, "o2", now)
    assert store.purge_unfollowed(now - timedelta(days=30)) == 1
    assert store.subscription(W, "o1") is None and store.user_name(W, "o1") == ""
    assert [q.external_id for q in store.logged_questions()] == ["o2"]
    assert store.purge_unfollowed(now) == 0


def test_the_purge_deletes_an_unfollowed_ambassadors_role_and_invite_too(store, clock):
    now = clock.now()
    store.grant_role(W, "oAmb", "ambassador", "cli", city="武汉", campus="武汉大学")
    code = store.invite_code("wechat:oAmb")
    store.grant_role(W, "oStays", "ambassador", "cli", city="广州", campus="中山大学")
    store.invite_code("wechat:oStays")
    store.mark_unfollowed(W, "oAmb", now - timedelta(days=40))
    assert store.purge_unfollowed(now - timedelta(days=30)) == 1
    assert store.roles_of(W, "oAmb") == [] and store.invite_owner(code) is None
    assert [g.external_id for g in store.role_grants()] == ["oStays"]


def test_a_pushed_message_numbers_on_after_live_choices_and_too_many_start_again(store):
    store.set_choices(W, "o1", ["a", "b"])
    assert store.add_choices(W, "o1", ["c"]) == 2
    assert [store.choice(W, "o1", n) for n in (1, 2, 3)] == ["a", "b", "c"]
    assert store.add_choices(W, "o1", [f"x{n}" for n in range(20)]) == 0  # over MAX_CHOICES: from 1 again
    assert store.choice(W, "o1", 1) == "x0"
    assert store.add_choices(W, "o1", []) == 0 and store.choice(W, "o1", 1) == "x0"
