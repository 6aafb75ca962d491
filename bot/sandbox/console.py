"""`python -m bot sandbox`: try the bot against the local emulator, typing actions or running a script.

One action per line, as `HELP` shows (the console prints it for `help`); `#` starts a comment, blank lines
are skipped. Each answer is numbered (#1, #2…) so a later line can click a button of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shlex
import sys
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from bot.sandbox.harness import Button, Reply, Sandbox, SandboxError, Select, sandbox_settings
from bot.sandbox.world import World

VERBS = ("click", "modal", "autocomplete", "message", "select", "say", "show", "save", "time", "dms", "threads",
         "thread", "close-dms", "open-dms")  # fmt: skip
_SANDBOX_VERBS = ("time", "dms", "threads", "thread", "close-dms", "open-dms")  # the sandbox's own, not a member's
_DURATION = re.compile(r"^\+?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
ATTACHMENT = 11  # the option type of a file

# (an action, what it does): `help` prints them, and each is a line the console runs as it stands.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("as alice: /recommend topic: linear algebra background: software engineer", ""),
    ("click 1", "a button of the latest answer you can see, by number or label"),
    ('click "Details" on #1', "a button of an earlier answer, named by its number"),
    ("as alice: /progress log resource: Linear Algebra Done Right status: reading position: 40", ""),
    ("as bob: autocomplete /progress log resource: linear", "what the bot suggests as the last option is typed"),
    ("as bob: autocomplete /recommend level:", "an option with fixed choices lists them"),
    ("as mod: /catalog add", "opens the form: mod holds the Moderator role, which this server has configured"),
    (
        "modal title: My Study Notes | url: https://example.org/notes | authors: Alice Example"
        " | facts: linear algebra · beginner · article · free · 12 pages | text: What it covers.\\n\\nWhy it is here.",
        "",
    ),
    ("as carol: message Recommend resources | text: how do I learn probability? | author: bob", ""),
    ("as alice: /mydata export", ""),
    ("show", "print the latest answer's attached files"),
    ("save", "write them into this folder; save to FOLDER writes them there"),
    ("as alice: /reminders set time: 08:00 timezone: Europe/Paris", ""),
    (
        "time +1d",
        "move Discord's clock and the bot's on (+30m, +2h, +1d12h), or to a UTC moment: time 2030-01-07 09:05",
    ),
    ("dms alice", "what the bot sent alice by direct message"),
    ("threads", "every thread and its posts; thread NAME shows one"),
    ("close-dms bob", "bob's DMs now refuse the bot (Discord's 50007); open-dms bob opens them again"),
)
HELP = "\n".join(
    [
        "One action per line; each answer is numbered (#1, #2…) for a later click:",
        "",
        *(f"    {action}" + (f"  ({what})" if what else "") for action, what in EXAMPLES),
        "",
        "A form's inputs are 'name: value', separated by ' | '; write \\n where Enter would start a new line",
        "(\\n\\n for a blank one). An attachment option takes a file on this computer:",
        "/catalog import file: my-resources.yaml. Option values may contain spaces. 'select MENU | VALUE' picks",
        "in a select menu, 'say TEXT' writes a plain message. What the bot posts on its own (a reminder, a club's",
        "week) is printed as it arrives and numbered like an answer: ✉ a DM, # a channel or thread. Up and Down",
        "recall earlier lines; Ctrl-C or 'quit' leaves.",
    ]
)


class ScriptError(Exception):
    """A line that cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class Action:
    """One parsed line: who does what. `verb` is "command" or one of VERBS; `text` is the rest of the line."""

    user: str | None
    verb: str
    text: str
    line: str = ""


_AS_USER = re.compile(r"^as\s+@?(?P<user>[\w.-]+)\s*:\s*(?P<rest>.*)$", re.IGNORECASE)


