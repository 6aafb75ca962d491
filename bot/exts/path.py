"""/path: the ordered learning path for a topic, with the member's own progress marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.options import TopicArg, catalog_of
from bot.recommend import learning_path
from bot.ui import embeds

if TYPE_CHECKING:
    from bot.app import PillarsBot


class LearningPath(PillarsCog):
    """Learning paths."""

    @example("/path topic:probability")
    @app_commands.command(name="path", description="The order to study a topic in, prerequisites first")
    @app_commands.describe(topic="The topic: linear algebra, probability, 'linalg', 'optimisation'…")
    async def path(self, interaction: discord.Interaction[PillarsBot], topic: TopicArg) -> None:
        """Answer privately with the path, ✅ on what the member finished and 📖 on what they read."""
        catalog = await catalog_of(interaction)
        history = await interaction.client.store.statuses(interaction.user.id)
        steps = learning_path(catalog, topic, history)
        await interaction.response.send_message(embed=embeds.path_embed(topic.label, steps), ephemeral=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog."""
    await bot.add_cog(LearningPath(bot))
