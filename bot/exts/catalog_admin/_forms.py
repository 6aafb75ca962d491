"""The resource form: one modal for adding and editing, and what a submitted form does.

A form may be submitted minutes after it opened, so the moderator is checked again on submit. A refused form
answers with what is wrong and a button that reopens it as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.catalog.forms import ResourceForm, resource_from_form, slug_for
from bot.errors import InvalidInputError
from bot.interactions.answers import answer
from bot.interactions.checks import ensure_moderator
from bot.ui import limits
from bot.ui.catalog import ReopenFormView, ResourceModal
from bot.ui.resource_card import card_embed

if TYPE_CHECKING:
    from bot.app import PillarsBot


def add_modal(form: ResourceForm) -> ResourceModal:
    """The form that adds a resource to this server's catalog."""
    return ResourceModal(title="Add a resource", form=form, save=save_new_resource, custom_id="pillars:catalog:add")


def edit_modal(resource_id: str, form: ResourceForm) -> ResourceModal:
    """The form that edits one resource, filled with `form`."""

    async def save(interaction: discord.Interaction[PillarsBot], typed: ResourceForm) -> None:
        await save_edited_resource(interaction, resource_id, typed)

    return ResourceModal(
        title="Edit a resource", form=form, save=save, custom_id=limits.custom_id("pillars", "edit", resource_id)
    )


async def _refuse(
    interaction: discord.Interaction[PillarsBot],
    error: InvalidInputError,
    modal: Callable[[ResourceForm], ResourceModal],
    form: ResourceForm,
) -> None:
    """Say what is wrong with the form, with a button to reopen it as typed."""
    await answer(interaction, error.message, view=ReopenFormView(modal, form))


async def save_new_resource(interaction: discord.Interaction[PillarsBot], form: ResourceForm) -> None:
    """Validate the typed resource and add it under an id made from its title."""
    guild_id = await ensure_moderator(interaction)
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
    text = f"➕ Added **{added.title}** (`{added.id}`) to this server's catalog. `/catalog edit` changes it."
    await answer(interaction, text, embed=await card_embed(interaction, added))


async def save_edited_resource(
    interaction: discord.Interaction[PillarsBot], resource_id: str, form: ResourceForm
) -> None:
    """Validate the typed resource and replace the live one with the same id."""
    guild_id = await ensure_moderator(interaction)
    store = interaction.client.store
    current = await store.resource(guild_id, resource_id)
    try:
        resource = resource_from_form(form, resource_id, keep=current)
    except InvalidInputError as error:
        await _refuse(interaction, error, lambda draft: edit_modal(resource_id, draft), form)
        return
    if resource == current:
        await answer(interaction, f"Nothing changed: **{current.title}** (`{current.id}`) already reads like that.")
        return
    await store.edit_resource(guild_id, interaction.user.id, resource)
    text = f"✏️ Saved **{resource.title}** (`{resource.id}`). Members see the new version at once."
    await answer(interaction, text, embed=await card_embed(interaction, resource))
