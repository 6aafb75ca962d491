"""The bot asks glibc for two malloc arenas, so threads reuse each other's freed memory (bot.memory)."""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

# A child process, so the test run's own malloc is left as it is; it prints what fewer_malloc_arenas answered.
ASK = "from bot.memory import fewer_malloc_arenas; print(fewer_malloc_arenas())"


def child(env: dict[str, str]) -> str:
    """What a fresh interpreter's fewer_malloc_arenas() returns, with this environment."""
    done = subprocess.run([sys.executable, "-c", ASK], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the arena limit is glibc's")
def test_glibc_agrees_to_two_arenas_unless_the_operator_chose_a_number() -> None:
    plain = {key: value for key, value in os.environ.items() if key != "MALLOC_ARENA_MAX"}
    assert child(plain) == "True"
    assert child({**plain, "MALLOC_ARENA_MAX": "8"}) == "False"  # glibc read the operator's own at start


def test_the_bot_limits_its_arenas_when_it_is_made_before_it_starts_any_thread(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot import app
    from bot.config import Settings

    asked: list[int] = []
    monkeypatch.setattr(app, "fewer_malloc_arenas", lambda: asked.append(1) or True)
    app.create_bot(Settings(_env_file=None, database_path=tmp_path / "p.db"))
    assert asked == [1]


# A child frees most of 150 MB of 1 KB buffers (malloc's, not Python's small-object pools), keeping every
# tenth so the heap cannot simply shrink from its top; it prints its RSS in kB before and after the trim.
TRIM = """
import gc
from bot.memory import release_free_memory
def rss():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
buffers = [bytes(1024) + bytes([i % 256]) for i in range(150_000)]
kept = buffers[::10]
del buffers
gc.collect()
before = rss()
print(before, release_free_memory(), rss())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_goes_back_to_the_system_when_released() -> None:
    done = subprocess.run([sys.executable, "-c", TRIM], capture_output=True, text=True, check=True)
    before, released, after = done.stdout.split()
    assert released == "True"
    assert int(before) - int(after) > 50_000  # kB: most of the 135 MB freed was still resident before


def test_a_paused_collector_is_restored_as_it_was() -> None:
    from bot.memory import paused_collector

    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_collector():
        assert not gc.isenabled()
        raise RuntimeError("the block failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_collector():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_what_is_built_for_life_is_frozen_out_of_the_collectors_sight() -> None:
    from bot.memory import built_for_life

    frozen = gc.get_freeze_count()
    try:
        built = built_for_life(lambda: [[n] for n in range(1_000)])
        assert len(built) == 1_000 and gc.isenabled()
        assert gc.get_freeze_count() >= frozen + 1_000
        assert not any(value is built for value in gc.get_objects())  # the collector no longer tracks it
    finally:
        gc.unfreeze()


def test_a_build_that_fails_freezes_nothing_and_leaves_the_collector_on() -> None:
    from bot.memory import built_for_life

    frozen = gc.get_freeze_count()

    def failing() -> list[int]:
        raise ValueError("the catalog is broken")

    with pytest.raises(ValueError):
        built_for_life(failing)
    assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_the_running_bot_trims_its_memory_until_it_closes(make_pillars) -> None:
    async with make_pillars():
        trims = [task for task in asyncio.all_tasks() if task.get_name() == "pillars-memory-trim"]
        assert len(trims) == 1 and not trims[0].done()
    await asyncio.sleep(0)
    assert trims[0].cancelled()
    left = [task.get_name() for task in asyncio.all_tasks() if task.get_name().startswith("pillars-")]
    assert left == []  # nothing the bot started outlives it


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
async def test_memory_is_released_again_and_again_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from bot import memory

    threads: list[threading.Thread] = []
    monkeypatch.setattr(memory, "release_free_memory", lambda: threads.append(threading.current_thread()) or True)
    trimming = asyncio.create_task(memory.release_free_memory_every(0.01))
    await asyncio.sleep(0.2)
    trimming.cancel()
    assert len(threads) >= 3
    assert threading.main_thread() not in threads
