"""The Bot subclass: `setup_hook` loads the catalog, opens the store, loads the extensions and syncs.

Attributes the extensions use: `bot.settings` (the `Settings`), `bot.store` (the open `Store`),
`bot.write_limiter` (the per-member write cooldown, see `bot.interactions.checks.write_command`), `bot.clock`
(the time everything scheduled goes by; the sandbox moves it), `bot.scheduler` (register a job kind's handler
in an extension's `setup`) and `bot.delivery` (DMs with their fallback, for those handlers).

With SHARD_COUNT set the bot is `ShardedPillarsBot`, on discord.py's sharded client, running the shards
SHARD_IDS names; several such processes share one PostgreSQL database (README, "Running past one machine").
What a process keeps in memory follows the others' changes (`bot.store.changes`): the store's caches itself,
and here the write cooldown (each write counted in every process) and the curated catalog (a reload in one
reloads every one). Commands are synced by the process that runs shard 0 only.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import pkgutil
import sys
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord.ext import commands

import bot.exts
from bot.catalog.cache import cache_file_beside, load_catalog_cached
from bot.catalog.catalog import Catalog
from bot.catalog.files import CatalogError
from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.cooldown import WriteLimiter
from bot.errors import PillarsError
from bot.interactions.delivery import Delivery
from bot.interactions.errors import PillarsTree
from bot.logs import configure_logging
from bot.memory import built_for_life, fewer_malloc_arenas, release_free_memory, release_free_memory_every
from bot.recommend import Preparations
from bot.rhythm.jobs import Shards
from bot.rhythm.scheduler import Scheduler
from bot.store import Store
from bot.store.changes import COOLDOWN, CURATED
from bot.store.connection import is_postgres
from bot.store.guard import reserve_database

log = logging.getLogger(__name__)

CANNOT_REACH_DISCORD = (
    "Discord cannot be reached ({reason}): check this machine's network connection (or proxy and firewall), "
    "then start the bot again."
)


class _NoVoiceWarnings(logging.Filter):
    """Drop discord.py's warnings that voice libraries are missing: Pillars never joins a voice channel."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the voice warnings, True for everything else."""
        return not record.getMessage().endswith("voice will NOT be supported")


# discord.py warns when the first client is built, so the filter is in place before any bot is.
logging.getLogger("discord.client").addFilter(_NoVoiceWarnings())


class StartupError(Exception):
    """The bot cannot start; the message says why, for the person running it."""


def extension_names() -> list[str]:
    """Every feature in bot/exts (a module, or a package of modules), skipping names that start with '_'."""
    return [
        module.name
        for module in pkgutil.iter_modules(bot.exts.__path__, f"{bot.exts.__name__}.")
        if not module.name.rsplit(".", 1)[-1].startswith("_")
    ]


