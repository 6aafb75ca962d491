"""`python -m bot sandbox`: try the bot against the local emulator, typing actions or running a script.

One action per line; `#` starts a comment, blank lines are skipped:

    as alice: /recommend topic: linear algebra
    as alice: /progress log resource: linear-algebra-done-right status: reading position: 40
    click "Start reading"                      (a button of the last reply, by label or number: click 1)
    as mod: modal title: Axler | url: https://linear.axler.net   (submit the last modal)
    as bob: autocomplete /progress log resource: lin              (the choices for the last option)
    as alice: message Quote message | text: how do I learn linear algebra? | author: bob
    as carol: select level | Advanced                             (a select menu of the last reply)

Option names come from the commands the bot synced, so values may contain spaces.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.sandbox.harness import Button, Reply, Sandbox, SandboxError, Select, sandbox_settings

VERBS = ("click", "modal", "autocomplete", "message", "select", "say")
HELP = __doc__.split("\n\n", 1)[1] if __doc__ else ""


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


def reply_record(user: str, command: str, reply: Reply | None, error: str | None = None) -> dict[str, Any]:
    """One line of --json output."""
    record: dict[str, Any] = {
        "user": user,
        "command": command,
        "ephemeral": reply.ephemeral if reply else None,
        "content": reply.content if reply else None,
        "embeds": reply.embeds if reply else [],
        "components": [[asdict(c) for c in row] for row in reply.components] if reply else [],
        "error": error,
    }
    if reply is not None:
        record["kind"] = reply.kind
        record["files"] = sorted(reply.files)
        if reply.modal is not None:
            record["modal"] = {"title": reply.modal.title, "inputs": [asdict(i) for i in reply.modal.inputs]}
        if reply.kind == "choices":
            record["choices"] = [list(choice) for choice in reply.choices]
        record["followups"] = [reply_record(user, command, f) for f in reply.followups]
    return record


def render(user: str, command: str, reply: Reply) -> str:
    """A reply as readable text: who, what, public or not, content, embeds, buttons numbered."""
    if reply.kind == "modal" and reply.modal is not None:
        lines = [f"{user} › {command}  → modal {reply.modal.title!r}"]
        lines += [f"  {i.label} ({i.custom_id}){'' if i.required else ', optional'}" for i in reply.modal.inputs]
        return "\n".join(lines)
    if reply.kind == "choices":
        lines = [f"{user} › {command}  → {len(reply.choices)} choices"]
        lines += [f"  {name}  = {value!r}" for name, value in reply.choices]
        return "\n".join(lines)
    seen = "only " + user if reply.ephemeral else "public"
    lines = [f"{user} › {command}  ({seen}{', updated' if reply.kind == 'update' else ''})"]
    lines += _message_lines(reply)
    for followup in reply.followups:
        lines.append(f"  + follow-up ({'only ' + user if followup.ephemeral else 'public'})")
        lines += ["  " + line for line in _message_lines(followup)]
    return "\n".join(lines)


def _message_lines(reply: Reply) -> list[str]:
    """Content, embeds, files and components of one message, indented."""
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
        lines.append(f"  📎 {name} ({len(data)} bytes)")
    number = 0
    for row in reply.components:
        cells = []
        for component in row:
            if isinstance(component, Button):
                number += 1
                label = component.label or component.emoji or component.custom_id
                extra = f" <{component.url}>" if component.url else ""
                cells.append(f"[{number}] {label}{extra}{' (disabled)' if component.disabled else ''}")
            elif isinstance(component, Select):
                options = ", ".join(label for label, _ in component.options)
                cells.append(f"[select {component.placeholder or component.custom_id}: {options}]")
        if cells:
            lines.append("  " + "  ".join(cells))
    return lines


class Console:
    """Runs actions against a sandbox, remembering the last user, reply and modal."""

    def __init__(self, sandbox: Sandbox, *, as_json: bool, out: TextIO) -> None:
        self.sandbox = sandbox
        self.as_json = as_json
        self.out = out
        self.user = "alice"
        self.last_reply: Reply | None = None
        self.last_modal: Reply | None = None
        self.errors = 0

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
        self.user = user
        shown = f"/{action.text}" if action.verb == "command" else f"{action.verb} {action.text}".strip()
        try:
            reply = await self._run(user, action)
        except (ScriptError, SandboxError, KeyError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            self._print_error(user, shown, message)
            return
        if reply.kind == "modal":
            self.last_modal = reply
        elif reply.kind != "choices":
            self.last_reply = reply
        if self.as_json:
            print(json.dumps(reply_record(user, shown, reply), ensure_ascii=False), file=self.out)
        else:
            print(render(user, shown, reply), file=self.out)

    def _print_error(self, user: str, command: str, message: str) -> None:
        """An error line, as text or JSON."""
        self.errors += 1
        if self.as_json:
            print(json.dumps(reply_record(user, command, None, message), ensure_ascii=False), file=self.out)
        else:
            print(f"{user} › {command}\n  ✗ {message}", file=self.out)

    async def _run(self, user: str, action: Action) -> Reply:
        """Do one action through the harness."""
        sandbox = self.sandbox
        if action.verb == "command":
            path, options = split_command(action.text, sandbox.synced_commands)
            return await sandbox.command(user, path, **options)
        if action.verb == "autocomplete":
            path, options = split_command(action.text.lstrip("/"), sandbox.synced_commands)
            if not options:
                raise ScriptError("Say which option is being typed: autocomplete /command option: partial text")
            focused = list(options)[-1]
            value = options.pop(focused)
            choices = await sandbox.autocomplete(user, path, focused=focused, value=value, **options)
            return Reply(kind="choices", choices=choices)
        if action.verb == "click":
            last = self._last_reply()
            target = _unquote(action.text)
            if target.isdigit() and 1 <= int(target) <= len(last.buttons):
                button = last.buttons[int(target) - 1]
                target = button.custom_id or button.label or target
            # The button may be on a follow-up rather than on the reply itself.
            for message in (last, *last.followups):
                if any(target in (b.label, b.custom_id) for b in message.buttons):
                    return await sandbox.click(user, message, target)
            return await sandbox.click(user, last, target)
        if action.verb == "select":
            menu, _, values = action.text.partition(" | ")
            return await sandbox.select(
                user, self._last_reply(), _unquote(menu), [v.strip() for v in values.split(",") if v.strip()]
            )
        if action.verb == "modal":
            if self.last_modal is None:
                raise ScriptError("No modal is open: run a command that opens one first.")
            return await sandbox.submit_modal(user, self.last_modal, split_pairs(action.text))
        if action.verb == "message":
            name, _, rest = action.text.partition(" | ")
            parts = split_pairs(rest)
            unknown = set(parts) - {"text", "author"}
            if "text" not in parts or unknown:
                raise ScriptError("Write: message COMMAND NAME | text: the message | author: bob")
            return await sandbox.message_command(
                user, _unquote(name), message_text=parts["text"], author=parts.get("author", "bob")
            )
        if action.verb == "say":
            said = await sandbox.say(user, action.text)
            return Reply(kind="message", content=said["content"], message_id=int(said["id"]))
        raise ScriptError(f"Unknown action {action.verb!r}.")

    def _last_reply(self) -> Reply:
        """The reply a click or select applies to."""
        if self.last_reply is None:
            raise ScriptError("Nothing to click yet: run a command first.")
        return self.last_reply


async def run_lines(sandbox: Sandbox, lines: Iterable[str], *, as_json: bool, out: TextIO) -> int:
    """Run every line against a sandbox; the number of lines that failed."""
    console = Console(sandbox, as_json=as_json, out=out)
    for line in lines:
        await console.run_line(line)
    return console.errors


async def _interactive(console: Console) -> None:
    """Read actions from the terminal until end of input or 'quit'."""
    names = ", ".join(u for u in console.sandbox.world.users if u != "pillars")
    print(f"Sandbox Discord: guild {console.sandbox.world.guild_name!r}, #study, members {names}.", file=console.out)
    print("Type 'help' for the actions, 'quit' to leave.", file=console.out)
    while True:
        try:
            line = await asyncio.to_thread(input, f"{console.user}> ")
        except EOFError:
            return
        if line.strip().lower() in ("quit", "exit"):
            return
        if line.strip().lower() == "help":
            print(HELP, file=console.out)
            continue
        await console.run_line(line)


async def run_console(
    bot_factory: Callable[[], Any], script: list[str] | None, *, as_json: bool, out: TextIO = sys.stdout
) -> int:
    """Start a sandbox with this bot and run the script's lines (1 if one failed) or the interactive console."""
    async with Sandbox(bot_factory, timeout=10.0, heartbeat_interval=5.0, heartbeat_timeout=60.0) as sandbox:
        console = Console(sandbox, as_json=as_json, out=out)
        if script is None:
            await _interactive(console)
            return 0
        for line in script:
            await console.run_line(line)
        return 1 if console.errors else 0


def run_sandbox(script: Path | None, as_json: bool) -> int:
    """The production bot (with a temporary database) against the emulator, driven by a script or the console."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # discord.py warns about voice libraries and intents that do not matter here; errors still show.
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
            return asyncio.run(run_console(lambda: create_bot(settings), lines, as_json=as_json))
        except KeyboardInterrupt:
            return 130
        except (SandboxError, NotImplementedError) as exc:
            print(f"The bot cannot start in the sandbox: {str(exc) or type(exc).__name__}", file=sys.stderr)
            return 1
