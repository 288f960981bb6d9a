"""The store's WeChat part: retries seen, numbered choices, unfollow and purge."""

from datetime import timedelta

from bot.store.wechat import CHOICE_MINUTES, MAX_NUMBER, MAX_PUSHED, PUSH_CHOICE_HOURS

W = "wechat"


def test_a_key_is_new_once_and_old_keys_are_forgotten_after_a_day(store):
    assert store.seen_before("msg:1") is False
    assert store.seen_before("msg:1") is True
    store.db.execute("update wechat_seen set seen_at = '2000-01-01T00:00:00+00:00'")
    assert store.seen_before("msg:2") is False  # each insert prunes the old keys
    assert store.seen_before("msg:1") is False


def offers(*actions):
    return [(a, a.upper(), False) for a in actions]


def actions(store, user="o1", upto=30):
    return {n: c.action for n in range(1, upto + 1) if (c := store.choice(W, user, n))}


def test_choices_are_numbered_from_one_and_expire(store, clock):
    assert store.number_turn(W, "o1", offers("faq:a", "faq:b")) == 1
    assert [getattr(store.choice(W, "o1", n), "action", None) for n in (0, 1, 2, 3)] == [None, "faq:a", "faq:b", None]
    assert store.choice(W, "o1", 1).label == "FAQ:A" and store.choice(W, "o2", 1) is None
    clock.advance(timedelta(minutes=CHOICE_MINUTES + 1))
    assert store.choice(W, "o1", 1) is None
    store.number_turn(W, "o1", offers("faq:a"))
    store.number_turn(W, "o1", [])  # a turn without choices clears the last ones
    assert store.choice(W, "o1", 1) is None


def test_a_pushed_message_numbers_on_after_live_choices_and_never_wraps_onto_them(store):
    """An admin's /fairs page holds 23 choices when a notice arrives: its numbers come after, never from 1."""
    assert store.number_turn(W, "o1", offers(*(f"fr:{n}" for n in range(23)))) == 1
    assert store.number_push(W, "o1", offers("an:ok:5", "an:no:5")) == 24
    assert actions(store)[1] == "fr:0" and actions(store)[24] == "an:ok:5"
    assert store.number_push(W, "o1", []) == 26 and len(actions(store)) == 25


def test_a_pushed_messages_numbers_stay_live_across_later_turns_which_number_around_them(store, clock):
    store.number_turn(W, "o1", offers("pick:1", "none:1"))
    assert store.number_push(W, "o1", offers("unsub:city")) == 3
    clock.advance(timedelta(minutes=CHOICE_MINUTES + 5))  # the turn's numbers lapse, the notice's do not
    assert actions(store) == {3: "unsub:city"}
    assert store.number_turn(W, "o1", offers("faq:a", "faq:b")) == 4  # after the live notice, not over it
    assert actions(store) == {3: "unsub:city", 4: "faq:a", 5: "faq:b"}
    clock.advance(timedelta(hours=PUSH_CHOICE_HOURS))
    assert actions(store) == {} and store.number_turn(W, "o1", offers("faq:c")) == 1  # nothing live: from 1


def test_past_the_highest_number_the_lowest_free_block_is_used_never_a_live_number(store, clock):
    store.number_turn(W, "o1", offers(*(f"t:{k}" for k in range(97))))
    assert store.number_push(W, "o1", offers("p:a", "p:b")) == 98
    clock.advance(timedelta(minutes=CHOICE_MINUTES + 1))  # 1..97 lapse; 98, 99 stay
    assert store.number_push(W, "o1", offers("q:a", "q:b", "q:c")) == 1  # 100..102 would pass MAX_NUMBER
    assert actions(store, upto=200) == {1: "q:a", 2: "q:b", 3: "q:c", 98: "p:a", 99: "p:b"}
    assert MAX_NUMBER == 99


def test_only_the_latest_pushed_messages_keep_their_numbers(store, clock):
    for n in range(MAX_PUSHED + 1):
        store.number_push(W, "o1", offers(f"p:{n}"))
        clock.advance(timedelta(seconds=1))
    live = actions(store, upto=200)
    assert sorted(live.values()) == sorted(f"p:{n}" for n in range(1, MAX_PUSHED + 1))  # the oldest lapsed
    assert 1 not in live and max(live) == MAX_PUSHED + 1  # and its number is not given to another


def test_an_irreversible_choice_is_kept_with_its_confirmation_flag_and_can_be_dropped(store):
    store.number_turn(W, "o1", [("an:go:ab12", "✅ 确认发布", True), ("an:cancel:ab12", "取消", False)])
    assert store.choice(W, "o1", 1).confirm and not store.choice(W, "o1", 2).confirm
    store.drop_choices(W, "o1", [1])
    assert actions(store) == {2: "an:cancel:ab12"}


def test_choices_written_before_numbers_were_kept_still_read(store):
    store.db["wechat_choices"].insert({"channel": W, "external_id": "o1", "actions": '["faq:a", "faq:b"]',
                                       "updated_at": store.stamp()})  # fmt: skip
    assert actions(store) == {1: "faq:a", 2: "faq:b"}


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
