"""How the bot sets up its log, and what the log never holds: tokens, members' notes, what anyone typed.

At DEBUG, discord.py logs every gateway event (an interaction's token, the options a member typed, their
private note among them, the URLs of attached files) and every request it sends and receives (the answer's
text, a private shelf with its notes), and aiosqlite logs every statement with its parameters. An
interaction token lets whoever holds it answer, edit and delete as the bot for 15 minutes; a note is the
member's alone. So the one handler `configure_logging` installs passes every record through
`PrivateDataFilter`, which keeps what an operator needs (event names, ids, option names, routes, status
codes, timings) and replaces the rest:

- in a payload (a dict or list, or JSON text): `token`, and every value a member or the bot wrote
  (`value`, `values`, `content`, `embeds`, `title`, `description`, `fields`, `attachments`, `url`…) → `<hidden>`;
- in a URL: the token of `/interactions/<id>/<token>` and `/webhooks/<app>/<token>` → `<token>`;
- an aiosqlite operation (a function with its SQL parameters) → the function's name;
- a traceback, with the same URL rule.

Our own lines never format a member's words in the first place (the error handler logs ids and option names).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from typing import Any, TextIO

import discord

HIDDEN = "<hidden>"
# Keys of Discord payloads that hold what a member or the bot wrote, or a secret; names and ids are kept.
PRIVATE_KEYS = frozenset(
    {
        "token",
        "value",
        "values",
        "content",
        "embeds",
        "title",
        "description",
        "fields",
        "attachments",
        "url",
        "proxy_url",
        "note",
        "placeholder",
        "default",
    }
)
_TOKEN_IN_URL = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?'\"]+")
_LIBRARIES = ("discord", "aiosqlite")  # loggers whose arguments may hold payloads
_TRACEBACKS = logging.Formatter()


def scrubbed(value: Any) -> Any:
    """`value` with every private part replaced (see the module docstring); other values unchanged."""
    if isinstance(value, Mapping):
        return {key: HIDDEN if key in PRIVATE_KEYS else scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(item) for item in value]
    if isinstance(value, functools.partial):  # aiosqlite's operation: the call, with its SQL parameters
        return getattr(value.func, "__qualname__", "operation")
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        if value[:1] in "{[":
            try:
                return json.dumps(scrubbed(json.loads(value)))
            except ValueError:
                pass
        return redact_tokens(value)
    return value


def redact_tokens(text: str) -> str:
    """The text with interaction and webhook tokens in URLs replaced."""
    return _TOKEN_IN_URL.sub(r"\1<token>", text)


class PrivateDataFilter(logging.Filter):
    """Rewrites each record, before any handler formats it, so that no secret or member's words remain."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record in place; never drops one, and never fails the code that logged it."""
        try:
            if record.args and record.name.startswith(_LIBRARIES):
                args = record.args
                record.args = scrubbed(dict(args)) if isinstance(args, Mapping) else tuple(scrubbed(list(args)))
            record.msg, record.args = redact_tokens(record.getMessage()), None
            if record.exc_info and not record.exc_text:
                record.exc_text = redact_tokens(_TRACEBACKS.formatException(record.exc_info))
        except Exception:  # noqa: BLE001 - a record that cannot be read is shown without its arguments
            record.msg, record.args = redact_tokens(str(record.msg)), None
        return True


PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"  # discord.py's own, without colour


def configure_logging(level: str | int, stream: TextIO | None = None) -> logging.Handler:
    """Log at `level` to `stream` (stderr by default) through one handler on the root logger; return it."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(PrivateDataFilter())
    # discord.py colours its log in a Docker container even when it goes to a file; colour only a terminal.
    plain = None if handler.stream.isatty() else logging.Formatter(PLAIN_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    level = logging.getLevelName(level) if isinstance(level, str) else level
    discord.utils.setup_logging(handler=handler, formatter=plain or discord.utils.MISSING, level=level)
    return handler
