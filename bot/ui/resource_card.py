"""A resource as every feature shows it: its embed with the member's progress, and the buttons under it.

`/recommend`, `/resource info` and `/resource search` all show these, so they live here rather than in one
of those extensions. Both buttons are persistent (`bot.interactions.buttons`):

- `pillars:start:<resource id>`: put that resource on the presser's reading shelf.
- `pillars:details:<resource id>`: the resource card, privately.
- `pillars:report:<resource id>`: Report a problem with it (`bot.ui.problem_report`), in a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.catalog.schema import Resource
from bot.interactions.answers import acknowledge, answer
from bot.interactions.buttons import RESOURCE_ID, Look, PersistentButton
from bot.interactions.checks import ensure_write_allowed
from bot.interactions.options import catalog_of, title_of, titles_for
from bot.interactions.views import PersistentView
from bot.reading import ReadingStatus
from bot.store.models import ShelfEntry
from bot.ui import embeds, problem_report
from bot.ui.problem_report import ReportProblemButton
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot


async def card_embed(
    interaction: discord.Interaction[PillarsBot], resource: Resource, *, entry: ShelfEntry | None = None
) -> discord.Embed:
    """The resource's embed with the titles of what it builds on, its contents in this server's vocabulary, and
    what the members' reading shows (privacy first: see `bot.community`)."""
    titles = await titles_for(interaction, list(resource.prerequisites))
    # A prerequisite no catalog knows any more has no title to show; its id would mean nothing to a member.
    builds_on = [titles[p] for p in resource.prerequisites if titles[p] != p]
    catalog = await catalog_of(interaction)
    card = await interaction.client.store.community_card(interaction.guild_id, resource)
    went_on = {rid for outcomes in (card.here, card.everywhere) if outcomes for rid, _ in outcomes.went_on}
    names: dict[int, str] = {}
    for review in card.reviews:  # a signed review carries its author, named as this server knows them
        member = interaction.guild.get_member(review.author_id) if interaction.guild and review.author_id else None
        if member is not None:
            names[member.id] = member.display_name
    return embeds.resource_embed(
        resource,
        entry=entry,
        builds_on=builds_on,
        concepts=catalog.concepts,
        community=card,
        titles={rid: catalog[rid].title for rid in went_on if rid in catalog},
        names=names,
    )


def card_buttons(
    interaction: discord.Interaction[PillarsBot], resource: Resource, *, reading: bool = False
) -> list[PersistentButton]:
    """Start reading (unless the member is reading it); in a server, Report a problem too (a report goes to that
    server's moderators)."""
    buttons: list[PersistentButton] = [] if reading else [StartReadingButton(resource.id, resource.title)]
    if interaction.guild_id is not None:
        buttons.append(ReportProblemButton(resource.id))
    return buttons


async def send_resource_card(interaction: discord.Interaction[PillarsBot], resource: Resource) -> None:
    """Answer privately with everything about the resource, the member's progress on it, what the members'
    reading shows, and Start reading unless they are reading it already."""
    entry = next(
        (e for e in await interaction.client.store.shelf(interaction.user.id) if e.resource_id == resource.id), None
    )
    reading = entry is not None and entry.status is ReadingStatus.READING
    await interaction.response.send_message(
        embed=await card_embed(interaction, resource, entry=entry),
        view=PersistentView(*card_buttons(interaction, resource, reading=reading)),
        ephemeral=True,
    )


class StartReadingButton(PersistentButton, template=rf"pillars:start:(?P<resource_id>{RESOURCE_ID})"):
    """Put a resource on the presser's reading shelf."""

    def __init__(self, resource_id: str, title: str = "", *, row: int | None = None) -> None:
        label = f"Start reading: {title}" if title else "Start reading"
        super().__init__(Look(label, discord.ButtonStyle.success, "📖"), "start", resource_id, row=row)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Log 'reading' for the presser, unless it is already on their reading shelf."""
        store = interaction.client.store
        current = (await store.statuses(interaction.user.id)).get(self.resource_id)
        title = await title_of(interaction, self.resource_id)
        if current is ReadingStatus.READING:
            text = f"**{literal(title)}** is already on your reading shelf. `/progress log` records how far you are."
            await interaction.response.send_message(text, ephemeral=True)
            return
        ensure_write_allowed(interaction)
        await acknowledge(interaction)  # the write may wait longer than Discord does
        entry = await store.log_progress(
            interaction.user.id, interaction.guild_id, self.resource_id, status=ReadingStatus.READING
        )
        again = " (a re-read: your first read-through is kept)" if entry.read_count > 1 else ""
        text = f"📖 **{literal(title)}** is on your reading shelf{again}. Log how far you get with `/progress log`."
        await answer(interaction, text)


class DetailsButton(PersistentButton, template=rf"pillars:details:(?P<resource_id>{RESOURCE_ID})"):
    """Show the resource card to the presser only."""

    def __init__(self, resource_id: str, label: str = "Details", *, row: int | None = None) -> None:
        super().__init__(Look(label), "details", resource_id, row=row)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """The resource card, with the presser's own progress."""
        resource = await interaction.client.store.resource(interaction.guild_id, self.resource_id)
        await send_resource_card(interaction, resource)


# For `bot.add_dynamic_items` in each extension that shows them.
BUTTONS = (StartReadingButton, DetailsButton, *problem_report.BUTTONS)
