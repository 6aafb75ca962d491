"""Starting the bot: clear sentences instead of tracebacks, and a command sync only when commands changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest.mock import AsyncMock

import discord
import pytest
from discord import app_commands

from bot.app import PillarsBot, StartupError, create_bot, extension_names, run_bot
from bot.catalog.loader import load_catalog
from bot.config import Settings
from bot.rhythm.jobs import Shards

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CATALOG = ROOT / "data"
WELL_FORMED_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.bm8tbmV0d29yay10ZXN0LW5vdC1hLXRva2Vu"
# `python -m bot` on a machine whose name lookups all fail, as with no network (the test needs none either way).
NO_NETWORK = """
import socket, sys
def no_name_lookup(*args, **kwargs):
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
socket.getaddrinfo = no_name_lookup
from bot.__main__ import main
sys.exit(main([]))
"""


def test_a_missing_token_is_one_sentence_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(Settings(discord_token=None)) == 1
    err = capsys.readouterr().err
    assert err.startswith("No Discord token is set.") and "Traceback" not in err


def test_a_malformed_token_is_refused_without_echoing_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(Settings(discord_token="not-a-token-secret-value")) == 1
    err = capsys.readouterr().err
    assert "does not look like a bot token" in err and "not-a-token-secret-value" not in err


def test_with_no_network_python_m_bot_says_in_one_line_that_discord_cannot_be_reached(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CATALOG_", "DATABASE_"))},
        "DISCORD_TOKEN": WELL_FORMED_TOKEN,
        "CATALOG_PATH": str(SHIPPED_CATALOG),
        "DATABASE_PATH": str(tmp_path / "pillars.db"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }

    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr  # no traceback, no voice-library warnings
    assert lines[0].startswith("Discord cannot be reached") and "network" in lines[0], lines[0]
    assert WELL_FORMED_TOKEN not in done.stderr


def test_the_bot_pings_nobody_and_loads_every_feature() -> None:
    bot = create_bot(Settings())
    assert bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    assert bot.intents.members and not bot.intents.message_content
    names = extension_names()
    assert "bot.exts.recommend" in names and not any(name.rsplit(".", 1)[-1].startswith("_") for name in names)


async def test_an_invalid_catalog_refuses_to_start_with_every_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("resources:\n  - id: x\n")
    bot = PillarsBot(Settings(catalog_path=tmp_path, database_path=tmp_path / "db.sqlite"))
    with pytest.raises(StartupError, match=r"bad\.yaml:2"):
        await bot.setup_hook()


async def test_commands_sync_only_when_their_definitions_change(tmp_path: Path) -> None:
    bot = PillarsBot(Settings(database_path=tmp_path / "pillars.db", dev_guild_id=123))
    bot._connection.application_id = 42
    sync = AsyncMock(return_value=[])
    bot.tree.sync = sync  # type: ignore[method-assign]

    @app_commands.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        """A command to sync."""

    bot.tree.add_command(ping)
    assert await bot.sync_commands() is True
    assert (tmp_path / "pillars.db.commands-hash").exists()
    assert await bot.sync_commands() is False
    ping.description = "Ping, reworded"
    assert await bot.sync_commands() is True
    assert sync.await_count == 2
    assert sync.await_args is not None and sync.await_args.kwargs["guild"].id == 123


async def test_a_catalog_handed_to_the_bot_is_not_loaded_again(tmp_path: Path) -> None:
    curated = load_catalog(SHIPPED_CATALOG)
    (tmp_path / "bad.yaml").write_text("resources:\n  - id: x\n")  # what a second load would refuse
    bot = create_bot(Settings(catalog_path=tmp_path, database_path=tmp_path / "db.sqlite"), curated)
    bot._connection.application_id = 42
    bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    try:
        await bot.setup_hook()
        assert bot.store.curated is curated
    finally:
        await bot.close()


def test_a_sharded_process_sends_the_scheduled_jobs_of_its_own_shards_servers(tmp_path: Path) -> None:
    """With SHARD_IDS, the scheduler claims jobs of those shards' servers only (the cache holds their members)."""
    sharded = create_bot(Settings(_env_file=None, database_path=tmp_path / "p.db", shard_count=4, shard_ids="1,3"))
    shards = sharded._scheduled_shards()
    assert shards == Shards(4, frozenset({1, 3}))
    assert shards.carry(1 << 22) and not shards.carry(2 << 22) and shards.carry(None)
    assert create_bot(Settings(_env_file=None, database_path=tmp_path / "p.db"))._scheduled_shards() is None


async def test_once_connected_the_bot_prepares_the_curated_catalog_for_questions(make_pillars) -> None:
    import asyncio

    from bot.recommend import ANY_QUESTION, is_prepared

    async with make_pillars() as sandbox:
        curated = sandbox.bot.store.curated
        for _ in range(200):  # well under a second for the shipped catalog, in a thread
            if is_prepared(curated, ANY_QUESTION):
                break
            await asyncio.sleep(0.05)
        assert is_prepared(curated, ANY_QUESTION)
