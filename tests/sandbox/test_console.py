"""The sandbox console: reading script lines, and a short script run against the test bot."""

from __future__ import annotations

import io
import json

import pytest

from bot.sandbox import Sandbox
from bot.sandbox.console import Action, ScriptError, parse_line, run_lines, split_command, split_options, split_pairs

SYNCED = [
    {"name": "recommend", "type": 1, "options": [{"name": "topic", "type": 3}, {"name": "level", "type": 3}]},
    {
        "name": "progress",
        "type": 1,
        "options": [
            {"name": "log", "type": 1, "options": [{"name": "resource", "type": 3}, {"name": "position", "type": 4}]},
            {"name": "show", "type": 1, "options": []},
        ],
    },
    {"name": "catalog", "type": 1, "options": [{"name": "admin", "type": 2, "options": [
        {"name": "retire", "type": 1, "options": [{"name": "resource", "type": 3}]}]}]},
    {"name": "Quote message", "type": 3},
]  # fmt: skip


def test_lines_are_read_as_actions() -> None:
    assert parse_line("as alice: /recommend topic: linear algebra") == Action(
        "alice", "command", "recommend topic: linear algebra", "as alice: /recommend topic: linear algebra"
    )
    assert parse_line('click "Start reading"') == Action(None, "click", '"Start reading"', 'click "Start reading"')
    assert parse_line("As Mod: modal title: X | url: https://x.org").user == "mod"
    assert parse_line("  # a comment") is None
    assert parse_line("") is None
    with pytest.raises(ScriptError, match="expected 'as USER: /command option: value'"):
        parse_line("as alice: recommend something")


def test_option_values_run_to_the_next_known_option_name() -> None:
    assert split_options("topic: linear algebra level: beginner", ["topic", "level"]) == {
        "topic": "linear algebra",
        "level": "beginner",
    }
    assert split_options("topic: see https://x.org/a: b", ["topic"]) == {"topic": "see https://x.org/a: b"}
    assert split_options("", ["topic"]) == {}
    with pytest.raises(ScriptError, match="written 'name: value'"):
        split_options("linear algebra", ["topic"])


def test_commands_are_split_with_the_synced_definitions() -> None:
    assert split_command("recommend topic: linear algebra", SYNCED) == ("recommend", {"topic": "linear algebra"})
    assert split_command("progress log resource: axler position: 40", SYNCED) == (
        "progress log",
        {"resource": "axler", "position": "40"},
    )
    assert split_command("catalog admin retire resource: x", SYNCED) == ("catalog admin retire", {"resource": "x"})
    assert split_command("progress show", SYNCED) == ("progress show", {})
    with pytest.raises(ScriptError, match="needs a subcommand: log, show"):
        split_command("progress resource: x", SYNCED)
    with pytest.raises(ScriptError, match="No command /recomend; the bot has: catalog, progress, recommend"):
        split_command("recomend topic: x", SYNCED)


def test_modal_fields_are_separated_by_bars() -> None:
    assert split_pairs("title: Axler | url: https://linear.axler.net") == {
        "title": "Axler",
        "url": "https://linear.axler.net",
    }
    with pytest.raises(ScriptError, match="field: value"):
        split_pairs("just text")


def test_a_backslash_n_in_a_modal_value_is_a_line_break() -> None:
    assert split_pairs(r"text: Short notes.\n\nBecause.") == {"text": "Short notes.\n\nBecause."}


SCRIPT = """\
# a study session
as alice: /recommend topic: linear algebra level: Advanced
as bob: click "Start reading"
as carol: /suggest
modal Title: Axler | url: https://linear.axler.net
as alice: /frobnicate
as alice: autocomplete /notes add topic: lin
as alice: /slow
as alice: message Quote message | text: how do I learn linear algebra? | author: bob
"""


async def test_a_script_runs_as_text(sandbox: Sandbox) -> None:
    out = io.StringIO()

    failed = await run_lines(sandbox, SCRIPT.splitlines(), as_json=False, out=out)

    text = out.getvalue()
    assert failed == 1
    assert "#1 alice › /recommend topic: linear algebra level: Advanced  (public)" in text
    assert "  ┌ Linear Algebra (advanced)  <https://example.org/book>" in text
    assert "  │ Why: It is clear." in text
    assert "  [1] Start reading  [2] Details" in text
    assert '#2 bob › click "Start reading" on #1  (public, updated)\n  bob started reading.' in text
    assert "carol › /suggest  → modal 'Suggest a resource'" in text
    assert "carol › modal Title: Axler | url: https://linear.axler.net  (only carol)" in text
    assert "✗ No command /frobnicate" in text
    assert "Linear Algebra  = 'linear algebra'" in text
    assert "  Thought about it.\n  + follow-up (public)\n    One more thing." in text
    assert "> how do I learn linear algebra?" in text


async def test_a_script_runs_as_json_lines(sandbox: Sandbox) -> None:
    out = io.StringIO()
    lines = ["as alice: /recommend topic: calculus", "click 1", "as alice: /echo text: hi times: lots"]

    failed = await run_lines(sandbox, lines, as_json=True, out=out)

    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failed == 1
    assert [r["command"] for r in records] == [
        "/recommend topic: calculus",
        "click 1 on #1",
        "/echo text: hi times: lots",
    ]
    assert [r.get("number") for r in records] == [1, 2, None]
    first, clicked, bad = records
    assert {"user", "command", "ephemeral", "content", "embeds", "components", "error"} <= set(first)
    assert first["ephemeral"] is False and first["error"] is None
    assert first["embeds"][0]["title"] == "Calculus (beginner)"
    assert first["components"][0][0]["label"] == "Start reading"
    assert first["components"][0][0]["custom_id"] == "study:start"
    assert clicked["user"] == "alice" and clicked["content"] == "alice started reading."
    assert clicked["components"][0][0]["disabled"] is True
    assert bad["content"] is None and "takes integer" in bad["error"]


async def test_run_console_runs_a_script_and_exits_1_when_a_line_failed() -> None:
    from bot.sandbox.console import run_console
    from tests.sandbox.study_bot import make_study_bot

    out = io.StringIO()

    good = await run_console(make_study_bot, ["as alice: /echo text: hello there"], as_json=False, out=out)
    bad = await run_console(make_study_bot, ["as alice: /echo"], as_json=False, out=out)

    assert (good, bad) == (0, 1)
    assert "alice › /echo text: hello there  (public)\n  hello there" in out.getvalue()
    assert "✗ /echo needs 'text'" in out.getvalue()
