"""Property: whatever members send, in any order, the store's invariants hold.

Any sequence of updates, valid or not, leaves: read counts of at least 1, positions within 0..total, one
current read-through per member and resource, exactly one history row per accepted update, and a shelf
that agrees with what was accepted.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import PillarsError
from bot.reading import ReadingStatus
from bot.store import MAX_NOTE, Store
from tests.store.conftest import GUILD, at, curated_catalog

RESOURCES = ["linear-algebra-done-right", "essence-of-linear-algebra", "gradient-descent-post", "no-such-thing"]

updates = st.lists(
    st.fixed_dictionaries(
        {
            "user_id": st.sampled_from([1, 2]),
            "resource_id": st.sampled_from(RESOURCES),
            "status": st.none() | st.sampled_from(list(ReadingStatus)),
            "position": st.none() | st.integers(min_value=-3, max_value=20) | st.sampled_from([100, 101, 390, 391]),
            "note": st.none() | st.sampled_from(["", "ok", "\x00\x01", "é" * MAX_NOTE, "n" * (MAX_NOTE + 1)]),
        }
    ),
    max_size=25,
)


async def replay(sequence: list[dict]) -> None:
    """Send every update to a fresh store, then check the invariants against what was accepted."""
    async with await Store.open(":memory:", curated_catalog()) as store:
        accepted: dict[int, list] = {1: [], 2: []}
        for minute, update in enumerate(sequence):
            try:
                entry = await store.log_progress(guild_id=GUILD, now=at(1) + timedelta(minutes=minute), **update)
            except PillarsError:
                continue
            accepted[update["user_id"]].append(entry)
        for user_id, entries in accepted.items():
            history = await store.history(user_id, limit=1_000)
            assert len(history) == len(entries)
            assert [(e.resource_id, e.status, e.position) for e in reversed(history)] == [
                (e.resource_id, e.status, e.position) for e in entries
            ]
            shelf = await store.shelf(user_id)
            assert len({e.resource_id for e in shelf}) == len(shelf)
            latest = {e.resource_id: e for e in entries}
            assert {e.resource_id: e for e in shelf} == latest
            for entry in shelf:
                assert entry.read_count >= 1
                assert entry.position is None or 0 <= entry.position <= entry.total
                assert (entry.finished_at is not None) == (entry.status is ReadingStatus.FINISHED)
                assert 0.0 <= entry.fraction <= 1.0
            stats = await store.stats(user_id, now=at(1))
            assert stats.updates == len(entries)
            # Finished counts what was ever finished (a re-read stays finished); the other shelves the current status.
            assert stats.finished == sum(e.ever_finished for e in shelf)
            finished_now = sum(e.status is ReadingStatus.FINISHED for e in shelf)
            assert stats.want_to_read + stats.reading + finished_now + stats.dropped == len(shelf)
            assert stats.rereads == sum(e.read_count for e in shelf) - len(shelf)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(updates)
def test_any_sequence_of_updates_keeps_the_invariants(sequence: list[dict]) -> None:
    asyncio.run(replay(sequence))
