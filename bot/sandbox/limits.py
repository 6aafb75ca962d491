"""What Discord refuses: the payload limits the emulator checks, and the 50035 error body it answers with.

Each check returns a list of problems, each a path into the payload (as Discord reports it) with a code and
a message; `invalid_form_body` turns them into the nested `errors` object Discord sends.

These numbers repeat `bot/ui/limits.py` on purpose: that module is what the bot promises, this one is what
Discord enforces, written down separately from the documentation so a wrong number in the bot's copy shows
up as a refused payload in the tests instead of agreeing with itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")

MESSAGE_CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_WIDTH = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25
SELECT_PLACEHOLDER = 150
MODAL_TITLE = 45
MODAL_INPUTS = 5
INPUT_LABEL = 45
INPUT_VALUE = 4000
INPUT_PLACEHOLDER = 100
LABEL_DESCRIPTION = 100
CHOICES = 25
CHOICE_TEXT = 100
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMANDS = 100


@dataclass(frozen=True)
class Problem:
    """One refused value: where it is in the payload, Discord's code for it and a readable message."""

    path: tuple[str, ...]
    code: str
    message: str

    def __str__(self) -> str:
        return f"{'.'.join(self.path)}: {self.message}"


def invalid_form_body(problems: list[Problem]) -> dict[str, Any]:
    """The body of Discord's 400 answer for a payload over a limit (code 50035)."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for key in problem.path:
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _too_long(path: tuple[str, ...], value: Any, limit: int) -> list[Problem]:
    """A problem if the text is longer than the limit."""
    if isinstance(value, str) and len(value) > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def _length_between(path: tuple[str, ...], value: Any, low: int, high: int) -> list[Problem]:
    """A problem unless the text has between low and high characters."""
    if not isinstance(value, str) or not low <= len(value) <= high:
        return [Problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")]
    return []


def _too_many(path: tuple[str, ...], items: Any, limit: int) -> list[Problem]:
    """A problem if the list has more than `limit` items."""
    if isinstance(items, list) and len(items) > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def check_embeds(embeds: list[dict[str, Any]], path: tuple[str, ...] = ("embeds",)) -> list[Problem]:
    """Embed limits, each embed's and the 6,000 characters across all of them."""
    problems = _too_many(path, embeds, EMBEDS)
    total = 0
    for index, embed in enumerate(embeds):
        at = (*path, str(index))
        title, description = embed.get("title") or "", embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        problems += _too_long((*at, "title"), title, EMBED_TITLE)
        problems += _too_long((*at, "description"), description, EMBED_DESCRIPTION)
        problems += _too_long((*at, "footer", "text"), footer, EMBED_FOOTER)
        problems += _too_long((*at, "author", "name"), author, EMBED_AUTHOR)
        fields = embed.get("fields") or []
        problems += _too_many((*at, "fields"), fields, EMBED_FIELDS)
        total += len(title) + len(description) + len(footer) + len(author)
        for number, embed_field in enumerate(fields):
            name, value = embed_field.get("name") or "", embed_field.get("value") or ""
            problems += _length_between((*at, "fields", str(number), "name"), name, 1, EMBED_FIELD_NAME)
            problems += _length_between((*at, "fields", str(number), "value"), value, 1, EMBED_FIELD_VALUE)
            total += len(name) + len(value)
    if total > EMBED_TOTAL:
        problems.append(Problem(path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL}"))
    return problems


def check_components(rows: list[dict[str, Any]], path: tuple[str, ...] = ("components",)) -> list[Problem]:
    """Action rows of buttons and selects: 5 rows of 5, labels 80, custom ids 1–100 and unique."""
    problems = _too_many(path, rows, ACTION_ROWS)
    seen: set[str] = set()
    for row_index, row in enumerate(rows):
        at = (*path, str(row_index))
        if row.get("type") != 1:
            continue  # Components V2 layouts are not checked here.
        children = row.get("components") or []
        if not children:
            problems.append(Problem((*at, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."))
        problems += _too_many((*at, "components"), children, ROW_WIDTH)
        for index, child in enumerate(children):
            where = (*at, "components", str(index))
            if child.get("type") == 2:
                problems += _too_long((*where, "label"), child.get("label"), BUTTON_LABEL)
                if child.get("style") == 5:
                    if not child.get("url"):
                        problems.append(Problem((*where, "url"), "BASE_TYPE_REQUIRED", "This field is required"))
                    continue
            elif child.get("type") in (3, 5, 6, 7, 8):
                problems += _too_many((*where, "options"), child.get("options"), SELECT_OPTIONS)
                problems += _too_long((*where, "placeholder"), child.get("placeholder"), SELECT_PLACEHOLDER)
            custom_id = child.get("custom_id")
            if child.get("type") == 2 and child.get("style") == 6:
                continue  # Premium buttons carry a SKU, not a custom id.
            problems += _length_between((*where, "custom_id"), custom_id, 1, CUSTOM_ID)
            if isinstance(custom_id, str):
                if custom_id in seen:
                    problems.append(
                        Problem(
                            (*where, "custom_id"),
                            "COMPONENT_CUSTOM_ID_DUPLICATED",
                            "Component custom id cannot be duplicated",
                        )
                    )
                seen.add(custom_id)
    return problems


def check_message(data: dict[str, Any]) -> list[Problem]:
    """A message payload: content, embeds and components."""
    problems = _too_long(("content",), data.get("content"), MESSAGE_CONTENT)
    problems += check_embeds(data.get("embeds") or [])
    problems += check_components(data.get("components") or [])
    return problems


def _text_inputs(components: list[dict[str, Any]], path: tuple[str, ...]) -> list[tuple[tuple[str, ...], dict, str]]:
    """Every text input of a modal with its path and its label (from the input or its Label wrapper)."""
    found = []
    for index, component in enumerate(components):
        at = (*path, str(index))
        if component.get("type") == 1:
            found += [
                (p, c, c.get("label") or "")
                for p, c, _ in _text_inputs(component.get("components") or [], (*at, "components"))
            ]
        elif component.get("type") == 18:
            inner = component.get("component") or {}
            if inner.get("type") == 4:
                found.append(((*at, "component"), inner, component.get("label") or ""))
        elif component.get("type") == 4:
            found.append((at, component, component.get("label") or ""))
    return found


def check_modal(data: dict[str, Any]) -> list[Problem]:
    """A modal: title 1–45, custom id 1–100, 1–5 components, input labels 45, values 4,000 and within their
    input's own min_length and max_length."""
    problems = _length_between(("title",), data.get("title"), 1, MODAL_TITLE)
    problems += _length_between(("custom_id",), data.get("custom_id"), 1, CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_INPUTS:
        problems.append(
            Problem(("components",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MODAL_INPUTS} in length.")
        )
    for index, component in enumerate(components):
        if component.get("type") == 18:  # a label may carry a line of help under it
            where = ("components", str(index), "description")
            problems += _too_long(where, component.get("description"), LABEL_DESCRIPTION)
    for path, text_input, label in _text_inputs(components, ("components",)):
        label_path = (*path[:-1], "label") if path[-1] == "component" else (*path, "label")
        problems += _length_between(label_path, label, 1, INPUT_LABEL)
        problems += _length_between((*path, "custom_id"), text_input.get("custom_id"), 1, CUSTOM_ID)
        problems += _too_long((*path, "value"), text_input.get("value"), INPUT_VALUE)
        value = text_input.get("value")
        if isinstance(value, str) and value:  # a pre-filled value must fit the bounds the input itself sets
            low, high = text_input.get("min_length") or 0, text_input.get("max_length") or INPUT_VALUE
            problems += _length_between((*path, "value"), value, low, high)
        problems += _too_long((*path, "placeholder"), text_input.get("placeholder"), INPUT_PLACEHOLDER)
        for bound in ("min_length", "max_length"):
            value = text_input.get(bound)
            if value is not None and not 0 <= value <= INPUT_VALUE:
                problems.append(Problem((*path, bound), "NUMBER_TYPE_MAX", f"int value should be <= {INPUT_VALUE}."))
    return problems


def check_choices(choices: list[dict[str, Any]], path: tuple[str, ...] = ("choices",)) -> list[Problem]:
    """Command option choices (and autocomplete results): at most 25, names and string values 1–100."""
    problems = _too_many(path, choices, CHOICES)
    for index, choice in enumerate(choices):
        problems += _length_between((*path, str(index), "name"), choice.get("name"), 1, CHOICE_TEXT)
        value = choice.get("value")
        if isinstance(value, str):
            problems += _length_between((*path, str(index), "value"), value, 1, CHOICE_TEXT)
    return problems


def _check_name(path: tuple[str, ...], name: Any) -> list[Problem]:
    """A slash command or option name: lowercase, ^[-_\\w]{1,32}$."""
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
        return [Problem(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")]
    return []


def _check_options(options: list[dict[str, Any]], path: tuple[str, ...]) -> list[Problem]:
    """Options of a slash command, subcommand or group, recursively."""
    problems = _too_many(path, options, COMMAND_OPTIONS)
    optional_seen = False
    names: set[str] = set()
    for index, option in enumerate(options):
        at = (*path, str(index))
        problems += _check_name((*at, "name"), option.get("name"))
        problems += _length_between((*at, "description"), option.get("description"), 1, COMMAND_DESCRIPTION)
        if option.get("name") in names:
            problems.append(
                Problem((*at, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
            )
        names.add(option.get("name", ""))
        if option.get("type") in (1, 2):
            problems += _check_options(option.get("options") or [], (*at, "options"))
            continue
        if option.get("required"):
            if optional_seen:
                problems.append(
                    Problem(
                        (*at, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            optional_seen = True
        problems += check_choices(option.get("choices") or [], (*at, "choices"))
    return problems


def check_commands(commands: list[dict[str, Any]]) -> list[Problem]:
    """A bulk overwrite of application commands, as Discord checks it."""
    problems = _too_many((), commands, COMMANDS)
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        at = (str(index),)
        kind = command.get("type", 1)
        name = command.get("name")
        if kind == 1:
            problems += _check_name((*at, "name"), name)
            problems += _length_between((*at, "description"), command.get("description"), 1, COMMAND_DESCRIPTION)
            problems += _check_options(command.get("options") or [], (*at, "options"))
        else:
            problems += _length_between((*at, "name"), name, 1, 32)
            if command.get("description"):
                problems.append(
                    Problem(
                        (*at, "description"),
                        "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                        "Context menu commands cannot have description",
                    )
                )
        if (kind, name) in seen:
            problems.append(
                Problem(
                    (*at, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {name}",
                )
            )
        seen.add((kind, str(name)))
    return problems
