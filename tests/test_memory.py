"""The bot asks glibc for two malloc arenas, so threads reuse each other's freed memory (bot.memory)."""

from __future__ import annotations

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
