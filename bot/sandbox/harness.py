"""Drive a real discord.py bot through the emulator the way a member would, and read what it answered.

    async with Sandbox(make_bot) as sandbox:
        reply = await sandbox.command("alice", "recommend", topic="linear algebra")
        started = await sandbox.click("alice", reply, "Start reading")

Each action sends the interaction Discord would send, waits for the bot's answer (its callback, and for a
deferral the edit of the original response), lets the handler finish so follow-ups are in, and returns a
`Reply`. A bot that does not answer raises `NoReply` with what the emulator refused and what the bot logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import discord
import yarl
from discord.ext import commands

from bot.clock import Clock
from bot.sandbox.emulator import EPHEMERAL, SANDBOX_TOKEN, Emulator, InteractionRecord, StoredFile
from bot.sandbox.gateway import Session
from bot.sandbox.world import SANDBOX_GUILD_ID, Guild, User, World, build_world

log = logging.getLogger(__name__)

# discord.py names the tasks that run an interaction's handler; waiting for them means follow-ups are in.
_HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch",
    "discord-ui-modal-dispatch",
    "discord-ui-dynamic-item",
)
_OPTION_TYPES = {3: "string", 4: "integer", 5: "boolean", 6: "user", 7: "channel", 8: "role", 9: "mentionable",
                 10: "number", 11: "attachment"}  # fmt: skip
_REPO_ROOT = Path(__file__).resolve().parents[2]

BotT = TypeVar("BotT", bound=commands.Bot)


class SandboxError(Exception):
    """An action a member could not do in Discord (unknown command, option or button), or a broken bot."""


class NoReply(SandboxError):
    """The bot did not answer an interaction: in time, or at all because it failed first."""


@dataclass(frozen=True)
class Button:
    """A button as the member sees it."""

    label: str | None
    custom_id: str | None
    style: int
    url: str | None = None
    disabled: bool = False
    emoji: str | None = None


@dataclass(frozen=True)
class Select:
    """A select menu: its options as (label, value)."""

    custom_id: str
    placeholder: str | None
    options: tuple[tuple[str, str], ...]
    min_values: int = 1
    max_values: int = 1
    disabled: bool = False
    type: int = 3


Component = Button | Select


@dataclass(frozen=True)
class TextInput:
    """A modal's text input."""

    custom_id: str
    label: str
    style: int = 1
    required: bool = True
    value: str | None = None
    placeholder: str | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Modal:
    """A modal the bot opened."""

    custom_id: str
    title: str
    inputs: tuple[TextInput, ...]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


@dataclass
class Reply:
    """What the bot answered to one action."""

    kind: Literal["message", "update", "modal", "choices"]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[list[Component]] = field(default_factory=list)
    ephemeral: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    allowed_mentions: dict[str, Any] | None = None
    modal: Modal | None = None
    choices: list[tuple[str, Any]] = field(default_factory=list)
    message_id: int | None = None
    deferred: bool = False
    deleted: bool = False
    followups: list[Reply] = field(default_factory=list)
    interaction_id: int | None = None
    direct: bool = False  # a direct message (a DM channel), not a server's channel

    @property
    def buttons(self) -> list[Button]:
        """Every button, row by row."""
        return [c for row in self.components for c in row if isinstance(c, Button)]

    def button(self, label_or_custom_id: str) -> Button:
        """The button with this label (exact, then ignoring case) or custom id."""
        for match in (
            lambda b: b.label == label_or_custom_id,
            lambda b: (b.label or "").casefold() == label_or_custom_id.casefold(),
            lambda b: b.custom_id == label_or_custom_id,
        ):
            found = [b for b in self.buttons if match(b)]
            if found:
                return found[0]
        labels = ", ".join(repr(b.label or b.custom_id) for b in self.buttons) or "none"
        raise SandboxError(f"No button {label_or_custom_id!r} on this message; its buttons: {labels}.")

    @property
    def text(self) -> str:
        """Content and every embed's text, one string: handy for `in` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [
                embed.get("title") or "",
                embed.get("description") or "",
                (embed.get("footer") or {}).get("text") or "",
            ]
            parts += [f"{f.get('name')}\n{f.get('value')}" for f in embed.get("fields") or []]
        return "\n".join(p for p in parts if p)


def sandbox_settings(directory: Path, **overrides: Any) -> Any:
    """Settings for the production bot in the sandbox: a database in `directory`, the repo's catalog, the guild."""
    from bot.config import Settings

    values: dict[str, Any] = {
        "discord_token": SANDBOX_TOKEN,
        "dev_guild_id": SANDBOX_GUILD_ID,
        "database_path": Path(directory) / "pillars.db",
        "catalog_path": _REPO_ROOT / "data",
        "guild_ready_timeout": 0.05,
    }
    values.update(overrides)
    return Settings(**values)


