"""Members' reports of problems with a resource: queued beside suggestions, resolved or dismissed, upgraded into."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.errors import ConflictError, InvalidInputError
from bot.store import Store
from bot.store.connection import is_postgres, migrations, open_database
from bot.store.models import Problem, SuggestionKind, SuggestionStatus
from tests.database import dump_database, index_names
from tests.factories import ESSENCE, LADR
from tests.store.conftest import GUILD, MEMBER, MODERATOR, OTHER_GUILD, count


async def test_a_report_names_the_resource_and_waits_in_the_queue_beside_suggestions(
    store: Store, curated: Catalog
) -> None:
    await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak", None)
    report = await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
    assert (report.kind, report.resource_id, report.problem) == (SuggestionKind.REPORT, LADR, Problem.DEAD_LINK)
    assert (report.title, report.url) == (curated[LADR].title, curated[LADR].url)
    queue = await store.suggestions(GUILD)
    assert [(s.title, s.is_report) for s in queue] == [("Spivak", False), (curated[LADR].title, True)]
    assert await store.suggestions(OTHER_GUILD) == []


async def test_wrong_facts_need_a_note_and_a_pending_report_is_not_repeated(store: Store, curated: Catalog) -> None:
    with pytest.raises(InvalidInputError, match="Say which fact is wrong"):
        await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.WRONG_FACTS, "   ")
    first = await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.WRONG_FACTS, "It has 340 pages")
    with pytest.raises(ConflictError, match=rf"already reported a wrong facts .*\(#{first.id}\)"):
        await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.WRONG_FACTS, "again")
    # Another problem, another member, or once the first is resolved: a report of its own.
    await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
    await store.report_problem(GUILD, MEMBER + 1, curated[LADR], Problem.WRONG_FACTS, "Year is 2024")
    await store.resolve_report(GUILD, MODERATOR, first.id, fixed=True)
    await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.WRONG_FACTS, "Still wrong")
    assert len(await store.suggestions(GUILD)) == 3


async def test_a_moderator_resolves_or_dismisses_a_report_and_the_audit_log_says_so(
    store: Store, curated: Catalog
) -> None:
    fixed = await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
    wrong = await store.report_problem(GUILD, MEMBER, curated[ESSENCE], Problem.WRONG_FACTS, "nonsense")
    resolved = await store.resolve_report(GUILD, MODERATOR, fixed.id, fixed=True)
    dismissed = await store.resolve_report(GUILD, MODERATOR, wrong.id, fixed=False)
    assert (resolved.status, resolved.decided_by) == (SuggestionStatus.RESOLVED, MODERATOR)
    assert dismissed.status is SuggestionStatus.DISMISSED
    assert await store.suggestions(GUILD) == []
    assert [e.action for e in await store.audit_log(GUILD)] == ["dismiss", "resolve"]
    with pytest.raises(ConflictError, match="already resolved"):
        await store.resolve_report(GUILD, MODERATOR, fixed.id, fixed=False)


async def test_a_report_is_never_approved_as_a_suggestion_nor_a_suggestion_resolved(
    store: Store, curated: Catalog
) -> None:
    report = await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
    suggestion = await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak", None)
    with pytest.raises(ConflictError, match="is a report of a problem"):
        await store.decide_suggestion(GUILD, MODERATOR, report.id, approve=True)
    with pytest.raises(ConflictError, match="is a suggested resource"):
        await store.resolve_report(GUILD, MODERATOR, suggestion.id, fixed=True)
    assert len(await store.suggestions(GUILD)) == 2


async def test_a_members_reports_are_in_their_export_and_gone_with_their_data(store: Store, curated: Catalog) -> None:
    await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.WRONG_FACTS, "my private note")
    exported = await store.export_member(MEMBER)
    [row] = exported["suggestions"]
    assert (row["kind"], row["resource_id"], row["problem"], row["note"]) == (
        "report",
        LADR,
        "wrong-facts",
        "my private note",
    )
    await store.delete_member(MEMBER)
    assert await store.suggestions(GUILD) == []


async def test_the_table_refuses_a_report_without_its_resource_or_a_suggestion_resolved(
    db_location: Path | str,
) -> None:
    db = await open_database(db_location)
    refused: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
    if is_postgres(db_location):
        import asyncpg

        refused = (asyncpg.IntegrityConstraintViolationError,)
    insert = "INSERT INTO suggestions (guild_id, user_id, title, url, created_at, kind, resource_id, problem, status)"
    try:
        for values in [
            ("report", None, "dead-link", "pending"),  # a report names its resource
            ("report", LADR, None, "pending"),  # and its problem
            ("resource", LADR, "dead-link", "pending"),  # a suggestion names neither
            ("resource", None, None, "resolved"),  # a suggestion is approved or rejected
            ("report", LADR, "dead-link", "approved"),  # a report is resolved or dismissed
            ("report", LADR, "typo", "pending"),  # the problems are known ones
        ]:
            with pytest.raises(refused):
                async with db.transaction() as session:
                    await session.execute(insert + " VALUES (1, 2, 't', 'https://x.org', 'now', ?, ?, ?, ?)", values)
    finally:
        await db.close()
    assert count(db_location, "SELECT COUNT(*) FROM suggestions") == 0


async def test_upgrading_a_database_with_suggestions_keeps_each_and_takes_reports(
    db_location: Path | str, curated: Catalog
) -> None:
    # A database as the release before reports left it (schema 2), with pending and decided suggestions.
    old = await open_database(db_location, migrate_to=2)
    shapes = await old.shapes()
    async with old.transaction() as session:
        await session.execute_many(
            "INSERT INTO suggestions (id, guild_id, user_id, title, url, note, status, created_at, decided_by,"
            " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    3,
                    GUILD,
                    MEMBER,
                    "Spivak",
                    "https://example.org/spivak",
                    "great",
                    "pending",
                    "2025-01-01T10:00:00.000000+00:00",
                    None,
                    None,
                ),
                (
                    7,
                    GUILD,
                    MEMBER,
                    "Rudin",
                    "https://example.org/rudin",
                    None,
                    "approved",
                    "2025-01-02T10:00:00.000000+00:00",
                    MODERATOR,
                    "2025-01-03T10:00:00.000000+00:00",
                ),
                (
                    9,
                    OTHER_GUILD,
                    MEMBER,
                    "Tao",
                    "https://example.org/tao",
                    None,
                    "rejected",
                    "2025-01-04T10:00:00.000000+00:00",
                    MODERATOR,
                    "2025-01-05T10:00:00.000000+00:00",
                ),
            ],
        )
        await old.follow_copied_ids(session, shapes["suggestions"])  # ids came from the database then
    await old.close()
    before = dump_database(db_location)

    async with await Store.open(db_location, curated) as store:
        assert [(s.id, s.title, s.is_report) for s in await store.suggestions(GUILD)] == [(3, "Spivak", False)]
        report = await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
        assert report.id == 10  # after the ids kept from before

        assert await store.database.schema_version() == len(migrations())
    after = dump_database(db_location)
    kept = [row for row in after["suggestions"] if row[0] != report.id]
    assert kept == [(*row, "resource", None, None) for row in before.pop("suggestions")]
    for table, rows in before.items():
        assert after[table] == rows, table
    assert {"suggestions_by_guild", "suggestions_by_user", "reports_pending_once"} <= index_names(db_location)
