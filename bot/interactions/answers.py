"""How the bot answers an interaction: privately unless it says otherwise, within Discord's limits, pinging nobody.

The failures of an interaction are answered by the error handler (`bot.interactions.errors.send_ephemeral`),
which also copes with an interaction already answered or expired; this is for answers that went well.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.utils import MISSING

from bot.ui import limits

NO_PINGS = discord.AllowedMentions.none()


async def answer(
    interaction: discord.Interaction[Any],
    text: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    public: bool = False,
) -> None:
    """Answer with text (cut to fit), an embed, a view of buttons or a file: privately unless `public`."""
    await interaction.response.send_message(
        limits.content(text) if text else None,
        embed=MISSING if embed is None else embed,  # not `embed or …`: an embed with no fields is falsy
        view=MISSING if view is None else view,
        file=MISSING if file is None else file,
        ephemeral=not public,
        allowed_mentions=NO_PINGS,
    )