class _ErrorLog(logging.Handler):
    """Keeps the errors discord.py and the bot log (unhandled exceptions in commands and views)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.records.append(text)


async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py waits 5 s before identifying again (and before each shard after the first); the sandbox does
    not."""


class Sandbox(Generic[BotT]):
    """The emulator, a bot connected to it, and actions a member can take.

    Typed by the bot it runs: `Sandbox(lambda: create_bot(settings))` is a `Sandbox[PillarsBot]`, so a test
    reads `sandbox.bot.store` with its type.
    """

    def __init__(
        self,
        bot: Callable[[], BotT] | BotT | None,
        *,
        timeout: float = 5.0,
        heartbeat_interval: float = 0.5,
        heartbeat_timeout: float = 3.0,
        world: World | None = None,
        token: str = SANDBOX_TOKEN,
    ) -> None:
        self._bot_or_factory = bot
        self.timeout = timeout
        self.heartbeat_timeout = heartbeat_timeout
        self.token = token
        self.emulator = Emulator(world or build_world(), token=token, heartbeat_interval=heartbeat_interval)
        self._bot: BotT | None = None
        self._connect_task: asyncio.Task[None] | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self._errors = _ErrorLog()

    # -- life --------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Sandbox:
        if self._saved is None:  # not started yet
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start the emulator, point discord.py at it, build and connect the bot, wait until it is ready."""
        await self.emulator.start()
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.emulator.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.emulator.gateway_url)
        logging.getLogger().addHandler(self._errors)
        try:
            source = self._bot_or_factory
            if source is None:
                raise SandboxError("This sandbox has no bot to start: give Sandbox a bot or a factory.")
            await self._start_bot(source if isinstance(source, commands.Bot) else source())
        except BaseException:
            await self.stop()
            raise

    async def restart(self) -> None:
        """Close the bot and start a new one from the factory; Discord (the emulator) keeps its messages."""
        factory = self._bot_or_factory
        if factory is None or isinstance(factory, commands.Bot):
            raise SandboxError("A sandbox made from a built bot cannot restart it; give Sandbox a factory.")
        await self._close_bot()
        await self._start_bot(factory())

    async def _start_bot(self, bot: BotT) -> None:
        """Log the bot in (its setup_hook syncs), connect it, and wait until it is ready."""
        self._bot = bot
        bot.before_identify_hook = identify_at_once  # type: ignore[method-assign]
        bot._connection.heartbeat_timeout = self.heartbeat_timeout
        await asyncio.wait_for(bot.login(self.token), self.timeout * 4)
        self._connect_task = asyncio.create_task(bot.connect(reconnect=True), name="sandbox-bot-connect")
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._connect_task}, timeout=self.timeout * 2, return_when="FIRST_COMPLETED"
        )
        if ready not in done:
            ready.cancel()
            problem = self._connect_task.exception() if self._connect_task in done else None
            raise SandboxError(
                f"The bot did not become ready in the sandbox: {problem or 'timed out'}.{self._log_tail()}"
            )

    async def _close_bot(self) -> None:
        """Close the bot and wait for its connection loop to end."""
        if self._bot is not None:
            await self._bot.close()
        if self._connect_task is not None:
            try:
                await asyncio.wait_for(self._connect_task, 5)
            except (Exception, asyncio.CancelledError) as exc:
                log.debug("the sandbox bot stopped with %r", exc)
            self._connect_task = None

    async def stop(self) -> None:
        """Close the bot, stop the emulator, restore discord.py's Discord addresses."""
        await self._close_bot()
        await self.emulator.stop()
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None
        logging.getLogger().removeHandler(self._errors)

    # -- what tests read ---------------------------------------------------------------------------------

    @property
    def bot(self) -> BotT:
        """The bot connected to the emulator (the newest, after a restart); SandboxError before it started."""
        if self._bot is None:
            raise SandboxError("No bot has started in this sandbox yet.")
        return self._bot

    @property
    def world(self) -> World:
        """The guild, its members, roles and channels."""
        return self.emulator.world

    @property
    def synced_commands(self) -> list[dict[str, Any]]:
        """What the bot synced (global, then guild), with ids as Discord returns them."""
        return self.emulator.synced_commands

    @property
    def logged_errors(self) -> list[str]:
        """Errors logged while the sandbox ran (unhandled exceptions in commands and views)."""
        return list(self._errors.records)

    def _log_tail(self, since: int = 0) -> str:
        """The last errors logged (since the `since`-th), for an error message."""
        records = self._errors.records[since:]
        if not records:
            return ""
        return "\nThe bot logged:\n  " + "\n  ".join(records[-3:])

    # -- actions -----------------------------------------------------------------------------------------

    async def command(
        self,
        user: str,
        name: str,
        /,
        *,
        in_channel: str | None = None,
        guild: str | int | None = None,
        via: Session | None = None,
        **options: Any,
    ) -> Reply:
        """`user` runs slash command `name` ("recommend", "progress log") with these options (in #study).

        `guild` (a name or id) runs it in another guild than the home one; `via` sends it through that gateway
        session instead of the one the guild's shard has (two processes running one shard)."""
        member = self.world.user(user)
        place = self.world.guild(guild)
        data = self.command_payload(name, options, guild=place)
        channel_id = self._channel_id(in_channel, place)
        record = self.emulator.new_interaction(kind=2, user=member, data=data, channel_id=channel_id, guild=place)
        return await self._exchange(record, f"/{name}", via=via)

    async def autocomplete(
        self, user: str, name: str, /, *, focused: str, value: str = "", **options: Any
    ) -> list[tuple[str, Any]]:
        """`user` types `value` into option `focused` of `name`; the choices offered, as (name, value).

        As in Discord, an option with fixed choices lists those matching what is typed without asking the bot,
        and one with neither choices nor autocomplete suggests nothing (SandboxError says so).
        """
        member = self.world.user(user)
        definition = self._option_definition(name, focused)
        if definition.get("choices"):
            typed = value.strip().casefold()
            return [(c["name"], c["value"]) for c in definition["choices"] if typed in str(c["name"]).casefold()]
        if not definition.get("autocomplete"):
            raise SandboxError(f"Option {focused!r} of /{name} offers no suggestions as it is typed: type a value.")
        data = self.command_payload(name, options, focused=(focused, value))
        record = self.emulator.new_interaction(kind=4, user=member, data=data)
        reply = await self._exchange(record, f"autocomplete of /{name} {focused}")
        return reply.choices

    async def click(self, user: str, reply: Reply, button: str, *, via: Session | None = None) -> Reply:
        """`user` clicks a button (by label or custom id) on the message of `reply` (`via` as for `command`)."""
        target = reply.button(button)
        if target.style == 5 or target.custom_id is None:
            raise SandboxError(f"{button!r} is a link button ({target.url}); Discord opens it, the bot sees nothing.")
        if target.disabled:
            raise SandboxError(f"{button!r} is disabled; Discord does not let {user} click it.")
        data = {"custom_id": target.custom_id, "component_type": 2}
        return await self._component(user, reply, data, f"click {button!r}", via=via)

    async def select(self, user: str, reply: Reply, menu: str, values: list[str]) -> Reply:
        """`user` picks `values` (labels or values) in a select menu (by custom id or placeholder)."""
        selects = [c for row in reply.components for c in row if isinstance(c, Select)]
        found = next((s for s in selects if menu in (s.custom_id, s.placeholder)), None)
        if found is None:
            raise SandboxError(f"No select {menu!r} on this message.")
        by_label = dict(found.options)
        chosen = [by_label.get(v, v) for v in values]
        data = {"custom_id": found.custom_id, "component_type": found.type, "values": chosen}
        return await self._component(user, reply, data, f"select {menu!r}")

    async def submit_modal(self, user: str, reply: Reply, values: dict[str, str]) -> Reply:
        """`user` fills the modal of `reply` (inputs by custom id or label) and submits it."""
        if reply.modal is None:
            raise SandboxError("This reply is not a modal.")
        modal = reply.modal
        given = dict(values)
        chosen: dict[str, str] = {}
        for text_input in modal.inputs:
            for key in (text_input.custom_id, text_input.label):
                matching = [k for k in given if k.casefold() == key.casefold()]
                if matching:
                    chosen[text_input.custom_id] = given.pop(matching[0])
                    break
            value = chosen.get(text_input.custom_id, text_input.value or "")
            if text_input.required and not value:
                raise SandboxError(f"{text_input.label!r} is required; Discord does not submit the modal without it.")
            if value and text_input.min_length is not None and len(value) < text_input.min_length:
                raise SandboxError(f"{text_input.label!r} needs at least {text_input.min_length} characters.")
            if text_input.max_length is not None and len(value) > text_input.max_length:
                raise SandboxError(f"{text_input.label!r} takes at most {text_input.max_length} characters.")
            chosen[text_input.custom_id] = value
        if given:
            names = ", ".join(f"{i.label!r} ({i.custom_id})" for i in modal.inputs)
            raise SandboxError(f"The modal has no input {', '.join(map(repr, given))}; it has {names}.")
        data = {
            "custom_id": modal.custom_id,
            "components": _submitted_components(modal.raw.get("components") or [], chosen),
        }
        origin = self.emulator.interactions.get(reply.interaction_id or 0)
        message = None
        if origin is not None and origin.type == 3 and origin.target_message_id is not None:
            message = self.emulator.messages[origin.target_message_id]
        channel_id = origin.channel_id if origin is not None else None
        record = self.emulator.new_interaction(
            kind=5, user=self.world.user(user), data=data, channel_id=channel_id, message=message
        )
        return await self._exchange(record, f"modal {modal.title!r}")

    async def message_command(
        self, user: str, name: str, *, message_text: str, author: str = "bob", channel: str | None = None
    ) -> Reply:
        """`author` writes `message_text` in #study; `user` runs message command `name` on it."""
        command = self._find_command(name, kind=3)
        posted = await self.emulator.post_user_message(self.world.user(author), message_text, self._channel_id(channel))
        data = {
            "id": command["id"],
            "name": command["name"],
            "type": 3,
            "target_id": posted["id"],
            "resolved": {"messages": {posted["id"]: posted}},
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        record = self.emulator.new_interaction(
            kind=2, user=self.world.user(user), data=data, channel_id=int(posted["channel_id"])
        )
        return await self._exchange(record, f"message command {name!r}")

    async def user_command(self, user: str, name: str, *, target: str) -> Reply:
        """`user` runs user command `name` on member `target`."""
        command = self._find_command(name, kind=2)
        member = self.world.member(target)
        data = {
            "id": command["id"],
            "name": command["name"],
            "type": 2,
            "target_id": str(member.user.id),
            "resolved": self._resolved_member(member.user),
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        record = self.emulator.new_interaction(kind=2, user=self.world.user(user), data=data)
        return await self._exchange(record, f"user command {name!r}")

    async def advance_time(self, by: timedelta) -> list[Reply]:
        """Move time on for Discord and the bot alike; the messages the bot posted meanwhile (DMs, threads…).

        The bot's clock is `bot.clock` (a `bot.clock.Clock`) when it has one: moving it lets its scheduler
        catch up before this returns, so what was due by then has been sent.
        """
        seen = max(self.emulator.messages, default=0)
        self.emulator.advance_clock(by.total_seconds())
        clock = getattr(self.bot, "clock", None)
        if isinstance(clock, Clock):
            await clock.advance(by)
        await asyncio.sleep(0)
        return self.posted_since(seen)

    async def settle(self) -> list[Reply]:
        """Let the bot's scheduler do what is due now (a club's first week); what it posted."""
        return await self.advance_time(timedelta(0))

    def posted_since(self, message_id: int) -> list[Reply]:
        """Messages the bot posted on its own (not answers to interactions) after `message_id`, oldest first."""
        return [
            self._message_reply(i, "message")
            for i, m in sorted(self.emulator.messages.items())
            if i > message_id
            and m["author"]["id"] == str(self.world.bot_user.id)
            and "interaction_metadata" not in m
            and i not in self.emulator.deleted_message_ids
        ]

    def dms(self, user: str) -> list[Reply]:
        """What the bot sent `user` by DM, oldest first."""
        return [self._message_reply(int(m["id"]), "message") for m in self.emulator.dm_messages(user)]

    def thread_messages(self, name_or_id: str | int) -> list[Reply]:
        """The messages of a thread, oldest first."""
        thread = self.world.thread(name_or_id)
        return [self._message_reply(int(m["id"]), "message") for m in self.emulator.channel_messages(thread.id)]

    async def say(self, user: str, content: str, *, channel: str | None = None) -> dict[str, Any]:
        """`user` writes a plain message; the bot receives MESSAGE_CREATE if it asked for message events."""
        return await self.emulator.post_user_message(self.world.user(user), content, self._channel_id(channel))

    # -- building interactions ---------------------------------------------------------------------------

    def _channel_id(self, channel: str | None, guild: Guild | None = None) -> int | None:
        """A channel or thread id of `guild` (the home guild) from a name, or None for #study."""
        if channel is None:
            return None
        place = guild or self.world.home
        try:
            return place.channel(channel).id
        except KeyError:
            return place.thread(channel).id

    def _find_command(self, name: str, kind: int = 1) -> dict[str, Any]:
        """A synced command by name and type, or a SandboxError listing what exists."""
        for command in self.synced_commands:
            if command["name"] == name and command.get("type", 1) == kind:
                return command
        known = ", ".join(sorted(c["name"] for c in self.synced_commands if c.get("type", 1) == kind)) or "none"
        raise SandboxError(
            f"The bot synced no {'slash' if kind == 1 else 'context menu'} command {name!r}; it has: {known}."
        )

    def _option_definition(self, path: str, option: str) -> dict[str, Any]:
        """The synced definition of one option of a slash command ("progress log", "resource")."""
        words = path.strip().lstrip("/").split()
        node = self._find_command(words[0]) if words else {}
        for word in words[1:]:
            node = next((o for o in node.get("options") or [] if o["name"] == word and o.get("type") in (1, 2)), {})
        found = next((o for o in node.get("options") or [] if o["name"] == option), None)
        if found is None:
            names = ", ".join(o["name"] for o in node.get("options") or []) or "none"
            raise SandboxError(f"/{path.strip()} has no option {option!r}; it has: {names}.")
        return found

    def command_payload(
        self,
        path: str,
        options: dict[str, Any],
        focused: tuple[str, str] | None = None,
        *,
        guild: Guild | None = None,
    ) -> dict[str, Any]:
        """The `data` of a slash command or autocomplete interaction, options typed by the synced definitions
        (members, roles and channels named in options are the home guild's unless `guild` is given)."""
        place = guild or self.world.home
        words = path.strip().lstrip("/").split()
        if not words:
            raise SandboxError("No command given.")
        command = self._find_command(words[0])
        resolved: dict[str, dict[str, Any]] = {}
        leaf = command
        chain: list[dict[str, Any]] = []
        for word in words[1:]:
            subs = [o for o in leaf.get("options") or [] if o.get("type") in (1, 2)]
            found = next((o for o in subs if o["name"] == word), None)
            if found is None:
                names = ", ".join(o["name"] for o in subs) or "none"
                raise SandboxError(f"/{' '.join(words[: len(chain) + 1])} has no subcommand {word!r}; it has: {names}.")
            chain.append(found)
            leaf = found
        if any(o.get("type") in (1, 2) for o in leaf.get("options") or []):
            names = ", ".join(o["name"] for o in leaf["options"])
            raise SandboxError(f"/{path.strip()} needs a subcommand: {names}.")
        values = self._typed_options(path, leaf.get("options") or [], options, resolved, focused, place)
        for step in reversed(chain):
            values = [{"name": step["name"], "type": step["type"], "options": values}]
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1, "options": values}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _typed_options(
        self,
        path: str,
        definitions: list[dict[str, Any]],
        given: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        focused: tuple[str, str] | None,
        guild: Guild,
    ) -> list[dict[str, Any]]:
        """Each given option as Discord sends it; unknown, missing or ill-typed options raise SandboxError."""
        by_name = {d["name"]: d for d in definitions}
        wanted = dict(given)
        if focused is not None:
            wanted.pop(focused[0], None)
            if focused[0] not in by_name:
                raise SandboxError(f"/{path} has no option {focused[0]!r}; it has: {', '.join(by_name) or 'none'}.")
        unknown = [name for name in wanted if name not in by_name]
        if unknown:
            raise SandboxError(
                f"/{path} has no option {', '.join(map(repr, unknown))}; it has: {', '.join(by_name) or 'none'}."
            )
        if focused is None:
            missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in wanted]
            if missing:
                raise SandboxError(f"/{path} needs {', '.join(map(repr, missing))}; Discord does not send it without.")
        values = []
        for definition in definitions:
            name = definition["name"]
            if focused is not None and name == focused[0]:
                values.append({"name": name, "type": definition["type"], "value": focused[1], "focused": True})
            elif name in wanted:
                value = self._option_value(path, definition, wanted[name], resolved, guild)
                values.append({"name": name, "type": definition["type"], "value": value})
        return values

    def _option_value(
        self, path: str, definition: dict[str, Any], value: Any, resolved: dict[str, dict], guild: Guild
    ) -> Any:
        """One option's value typed as Discord sends it, adding users, roles, channels, attachments to `resolved`."""
        kind, name = definition["type"], definition["name"]
        try:
            if kind == 3:
                value = str(value)
            elif kind == 4:
                value = int(value)
            elif kind == 10:
                value = float(value)
            elif kind == 5:
                value = value if isinstance(value, bool) else str(value).strip().lower() in ("true", "yes", "1", "on")
        except ValueError:
            raise SandboxError(f"Option {name!r} of /{path} takes {_OPTION_TYPES[kind]}, not {value!r}.") from None
        choices = definition.get("choices") or []
        if choices:
            for choice in choices:
                if value == choice["value"] or str(value).casefold() == str(choice["name"]).casefold():
                    return choice["value"]
            listed = ", ".join(str(c["name"]) for c in choices)
            raise SandboxError(f"Option {name!r} of /{path} offers only: {listed}; not {value!r}.")
        if kind in (6, 9) and not isinstance(value, int):
            try:
                user = self.world.user(str(value))
            except KeyError:
                if kind == 6:
                    raise SandboxError(f"Option {name!r}: no member {value!r} in the sandbox.") from None
                role = guild.role(str(value))
                resolved.setdefault("roles", {})[str(role.id)] = role.payload()
                return str(role.id)
            for key, entries in self._resolved_member(user, guild).items():
                resolved.setdefault(key, {}).update(entries)
            return str(user.id)
        if kind == 7:
            channel = guild.channel(str(value))
            entry = {**channel.payload(guild.id), "permissions": str(1 << 10 | 1 << 11)}
            resolved.setdefault("channels", {})[str(channel.id)] = entry
            return str(channel.id)
        if kind == 8:
            role = guild.role(str(value))
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        if kind == 11:
            upload = _upload(value)
            attachment = self.emulator.store_file(self.world.default_channel.id, upload)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        return value

    def _resolved_member(self, user: User, guild: Guild | None = None) -> dict[str, dict[str, Any]]:
        """`resolved` entries for a member of a guild (the home one by default): the user and the member."""
        guild = guild or self.world.home
        member = guild.members[user.id].payload(permissions=guild.permissions(user.id))
        member.pop("user")
        return {"users": {str(user.id): user.payload()}, "members": {str(user.id): member}}

    async def _component(
        self, user: str, reply: Reply, data: dict[str, Any], what: str, *, via: Session | None = None
    ) -> Reply:
        """A component interaction carrying the whole message it is on."""
        if reply.message_id is None or reply.message_id not in self.emulator.messages:
            raise SandboxError("This reply has no message to click on.")
        if reply.message_id in self.emulator.deleted_message_ids:
            raise SandboxError("That message was deleted.")
        message = self.emulator.messages[reply.message_id]
        record = self.emulator.new_interaction(
            kind=3, user=self.world.user(user), data=data, channel_id=int(message["channel_id"]), message=message
        )
        return await self._exchange(record, what, via=via)

    # -- waiting for the answer --------------------------------------------------------------------------

    def _handlers_running(self) -> list[asyncio.Task[Any]]:
        """discord.py's tasks still running an interaction handler."""
        return [t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith(_HANDLER_TASKS)]

    async def _exchange(self, record: InteractionRecord, what: str, *, via: Session | None = None) -> Reply:
        """Send the interaction, wait for the answer and for the handler to finish, and read the reply."""
        errors_before = len(self._errors.records)
        await self.emulator.send_interaction(record, via=via)

        def settled() -> bool:
            if record.answered:
                return True
            # The bot tried and was refused, and gave up: no point waiting for the whole timeout.
            failed = record.errors or len(self._errors.records) > errors_before
            return bool(failed) and not self._handlers_running()

        with contextlib.suppress(TimeoutError):
            await self.emulator.wait_until(settled, self.timeout, f"the bot to answer {what}")
        if not record.answered:
            refused = "".join(f"\n  the emulator refused: {e}" for e in record.errors)
            failed = record.errors or len(self._errors.records) > errors_before
            why = f"failed while answering {what}" if failed else f"did not answer {what} within {self.timeout:g} s"
            raise NoReply(f"The bot {why}.{refused}{self._log_tail(errors_before)}")
        running = self._handlers_running()
        if running:
            await asyncio.wait(running, timeout=self.timeout)
        return self._reply(record)

    def _reply(self, record: InteractionRecord) -> Reply:
        """The Reply for an answered interaction, from the messages as they are now."""
        if record.callback_type == 8:
            return Reply(
                kind="choices",
                choices=[(c["name"], c["value"]) for c in record.choices or []],
                interaction_id=record.id,
            )
        if record.callback_type == 9:
            return Reply(kind="modal", modal=_modal(record.modal or {}), interaction_id=record.id)
        ids = record.message_ids
        if record.callback_type in (4, 5):
            reply = self._message_reply(ids[0], "message")
        else:
            reply = self._message_reply(record.target_message_id, "update")
        reply.deferred = record.callback_type in (5, 6)
        reply.interaction_id = record.id
        reply.followups = [self._message_reply(i, "message") for i in record.followup_ids]
        for followup in reply.followups:
            followup.interaction_id = record.id
        return reply

    def message(self, message_id: int) -> Reply:
        """A message as it is now in the emulator (a follow-up, a message sent to a channel…), as a Reply."""
        return self._message_reply(message_id, "message")

    def _message_reply(self, message_id: int | None, kind: Literal["message", "update"]) -> Reply:
        """A Reply showing one stored message."""
        assert message_id is not None
        message = self.emulator.messages[message_id]
        return Reply(
            kind=kind,
            content=message.get("content") or "",
            embeds=list(message.get("embeds") or []),
            components=[_row(row) for row in message.get("components") or [] if row.get("type") == 1],
            ephemeral=bool(int(message.get("flags") or 0) & EPHEMERAL),
            files={a["filename"]: self.emulator.file(a) for a in message.get("attachments") or []},
            allowed_mentions=self.emulator.allowed_mentions.get(message_id),
            message_id=message_id,
            deleted=message_id in self.emulator.deleted_message_ids,
            direct="guild_id" not in message,
        )


