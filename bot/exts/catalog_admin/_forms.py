"""The resource form, for adding and editing, the contents form, and what a submitted form does.

A form may be submitted minutes after it opened, so the moderator is checked again on submit. A refused form
answers with what is wrong and a button that reopens it as typed. Under a saved resource, a persistent
button opens its contents form: `pillars:contents:<resource id>` (moderators only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.catalog.forms import (
    MAX_CONTENTS_TEXT,
    ContentsForm,
    ContentsTooLong,
    ResourceForm,
    contents_form_for,
    resource_from_form,
    resource_with_contents,
    slug_for,
)
from bot.catalog.schema import Resource
from bot.errors import InvalidInputError
from bot.interactions.answers import acknowledge, answer
from bot.interactions.buttons import RESOURCE_ID, Look, PersistentButton
from bot.interactions.checks import ensure_moderator, server_id
from bot.interactions.views import PersistentView
from bot.ui.catalog import ContentsModal, Draft, ReopenFormView, ResourceModal
from bot.ui.resource_card import card_embed
from bot.ui.text import counted, literal

if TYPE_CHECKING:
    from bot.app import PillarsBot


def add_modal(form: ResourceForm) -> ResourceModal:
    """The form that adds a resource to this server's catalog."""
    return ResourceModal(title="Add a resource", form=form, save=save_new_resource, purpose="add")


def edit_modal(resource_id: str, form: ResourceForm) -> ResourceModal:
    """The form that edits one resource, filled with `form`."""

    async def save(interaction: discord.Interaction[PillarsBot], typed: ResourceForm) -> None:
        await save_edited_resource(interaction, resource_id, typed)

    return ResourceModal(title="Edit a resource", form=form, save=save, purpose="edit")


async def _refuse(
    interaction: discord.Interaction[PillarsBot],
    error: InvalidInputError,
    modal: Callable[[Draft], discord.ui.Modal],
    form: Draft,
) -> None:
    """Say what is wrong with the form, with a button to reopen it as typed."""
    await answer(interaction, error.message, view=ReopenFormView(modal, form))


def contents_modal(resource_id: str, form: ContentsForm) -> ContentsModal:
    """The form that sets a resource's sections and concepts, filled with `form`."""

    async def save(interaction: discord.Interaction[PillarsBot], typed: ContentsForm) -> None:
        await save_contents(interaction, resource_id, typed)

    return ContentsModal(title="Contents of a resource", form=form, save=save)


async def open_contents_form(interaction: discord.Interaction[PillarsBot], resource: Resource) -> None:
    """Open the contents form filled with the resource's sections, or say why they cannot fit in one."""
    try:
        form = contents_form_for(resource)
    except ContentsTooLong as too_long:
        text = (
            f"The contents of **{literal(resource.title)}** take {too_long.length:,} characters, more than a form "
            f"holds ({MAX_CONTENTS_TEXT:,}), and I would rather not cut them. Use `/catalog export`, edit the "
            "sections in the file, and bring it back with `/catalog import`."
        )
        await answer(interaction, text)
        return
    await interaction.response.send_modal(contents_modal(resource.id, form))


async def save_contents(interaction: discord.Interaction[PillarsBot], resource_id: str, form: ContentsForm) -> None:
    """Validate the typed contents against the vocabulary and save them on the live resource."""
    guild_id = await ensure_moderator(interaction)
    concepts = (await interaction.client.store.catalog_for(guild_id)).concepts

    def saved(resource: Resource) -> str:
        return (
            f"📑 Saved the contents of **{literal(resource.title)}**: {counted(len(resource.sections), 'section')}, "
            f"{counted(len(resource.taught_concepts), 'concept')} taught. Paths and `/resource info` use them at once."
        )

    await _save_edit(
        interaction,
        guild_id,
        resource_id,
        lambda current: resource_with_contents(form, current, concepts),
        lambda draft: contents_modal(resource_id, draft),
        form,
        unchanged=lambda current: (
            f"Nothing changed: the contents of **{literal(current.title)}** already read like that."
        ),
        saved=saved,
    )


async def _save_edit(
    interaction: discord.Interaction[PillarsBot],
    guild_id: int,
    resource_id: str,
    build: Callable[[Resource], Resource],
    reopen: Callable[[Draft], discord.ui.Modal],
    form: Draft,
    *,
    unchanged: Callable[[Resource], str],
    saved: Callable[[Resource], str],
) -> None:
    """Build the edited resource from the live one and save it; a refused form answers with a button to `reopen`
    it as typed."""
    await acknowledge(interaction)  # the write may wait longer than Discord does
    store = interaction.client.store
    current = await store.resource(guild_id, resource_id)
    try:
        resource = build(current)
    except InvalidInputError as error:
        await _refuse(interaction, error, reopen, form)
        return
    if resource == current:
        await answer(interaction, unchanged(current))
        return
    await store.edit_resource(guild_id, interaction.user.id, resource)
    await answer(
        interaction, saved(resource), embed=await card_embed(interaction, resource), view=_contents_view(resource.id)
    )


def _contents_view(resource_id: str) -> PersistentView:
    """The Edit contents button under a saved resource."""
    return PersistentView(EditContentsButton(resource_id))


class EditContentsButton(PersistentButton, template=rf"pillars:contents:(?P<resource_id>{RESOURCE_ID})"):
    """Open a resource's contents form (moderators only)."""

    def __init__(self, resource_id: str) -> None:
        super().__init__(Look("Edit contents", discord.ButtonStyle.secondary, "📑"), "contents", resource_id)
        self.resource_id = resource_id

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Only moderators change the catalog."""
        await ensure_moderator(interaction)

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Open the contents form of the resource as it is now."""
        resource = await interaction.client.store.resource(server_id(interaction), self.resource_id)
        await open_contents_form(interaction, resource)


async def save_new_resource(interaction: discord.Interaction[PillarsBot], form: ResourceForm) -> None:
    """Validate the typed resource and add it under an id made from its title."""
    guild_id = await ensure_moderator(interaction)
    await acknowledge(interaction)  # the write may wait longer than Discord does
    store = interaction.client.store
    taken = {
        *(await store.catalog_for(guild_id)).ids,
        *(r.id for r in await store.retired(guild_id)),
        *store.curated.ids,
    }
    try:
        resource = resource_from_form(form, slug_for(form.title, taken))
    except InvalidInputError as error:
        await _refuse(interaction, error, add_modal, form)
        return
    added = await store.add_resource(guild_id, interaction.user.id, resource)
    text = (
        f"➕ Added **{literal(added.title)}** (`{added.id}`) to this server's catalog. `/catalog edit` changes it; "
        "**Edit contents** gives its sections and the concepts it teaches."
    )
    await answer(interaction, text, embed=await card_embed(interaction, added), view=_contents_view(added.id))


async def save_edited_resource(
    interaction: discord.Interaction[PillarsBot], resource_id: str, form: ResourceForm
) -> None:
    """Validate the typed resource and replace the live one with the same id."""
    guild_id = await ensure_moderator(interaction)
    await _save_edit(
        interaction,
        guild_id,
        resource_id,
        lambda current: resource_from_form(form, resource_id, keep=current),
        lambda draft: edit_modal(resource_id, draft),
        form,
        unchanged=lambda current: (
            f"Nothing changed: **{literal(current.title)}** (`{current.id}`) already reads like that."
        ),
        saved=lambda resource: (
            f"✏️ Saved **{literal(resource.title)}** (`{resource.id}`). Members see the new version at once."
        ),
    )