def parse_line(line: str) -> Action | None:
    """The action on one line, or None for a blank line or a comment."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    user = None
    match = _AS_USER.match(text)
    if match:
        user, text = match["user"].lower(), match["rest"].strip()
    if text.startswith("/"):
        return Action(user, "command", text[1:].strip(), line)
    verb, _, rest = text.partition(" ")
    if verb.lower() in VERBS:
        return Action(user, verb.lower(), rest.strip(), line)
    raise ScriptError(
        f"Cannot read {line.strip()!r}: expected 'as USER: /command option: value', "
        f"or one of: {', '.join(VERBS)} (see 'help')."
    )


def split_options(text: str, names: Iterable[str]) -> dict[str, str]:
    """`name: value` pairs for these option names; a value runs to the next known name, spaces and all."""
    known = sorted(set(names), key=len, reverse=True)
    text = text.strip()
    if not text:
        return {}
    if not known:
        raise ScriptError(f"This command takes no options, but got {text!r}.")
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, known)) + r"):\s*")
    found = list(pattern.finditer(text))
    if not found or found[0].start() != 0:
        lead = text[: found[0].start()] if found else text
        raise ScriptError(
            f"Cannot read {lead.strip()!r}: options are written 'name: value'; this one takes {', '.join(known)}."
        )
    options: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        options[match[1]] = text[match.end() : end].strip()
    return options


def split_command(text: str, synced: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The command path ("progress log") and its options, read with the synced command definitions."""
    words = text.split()
    if not words:
        raise ScriptError("No command after '/'.")
    command = next((c for c in synced if c["name"] == words[0] and c.get("type", 1) == 1), None)
    if command is None:
        known = ", ".join(sorted(c["name"] for c in synced if c.get("type", 1) == 1))
        raise ScriptError(f"No command /{words[0]}; the bot has: {known}.")
    path, node, rest = [words[0]], command, text[len(words[0]) :].strip()
    while True:
        subs = {o["name"]: o for o in node.get("options") or [] if o.get("type") in (1, 2)}
        if not subs:
            break
        word = rest.split(maxsplit=1)[0] if rest else ""
        if word not in subs:
            raise ScriptError(f"/{' '.join(path)} needs a subcommand: {', '.join(subs)}.")
        path.append(word)
        node, rest = subs[word], rest[len(word) :].strip()
    names = [o["name"] for o in node.get("options") or []]
    return " ".join(path), split_options(rest, names)


def split_pairs(text: str) -> dict[str, str]:
    """`key: value | key: value` (modal fields, message command parts); `\\n` in a value is a line break.

    A script is one action per line, so a multi-line text input (a summary, a blank line, a reason) is
    written with `\\n` where the person would press Enter.
    """
    pairs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(" | "))):
        key, colon, value = part.partition(":")
        if not colon:
            raise ScriptError(f"Cannot read {part!r}: write 'field: value', fields separated by ' | '.")
        pairs[key.strip()] = value.strip().replace("\\n", "\n")
    return pairs


