"""Reading progress: the rules of an update, re-reads, history, totals, streaks and the leaderboard."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog.vocabulary import LengthUnit
from bot.errors import InvalidInputError, NotFoundError
from bot.reading import ReadingStatus
from bot.store import MAX_NOTE, Store
from bot.store.connection import Session
from bot.store.progress import streaks
from tests.factories import DEEP, ESSENCE, LADR, POST
from tests.store.conftest import GUILD, MEMBER, at, count


async def test_a_position_with_no_status_starts_reading(store: Store) -> None:
    entry = await store.log_progress(MEMBER, GUILD, LADR, position=42, now=at(1))
    assert entry.status is ReadingStatus.READING
    assert (entry.position, entry.total, entry.unit) == (42, 390, LengthUnit.PAGES)
    assert entry.started_at == at(1) and entry.finished_at is None
    assert entry.read_count == 1
    assert await store.shelf(MEMBER) == [entry]


async def test_reaching_the_end_finishes_the_resource(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, ESSENCE, position=3, now=at(1))
    entry = await store.log_progress(MEMBER, GUILD, ESSENCE, position=16, now=at(2))
    assert entry.status is ReadingStatus.FINISHED
    assert entry.finished_at == at(2) and entry.started_at == at(1)
    assert entry.fraction == 1.0


async def test_only_the_update_that_finishes_a_read_through_says_it_finished_it(store: Store) -> None:
    """What the announce channel relies on: one 'finished' per read-through, re-reads included."""
    log = store.log_progress
    assert not (await log(MEMBER, GUILD, ESSENCE, position=3, now=at(1))).finished_by_last_update
    assert (await log(MEMBER, GUILD, ESSENCE, position=16, now=at(2))).finished_by_last_update
    assert not (await log(MEMBER, GUILD, ESSENCE, note="loved it", now=at(3))).finished_by_last_update
    assert not (await log(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(4))).finished_by_last_update
    assert not (await log(MEMBER, GUILD, ESSENCE, status=ReadingStatus.READING, now=at(5))).finished_by_last_update
    assert (await log(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(6))).finished_by_last_update


async def test_finishing_without_a_position_puts_it_at_the_end(store: Store) -> None:
    entry = await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(1))
    assert entry.position == 390 and entry.status is ReadingStatus.FINISHED


async def test_a_percent_resource_runs_from_0_to_100(store: Store) -> None:
    entry = await store.log_progress(MEMBER, GUILD, POST, position=55)
    assert (entry.unit, entry.total, entry.fraction) == (LengthUnit.PERCENT, 100, 0.55)
    with pytest.raises(InvalidInputError, match="past the end"):
        await store.log_progress(MEMBER, GUILD, POST, position=101)


async def test_reading_a_finished_resource_again_is_a_new_read_through(store: Store, db_location: Path | str) -> None:
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(1))
    again = await store.log_progress(MEMBER, GUILD, ESSENCE, position=2, now=at(5))
    assert (again.status, again.read_count, again.position) == (ReadingStatus.READING, 2, 2)
    assert again.started_at == at(5) and again.finished_at is None
    # The first reading is kept, finished, beside the second.
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs WHERE finished_at IS NOT NULL") == 1
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs") == 2
    done = await store.log_progress(MEMBER, GUILD, ESSENCE, position=16, now=at(9))
    assert (done.status, done.read_count) == (ReadingStatus.FINISHED, 2)
    stats = await store.stats(MEMBER, now=at(9))
    # Finished twice this year, and still one resource finished: a re-read counts once, this year as ever.
    assert (stats.finished, stats.rereads, stats.finished_this_year) == (1, 1, 1)
    assert (done.times_finished, again.times_finished) == (2, 1)


async def test_a_note_alone_keeps_the_status_and_is_kept_until_replaced(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10, note="chapter 1 was lovely")
    entry = await store.log_progress(MEMBER, GUILD, LADR, note="  still going\x00\x1b  ")
    assert (entry.status, entry.position, entry.note) == (ReadingStatus.READING, 10, "still going")
    entry = await store.log_progress(MEMBER, GUILD, LADR, position=20)
    assert entry.note == "still going"


async def test_dropping_then_resuming_continues_the_same_read_through(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, DEEP, position=120)
    dropped = await store.log_progress(MEMBER, GUILD, DEEP, status=ReadingStatus.DROPPED)
    assert (dropped.status, dropped.position) == (ReadingStatus.DROPPED, 120)
    resumed = await store.log_progress(MEMBER, GUILD, DEEP, status=ReadingStatus.READING)
    assert (resumed.status, resumed.position, resumed.read_count) == (ReadingStatus.READING, 120, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"position": -1}, "negative"),
        ({"position": 391}, "past the end"),
        ({"position": 3.5}, "whole number"),
        ({"note": "x" * (MAX_NOTE + 1)}, f"keep it to {MAX_NOTE}"),
        ({"note": " \x07 "}, "Nothing to record"),
        ({}, "Nothing to record"),
        ({"status": "skimmed"}, "not a reading status"),
        ({"status": ReadingStatus.WANT_TO_READ, "position": 3}, "log it as reading"),
    ],
)
async def test_bad_updates_are_refused_with_a_reason(store: Store, changes: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        await store.log_progress(MEMBER, GUILD, LADR, **changes)
    assert await store.shelf(MEMBER) == []


async def test_a_finished_resource_cannot_be_dropped(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED)
    with pytest.raises(InvalidInputError, match="nothing to drop"):
        await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.DROPPED)


async def test_an_unknown_resource_gets_a_did_you_mean(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"\(did you mean 'Linear Algebra Done Right'"):
        await store.log_progress(MEMBER, GUILD, "linear-algebra-done-rihgt", position=1)
    with pytest.raises(NotFoundError, match="Essence of Linear Algebra"):
        await store.log_progress(MEMBER, None, "essence", position=1)


async def test_statuses_feed_the_recommender_and_the_shelf_is_newest_first(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(1))
    await store.log_progress(MEMBER, GUILD, DEEP, status=ReadingStatus.WANT_TO_READ, now=at(2))
    await store.log_progress(MEMBER, None, ESSENCE, position=4, now=at(3))
    assert await store.statuses(MEMBER) == {
        LADR: ReadingStatus.FINISHED,
        DEEP: ReadingStatus.WANT_TO_READ,
        ESSENCE: ReadingStatus.READING,
    }
    assert [entry.resource_id for entry in await store.shelf(MEMBER)] == [ESSENCE, DEEP, LADR]
    assert await store.statuses(MEMBER + 1) == {}


async def test_every_update_is_in_the_history_newest_first(store: Store) -> None:
    for day, page in enumerate([10, 20, 30], start=1):
        await store.log_progress(MEMBER, GUILD, LADR, position=page, note=f"day {day}", now=at(day))
    await store.log_progress(MEMBER, GUILD, ESSENCE, position=1, now=at(4))
    history = await store.history(MEMBER)
    assert [(e.resource_id, e.position) for e in history] == [(ESSENCE, 1), (LADR, 30), (LADR, 20), (LADR, 10)]
    assert history[1].note == "day 3" and history[1].at == at(3)
    only = await store.history(MEMBER, resource_id=LADR, limit=2)
    assert [e.position for e in only] == [30, 20]


def test_streaks_count_consecutive_utc_days() -> None:
    days = [date(2025, 3, d) for d in (1, 2, 3, 5, 6)]
    assert streaks(days, today=date(2025, 3, 6)) == (2, 3)
    assert streaks(days, today=date(2025, 3, 7)) == (2, 3)  # yesterday still counts
    assert streaks(days, today=date(2025, 3, 8)) == (0, 3)
    assert streaks([], today=date(2025, 3, 8)) == (0, 0)


async def test_stats_with_a_fixed_clock(store: Store) -> None:
    # Two updates late on the 1st UTC and one just after midnight: two days, not three.
    await store.log_progress(MEMBER, GUILD, LADR, position=5, now=at(1, hour=22))
    await store.log_progress(MEMBER, GUILD, LADR, position=9, now=at(1, hour=23))
    await store.log_progress(MEMBER, GUILD, LADR, position=15, now=at(2, hour=0))
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(3))
    await store.log_progress(MEMBER, GUILD, DEEP, status=ReadingStatus.WANT_TO_READ, now=at(6))
    await store.log_progress(MEMBER, GUILD, POST, position=10, now=at(7))
    await store.log_progress(MEMBER, GUILD, POST, status=ReadingStatus.DROPPED, now=at(7))
    stats = await store.stats(MEMBER, now=at(7))
    assert (stats.want_to_read, stats.reading, stats.finished, stats.dropped) == (1, 1, 1, 1)
    assert (stats.updates, stats.active_days) == (7, 5)
    assert (stats.current_streak, stats.longest_streak) == (2, 3)
    assert stats.finished_this_year == 1
    assert (await store.stats(MEMBER, now=datetime(2026, 1, 1, tzinfo=UTC))).finished_this_year == 0
    assert stats.time_zone == "UTC"  # no zone given yet


async def test_streaks_and_the_year_are_counted_in_the_members_own_days(store: Store) -> None:
    """Los Angeles is UTC-8 in winter: 23:00 and 01:00 UTC on the 1st/2nd are the same evening there, and a
    finish at 03:00 UTC on New Year's Day is still last year."""
    await store.log_progress(MEMBER, GUILD, LADR, position=5, now=at(1, hour=20))  # 1st, 12:00 in LA
    await store.log_progress(MEMBER, GUILD, LADR, position=9, now=at(2, hour=1))  # 1st, 17:00 in LA
    await store.log_progress(MEMBER, GUILD, LADR, position=15, now=at(3, hour=7))  # 2nd, 23:00 in LA
    in_utc = await store.stats(MEMBER, now=at(3, hour=12))
    assert (in_utc.active_days, in_utc.current_streak, in_utc.longest_streak) == (3, 3, 3)

    await store.reminders.set_time_zone(MEMBER, "America/Los_Angeles", at(3))
    in_la = await store.stats(MEMBER, now=at(3, hour=12))  # the 3rd, 04:00 in LA: yesterday still counts
    assert (in_la.active_days, in_la.current_streak, in_la.longest_streak) == (2, 2, 2)
    assert in_la.time_zone == "America/Los_Angeles"

    new_year = datetime(2026, 1, 1, 3, tzinfo=UTC)  # 19:00 on 31 December in LA
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=new_year)
    assert (await store.stats(MEMBER, now=new_year)).finished_this_year == 1  # 2025 there
    assert (await store.stats(MEMBER, now=new_year + timedelta(hours=9))).finished_this_year == 0  # 2026 there


