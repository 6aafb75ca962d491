"""Settings: every one documented in .env.example, read from the environment or .env, the token never shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_documents_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    documented = {}
    for index, line in enumerate(lines):
        found = re.match(r"^#?\s*([A-Z_]+)=", line)
        if found:
            documented[found.group(1)] = index
    assert set(documented) == {name.upper() for name in Settings.model_fields}
    for name, index in documented.items():
        block = []  # the lines above it, up to the blank line that starts its paragraph
        while index > 0 and lines[index - 1].strip():
            index -= 1
            block.append(lines[index])
        assert any(line.startswith("# ") for line in block), f"{name} has no comment above it"


def test_settings_come_from_the_environment_and_a_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's in the way
    monkeypatch.setenv("WRITE_COOLDOWN_RATE", "7")
    monkeypatch.setenv("DEV_GUILD_ID", "123456789012345678")
    settings = load_settings()
    assert settings.write_cooldown_rate == 7 and settings.dev_guild_id == 123456789012345678
    monkeypatch.setenv("WRITE_COOLDOWN_RATE", "lots")
    with pytest.raises(ConfigError, match="WRITE_COOLDOWN_RATE"):
        load_settings()


def test_a_dotenv_file_is_read_and_the_token_is_not_in_its_repr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = "A" * 24 + ".Bcdefg." + "C" * 27
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={token}\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    settings = load_settings()
    assert settings.token() == token and settings.log_level == "DEBUG"
    assert token not in repr(settings) and token not in str(settings.model_dump())


def test_a_dotenv_that_is_not_utf8_is_one_clear_sentence(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"LOG_LEVEL=INFO\n# caf\xe9 (saved as Latin-1)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CATALOG_", "DATABASE_"))}

    done = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "check"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "The settings file .env is not UTF-8 text (byte 0xe9 at position 20 is not valid UTF-8); save it as UTF-8."
    )


def test_shard_settings_name_this_processs_shards_and_bad_ones_are_one_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings().shards == [0] and not load_settings().sharded  # unset: one process, no sharding
    monkeypatch.setenv("SHARD_COUNT", "4")
    assert load_settings().shards == [0, 1, 2, 3]
    for written, shards in (("1", [1]), ("0,2", [0, 2]), ("0-1", [0, 1]), ("[2, 3]", [2, 3]), (" 1 - 3 ", [1, 2, 3])):
        monkeypatch.setenv("SHARD_IDS", written)
        assert load_settings().shards == shards, written
    for written, problem in (("4", "shards 0 to 3"), ("1,1", "each once"), ("one", "not a shard id"), ("2-x", "range")):
        monkeypatch.setenv("SHARD_IDS", written)
        with pytest.raises(ConfigError, match=problem):
            load_settings()
    monkeypatch.delenv("SHARD_COUNT")
    monkeypatch.setenv("SHARD_IDS", "0")
    with pytest.raises(ConfigError, match="^The configuration is invalid: SHARD_IDS needs SHARD_COUNT"):
        load_settings()


def test_database_url_selects_postgresql_and_its_password_is_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings().database == Path("pillars.db")  # the default: SQLite
    url = "postgresql://pillars:s3cret-pass@db.internal:5432/pillars"
    monkeypatch.setenv("DATABASE_URL", url)
    settings = load_settings()
    assert settings.database == url
    assert "s3cret-pass" not in repr(settings) and "s3cret-pass" not in str(settings.model_dump())
    monkeypatch.setenv("DATABASE_URL", "")  # blank, as .env.example leaves it: SQLite
    assert load_settings().database == Path("pillars.db")
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ConfigError, match="DATABASE_URL: must be a postgresql:// URL"):
        load_settings()
