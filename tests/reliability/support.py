"""What the reliability suite checks after every interaction, and the databases it compares.

Used by the tests here and by the soak (`python -m tests.reliability.soak`), so both hold the bot to the
same promises: every answer fits Discord, pings nobody and shows no Python internals; a refused request
leaves the database exactly as it was; the file stays intact.
"""

from __future__ import annotations

import builtins
import os
import re
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import discord

import bot.errors
from bot.sandbox import Sandbox
from bot.sandbox import limits as discord_limits
from bot.sandbox.harness import Reply

# Names a traceback or a leaked exception would show: Python's own, discord.py's, ours, SQLite's.
_EXCEPTION_NAMES = {
    name
    for module in (builtins, discord, discord.app_commands, bot.errors, sqlite3)
    for name, value in vars(module).items()
    if isinstance(value, type)
    and issubclass(value, BaseException)
    and (name.endswith(("Error", "Exception", "Failure", "Interrupt")) or module is not builtins)
} - {"Error", "Warning"}  # sqlite3's generic names are ordinary words
_LEAK_MARKERS = ("Traceback (most recent call last)", 'File "', "NotImplemented", "sqlite3.", "aiosqlite")

REPO = Path(__file__).resolve().parents[2]
FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.cmVsaWFiaWxpdHktdGVzdC1ub3QtYS10b2tlbg"  # the shape, not a token


def python_m_bot(
    args: list[str], cwd: Path, *, memory_cap: int | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as an operator runs it: this checkout, none of our environment's DISCORD_/CATALOG_/
    DATABASE_ settings but `env`'s, and at most `memory_cap` bytes of address space when given."""

    def cap() -> None:
        if memory_cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CATALOG_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )


def operator_runs(args: list[str], cwd: Path, database: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as an operator runs it on this database, with a token and the shipped catalog."""
    return python_m_bot(
        args, cwd, DISCORD_TOKEN=FAKE_TOKEN, CATALOG_PATH=str(REPO / "data"), DATABASE_PATH=str(database)
    )


def new_resource_form(title: str, **changes: str) -> dict[str, str]:
    """What a moderator types into the add form for a short free article called `title` (`changes` on top)."""
    typed = {
        "title": title,
        "url": f"https://example.org/{'-'.join(title.lower().split())}",
        "authors": "Someone Careful",
        "facts": "linear algebra · beginner · article · free · 12 pages",
        "text": "Short notes.\n\nA refresher.",
    }
    return {**typed, **changes}


def database_path(sandbox: Sandbox) -> Path:
    """The SQLite file of the production bot running in this sandbox."""
    return Path(sandbox.bot.settings.database_path)


def leaked_internals(text: str, typed: Iterable[str] = ()) -> list[str]:
    """Traceback markers and exception class names in what a member sees (what they typed themselves aside)."""
    for value in sorted(typed, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    found = [marker for marker in _LEAK_MARKERS if marker in text]
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    found += sorted(words & _EXCEPTION_NAMES)
    return found


# Discord's markdown: a backslash before a mark makes it a plain character; a masked link is [label](url).
_ESCAPED_MARK = re.compile(r"\\[^0-9A-Za-z\s]")
_MASKED_LINK = re.compile(r"\[[^\[\]]*\]\(\s*<?(https?://[^\s)>]+)")


def rendered_masked_links(markdown: str) -> list[str]:
    """The targets of the masked links Discord would render in this text (escaped brackets are plain text)."""
    plain = _ESCAPED_MARK.sub("\x00", markdown)
    return _MASKED_LINK.findall(plain)


def pings(allowed_mentions: dict[str, Any] | None) -> list[str]:
    """What a message's allowed_mentions would let ping: empty when it pings nobody."""
    if allowed_mentions is None:
        return ["no allowed_mentions (Discord's default parses every mention)"]
    problems = [f"parse {allowed_mentions['parse']!r}"] if allowed_mentions.get("parse") else []
    if "parse" not in allowed_mentions and not (allowed_mentions.get("users") or allowed_mentions.get("roles")):
        problems.append("no parse list")
    problems += [f"{key} {allowed_mentions[key]!r}" for key in ("users", "roles") if allowed_mentions.get(key)]
    if allowed_mentions.get("replied_user"):
        problems.append("replied_user")
    return problems


def reply_problems(reply: Reply, typed: Iterable[str] = ()) -> list[str]:
    """Why a reply (and its follow-ups) breaks a promise to the member; empty when it keeps them all."""
    problems: list[str] = []
    for message in [reply, *reply.followups]:
        if message.kind in ("choices", "modal"):
            continue
        payload = {"content": message.content, "embeds": message.embeds, "components": []}
        problems += [f"over Discord's limits: {p}" for p in discord_limits.check_message(payload)]
        leaks = leaked_internals(message.text + " ".join(b.label or "" for b in message.buttons), typed)
        problems += [f"shows internals: {leak}" for leak in leaks]
        problems += [f"could ping: {p}" for p in pings(message.allowed_mentions)]
    for name, _ in reply.choices:
        problems += [f"choice shows internals: {leak}" for leak in leaked_internals(name, typed)]
    return problems


def emulator_problems(sandbox: Sandbox) -> list[str]:
    """Refusals the emulator answered (50035 oversize, 40060 twice…) and bot messages that could ping."""
    emulator = sandbox.emulator
    problems = [f"interaction {rec.id}: {error}" for rec in emulator.interactions.values() for error in rec.errors]
    if emulator.counters["refused"]:
        refused = [r for r in emulator.requests if r[2] >= 400 and r[2] != 429]
        problems.append(f"{emulator.counters['refused']} request(s) refused: {refused[-5:]}")
    bot_id = str(emulator.world.bot_user.id)
    for message_id, message in emulator.messages.items():
        if message["author"]["id"] == bot_id:
            allowed = emulator.allowed_mentions.get(message_id)
            problems += [f"message {message_id} could ping: {p}" for p in pings(allowed)]
    return problems