def _row(row: dict[str, Any]) -> list[Component]:
    """One action row's buttons and selects."""
    found: list[Component] = []
    for item in row.get("components") or []:
        if item.get("type") == 2:
            emoji = item.get("emoji") or {}
            found.append(
                Button(
                    label=item.get("label"),
                    custom_id=item.get("custom_id"),
                    style=item.get("style", 1),
                    url=item.get("url"),
                    disabled=bool(item.get("disabled")),
                    emoji=emoji.get("name"),
                )
            )
        elif item.get("type") in (3, 5, 6, 7, 8):
            found.append(
                Select(
                    custom_id=item["custom_id"],
                    placeholder=item.get("placeholder"),
                    options=tuple((o["label"], o["value"]) for o in item.get("options") or []),
                    min_values=item.get("min_values", 1),
                    max_values=item.get("max_values", 1),
                    disabled=bool(item.get("disabled")),
                    type=item["type"],
                )
            )
    return found


def _modal(data: dict[str, Any]) -> Modal:
    """The modal the bot sent: its text inputs, whether in action rows or in labels."""
    inputs: list[TextInput] = []

    def collect(components: list[dict[str, Any]], label: str | None = None) -> None:
        for component in components:
            if component.get("type") == 1:
                collect(component.get("components") or [])
            elif component.get("type") == 18:
                collect([component.get("component") or {}], component.get("label"))
            elif component.get("type") == 4:
                inputs.append(
                    TextInput(
                        custom_id=component["custom_id"],
                        label=label or component.get("label") or "",
                        style=component.get("style", 1),
                        required=component.get("required", True),
                        value=component.get("value"),
                        placeholder=component.get("placeholder"),
                        min_length=component.get("min_length"),
                        max_length=component.get("max_length"),
                    )
                )

    collect(data.get("components") or [])
    return Modal(custom_id=data.get("custom_id", ""), title=data.get("title", ""), inputs=tuple(inputs), raw=data)


