"""Moving a community: `db copy` from SQLite into PostgreSQL and back keeps every row, refuses to overwrite,
and PostgreSQL's backup is whole (pg_dump, or a SQLite export where pg_dump is missing)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main as command_line
from bot.catalog import Catalog
from bot.errors import ConflictError, StorageUnavailableError
from bot.reading import ReadingStatus
from bot.rhythm.jobs import JobKind, JobState
from bot.store import Store, backup_database
from bot.store.copy import copy_database
from bot.store.models import Problem
from tests.database import dump_database
from tests.factories import ESSENCE, LADR, make_resource
from tests.postgres import fresh_database
from tests.store.conftest import GUILD, MEMBER, MODERATOR, OTHER_GUILD, at
from tests.store.test_rhythm import make_a_rhythmic_member


async def lived_in(location: Path | str, curated: Catalog) -> None:
    """A community with something in every table: re-reads, history, edits, retirements, the queue, settings."""
    async with await Store.open(location, curated) as store:
        await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED, now=at(1))
        await store.log_progress(MEMBER, GUILD, ESSENCE, position=3, note="again", now=at(2))
        await store.log_progress(MEMBER + 1, OTHER_GUILD, LADR, position=40, note="slowly", now=at(3))
        await store.add_resource(GUILD, MODERATOR, make_resource("our-notes", title="Our notes"))
        await store.add_resource(GUILD, MODERATOR, make_resource("more-notes", title="More notes"))
        await store.edit_resource(GUILD, MODERATOR, curated[LADR].model_copy(update={"title": "LADR, ours"}))
        await store.retire_resource(GUILD, MODERATOR, "deep-learning-book")
        await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak", "rigorous")
        await store.report_problem(GUILD, MEMBER, curated[LADR], Problem.DEAD_LINK, None)
        await store.update_guild_settings(GUILD, MODERATOR, moderator_role_id=77, announce_channel_id=88)
        # The community's tables, and the outcomes their triggers keep: a rating, a drop with its reason, a choice.
        await store.rate(MEMBER, GUILD, ESSENCE, 4, review="Clear.", named=True)
        await store.log_progress(MEMBER + 1, OTHER_GUILD, LADR, status=ReadingStatus.DROPPED, now=at(4))
        await store.give_drop_reason(MEMBER + 1, OTHER_GUILD, LADR, "too hard")
        await store.set_privacy(MEMBER + 2, in_community=False)
        # The study rhythm's: a goal, a reminder and its schedule, a club and its members, jobs sent, a nudge day.
        await make_a_rhythmic_member(store)


async def test_a_sqlite_community_copied_into_postgresql_and_back_is_the_same_community(
    tmp_path: Path, postgres_url: str, curated: Catalog
) -> None:
    source = tmp_path / "pillars.db"
    await lived_in(source, curated)

    there = await copy_database(source, postgres_url)
    assert there.total == sum(len(rows) for rows in dump_database(source).values())
    assert there.rows["outcome_counts"] > 0 and there.rows["ratings"] == there.rows["drop_reasons"] == 1
    assert there.rows["jobs"] >= 2 and there.rows["schedules"] >= 2 and there.rows["club_members"] == 2
    assert dump_database(postgres_url) == dump_database(source)

    # Served from PostgreSQL, it is the same community, in the same order, and new rows get new ids.
    async with await Store.open(postgres_url, curated) as store:
        assert [(e.resource_id, e.read_count) for e in await store.shelf(MEMBER)] == [(ESSENCE, 2)]
        assert [r.id for r in await store.guild_resources(GUILD)] == [LADR, "our-notes", "more-notes"]
        assert [r.id for r in await store.retired(GUILD)] == ["deep-learning-book"]
        assert (await store.guild_settings(GUILD)).announce_channel_id == 88
        added = await store.add_suggestion(GUILD, MEMBER, "Strang", "https://example.org/strang")
        assert added.id == max(s.id for s in await store.suggestions(GUILD, pending_only=False))
        await store.log_progress(MEMBER, GUILD, LADR, position=1)
        # The schedules go on where they were: the next day's reminder is a new job, with a new id.
        await store.schedule.materialise(at(5, 9))
        jobs = await store.schedule.jobs(kind=JobKind.REMINDER)
        assert [j.state for j in jobs] == [JobState.SENT, JobState.DUE]
        assert jobs[1].job.id > jobs[0].job.id

    back = tmp_path / "back.db"
    await copy_database(postgres_url, back)
    assert dump_database(back) == dump_database(postgres_url)
    async with await Store.open(back, curated) as store:
        assert [r.id for r in await store.guild_resources(GUILD)] == [LADR, "our-notes", "more-notes"]
        assert len(await store.history(MEMBER)) == 3


async def test_a_copy_refuses_a_destination_with_rows_unless_forced_and_changes_nothing_when_refused(
    tmp_path: Path, postgres_url: str, curated: Catalog
) -> None:
    source = tmp_path / "pillars.db"
    await lived_in(source, curated)
    async with await Store.open(postgres_url, curated) as store:
        await store.log_progress(4242, None, LADR, position=7, note="already here")
    before = dump_database(postgres_url)

    with pytest.raises(ConflictError, match="already holds rows.*--force"):
        await copy_database(source, postgres_url)
    assert dump_database(postgres_url) == before

    await copy_database(source, postgres_url, force=True)
    assert dump_database(postgres_url) == dump_database(source)  # replaced, not merged


def test_db_copy_on_the_command_line_says_what_it_copied_and_refuses_kindly(
    tmp_path: Path, postgres_url: str, curated: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "pillars.db"
    asyncio.run(lived_in(source, curated))

    assert command_line(["db", "copy", str(source), postgres_url]) == 0
    said = capsys.readouterr().out
    assert "progress_events: 4" in said and "row counts match" in said and "DATABASE_URL" in said

    assert command_line(["db", "copy", str(source), postgres_url]) == 1
    assert capsys.readouterr().err.startswith("Nothing was copied: ")
    assert command_line(["db", "copy", str(tmp_path / "missing.db"), postgres_url]) == 1
    assert "No database at" in capsys.readouterr().err


async def test_a_sqlite_file_a_bot_has_open_is_not_copied(tmp_path: Path, postgres_url: str, curated: Catalog) -> None:
    source = tmp_path / "pillars.db"
    async with await Store.open(source, curated):
        with pytest.raises(StorageUnavailableError, match="already in use"):
            await copy_database(source, postgres_url)


async def test_a_postgresql_backup_restores_every_row(tmp_path: Path, postgres_url: str, curated: Catalog) -> None:
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    await lived_in(postgres_url, curated)
    before = dump_database(postgres_url)

    archive = tmp_path / "pillars.dump"
    assert await backup_database(postgres_url, archive) == "a pg_dump archive (restore it with pg_restore)"
    await fresh_database(postgres_url)
    assert dump_database(postgres_url) == {}
    restored = await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--no-owner", f"--dbname={postgres_url}", str(archive)],
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    assert dump_database(postgres_url) == before


async def test_without_pg_dump_a_postgresql_backup_is_a_sqlite_copy_that_copies_back(
    tmp_path: Path, postgres_url: str, curated: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    await lived_in(postgres_url, curated)
    before = dump_database(postgres_url)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))  # no pg_dump on the PATH

    export = tmp_path / "pillars-backup.db"
    written = await backup_database(postgres_url, export)
    assert "SQLite copy" in written and "db copy" in written
    assert dump_database(export) == before
    assert not export.with_name(export.name + ".partial").exists()

    await fresh_database(postgres_url)
    await copy_database(export, postgres_url)
    assert dump_database(postgres_url) == before
    assert os.environ["PATH"].endswith("no-tools-here")
