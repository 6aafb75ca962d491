"""Reading clubs end to end: a thread, each week's target posted in it, the board, nudges, the summary.

The club reads Seeing Theory (six chapters, each with its place in the contents) two chapters a week: three
weeks, reaching chapters 2, 4 and 6, then a summary.
"""

from __future__ import annotations

from datetime import time, timedelta

from bot.rhythm.jobs import JobKind, JobState
from tests.conftest import PillarsSandbox
from tests.database import dump_database
from tests.e2e.rhythm import NO_PINGS, local, move_to, today_in

BOOK = "seeing-theory"
TITLE = "Seeing Theory"
THREAD = f"Club: {TITLE}"


async def start_club(pillars: PillarsSandbox) -> None:
    """admin starts the club today, at 08:00 UTC (the week posts at 09:00), two chapters a week."""
    await move_to(pillars, local("UTC", today_in(pillars, "UTC") + timedelta(days=1), time(8)))
    reply = await pillars.command("admin", "club start", resource=BOOK, pace=2)
    assert not reply.ephemeral and reply.allowed_mentions == NO_PINGS
    assert reply.content.startswith(f"📖 **Reading club: {TITLE}**, 2 sections a week for 3 weeks, starting today.")


async def test_a_club_opens_a_thread_and_posts_each_weeks_target_then_a_summary(pillars: PillarsSandbox) -> None:
    await start_club(pillars)
    thread = pillars.world.thread(THREAD)
    assert thread.parent_id == pillars.world.channel("study").id
    start = today_in(pillars, "UTC")
    assert thread.id in [int(m["id"]) for m in pillars.emulator.messages.values() if m.get("thread")]

    posted, per_week = [], []
    for week in range(3):
        arrived = await move_to(pillars, local("UTC", start + timedelta(days=7 * week), time(9, 1)))
        per_week.append(len(arrived))
        posted += arrived
    assert per_week == [1, 1, 1]  # each week's target in its own week
    weeks = [m.content.split("\n")[0] for m in pillars.thread_messages(THREAD)]
    assert [w.split(" (")[0] for w in weeks] == ["📚 Week 1 of 3", "📚 Week 2 of 3", "📚 Week 3 of 3"]
    assert [w.rsplit(", to ", 1)[1] for w in weeks] == ["2 of 6 chapters.", "4 of 6 chapters.", "6 of 6 chapters."]
    assert all(m.allowed_mentions == NO_PINGS for m in posted)

    summary = await move_to(pillars, local("UTC", start + timedelta(days=21), time(9, 1)))
    assert [m.content.split(" after")[0] for m in summary] == [f"🏁 **The {TITLE} club is over**"]
    assert await move_to(pillars, local("UTC", start + timedelta(days=35), time(9, 1))) == []  # once, then quiet
    assert (await pillars.bot.store.clubs.in_guild(pillars.world.guild_id)) == []


async def test_joining_shelves_the_book_and_the_board_never_shows_who_opted_out(pillars: PillarsSandbox) -> None:
    await start_club(pillars)
    joined = await pillars.command("alice", "club join", club=TITLE)
    assert joined.ephemeral and "you appear on the board" in joined.content
    await pillars.command("bob", "club join", club=TITLE, show_on_board=False)
    assert pillars.world.user("alice").id in pillars.world.thread(THREAD).member_ids
    shelf = await pillars.command("alice", "progress show")
    assert TITLE in shelf.text

    await pillars.command("alice", "progress log", resource=BOOK, position=1)
    await pillars.command("bob", "progress log", resource=BOOK, position=5)
    board = await pillars.command("carol", "club show", club=TITLE)
    assert board.ephemeral
    assert "**Alice** — 1 of 6 chapters · on track" in board.text
    assert "Bob" not in board.text and "bob" not in board.text
    assert "And 1 reader who keeps their progress private." in board.text

    choices = await pillars.autocomplete("carol", "club join", focused="club", value="seeing")
    assert choices and choices[0][0] == TITLE


async def test_a_member_who_falls_behind_gets_one_gentle_word_a_week_if_they_asked(pillars: PillarsSandbox) -> None:
    await start_club(pillars)
    await pillars.command("alice", "club join", club=TITLE, nudges=True)
    await pillars.command("carol", "club join", club=TITLE, nudges=True)
    await pillars.command("carol", "progress log", resource=BOOK, position=4)  # ahead: no word for carol
    start = today_in(pillars, "UTC")

    await move_to(pillars, local("UTC", start + timedelta(days=4), time(18, 30)))  # week 1's nudge: nobody behind
    assert [m for m in pillars.dms("alice") if "club is on week" in m.content] == []
    await move_to(pillars, local("UTC", start + timedelta(days=11), time(18, 30)))  # week 2: alice read nothing
    nudges = [m for m in pillars.dms("alice") if "club is on week" in m.content]
    assert len(nudges) == 1 and "You're at 0 of 6 chapters. No rush" in nudges[0].content
    assert nudges[0].allowed_mentions == NO_PINGS
    assert [m for m in pillars.dms("carol") if "club is on week" in m.content] == []

    stopped = await pillars.click("alice", nudges[0], "Stop club nudges")
    assert "No more club nudges" in stopped.content
    received = len(pillars.dms("alice"))
    await move_to(pillars, local("UTC", start + timedelta(days=18), time(18, 30)))  # week 3: still behind
    assert len(pillars.dms("alice")) == received


async def test_a_club_on_a_retired_or_contentless_resource_is_refused_and_changes_nothing(
    pillars: PillarsSandbox,
) -> None:
    await pillars.command("admin", "catalog retire", resource="neural-networks-3blue1brown")
    before = dump_database(pillars.bot.settings.database_path)
    retired = await pillars.command("admin", "club start", resource="neural-networks-3blue1brown")
    assert retired.ephemeral and "was retired on this server" in retired.content
    bare = await pillars.command("admin", "club start", resource="attention-is-all-you-need")
    assert bare.ephemeral and "no table of contents" in bare.content
    past = await pillars.command("admin", "club start", resource=BOOK, start="2020-01-01")
    assert past.ephemeral and "cannot start in the past" in past.content
    assert dump_database(pillars.bot.settings.database_path) == before
    assert pillars.world.threads == {}


async def test_members_start_clubs_only_where_the_server_allows_it(pillars: PillarsSandbox) -> None:
    refused = await pillars.command("alice", "club start", resource=BOOK)
    assert refused.ephemeral and "Only moderators can start a reading club" in refused.content
    assert "Only moderators" in (await pillars.command("alice", "club settings", members_can_start=True)).content
    allowed = await pillars.command("admin", "club settings", members_can_start=True)
    assert "any member" in allowed.content
    opened = await pillars.command("alice", "club start", resource=BOOK)
    assert not opened.ephemeral and "Started by Alice" in opened.content
    again = await pillars.command("bob", "club start", resource=BOOK)
    assert again.ephemeral and "already has a club" in again.content


async def test_the_club_starter_ends_it_early_with_the_summary(pillars: PillarsSandbox) -> None:
    await start_club(pillars)
    await pillars.command("alice", "club join", club=TITLE)
    assert "Only whoever started" in (await pillars.command("alice", "club end", club=TITLE)).content
    ended = await pillars.command("admin", "club end", club=TITLE)
    assert "has ended" in ended.content
    assert pillars.thread_messages(THREAD)[-1].content.startswith(f"🏁 **The {TITLE} club is over**")
    week_jobs = await pillars.bot.store.schedule.jobs(kind=JobKind.CLUB_WEEK)
    assert all(r.state is not JobState.DUE for r in week_jobs)