def intents() -> discord.Intents:
    """Guilds for the servers, members for the server leaderboard; no message content (commands only)."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.members = True  # privileged: enable "Server Members Intent" in the Developer Portal
    return chosen


class PillarsBot(commands.Bot):
    """Pillars: slash commands, persistent buttons, the store behind them."""

    def __init__(self, settings: Settings, curated: Catalog | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=PillarsTree,
            guild_ready_timeout=settings.guild_ready_timeout,
            **self._sharding(settings),
        )
        self.settings = settings
        self.write_limiter = WriteLimiter(settings.write_cooldown_rate, settings.write_cooldown_seconds)
        self.clock = clock or Clock()
        self._store: Store | None = None
        self._scheduler: Scheduler | None = None
        self._delivery: Delivery | None = None
        self._curated_at_start = curated
        self._background: set[asyncio.Task[None]] = set()
        self._memory_trim: asyncio.Task[None] | None = None
        self.preparations = Preparations()

    @staticmethod
    def _sharding(settings: Settings) -> dict[str, Any]:
        """What discord.py's client is told about shards: nothing, unsharded."""
        return {}

    def _scheduled_shards(self) -> Shards | None:
        """Whose scheduled jobs this process sends: sharded, those of its shards' servers, whose members and
        channels it has in its cache (and those of no server); unsharded, every job."""
        if self.settings.shard_count is None:
            return None
        return Shards(self.settings.shard_count, frozenset(self.settings.shards))

    @property
    def store(self) -> Store:
        """The open store; only after `setup_hook`."""
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook; the bot has not started")
        return self._store

    @property
    def scheduler(self) -> Scheduler:
        """The scheduler of reminders and clubs; only after `setup_hook` opened the store."""
        if self._scheduler is None:
            raise RuntimeError("the scheduler starts with the store, in setup_hook; the bot has not started")
        return self._scheduler

    @property
    def delivery(self) -> Delivery:
        """How scheduled messages reach members (DM, else the server's reminder channel); after `setup_hook`."""
        if self._delivery is None:
            raise RuntimeError("delivery needs the store, opened in setup_hook; the bot has not started")
        return self._delivery

    async def setup_hook(self) -> None:
        """Load the catalog (unless it was handed over), open the store, load every extension, sync if changed."""
        curated, self._curated_at_start = self._curated_at_start, None
        if curated is None:
            try:
                curated = load_curated(self.settings)
            except CatalogError as exc:
                message = f"The curated catalog is invalid, so the bot will not start.\n{exc.message}"
                raise StartupError(message) from None
        self._store = await Store.open(self.settings.database, curated)
        self._follow_other_processes(self._store)
        self._scheduler = Scheduler(
            self._store.schedule,
            self.clock,
            rate=self.settings.schedule_send_rate,
            lease=timedelta(seconds=self.settings.schedule_claim_lease),
            shards=self._scheduled_shards(),
        )
        self._delivery = Delivery(self, self._store, self.clock, self._scheduler.pacer)
        log.info("Catalog: %d resources from %s", len(curated), self.settings.catalog_path)
        for name in extension_names():
            await self.load_extension(name)
        if 0 in self.settings.shards:
            await self.sync_commands()
        else:
            log.info("Commands are synced by the process that runs shard 0; this one runs %s", self.settings.shards)
        # Scheduled messages name members and post in channels: they wait for the guilds to be in the cache.
        self._scheduler.start(after=self.wait_until_ready)
        self._in_background(self._prepare_curated(curated), "pillars-prepare-curated")
        # What start-up built (the catalog, its models, every module) lives as long as the bot: moved out of
        # the garbage collector's sight, a full collection under load takes ~2 ms instead of ~50 ms, during
        # which every interaction in flight waits. Reference counting still frees what is dropped later.
        gc.collect()
        gc.freeze()
        release_free_memory()  # what start-up parsed and dropped (a cold start's YAML) goes back to the system
        self._memory_trim = asyncio.get_running_loop().create_task(
            release_free_memory_every(), name="pillars-memory-trim"
        )

    def _follow_other_processes(self, store: Store) -> None:
        """Count every process's writes in the cooldown, and reload the curated files when another process did."""
        database = store.database
        self.write_limiter.on_write = lambda user_id: database.publish(COOLDOWN, user_id)
        database.changes.subscribe(COOLDOWN, lambda key: None if key is None else self.write_limiter.record(int(key)))
        database.changes.subscribe(CURATED, lambda key: None if key is None else self._reload_soon())

    def _in_background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` as a task the bot keeps a reference to until it is done."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _prepare_curated(self, curated: Catalog) -> None:
        """Once connected, build what questions are ranked with (a second at 10,000 resources, off the loop),
        so the first member to ask does not wait for it."""
        await self.wait_until_ready()
        await self.preparations.ready(curated)

    def _reload_soon(self) -> None:
        """Another process reloaded the curated catalog: reload this one's from its own files, off the loop."""
        self._in_background(self._reload_curated(), "pillars-curated-reload")

    async def _reload_curated(self) -> None:
        """Load the curated files again; serve them only when they are valid (as /catalog reload does)."""
        from bot.catalog.loader import load_catalog  # the YAML reader, which a warm start never imports

        try:
            fresh = await asyncio.to_thread(load_catalog, self.settings.catalog_path)
        except CatalogError as exc:
            log.error("Another process reloaded the curated catalog, but these files do not load:\n%s", exc.message)
            return
        if self._store is not None:
            self._store.replace_curated(fresh)
            log.info("Reloaded the curated catalog (%d resources) after another process did", len(fresh))

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree (to the dev guild when set) if its definition changed; True when synced."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [command.to_dict(self.tree) for command in self.tree._get_all_commands(guild=guild)]
        target = f"guild:{guild.id}" if guild else "global"
        digest = hashlib.sha256(
            json.dumps([self.application_id, target, payload], sort_keys=True, default=str).encode()
        ).hexdigest()
        hash_file = self._hash_file()
        if not force and hash_file is not None and hash_file.exists() and hash_file.read_text().strip() == digest:
            log.info("Commands unchanged since the last sync (%s); not syncing", target)
            return False
        synced = await self.tree.sync(guild=guild)
        log.info("Synced %d commands (%s)", len(synced), target)
        if hash_file is not None:
            hash_file.write_text(digest + "\n")
        return True

    def _hash_file(self) -> Path | None:
        """Where the last synced definition's hash is kept: beside the database (none for in-memory)."""
        database = str(self.settings.database_path)
        if database in ("", ":memory:"):
            return None
        return Path(database + ".commands-hash")

    async def close(self) -> None:
        """Stop the scheduler, close the gateway, then the store, so acknowledged writes are on disk."""
        try:
            for task in [self._memory_trim, *self._background]:  # a trim, a preparation waiting to connect, a reload
                if task is not None:
                    task.cancel()
            if self._scheduler is not None:
                await self._scheduler.stop()
            await super().close()
        finally:
            if self._store is not None:
                store, self._store = self._store, None
                await store.close()


class ShardedPillarsBot(PillarsBot, commands.AutoShardedBot):
    """Pillars on discord.py's sharded client: the shards SHARD_IDS names, of SHARD_COUNT, in this process."""

    @staticmethod
    def _sharding(settings: Settings) -> dict[str, Any]:
        """The whole bot's shard count and this process's shards."""
        return {"shard_count": settings.shard_count, "shard_ids": settings.shards}


def create_bot(settings: Settings, curated: Catalog | None = None, *, clock: Clock | None = None) -> PillarsBot:
    """A bot configured from the settings, not yet started; it loads the catalog itself unless given it.

    Sharded (SHARD_COUNT set) it is a `ShardedPillarsBot`."""
    fewer_malloc_arenas()  # before the store starts its threads (see bot.memory)
    if settings.sharded:
        return ShardedPillarsBot(settings, curated, clock=clock)
    return PillarsBot(settings, curated, clock=clock)


def catalog_cache_file(settings: Settings) -> Path | None:
    """Where the validated catalog is cached: beside the database (none for in-memory)."""
    return cache_file_beside(settings.database_path)


def load_curated(settings: Settings) -> Catalog:
    """The curated catalog, validated (from the cache when the files are unchanged); CatalogError otherwise.

    It is served until a reload, so it is built for life (see bot.memory): no collection walks it again.
    """
    return built_for_life(lambda: load_catalog_cached(settings.catalog_path, catalog_cache_file(settings)))


def run_bot(settings: Settings) -> int:
    """Run the bot until it is stopped; print one clear sentence instead of a traceback when it cannot start."""
    try:
        token = settings.token()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    # Load the catalog before connecting: a broken file must be named, not hidden behind a login error.
    # The bot is handed what was loaded, so the files are read once.
    try:
        curated = load_curated(settings)
    except CatalogError as exc:
        print(f"The curated catalog is invalid, so the bot will not start.\n{exc.message}", file=sys.stderr)
        return 1
    try:  # before connecting, and for the life of the process: a second bot or a damaged file is refused
        if not is_postgres(settings.database):  # PostgreSQL is shared by design: several processes are the point
            reserve_database(settings.database_path)
    except PillarsError as exc:
        print(f"The bot cannot start: {exc.message}", file=sys.stderr)
        return 1
    configure_logging(settings.log_level)
    client = create_bot(settings, curated)
    try:
        client.run(token, log_handler=None)
    except discord.LoginFailure:
        print(
            "Discord refused the token (401 Unauthorized): reset it in the Developer Portal and set DISCORD_TOKEN.",
            file=sys.stderr,
        )
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused the Server Members intent: enable it under Bot → Privileged Gateway Intents "
            "in the Developer Portal.",
            file=sys.stderr,
        )
        return 1
    except StartupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:  # no network, DNS, a firewall: before logging in
        reason = getattr(exc, "os_error", None) or exc
        reason_text = getattr(reason, "strerror", None) or str(reason) or type(exc).__name__
        print(CANNOT_REACH_DISCORD.format(reason=reason_text), file=sys.stderr)
        return 1
    except PillarsError as exc:  # the database cannot be opened (read-only, disk full)
        print(f"The bot cannot start: {exc.message}", file=sys.stderr)
        return 1
    return 0
