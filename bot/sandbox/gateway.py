"""The emulated gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME with replay, member chunks, shards, and faults.

Everything is sent as JSON in text frames, which discord.py reads without decompressing whatever the
`compress` query parameter asked for. Dispatches are kept per session so a RESUME replays what the client
missed while it was away, as Discord does.

Shards: IDENTIFY carries `shard: [id, count]` (a client that sends none is shard 0 of 1). A session's READY
lists, and its GUILD_CREATEs carry, only the guilds of its shard, `(guild_id >> 22) % count`; each guild's
events go to the newest live session of its shard (DMs to shard 0's), unless a test sends one through a
session it names (two processes running the same shard during a rolling restart). A shard id outside the
count is refused with close code 4010, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.world import World, shard_for

log = logging.getLogger(__name__)


class Op:
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


@dataclass
class Session:
    """A gateway session: what was dispatched in it, so a RESUME can replay what the client missed."""

    id: str
    sequence: int = 0
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    valid: bool = True
    intents: int = 0
    shard: tuple[int, int] = (0, 1)  # (id, count), as IDENTIFY gave it

    def carries(self, guild_id: int | None) -> bool:
        """Whether this session's shard is the one a guild's events go to (DMs: shard 0)."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else shard_for(guild_id, count))


@dataclass
class Connection:
    """One websocket from the client."""

    number: int
    path: str
    request: web.Request
    socket: web.WebSocketResponse
    session: Session | None = None
    acks_heartbeats: bool = True
    heartbeats: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, payload: dict[str, Any]) -> None:
        """Send one gateway payload as a text frame; a closed socket is not an error here."""
        async with self.lock:
            if self.socket.closed:
                return
            try:
                await self.socket.send_str(json.dumps(payload))
            except (ConnectionError, RuntimeError):
                log.debug("gateway connection %s closed while sending", self.number)


