"""/catalog's pieces that need no Discord connection: the command definitions and the pending imports."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.exts import catalog_admin, suggestions
from bot.exts.catalog_admin._imports import ImportButton, PendingImports
from bot.exts.catalog_admin._suggestions import SuggestionButton
from bot.interactions.errors import PillarsTree


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pending_import_is_taken_once() -> None:
    pending = PendingImports()
    token = pending.add(1, 2, "a.yaml", [])
    assert token.isalnum() and len(token) <= 40
    found = pending.take(token)
    assert found is not None and (found.owner_id, found.guild_id, found.filename) == (1, 2, "a.yaml")
    assert pending.take(token) is None


def test_a_pending_import_expires() -> None:
    clock = FakeClock()
    pending = PendingImports(ttl=60, clock=clock)
    token = pending.add(1, 2, "a.yaml", [])
    clock.now += 61
    assert pending.take(token) is None
    assert len(pending) == 0


def test_button_custom_ids_fit_and_match_their_templates() -> None:
    biggest = 2**64 - 1
    for button in (
        SuggestionButton(biggest, "approve"),
        SuggestionButton(biggest, "reject"),
        SuggestionButton(biggest, "add"),
        ImportButton(biggest, "0123456789abcdef", "confirm"),
        ImportButton(biggest, "0123456789abcdef", "cancel"),
    ):
        custom_id = button.item.custom_id
        assert custom_id is not None and len(custom_id) <= 100
        assert type(button).__discord_ui_compiled_template__.fullmatch(custom_id)


async def test_the_commands_are_defined_within_discords_limits() -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none(), tree_cls=PillarsTree)
    await catalog_admin.setup(bot)  # type: ignore[arg-type]
    await suggestions.setup(bot)  # type: ignore[arg-type]
    payloads = {command.name: command.to_dict(bot.tree) for command in bot.tree.get_commands()}
    group = payloads["catalog"]
    assert int(group["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    names = {option["name"] for option in group["options"]}
    assert names == {"add", "edit", "retire", "restore", "suggestions", "export", "import", "reload", "log", "settings"}
    for option in group["options"]:
        assert 1 <= len(option["description"]) <= 100
    assert "suggest" in payloads
    assert payloads["suggest"].get("default_member_permissions") is None  # members suggest
    await bot.close()
