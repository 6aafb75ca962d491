"""A writer for the SIGKILL tests: logs progress as fast as it can, printing each write once it is acknowledged.

Run as `python -m tests.store.kill_child DATABASE [WRITERS]`; the test kills it mid-stream and checks that
every write it printed is in the database. With one writer (the default) each line is the write's number;
with several, concurrent writers whose writes share commits, each line is "writer number".
"""

from __future__ import annotations

import asyncio
import sys

from bot.store import Store
from tests.store.conftest import curated_catalog

RESOURCES = ["linear-algebra-done-right", "deep-learning-book", "gradient-descent-post"]


async def write_forever(path: str, writers: int) -> None:
    """Each writer writes update i, then prints it: a printed line is an acknowledged write."""
    store = await Store.open(path, curated_catalog())

    async def writer(k: int) -> None:
        i = 0
        while True:
            note = f"write-{i}" if writers == 1 else f"write-{k}-{i}"
            await store.log_progress(1000 + (i + k) % 50, None, RESOURCES[i % 3], position=i % 90, note=note)
            print(i if writers == 1 else f"{k} {i}", flush=True)
            i += 1

    await asyncio.gather(*(writer(k) for k in range(writers)))


if __name__ == "__main__":
    asyncio.run(write_forever(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1))
