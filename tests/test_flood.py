"""The flood guard: a moving one-minute window per user, a warning once, then silence."""

from bot.flood import FloodGuard, Verdict


def test_messages_within_the_limit_pass_and_users_are_counted_apart():
    guard = FloodGuard(per_minute=3)
    assert [guard.check("a") for _ in range(3)] == [Verdict.OK] * 3
    assert guard.check("b") is Verdict.OK


def test_over_the_limit_the_user_is_warned_once_then_dropped():
    guard = FloodGuard(per_minute=2)
    guard.check("a"), guard.check("a")
    assert [guard.check("a") for _ in range(3)] == [Verdict.WARN, Verdict.DROP, Verdict.DROP]
