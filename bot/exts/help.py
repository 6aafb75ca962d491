"""/help: what each command does, with an example, built from the command tree itself.

A command's description comes from its definition; its example from `@example("…")` above it, and a group
marked `extras={"moderator": True}` lists its commands under "For moderators" (`bot.interactions.help_text`).
A new command shows up here without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import EXAMPLE, MODERATOR, example
from bot.ui import embeds, limits

if TYPE_CHECKING:
    from bot.app import PillarsBot

# Commands a newcomer needs first come first; any other command follows in name order.
ORDER = ("recommend", "path", "resource", "progress", "goal", "reminders", "club", "leaderboard", "mydata", "help")

INTRO = (
    "Pillars recommends resources for the mathematics behind machine learning — linear algebra, "
    "probability, multivariate calculus, optimization — shows the way to a topic or a concept, "
    "and keeps track of what you read. A resource's card has **Report a problem** for a dead link or a wrong fact."
)


def for_moderators(command: app_commands.Command) -> bool:
    """Whether the command, or a group it belongs to, is marked `extras={"moderator": True}`."""
    node: app_commands.Command | app_commands.Group | None = command
    while node is not None:
        if node.extras.get(MODERATOR):
            return True
        node = node.parent
    return False


def command_lines(tree: app_commands.CommandTree) -> tuple[list[str], list[str]]:
    """One line per slash command and message command: (for everyone, for moderators)."""
    everyone: list[str] = []
    moderators: list[str] = []
    slash: Iterable[app_commands.Command | app_commands.Group] = tree.walk_commands(
        type=discord.AppCommandType.chat_input
    )

    def rank(command: app_commands.Command | app_commands.Group) -> tuple[int, str]:
        root = command.qualified_name.split()[0]
        return (ORDER.index(root) if root in ORDER else len(ORDER), command.qualified_name)

    for command in sorted(slash, key=rank):
        if isinstance(command, app_commands.Group):
            continue
        line = f"`/{command.qualified_name}` — {command.description}"
        examples = command.extras.get(EXAMPLE) or ()
        if examples:
            line += "\n  e.g. " + " · ".join(f"`{shown}`" for shown in examples)
        (moderators if for_moderators(command) else everyone).append(line)
    for menu in tree.get_commands(type=discord.AppCommandType.message):
        everyone.append(f"**{menu.name}** (right-click a message → Apps) — picks drawn from that message's text")
    return everyone, moderators


def help_embed(tree: app_commands.CommandTree) -> discord.Embed:
    """The help embed: intro, then each command with its example; long sections split across fields."""
    everyone, moderators = command_lines(tree)
    embed = discord.Embed(title="Pillars: commands", description=INTRO, colour=embeds.COLOUR)
    for title, lines in (("For everyone", everyone), ("For moderators", moderators)):
        chunk: list[str] = []
        part = 0
        for line in [*lines, None]:
            if line is not None and len("\n".join([*chunk, line])) <= limits.EMBED_FIELD_VALUE:
                chunk.append(line)
                continue
            if chunk:
                part += 1
                embed.add_field(name=title if part == 1 else f"{title} (more)", value="\n".join(chunk), inline=False)
            chunk = [limits.cut(line, limits.EMBED_FIELD_VALUE)] if line is not None else []
    embed.set_footer(text="Personal answers are visible only to you. Buttons keep working after a restart.")
    return limits.fit_embed(embed)


class Help(PillarsCog):
    """The /help command."""

    @example("/help")
    @app_commands.command(name="help", description="What each command does, with examples")
    async def help(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Answer privately with every command."""
        await interaction.response.send_message(embed=help_embed(self.bot.tree), ephemeral=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog."""
    await bot.add_cog(Help(bot))
