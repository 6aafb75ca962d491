"""Hostile catalog files: an alias bomb, deep nesting, complex and repeated keys are refused with file:line.

Each is tried where a catalog file comes in: the loader itself, `python -m bot catalog check`, `python -m
bot` at start-up (the curated files are checked before connecting, so no network is needed) and, for the
files a moderator can upload, `/catalog import` through the sandbox. The command-line runs happen in a
child process capped at 1 GB of address space: before the bounds, the bomb took that child down with a
MemoryError (or minutes) instead of naming a line.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from bot.catalog.loader import CatalogError, parse_resources
from bot.sandbox import Sandbox
from tests.database import dump_database
from tests.reliability.support import FAKE_TOKEN, database_path, python_m_bot, reply_problems

ADDRESS_SPACE = 1 << 30

RESOURCE = """\
resources:
  - id: hostile-book
    title: Hostile Book
    authors: [Mallory]
    kind: book
    url: https://example.org/hostile
    cost: free
    topics: [linear-algebra]
    level: beginner
    length: {amount: 10, unit: pages}
    summary: A book.
    why: To see what breaks.
"""


def alias_bomb(levels: int) -> str:
    """A valid-looking resource whose `kind:` nests `levels` lists of nine aliases each: 9**levels values.

    With 9 levels the file is 723 bytes and stands for 387 million values.
    """
    lists = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lists += [f"&a{level} [{','.join([f'*a{level - 1}'] * 9)}]" for level in range(1, levels)]
    lists.append(f"[{','.join([f'*a{levels - 1}'] * 9)}]")
    return RESOURCE.replace("kind: book", f"kind: [{', '.join(lists)}]")


DEEP = RESOURCE.replace(
    "    length: {amount: 10, unit: pages}\n",
    "    length:\n" + "".join("  " * (depth + 3) + f"level{depth}:\n" for depth in range(500)) + "  " * 503 + "x\n",
)
COMPLEX_KEY = RESOURCE + "    ? [a, b]\n    : c\n"
REPEATED_INNER_KEY = RESOURCE.replace("{amount: 10, unit: pages}", "{amount: 10, unit: pages, amount: 9999}")

# (file text, the line named, words of the message)
HOSTILE = {
    "alias-bomb": (alias_bomb(9), 5, "repeats more than 1,000 values through YAML aliases"),
    "deep": (DEEP, 10, "'length' is nested more than 10 levels deep"),
    "complex-key": (COMPLEX_KEY, 13, "a key must be a plain word"),
    "repeated-inner-key": (REPEATED_INNER_KEY, 10, "'amount' appears twice in 'length'"),
}


def run_bot_cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a child capped at ADDRESS_SPACE bytes, so a bomb cannot take the machine."""
    return python_m_bot(args, tmp_path, memory_cap=ADDRESS_SPACE, DATABASE_PATH=str(tmp_path / "pillars.db"), **env)


def assert_named(stderr: str, name: str, line: int, words: str) -> None:
    """One clear problem on the right file:line, no traceback."""
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr[-2000:]
    assert f"{name}.yaml:{line}: " in stderr and words in stderr, stderr[-2000:]
    assert len(stderr) < 2_000  # no expanded value quoted back


# The full bomb runs only in capped children: were the bound lost, it would take this process down with it.
# In this process a 6-level one stands in (531,441 values: survivable, and still refused by the bound).
IN_THIS_PROCESS = {**HOSTILE, "alias-bomb": (alias_bomb(6), *HOSTILE["alias-bomb"][1:])}


@pytest.mark.parametrize("name", IN_THIS_PROCESS)
def test_the_loader_reports_a_hostile_file_on_its_line(name: str) -> None:
    text, line, words = IN_THIS_PROCESS[name]
    with pytest.raises(CatalogError) as caught:
        parse_resources([(f"{name}.yaml", text)])
    [issue] = caught.value.issues
    assert (issue.line, words in issue.message) == (line, True), issue


@pytest.mark.parametrize("name", HOSTILE)
def test_catalog_check_reports_a_hostile_file_on_its_line(name: str, tmp_path: Path) -> None:
    text, line, words = HOSTILE[name]
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")

    done = run_bot_cli(["catalog", "check", f"{name}.yaml"], tmp_path)

    assert done.returncode == 1
    assert_named(done.stderr, name, line, words)


@pytest.mark.parametrize("name", HOSTILE)
def test_the_bot_refuses_to_start_on_a_hostile_curated_file(name: str, tmp_path: Path) -> None:
    text, line, words = HOSTILE[name]
    catalog = tmp_path / "data"
    catalog.mkdir()
    (catalog / f"{name}.yaml").write_text(text, encoding="utf-8")

    done = run_bot_cli([], tmp_path, DISCORD_TOKEN=FAKE_TOKEN, CATALOG_PATH=str(catalog))

    assert done.returncode == 1
    assert "The curated catalog is invalid, so the bot will not start." in done.stderr
    assert_named(done.stderr, name, line, words)
    assert not (tmp_path / "pillars.db").exists()


def test_a_huge_value_is_quoted_short_in_the_error() -> None:
    text = RESOURCE.replace("kind: book", "kind: " + "magazine" * 20_000)
    with pytest.raises(CatalogError) as caught:
        parse_resources([("huge.yaml", text)])
    [issue] = caught.value.issues
    assert issue.line == 5 and "is not a known kind" in issue.message
    assert len(issue.message) < 400


def test_aliases_that_repeat_a_little_still_load() -> None:
    text = """\
resources:
  - &first
    id: first-book
    title: First
    authors: &authors [Ada Lovelace, Charles Babbage]
    kind: book
    url: https://example.org/first
    cost: free
    topics: [linear-algebra]
    level: beginner
    length: {amount: 10, unit: pages}
    summary: A book.
    why: Because.
  - <<: *first
    id: second-book
    title: Second
    authors: *authors
"""
    first, second = parse_resources([("merged.yaml", text)])
    assert (second.id, second.authors, second.kind) == ("second-book", first.authors, first.kind)


def test_aliases_may_not_repeat_far_more_than_a_file_writes() -> None:
    # Each resource repeats 900 values (under the per-resource bound); together they repeat far more.
    names = ", ".join(f"Author {n}" for n in range(900))
    first = RESOURCE.replace("authors: [Mallory]", f"authors: &everyone [{names}]")
    rest = "".join(
        RESOURCE.removeprefix("resources:\n")
        .replace("hostile-book", f"hostile-book-{n}")
        .replace("authors: [Mallory]", "authors: *everyone")
        for n in range(100)
    )
    with pytest.raises(CatalogError) as caught:
        parse_resources([("many.yaml", first + rest)])
    assert "repeat more values than this file writes out" in caught.value.issues[0].message


async def test_an_uploaded_alias_bomb_is_refused_and_the_bot_keeps_answering(pillars: Sandbox) -> None:
    before = dump_database(database_path(pillars))
    bomb = alias_bomb(6)  # 531,441 values: big enough to show, small enough to survive without the bound

    refused, helped = await asyncio.gather(
        pillars.command("admin", "catalog import", file=("bomb.yaml", bomb)),
        pillars.command("alice", "help"),
    )

    assert refused.ephemeral and "Nothing was imported" in refused.content
    assert "bomb.yaml:5: " in refused.content and "YAML aliases" in refused.content, refused.content[:500]
    assert reply_problems(refused) == [] and not refused.buttons
    assert helped.embeds
    assert dump_database(database_path(pillars)) == before
