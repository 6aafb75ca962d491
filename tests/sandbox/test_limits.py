"""The emulator refuses what Discord refuses, with 50035 and the path of the offending value."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.sandbox import Sandbox
from bot.sandbox.limits import (
    check_choices,
    check_commands,
    check_components,
    check_embeds,
    check_message,
    check_modal,
    invalid_form_body,
)


def _paths(problems: list) -> list[str]:
    return [".".join(p.path) for p in problems]


def _command(**fields: Any) -> dict[str, Any]:
    return {"name": "recommend", "description": "Recommend a resource", "type": 1, **fields}


def test_a_message_at_every_limit_passes() -> None:
    embed = {
        "title": "t" * 256,
        "description": "d" * 1000,
        "fields": [{"name": "n" * 10, "value": "v" * 100} for _ in range(25)],
        "footer": {"text": "f" * 100},
    }
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "l" * 80, "custom_id": f"b{i}"} for i in range(5)],
    }
    message = {"content": "c" * 2000, "embeds": [embed], "components": [row]}

    assert check_message(message) == []


def test_each_limit_over_by_one_is_named() -> None:
    assert _paths(check_message({"content": "c" * 2001})) == ["content"]
    assert _paths(check_embeds([{"title": "t" * 257}])) == ["embeds.0.title"]
    assert _paths(check_embeds([{"description": "d" * 4097}])) == ["embeds.0.description"]
    assert _paths(check_embeds([{"footer": {"text": "f" * 2049}}])) == ["embeds.0.footer.text"]
    assert _paths(check_embeds([{"fields": [{"name": "n", "value": "v"}] * 26}])) == ["embeds.0.fields"]
    assert _paths(check_embeds([{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}])) == [
        "embeds.0.fields.0.name",
        "embeds.0.fields.0.value",
    ]
    assert _paths(check_embeds([{"title": "t"}] * 11)) == ["embeds"]
    assert _paths(check_embeds([{"description": "d" * 4000}, {"description": "d" * 2001}])) == ["embeds"]


def test_components_limits() -> None:
    button = {"type": 2, "style": 1, "label": "ok", "custom_id": "x"}
    six_wide = [{"type": 1, "components": [{**button, "custom_id": f"b{i}"} for i in range(6)]}]
    six_rows = [{"type": 1, "components": [{**button, "custom_id": f"r{i}"}]} for i in range(6)]

    assert _paths(check_components(six_wide)) == ["components.0.components"]
    assert _paths(check_components(six_rows)) == ["components"]
    assert _paths(check_components([{"type": 1, "components": [{**button, "label": "l" * 81}]}])) == [
        "components.0.components.0.label"
    ]
    assert _paths(check_components([{"type": 1, "components": [{**button, "custom_id": "c" * 101}]}])) == [
        "components.0.components.0.custom_id"
    ]
    assert _paths(check_components([{"type": 1, "components": [button, button]}])) == [
        "components.0.components.1.custom_id"
    ]
    link = {"type": 2, "style": 5, "label": "Open", "url": "https://example.org"}
    assert check_components([{"type": 1, "components": [link]}]) == []


def test_modal_limits_for_rows_and_labels() -> None:
    text_input = {"type": 4, "custom_id": "title", "style": 1, "label": "Title"}
    good = {"custom_id": "m", "title": "t" * 45, "components": [{"type": 1, "components": [text_input]}]}
    assert check_modal(good) == []
    assert _paths(check_modal({**good, "title": "t" * 46})) == ["title"]
    six = [{"type": 1, "components": [{**text_input, "custom_id": f"i{n}"}]} for n in range(6)]
    assert _paths(check_modal({**good, "components": six})) == ["components"]
    long_label = {"type": 18, "label": "l" * 46, "component": {"type": 4, "custom_id": "x", "style": 1}}
    assert _paths(check_modal({**good, "components": [long_label]})) == ["components.0.label"]
    long_help = {**long_label, "label": "Authors", "description": "d" * 101}
    assert _paths(check_modal({**good, "components": [long_help]})) == ["components.0.description"]


def test_a_prefilled_value_must_fit_its_inputs_own_bounds() -> None:
    def modal_with(**text_input: Any) -> dict[str, Any]:
        component = {"type": 4, "custom_id": "authors", "style": 1, **text_input}
        return {"title": "Edit", "custom_id": "m", "components": [{"type": 18, "label": "A", "component": component}]}

    assert check_modal(modal_with(value="a" * 400, max_length=400)) == []
    assert _paths(check_modal(modal_with(value="a" * 401, max_length=400))) == ["components.0.component.value"]
    assert _paths(check_modal(modal_with(value="ab", min_length=3))) == ["components.0.component.value"]


def test_choices_limits() -> None:
    assert check_choices([{"name": "n", "value": "v"}] * 25) == []
    assert _paths(check_choices([{"name": "n", "value": "v"}] * 26)) == ["choices"]
    assert _paths(check_choices([{"name": "n" * 101, "value": "v" * 101}])) == ["choices.0.name", "choices.0.value"]


def test_command_definitions_are_checked_like_discord() -> None:
    assert check_commands([_command(), {"name": "Quote message", "type": 3, "description": ""}]) == []
    assert _paths(check_commands([_command(name="Recommend")])) == ["0.name"]
    assert _paths(check_commands([_command(name="a" * 33)])) == ["0.name"]
    assert _paths(check_commands([_command(name="two words")])) == ["0.name"]
    assert _paths(check_commands([_command(description="")])) == ["0.description"]
    assert _paths(check_commands([_command(description="d" * 101)])) == ["0.description"]
    options = [{"name": f"o{i}", "description": "d", "type": 3} for i in range(26)]
    assert _paths(check_commands([_command(options=options)])) == ["0.options"]
    choices = [{"name": f"c{i}", "value": f"c{i}"} for i in range(26)]
    option = {"name": "topic", "description": "d", "type": 3, "choices": choices}
    assert _paths(check_commands([_command(options=[option])])) == ["0.options.0.choices"]
    sub = {"name": "log", "description": "d", "type": 1, "options": [{"name": "Bad", "description": "d", "type": 3}]}
    assert _paths(check_commands([_command(options=[sub])])) == ["0.options.0.options.0.name"]
    required_late = [
        {"name": "a", "description": "d", "type": 3},
        {"name": "b", "description": "d", "type": 3, "required": True},
    ]
    assert _paths(check_commands([_command(options=required_late)])) == ["0.options.1.required"]
    assert _paths(check_commands([_command(), _command()])) == ["1.name"]


def test_the_error_body_nests_errors_by_path() -> None:
    body = invalid_form_body(check_embeds([{"title": "t" * 257}]))

    assert body["code"] == 50035
    assert body["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


async def test_the_sandbox_keeps_what_the_bot_synced(sandbox: Sandbox) -> None:
    names = {(c["type"], c["name"]) for c in sandbox.synced_commands}

    assert {(1, "echo"), (1, "notes"), (3, "Quote message")} <= names
    assert all(c["guild_id"] == str(sandbox.world.guild_id) for c in sandbox.synced_commands)
    assert all(c["application_id"] == str(sandbox.world.application_id) for c in sandbox.synced_commands)
    assert len({c["id"] for c in sandbox.synced_commands}) == len(sandbox.synced_commands)
    fetched = await sandbox.bot.tree.fetch_commands(guild=discord.Object(sandbox.world.guild_id))
    assert sorted(c.name for c in fetched) == sorted(c["name"] for c in sandbox.synced_commands)


async def test_syncing_a_command_over_discords_limits_fails_in_discord_py(sandbox: Sandbox) -> None:
    too_long = {"name": "echo", "description": "d" * 101, "type": 1}

    with pytest.raises(discord.HTTPException) as refused:
        await sandbox.bot.http.bulk_upsert_guild_commands(
            sandbox.world.application_id, sandbox.world.guild_id, [too_long]
        )

    assert refused.value.code == 50035
    assert "0.description" in str(refused.value)
    assert any(c["name"] == "recommend" for c in sandbox.synced_commands)  # the refused sync changed nothing


async def test_an_oversize_channel_message_raises_http_exception(sandbox: Sandbox) -> None:
    channel = sandbox.bot.get_channel(sandbox.world.default_channel.id)

    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("x" * 2001)  # discord.py checks the embed count itself, not the length
    sent = await channel.send("fine", embed=discord.Embed(title="ok"))

    assert refused.value.code == 50035
    assert sandbox.emulator.messages[sent.id]["content"] == "fine"
    assert (await channel.fetch_message(sent.id)).embeds[0].title == "ok"
