"""The community's side of the store: outcomes kept exact by the database itself, privacy first.

Every figure is checked with a fixed clock; the counts the triggers keep are held equal to the same figures
recounted from the base tables with a plain GROUP BY, whatever members do, at once or one by one.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import Catalog
from bot.community import DropReason
from bot.errors import InvalidInputError, NotFoundError, PillarsError
from bot.reading import ReadingStatus
from bot.store import Store
from bot.store.community import counted_tally, recounted_tally
from bot.store.connection import migrations, open_database
from tests.database import dump_database
from tests.factories import DEEP, ESSENCE, LADR, make_catalog, make_resource
from tests.store.conftest import GUILD, OTHER_GUILD, at

# LADR with chapters, so where droppers stop has a name.
SECTIONED = make_resource(
    LADR,
    title="Linear Algebra Done Right",
    length={"amount": 390, "unit": "pages"},
    sections=[
        {"number": "1", "title": "Vector Spaces", "start": 1},
        {"number": "2", "title": "Finite-Dimensional Vector Spaces", "start": 100},
        {"number": "3", "title": "Linear Maps", "start": 200},
    ],
)


COMMUNITY = next(m.version for m in migrations() if m.name.endswith("_community.sql"))  # 0004


def community_catalog() -> Catalog:
    """LADR with chapters, a video series, and Deep Learning, which builds on LADR."""
    return make_catalog(
        SECTIONED,
        make_resource(ESSENCE, title="Essence of Linear Algebra", length={"amount": 16, "unit": "videos"}),
        make_resource(DEEP, title="Deep Learning", topics=["deep-learning"], length={"amount": 800, "unit": "pages"}),
    )


@pytest.fixture
async def store(db_location: Path | str) -> AsyncIterator[Store]:
    """An open store serving the community catalog (on each backend)."""
    opened = await Store.open(db_location, community_catalog())
    try:
        yield opened
    finally:
        await opened.close()


async def assert_counts_exact(store: Store, guilds=(GUILD, OTHER_GUILD, None)) -> None:
    """The kept counts of every resource, in every scope, equal a recount from the base tables."""
    for resource_id in (LADR, ESSENCE, DEEP):
        for guild_id in guilds:
            kept = await counted_tally(store.database, resource_id, guild_id)
            recounted = await recounted_tally(store.database, resource_id, guild_id)
            assert kept == recounted, (resource_id, guild_id)


async def a_reading_group(store: Store) -> None:
    """Seven members of GUILD and LADR, with a fixed clock.

    1–3 start on days 1–3 and finish on days 11, 12 and 23 (10, 10 and 20 days), then start Deep Learning,
    and rate LADR 5, 4, 4 (1 signs a review, 2 writes one unsigned); 4–6 stop in chapter 2 (pages 120, 150,
    180), too hard; 7 only wants to read it.
    """
    for member, (start, finish) in enumerate([(1, 11), (2, 12), (3, 23)], start=1):
        await store.log_progress(member, GUILD, LADR, position=10, now=at(start))
        await store.log_progress(member, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(finish))
        await store.log_progress(member, GUILD, DEEP, status=ReadingStatus.READING, now=at(finish, 13))
    await store.rate(1, GUILD, LADR, 5, review="Rigorous and kind.", named=True, now=at(24))
    await store.rate(2, GUILD, LADR, 4, review="Hard going in places.", now=at(25))
    await store.rate(3, GUILD, LADR, 4, now=at(26))
    for member, page in zip((4, 5, 6), (120, 150, 180), strict=True):
        await store.log_progress(member, GUILD, LADR, position=50, now=at(1))
        await store.log_progress(member, GUILD, LADR, status=ReadingStatus.DROPPED, position=page, now=at(5))
        await store.give_drop_reason(member, GUILD, LADR, "too hard", now=at(5))
    await store.log_progress(7, GUILD, LADR, status=ReadingStatus.WANT_TO_READ, now=at(1))


async def test_a_resources_outcomes_here_with_a_fixed_clock(store: Store) -> None:
    await a_reading_group(store)

    card = await store.community_card(GUILD, SECTIONED)

    here = card.here
    assert here is not None
    assert (here.started, here.finished, here.dropped) == (6, 3, 3)  # wanting to read is not starting
    assert here.completion == 0.5
    assert here.median_days == 10.0
    assert here.stop is not None and here.stop.section is not None
    assert (here.stop.section.number, here.stop.members, here.stop.of) == ("2", 3, 3)
    assert here.reason == (DropReason.TOO_HARD, 3)
    assert (round(here.rating or 0, 2), here.ratings) == (4.33, 3)
    assert here.went_on == ((DEEP, 3),)
    assert card.everywhere == here  # nobody read it anywhere else
    await assert_counts_exact(store)


async def test_reviews_show_their_text_and_rating_and_a_name_only_when_the_member_chose(store: Store) -> None:
    await a_reading_group(store)

    reviews = (await store.community_card(GUILD, SECTIONED)).reviews

    assert [(r.rating, r.text, r.author_id) for r in reviews] == [
        (4, "Hard going in places.", None),  # newest first; member 3 rated without a review
        (5, "Rigorous and kind.", 1),
    ]
    # Elsewhere (another server, a DM) a review written here is not shown signed; a DM shows none signed.
    assert (await store.community_card(OTHER_GUILD, SECTIONED)).reviews == ()
    assert all(r.author_id is None for r in (await store.community_card(None, SECTIONED)).reviews)


async def test_here_counts_the_server_it_was_first_logged_in_and_everywhere_counts_all(store: Store) -> None:
    await a_reading_group(store)
    await store.log_progress(8, OTHER_GUILD, LADR, status=ReadingStatus.FINISHED, now=at(8))
    await store.log_progress(9, None, LADR, status=ReadingStatus.FINISHED, now=at(8))  # in a DM
    await store.log_progress(9, GUILD, LADR, note="logged here later", now=at(9))  # now it belongs here too

    here = (await store.community_card(GUILD, SECTIONED)).here
    elsewhere = (await store.community_card(OTHER_GUILD, SECTIONED)).here
    everywhere = (await store.community_card(GUILD, SECTIONED)).everywhere

    assert here is not None and (here.started, here.finished) == (7, 4)
    assert elsewhere is not None and elsewhere.started is None  # one member there: nothing to show
    assert (everywhere.started, everywhere.finished) == (8, 5)
    await assert_counts_exact(store)


async def test_a_member_who_opts_out_is_in_no_figure_and_no_review_until_they_opt_back_in(store: Store) -> None:
    await a_reading_group(store)
    before = await store.community_card(GUILD, SECTIONED)

    await store.set_privacy(1, in_community=False, now=at(27))

    left_out = await store.community_card(GUILD, SECTIONED)
    assert left_out.here is not None
    assert left_out.here.finished is None and left_out.here.completion is None  # 2 finishers left: not shown
    assert left_out.here.rating is None and left_out.here.went_on == ()
    assert left_out.here.started == 5
    assert [r.text for r in left_out.reviews] == ["Hard going in places."]
    assert not await store.in_community(1)
    await assert_counts_exact(store)

    # What they do while left out stays out, too.
    await store.log_progress(1, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(28))
    await store.rate(1, GUILD, ESSENCE, 5, review="Lovely.", now=at(28))
    assert await counted_tally(store.database, ESSENCE, GUILD) == await recounted_tally(store.database, ESSENCE, GUILD)
    assert (await counted_tally(store.database, ESSENCE, None)).counts == {}

    await store.set_privacy(1, in_community=True, now=at(29))
    back = await store.community_card(GUILD, SECTIONED)
    assert back.here == before.here and back.reviews == before.reviews
    await assert_counts_exact(store)


async def test_deleting_a_member_takes_them_out_of_every_count(store: Store) -> None:
    await a_reading_group(store)

    await store.delete_member(2)

    here = (await store.community_card(GUILD, SECTIONED)).here
    assert here is not None and (here.started, here.finished, here.rating) == (5, None, None)
    assert [r.text for r in (await store.community_card(GUILD, SECTIONED)).reviews] == ["Rigorous and kind."]
    await assert_counts_exact(store)
    export = await store.export_member(2)
    assert export["ratings"] == export["drop_reasons"] == []


async def test_the_export_holds_ratings_reviews_reasons_and_the_privacy_choice(store: Store) -> None:
    await a_reading_group(store)
    await store.log_progress(4, GUILD, ESSENCE, status=ReadingStatus.DROPPED, reason="life got busy", now=at(6))
    await store.set_privacy(4, in_community=False, now=at(7))

    one, four = await store.export_member(1), await store.export_member(4)

    assert [(r["resource_id"], r["rating"], r["review"], r["named"]) for r in one["ratings"]] == [
        (LADR, 5, "Rigorous and kind.", True)
    ]
    assert one["community"] == {"in_community_figures": True, "chosen_at": None}
    assert [(r["resource_id"], r["reason"], r["detail"]) for r in four["drop_reasons"]] == [
        (ESSENCE, "other", "life got busy"),  # their own words: theirs, in their export
        (LADR, "too-hard", None),
    ]
    assert four["community"]["in_community_figures"] is False


async def test_resuming_a_dropped_resource_takes_its_reason_away(store: Store) -> None:
    await a_reading_group(store)
    await store.log_progress(4, GUILD, LADR, status=ReadingStatus.READING, now=at(9))

    assert (await store.export_member(4))["drop_reasons"] == []
    here = (await store.community_card(GUILD, SECTIONED)).here
    assert here is not None and (here.dropped, here.reason, here.stop) == (None, None, None)
    await assert_counts_exact(store)


# --- refusals change nothing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_id", "rating", "review", "error", "words"),
    [
        (LADR, 0, None, InvalidInputError, "from 1 to 5"),
        (LADR, 6, None, InvalidInputError, "from 1 to 5"),
        (LADR, "5", None, InvalidInputError, "from 1 to 5"),
        (LADR, 4, "x" * 10_000, InvalidInputError, "10,000 characters"),
        (ESSENCE, 4, "never finished it", InvalidInputError, "once you have finished it"),
        ("no-such-book", 4, None, NotFoundError, "no-such-book"),
    ],
)
async def test_a_refused_rating_changes_nothing(
    store: Store, db_location: Path | str, resource_id: str, rating: object, review: str | None, error: type, words: str
) -> None:
    await a_reading_group(store)
    before = dump_database(db_location)
    with pytest.raises(error, match=words):
        await store.rate(1, GUILD, resource_id, rating, review=review, now=at(28))  # type: ignore[arg-type]
    assert dump_database(db_location) == before
    assert (await store.rating(1, LADR)) is not None and (await store.rating(1, LADR)).rating == 5  # type: ignore[union-attr]


async def test_a_reason_for_a_resource_not_dropped_or_a_status_other_than_dropped_is_refused(
    store: Store, db_location: Path | str
) -> None:
    await a_reading_group(store)
    before = dump_database(db_location)
    with pytest.raises(InvalidInputError, match="not on your dropped shelf"):
        await store.give_drop_reason(1, GUILD, LADR, "too slow")
    with pytest.raises(InvalidInputError, match="with status dropped"):
        await store.log_progress(1, GUILD, ESSENCE, status=ReadingStatus.READING, reason="too slow")
    assert dump_database(db_location) == before


# --- exact whatever happens -------------------------------------------------------------------------

MEMBERS = [11, 12]
# Positions that matter: the start, chapter starts and middles, the ends of the video series (16) and of LADR (390).
POSITIONS = st.sampled_from([None, 10, 16, 120, 150, 250, 390])
logs = st.tuples(
    st.just("log"),
    st.sampled_from(MEMBERS),
    st.sampled_from([GUILD, GUILD, OTHER_GUILD, None]),
    st.sampled_from([LADR, LADR, ESSENCE, DEEP]),
    st.sampled_from([None, *ReadingStatus, ReadingStatus.FINISHED, ReadingStatus.DROPPED, ReadingStatus.DROPPED]),
    POSITIONS,
)
ratings = st.tuples(
    st.just("rate"),
    st.sampled_from(MEMBERS),
    st.sampled_from([GUILD, None]),
    st.sampled_from([LADR, ESSENCE]),
    st.integers(1, 5) | st.sampled_from([0, 6]),
)
reasons = st.tuples(
    st.just("reason"), st.sampled_from(MEMBERS), st.sampled_from([LADR, ESSENCE]), st.sampled_from(["too hard", "meh"])
)
privacy = st.tuples(st.just("privacy"), st.sampled_from(MEMBERS), st.booleans())
deletions = st.tuples(st.just("delete"), st.sampled_from(MEMBERS))
# Mostly reading, often rating, now and then a reason, a privacy choice, a deletion.
actions = st.lists(
    st.one_of(logs, logs, logs, logs, ratings, ratings, reasons, privacy, deletions), min_size=8, max_size=40
)


async def play(store: Store, step: int, action: tuple) -> None:
    """One member action at minute `step`; refusals are part of the game."""
    now = at(1) + timedelta(minutes=step)
    kind, member, *rest = action
    try:
        if kind == "log":
            guild_id, resource_id, status, position = rest
            await store.log_progress(member, guild_id, resource_id, status=status, position=position, note="n", now=now)
        elif kind == "rate":
            guild_id, resource_id, rating = rest
            await store.rate(member, guild_id, resource_id, rating, review=f"r{step}", now=now)
        elif kind == "reason":
            resource_id, reason = rest
            await store.give_drop_reason(member, GUILD, resource_id, reason, now=now)
        elif kind == "privacy":
            await store.set_privacy(member, in_community=rest[0], now=now)
        else:
            await store.delete_member(member)
    except PillarsError:
        pass


async def replay(sequence: list[tuple], path: Path, *, together: int) -> None:
    """Play the actions in groups of `together` at once (their writes share commits), then check every count."""
    async with await Store.open(path, community_catalog()) as store:
        for start in range(0, len(sequence), together):
            group = sequence[start : start + together]
            await asyncio.gather(*(play(store, start + i, action) for i, action in enumerate(group)))
        await assert_counts_exact(store)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(sequence=actions, together=st.sampled_from([1, 4]))
def test_the_kept_counts_equal_a_recount_whatever_members_do(
    sequence: list[tuple], together: int, tmp_path: Path
) -> None:
    path = tmp_path / "exact.db"
    for leftover in tmp_path.glob("exact.db*"):  # each example starts on a fresh file
        leftover.unlink()
    asyncio.run(replay(sequence, path, together=together))


def a_busy_day(seed: int, count: int) -> list[tuple]:
    """`count` actions of the shapes above, drawn with a seeded generator: mostly reading, often finishing,
    dropping and rating, now and then a reason, a privacy choice or a deletion."""
    rng = random.Random(seed)
    members = [21, 22, 23, 24, 25]
    statuses = [None, ReadingStatus.READING, ReadingStatus.FINISHED, ReadingStatus.DROPPED, ReadingStatus.WANT_TO_READ]
    drawn: list[tuple] = []
    for _ in range(count):
        member, roll = rng.choice(members), rng.random()
        if roll < 0.6:
            resource_id = rng.choice([LADR, LADR, ESSENCE, DEEP])
            position = rng.choice([None, 10, 16, 120, 150, 180, 250, 390])
            guild_id = rng.choice([GUILD, GUILD, OTHER_GUILD, None])
            drawn.append(("log", member, guild_id, resource_id, rng.choice(statuses), position))
        elif roll < 0.8:
            drawn.append(("rate", member, rng.choice([GUILD, None]), rng.choice([LADR, ESSENCE]), rng.randint(0, 6)))
        elif roll < 0.88:
            drawn.append(("reason", member, rng.choice([LADR, ESSENCE]), rng.choice(["too hard", "too slow", "meh"])))
        elif roll < 0.97:
            drawn.append(("privacy", member, rng.random() < 0.5))
        else:
            drawn.append(("delete", member))
    return drawn


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_long_busy_day_keeps_the_counts_exact_at_every_step(store: Store, seed: int) -> None:
    day = a_busy_day(seed, 240)
    rng = random.Random(seed)
    done = 0
    while done < len(day):
        together = rng.randint(1, 6)  # writes queued at once share a commit
        group = day[done : done + together]
        await asyncio.gather(*(play(store, done + i, action) for i, action in enumerate(group)))
        done += together
        if done % 4 == 0 or done >= len(day):
            await assert_counts_exact(store)


async def test_concurrent_writers_sharing_commits_keep_the_counts_exact(store: Store) -> None:
    # Many members finish, rate, drop and opt out at once: their writes share commits, some are refused.
    async def member(user_id: int) -> None:
        await store.log_progress(user_id, GUILD, LADR, position=20, now=at(1))
        if user_id % 3:
            await store.log_progress(user_id, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(2 + user_id % 7))
            await store.rate(user_id, GUILD, LADR, 1 + user_id % 5, now=at(10))
            await store.log_progress(user_id, GUILD, DEEP, position=1, now=at(11))
        else:
            await store.log_progress(user_id, GUILD, LADR, status=ReadingStatus.DROPPED, position=150, now=at(3))
        with pytest.raises(InvalidInputError):
            await store.rate(user_id, GUILD, ESSENCE, 3)
        if user_id % 5 == 0:
            await store.set_privacy(user_id, in_community=False)

    await asyncio.gather(*(member(user_id) for user_id in range(100, 160)))

    await assert_counts_exact(store, guilds=(GUILD, None))
    here = (await store.community_card(GUILD, SECTIONED)).here
    assert here is not None and here.started == 60 - 12  # the twelve multiples of 5 left out
    await asyncio.gather(*(store.delete_member(user_id) for user_id in range(100, 130)))
    await assert_counts_exact(store, guilds=(GUILD, None))


# --- the upgrade ------------------------------------------------------------------------------------


async def test_upgrading_counts_in_the_reading_already_there_and_keeps_every_row(db_location: Path | str) -> None:
    old = await open_database(db_location, migrate_to=COMMUNITY - 1)  # as the release before this one left it
    shapes = await old.shapes()
    async with old.transaction() as conn:
        rows = [  # (id, user, resource, status, position, started, finished)
            (1, 1, LADR, "finished", 390, "2025-03-01", "2025-03-11"),
            (2, 2, LADR, "finished", 390, "2025-03-02", "2025-03-22"),
            (3, 3, LADR, "finished", 390, "2025-03-03", "2025-03-08"),
            (4, 4, LADR, "dropped", 120, "2025-03-01", None),
            (5, 1, DEEP, "reading", 10, "2025-03-12", None),
            (6, 2, DEEP, "reading", 10, "2025-03-23", None),
            (7, 3, DEEP, "reading", 10, "2025-03-09", None),
        ]
        for rid, user, resource, status, position, started, finished in rows:
            start = f"{started}T12:00:00.000000+00:00"
            end = None if finished is None else f"{finished}T12:00:00.000000+00:00"
            await conn.execute(
                "INSERT INTO read_throughs (id, user_id, resource_id, number, status, position, unit, total,"
                " started_at, finished_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, 'pages', ?, ?, ?, ?)",
                (rid, user, resource, status, position, 390 if resource == LADR else 800, start, end, end or start),
            )
            await conn.execute(
                "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status, position, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, user, GUILD, resource, status, position, end or start),
            )
        for table in ("read_throughs", "progress_events"):  # ids came from the database then
            await old.follow_copied_ids(conn, shapes[table])
    await old.close()
    old_rows = dump_database(db_location)

    async with await Store.open(db_location, community_catalog()) as store:
        assert await store.database.schema_version() == len(migrations())
        here = (await store.community_card(GUILD, SECTIONED)).here
        await assert_counts_exact(store)

    assert here is not None
    assert (here.started, here.finished, here.dropped, here.median_days) == (4, 3, None, 10.0)
    assert here.went_on == ((DEEP, 3),)
    new_rows = dump_database(db_location)
    for table, table_rows in old_rows.items():
        assert new_rows[table] == table_rows, table
    async with await Store.open(db_location, community_catalog()) as store:  # and the triggers count on from there
        await store.log_progress(5, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(30))
        await assert_counts_exact(store)


# --- the ranking's facts, pace and the leaderboard --------------------------------------------------


async def test_the_rankings_facts_follow_each_commit(store: Store) -> None:
    await a_reading_group(store)
    facts = await store.community_facts(GUILD)
    assert facts.resources[LADR].finished == 3 and facts.went_on[LADR] == ((DEEP, 3),)
    assert await store.community_facts(GUILD) is facts  # kept while nothing changed

    await store.set_privacy(3, in_community=False)

    again = await store.community_facts(GUILD)
    assert LADR not in again.resources and again.went_on == {}
    assert not (await store.community_facts(OTHER_GUILD)).resources


async def test_a_members_pace_comes_from_their_own_updates(store: Store) -> None:
    await store.log_progress(1, GUILD, LADR, position=10, now=at(1))  # started at page 10
    await store.log_progress(1, GUILD, LADR, position=100, now=at(4))
    await store.log_progress(1, GUILD, LADR, position=210, now=at(11))
    await store.log_progress(1, GUILD, LADR, note="a note later carries the position", now=at(20))

    pace = await store.pace(1)

    assert pace.is_own(SECTIONED.length.unit) and pace.per_day(SECTIONED.length.unit) == 20.0  # 200 pages, 10 days
    assert not (await store.pace(2)).own
    await store.log_progress(1, GUILD, ESSENCE, position=4, now=at(21))
    assert (await store.pace(1)).own.keys() == {SECTIONED.length.unit}  # one day of videos is not a pace yet


async def test_the_leaderboard_counts_a_period_and_leaves_out_who_opted_out(store: Store) -> None:
    await a_reading_group(store)
    await store.log_progress(8, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(27))

    all_time = await store.leaderboard(None, limit=10)
    since = await store.leaderboard(None, limit=10, since=at(26, 0))

    assert [(row.user_id, row.finished) for row in all_time][:3] == [(1, 1), (2, 1), (3, 1)]
    assert [(row.user_id, row.finished, row.updates) for row in since] == [(8, 1, 1)]
    await store.set_privacy(1, in_community=False)
    assert 1 not in {row.user_id for row in await store.leaderboard(None, limit=10)}
