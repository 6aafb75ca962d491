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
