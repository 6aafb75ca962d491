"""The study rhythm's tables: migration 0005 keeps every row, and a member's goals, reminders and clubs are theirs.

Export holds them; deletion leaves no row naming the member (the clubs they started stay, unnamed); the
nudge ledger lets one job a day through; goal periods add up what the history says.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.catalog import Catalog
from bot.reading import ReadingStatus
from bot.rhythm.goals import GoalPeriod, GoalUnit
from bot.rhythm.jobs import JobKind, JobState, Sent
from bot.store import Store
from bot.store.connection import migrations, open_database
from bot.store.members import DELETED_MEMBER
from bot.store.models import GuildSettings, Reminder
from tests.database import dump_database
from tests.factories import LADR, make_resource
from tests.store.conftest import GUILD, MEMBER, MODERATOR, OTHER_GUILD, at
from tests.store.test_member_data import OTHER_MEMBER, rows_naming

RHYTHM = 5  # the migration these tests are about


async def test_migration_0005_keeps_every_row_and_adds_empty_tables(db_location: Path | str, curated: Catalog) -> None:
    assert migrations()[RHYTHM - 1].name == "0005_study_rhythm.sql"
    old = await open_database(db_location, migrate_to=RHYTHM - 1)
    shapes = await old.shapes()
    async with old.transaction() as conn:  # the older release writes its rows
        t = "2025-01-05T10:00:00.000000+00:00"
        await conn.execute(
            "INSERT INTO read_throughs (id, user_id, resource_id, number, status, position, unit, total, started_at,"
            " updated_at) VALUES (1, ?, ?, 1, 'reading', 40, 'pages', 390, ?, ?)",
            (MEMBER, LADR, t, t),
        )
        await conn.execute(
            "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status, position, at)"
            " VALUES (1, ?, ?, ?, 'reading', 40, ?)",
            (MEMBER, GUILD, LADR, t),
        )
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, moderator_role_id, updated_at, announce_channel_id)"
            " VALUES (?, 777, ?, 888)",
            (GUILD, t),
        )
        for table in ("read_throughs", "progress_events"):  # ids came from the database then
            await old.follow_copied_ids(conn, shapes[table])
    await old.close()
    before = dump_database(db_location)

    async with await Store.open(db_location, curated) as store:
        assert await store.database.schema_version() == len(migrations())
        assert await store.guild_settings(GUILD) == GuildSettings(GUILD, 777, 888, None, False)
        assert [(e.resource_id, e.position) for e in await store.shelf(MEMBER)] == [(LADR, 40)]
        # The new tables work on the upgraded file.
        await store.goals.set(MEMBER, GoalUnit.PAGES, 50, GoalPeriod.WEEK, at(5))
        await store.update_guild_settings(GUILD, MODERATOR, reminder_channel_id=999, members_start_clubs=True)
        assert await store.guild_settings(GUILD) == GuildSettings(GUILD, 777, 888, 999, True)

    after = dump_database(db_location)
    for table, rows in before.items():
        if table != "guild_settings" and table != "audit_log":
            assert after[table] == rows, table
    assert after["goals"] and not after["clubs"] and not after["jobs"]


async def make_a_rhythmic_member(store: Store) -> int:
    """MEMBER sets a goal and a reminder, starts a club (as a moderator), joins it with nudges, gets a reminder."""
    now = at(3, 8)
    await store.goals.set(MEMBER, GoalUnit.PAGES, 50, GoalPeriod.WEEK, now)
    await store.reminders.set(Reminder(MEMBER, GUILD, time(9, 0), frozenset(range(7)), "Europe/Paris", True), now)
    await store.reminders.remember_dm_channel(MEMBER, 5555, now)
    sectioned = make_resource("sectioned", sections=[{"number": "1", "title": "One"}])
    club = await store.clubs.start(
        guild_id=GUILD, resource=sectioned, channel_id=10, thread_id=11, starts_on=date(2025, 3, 3), pace=1,
        weeks=1, time_zone="UTC", started_by=MEMBER, now=now,
    )  # fmt: skip
    await store.clubs.join(club, MEMBER, on_board=False, nudges=True, zone=None, now=now)
    await store.clubs.join(club, OTHER_MEMBER, on_board=True, nudges=False, zone=None, now=now)
    await store.schedule.materialise(at(4, 9))  # the reminder (08:00 UTC) and the club's week came due
    for job in await store.schedule.claim(at(4, 9), "test", 10):
        await store.schedule.finish(job, "test", Sent("dm", 77), at(4, 9))
    assert await store.reminders.take_nudge_day(MEMBER, date(2025, 3, 3), 1)
    return club.id


async def test_the_export_holds_goals_reminders_clubs_and_what_was_sent(store: Store) -> None:
    await make_a_rhythmic_member(store)
    data = await store.export_member(MEMBER)
    json.dumps(data)
    assert data["time_zone"] == "Europe/Paris"
    assert [(g["unit"], g["amount"], g["period"]) for g in data["goals"]] == [("pages", 50, "week")]
    assert data["reminder"]["at"] == "09:00" and data["reminder"]["weekdays"] == list(range(7))
    assert data["reminder"]["streak_nudge"] == 1
    assert [(c["resource_id"], c["on_board"], c["nudges"]) for c in data["club_memberships"]] == [("sectioned", 0, 1)]
    assert any(s["kind"] == "reminder" and s["state"] == "sent" for s in data["reminders_sent"])


async def test_deleting_the_member_leaves_no_row_naming_them_and_keeps_the_club(
    store: Store, db_location: Path | str
) -> None:
    club_id = await make_a_rhythmic_member(store)
    assert rows_naming(db_location, MEMBER)

    await store.delete_member(MEMBER)

    assert rows_naming(db_location, MEMBER) == {}
    club = await store.clubs.get(club_id)
    assert club.started_by == DELETED_MEMBER
    assert [m.user_id for m in await store.clubs.members(club_id)] == [OTHER_MEMBER]
    assert await store.reminders.get(MEMBER) is None and await store.goals.goals(MEMBER) == []
    assert await store.schedule.next_firing(JobKind.REMINDER, MEMBER) is None
    assert await store.schedule.next_firing(JobKind.CLUB_WEEK, club_id) is not None  # the club still posts


async def test_one_nudge_a_day_the_same_job_may_ask_again(store: Store) -> None:
    day = date(2025, 3, 3)
    assert await store.reminders.take_nudge_day(MEMBER, day, 1)
    assert await store.reminders.take_nudge_day(MEMBER, day, 1)  # the same job, sent again after a crash
    assert not await store.reminders.take_nudge_day(MEMBER, day, 2)  # another nudge that day
    assert await store.reminders.take_nudge_day(MEMBER, day + timedelta(days=1), 2)
    assert await store.reminders.take_nudge_day(OTHER_MEMBER, day, 3)


async def test_a_goal_week_adds_up_the_history_in_the_members_zone(store: Store) -> None:
    # Sunday 23:30 in Paris is still last week there; Monday 00:30 Paris is this week.
    await store.log_progress(MEMBER, GUILD, LADR, position=100, now=datetime(2025, 3, 2, 22, 30, tzinfo=UTC))
    await store.log_progress(MEMBER, GUILD, LADR, position=130, now=datetime(2025, 3, 2, 23, 30, tzinfo=UTC))
    await store.log_progress(MEMBER, GUILD, LADR, position=150, now=datetime(2025, 3, 4, 12, tzinfo=UTC))
    await store.goals.set(MEMBER, GoalUnit.PAGES, 40, GoalPeriod.WEEK, at(4))
    ((current, past),) = await store.goals.standings(
        MEMBER, "Europe/Paris", datetime(2025, 3, 5, 12, tzinfo=UTC), store.curated, history=1
    )
    assert (current.done, current.met, current.days_left) == (50, True, 5)  # 100 → 150 this week
    assert [(p.period.start, p.done) for p in past] == [(date(2025, 2, 24), 100)]  # 0 → 100 last week


async def test_a_member_who_finished_reaches_a_resources_goal(store: Store) -> None:
    await store.goals.set(MEMBER, GoalUnit.RESOURCES, 1, GoalPeriod.MONTH, at(1))
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED, now=at(10))
    ((current, _),) = await store.goals.standings(MEMBER, "UTC", at(20), store.curated)
    assert (current.done, current.met) == (1, True)


async def test_a_club_per_resource_and_server_and_ended_clubs_make_room(store: Store) -> None:
    sectioned = make_resource("sectioned", sections=[{"number": "1", "title": "One"}])
    opened = dict(resource=sectioned, channel_id=10, thread_id=11, starts_on=date(2025, 3, 3), pace=1, weeks=1,
                  time_zone="UTC", started_by=MODERATOR, now=at(3))  # fmt: skip
    club = await store.clubs.start(guild_id=GUILD, **opened)
    try:
        await store.clubs.start(guild_id=GUILD, **opened)
    except Exception as error:  # noqa: BLE001 - checked below
        assert "already has a club" in str(error)
    else:
        raise AssertionError("a second open club on the same resource was accepted")
    await store.clubs.start(guild_id=GUILD + 1, **opened)  # another server may
    assert await store.clubs.end(club.id, at(4))
    assert not await store.clubs.end(club.id, at(5))
    await store.clubs.start(guild_id=GUILD, **opened)
    jobs_of_ended = [r for r in await store.schedule.jobs() if r.job.subject_id == club.id]
    assert all(r.state is not JobState.DUE for r in jobs_of_ended)


async def test_migration_0006_gives_what_was_scheduled_its_server(db_location: Path | str, curated: Catalog) -> None:
    old = await open_database(db_location, migrate_to=RHYTHM)  # as the study rhythm's release left it
    shapes = await old.shapes()
    t = "2025-03-03T08:00:00.000000+00:00"
    rule = json.dumps({"at": "09:00", "zone": "UTC"})
    async with old.transaction() as conn:
        await conn.execute(
            "INSERT INTO reminders (user_id, guild_id, at, weekdays, time_zone, created_at, updated_at)"
            " VALUES (?, ?, '09:00', '[0]', 'UTC', ?, ?)",
            (MEMBER, GUILD, t, t),
        )
        await conn.execute(
            "INSERT INTO clubs (id, guild_id, resource_id, title, channel_id, starts_on, pace, weeks, time_zone,"
            " started_by, created_at) VALUES (5, ?, ?, 'LADR', 10, '2025-03-03', 1, 4, 'UTC', ?, ?)",
            (OTHER_GUILD, LADR, MEMBER, t),
        )
        await conn.execute(
            "INSERT INTO club_members (id, club_id, user_id, joined_at) VALUES (6, 5, ?, ?)", (OTHER_MEMBER, t)
        )
        scheduled = [(1, "reminder", MEMBER), (2, "streak", MEMBER), (3, "club-week", 5), (4, "club-nudge", 6),
                     (5, "reminder", OTHER_MEMBER)]  # fmt: skip
        for sid, kind, subject in scheduled:
            await conn.execute(
                "INSERT INTO schedules (id, kind, subject_id, rule, next_fire_at) VALUES (?, ?, ?, ?, ?)",
                (sid, kind, subject, rule, t),
            )
            await conn.execute(
                "INSERT INTO jobs (schedule_id, kind, subject_id, key, due_at, not_before) VALUES (?, ?, ?, ?, ?, ?)",
                (sid, kind, subject, f"{kind}:{sid}:{t}", t, t),
            )
        for table in ("clubs", "club_members", "schedules"):
            await old.follow_copied_ids(conn, shapes[table])
    await old.close()

    async with await Store.open(db_location, curated) as store:
        assert await store.database.schema_version() == len(migrations())
        async with store.database.read() as session:
            schedules = await session.fetchall("SELECT id, guild_id FROM schedules ORDER BY id")
            jobs = await session.fetchall("SELECT schedule_id, guild_id FROM jobs ORDER BY schedule_id")
    expected = [(1, GUILD), (2, GUILD), (3, OTHER_GUILD), (4, OTHER_GUILD), (5, None)]  # 5: no reminder row
    assert [tuple(row) for row in schedules] == expected
    assert [tuple(row) for row in jobs] == expected
