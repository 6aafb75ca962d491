"""A small Discord on 127.0.0.1: REST v10 and the gateway, faithful enough for the real discord.py client.

Point discord.py at it with `Route.BASE = emulator.api_base` and
`DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)` (the harness does this). The emulator
keeps what the bot did (messages, interaction responses, synced commands) for tests to read, answers
Discord's errors where Discord would (40060, 10062, 50035, 429 with Via), and can misbehave on demand.

Direct messages: `POST /users/@me/channels` opens a DM channel; sending to a member whose DMs are closed
(`close_dms`) is refused with 403 50007, as Discord refuses it; a member can press a button on a DM
message (an interaction with `user` and no guild). Threads: from a message (the thread takes the message's
id) or on their own in a channel, announced with THREAD_CREATE and listed in GUILD_CREATE, posted in like a
channel. A message's `nonce` with `enforce_nonce` is honoured: the same author and nonce within
`nonce_window` seconds returns the message already made instead of a second one. With
`global_rate_limit` set, more than that many bot requests in one second (interaction responses are exempt,
as on Discord) are answered 429 with `global: true`.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.sandbox import limits
from bot.sandbox.gateway import Gateway, Session
from bot.sandbox.world import PRIVATE_THREAD, PUBLIC_THREAD, Guild, SnowflakeClock, Thread, User, World, build_world

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
# A token of the shape Discord issues (base64 id . timestamp . hmac); the emulator accepts only this one.
SANDBOX_TOKEN = "MTE5MTg2MzYwNzA0MjE3OTA3Mg.GsAndB.c2FuZGJveC10b2tlbi1ub3QtYS1yZWFsLW9uZQ"
# The gateway faults `break_connection` knows, each answered by discord.py with a RESUME or a new IDENTIFY.
GATEWAY_FAULTS = ("close-4000", "abrupt-drop", "reconnect", "invalid-session-resumable", "invalid-session")
EPHEMERAL = 1 << 6
LOADING = 1 << 7
GUILD_MESSAGES_INTENT = 1 << 9
INTERACTION_DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
DM_CHANNEL = 1
# Discord checks a nonce "for uniqueness in the past few minutes"; the emulator keeps them this long.
NONCE_WINDOW = 5 * 60.0
DISCORD_GLOBAL_LIMIT = 50  # requests a second a bot may make (interaction responses are not counted)


class ApiError(Exception):
    """A refusal the emulator answers with Discord's status, code and message."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        """The JSON body Discord sends with this error."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def _refuse_if(problems: list[limits.Problem], prefix: tuple[str, ...] = ()) -> None:
    """Raise Discord's 50035 when a payload breaks a limit."""
    if problems:
        problems = [limits.Problem((*prefix, *p.path), p.code, p.message) for p in problems]
        raise ApiError(400, 50035, "Invalid Form Body", limits.invalid_form_body(problems)["errors"])


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response with the header exactly `application/json` (discord.py parses nothing else)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


@dataclass
class StoredFile:
    """An uploaded file, served back at its attachment URL."""

    filename: str
    data: bytes
    content_type: str


@dataclass
class InteractionRecord:
    """An interaction the emulator sent to the bot, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    payload: dict[str, Any]
    created_at: float
    target_message_id: int | None = None
    callback_type: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    edits: int = 0
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """Whether the member sees an answer: a message, an update, choices, a modal, or a finished deferral."""
        if self.callback_type in (4, 7, 8, 9):
            return True
        return self.callback_type in (5, 6) and (self.edits > 0 or bool(self.followup_ids))

    @property
    def message_ids(self) -> list[int]:
        """Every message this interaction's token may address: the original, then follow-ups."""
        original = self.original_message_id if self.callback_type in (4, 5) else self.target_message_id
        return ([original] if original is not None else []) + self.followup_ids


@dataclass
class RateLimit:
    """A planned 429 for the next `remaining` requests matching a route pattern."""

    pattern: str
    retry_after: float
    remaining: int
    is_global: bool


@dataclass
class Stall:
    """A request held by the emulator (to kill the bot while it waits): before Discord acts on it, or after."""

    pattern: str
    after: bool  # True: the message is created, only the answer is held (the bot dies not knowing)
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    path: str | None = None
    dropped: bool = False

    def release(self) -> None:
        """Let the held request go on (its client may be gone by then)."""
        self.released.set()

    def drop(self) -> None:
        """Forget a request held before Discord acted: as if it never arrived (the bot died sending it)."""
        self.dropped = True
        self.released.set()


Handler = Callable[..., Awaitable[web.StreamResponse]]


