"""Settings: one pydantic-settings class, read from the environment or a `.env` file.

Every setting has a default here except the token, which comes only from the environment or `.env`.
`.env.example` lists them all with comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A bot token is three dot-separated base64url parts; checking the shape catches a pasted client secret
# or application id before Discord rejects it with a less helpful message.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")

TOKEN_HELP = (
    "Set DISCORD_TOKEN to your bot's token (Discord Developer Portal → your application → Bot → Reset Token), "
    "in the environment or in a .env file (copy .env.example); or try the bot without one: python -m bot sandbox"
)


class ConfigError(Exception):
    """The configuration cannot start the bot; the message says what to set."""


class Settings(BaseSettings):
    """Everything the bot can be configured with."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="The bot token; never logged.")
    dev_guild_id: int | None = Field(
        default=None, description="Sync commands to this guild only (instant); unset syncs globally."
    )
    database_path: Path = Field(default=Path("pillars.db"), description="The SQLite file (unless DATABASE_URL is set).")
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:port/name: PostgreSQL instead of the SQLite file; never logged.",
    )
    shard_count: int | None = Field(
        default=None, ge=1, description="Shards of the whole bot (every process says the same); unset: no sharding."
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None, description="The shards this process runs ('0,1' or '0-3'); unset: all of SHARD_COUNT."
    )
    catalog_path: Path = Field(default=Path("data"), description="The curated catalog: a folder of YAML files.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    write_cooldown_rate: int = Field(default=5, ge=1, description="Writes a member may make per period.")
    write_cooldown_seconds: float = Field(default=10.0, gt=0, description="The cooldown period, in seconds.")
    guild_ready_timeout: float = Field(default=2.0, ge=0, description="Seconds to wait for guilds at start.")
    # Discord allows a bot 50 requests a second; scheduled messages keep under that, leaving room for commands.
    schedule_send_rate: float = Field(default=40.0, gt=0, le=45, description="Scheduled requests sent per second.")
    schedule_claim_lease: float = Field(
        default=60.0, gt=0, description="Seconds after which a job claimed by a vanished process is sent again."
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgres_only(cls, value: Any) -> Any:
        """A PostgreSQL URL, or nothing (blank means unset, as in .env.example)."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        if not isinstance(text, str) or not text.strip().startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (leave it unset to use the SQLite file DATABASE_PATH)")
        return text.strip()

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: Any) -> Any:
        """'0,1', '0-3', '[0, 1]' or a list, as a list of shard ids; blank means unset."""
        if not isinstance(value, str):
            return value
        text = value.strip().strip("[]")
        if not text:
            return None
        ids: list[int] = []
        for part in (piece.strip() for piece in text.split(",")):
            low, dash, high = (side.strip() for side in part.partition("-"))
            if not low.isdigit() or (dash and not high.isdigit()):
                raise ValueError(f"{part!r} is not a shard id or a range like 0-3")
            ids += list(range(int(low), int(high) + 1)) if dash else [int(low)]
        return ids

    @model_validator(mode="after")
    def _shards_fit(self) -> Self:
        """Shard ids need the count they are out of, each below it, none twice."""
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT: the number of shards the whole bot runs")
        outside = [shard for shard in self.shard_ids if shard >= self.shard_count]
        if outside or not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError(
                f"SHARD_IDS must name shards 0 to {self.shard_count - 1}, each once (got {self.shard_ids})"
            )
        return self

    @property
    def database(self) -> Path | str:
        """Where the store lives: the PostgreSQL URL when DATABASE_URL is set, else the SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @property
    def sharded(self) -> bool:
        """Whether this process runs shards (SHARD_COUNT set), with discord.py's sharded client."""
        return self.shard_count is not None

    @property
    def shards(self) -> list[int]:
        """The shards this process runs ([0] unsharded)."""
        if self.shard_count is None:
            return [0]
        return list(self.shard_ids) if self.shard_ids is not None else list(range(self.shard_count))

    def token(self) -> str:
        """The token, checked for presence and shape; raise ConfigError saying what to set."""
        if self.discord_token is None or not self.discord_token.get_secret_value().strip():
            raise ConfigError(f"No Discord token is set. {TOKEN_HELP}")
        token = self.discord_token.get_secret_value().strip()
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(f"DISCORD_TOKEN does not look like a bot token. {TOKEN_HELP}")
        return token


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a malformed value becomes one ConfigError naming the setting."""
    try:
        return Settings(**overrides)
    except UnicodeDecodeError as exc:  # python-dotenv reads .env as UTF-8 (a file saved as Latin-1, UTF-16…)
        env_file = Settings.model_config.get("env_file")
        raise ConfigError(
            f"The settings file {env_file} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
            f"{exc.start} is not valid UTF-8); save it as UTF-8."
        ) from None
    except ValidationError as exc:
        problems = "; ".join(_problem(error["loc"], error["msg"]) for error in exc.errors())
        raise ConfigError(f"The configuration is invalid: {problems}. See .env.example.") from None


def _problem(location: tuple[int | str, ...], message: str) -> str:
    """One invalid setting as the person configuring reads it: the setting's name (none for a rule between
    settings, whose message names them), then what is wrong."""
    message = message.removeprefix("Value error, ")
    return f"{'_'.join(str(p) for p in location).upper()}: {message}" if location else message
