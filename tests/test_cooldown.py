"""The write cooldown: N writes per period per member, with the wait announced, under any burst."""

from __future__ import annotations

import pytest

from bot.cooldown import WriteLimiter


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_member_may_write_rate_times_then_is_told_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = WriteLimiter(3, 10.0, clock=clock)
    assert [limiter.hit(1) for _ in range(3)] == [None, None, None]
    clock.now += 4
    assert limiter.hit(1) == pytest.approx(6.0)


def test_the_window_slides_so_the_oldest_write_frees_a_slot() -> None:
    clock = FakeClock()
    limiter = WriteLimiter(2, 10.0, clock=clock)
    limiter.hit(1)
    clock.now += 5
    limiter.hit(1)
    clock.now += 5
    assert limiter.hit(1) is None  # the first write is 10 s old
    assert limiter.hit(1) == pytest.approx(5.0)


def test_members_do_not_share_a_cooldown() -> None:
    limiter = WriteLimiter(1, 10.0, clock=FakeClock())
    assert limiter.hit(1) is None
    assert limiter.hit(2) is None
    assert limiter.hit(1) is not None


def test_a_burst_of_a_thousand_allows_exactly_rate_and_refused_presses_do_not_extend_the_wait() -> None:
    clock = FakeClock()
    limiter = WriteLimiter(5, 10.0, clock=clock)
    results = [limiter.hit(42) for _ in range(1000)]
    assert results.count(None) == 5
    assert all(wait == pytest.approx(10.0) for wait in results[5:])
    clock.now += 10
    assert limiter.hit(42) is None


def test_retry_after_peeks_without_counting() -> None:
    clock = FakeClock()
    limiter = WriteLimiter(1, 10.0, clock=clock)
    assert limiter.retry_after(7) is None
    limiter.hit(7)
    assert limiter.retry_after(7) == pytest.approx(10.0)
    assert limiter.retry_after(7) == pytest.approx(10.0)


def test_idle_members_are_forgotten_so_memory_follows_activity() -> None:
    clock = FakeClock()
    limiter = WriteLimiter(2, 10.0, clock=clock)
    for user_id in range(500):
        limiter.hit(user_id)
    clock.now += 11
    limiter.hit(9999)
    assert len(limiter) == 1


def test_a_nonsense_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        WriteLimiter(0, 10.0)


def test_writes_counted_elsewhere_use_up_the_same_window_and_each_write_here_is_told() -> None:
    now = [0.0]
    told: list[int] = []
    limiter = WriteLimiter(3, 10.0, clock=lambda: now[0], on_write=told.append)
    limiter.record(7)  # two writes made through another process of the bot
    limiter.record(7)
    assert told == []  # a write from elsewhere is not told back
    assert limiter.hit(7) is None and told == [7]
    assert limiter.hit(7) == pytest.approx(10.0)  # the third here would be the fourth in all: refused
    assert told == [7]
    now[0] = 10.5
    assert limiter.hit(7) is None
