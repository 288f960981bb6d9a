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


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_moves_a_message_is_accepted_once_the_oldest_leaves_it():
    clock = FakeClock()
    guard = FloodGuard(per_minute=2, clock=clock)
    assert guard.check("a") is Verdict.OK
    clock.now += 30
    assert guard.check("a") is Verdict.OK
    clock.now += 29
    assert guard.check("a") is Verdict.WARN  # both still within the last 60 s
    clock.now += 1.5  # the first left the window, the second has not
    assert guard.check("a") is Verdict.OK
    assert guard.check("a") is Verdict.WARN  # warned afresh after an accepted message
    assert guard.check("a") is Verdict.DROP


def test_rejected_messages_do_not_extend_the_window():
    clock = FakeClock()
    guard = FloodGuard(per_minute=1, clock=clock)
    assert guard.check("a") is Verdict.OK
    for _ in range(5):
        clock.now += 10
        assert guard.check("a") in (Verdict.WARN, Verdict.DROP)
    clock.now += 10.5  # 60.5 s after the one accepted message
    assert guard.check("a") is Verdict.OK


def test_memory_is_bounded_users_idle_for_a_window_are_forgotten():
    clock = FakeClock()
    guard = FloodGuard(per_minute=3, clock=clock)
    for i in range(100_000):
        guard.check(f"student{i}")
        clock.now += 0.0001  # 100,000 students within 10 s
    assert len(guard) == 100_000
    clock.now += 61
    assert guard.check("late") is Verdict.OK
    assert len(guard) == 1  # only the one just seen


def test_a_user_who_keeps_writing_is_kept_while_idle_ones_are_dropped():
    clock = FakeClock()
    guard = FloodGuard(per_minute=2, clock=clock)
    guard.check("busy"), guard.check("busy")
    guard.check("idle")
    for _ in range(3):
        clock.now += 40
        assert guard.check("busy") in (Verdict.OK, Verdict.WARN, Verdict.DROP)
    assert len(guard) == 1
    clock.now += 0.1
    assert guard.check("busy") is Verdict.WARN  # its last two accepted times are still in the window
