"""Writing catalog files: resources out as YAML in the layout of data/, fast enough for 10,000 at once.

`/catalog export` writes a server's own resources this way, and `/catalog import` (`bot.catalog.loader`)
reads them back as the same resources. PyYAML's emitter took 15 to 38 s for 10,000 resources with tables
of contents (its C emitter 12 s: the representer is Python either way); a catalog is a small, fixed shape
(mappings of field names, lists, strings, numbers, booleans), so it is written here directly, in under a
tenth of that, laid out as the curated files are: one block per resource, short lists and `length` inline,
one line per section.

A string is written plain when YAML reads it back as the same string (it starts with a letter, holds only
letters, digits, spaces and `.'()/&+-`, and is not a word YAML 1.1 reads as a boolean or null; or it is a
web address on a line of its own); any other is written double-quoted, with JSON's escapes (a subset of
YAML's) and `\\u` escapes for the characters PyYAML would not read raw. `tests/catalog/test_writer.py`
reads arbitrary text back unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from bot.catalog.files import RESOURCES
from bot.catalog.schema import Resource

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .'()/&+-]*(?<! )")
# A web address is plain too where it stands alone on its line (the characters of a checked URL, no comma,
# and not ending in ':'), as the curated files write them.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~!$&'()*+;=:@/?#%-]*[A-Za-z0-9._~!$&'()*+;=@/?#%-]")
# Words PyYAML (YAML 1.1) reads as booleans or null when plain, in any case.
_NOT_STRINGS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# Characters PyYAML refuses raw in a stream, and line breaks it would fold inside a quoted string.
_ESCAPE = re.compile("[\x7f-\x84\x86-\x9f\x85\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _scalar(value: Any) -> str:
    """One value as YAML reads it back: a number, a boolean, null, or a string plain or double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _NOT_STRINGS:
        return text
    return _ESCAPE.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(text, ensure_ascii=False))


def _flow(value: Any) -> str:
    """A value on one line: a scalar, `[a, b]` or `{key: value}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value)


def resource_chunks(resources: Iterable[Resource]) -> Iterator[str]:
    """Catalog YAML a piece at a time: the heading, then one block per resource (each ending its line).

    In pieces, so that whoever writes out 10,000 resources in a worker thread never holds the interpreter for
    long in one call (joining or encoding 15 MB at once did, for tens of milliseconds, stalling the event loop).
    """
    yield f"{RESOURCES}:\n"
    for resource in resources:
        lines = []
        marker = "  - "
        for key, value in resource.model_dump(mode="json", exclude_defaults=True).items():
            if isinstance(value, list) and value and isinstance(value[0], dict):  # sections: one line each
                lines.append(f"{marker}{key}:")
                lines.extend(f"      - {_flow(item)}" for item in value)
            elif isinstance(value, str) and _PLAIN_URL.fullmatch(value):
                lines.append(f"{marker}{key}: {value}")
            else:
                lines.append(f"{marker}{key}: {_flow(value)}")
            marker = "    "
        yield "\n".join(lines) + "\n"


def dump_resources(resources: Iterable[Resource]) -> str:
    """Resources as catalog YAML, in the layout of the curated files (for `/catalog export`)."""
    return "".join(resource_chunks(resources))
