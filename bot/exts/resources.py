"""/resource info and /resource search: look up the server's live catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.catalog.matching import did_you_mean, search_resources, suggest_words, words_of
from bot.errors import NotFoundError
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.options import ResourceArg, catalog_of
from bot.interactions.views import PersistentView
from bot.ui import embeds, limits, resource_card
from bot.ui.resource_card import DetailsButton, send_resource_card
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

SEARCH_LIMIT = 10


class Resources(PillarsCog):
    """Looking resources up."""

    group = app_commands.Group(name="resource", description="Look up resources in this server's catalog")

    @example("/resource info resource:Linear Algebra Done Right")
    @group.command(name="info", description="One resource: its contents, where you stand with it, and Report a problem")
    @app_commands.describe(resource="Start typing a title or an author")
    async def info(self, interaction: discord.Interaction[PillarsBot], resource: ResourceArg) -> None:
        """Answer privately with the resource and the member's progress on it."""
        await send_resource_card(interaction, resource)

    @example("/resource search query:convex optimization")
    @group.command(name="search", description="Find resources by words in their title, authors or topics")
    @app_commands.describe(query="Words to look for: 'strang', 'bayesian', 'convex optimization'…")
    async def search(
        self, interaction: discord.Interaction[PillarsBot], query: app_commands.Range[str, 1, 200]
    ) -> None:
        """Answer privately with the best matches, or with close topic words when nothing matches."""
        catalog = await catalog_of(interaction)
        found = search_resources(catalog, query, limit=SEARCH_LIMIT)
        if not found:
            close = [s for word in words_of(query) for s in suggest_words(word)]
            raise NotFoundError(
                limits.content(f"Nothing in the catalog matches '{literal(query)}'{did_you_mean(close)}.")
            )
        embed = discord.Embed(title=f"Search: {literal(query)}", colour=embeds.COLOUR)
        for number, resource in enumerate(found, start=1):
            embed.add_field(
                name=f"{number}. {literal(resource.title)}",
                value=f"by {literal(', '.join(resource.authors))}\n{resource.url}\n{embeds.facts(resource)}",
                inline=False,
            )
        shown = found[: limits.ACTION_ROWS * limits.BUTTONS_PER_ROW]
        view = PersistentView(*(DetailsButton(r.id, f"{n}. {r.title}") for n, r in enumerate(shown, start=1)))
        await interaction.response.send_message(embed=limits.fit_embed(embed), view=view, ephemeral=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register the buttons it shows."""
    bot.add_dynamic_items(*resource_card.BUTTONS)
    await bot.add_cog(Resources(bot))
