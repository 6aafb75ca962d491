"""A broken catalog file: the bot refuses to start and names every problem; a broken upload changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.sandbox import Sandbox
from tests.database import dump_database
from tests.reliability.support import FAKE_TOKEN, database_path, python_m_bot, reply_problems

REPO = Path(__file__).resolve().parents[2]

BROKEN_UPLOAD = """\
resources:
  - id: half-a-book
    title: Half a Book
    kind: magazine
    url: javascript:alert(1)
"""


def break_line(path: Path, old: str, new: str) -> int:
    """Replace the first line reading `old` (stripped) with `new`; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.strip() == old)
    lines[number] = lines[number].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return number + 1


def test_python_m_bot_refuses_a_broken_catalog_with_every_file_and_line_before_connecting(tmp_path: Path) -> None:
    catalog = tmp_path / "data"
    shutil.copytree(REPO / "data", catalog)
    kind_line = break_line(catalog / "linear-algebra.yaml", "kind: book", "kind: magazine")
    level_line = break_line(catalog / "calculus.yaml", "level: beginner", "level: expert")
    # No network here: a bot that logged in first would fail on discord.com, not on the catalog.
    done = python_m_bot(
        [], tmp_path, DISCORD_TOKEN=FAKE_TOKEN, CATALOG_PATH=str(catalog), DATABASE_PATH=str(tmp_path / "pillars.db")
    )

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr, done.stderr
    assert "The curated catalog is invalid, so the bot will not start." in done.stderr
    assert f"linear-algebra.yaml:{kind_line}:" in done.stderr, done.stderr
    assert f"calculus.yaml:{level_line}:" in done.stderr, done.stderr
    assert not (tmp_path / "pillars.db").exists()  # it stopped before opening anything


async def test_a_broken_import_file_changes_nothing(pillars: Sandbox) -> None:
    before = dump_database(database_path(pillars))
    catalog_before = await pillars.bot.store.catalog_for(pillars.world.guild_id)

    refused = await pillars.command("admin", "catalog import", file=("broken.yaml", BROKEN_UPLOAD))

    assert refused.ephemeral and "Nothing was imported" in refused.content
    assert "broken.yaml:4" in refused.content and "broken.yaml:5" in refused.content
    assert not refused.buttons and reply_problems(refused) == []
    assert dump_database(database_path(pillars)) == before
    after = await pillars.bot.store.catalog_for(pillars.world.guild_id)
    assert after.ids == catalog_before.ids


async def test_a_reload_from_broken_files_keeps_the_running_catalog(make_pillars, tmp_path: Path) -> None:
    catalog = tmp_path / "data"
    shutil.copytree(REPO / "data", catalog)
    async with make_pillars(catalog_path=catalog) as pillars:
        asked = await pillars.command("alice", "recommend", topic="calculus")
        break_line(catalog / "calculus.yaml", "level: beginner", "level: expert")
        before = dump_database(database_path(pillars))

        refused = await pillars.command("admin", "catalog reload")

        assert refused.ephemeral and "not reloaded" in refused.content and "calculus.yaml:" in refused.content
        assert dump_database(database_path(pillars)) == before
        again = await pillars.command("alice", "recommend", topic="calculus")
        assert again.embeds == asked.embeds
