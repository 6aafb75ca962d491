"""The bot process's memory: fewer malloc arenas, so memory freed by one thread is reused by the others.

glibc gives each thread that allocates an arena of its own, up to eight per core, and rarely hands an arena's
freed memory back to the system. The bot's threads (aiosqlite's connections, the recommender's preparation
off the event loop) each grow one. Measured with the start-up benchmark's load (/recommend and /progress log
from a bot in its own process), after 10,000 interactions: 117.6 MB on the shipped catalog with glibc's
arenas, 92.9 MB with two, flat to 20,000 (94.1 MB); at 10,000 resources 190 MB, then 174 MB. In the same
run of the end-to-end benchmark two arenas answered 1,268 /recommend and 2,089 /progress log a second against
1,144 and 1,806 with eight: the threads spend their time in SQLite and numpy, not in malloc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform

log = logging.getLogger(__name__)

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def fewer_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Ask glibc for at most `arenas` malloc arenas, before the bot starts its threads; True when it agreed.

    An operator's own MALLOC_ARENA_MAX wins (glibc read it at start); elsewhere than glibc nothing changes.
    """
    if "MALLOC_ARENA_MAX" in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        agreed = bool(ctypes.CDLL(name).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not the C library we know: leave malloc as it is
        return False
    if not agreed:
        log.debug("glibc refused to limit its malloc arenas to %d", arenas)
    return agreed
