"""Goals end to end: set, show with a bar and what is left, a missed week shown plainly, clear; bad amounts refused."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from tests.conftest import PillarsSandbox
from tests.database import dump_database
from tests.e2e.rhythm import local, move_to, today_in
from tests.factories import ESSENCE, LADR


async def test_a_weekly_pages_goal_counts_what_the_member_read_this_week(pillars: PillarsSandbox) -> None:
    monday = today_in(pillars, "UTC") + timedelta(days=7 - today_in(pillars, "UTC").weekday())
    await move_to(pillars, local("UTC", monday, time(9)))
    reply = await pillars.command("alice", "goal set", amount=50, unit="pages", timezone="UTC")
    assert reply.ephemeral and reply.content.startswith("🎯 Goal set: 📄 50 pages a week.")
    assert "0 of 50 pages, 50 to go, 7 days left" in reply.content

    await pillars.command("alice", "progress log", resource=LADR, position=30)
    await pillars.command("alice", "progress log", resource=ESSENCE, position=3)  # videos: not pages
    shown = await pillars.command("alice", "goal show")
    assert shown.ephemeral and shown.embeds[0]["title"] == "Your goals"
    assert "30 of 50 pages, 20 to go, 7 days left" in shown.text and "▰▰▰▰▰▰▱▱▱▱ 60%" in shown.text

    # The next week: last week fell short and reads plainly, this week starts from nothing.
    await move_to(pillars, local("UTC", monday + timedelta(days=8), time(9)))
    await pillars.command("alice", "progress log", resource=LADR, position=80)
    shown = await pillars.command("alice", "goal show")
    assert "50 of 50 pages ✓ reached" in shown.text
    assert f"week of {monday.day} {monday:%b}: 30/50" in shown.text
    assert "fail" not in shown.text.lower() and "missed" not in shown.text.lower()


async def test_goals_in_other_units_and_clearing_them(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "goal set", amount=4, unit="lectures", per="a month")
    await pillars.command("alice", "goal set", amount=2, unit="resources", per="a year")
    await pillars.command("alice", "progress log", resource=ESSENCE, position=3)
    shown = await pillars.command("alice", "goal show")
    assert "🎬 4 lectures a month" in shown.text and "3 of 4 lectures, 1 to go" in shown.text
    assert "📚 2 resources a year" in shown.text

    cleared = await pillars.command("alice", "goal clear", unit="lectures")
    assert cleared.content.startswith("Removed your lectures goal")
    assert "lectures" not in (await pillars.command("alice", "goal show")).text
    assert (await pillars.command("alice", "goal clear")).content.startswith("Removed your 1 goal")
    assert "no goal yet" in (await pillars.command("alice", "goal show")).content
    assert "no such goal" in (await pillars.command("bob", "goal clear")).content


@pytest.mark.parametrize("amount", [0, -5])
async def test_a_goal_of_zero_or_less_gets_a_private_answer_and_changes_nothing(
    pillars: PillarsSandbox, amount: int
) -> None:
    await pillars.command("alice", "goal set", amount=20, unit="pages")
    before = dump_database(pillars.bot.settings.database_path)
    reply = await pillars.command("alice", "goal set", amount=amount, unit="pages")
    assert reply.ephemeral and "not more than zero" in reply.content
    assert dump_database(pillars.bot.settings.database_path) == before
    assert "20 pages a week" in (await pillars.command("alice", "goal show")).text


async def test_progress_stats_counts_the_streak_in_the_members_own_days_once_they_give_their_zone(
    pillars: PillarsSandbox,
) -> None:
    zone = "America/Los_Angeles"
    day = today_in(pillars, zone) + timedelta(days=2)
    await move_to(pillars, local(zone, day, time(15)))  # late in the UTC day …
    await pillars.command("alice", "progress log", resource=LADR, position=10)
    await move_to(pillars, local(zone, day, time(18)))  # … and the next UTC day, the same evening in LA
    await pillars.command("alice", "progress log", resource=LADR, position=20)

    in_utc = await pillars.command("alice", "progress stats")
    assert in_utc.ephemeral and "2 days now" in in_utc.text
    assert in_utc.embeds[0]["footer"]["text"].startswith("Days are counted in UTC")

    await pillars.command("alice", "goal set", amount=50, unit="pages", timezone=zone)
    in_la = await pillars.command("alice", "progress stats")
    assert "1 day now" in in_la.text and "2 on 1 day" in in_la.text  # two updates, one local day
    assert in_la.embeds[0]["footer"]["text"] == f"Days are counted in your time zone, {zone}."