class Gateway:
    """The websocket side of the emulator."""

    def __init__(
        self,
        world: World,
        *,
        token: str,
        heartbeat_interval: float,
        resume_url: Callable[[], str],
        changed: Callable[[], None],
    ) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self._resume_url = resume_url
        self._changed = changed
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None
        self.connections: list[Connection] = []
        self.history: list[str] = []
        self.connection_paths: list[str] = []
        self._connection_count = 0

    # -- what tests look at ----------------------------------------------------------------------------

    @property
    def connection(self) -> Connection | None:
        """The open connection that has identified or resumed, if any."""
        for connection in reversed(self.connections):
            if connection.session is not None and not connection.socket.closed:
                return connection
        return None

    def count(self, entry: str) -> int:
        """How many times the history has this entry ("identify", "resume", "resumed", "ready"…)."""
        return self.history.count(entry)

    def _note(self, entry: str) -> None:
        """Remember a gateway event and wake whoever waits on the emulator."""
        self.history.append(entry)
        self._changed()

    # -- the websocket ---------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one websocket connection until it closes."""
        socket = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await socket.prepare(request)
        self._connection_count += 1
        connection = Connection(self._connection_count, request.path, request, socket)
        self.connections.append(connection)
        self.connection_paths.append(request.path)
        self._note("connect")
        await connection.send({"op": Op.HELLO, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    continue
                await self._receive(connection, json.loads(message.data))
        except (ConnectionError, asyncio.CancelledError):
            log.debug("gateway connection %s ended", connection.number)
        finally:
            self.connections.remove(connection)
            self._note("disconnect")
        return socket

    async def _receive(self, connection: Connection, payload: dict[str, Any]) -> None:
        """Answer one payload from the client."""
        op, data = payload.get("op"), payload.get("d")
        if op == Op.HEARTBEAT:
            connection.heartbeats += 1
            if connection.acks_heartbeats:
                await connection.send({"op": Op.HEARTBEAT_ACK, "d": None})
        elif op == Op.IDENTIFY:
            await self._identify(connection, data or {})
        elif op == Op.RESUME:
            await self._resume(connection, data or {})
        elif op == Op.REQUEST_GUILD_MEMBERS:
            await self._members_chunk(connection, data or {})
        elif op in (Op.PRESENCE_UPDATE, Op.VOICE_STATE_UPDATE):
            pass
        else:
            log.warning("the sandbox gateway ignores op %s", op)

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        """A new session: READY, then a GUILD_CREATE for each guild of its shard."""
        if data.get("token") != self.token:
            self._note("identify-refused")
            await connection.socket.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, count = (data.get("shard") or [0, 1])[:2]
        if not (isinstance(shard_id, int) and isinstance(count, int) and 0 <= shard_id < count):
            self._note("identify-refused")
            await connection.socket.close(code=4010, message=b"Invalid shard.")
            return
        for earlier in self.sessions.values():
            # Identifying anew ends a session nobody is connected to (it cannot be resumed any more); another
            # process's session of the same shard, still connected, goes on (a rolling restart).
            if earlier.shard[0] == shard_id and not any(c.session is earlier for c in self.connections):
                earlier.valid = False
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents") or 0), shard=(shard_id, count))
        self.sessions[session.id] = session
        self.session = session
        connection.session = session
        self._note("identify")
        ready = {
            "v": 10,
            "user": {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.world.guilds_of_shard(shard_id, count)],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._resume_url(),
            "application": {"id": str(self.world.application_id), "flags": 0},
            "shard": [shard_id, count],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "auth": {},
            "_trace": ['["sandbox-gateway",{}]'],
        }
        await self._send_dispatch(session, "READY", ready)
        self._note("ready")
        for guild in self.world.guilds_of_shard(shard_id, count):
            await self._send_dispatch(session, "GUILD_CREATE", guild.payload())

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        """Replay what the session missed and send RESUMED, or refuse with INVALID_SESSION (false)."""
        session = self.sessions.get(data.get("session_id") or "")
        if data.get("token") != self.token or session is None or not session.valid:
            self._note("resume-refused")
            await connection.send({"op": Op.INVALID_SESSION, "d": False})
            return
        last_seen = data.get("seq") or 0
        # Take the missed events and attach the connection in one step, so nothing is both replayed and sent live.
        missed = [entry for entry in session.events if entry[0] > last_seen]
        connection.session = session
        self.session = session
        self._note("resume")
        for sequence, event, event_data in missed:
            await connection.send({"op": Op.DISPATCH, "t": event, "s": sequence, "d": event_data})
        await self._send_dispatch(session, "RESUMED", {"_trace": ["sandbox-gateway"]})
        self._note("resumed")

    async def _members_chunk(self, connection: Connection, data: dict[str, Any]) -> None:
        """All members in one chunk (the sandbox guilds are small)."""
        if connection.session is None:
            return
        try:
            guild = self.world.guild(int(data.get("guild_id") or self.world.guild_id))
        except (KeyError, ValueError):
            return
        members = list(guild.members.values())
        limit = int(data.get("limit") or 0)
        query = (data.get("query") or "").lower()
        wanted_ids = {int(user_id) for user_id in data.get("user_ids") or []}
        if wanted_ids:
            members = [m for m in members if m.user.id in wanted_ids]
        elif query:
            members = [m for m in members if m.user.name.lower().startswith(query)]
        if limit:
            members = members[:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": [member.payload() for member in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(connection.session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Number the event in its session, keep it for replay, and send it if the session is connected."""
        session.sequence += 1
        session.events.append((session.sequence, event, data))
        for connection in list(self.connections):
            if connection.session is session:
                await connection.send({"op": Op.DISPATCH, "t": event, "s": session.sequence, "d": data})

    def session_for(self, guild_id: int | None) -> Session | None:
        """The newest live session of the shard a guild's events go to (DMs: shard 0), or None."""
        for session in reversed(list(self.sessions.values())):
            if session.valid and session.carries(guild_id):
                return session
        return None

    def sessions_of(self, shard_id: int) -> list[Session]:
        """The live sessions that identified for a shard, oldest first."""
        return [s for s in self.sessions.values() if s.valid and s.shard[0] == shard_id]

    async def dispatch(
        self, event: str, data: dict[str, Any], *, guild_id: int | None = None, session: Session | None = None
    ) -> None:
        """Send a guild's event (the home guild's by default) to its shard's session now, or keep it for that
        session's RESUME if it is away; `session` sends it through that one instead."""
        target = session or self.session_for(self.world.guild_id if guild_id is None else guild_id)
        if target is None:
            raise RuntimeError("No gateway session for that guild's shard: the bot has not identified yet.")
        await self._send_dispatch(target, event, data)

    # -- faults ----------------------------------------------------------------------------------------

    def _current(self) -> Connection:
        """The live connection, or a clear error."""
        connection = self.connection
        if connection is None:
            raise RuntimeError("The bot is not connected to the sandbox gateway.")
        return connection

    async def drop_connection(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close the live connection with a close code, or cut it without a close frame."""
        connection = self._current()
        self._note("dropped")
        if abrupt:
            transport = connection.request.transport
            if transport is not None:
                transport.abort()
            return
        await connection.socket.close(code=code, message=b"Sandbox closed the connection.")

    async def send_reconnect(self) -> None:
        """Op 7: ask the client to reconnect and resume."""
        await self._current().send({"op": Op.RECONNECT, "d": None})
        self._note("reconnect-sent")

    async def send_invalid_session(self, *, resumable: bool) -> None:
        """Op 9: the session is invalid; with d=false the client must identify anew."""
        connection = self._current()
        if not resumable and connection.session is not None:
            connection.session.valid = False
        await connection.send({"op": Op.INVALID_SESSION, "d": resumable})
        self._note("invalid-session-sent")

    def stop_heartbeat_acks(self) -> None:
        """The live connection stops answering heartbeats; the next connection answers again."""
        self._current().acks_heartbeats = False
        self._note("acks-stopped")

    async def close_all(self) -> None:
        """Close every connection (the emulator is stopping)."""
        for connection in list(self.connections):
            await connection.socket.close(code=1001, message=b"Sandbox stopping.")