def _submitted_components(components: list[dict[str, Any]], values: dict[str, str]) -> list[dict[str, Any]]:
    """The submitted modal's components, shaped like the ones the bot sent, each input with its value."""
    submitted = []
    for component in components:
        if component.get("type") == 1:
            inner = [{"type": 4, "custom_id": c["custom_id"], "value": values.get(c["custom_id"], "")}
                     for c in component.get("components") or [] if c.get("type") == 4]  # fmt: skip
            submitted.append({"type": 1, "components": inner})
        elif component.get("type") == 18 and (component.get("component") or {}).get("type") == 4:
            custom_id = component["component"]["custom_id"]
            entry: dict[str, Any] = {
                "type": 18,
                "component": {"type": 4, "custom_id": custom_id, "value": values.get(custom_id, "")},
            }
            if "id" in component:
                entry["id"] = component["id"]
            submitted.append(entry)
    return submitted


def _upload(value: Any) -> StoredFile:
    """A file for an ATTACHMENT option: bytes, text, a (filename, bytes) pair, or a Path."""
    if isinstance(value, StoredFile):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        filename, data = value
        data = data.encode() if isinstance(data, str) else bytes(data)
        return StoredFile(str(filename), data, _content_type(str(filename)))
    if isinstance(value, Path):
        return StoredFile(value.name, value.read_bytes(), _content_type(value.name))
    if isinstance(value, bytes | bytearray):
        return StoredFile("file.bin", bytes(value), "application/octet-stream")
    return StoredFile("file.txt", str(value).encode(), "text/plain; charset=utf-8")


def _content_type(filename: str) -> str:
    """A content type from a file name."""
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
