"""A server with 10,000 resources of its own: `/catalog export` blocks nobody, and what it writes imports back.

The export used to be written by PyYAML's pure-Python emitter on the event loop: about 15 s at 10,000
resources (with tables of contents), during which no member got an answer, and a 16 MB file that Discord
refuses to carry (10 MB) and `/catalog import` refused too (256 KB). Now it is written in a worker thread,
and a catalog past 256 KB is sent packed (`.yaml.gz`), which `/catalog import` takes back; a packed file
that would unpack past 32 MB, is cut short or is not gzip at all is refused. How long the export takes and
how long the event loop stalls are figures in `python -m benchmarks`, not asserted here.
"""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from benchmarks.synthetic import synthetic_resources
from bot.catalog.loader import load_catalog, parse_resources
from bot.sandbox.emulator import ATTACHMENT_SIZE_LIMIT
from bot.sandbox.harness import Reply
from bot.sandbox.process import BotProcess
from bot.sandbox.world import SANDBOX_GUILD_ID
from bot.store import Store
from tests.conftest import PillarsSandbox
from tests.reliability.support import REPO, emulator_problems, reply_problems

RESOURCES = 10_000


async def server_with_its_own_catalog(database: Path, moderator: int, count: int) -> list:
    """A database whose server's moderators imported `count` resources of their own; those resources."""
    resources = synthetic_resources(count)
    async with await Store.open(database, load_catalog(REPO / "data")) as store:
        await store.import_resources(SANDBOX_GUILD_ID, moderator, resources)
        own = await store.guild_resources(SANDBOX_GUILD_ID)
    assert len(own) == count
    return own


async def test_an_export_of_ten_thousand_resources_blocks_nobody_and_imports_back_unchanged(
    driver: PillarsSandbox, tmp_path: Path
) -> None:
    database = tmp_path / "pillars.db"
    own = await server_with_its_own_catalog(database, driver.world.user("admin").id, RESOURCES)
    bot = BotProcess(driver.emulator, database, tmp_path / "bot.log")  # its own process: a stall is its own
    await bot.start()
    driver.timeout = 120.0  # for the export's and the import's final answers; the first must come in 3 s
    try:
        exporting = True

        async def meanwhile() -> None:
            """Other members keep asking while the export is written: each answered inside Discord's 3 s."""
            while exporting:
                await asyncio.sleep(0.4)
                answered = await driver.command("alice", "help")
                assert answered.embeds or answered.content

        async def export() -> Reply:
            nonlocal exporting
            try:
                return await driver.command("admin", "catalog export")
            finally:
                exporting = False

        exported, _ = await asyncio.gather(export(), meanwhile())
        assert emulator_problems(driver) == []  # nothing refused: every answer came in time, every file fit

        [(filename, packed)] = exported.files.items()
        assert filename.endswith(".yaml.gz") and len(packed) <= ATTACHMENT_SIZE_LIMIT
        assert exported.ephemeral and "10,000 resources" in exported.content and reply_problems(exported) == []
        text = gzip.decompress(packed).decode()
        assert parse_resources([(filename, text)], concepts=load_catalog(REPO / "data").concepts) == own

        checked = await driver.command("admin", "catalog import", file=(filename, packed))
        assert "already in the catalog exactly as it is" in checked.content, checked.content
        assert f"＝ {RESOURCES:,} unchanged" in checked.text
        assert emulator_problems(driver) == []
    finally:
        await bot.stop()


async def test_a_packed_file_that_unpacks_too_big_is_cut_short_or_is_not_gzip_is_refused(
    pillars: PillarsSandbox,
) -> None:
    bomb = gzip.compress(b"resources:\n" + b" " * (40 * 2**20), mtime=0)  # 40 MB of spaces in 40 KB
    whole = gzip.compress(b"resources: []\n", mtime=0)
    for name, data, words in [
        ("bomb.yaml.gz", bomb, "unpacks to more than 32 MB"),
        ("cut.yaml.gz", whole[: len(whole) // 2], "cut short"),
        ("fake.yaml.gz", b"\x1f\x8b" + b"not gzip at all", "not a valid .gz file"),
        ("big.yaml", b"#" * (300 * 1024), "up to 256 KB"),
    ]:
        refused = await pillars.command("admin", "catalog import", file=(name, data))
        assert refused.ephemeral and words in refused.content, (name, refused.content)
        assert not refused.buttons and reply_problems(refused) == []
    assert await pillars.bot.store.guild_resources(SANDBOX_GUILD_ID) == []
