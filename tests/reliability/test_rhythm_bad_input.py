"""Bad input to goals, reminders and clubs, through the real handlers, held to the promises of test_bad_input.py.

Times like 25:00, unknown zones, nonsense days, goals of zero or less, clubs on retired or unknown resources,
paces and dates out of range: a clear private refusal that changes nothing, or a valid answer; never a
traceback, never a ping.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox import Sandbox
from tests.database import dump_database
from tests.reliability import test_bad_input
from tests.reliability.inputs import fuzz_settings, number, text
from tests.reliability.support import database_path, emulator_problems
from tests.reliability.test_bad_input import RETIRED, checked

fuzzed = test_bad_input.fuzzed  # the same fixture: the production bot, one resource retired, no write cooldown
times = st.one_of(text, st.sampled_from(["19:30", "7pm", "25:00", "24:00", "12:60", "-1:00", "13pm", "0:00"]))
zones = st.one_of(st.none(), text, st.sampled_from(["Europe/Paris", "paris", "Europe/Pariss", "UTC", "Mars/Olympus"]))
days = st.one_of(st.none(), text, st.sampled_from(["weekdays", "mon, fri", "someday", "t"]))
dates = st.one_of(st.none(), text, st.sampled_from(["today", "monday", "2020-01-01", "2999-01-01", "2025-02-30"]))
resources = st.one_of(text, st.sampled_from(["seeing-theory", RETIRED, "attention-is-all-you-need", "nope"]))


@given(time=times, timezone=zones, days=days, streak=st.booleans())
@fuzz_settings(25)
async def test_reminders_set(fuzzed: Sandbox, time: str, timezone: str | None, days: str | None, streak: bool) -> None:
    await checked(
        fuzzed, "alice", "reminders set", success=("⏰ Reminders at",), writes=True,
        time=time, timezone=timezone, days=days, streak=streak,
    )  # fmt: skip


@given(amount=number, unit=st.sampled_from(["pages", "chapters", "lectures", "resources"]), timezone=zones)
@fuzz_settings(20)
async def test_goal_set(fuzzed: Sandbox, amount: int, unit: str, timezone: str | None) -> None:
    reply = await checked(
        fuzzed, "bob", "goal set", success=("🎯 Goal set",), writes=True, amount=amount, unit=unit, timezone=timezone
    )
    if reply.content.startswith("🎯"):
        assert 1 <= amount <= 100_000


@given(resource=resources, pace=number, start=dates)
@fuzz_settings(20)
async def test_club_start(fuzzed: Sandbox, resource: str, pace: int, start: str | None) -> None:
    reply = await checked(
        fuzzed, "admin", "club start", success=("📖 **Reading club",), writes=True,
        resource=resource, pace=pace, start=start,
    )  # fmt: skip
    if reply.content.startswith("📖"):
        assert 1 <= pace <= 10 and resource != RETIRED
        await fuzzed.command("admin", "club end", club=reply.content.split("Reading club: ")[1].split("**")[0])


@given(club=text)
@fuzz_settings(15)
async def test_club_commands_on_clubs_that_do_not_exist(fuzzed: Sandbox, club: str) -> None:
    for path in ("club join", "club leave", "club show", "club end"):
        await checked(fuzzed, "carol", path, club=club)


@given(command=st.sampled_from(["reminders set:timezone", "goal set:timezone", "club join:club", "club start:start"]),
       typed=text)  # fmt: skip
@fuzz_settings(20)
async def test_autocomplete(fuzzed: Sandbox, command: str, typed: str) -> None:
    path, focused = command.split(":")
    required = {"reminders set": {"time": "19:00"}, "goal set": {"amount": 5, "unit": "pages"}}.get(path, {})
    before = dump_database(database_path(fuzzed))
    choices = await fuzzed.autocomplete("alice", path, focused=focused, value=typed, **required)
    assert len(choices) <= 25
    assert all(1 <= len(name) <= 100 and 1 <= len(str(value)) <= 100 for name, value in choices)
    assert emulator_problems(fuzzed) == [] and fuzzed.logged_errors == []
    assert dump_database(database_path(fuzzed)) == before
