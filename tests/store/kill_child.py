"""A writer for the SIGKILL test: logs progress as fast as it can, printing each write once it is acknowledged.

Run as `python -m tests.store.kill_child DATABASE`; the test kills it mid-stream and checks that every
number it printed is in the database.
"""

from __future__ import annotations

import asyncio
import sys

from bot.store import Store
from tests.store.conftest import curated_catalog

RESOURCES = ["linear-algebra-done-right", "deep-learning-book", "gradient-descent-post"]


async def write_forever(path: str) -> None:
    """Write update i, then print i: a printed number is an acknowledged write."""
    store = await Store.open(path, curated_catalog())
    i = 0
    while True:
        await store.log_progress(1000 + i % 50, None, RESOURCES[i % 3], position=i % 90, note=f"write-{i}")
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    asyncio.run(write_forever(sys.argv[1]))
