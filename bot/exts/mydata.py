"""/mydata export and /mydata delete: a member's own data, to take away or to erase.

Deleting asks for confirmation with persistent buttons whose custom_id holds the member's id
(`pillars:forget:<user id>`, `pillars:keep:<user id>`), so only that member can answer, even after a restart.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.interactions.answers import acknowledge, update_message
from bot.interactions.buttons import MEMBER_ID, Look, OwnerOnlyButton
from bot.interactions.checks import ensure_write_allowed
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.views import PersistentView

if TYPE_CHECKING:
    from bot.app import PillarsBot

NOT_YOURS = "This button belongs to someone else's request. `/mydata delete` makes your own."


class _DeletionButton(OwnerOnlyButton, template=r"(?!)"):
    """An answer to one member's "delete my data?": theirs alone to give."""

    def not_yours(self) -> str:
        """What anyone else who presses it is told."""
        return NOT_YOURS


class ConfirmDeleteButton(_DeletionButton, template=rf"pillars:forget:(?P<owner_id>{MEMBER_ID})"):
    """Confirm: delete everything stored about the member whose id is in the custom_id."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(Look("Delete my data", discord.ButtonStyle.danger), "forget", owner_id)
        self.owner_id = owner_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Delete everything about the member who asked."""
        ensure_write_allowed(interaction)
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        removed = await interaction.client.store.delete_member(self.owner_id)
        text = f"🗑️ Done: everything I stored about you is gone ({removed} records)."
        await update_message(interaction, content=text, embed=None, view=None)


class CancelDeleteButton(_DeletionButton, template=rf"pillars:keep:(?P<owner_id>{MEMBER_ID})"):
    """Cancel the deletion."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(Look("Keep my data"), "keep", owner_id)
        self.owner_id = owner_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Leave everything as it is."""
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)


class MyData(PillarsCog):
    """A member's own data."""

    group = app_commands.Group(name="mydata", description="Your data: take a copy or delete it")

    @example("/mydata export")
    @group.command(name="export", description="Everything stored about you, as a JSON file only you see")
    async def export(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Send the member's data as a private JSON attachment."""
        data = await self.bot.store.export_member(interaction.user.id)
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
        name = f"pillars-data-{interaction.user.id}-{datetime.now(UTC):%Y%m%d}.json"
        await interaction.response.send_message(
            "Here is everything I store about you.", file=discord.File(io.BytesIO(body), filename=name), ephemeral=True
        )

    @example("/mydata delete")
    @group.command(name="delete", description="Delete everything stored about you (asks to confirm)")
    async def delete(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Ask for confirmation with buttons only this member can use."""
        member = interaction.user.id
        view = PersistentView(ConfirmDeleteButton(member), CancelDeleteButton(member))
        text = (
            "This deletes your shelves, reading history, notes, ratings, reviews, suggestions and reports, your "
            "goals, reminders and club memberships, everywhere, for good, and takes your reading out of every "
            "figure others see. "
            "`/mydata export` first if you want a copy. Delete?"
        )
        await interaction.response.send_message(text, view=view, ephemeral=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register the confirmation buttons."""
    bot.add_dynamic_items(ConfirmDeleteButton, CancelDeleteButton)
    await bot.add_cog(MyData(bot))
