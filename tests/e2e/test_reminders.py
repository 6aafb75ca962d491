"""Reminders end to end: the production bot, the emulator's DMs, and a clock the test moves.

A member sets a reminder; the test moves time (Discord's and the bot's) to their local time and reads
their DMs. Every message must ping nobody; every reminder carries a stop button that works after a restart.
"""

from __future__ import annotations

from datetime import time, timedelta

from bot.rhythm.jobs import JobKind, JobState
from tests.conftest import PillarsSandbox
from tests.database import dump_database
from tests.e2e.rhythm import NO_PINGS, local, move_to, next_offset_change, today_in
from tests.factories import LADR

PARIS = "Europe/Paris"


def reminders_in(sandbox: PillarsSandbox, user: str) -> list[str]:
    """The study reminders `user` received by DM (not the first word /reminders set sends)."""
    return [m.content for m in sandbox.dms(user) if m.content.startswith("⏰ Time for some study")]


async def test_a_reminder_comes_by_dm_at_the_members_local_time_on_both_sides_of_a_dst_change(
    pillars: PillarsSandbox,
) -> None:
    change = next_offset_change(PARIS, today_in(pillars, PARIS))
    await move_to(pillars, local(PARIS, change - timedelta(days=1), time(12)))
    reply = await pillars.command("alice", "reminders set", time="19:00", timezone="paris")
    assert reply.ephemeral and "19:00" in reply.content and "Europe/Paris" in reply.content
    assert "sent you a DM" in reply.content

    for day in (change - timedelta(days=1), change, change + timedelta(days=1)):
        due = local(PARIS, day, time(19))
        await move_to(pillars, due - timedelta(minutes=1))
        assert len(reminders_in(pillars, "alice")) == (day - change).days + 1, "not before 19:00 Paris time"
        posted = await move_to(pillars, due + timedelta(minutes=1))
        assert [p.content.split("\n")[0] for p in posted] == ["⏰ Time for some study."]
        assert posted[0].allowed_mentions == NO_PINGS
        assert (
            posted[0].button("Stop reminders").custom_id == f"pillars:reminders-stop:{pillars.world.user('alice').id}"
        )
    # The offset changed under the same local time: the UTC hours of the three reminders are not all equal.
    jobs = [r.job.due_at for r in await pillars.bot.store.schedule.jobs(kind=JobKind.REMINDER)]
    assert len(jobs) == 3 and len({moment.hour for moment in jobs}) == 2


async def test_the_stop_button_on_a_reminder_still_works_after_a_restart(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "reminders set", time="08:00", timezone="UTC", days="every day")
    tomorrow = today_in(pillars, "UTC") + timedelta(days=1)
    (reminder,) = await move_to(pillars, local("UTC", tomorrow, time(8, 1)))
    await pillars.restart()

    refused = await pillars.click("bob", reminder, "Stop reminders")
    assert refused.ephemeral and "someone else" in refused.content
    stopped = await pillars.click("alice", reminder, "Stop reminders")
    assert stopped.kind == "update" and "Reminders are off" in stopped.content and stopped.buttons == []

    assert await move_to(pillars, local("UTC", tomorrow + timedelta(days=2), time(9))) == []
    assert await pillars.bot.store.reminders.get(pillars.world.user("alice").id) is None


async def test_closed_dms_fall_back_to_the_servers_reminder_channel_without_a_ping(pillars: PillarsSandbox) -> None:
    settings = await pillars.command("admin", "reminders channel", channel="general")
    assert "#" not in settings.content or "<#" in settings.content
    pillars.emulator.close_dms("alice")
    reply = await pillars.command("alice", "reminders set", time="07:30", timezone="UTC")
    assert "DMs are closed" in reply.content and f"<#{pillars.world.channel('general').id}>" in reply.content

    tomorrow = today_in(pillars, "UTC") + timedelta(days=1)
    (posted,) = await move_to(pillars, local("UTC", tomorrow, time(7, 31)))
    message = pillars.emulator.messages[posted.message_id or 0]
    assert message["channel_id"] == str(pillars.world.channel("general").id)
    assert posted.content.startswith("**Alice** (your DMs are closed, so it's here): ⏰ Time for some study.")
    assert posted.allowed_mentions == NO_PINGS and "<@" not in posted.content
    assert pillars.emulator.counters["dms_refused"] >= 2  # the first word and the reminder both tried a DM
    (job,) = await pillars.bot.store.schedule.jobs(kind=JobKind.REMINDER)
    assert (job.state, job.outcome) == (JobState.SENT, "channel")
    assert (await pillars.click("alice", posted, "Stop reminders")).content.startswith("🔕 Reminders are off")


async def test_closed_dms_and_no_channel_warn_at_once_and_fail_the_job_saying_why(pillars: PillarsSandbox) -> None:
    pillars.emulator.close_dms("bob")
    reply = await pillars.command("bob", "reminders set", time="07:30", timezone="UTC")
    assert "can't DM you" in reply.content and "no reminder channel" in reply.content
    tomorrow = today_in(pillars, "UTC") + timedelta(days=1)
    assert await move_to(pillars, local("UTC", tomorrow, time(8))) == []
    (job,) = await pillars.bot.store.schedule.jobs(kind=JobKind.REMINDER)
    assert job.state is JobState.FAILED and "no reminder channel" in (job.outcome or "")


