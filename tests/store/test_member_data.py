"""A member's own data: the export holds everything, and after deletion nothing of them is left."""

from __future__ import annotations

import json
from pathlib import Path

from bot.reading import ReadingStatus
from bot.store import Store
from bot.store.members import DELETED_MEMBER
from tests.database import count, integer_columns
from tests.factories import make_resource
from tests.store.conftest import GUILD, MEMBER, MODERATOR, at

OTHER_MEMBER = 43


def rows_naming(location: Path | str, user_id: int) -> dict[str, int]:
    """For every integer column of every table, how many rows hold this id (only non-zero counts)."""
    found: dict[str, int] = {}
    for table, column in integer_columns(location):
        hits = count(location, f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user_id,))
        if hits:
            found[f"{table}.{column}"] = hits
    return found


async def make_a_busy_member(store: Store) -> None:
    """MEMBER reads, re-reads, suggests and (as a moderator of another server) edits the catalog."""
    await store.log_progress(MEMBER, GUILD, "essence-of-linear-algebra", status=ReadingStatus.FINISHED, now=at(1))
    await store.log_progress(MEMBER, GUILD, "essence-of-linear-algebra", position=3, note="again!", now=at(2))
    await store.log_progress(MEMBER, None, "deep-learning-book", status=ReadingStatus.WANT_TO_READ, now=at(3))
    mine = await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak", "rigorous")
    theirs = await store.add_suggestion(GUILD, OTHER_MEMBER, "Strang", "https://example.org/strang")
    await store.decide_suggestion(GUILD, MEMBER, theirs.id, approve=True)
    await store.decide_suggestion(GUILD, MODERATOR, mine.id, approve=False)
    await store.add_resource(GUILD, MEMBER, make_resource("added-by-member"))
    await store.retire_resource(GUILD, MEMBER, "gradient-descent-post")
    await store.update_guild_settings(GUILD, MEMBER, moderator_role_id=9)
    # Someone else's data, which must survive.
    await store.log_progress(OTHER_MEMBER, GUILD, "deep-learning-book", position=10, now=at(4))


async def test_the_export_holds_everything_about_the_member(store: Store) -> None:
    await make_a_busy_member(store)
    data = await store.export_member(MEMBER)
    json.dumps(data)  # JSON-ready as it is
    assert data["user_id"] == MEMBER
    assert [(r["resource_id"], r["read_through"], r["status"]) for r in data["shelf"]] == [
        ("deep-learning-book", 1, "want-to-read"),
        ("essence-of-linear-algebra", 1, "finished"),
        ("essence-of-linear-algebra", 2, "reading"),
    ]
    assert [e["note"] for e in data["history"]] == [None, "again!", None]
    assert [s["title"] for s in data["suggestions"]] == ["Spivak"]
    assert {a["action"] for a in data["moderator_actions"]} == {"approve", "add", "retire", "settings"}
    stranger = await store.export_member(12345)
    assert stranger["shelf"] == stranger["history"] == stranger["suggestions"] == stranger["moderator_actions"] == []


async def test_after_deletion_no_table_names_the_member(store: Store, db_location: Path | str) -> None:
    await make_a_busy_member(store)
    assert rows_naming(db_location, MEMBER)  # they are everywhere to begin with
    others_before = await store.shelf(OTHER_MEMBER)

    removed = await store.delete_member(MEMBER)

    assert rows_naming(db_location, MEMBER) == {}
    # Deleted: 3 read-throughs, 3 updates, 1 suggestion. Anonymised: 4 audit entries, 1 decision, the added
    # resource's created_by and updated_by, 1 retirement.
    assert removed == 3 + 3 + 1 + 4 + 1 + 2 + 1
    export = await store.export_member(MEMBER)
    assert export["shelf"] == export["history"] == export["suggestions"] == export["moderator_actions"] == []
    assert await store.stats(MEMBER) == await store.stats(987654)
    # The server keeps its catalog and its log, no longer naming who acted; other members keep everything.
    assert "added-by-member" in await store.catalog_for(GUILD)
    assert {e.moderator_id for e in await store.audit_log(GUILD, limit=50)} == {DELETED_MEMBER, MODERATOR}
    assert await store.shelf(OTHER_MEMBER) == others_before
    assert await store.delete_member(MEMBER) == 0