async def test_the_leaderboard_ranks_finished_then_updates_within_a_server(store: Store) -> None:
    await store.log_progress(1, GUILD, LADR, status=ReadingStatus.FINISHED)
    await store.log_progress(1, GUILD, ESSENCE, status=ReadingStatus.FINISHED)
    await store.log_progress(2, GUILD, LADR, status=ReadingStatus.FINISHED)
    for page in (1, 2, 3):
        await store.log_progress(2, GUILD, DEEP, position=page)
    # A re-read finished again counts once.
    await store.log_progress(3, GUILD, ESSENCE, status=ReadingStatus.FINISHED)
    await store.log_progress(3, GUILD, ESSENCE, position=1)
    await store.log_progress(3, GUILD, ESSENCE, position=16)
    await store.log_progress(4, GUILD, DEEP, position=1)
    board = await store.leaderboard()
    assert [(row.user_id, row.finished, row.updates) for row in board] == [
        (1, 2, 2),
        (2, 1, 4),
        (3, 1, 3),
        (4, 0, 1),
    ]
    assert [row.user_id for row in await store.leaderboard([4, 3, 99], limit=1)] == [3]
    assert await store.leaderboard([]) == []


# --- the statuses cache ----------------------------------------------------------------------------


async def test_cached_statuses_follow_every_write_of_the_member(store: Store) -> None:
    assert await store.statuses(MEMBER) == {}
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.READING}
    reads = store.database.reads
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.READING}
    assert store.database.reads == reads  # served from memory
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.WANT_TO_READ)
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.FINISHED, ESSENCE: ReadingStatus.WANT_TO_READ}
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.READING)  # a re-read
    assert (await store.statuses(MEMBER))[LADR] is ReadingStatus.READING
    with pytest.raises(InvalidInputError):
        await store.log_progress(MEMBER, GUILD, ESSENCE)  # refused: nothing to record
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.READING, ESSENCE: ReadingStatus.WANT_TO_READ}