class Emulator:
    """The local Discord. Start it with `await emulator.start()` (or `async with`), stop with `await stop()`."""

    def __init__(
        self,
        world: World | None = None,
        *,
        token: str = SANDBOX_TOKEN,
        heartbeat_interval: float = 41.25,
        host: str = "127.0.0.1",
    ) -> None:
        self.world = world or build_world()
        self.token = token
        self.host = host
        self.port = 0
        self.ids = SnowflakeClock()
        self.messages: dict[int, dict[str, Any]] = {}
        self.allowed_mentions: dict[int, dict[str, Any] | None] = {}
        self.deleted_message_ids: set[int] = set()
        self.files: dict[int, StoredFile] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.counters: Counter[str] = Counter()
        self.requests: list[tuple[str, str, int]] = []
        self.unknown_routes: list[str] = []
        self.interaction_deadline = INTERACTION_DEADLINE
        self.recommended_shards = 1  # what GET /gateway/bot recommends
        self.token_lifetime = TOKEN_LIFETIME
        self.clock_offset = 0.0
        self._rate_limits: list[RateLimit] = []
        self._dm_channels: dict[int, int] = {}  # user id → DM channel id
        self._dm_recipients: dict[int, int] = {}  # DM channel id → user id
        self.closed_dms: set[int] = set()  # users whose DMs are closed to the bot
        self.nonce_window = NONCE_WINDOW
        self._nonces: dict[tuple[str, str], tuple[int, float]] = {}  # (author, nonce) → (message id, when)
        self.global_rate_limit: int | None = None
        self._recent_requests: deque[float] = deque()
        self.peak_requests_per_second = 0
        self._stalls: list[Stall] = []
        self._changed = asyncio.Event()
        self.gateway = Gateway(
            self.world,
            token=token,
            heartbeat_interval=heartbeat_interval,
            resume_url=lambda: f"ws://{self.host}:{self.port}/resume",
            changed=self._notify,
        )
        self._routes = self._route_table()
        self._runner: web.AppRunner | None = None

    # -- life --------------------------------------------------------------------------------------------

    async def start(self) -> Emulator:
        """Serve on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{file_id}/{filename}", self._serve_file)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server) and server.sockets, "the sandbox server did not open a socket"
        self.port = server.sockets[0].getsockname()[1]
        log.info("sandbox Discord listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        """Close every connection and free the port."""
        if self._runner is not None:
            await self.gateway.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """What `discord.http.Route.BASE` must be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What `DiscordWebSocket.DEFAULT_GATEWAY` must be."""
        return f"ws://{self.host}:{self.port}/gateway"

    # -- time --------------------------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's clock: monotonic time plus whatever a test advanced it by."""
        return time.monotonic() + self.clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock on (to expire the 3 s deadline or the 15 min token without waiting).

        Message timestamps follow it, so what the bot posts "tomorrow" is dated tomorrow.
        """
        self.clock_offset += seconds

    # -- direct messages and threads, as tests see them ---------------------------------------------------

    def close_dms(self, user: User | str) -> None:
        """The member closes DMs from the server: messages to them are refused with 50007."""
        self.closed_dms.add(self._user_id(user))

    def open_dms(self, user: User | str) -> None:
        """The member opens DMs again."""
        self.closed_dms.discard(self._user_id(user))

    def _user_id(self, user: User | str) -> int:
        """A user's id from the user or their name."""
        return user.id if isinstance(user, User) else self.world.user(user).id

    def dm_channel_id(self, user: User | str) -> int | None:
        """The DM channel the bot opened with the member, if it did."""
        return self._dm_channels.get(self._user_id(user))

    def dm_channel_for(self, user_id: int) -> int:
        """The DM channel with a user, made the first time (`POST /users/@me/channels` does this; so may a test)."""
        channel_id = self._dm_channels.get(user_id)
        if channel_id is None:
            channel_id = self._dm_channels[user_id] = self.ids.next()
            self._dm_recipients[channel_id] = user_id
        return channel_id

    def dm_messages(self, user: User | str) -> list[dict[str, Any]]:
        """The messages in the member's DM channel, oldest first (none if the bot never opened one)."""
        channel_id = self.dm_channel_id(user)
        return [] if channel_id is None else self.channel_messages(channel_id)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """The (not deleted) messages of a channel, DM or thread, oldest first."""
        return [
            m
            for i, m in sorted(self.messages.items())
            if m["channel_id"] == str(channel_id) and i not in self.deleted_message_ids
        ]

    def hold_next(self, route_pattern: str, *, after: bool) -> Stall:
        """Hold the next request matching `route_pattern` (fnmatch on "METHOD /path") until `release()`.

        `after=False` holds it before Discord acts (releasing it then acts on it, unless its client is gone);
        `after=True` acts on it at once and holds only the answer: the case of a bot killed after Discord
        created its message but before it heard so.
        """
        stall = Stall(route_pattern, after)
        self._stalls.append(stall)
        return stall

    def _take_stall(self, method: str, path: str) -> Stall | None:
        """The stall this request runs into, if any (each holds one request)."""
        for stall in self._stalls:
            if fnmatch.fnmatch(f"{method} {path}", stall.pattern):
                self._stalls.remove(stall)
                stall.path = path
                return stall
        return None

    def _over_global_limit(self) -> float | None:
        """With `global_rate_limit` set: seconds to wait when this bot request is one too many, else None."""
        now = time.monotonic()
        recent = self._recent_requests
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if self.global_rate_limit is not None and len(recent) >= self.global_rate_limit:
            return max(0.001, 1.0 - (now - recent[0]))
        recent.append(now)
        self.peak_requests_per_second = max(self.peak_requests_per_second, len(recent))
        return None

    # -- waiting -----------------------------------------------------------------------------------------

    def _notify(self) -> None:
        """Wake everything waiting for a change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
        self, condition: Callable[[], bool], within: float, what: str = "the condition", *, poll: float = 0.05
    ) -> None:
        """Wait until `condition()` holds, checking on every change and every `poll` s; TimeoutError names `what`."""
        deadline = asyncio.get_running_loop().time() + within
        while not condition():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"Timed out after {within:g} s waiting for {what}.")
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), min(remaining, poll))
            except TimeoutError:
                continue

    async def wait_for_gateway(self, entry: str, count: int, within: float = 10.0) -> None:
        """Wait until the gateway history has `entry` ("resumed", "ready", "identify"…) at least `count` times."""
        await self.wait_until(lambda: self.gateway.count(entry) >= count, within, f"gateway {entry!r} x{count}")

    # -- faults ------------------------------------------------------------------------------------------

    async def drop_connection(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close the bot's gateway connection (close code 4000, or abruptly with no close frame)."""
        await self.gateway.drop_connection(code=code, abrupt=abrupt)

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT."""
        await self.gateway.send_reconnect()

    async def send_invalid_session(self, resumable: bool) -> None:
        """Send op 9 INVALID_SESSION with d = resumable."""
        await self.gateway.send_invalid_session(resumable=resumable)

    async def break_connection(self, fault: str) -> None:
        """One named gateway fault of GATEWAY_FAULTS, then wait until the bot is back (resumed or identified)."""
        resumed, ready = self.gateway.count("resumed"), self.gateway.count("ready")
        if fault == "close-4000":
            await self.drop_connection(code=4000)
        elif fault == "abrupt-drop":
            await self.drop_connection(abrupt=True)
        elif fault == "reconnect":
            await self.send_reconnect()
        elif fault == "invalid-session-resumable":
            await self.send_invalid_session(resumable=True)
        elif fault == "invalid-session":
            await self.send_invalid_session(resumable=False)
            await self.wait_for_gateway("ready", ready + 1)  # a new session: the bot IDENTIFYs again
            return
        else:
            raise ValueError(f"unknown gateway fault {fault!r}; known: {', '.join(GATEWAY_FAULTS)}")
        await self.wait_for_gateway("resumed", resumed + 1)

    def stop_heartbeat_acks(self) -> None:
        """Stop answering the live connection's heartbeats."""
        self.gateway.stop_heartbeat_acks()

    def rate_limit_next(
        self, route_pattern: str, retry_after: float = 0.05, *, count: int = 1, is_global: bool = False
    ) -> None:
        """Answer the next `count` requests matching `route_pattern` with 429 and a `Via` header.

        The pattern is matched (fnmatch) against "METHOD /path" below /api/v10, e.g.
        "POST /interactions/*/callback", "POST /webhooks/*", "POST /channels/*/messages".
        """
        self._rate_limits.append(RateLimit(route_pattern, retry_after, count, is_global))

    def _take_rate_limit(self, method: str, path: str) -> RateLimit | None:
        """The planned 429 this request runs into, if any."""
        for limit in self._rate_limits:
            if limit.remaining > 0 and fnmatch.fnmatch(f"{method} {path}", limit.pattern):
                limit.remaining -= 1
                return limit
        return None

    # -- the REST dispatcher -----------------------------------------------------------------------------

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Handler, bool]]:
        """(method, path pattern, handler, needs the bot token) for every route the emulator serves."""
        snowflake, token, msg = r"(?P<{}>\d+)", r"(?P<token>[^/]+)", r"(?P<message_id>@original|\d+)"
        s = snowflake.format
        own_reaction = f"/channels/{s('channel_id')}/messages/{s('message_id')}/reactions/(?P<emoji>[^/]+)/@me"
        table: list[tuple[str, str, Handler, bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", f"/applications/{s('app_id')}/commands", self._get_commands, True),
            ("PUT", f"/applications/{s('app_id')}/commands", self._put_commands, True),
            ("GET", f"/applications/{s('app_id')}/guilds/{s('guild_id')}/commands", self._get_commands, True),
            ("PUT", f"/applications/{s('app_id')}/guilds/{s('guild_id')}/commands", self._put_commands, True),
            ("POST", f"/interactions/{s('interaction_id')}/{token}/callback", self._callback, False),
            ("POST", f"/webhooks/{s('app_id')}/{token}", self._followup, False),
            ("GET", f"/webhooks/{s('app_id')}/{token}/messages/{msg}", self._webhook_get, False),
            ("PATCH", f"/webhooks/{s('app_id')}/{token}/messages/{msg}", self._webhook_edit, False),
            ("DELETE", f"/webhooks/{s('app_id')}/{token}/messages/{msg}", self._webhook_delete, False),
            ("GET", f"/channels/{s('channel_id')}", self._get_channel, True),
            ("GET", f"/channels/{s('channel_id')}/messages", self._get_history, True),
            ("POST", f"/channels/{s('channel_id')}/messages", self._post_message, True),
            ("GET", f"/channels/{s('channel_id')}/messages/{s('message_id')}", self._get_message, True),
            ("PATCH", f"/channels/{s('channel_id')}/messages/{s('message_id')}", self._patch_message, True),
            ("DELETE", f"/channels/{s('channel_id')}/messages/{s('message_id')}", self._delete_message, True),
            ("PUT", own_reaction, self._no_content, True),
            ("DELETE", own_reaction, self._no_content, True),
            ("POST", f"/channels/{s('channel_id')}/typing", self._no_content, True),
            (
                "POST",
                f"/channels/{s('channel_id')}/messages/{s('message_id')}/threads",
                self._thread_from_message,
                True,
            ),
            ("POST", f"/channels/{s('channel_id')}/threads", self._thread_in_channel, True),
            ("PUT", f"/channels/{s('channel_id')}/thread-members/{s('user_id')}", self._add_thread_member, True),
            ("POST", "/users/@me/channels", self._open_dm, True),
            ("GET", f"/users/{s('user_id')}", self._get_user, True),
            ("GET", f"/guilds/{s('guild_id')}", self._get_guild, True),
            ("GET", f"/guilds/{s('guild_id')}/roles", self._get_roles, True),
            ("GET", f"/guilds/{s('guild_id')}/channels", self._get_channels, True),
            ("GET", f"/guilds/{s('guild_id')}/members/{s('user_id')}", self._get_member, True),
        ]
        return [(method, re.compile(pattern), handler, auth) for method, pattern, handler, auth in table]

    def _find_route(self, method: str, path: str) -> tuple[Handler, bool, re.Match[str]] | None:
        """The handler for a request, whether it needs the bot token, and the path's parameters."""
        for route_method, pattern, handler, needs_token in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return handler, needs_token, match
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        """Find the route, apply planned faults and the token check, answer errors as Discord does."""
        path = request.path[len(API_PREFIX) :]
        method = request.method
        self.counters["requests"] += 1
        found = self._find_route(method, path)
        if found is None:
            self.unknown_routes.append(f"{method} {path}")
            log.warning("the sandbox does not serve %s %s", method, path)
            self.requests.append((method, path, 404))
            return json_response({"code": 0, "message": "404: Not Found"}, status=404)
        handler, needs_token, match = found
        limit = self._take_rate_limit(method, path)
        if limit is not None:
            self.counters["rate_limited"] += 1
            self.requests.append((method, path, 429))
            body = {
                "message": "You are being rate limited.",
                "retry_after": limit.retry_after,
                "global": limit.is_global,
            }
            headers = {"Via": "1.1 google", "Retry-After": str(max(1, round(limit.retry_after)))}
            headers["X-RateLimit-Scope"] = "global" if limit.is_global else "user"
            return json_response(body, status=429, headers=headers)
        if needs_token and request.headers.get("Authorization") != f"Bot {self.token}":
            self.requests.append((method, path, 401))
            return json_response({"code": 0, "message": "401: Unauthorized"}, status=401)
        if needs_token and (wait := self._over_global_limit()) is not None:
            self.counters["rate_limited"] += 1
            self.counters["rate_limited_global"] += 1
            self.requests.append((method, path, 429))
            body = {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True}
            headers = {"Via": "1.1 google", "Retry-After": str(max(1, round(wait))), "X-RateLimit-Global": "true",
                       "X-RateLimit-Scope": "global"}  # fmt: skip
            return json_response(body, status=429, headers=headers)
        stall = self._take_stall(method, path)
        if stall is not None and not stall.after:
            stall.reached.set()
            self._notify()
            await stall.released.wait()
            if stall.dropped:
                self.requests.append((method, path, 499))
                return json_response({"code": 0, "message": "the request never arrived"}, status=499)
        try:
            response = await handler(request, **match.groupdict())
        except ApiError as error:
            self.counters["refused"] += 1
            self.requests.append((method, path, error.status))
            return json_response(error.body(), status=error.status)
        self.requests.append((method, path, response.status))
        self._notify()
        if stall is not None and stall.after:
            stall.reached.set()
            self._notify()
            await stall.released.wait()
        return response

    @staticmethod
    async def _payload(request: web.Request) -> tuple[dict[str, Any], dict[int, StoredFile]]:
        """The JSON body, or a multipart body's payload_json and its files[n]."""
        if request.content_type == "multipart/form-data":
            form = await request.post()
            payload = json.loads(str(form.get("payload_json") or "{}"))
            uploads: dict[int, StoredFile] = {}
            for key, value in form.items():
                match = re.fullmatch(r"files\[(\d+)\]", key)
                if match and isinstance(value, web.FileField):
                    uploads[int(match[1])] = StoredFile(
                        value.filename, value.file.read(), value.content_type or "application/octet-stream"
                    )
            return payload, uploads
        if request.can_read_body:
            return await request.json(), {}
        return {}, {}

    # -- identity, gateway, commands ---------------------------------------------------------------------

    async def _get_me(self, request: web.Request) -> web.Response:
        """The bot user."""
        return json_response(
            {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False, "locale": "en-US"}
        )

    async def _get_application(self, request: web.Request) -> web.Response:
        """The application, owned by the guild owner."""
        owner = self.world.members[self.world.owner_id].user
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": self.world.bot_user.name,
                "description": "Pillars in the sandbox.",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "summary": "",
                "rpc_origins": [],
                "tags": [],
                "approximate_guild_count": 1,
                "bot": self.world.bot_user.payload(),
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        """The gateway URL."""
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        """The gateway URL with shards and the session start limit."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": limit})

    async def _get_commands(self, request: web.Request, app_id: str, guild_id: str | None = None) -> web.Response:
        """The synced commands, globally or in a guild."""
        self._check_application(app_id)
        return json_response(self.commands.get(int(guild_id) if guild_id else None, []))

    async def _put_commands(self, request: web.Request, app_id: str, guild_id: str | None = None) -> web.Response:
        """Bulk overwrite: check Discord's limits, then store and return the commands with ids and versions."""
        self._check_application(app_id)
        scope = int(guild_id) if guild_id else None
        if scope is not None and scope not in self.world.guilds:
            raise ApiError(403, 50001, "Missing Access")
        commands, _ = await self._payload(request)
        if not isinstance(commands, list):
            raise ApiError(
                400, 50035, "Invalid Form Body", {"_errors": [{"code": "LIST_TYPE", "message": "Not a list"}]}
            )
        _refuse_if(limits.check_commands(commands))
        previous = {(c.get("type", 1), c["name"]): c["id"] for c in self.commands.get(scope, [])}
        stored = []
        for command in commands:
            kind = command.get("type", 1)
            entry = {
                "type": kind,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "contexts": None,
                "integration_types": [0],
                **command,
                "id": previous.get((kind, command["name"])) or str(self.ids.next()),
                "application_id": str(self.world.application_id),
                "version": str(self.ids.next()),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.commands[scope] = stored
        self.counters["command_syncs"] += 1
        return json_response(stored)

    def _check_application(self, app_id: str) -> None:
        """Refuse another application's id."""
        if int(app_id) != self.world.application_id:
            raise ApiError(403, 50001, "Missing Access")

    # -- interactions ------------------------------------------------------------------------------------

    def new_interaction(
        self,
        *,
        kind: int,
        user: User,
        data: dict[str, Any],
        channel_id: int | None = None,
        message: dict[str, Any] | None = None,
        guild: Guild | None = None,
    ) -> InteractionRecord:
        """Record an interaction and build the INTERACTION_CREATE payload Discord would send.

        In a guild channel or thread (of `guild`: the channel's guild, else the home guild; in #study unless a
        channel is given) it carries the guild and the `member`; in a DM channel (a button on a reminder) only the
        `user`, with context 1 (the bot's DM), as Discord sends it.
        """
        recipient = self._dm_recipient(channel_id) if channel_id else None
        guild = guild or (self.world.guild_of_channel(channel_id) if channel_id else None) or self.world.home
        channel_id = channel_id or guild.default_channel.id
        interaction_id = self.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel_id),
            "token": token,
            "version": 1,
            "app_permissions": str(guild.permissions(self.world.bot_user.id)),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        recipient = self._dm_recipient(channel_id)
        if recipient is not None:
            payload["channel"] = self._dm_payload(channel_id, self.world.user(recipient))
            payload["user"] = user.payload()
            payload["context"] = 1
        else:
            place = guild.channels.get(channel_id) or guild.threads.get(channel_id)
            if place is None:
                raise KeyError(f"No channel {channel_id} in {guild.name}.")
            payload["channel"] = place.payload(guild.id)
            payload["guild_id"] = str(guild.id)
            payload["guild"] = guild.partial()
            payload["guild_locale"] = "en-US"
            payload["member"] = guild.members[user.id].payload(permissions=guild.permissions(user.id))
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            user_id=user.id,
            channel_id=channel_id,
            payload=payload,
            created_at=self.now(),
            target_message_id=int(message["id"]) if message is not None else None,
        )
        self.interactions[interaction_id] = record
        return record

    async def send_interaction(self, record: InteractionRecord, *, via: Session | None = None) -> None:
        """Dispatch INTERACTION_CREATE for a recorded interaction to its guild's shard, a DM's to shard 0 as
        Discord sends them (or through `via`)."""
        self.counters["interactions"] += 1
        guild_id = int(record.payload["guild_id"]) if record.payload.get("guild_id") else None
        if guild_id is None and via is None:
            via = self.gateway.session_for(None)
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload, guild_id=guild_id, session=via)

    def _interaction_by_token(self, app_id: str, token: str) -> InteractionRecord:
        """The interaction a webhook token belongs to; 404 10015 or 401 50027 as Discord answers."""
        self._check_application(app_id)
        for record in self.interactions.values():
            if record.token == token:
                break
        else:
            raise ApiError(404, 10015, "Unknown Webhook")
        if self.now() - record.created_at > self.token_lifetime:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return record

    async def _callback(self, request: web.Request, interaction_id: str, token: str) -> web.Response:
        """The first response to an interaction: message, deferral, update, choices or modal."""
        record = self.interactions.get(int(interaction_id))
        if record is None or record.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        if record.callback_type is not None:
            record.errors.append("second callback refused with 40060")
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if self.now() - record.created_at > self.interaction_deadline:
            record.errors.append(f"callback after {self.interaction_deadline:g} s refused with 10062")
            raise ApiError(404, 10062, "Unknown interaction")
        payload, uploads = await self._payload(request)
        kind = payload.get("type")
        data = payload.get("data") or {}
        try:
            self._check_callback(record, kind, data)
        except ApiError as error:
            record.errors.append(f"callback type {kind} refused: {error.code} {error.message} {error.errors}")
            raise
        record.callback_type = kind
        self.counters["callbacks"] += 1
        message: dict[str, Any] | None = None
        flags = int(data.get("flags") or 0)
        if kind == 4:
            message = self._create_message(record.channel_id, data, uploads, interaction=record)
            record.original_message_id = int(message["id"])
        elif kind == 5:
            loading = {"content": "", "flags": LOADING | (flags & EPHEMERAL)}
            message = self._create_message(record.channel_id, loading, {}, interaction=record)
            record.original_message_id = int(message["id"])
        elif kind == 7:
            message = self._edit_message(record.target_message_id, data, uploads)
        elif kind == 8:
            record.choices = list(data.get("choices") or [])
        elif kind == 9:
            record.modal = data
        message_id = record.original_message_id if kind in (4, 5) else record.target_message_id
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        if message is not None and message_id is not None:
            interaction.update(
                response_message_id=str(message_id),
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(message.get("flags") or 0) & EPHEMERAL),
            )
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            resource["message"] = message
        await self._announce(message, created=kind in (4, 5))
        return json_response({"interaction": interaction, "resource": resource})

    def _check_callback(self, record: InteractionRecord, kind: Any, data: dict[str, Any]) -> None:
        """Refuse a callback Discord would refuse: wrong type for the interaction, or over a limit."""
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[record.type]
        if record.type == 5 and record.target_message_id is None:
            allowed = {4, 5}
        if kind not in allowed:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"Interaction response type {kind} is not valid here",
                            }
                        ]
                    }
                },
            )
        if kind in (4, 7):
            _refuse_if(limits.check_message(data), ("data",))
        elif kind == 8:
            _refuse_if(limits.check_choices(data.get("choices") or []), ("data", "choices"))
        elif kind == 9:
            _refuse_if(limits.check_modal(data), ("data",))

    async def _followup(self, request: web.Request, app_id: str, token: str) -> web.Response:
        """A follow-up message after the interaction was answered or deferred."""
        record = self._interaction_by_token(app_id, token)
        if record.callback_type is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        payload, uploads = await self._payload(request)
        _refuse_if(limits.check_message(payload))
        message = self._create_message(record.channel_id, payload, uploads, interaction=record)
        record.followup_ids.append(int(message["id"]))
        self.counters["followups"] += 1
        await self._announce(message, created=True)
        if request.query.get("wait", "false").lower() in ("true", "1"):
            return json_response(message)
        return web.Response(status=204)

    def _webhook_message_id(self, record: InteractionRecord, message_id: str) -> int:
        """The message id `@original` or a follow-up id means for this interaction."""
        ids = record.message_ids
        if message_id == "@original":
            if record.callback_type is None or not ids or record.callback_type not in (4, 5, 6, 7):
                raise ApiError(404, 10008, "Unknown Message")
            return ids[0]
        if int(message_id) not in ids or int(message_id) in self.deleted_message_ids:
            raise ApiError(404, 10008, "Unknown Message")
        return int(message_id)

    async def _webhook_get(self, request: web.Request, app_id: str, token: str, message_id: str) -> web.Response:
        """Read the original response or a follow-up."""
        record = self._interaction_by_token(app_id, token)
        return json_response(self._message(self._webhook_message_id(record, message_id)))

    async def _webhook_edit(self, request: web.Request, app_id: str, token: str, message_id: str) -> web.Response:
        """Edit the original response (completing a deferral) or a follow-up."""
        record = self._interaction_by_token(app_id, token)
        target = self._webhook_message_id(record, message_id)
        payload, uploads = await self._payload(request)
        _refuse_if(limits.check_message(payload))
        message = self._edit_message(target, payload, uploads)
        if message_id == "@original" or target == record.message_ids[0]:
            record.edits += 1
        await self._announce(message, created=False)
        return json_response(message)

    async def _webhook_delete(self, request: web.Request, app_id: str, token: str, message_id: str) -> web.Response:
        """Delete the original response or a follow-up."""
        record = self._interaction_by_token(app_id, token)
        self._delete(self._webhook_message_id(record, message_id))
        return web.Response(status=204)

    # -- messages ----------------------------------------------------------------------------------------

    def _message(self, message_id: int | None) -> dict[str, Any]:
        """A stored message, or 404 10008."""
        if message_id is None or message_id not in self.messages or message_id in self.deleted_message_ids:
            raise ApiError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    def _timestamp(self) -> str:
        """Now (on the emulator's clock), as Discord writes timestamps."""
        return (datetime.now(UTC) + timedelta(seconds=self.clock_offset)).isoformat()

    def _attachments(self, channel_id: int, payload: dict[str, Any], uploads: dict[int, StoredFile]) -> list[dict]:
        """New attachment objects for uploaded files, served from this emulator; 413 for a file over the limit."""
        if any(len(upload.data) > ATTACHMENT_SIZE_LIMIT for upload in uploads.values()):
            raise ApiError(413, 40005, "Request entity too large")
        described = {int(a["id"]): a for a in payload.get("attachments") or [] if int(a["id"]) in uploads}
        attachments = []
        for index, upload in sorted(uploads.items()):
            attachments.append(self.store_file(channel_id, upload, described.get(index, {}).get("description")))
        return attachments

    def store_file(self, channel_id: int, upload: StoredFile, description: str | None = None) -> dict[str, Any]:
        """Keep a file and return its attachment object, with a URL on this emulator."""
        file_id = self.ids.next()
        self.files[file_id] = upload
        url = f"{self.base_url}/attachments/{channel_id}/{file_id}/{upload.filename}"
        attachment = {
            "id": str(file_id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }
        if description:
            attachment["description"] = description
        return attachment

    async def _serve_file(self, request: web.Request) -> web.Response:
        """The CDN: an attachment's bytes."""
        stored = self.files.get(int(request.match_info["file_id"]))
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type=stored.content_type.split(";")[0])

    def _create_message(
        self,
        channel_id: int,
        payload: dict[str, Any],
        uploads: dict[int, StoredFile],
        *,
        interaction: InteractionRecord | None = None,
        author: User | None = None,
    ) -> dict[str, Any]:
        """Store a new message (the bot's unless `author` says otherwise) and return it."""
        message_id = self.ids.next()
        author = author or self.world.bot_user
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": author.payload(),
            "content": payload.get("content") or "",
            "timestamp": self._timestamp(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, payload, uploads),
            "embeds": list(payload.get("embeds") or []),
            "components": list(payload.get("components") or []),
            "reactions": [],
            "pinned": False,
            "type": 0,
            "flags": int(payload.get("flags") or 0),
        }
        guild = self.world.guild_of_channel(channel_id)
        if guild is not None:
            message["guild_id"] = str(guild.id)
            if channel_id in guild.threads:
                guild.threads[channel_id].message_count += 1
        if interaction is not None:
            command_type = (interaction.payload.get("data") or {}).get("type", 1)
            message["type"] = {2: 20 if command_type == 1 else 23}.get(interaction.type, 0)
            message["webhook_id"] = str(self.world.application_id)
            message["application_id"] = str(self.world.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": self.world.user(interaction.user_id).payload(),
                "authorizing_integration_owners": {"0": interaction.payload.get("guild_id")},
            }
        self.messages[message_id] = message
        self.allowed_mentions[message_id] = payload.get("allowed_mentions")
        if author.id == self.world.bot_user.id:
            self.counters["messages"] += 1
        return message

    def _edit_message(self, message_id: int | None, payload: dict[str, Any], uploads: dict[int, StoredFile]) -> dict:
        """Apply an edit: the fields given, attachments kept by id plus new uploads; a deferral stops loading."""
        message = self._message(message_id)
        for key in ("content", "embeds", "components"):
            if key in payload:
                message[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
        if "attachments" in payload:
            keep = {str(a["id"]) for a in payload["attachments"] or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
        message["attachments"] = message["attachments"] + self._attachments(
            int(message["channel_id"]), payload, uploads
        )
        flags = int(message.get("flags") or 0) & ~LOADING
        if payload.get("flags") is not None:
            flags = (int(payload["flags"]) & ~EPHEMERAL) | (flags & EPHEMERAL)
        message["flags"] = flags
        if "allowed_mentions" in payload:
            self.allowed_mentions[int(message["id"])] = payload["allowed_mentions"]
        message["edited_timestamp"] = self._timestamp()
        self.counters["edits"] += 1
        return message

    def _delete(self, message_id: int) -> None:
        """Delete a message."""
        self._message(message_id)
        self.deleted_message_ids.add(message_id)
        self.counters["deletes"] += 1

    async def _announce(self, message: dict[str, Any] | None, *, created: bool) -> None:
        """MESSAGE_CREATE / MESSAGE_UPDATE for a visible guild message, when the bot asked for message events."""
        if message is None or "guild_id" not in message or int(message.get("flags") or 0) & (EPHEMERAL | LOADING):
            return
        session = self.gateway.session_for(int(message["guild_id"]))
        if session is None or not session.intents & GUILD_MESSAGES_INTENT:
            return
        await self.gateway.dispatch("MESSAGE_CREATE" if created else "MESSAGE_UPDATE", message, session=session)

    async def post_user_message(self, author: User, content: str, channel_id: int | None = None) -> dict[str, Any]:
        """A member writes a message in a channel (#study by default); the bot receives MESSAGE_CREATE."""
        channel_id = channel_id or self.world.default_channel.id
        guild = self.world.guild_of_channel(channel_id) or self.world.home
        message = self._create_message(channel_id, {"content": content}, {}, author=author)
        message["member"] = {k: v for k, v in guild.members[author.id].payload().items() if k != "user"}
        await self._announce(message, created=True)
        return message

    def add_message(self, channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """A message of the bot's that is already in a channel, as one sent before a restart would be."""
        return self._create_message(channel_id, payload, {})

    async def _post_message(self, request: web.Request, channel_id: str) -> web.Response:
        """The bot sends a message to a channel, a thread or a DM (refused with 50007 when the member closed DMs)."""
        channel = int(channel_id)
        recipient = self._dm_recipient(channel)
        if self.world.guild_of_channel(channel) is None and recipient is None:
            raise ApiError(404, 10003, "Unknown Channel")
        payload, uploads = await self._payload(request)
        _refuse_if(limits.check_message(payload))
        if not (payload.get("content") or payload.get("embeds") or uploads or payload.get("components")):
            raise ApiError(400, 50006, "Cannot send an empty message")
        if recipient is not None and recipient in self.closed_dms:
            self.counters["dms_refused"] += 1
            raise ApiError(403, 50007, "Cannot send messages to this user")
        nonce = payload.get("nonce")
        key = (str(self.world.bot_user.id), str(nonce))
        if nonce is not None and payload.get("enforce_nonce"):
            seen = self._nonces.get(key)
            if seen is not None and self.now() - seen[1] <= self.nonce_window and seen[0] in self.messages:
                self.counters["nonce_repeats"] += 1
                return json_response({**self.messages[seen[0]], "nonce": str(nonce)})
        message = self._create_message(channel, payload, uploads)
        if nonce is not None:
            message["nonce"] = str(nonce)
            self._nonces[key] = (int(message["id"]), self.now())
        self.counters["channel_messages"] += 1
        await self._announce(message, created=True)
        return json_response(message)

    async def _get_message(self, request: web.Request, channel_id: str, message_id: str) -> web.Response:
        """One message of a channel."""
        message = self._message(int(message_id))
        if message["channel_id"] != channel_id:
            raise ApiError(404, 10008, "Unknown Message")
        return json_response(message)

    async def _patch_message(self, request: web.Request, channel_id: str, message_id: str) -> web.Response:
        """The bot edits one of its messages."""
        message = self._message(int(message_id))
        if message["author"]["id"] != str(self.world.bot_user.id):
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        payload, uploads = await self._payload(request)
        _refuse_if(limits.check_message(payload))
        message = self._edit_message(int(message_id), payload, uploads)
        await self._announce(message, created=False)
        return json_response(message)

    async def _delete_message(self, request: web.Request, channel_id: str, message_id: str) -> web.Response:
        """The bot deletes a message."""
        self._delete(int(message_id))
        return web.Response(status=204)

    async def _get_history(self, request: web.Request, channel_id: str) -> web.Response:
        """The newest messages of a channel, newest first."""
        limit = int(request.query.get("limit", "50"))
        found = [
            m
            for i, m in sorted(self.messages.items(), reverse=True)
            if m["channel_id"] == channel_id and i not in self.deleted_message_ids and not int(m["flags"]) & EPHEMERAL
        ]
        return json_response(found[:limit])

    async def _no_content(self, request: web.Request, **_: str) -> web.Response:
        """Accepted, nothing to say (reactions, typing)."""
        return web.Response(status=204)

    # -- people and places -------------------------------------------------------------------------------

    async def _get_channel(self, request: web.Request, channel_id: str) -> web.Response:
        """A channel, a thread or a DM channel."""
        guild = self.world.guild_of_channel(int(channel_id))
        if guild is not None:
            place = guild.channels.get(int(channel_id)) or guild.threads[int(channel_id)]
            return json_response(place.payload(guild.id))
        recipient = self._dm_recipient(int(channel_id))
        if recipient is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return json_response(self._dm_payload(int(channel_id), self.world.user(recipient)))

    def _dm_recipient(self, channel_id: int) -> int | None:
        """The member a DM channel is with, or None when it is not a DM channel."""
        return self._dm_recipients.get(channel_id)

    @staticmethod
    def _dm_payload(channel_id: int, user: User) -> dict[str, Any]:
        """A DM channel as Discord sends it."""
        return {"id": str(channel_id), "type": DM_CHANNEL, "last_message_id": None, "recipients": [user.payload()],
                "flags": 0}  # fmt: skip

    # -- threads -----------------------------------------------------------------------------------------

    async def _thread_from_message(self, request: web.Request, channel_id: str, message_id: str) -> web.Response:
        """Start a public thread from a message: it takes the message's id (400 160004 if it has one already)."""
        guild = self.world.guild_of_channel(int(channel_id))
        if guild is None or int(channel_id) not in guild.channels:
            raise ApiError(404 if guild is None else 400, 50024, "Cannot execute action on this channel type")
        message = self._message(int(message_id))
        if message["channel_id"] != channel_id or int(message.get("flags") or 0) & EPHEMERAL:
            raise ApiError(404, 10008, "Unknown Message")
        if int(message_id) in guild.threads:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        payload, _ = await self._payload(request)
        thread = self._new_thread(guild, int(message_id), int(channel_id), payload, PUBLIC_THREAD)
        message["thread"] = thread.payload(guild.id)
        message["flags"] = int(message.get("flags") or 0) | (1 << 5)  # HAS_THREAD
        return await self._thread_created(guild, thread)

    async def _thread_in_channel(self, request: web.Request, channel_id: str) -> web.Response:
        """Start a thread in a channel without a message (type 11 public or 12 private)."""
        guild = self.world.guild_of_channel(int(channel_id))
        if guild is None or int(channel_id) not in guild.channels:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        payload, _ = await self._payload(request)
        kind = int(payload.get("type") or PRIVATE_THREAD)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise ApiError(400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "BASE_TYPE_CHOICES",
                           "message": "Value must be one of {11, 12}."}]}})  # fmt: skip
        thread = self._new_thread(guild, self.ids.next(), int(channel_id), payload, kind)
        return await self._thread_created(guild, thread)

    def _new_thread(self, guild: Guild, thread_id: int, parent_id: int, payload: dict[str, Any], kind: int) -> Thread:
        """Check the name (1–100 characters) and make the thread, its creator its first member."""
        name = str(payload.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH",
                           "message": "Must be between 1 and 100 in length."}]}})  # fmt: skip
        thread = Thread(
            id=thread_id,
            name=name,
            parent_id=parent_id,
            owner_id=self.world.bot_user.id,
            type=kind,
            auto_archive_duration=int(payload.get("auto_archive_duration") or 1440),
            created_at=self._timestamp(),
            member_ids={self.world.bot_user.id},
        )
        guild.threads[thread.id] = thread
        self.counters["threads"] += 1
        return thread

    async def _thread_created(self, guild: Guild, thread: Thread) -> web.Response:
        """THREAD_CREATE to the guild's shard, and the thread as the answer."""
        await self.gateway.dispatch("THREAD_CREATE", thread.payload(guild.id, newly_created=True), guild_id=guild.id)
        return json_response(thread.payload(guild.id))

    async def _add_thread_member(self, request: web.Request, channel_id: str, user_id: str) -> web.Response:
        """Add a member to a thread."""
        guild = self.world.guild_of_channel(int(channel_id))
        thread = guild.threads.get(int(channel_id)) if guild is not None else None
        if guild is None or thread is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if int(user_id) not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        thread.member_ids.add(int(user_id))
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        """Open (or reuse) a DM channel with a member."""
        payload, _ = await self._payload(request)
        user = self.world.user(int(payload["recipient_id"]))
        channel_id = self.dm_channel_for(user.id)
        self.counters["dm_opens"] += 1
        return json_response(self._dm_payload(channel_id, user))

    async def _get_user(self, request: web.Request, user_id: str) -> web.Response:
        """A user."""
        try:
            return json_response(self.world.user(int(user_id)).payload())
        except KeyError:
            raise ApiError(404, 10013, "Unknown User") from None

    def _check_guild(self, guild_id: str) -> Guild:
        """One of the sandbox's guilds; any other is refused."""
        guild = self.world.guilds.get(int(guild_id))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, request: web.Request, guild_id: str) -> web.Response:
        """The guild (without members, as REST returns it)."""
        payload = self._check_guild(guild_id).payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return json_response(payload)

    async def _get_roles(self, request: web.Request, guild_id: str) -> web.Response:
        """The guild's roles."""
        return json_response([role.payload() for role in self._check_guild(guild_id).roles.values()])

    async def _get_channels(self, request: web.Request, guild_id: str) -> web.Response:
        """The guild's channels."""
        guild = self._check_guild(guild_id)
        return json_response([channel.payload(guild.id) for channel in guild.channels.values()])

    async def _get_member(self, request: web.Request, guild_id: str, user_id: str) -> web.Response:
        """A guild member."""
        member = self._check_guild(guild_id).members.get(int(user_id))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    # -- what tests read ---------------------------------------------------------------------------------

    @property
    def synced_commands(self) -> list[dict[str, Any]]:
        """Every command the bot synced: global ones, then the sandbox guild's."""
        return self.commands.get(None, []) + self.commands.get(self.world.guild_id, [])

    def file(self, attachment: dict[str, Any]) -> bytes:
        """The bytes behind an attachment object."""
        return self.files[int(attachment["id"])].data
