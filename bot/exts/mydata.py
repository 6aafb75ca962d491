"""/mydata export and /mydata delete: a member's own data, to take away or to erase.

Deleting asks for confirmation with a persistent button whose custom_id holds the member's id
(`pillars:forget:<user id>`), so only that member can confirm, even after a restart.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._checks import ensure_write_allowed, pillars_bot
from bot.ui import limits
from bot.ui.views import PersistentButton, PillarsView

NOT_YOURS = "This button belongs to someone else's request. `/mydata delete` makes your own."


class ConfirmDeleteButton(PersistentButton, template=r"pillars:forget:(?P<user>\d{1,20})"):
    """Confirm: delete everything stored about the member whose id is in the custom_id."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete my data",
                style=discord.ButtonStyle.danger,
                custom_id=limits.custom_id("pillars", "forget", user_id),
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ConfirmDeleteButton:
        """Rebuilt from the custom_id on a press."""
        return cls(int(match["user"]))

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Delete, if the presser is the member who asked; refuse anyone else politely."""
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        ensure_write_allowed(interaction)
        removed = await pillars_bot(interaction).store.delete_member(self.user_id)
        text = f"🗑️ Done: everything I stored about you is gone ({removed} records)."
        await interaction.response.edit_message(content=text, embed=None, view=None)


class CancelDeleteButton(PersistentButton, template=r"pillars:keep:(?P<user>\d{1,20})"):
    """Cancel the deletion; only the member who asked can."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Keep my data",
                style=discord.ButtonStyle.secondary,
                custom_id=limits.custom_id("pillars", "keep", user_id),
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CancelDeleteButton:
        """Rebuilt from the custom_id on a press."""
        return cls(int(match["user"]))

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Leave everything as it is."""
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)


class MyData(commands.Cog):
    """A member's own data."""

    group = app_commands.Group(name="mydata", description="Your data: take a copy or delete it")

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @group.command(
        name="export",
        description="Everything stored about you, as a JSON file only you see",
        extras={"example": "/mydata export"},
    )
    async def export(self, interaction: discord.Interaction) -> None:
        """Send the member's data as a private JSON attachment."""
        data = await pillars_bot(interaction).store.export_member(interaction.user.id)
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
        name = f"pillars-data-{interaction.user.id}-{datetime.now(UTC):%Y%m%d}.json"
        await interaction.response.send_message(
            "Here is everything I store about you.", file=discord.File(io.BytesIO(body), filename=name), ephemeral=True
        )

    @group.command(
        name="delete",
        description="Delete everything stored about you (asks to confirm)",
        extras={"example": "/mydata delete"},
    )
    async def delete(self, interaction: discord.Interaction) -> None:
        """Ask for confirmation with buttons only this member can use."""
        view = PillarsView(timeout=None)
        view.add_item(ConfirmDeleteButton(interaction.user.id))
        view.add_item(CancelDeleteButton(interaction.user.id))
        text = (
            "This deletes your shelves, reading history, notes and suggestions, everywhere, for good. "
            "`/mydata export` first if you want a copy. Delete?"
        )
        await interaction.response.send_message(text, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Load the cog and register the confirmation buttons."""
    bot.add_dynamic_items(ConfirmDeleteButton, CancelDeleteButton)
    await bot.add_cog(MyData(bot))
