"""Options shared by several commands: topic and resource, each with its autocomplete and its reading.

A member may pick a suggestion or type freely; either way the value is read forgivingly ("linalg",
a title instead of an id) and an unknown one fails with "did you mean…", never with everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.catalog.catalog import Catalog
from bot.catalog.matching import did_you_mean, resolve_topic, resource_choices, suggest_words, topic_choices
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.errors import InvalidInputError, NotFoundError
from bot.reading import ReadingStatus
from bot.ui import limits
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

STATUS_CHOICES = [app_commands.Choice(name=status.label, value=status.value) for status in ReadingStatus]
BACKGROUND_CHOICES = [app_commands.Choice(name=b.label, value=b.value) for b in Background]
LEVEL_CHOICES = [app_commands.Choice(name=level.value, value=level.value) for level in Level]
KIND_CHOICES = [app_commands.Choice(name=kind.label, value=kind.value) for kind in Kind]


async def catalog_of(interaction: discord.Interaction[PillarsBot]) -> Catalog:
    """The catalog the member's server sees (the curated one in a DM)."""
    return await interaction.client.store.catalog_for(interaction.guild_id)


def unknown_topic(text: str) -> NotFoundError:
    """The error for a topic nobody knows, with the closest topics."""
    known = ", ".join(t.label for t in Topic)
    hint = did_you_mean(suggest_words(text))
    return NotFoundError(limits.cut(f"I don't know the topic '{literal(text)}'{hint}. Topics: {known}.", 1500))


class TopicOption(app_commands.Transformer):
    """A topic: autocomplete over labels and synonyms; typed text read forgivingly."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Topic:
        """The topic the value names; NotFoundError with suggestions otherwise."""
        topic = resolve_topic(value)
        if topic is None:
            raise unknown_topic(value)
        return topic

    async def autocomplete(  # type: ignore[override]  # discord.py's stub says Choice[int | float | str]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """Topics and synonyms matching what was typed."""
        return limits.choices(topic_choices(value))


def match_resource(catalog: Catalog, value: str) -> Resource | None:
    """The resource of `catalog` a typed value names: its id (from autocomplete), its whole title, or the
    beginning of one title only; None when it names none, InvalidInputError when it begins several titles."""
    value = value.strip()
    found = catalog.get(value)
    if found is not None:
        return found
    lowered = value.lower()
    for resource in catalog:
        if resource.title.lower() == lowered:
            return resource
    if len(value) >= 4:
        # A typed beginning of one title is that resource; of several, the member must say which, since
        # acting on a guess (retiring "Deep…") is worse than asking.
        starting = [r for r in resource_choices(catalog, value, limit=6) if r.title.lower().startswith(lowered)]
        if len(starting) == 1:
            return starting[0]
        if starting:
            names = ", ".join(f"**{literal(r.title)}**" for r in starting[:5])
            typed = literal(limits.cut(value, 80))
            raise InvalidInputError(f"'{typed}' could be {names}. Pick one from the list as you type.")
    return None


async def retired_here(interaction: discord.Interaction[PillarsBot]) -> Catalog:
    """The resources the member's server retired, as a catalog to match names against (none in a DM)."""
    if interaction.guild_id is None:
        return Catalog([])
    return Catalog(await interaction.client.store.retired(interaction.guild_id))


async def find_resource(interaction: discord.Interaction[PillarsBot], value: str) -> Resource:
    """The live resource a value names (see `match_resource`); NotFoundError saying why otherwise."""
    found = match_resource(await catalog_of(interaction), value)
    if found is not None:
        return found
    retired = match_resource(await retired_here(interaction), value)
    # The store words the "not found" answer: retired here, or unknown with its did-you-mean over ids and titles.
    return await interaction.client.store.resource(interaction.guild_id, retired.id if retired else value.strip())


async def resource_autocomplete(
    interaction: discord.Interaction[PillarsBot], value: str
) -> list[app_commands.Choice[str]]:
    """Resources whose title, authors or id match what was typed: 'Title — Author' → id."""
    catalog = await catalog_of(interaction)
    return limits.choices((f"{r.title} — {', '.join(r.authors)}", r.id) for r in resource_choices(catalog, value))


class ResourceOption(app_commands.Transformer):
    """A resource of the server's live catalog, chosen by title."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Resource:
        """The resource; NotFoundError with "did you mean" otherwise."""
        return await find_resource(interaction, value)

    async def autocomplete(  # type: ignore[override]  # discord.py's stub says Choice[int | float | str]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """Titles matching what was typed."""
        return await resource_autocomplete(interaction, value)


TopicArg = app_commands.Transform[Topic, TopicOption]
ResourceArg = app_commands.Transform[Resource, ResourceOption]


async def titles_for(interaction: discord.Interaction[PillarsBot], resource_ids: list[str]) -> dict[str, str]:
    """id → title for display, for resources retired here too (a member's shelf keeps them)."""
    store = interaction.client.store
    catalog = await catalog_of(interaction)
    titles: dict[str, str] = {}
    retired: dict[str, Resource] | None = None
    for resource_id in resource_ids:
        resource = catalog.get(resource_id)
        if resource is None and interaction.guild_id is not None:
            if retired is None:  # read once, and only when a resource is missing from the live catalog
                retired = {r.id: r for r in await store.retired(interaction.guild_id)}
            resource = retired.get(resource_id)
        resource = resource or store.curated.get(resource_id)
        titles[resource_id] = resource.title if resource is not None else resource_id
    return titles


async def title_of(interaction: discord.Interaction[PillarsBot], resource_id: str) -> str:
    """A resource's title for display, even when it was retired here since."""
    return (await titles_for(interaction, [resource_id]))[resource_id]