def _unquote(text: str) -> str:
    """A button label or name, quoted or not."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return shlex.split(text)[0]
    return text


def command_options(text: str, synced: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """name → definition of the options of the command a line names (its subcommand's, for a group)."""
    words = text.split()
    node = next((c for c in synced if words and c["name"] == words[0] and c.get("type", 1) == 1), None)
    for word in words[1:]:
        if node is None:
            break
        subs = {o["name"]: o for o in node.get("options") or [] if o.get("type") in (1, 2)}
        if not subs:
            break
        node = subs.get(word)
    return {o["name"]: o for o in (node or {}).get("options") or [] if o.get("type") not in (1, 2)}


# --- showing what Discord shows -----------------------------------------------------------------------

_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_FORMATS = {
    "t": "%-I:%M %p",
    "T": "%-I:%M:%S %p",
    "d": "%m/%d/%Y",
    "D": "%B %-d, %Y",
    "f": "%B %-d, %Y %-I:%M %p",
    "F": "%A, %B %-d, %Y %-I:%M %p",
}


def relative_time(moment: datetime, now: datetime) -> str:
    """'just now', '5 minutes ago', 'in 2 days': a moment as Discord's <t:…:R> shows it."""
    seconds = (moment - now).total_seconds()
    amount = abs(seconds)
    if amount < 45:
        return "just now" if seconds <= 0 else "in a few seconds"
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if amount >= size * 0.9 or unit == "minute":
            count = max(1, round(amount / size))
            span = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"{span} ago" if seconds < 0 else f"in {span}"
    return "just now"  # not reached: minutes catch the rest


def as_discord_shows(text: str, world: World, now: datetime | None = None) -> str:
    """Mentions and timestamps as a member sees them: '@Alice', '#study', '@Moderator', '5 minutes ago'."""
    now = now or datetime.now(UTC)

    def mention(match: re.Match[str]) -> str:
        """A user, role or channel mention as its name."""
        kind, number = match[1], int(match[2])
        if kind == "#":
            channel = world.channels.get(number)
            return f"#{channel.name}" if channel else "#unknown-channel"
        if kind == "@&":
            role = world.roles.get(number)
            return f"@{role.name}" if role else "@unknown-role"
        try:
            user = world.user(number)
        except KeyError:
            return "@unknown-user"
        return f"@{user.payload().get('global_name') or user.name}"

    def timestamp(match: re.Match[str]) -> str:
        """A <t:…> timestamp in its style, in UTC."""
        moment = datetime.fromtimestamp(int(match[1]), UTC)
        style = match[2] or "f"
        if style == "R":
            return relative_time(moment, now)
        return moment.strftime(_FORMATS[style]) + " UTC"

    return _TIMESTAMP.sub(timestamp, _MENTION.sub(mention, text))


def reply_record(
    user: str, command: str, reply: Reply | None, error: str | None = None, *, number: int | None = None
) -> dict[str, Any]:
    """One line of --json output (raw, as the bot sent it); `number` is the answer's # for a later click."""
    record: dict[str, Any] = {
        "user": user,
        "command": command,
        "ephemeral": reply.ephemeral if reply else None,
        "content": reply.content if reply else None,
        "embeds": reply.embeds if reply else [],
        "components": [[asdict(c) for c in row] for row in reply.components] if reply else [],
        "error": error,
    }
    if number is not None:
        record["number"] = number
    if reply is not None:
        record["kind"] = reply.kind
        record["files"] = sorted(reply.files)
        if reply.modal is not None:
            record["modal"] = {"title": reply.modal.title, "inputs": [asdict(i) for i in reply.modal.inputs]}
        if reply.kind == "choices":
            record["choices"] = [list(choice) for choice in reply.choices]
        record["followups"] = [reply_record(user, command, f) for f in reply.followups]
    return record


def render(user: str, command: str, reply: Reply, *, number: int | None = None, world: World | None = None) -> str:
    """A reply as readable text: its number, who, what, public or not, content, embeds, buttons numbered.

    Buttons are numbered across the reply and its follow-ups, as `click N` counts them.
    """
    if reply.kind == "modal" and reply.modal is not None:
        lines = [f"{user} › {command}  → modal {reply.modal.title!r}"]
        for text_input in reply.modal.inputs:
            shape = "several lines" if text_input.style == 2 else "one line"
            limit = f", at most {text_input.max_length:,} characters" if text_input.max_length else ""
            required = "" if text_input.required else ", optional"
            lines.append(f"  {text_input.label} ({text_input.custom_id}): {shape}{limit}{required}")
            if text_input.value:
                lines.append(f"    now: {text_input.value.replace(chr(10), chr(92) + 'n')}")
            elif text_input.placeholder:
                lines.append(f"    e.g. {text_input.placeholder.replace(chr(10), chr(92) + 'n')}")
        if any(i.style == 2 for i in reply.modal.inputs):
            lines.append("  (in a 'several lines' input write \\n for a new line, \\n\\n for a blank one)")
        return "\n".join(lines)
    if reply.kind == "choices":
        lines = [f"{user} › {command}  → {len(reply.choices)} choice{'' if len(reply.choices) == 1 else 's'}"]
        lines += [f"  {name}  = {value!r}" for name, value in reply.choices]
        return "\n".join(lines)
    seen = "only " + user if reply.ephemeral else "DM" if reply.direct else "public"
    prefix = f"#{number} " if number is not None else ""
    lines = [f"{prefix}{user} › {command}  ({seen}{', updated' if reply.kind == 'update' else ''})"]
    counter = iter(range(1, 10_000))
    lines += _message_lines(reply, counter)
    for followup in reply.followups:
        lines.append(f"  + follow-up ({'only ' + user if followup.ephemeral else 'public'})")
        lines += ["  " + line for line in _message_lines(followup, counter)]
    text = "\n".join(lines)
    return as_discord_shows(text, world) if world is not None else text


def _message_lines(reply: Reply, counter: Iterable[int]) -> list[str]:
    """Content, embeds, files and components of one message, indented; buttons take numbers from `counter`."""
    numbers = iter(counter)
    lines = [f"  {line}" for line in reply.content.splitlines()]
    for embed in reply.embeds:
        title = embed.get("title") or ""
        lines.append(f"  ┌ {title}" + (f"  <{embed['url']}>" if embed.get("url") else ""))
        lines += [f"  │ {line}" for line in (embed.get("description") or "").splitlines()]
        for embed_field in embed.get("fields") or []:
            value_lines = str(embed_field.get("value") or "").splitlines() or [""]
            lines.append(f"  │ {embed_field.get('name')}: {value_lines[0]}")
            lines += [f"  │   {line}" for line in value_lines[1:]]
        if (embed.get("footer") or {}).get("text"):
            lines.append(f"  └ {embed['footer']['text']}")
    for name, data in reply.files.items():
        lines.append(f"  📎 {name} ({len(data):,} bytes): 'show' prints it, 'save' writes it here")
    for row in reply.components:
        cells = []
        for component in row:
            if isinstance(component, Button):
                label = component.label or component.emoji or component.custom_id
                extra = f" <{component.url}>" if component.url else ""
                cells.append(f"[{next(numbers)}] {label}{extra}{' (disabled)' if component.disabled else ''}")
            elif isinstance(component, Select):
                options = ", ".join(label for label, _ in component.options)
                cells.append(f"[select {component.placeholder or component.custom_id}: {options}]")
        if cells:
            lines.append("  " + "  ".join(cells))
    return lines


# --- the console ----------------------------------------------------------------------------------------

_CLICK_ON = re.compile(r"^(?P<button>.*?)\s+on\s+#(?P<number>\d+)\s*$")
_SAVE_TO = re.compile(r"^(?:#(?P<number>\d+))?\s*(?:to\s+(?P<folder>.+))?$")


@dataclass
class Answer:
    """An answer the console printed, by number: who asked, and its messages (the reply and its follow-ups)."""

    number: int
    user: str
    reply: Reply
    message_ids: list[int] = field(default_factory=list)


def _listing(title: str, messages: list[Reply]) -> str:
    """A heading and each message's first lines, for `dms` and `thread`."""
    lines = [f"{title}: {len(messages)} message(s)"]
    for message in messages:
        lines += ["  " + line for line in (message.content or "(embed)").splitlines()[:4]]
    return "\n".join(lines)


class Console:
    """Runs actions against a sandbox, remembering who acts, the numbered answers and the open modal."""

    def __init__(self, sandbox: Sandbox, *, as_json: bool, out: TextIO) -> None:
        self.sandbox = sandbox
        self.as_json = as_json
        self.out = out
        self.user = "alice"
        self.answers: list[Answer] = []
        self.last_modal: Reply | None = None
        self.errors = 0
        self._seen = 0  # the newest message id already shown

    async def run_line(self, line: str) -> None:
        """Parse and run one line, printing the reply or a clear error; never raises for a bad line."""
        try:
            action = parse_line(line)
        except ScriptError as error:
            self._print_error(self.user, line.strip(), str(error))
            return
        if action is None:
            return
        user = action.user or self.user
        shown = f"/{action.text}" if action.verb == "command" else f"{action.verb} {action.text}".strip()
        try:
            self.sandbox.world.user(user)
        except KeyError as error:  # an unknown member: who acts stays who it was
            self._print_error(user, shown, error.args[0])
            return
        self.user = user
        try:
            reply, shown = await self._run(user, action, shown)
        except (ScriptError, SandboxError, KeyError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            self._print_error(user, shown, message)
            return
        if reply is None:
            return
        number = None
        if reply.kind == "modal":
            self.last_modal = reply
        elif reply.kind in ("message", "update") and reply.message_id is not None:
            number = len(self.answers) + 1
            ids = [reply.message_id, *(f.message_id for f in reply.followups if f.message_id is not None)]
            self.answers.append(Answer(number, user, reply, ids))
        if self.as_json:
            print(json.dumps(reply_record(user, shown, reply, number=number), ensure_ascii=False), file=self.out)
        else:
            print(render(user, shown, reply, number=number, world=self.sandbox.world), file=self.out)
        await self._show_own_posts()

    def _where(self, post: Reply) -> tuple[str, str]:
        """Where the bot posted a message ('✉ DM to alice', '# Club: Seeing Theory') and who may see it."""
        emulator, world = self.sandbox.emulator, self.sandbox.world
        channel_id = int(emulator.messages[post.message_id or 0]["channel_id"])
        for name, person in world.users.items():
            if emulator.dm_channel_id(person) == channel_id:
                return f"✉ DM to {name}", name
        place = world.threads.get(channel_id) or world.channels.get(channel_id)
        return f"# {place.name if place else channel_id}", "pillars"

    async def _show_own_posts(self) -> None:
        """Print, numbered like answers, what the bot posted on its own since the last action (a click may use them)."""
        await self.sandbox.settle()
        posts = self.sandbox.posted_since(self._seen)
        self._seen = max(self.sandbox.emulator.messages, default=self._seen)
        for post in posts:
            where, seen_by = self._where(post)
            number = len(self.answers) + 1
            self.answers.append(Answer(number, seen_by, post, [post.message_id or 0]))
            if self.as_json:
                print(
                    json.dumps(reply_record("pillars", where, post, number=number), ensure_ascii=False), file=self.out
                )
            else:
                lines = [f"#{number} {where}", *_message_lines(post, iter(range(1, 10_000)))]
                print(as_discord_shows("\n".join(lines), self.sandbox.world), file=self.out)

    async def _sandbox_action(self, action: Action) -> Reply:
        """What the sandbox itself does: move time, show DMs and threads, close or open a member's DMs."""
        sandbox, text = self.sandbox, _unquote(action.text)
        if action.verb == "time":
            moved = await sandbox.advance_time(self._duration(text))
            clock = getattr(sandbox.bot, "clock", None)
            stamp = f"{clock.now():%a %d %b %Y %H:%M} UTC" if clock is not None else "later"
            return Reply(kind="message", content=f"⏱ It is now {stamp}; the bot posted {len(moved)} message(s).")
        if action.verb in ("close-dms", "open-dms"):
            person = sandbox.world.user(text or "")
            (sandbox.emulator.close_dms if action.verb == "close-dms" else sandbox.emulator.open_dms)(person)
            state = "closed" if action.verb == "close-dms" else "open"
            return Reply(kind="message", content=f"{person.name}'s DMs are {state} to the server.")
        if action.verb == "dms":
            whose = text or self.user
            return Reply(kind="message", content=_listing(f"DMs to {whose}", sandbox.dms(whose)))
        if action.verb == "thread":
            return Reply(kind="message", content=_listing(text, sandbox.thread_messages(text)))
        parts = [_listing(t.name, sandbox.thread_messages(t.id)) for t in sandbox.world.threads.values()]
        return Reply(kind="message", content="\n".join(parts) or "No threads yet.")

    def _duration(self, text: str) -> timedelta:
        """'+1d', '+2h30m', '45m', or a UTC moment to move to ('2030-01-07 09:05')."""
        match = _DURATION.match(text.replace(" ", ""))
        if match and any(match.groupdict().values()):
            days, hours, minutes = (int(match[k] or 0) for k in ("d", "h", "m"))
            return timedelta(days=days, hours=hours, minutes=minutes)
        try:
            moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
        except ValueError:
            raise ScriptError("Write time +30m, time +2h, time +1d, or time 2030-01-07 09:05 (UTC).") from None
        clock = getattr(self.sandbox.bot, "clock", None)
        now = clock.now() if clock is not None else datetime.now(UTC)
        if moment < now:
            raise ScriptError(f"Time only moves forward; it is already {now:%Y-%m-%d %H:%M} UTC.")
        return moment - now

    def _print_error(self, user: str, command: str, message: str) -> None:
        """An error line, as text or JSON."""
        self.errors += 1
        if self.as_json:
            print(json.dumps(reply_record(user, command, None, message), ensure_ascii=False), file=self.out)
        else:
            print(f"{user} › {command}\n  ✗ {message}", file=self.out)

    async def _run(self, user: str, action: Action, shown: str) -> tuple[Reply | None, str]:
        """Do one action through the harness: the reply (None when only the console answered) and its heading."""
        sandbox = self.sandbox
        if action.verb == "command":
            path, options = split_command(action.text, sandbox.synced_commands)
            kinds = command_options(path, sandbox.synced_commands)
            typed: dict[str, Any] = dict(options)
            for name, value in options.items():
                if kinds.get(name, {}).get("type") == ATTACHMENT:
                    typed[name] = _local_file(value)
            return await sandbox.command(user, path, **typed), shown
        if action.verb == "autocomplete":
            path, options = split_command(action.text.lstrip("/"), sandbox.synced_commands)
            if not options:
                raise ScriptError("Say which option is being typed: autocomplete /command option: partial text")
            focused = list(options)[-1]
            value = options.pop(focused)
            choices = await sandbox.autocomplete(user, path, focused=focused, value=value, **options)
            return Reply(kind="choices", choices=choices), shown
        if action.verb == "click":
            answer, target = self._click_target(user, action.text)
            message, button = self._button_on(user, answer, target)
            reply = await sandbox.click(user, message, button)
            return reply, f"click {action.text.split(' on #')[0].strip()} on #{answer.number}"
        if action.verb == "select":
            menu, _, values = action.text.partition(" | ")

            def has_select(message: Reply) -> bool:
                """Whether the message carries a select menu."""
                return any(isinstance(c, Select) for row in message.components for c in row)

            answer = self._latest_for(user, has_select)
            message = next(m for m in self._messages(user, answer) if has_select(m))
            chosen = [v.strip() for v in values.split(",") if v.strip()]
            return await sandbox.select(user, message, _unquote(menu), chosen), shown
        if action.verb == "modal":
            if self.last_modal is None:
                raise ScriptError("No modal is open: run a command that opens one first.")
            return await sandbox.submit_modal(user, self.last_modal, split_pairs(action.text)), shown
        if action.verb == "message":
            name, _, rest = action.text.partition(" | ")
            parts = split_pairs(rest)
            unknown = set(parts) - {"text", "author"}
            if "text" not in parts or unknown:
                raise ScriptError("Write: message COMMAND NAME | text: the message | author: bob")
            reply = await sandbox.message_command(
                user, _unquote(name), message_text=parts["text"], author=parts.get("author", "bob")
            )
            return reply, shown
        if action.verb == "say":
            said = await sandbox.say(user, action.text)
            return Reply(kind="message", content=said["content"], message_id=int(said["id"])), shown
        if action.verb in ("show", "save"):
            self._files(user, action.verb, action.text)
            return None, shown
        if action.verb in _SANDBOX_VERBS:
            return await self._sandbox_action(action), shown
        raise ScriptError(f"Unknown action {action.verb!r}.")

    # -- which answer, which message, which button -----------------------------------------------------------

    def _messages(self, user: str, answer: Answer) -> list[Reply]:
        """The answer's messages as they are now, those `user` can see: public ones, and private ones to them."""
        shown = []
        for message_id in answer.message_ids:
            message = self.sandbox.message(message_id)
            if not message.deleted and (not message.ephemeral or answer.user == user):
                shown.append(message)
        return shown

    def _latest_for(self, user: str, has: Callable[[Reply], bool]) -> Answer:
        """The latest answer `user` can see with a message that `has` what the action needs."""
        for answer in reversed(self.answers):
            if any(has(message) for message in self._messages(user, answer)):
                return answer
        raise ScriptError("Nothing to click yet: run a command whose answer has buttons first.")

    def _click_target(self, user: str, text: str) -> tuple[Answer, str]:
        """The answer a click is on ('… on #3', else the latest `user` can see with buttons) and the button."""
        named = _CLICK_ON.match(text.strip())
        if named is None:
            return self._latest_for(user, lambda m: bool(m.buttons)), _unquote(text)
        return self._numbered(user, int(named["number"])), _unquote(named["button"])

    def _numbered(self, user: str, number: int) -> Answer:
        """Answer #`number`, when `user` can see it."""
        if not 1 <= number <= len(self.answers):
            raise ScriptError(f"There is no answer #{number}; the answers so far are #1 to #{len(self.answers)}.")
        answer = self.answers[number - 1]
        if not self._messages(user, answer):
            raise ScriptError(f"#{number} was shown only to {answer.user}; {user} cannot see it, nor click it.")
        return answer

    def _button_on(self, user: str, answer: Answer, target: str) -> tuple[Reply, str]:
        """The message and button a click means: a number counts the buttons as the answer printed them."""
        messages = self._messages(user, answer)
        buttons = [(message, button) for message in messages for button in message.buttons]
        if target.isdigit():
            if not 1 <= int(target) <= len(buttons):
                raise ScriptError(f"#{answer.number} has {len(buttons)} buttons {user} can see; there is no {target}.")
            message, button = buttons[int(target) - 1]
            return message, button.custom_id or button.label or target
        for message in messages:
            if any(target in (b.label, b.custom_id) or (b.label or "").casefold() == target.casefold()
                   for b in message.buttons):  # fmt: skip
                return message, target
        labels = ", ".join(repr(b.label or b.custom_id) for _, b in buttons) or "none"
        raise ScriptError(f"No button {target!r} on #{answer.number}; its buttons: {labels}.")

    # -- attachments ------------------------------------------------------------------------------------

    def _files(self, user: str, verb: str, text: str) -> None:
        """`show` prints the attached files of the latest answer (or #N); `save [#N] [to FOLDER]` writes them."""
        asked = _SAVE_TO.match(text.strip())
        if asked is None:
            raise ScriptError(f"Write: {verb} [#N]" + (" [to FOLDER]" if verb == "save" else ""))
        if asked["number"]:
            answer = self._numbered(user, int(asked["number"]))
        else:
            answer = self._latest_for(user, lambda m: bool(m.files))
        files = {name: data for message in self._messages(user, answer) for name, data in message.files.items()}
        if not files:
            raise ScriptError(f"#{answer.number} has no attached file.")
        if verb == "show":
            for name, data in files.items():
                print(f"📎 {name} of #{answer.number}:", file=self.out)
                print(data.decode("utf-8", errors="replace").rstrip("\n"), file=self.out)
            return
        folder = Path(asked["folder"].strip()).expanduser() if asked["folder"] else Path()
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = _free_path(folder / Path(name).name)
            path.write_bytes(data)
            print(f"saved {path} ({len(data):,} bytes) from #{answer.number}", file=self.out)


def _local_file(value: str) -> Path:
    """The file on this computer an attachment option names; ScriptError when there is none."""
    path = Path(_unquote(value)).expanduser()
    if not path.is_file():
        raise ScriptError(f"There is no file {path}: an attachment option takes a file on this computer.")
    return path


def _free_path(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`… when a file of that name is already there."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


async def run_lines(sandbox: Sandbox, lines: Iterable[str], *, as_json: bool, out: TextIO) -> int:
    """Run every line against a sandbox; the number of lines that failed."""
    console = Console(sandbox, as_json=as_json, out=out)
    for line in lines:
        await console.run_line(line)
    return console.errors


# --- running it -------------------------------------------------------------------------------------------

Prepare = Callable[[Sandbox], Coroutine[Any, Any, None]]
T = TypeVar("T")


async def prepare_server(sandbox: Sandbox) -> None:
    """The sandbox server as its owner set it up: its Moderator role moderates, so `as mod:` works."""
    done = await sandbox.command("owner", "catalog settings", moderator_role="Moderator")
    if "Saved" not in done.content:
        raise SandboxError(f"The sandbox server could not be set up: {done.content}")


def _greeting(console: Console) -> str:
    """What the interactive console says first."""
    names = ", ".join(u for u in console.sandbox.world.users if u != "pillars")
    return (
        f"Sandbox Discord: guild {console.sandbox.world.guild_name!r}, #study, members {names}.\n"
        "Type 'help' for the actions, 'quit' (or Ctrl-C) to leave."
    )


def _sandbox(bot_factory: Callable[[], Any]) -> Sandbox:
    """The sandbox a console runs in: a patient one, since a person is typing."""
    return Sandbox(bot_factory, timeout=10.0, heartbeat_interval=5.0, heartbeat_timeout=60.0)


async def run_console(
    bot_factory: Callable[[], Any],
    script: list[str],
    *,
    as_json: bool,
    out: TextIO = sys.stdout,
    prepare: Prepare | None = None,
) -> int:
    """Start a sandbox with this bot, `prepare` its server, run the script's lines: 1 if one failed, else 0."""
    async with _sandbox(bot_factory) as sandbox:
        if prepare is not None:
            await prepare(sandbox)
        console = Console(sandbox, as_json=as_json, out=out)
        for line in script:
            await console.run_line(line)
        return 1 if console.errors else 0


def run_interactive(bot_factory: Callable[[], Any], *, prepare: Prepare | None = None, out: TextIO = sys.stdout) -> int:
    """The console a person types at: lines read in this (the main) thread, with readline's history and
    editing, while the emulator and the bot run in an event loop of their own; Ctrl-C leaves at once."""
    with contextlib.suppress(ImportError):  # not on every platform; the console works without it
        import readline  # noqa: F401  # input() then has line editing and Up/Down history
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="sandbox-loop", daemon=True)
    thread.start()

    def wait(work: Coroutine[Any, Any, T]) -> T:
        """Run `work` in the sandbox's loop and wait for it here."""
        return asyncio.run_coroutine_threadsafe(work, loop).result()

    sandbox = _sandbox(bot_factory)
    try:
        wait(sandbox.start())
        if prepare is not None:
            wait(prepare(sandbox))
        console = Console(sandbox, as_json=False, out=out)
        print(_greeting(console), file=out)
        while True:
            try:
                line = input(f"{console.user}> ")
            except EOFError:
                break
            command = line.strip().lower()
            if command in ("quit", "exit"):
                break
            if command == "help":
                print(HELP, file=out)
                continue
            wait(console.run_line(line))
    except KeyboardInterrupt:
        print(file=out)
        return 130
    finally:
        try:
            asyncio.run_coroutine_threadsafe(sandbox.stop(), loop).result(timeout=10)
        except Exception:  # noqa: BLE001 - leaving anyway; the emulator and bot die with the process
            logging.getLogger(__name__).debug("the sandbox did not stop cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
    return 0


def run_sandbox(script: Path | None, as_json: bool) -> int:
    """The production bot (with a temporary database) against the emulator, driven by a script or the console."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # discord.py warns about intents that do not matter here; errors still show.
    logging.getLogger("discord").setLevel(logging.ERROR)
    lines = None
    if script is not None:
        try:
            lines = script.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(f"Cannot read the script {script}: {exc.strerror}.", file=sys.stderr)
            return 1
    try:
        from bot.app import create_bot
    except ImportError as exc:
        print(f"The bot cannot start in the sandbox: {exc}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="pillars-sandbox-") as directory:
        settings = sandbox_settings(Path(directory))
        try:
            if lines is None:
                return run_interactive(lambda: create_bot(settings), prepare=prepare_server)
            return asyncio.run(
                run_console(lambda: create_bot(settings), lines, as_json=as_json, prepare=prepare_server)
            )
        except KeyboardInterrupt:
            return 130
        except (SandboxError, NotImplementedError) as exc:
            print(f"The bot cannot start in the sandbox: {str(exc) or type(exc).__name__}", file=sys.stderr)
            return 1
