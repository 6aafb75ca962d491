"""Settings: one pydantic-settings class, read from the environment or a `.env` file.

Every setting has a default here except the token, which comes only from the environment or `.env`.
`.env.example` lists them all with comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    database_path: Path = Field(default=Path("pillars.db"), description="The SQLite file.")
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
        problems = "; ".join(
            f"{'_'.join(str(p) for p in error['loc']).upper()}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"The configuration is invalid: {problems}. See .env.example.") from None
