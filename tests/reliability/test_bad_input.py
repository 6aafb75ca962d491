"""Bad input through the real command handlers: every option fuzzed, every answer checked.

For each example: the bot answers (a clear private refusal, or a valid answer within Discord's limits); no
traceback or exception name reaches the member; no message could ping anyone; the emulator refused nothing
(no 50035 for an oversize payload); and when the input was refused, or the command only reads, every table
of the database is exactly as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.interactions.errors import APOLOGY
from bot.sandbox import Sandbox
from bot.sandbox.harness import Reply
from tests.database import dump_database
from tests.factories import ESSENCE, LADR
from tests.reliability.conftest import MakePillars
from tests.reliability.inputs import NASTY, fuzz_settings, number, text
from tests.reliability.support import database_path, emulator_problems, reply_problems

RETIRED = ESSENCE
MEMBERS = ["alice", "bob", "carol"]
STATUSES = [None, "want-to-read", "reading", "finished", "dropped"]
resource_value = st.one_of(text, st.sampled_from([LADR, RETIRED, "no-such-resource", "linear algebra done right"]))


@pytest.fixture
async def fuzzed(make_pillars: MakePillars) -> AsyncIterator[Sandbox]:
    """The production bot with one resource retired, and no write cooldown to hide the store's own checks."""
    async with make_pillars(write_cooldown_rate=100_000) as sandbox:
        retired = await sandbox.command("admin", "catalog retire", resource=RETIRED)
        assert "Retired" in retired.content
        yield sandbox


def _strings(options: dict[str, Any]) -> list[str]:
    """What the member typed, which the bot may fairly echo back."""
    return [value for value in options.values() if isinstance(value, str)]


async def checked(
    sandbox: Sandbox, user: str, path: str, *, success: tuple[str, ...] = (), writes: bool = False, **options: Any
) -> Reply:
    """Run one command and hold its answer and the database to the promises in the module docstring.

    An answer counts as accepted when it is a form, has an embed or starts with one of `success`; anything else must be
    a private refusal that changed nothing. A command that only reads must change nothing either way.
    """
    given_options = {name: value for name, value in options.items() if value is not None}
    before = dump_database(database_path(sandbox))
    reply = await sandbox.command(user, path, **given_options)
    assert reply_problems(reply, _strings(given_options)) == []
    assert emulator_problems(sandbox) == []
    assert sandbox.logged_errors == [], f"/{path} {given_options!r} hit a bug"
    assert APOLOGY not in reply.content
    accepted = reply.kind == "modal" or bool(reply.embeds) or bool(success and reply.content.startswith(success))
    after = dump_database(database_path(sandbox))
    if not accepted:
        assert reply.ephemeral and reply.content.strip(), f"/{path} {given_options!r}: no clear private refusal"
    if not (accepted and writes):
        assert after == before, f"/{path} {given_options!r} changed the database"
    return reply


@given(
    topic=st.one_of(st.none(), text),
    query=st.one_of(st.none(), text),
    free_only=st.booleans(),
    for_member=st.sampled_from([None, *MEMBERS, "pillars"]),
)
@fuzz_settings(25)
async def test_recommend(fuzzed: Sandbox, topic: str | None, query: str | None, free_only: bool, for_member) -> None:
    await checked(fuzzed, "alice", "recommend", topic=topic, query=query, free_only=free_only, **{"for": for_member})


@given(topic=text)
@fuzz_settings(15)
async def test_path(fuzzed: Sandbox, topic: str) -> None:
    await checked(fuzzed, "bob", "path", to=topic)


@given(resource=resource_value, query=text)
@fuzz_settings(20)
async def test_resource_info_and_search(fuzzed: Sandbox, resource: str, query: str) -> None:
    info = await checked(fuzzed, "carol", "resource info", resource=resource)
    if resource == RETIRED:  # retired here: not shown; the member is told so, privately
        assert info.ephemeral and not info.embeds and "was retired on this server" in info.content
    await checked(fuzzed, "carol", "resource search", query=query)


