"""Per-server settings: a row only for servers that changed something, defaults for everyone else."""

from __future__ import annotations

from dataclasses import asdict, fields

from bot.errors import InvalidInputError
from bot.store.audit import append_entry
from bot.store.connection import Database, time_to_db, utc_now
from bot.store.models import GuildSettings

SETTING_NAMES = tuple(f.name for f in fields(GuildSettings) if f.name != "guild_id")
SWITCHES = tuple(f.name for f in fields(GuildSettings) if f.type in (bool, "bool"))  # on/off settings, not ids
MAX_SNOWFLAKE = 2**63 - 1


def _check(changes: dict[str, int | None]) -> dict[str, int | None]:
    """Known setting names with Discord ids (or None to clear) as values; switches take True/False (None: off)."""
    unknown = sorted(set(changes) - set(SETTING_NAMES))
    if unknown:
        raise InvalidInputError(f"Unknown setting {', '.join(unknown)}; the settings are: {', '.join(SETTING_NAMES)}.")
    checked: dict[str, int | None] = {}
    for name, value in changes.items():
        if name in SWITCHES:
            if value is not None and not isinstance(value, bool):
                raise InvalidInputError(f"{name} is on or off.")
            checked[name] = bool(value)
            continue
        is_id = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_SNOWFLAKE
        if value is not None and not is_id:
            raise InvalidInputError(f"{name} must be a Discord id (or empty to clear it).")
        checked[name] = value
    return checked


def _settings(guild_id: int, row: object | None) -> GuildSettings:
    """A guild_settings row (or none) as the server's settings."""
    if row is None:
        return GuildSettings(guild_id)
    values = {name: row[name] for name in SETTING_NAMES}  # type: ignore[index]
    values.update({name: bool(values[name]) for name in SWITCHES})
    return GuildSettings(guild_id=guild_id, **values)


class SettingsBook:
    """Every server's settings."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, defaults when it set none."""
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return _settings(guild_id, row)

    async def update(self, guild_id: int, moderator_id: int, changes: dict[str, int | None]) -> GuildSettings:
        """Apply the changes that change something, audited with the values before and after."""
        changes = _check(changes)
        now = utc_now()
        async with self._db.transaction() as session:
            await session.lock("settings", guild_id)  # changes from two processes at once: neither is lost
            row = await session.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
            current = _settings(guild_id, row)
            before = asdict(current)
            changed = {name: value for name, value in changes.items() if before[name] != value}
            if not changed:
                return current
            after = {**before, **changed}
            columns = ", ".join(SETTING_NAMES)  # names from the dataclass, never from input
            updates = ", ".join(f"{name} = excluded.{name}" for name in SETTING_NAMES)
            await session.execute(
                f"INSERT INTO guild_settings (guild_id, {columns}, updated_at)"
                f" VALUES (?, {', '.join('?' * len(SETTING_NAMES))}, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                f" {updates}, updated_at = excluded.updated_at",
                (guild_id, *(int(after[n]) if n in SWITCHES else after[n] for n in SETTING_NAMES), time_to_db(now)),
            )
            await append_entry(
                session,
                guild_id=guild_id,
                moderator_id=moderator_id,
                action="settings",
                target=",".join(sorted(changed)),
                before={n: before[n] for n in changed},
                after=changed,
                at=now,
            )
        return GuildSettings(**after)
