"""/resource info and /resource search: look up the server's live catalog."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.matching import search_resources, suggest_words, words_of
from bot.errors import NotFoundError
from bot.exts._checks import pillars_bot
from bot.exts._options import ResourceArg, catalog_of
from bot.exts.recommend import DetailsButton, StartReadingButton
from bot.ui import embeds, limits
from bot.ui.views import PersistentView

SEARCH_LIMIT = 10


class Resources(commands.Cog):
    """Looking resources up."""

    group = app_commands.Group(name="resource", description="Look up resources in this server's catalog")

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @group.command(
        name="info",
        description="Everything about one resource, and where you stand with it",
        extras={"example": "/resource info resource:Linear Algebra Done Right"},
    )
    @app_commands.describe(resource="Start typing a title or an author")
    async def info(self, interaction: discord.Interaction, resource: ResourceArg) -> None:
        """Answer privately with the resource and the member's progress on it."""
        shelf = await pillars_bot(interaction).store.shelf(interaction.user.id)
        entry = next((e for e in shelf if e.resource_id == resource.id), None)
        view = PersistentView()
        view.add_item(StartReadingButton.make(resource.id, resource.title))
        await interaction.response.send_message(
            embed=embeds.resource_embed(resource, entry=entry), view=view, ephemeral=True
        )

    @group.command(
        name="search",
        description="Find resources by words in their title, authors or topics",
        extras={"example": "/resource search query:convex optimization"},
    )
    @app_commands.describe(query="Words to look for: 'strang', 'bayesian', 'convex optimization'…")
    async def search(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]) -> None:
        """Answer privately with the best matches, or with close topic words when nothing matches."""
        catalog = await catalog_of(interaction)
        found = search_resources(catalog, query, limit=SEARCH_LIMIT)
        if not found:
            close = [s for word in words_of(query) for s in suggest_words(word)]
            hint = f" Did you mean {' or '.join(dict.fromkeys(close))}?" if close else ""
            raise NotFoundError(limits.content(f"Nothing in the catalog matches '{query}'.{hint}"))
        embed = discord.Embed(title=f"Search: {query}", colour=embeds.COLOUR)
        for number, resource in enumerate(found, start=1):
            embed.add_field(
                name=f"{number}. {resource.title}",
                value=f"by {', '.join(resource.authors)}\n{resource.url}\n{embeds.facts(resource)}",
                inline=False,
            )
        view = PersistentView()
        for number, resource in enumerate(found[: limits.ACTION_ROWS * limits.BUTTONS_PER_ROW], start=1):
            view.add_item(DetailsButton.make(resource.id, label=f"{number}. {resource.title}"))
        await interaction.response.send_message(embed=limits.fit_embed(embed), view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Resources(bot))
