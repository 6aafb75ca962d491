"""After a moderator's change in a server of 10,000 resources, the server's catalog is read once, not once per
command that finds it stale.

Every `/progress log`, `/recommend` and resource lookup needs the server's live catalog; a moderator's change
drops it from the cache. Before single-flight each command in flight read it again for itself (three reads
per `/progress log`: 1,203 for 400 updates in the issue), each a merge of 10,000 resources on the event
loop, and commands expired. Here the bot's read connection is traced: the server's rows are read exactly
once for a burst of commands, and every command is answered inside Discord's deadline (the emulator refuses
later answers, as Discord does).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.startup import write_synthetic_catalog
from tests.reliability.conftest import MakePillars
from tests.reliability.support import emulator_problems, reply_problems

MEMBERS = ("alice", "bob", "carol", "mod", "owner")


async def test_a_burst_after_a_moderators_change_reads_the_servers_catalog_once(
    make_pillars: MakePillars, tmp_path: Path
) -> None:
    catalog = write_synthetic_catalog(tmp_path / "catalog", 10_000)
    async with make_pillars(catalog_path=catalog, write_cooldown_rate=100_000) as pillars:
        retired = await pillars.command("admin", "catalog retire", resource="synthetic-3")
        assert "Retired" in retired.content
        reads: list[str] = []
        reader = pillars.bot.store._db._reader  # type: ignore[union-attr]
        await reader.set_trace_callback(lambda sql: reads.append(sql) if "FROM guild_resources" in sql else None)
        retired_again = await pillars.command("admin", "catalog retire", resource="synthetic-4")  # the cache drops
        assert "Retired" in retired_again.content
        reads.clear()

        replies = await asyncio.gather(
            *(
                pillars.command(MEMBERS[n % len(MEMBERS)], "progress log", resource=f"synthetic-{10 + n}", position=1)
                for n in range(60)
            ),
            *(pillars.command(member, "recommend", topic="linear algebra") for member in MEMBERS),
        )

        assert len(reads) == 1, f"the server's catalog was read {len(reads)} times"
        for reply in replies:
            assert reply_problems(reply) == []
        assert all(reply.content.startswith("Logged.") for reply in replies[:60])
        assert all(reply.embeds for reply in replies[60:])
        assert emulator_problems(pillars) == []  # nobody's answer came after Discord's deadline
