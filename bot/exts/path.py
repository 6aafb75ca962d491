"""/path: the way to a topic or a concept, prerequisites first, with the member's own progress marked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.catalog.matching import did_you_mean
from bot.errors import NotFoundError
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.options import catalog_of
from bot.paths import PathTarget, close_targets, resolve_target, target_choices
from bot.ui import limits, path_card

if TYPE_CHECKING:
    from bot.app import PillarsBot


class PathTargetOption(app_commands.Transformer):
    """A topic or a concept: autocomplete over topics, concepts and their synonyms; typed text read forgivingly."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> PathTarget:
        """The topic or concept the value names; NotFoundError with the closest ones otherwise."""
        catalog = await catalog_of(interaction)
        target = resolve_target(catalog, str(value))
        if target is None:
            hint = did_you_mean(close_targets(catalog, str(value)))
            text = f"I know no topic or concept called '{limits.cut(str(value), 80)}'{hint}. Start typing to see them."
            raise NotFoundError(text)
        return target

    async def autocomplete(  # type: ignore[override]  # discord.py's stub says Choice[int | float | str]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """Topics and concepts matching what was typed."""
        return limits.choices(target_choices(await catalog_of(interaction), str(value)))


class LearningPath(PillarsCog):
    """Learning paths."""

    @example("/path to:SVD", "/path to:probability")
    @app_commands.command(name="path", description="The way to a topic or a concept: what it builds on, in order")
    @app_commands.describe(to="A topic (probability, linalg…) or a concept (SVD, Bayes' rule, backprop…)")
    async def path(
        self,
        interaction: discord.Interaction[PillarsBot],
        to: app_commands.Transform[PathTarget, PathTargetOption],
    ) -> None:
        """Answer privately with the page holding the member's next step; ✅ on what they studied."""
        embed, view = await path_card.path_answer(interaction, to)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register the buttons it shows."""
    bot.add_dynamic_items(*path_card.BUTTONS)
    await bot.add_cog(LearningPath(bot))
