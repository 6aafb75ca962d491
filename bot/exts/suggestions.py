"""/suggest: a member proposes a resource; it waits in the moderators' queue (/catalog suggestions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.catalog.schema import check_web_url
from bot.errors import InvalidInputError
from bot.interactions.answers import acknowledge, answer
from bot.interactions.checks import server_id, server_only, write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.store.store import MAX_NOTE
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot


class Suggestions(PillarsCog):
    """Members suggest resources for the catalog."""

    @example("/suggest title:Mathematics for Machine Learning url:https://mml-book.github.io/")
    @app_commands.command(
        name="suggest", description="Suggest a resource for this server's catalog; a moderator reviews it"
    )
    @app_commands.describe(
        title="The resource's title",
        url="Its web address (http:// or https://)",
        note="Why it's good, who it suits (optional)",
    )
    @app_commands.guild_only()
    @server_only()
    @write_command()
    async def suggest(
        self,
        interaction: discord.Interaction[PillarsBot],
        title: app_commands.Range[str, 1, 200],
        url: app_commands.Range[str, 1, 500],
        note: app_commands.Range[str, 1, MAX_NOTE] | None = None,
    ) -> None:
        """Queue the suggestion and thank the member, privately."""
        try:
            url = check_web_url(url)
        except ValueError as error:
            raise InvalidInputError(f"The link {error}, like https://example.org/book.") from None
        await acknowledge(interaction)  # the write may wait longer than Discord does
        suggestion = await interaction.client.store.add_suggestion(
            server_id(interaction), interaction.user.id, title.strip(), url, note.strip() if note else None
        )
        text = (
            f"💡 Thanks! **{literal(suggestion.title)}** is suggestion #{suggestion.id} in the moderators' queue. "
            "If they approve it, it joins this server's catalog."
        )
        await answer(interaction, text)


async def setup(bot: PillarsBot) -> None:
    """Load the cog."""
    await bot.add_cog(Suggestions(bot))