async def test_after_days_offline_one_catch_up_reminder_says_it_is_late(pillars: PillarsSandbox) -> None:
    # From 07:00, so the day the reminder is set has no 06:00 still to come (run before 06:00 UTC, it had five).
    start = today_in(pillars, "UTC") + timedelta(days=1)
    await move_to(pillars, local("UTC", start, time(7)))
    await pillars.command("alice", "reminders set", time="06:00", timezone="UTC")
    posted = await move_to(pillars, local("UTC", start + timedelta(days=4), time(9)))  # four 06:00s passed
    assert len(posted) == 1
    assert "I was offline at" in posted[0].content and "3 earlier reminders while I was away" in posted[0].content
    # A reminder whose day is over by the time the bot is back is not sent at all: tomorrow's comes instead.
    assert await move_to(pillars, local("UTC", start + timedelta(days=6), time(5))) == []
    (*_, skipped) = await pillars.bot.store.schedule.jobs(kind=JobKind.REMINDER)
    assert skipped.state is JobState.SKIPPED and "day ended" in (skipped.outcome or "")


async def test_at_most_one_nudge_a_day_and_the_streak_nudge_only_when_the_streak_is_at_risk(
    pillars: PillarsSandbox,
) -> None:
    first = today_in(pillars, "UTC") + timedelta(days=1)
    await move_to(pillars, local("UTC", first, time(12)))
    await pillars.command("alice", "progress log", resource=LADR, position=10)  # day 1 of a streak
    await pillars.command("alice", "reminders set", time="20:00", days="weekdays", timezone="UTC", streak=True)

    by_day = {}
    for offset in range(4):
        day = first + timedelta(days=offset)
        if offset == 2:
            await move_to(pillars, local("UTC", day, time(12)))
            await pillars.command("alice", "progress log", resource=LADR, position=20)  # read on day 3
        posted = await move_to(pillars, local("UTC", day, time(20, 1)))
        posted += await move_to(pillars, local("UTC", day, time(21, 1)))
        by_day[day] = [p.content for p in posted]

    assert all(len(messages) <= 1 for messages in by_day.values()), by_day  # never two nudges a day
    for day, messages in by_day.items():
        weekday = day.weekday() < 5
        if weekday:  # the reminder, and the streak nudge stays quiet that day
            assert messages and messages[0].startswith("⏰ Time for some study."), (day, messages)
        elif day == first + timedelta(days=1) or day == first + timedelta(days=3):
            # A weekend day after a day of reading, nothing logged yet: the streak is at risk.
            assert messages and messages[0].startswith("🔥 Your"), (day, messages)
        else:
            assert messages == [], (day, messages)  # read already (day 1 and day 3), or nothing to keep
    outcomes = {(r.job.due_at.date(), r.outcome) for r in await pillars.bot.store.schedule.jobs(kind=JobKind.STREAK)}
    assert (first, "already read today") in outcomes


async def test_bad_times_and_zones_get_a_private_answer_and_change_nothing(pillars: PillarsSandbox) -> None:
    database = pillars.bot.settings.database_path
    before = dump_database(database)
    for options, words in (
        ({"time": "25:00", "timezone": "UTC"}, "hours go from 0 to 23"),
        ({"time": "19:00", "timezone": "Europe/Pariss"}, "did you mean 'Europe/Paris'"),
        ({"time": "19:00"}, "Which time zone"),
        ({"time": "19:00", "timezone": "UTC", "days": "someday"}, "not a day"),
    ):
        reply = await pillars.command("alice", "reminders set", **options)
        assert reply.ephemeral and words in reply.content, (options, reply.content)
    assert dump_database(database) == before
    assert pillars.emulator.dm_messages("alice") == []


async def test_time_zones_autocomplete_by_city(pillars: PillarsSandbox) -> None:
    choices = await pillars.autocomplete("alice", "reminders set", focused="timezone", value="tokyo", time="19:00")
    assert ("Asia/Tokyo", "Asia/Tokyo") in choices and len(choices) <= 25


async def test_reminders_show_and_stop(pillars: PillarsSandbox) -> None:
    assert "no reminder" in (await pillars.command("alice", "reminders show")).content
    await pillars.command("alice", "reminders set", time="7pm", days="mon, wed, fri", timezone="America/New_York")
    shown = await pillars.command("alice", "reminders show")
    assert "19:00" in shown.content and "Mon, Wed, Fri" in shown.content and "Next:" in shown.content
    assert (await pillars.command("alice", "reminders stop")).content == "🔕 Reminders are off."
    assert "no reminder to stop" in (await pillars.command("alice", "reminders stop")).content


async def test_only_moderators_choose_the_reminder_channel(pillars: PillarsSandbox) -> None:
    refused = await pillars.command("bob", "reminders channel", channel="general")
    assert refused.ephemeral and "Only moderators" in refused.content
    assert (await pillars.bot.store.guild_settings(pillars.world.guild_id)).reminder_channel_id is None