@given(
    resource=resource_value,
    status=st.sampled_from(STATUSES),
    position=st.one_of(st.none(), number),
    note=st.one_of(st.none(), text),
)
@fuzz_settings(30)
async def test_progress_log(fuzzed: Sandbox, resource: str, status: str | None, position: int | None, note) -> None:
    reply = await checked(
        fuzzed, "alice", "progress log", success=("Logged.",), writes=True,
        resource=resource, status=status, position=position, note=note,
    )  # fmt: skip
    if reply.content.startswith("Logged."):
        assert resource != RETIRED and (position is None or 0 <= position <= 100_000)
        assert note is None or len(note) <= 500


@given(title=text, url=st.one_of(text, st.sampled_from(["https://example.org/book", "http://example.org"])), note=text)
@fuzz_settings(25)
async def test_suggest(fuzzed: Sandbox, title: str, url: str, note: str) -> None:
    reply = await checked(
        fuzzed, "bob", "suggest", success=("💡 Thanks!",), writes=True, title=title, url=url, note=note or None
    )
    if reply.content.startswith("💡"):
        assert url.strip().lower().startswith(("http://", "https://")), f"stored a non-web link {url!r}"


@given(user=st.sampled_from(MEMBERS), member=st.sampled_from([None, *MEMBERS, "mod", "pillars"]))
@fuzz_settings(10)
async def test_reading_views(fuzzed: Sandbox, user: str, member: str | None) -> None:
    await checked(fuzzed, user, "progress show", member=member)
    for path in ("progress history", "progress stats", "leaderboard", "help", "mydata export"):
        await checked(fuzzed, user, path)


@given(command=st.sampled_from(["recommend", "path", "progress log", "resource info"]), typed=text)
@fuzz_settings(25)
async def test_autocomplete(fuzzed: Sandbox, command: str, typed: str) -> None:
    focused = {"recommend": "topic", "path": "to"}.get(command, "resource")
    before = dump_database(database_path(fuzzed))
    choices = await fuzzed.autocomplete("alice", command, focused=focused, value=typed)
    assert len(choices) <= 25
    assert all(1 <= len(name) <= 100 and 1 <= len(str(value)) <= 100 for name, value in choices)
    assert RETIRED not in [value for _, value in choices]
    assert emulator_problems(fuzzed) == [] and fuzzed.logged_errors == []
    assert dump_database(database_path(fuzzed)) == before


@given(message=text)
@fuzz_settings(15)
async def test_message_command(fuzzed: Sandbox, message: str) -> None:
    before = dump_database(database_path(fuzzed))
    reply = await fuzzed.message_command("carol", "Recommend resources", message_text=message)
    assert reply_problems(reply, [message]) == []
    assert emulator_problems(fuzzed) == [] and fuzzed.logged_errors == []
    assert reply.embeds or (reply.ephemeral and reply.content)
    assert dump_database(database_path(fuzzed)) == before


@given(
    command=st.sampled_from(["catalog retire", "catalog restore", "catalog edit"]),
    resource=resource_value,
    count=number,
)
@fuzz_settings(20)
async def test_moderator_options(fuzzed: Sandbox, command: str, resource: str, count: int) -> None:
    success = ("🗄️ Retired", "♻️ Restored")
    reply = await checked(fuzzed, "admin", command, success=success, writes=True, resource=resource)
    if reply.kind == "modal":  # edit opens the form for a live resource; it changed nothing yet
        assert resource not in (RETIRED, "no-such-resource")
    elif reply.content.startswith(success):  # put the catalog back for the next example
        undo = "catalog restore" if reply.content.startswith("🗄️") else "catalog retire"
        await fuzzed.command("admin", undo, resource=reply.content.split("`")[1])
    await checked(fuzzed, "admin", "catalog log", count=count)


@given(body=st.one_of(text, st.binary(max_size=300), st.sampled_from(NASTY).map("resources:\n  - id: {}\n".format)))
@fuzz_settings(15)
async def test_catalog_import_file(fuzzed: Sandbox, body: str | bytes) -> None:
    reply = await checked(fuzzed, "admin", "catalog import", file=("fuzz.yaml", body))
    assert not reply.buttons or "Confirm import" in [b.label for b in reply.buttons]
