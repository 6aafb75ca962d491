"""The bot process's memory: fewer malloc arenas, freed memory handed back, the catalog out of the collector's way.

Fewer malloc arenas, so memory freed by one thread is reused by the others.

glibc gives each thread that allocates an arena of its own, up to eight per core, and rarely hands an arena's
freed memory back to the system. The bot's threads (aiosqlite's connections, the recommender's preparation
off the event loop) each grow one. Measured with the start-up benchmark's load (/recommend and /progress log
from a bot in its own process), after 10,000 interactions: 117.6 MB on the shipped catalog with glibc's
arenas, 92.9 MB with two, flat to 20,000 (94.1 MB); at 10,000 resources 190 MB, then 174 MB. In the same
run of the end-to-end benchmark two arenas answered 1,268 /recommend and 2,089 /progress log a second against
1,144 and 1,806 with eight (/progress log counted to its acknowledgement, as the driver did then): the threads
spend their time in SQLite and numpy, not in malloc.

Freed memory handed back: glibc keeps the pages of what Python freed (the YAML a cold start parsed, the
answers of a burst of interactions) resident until asked to return them with malloc_trim. At 10,000
resources with sections, a warm start's 144.6 MB came down to 131.1 MB once trimmed, and after 10,000
interactions a bot trimmed as it went held 149 MB where one never trimmed held 186 MB. A trim takes
0.3–2.3 ms, so the bot does it every few seconds, in a thread (ctypes lets go of the GIL).

The catalog out of the collector's way: the cyclic garbage collector walks every container object it
tracks, again and again while they pile up, yet a catalog's models hold no cycles and live as long as
the process. Read from the cache with the collector paused, then frozen (gc.freeze), the 10,000-resource
catalog loads in about 0.35 s less CPU, and no later collection walks its 100,000 models (0.15 s each).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def fewer_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Ask glibc for at most `arenas` malloc arenas, before the bot starts its threads; True when it agreed.

    An operator's own MALLOC_ARENA_MAX wins (glibc read it at start); elsewhere than glibc nothing changes.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    libc = _glibc()
    if libc is None:
        return False
    try:
        agreed = bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not the C library we know: leave malloc as it is
        return False
    if not agreed:
        log.debug("glibc refused to limit its malloc arenas to %d", arenas)
    return agreed


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (whose malloc these tunings are for), else None."""
    if platform.libc_ver()[0] != "glibc":
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name is not None else None
    except OSError:
        return None


def release_free_memory() -> bool:
    """Hand the pages of freed memory back to the system (glibc's malloc_trim); True when some were."""
    libc = _glibc()
    if libc is None:
        return False
    try:
        return bool(libc.malloc_trim(0))
    except AttributeError:  # not the C library we know
        return False


TRIM_EVERY_SECONDS = 5.0


async def release_free_memory_every(seconds: float = TRIM_EVERY_SECONDS) -> None:
    """`release_free_memory` every few seconds, off the event loop, until cancelled."""
    if _glibc() is None:
        return
    while True:
        await asyncio.sleep(seconds)
        await asyncio.to_thread(release_free_memory)


@contextmanager
def paused_collector() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (reference counting still frees what is dropped)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def built_for_life(build: Callable[[], T]) -> T:
    """What `build` returns, built with the collector paused and then frozen: it lives as long as the process.

    What was there before is frozen with it, garbage included: collecting it first took 60 ms of every start
    (a full pass over the 75,000 objects the imports leave) to free a few dozen objects.
    """
    with paused_collector():
        value = build()
    gc.freeze()
    return value