async def test_deleting_a_member_empties_their_cached_statuses(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.READING}
    await store.delete_member(MEMBER)
    assert await store.statuses(MEMBER) == {}


async def test_changing_the_returned_statuses_does_not_change_the_cache(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    (await store.statuses(MEMBER))[DEEP] = ReadingStatus.FINISHED
    assert await store.statuses(MEMBER) == {LADR: ReadingStatus.READING}


async def test_a_statuses_read_racing_a_write_never_caches_the_old_statuses(store: Store) -> None:
    choices = [ReadingStatus.READING, ReadingStatus.WANT_TO_READ, ReadingStatus.DROPPED]
    for i in range(30):
        status = choices[i % 3]
        await asyncio.gather(
            store.statuses(MEMBER), store.log_progress(MEMBER, GUILD, POST, status=status), store.statuses(MEMBER)
        )
        assert (await store.statuses(MEMBER))[POST] is status


async def test_a_statuses_read_that_saw_the_state_before_a_write_does_not_cache_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    real_read, fetched, finish = store.database.read, asyncio.Event(), asyncio.Event()

    @asynccontextmanager
    async def slow_read() -> AsyncIterator[Session]:  # the read has its rows, but has not returned yet
        async with real_read() as session:
            yield session
        fetched.set()
        await finish.wait()

    monkeypatch.setattr(store.database, "read", slow_read)
    reading = asyncio.create_task(store.statuses(MEMBER))
    await fetched.wait()
    monkeypatch.undo()
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    finish.set()
    assert (await reading)[LADR] is ReadingStatus.READING  # what it read, from before the write
    assert (await store.statuses(MEMBER))[LADR] is ReadingStatus.FINISHED
