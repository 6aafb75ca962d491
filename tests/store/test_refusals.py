"""Bad input is refused with a clear message, and the database is left exactly as it was: same rows, same bytes."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.errors import ConflictError, InvalidInputError, NotFoundError, PillarsError
from bot.reading import ReadingStatus
from bot.store import Store
from tests.database import dump_database
from tests.factories import DEEP, LADR, make_resource
from tests.store.conftest import GUILD, MEMBER, MODERATOR

RETIRED = DEEP
TEN_MB = "x" * (10 * 1024 * 1024)

Request = Callable[[Store], Awaitable[object]]

REFUSALS: list[tuple[str, Request, type[PillarsError], str]] = [
    ("unknown resource", lambda s: s.log_progress(MEMBER, GUILD, "linear-algebra-dun-right", position=3),
     NotFoundError, r"\(did you mean 'Linear Algebra Done Right'"),
    ("position past the end", lambda s: s.log_progress(MEMBER, GUILD, LADR, position=391),
     InvalidInputError, "390 pages long, so 391 is past the end"),
    ("negative position", lambda s: s.log_progress(MEMBER, GUILD, LADR, position=-4),
     InvalidInputError, "cannot be negative"),
    ("a 10 MB note", lambda s: s.log_progress(MEMBER, GUILD, LADR, position=3, note=TEN_MB),
     InvalidInputError, "keep it to 500"),
    ("a retired resource", lambda s: s.log_progress(MEMBER, GUILD, RETIRED, position=3),
     NotFoundError, "retired on this server"),
    ("dropping a finished resource", lambda s: s.log_progress(MEMBER, GUILD, "essence-of-linear-algebra",
     status=ReadingStatus.DROPPED), InvalidInputError, "nothing to drop"),
    ("a javascript: link", lambda s: s.add_suggestion(GUILD, MEMBER, "Totally a book", "javascript:alert(1)"),
     InvalidInputError, "web address starting with http"),
    ("a 10 MB suggestion note", lambda s: s.add_suggestion(GUILD, MEMBER, "Book", "https://example.org/", TEN_MB),
     InvalidInputError, "keep it to 500"),
    ("adding a curated id", lambda s: s.add_resource(GUILD, MODERATOR, make_resource(LADR)),
     ConflictError, "already in the catalog"),
    ("retiring twice", lambda s: s.retire_resource(GUILD, MODERATOR, RETIRED),
     ConflictError, "already retired"),
    ("an import with a broken prerequisite", lambda s: s.import_resources(GUILD, MODERATOR, [
        make_resource("fine-one"), make_resource("broken-one", prerequisites=["nowhere"])]),
     InvalidInputError, "'broken-one' needs 'nowhere'"),
    ("an unknown suggestion", lambda s: s.decide_suggestion(GUILD, MODERATOR, 404, approve=True),
     NotFoundError, "no suggestion #404"),
    ("an unknown setting", lambda s: s.update_guild_settings(GUILD, MODERATOR, prefix=1),
     InvalidInputError, "Unknown setting prefix"),
]  # fmt: skip


def files(location: Path | str) -> dict[str, bytes]:
    """The bytes of a SQLite database file and its write-ahead log (a PostgreSQL database has none here: its
    rows are compared instead)."""
    if not isinstance(location, Path):
        return {}
    return {p.name: p.read_bytes() for p in location.parent.iterdir() if p.name.startswith(location.name)}


@pytest.fixture
async def lived_in(store: Store) -> Store:
    """A store with some history: progress, a finished resource, a retired one, a suggestion and a setting."""
    await store.log_progress(MEMBER, GUILD, LADR, position=100, note="halfway-ish")
    await store.log_progress(MEMBER, GUILD, "essence-of-linear-algebra", status=ReadingStatus.FINISHED)
    await store.log_progress(MEMBER + 1, GUILD, RETIRED, position=50)
    await store.retire_resource(GUILD, MODERATOR, RETIRED)
    await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak")
    await store.update_guild_settings(GUILD, MODERATOR, moderator_role_id=3)
    await store.catalog_for(GUILD)
    return store


@pytest.mark.parametrize(("request_", "error", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
async def test_bad_input_is_refused_and_changes_nothing(
    lived_in: Store, db_location: Path | str, request_: Request, error: type[PillarsError], message: str
) -> None:
    rows, raw = dump_database(db_location), files(db_location)
    with pytest.raises(error, match=message):
        await request_(lived_in)
    assert dump_database(db_location) == rows
    assert files(db_location) == raw


async def test_a_huge_note_is_refused_before_any_work(lived_in: Store) -> None:
    database = lived_in.database
    work = (database.reads, database.commits)
    started = time.perf_counter()
    with pytest.raises(InvalidInputError, match="10,485,760 characters"):
        await lived_in.log_progress(MEMBER, GUILD, "no-such-resource", position=-1, note=TEN_MB)
    assert time.perf_counter() - started < 0.05  # the note is measured, not scanned
    assert (database.reads, database.commits) == work  # not a read, not a write
