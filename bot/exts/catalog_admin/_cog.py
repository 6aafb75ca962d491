"""The /catalog commands; what their buttons and forms do is in the sibling modules (see the package)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.catalog.files import CatalogError
from bot.catalog.forms import ResourceForm, form_for
from bot.catalog.matching import resource_choices
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.exts.catalog_admin._files import PACKED_SUFFIX, export_attachment
from bot.exts.catalog_admin._forms import add_modal, edit_modal, open_contents_form
from bot.exts.catalog_admin._imports import PendingImports, check_import
from bot.exts.catalog_admin._suggestions import queue_view
from bot.interactions.answers import acknowledge, answer
from bot.interactions.checks import is_moderator_here, moderator_only, server_id, server_manager_only
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import MODERATOR, example
from bot.interactions.options import (
    ResourceArg,
    catalog_of,
    find_resource,
    match_resource,
    resource_autocomplete,
    retired_here,
)
from bot.ui import catalog as catalog_ui
from bot.ui import limits
from bot.ui.text import counted, literal

if TYPE_CHECKING:
    from bot.app import PillarsBot


EDIT_PARTS = [
    app_commands.Choice(name="details: title, link, authors, facts, summary", value="details"),
    app_commands.Choice(name="contents: sections and the concepts it teaches", value="contents"),
]

CLEARABLE_SETTINGS = [
    app_commands.Choice(name="moderator role", value="moderator_role_id"),
    app_commands.Choice(name="announce channel", value="announce_channel_id"),
]


async def retired_autocomplete(
    interaction: discord.Interaction[PillarsBot], value: str
) -> list[app_commands.Choice[str]]:
    """This server's retired resources matching what was typed; nothing for a member who is not a moderator."""
    if interaction.guild_id is None or not await is_moderator_here(interaction):
        return []
    retired = await retired_here(interaction)
    found = resource_choices(retired, value) if value.strip() else list(retired)
    return limits.choices((f"{r.title} — {', '.join(r.authors)}", r.id) for r in found)


class CatalogAdmin(PillarsCog):
    """Moderators' commands for the server's catalog."""

    catalog = app_commands.Group(
        name="catalog",
        description="Moderators: curate this server's catalog",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        extras={MODERATOR: True},  # /help lists every subcommand under "For moderators"
    )

    def __init__(self, bot: PillarsBot) -> None:
        super().__init__(bot)
        self.pending = PendingImports()

    @example("/catalog add")
    @catalog.command(name="add", description="Add a resource to this server's catalog (opens a form)")
    @moderator_only()
    async def add(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Open the empty resource form."""
        await interaction.response.send_modal(add_modal(ResourceForm()))

    @example(
        "/catalog edit resource:Linear Algebra Done Right",
        "/catalog edit resource:Linear Algebra Done Right part:contents",
    )
    @catalog.command(name="edit", description="Change a resource of this server's catalog (opens a filled form)")
    @app_commands.describe(
        resource="Start typing a title or an author",
        part="What to change: its details (title, link, facts…) or its contents (sections and concepts)",
    )
    @app_commands.choices(part=EDIT_PARTS)
    @moderator_only()
    async def edit(
        self, interaction: discord.Interaction[PillarsBot], resource: ResourceArg, part: str = "details"
    ) -> None:
        """Open the resource form, or the contents form, filled with its current values."""
        if part == "contents":
            await open_contents_form(interaction, resource)
            return
        await interaction.response.send_modal(edit_modal(resource.id, form_for(resource)))

    @example("/catalog retire resource:Grokking Deep Learning")
    @catalog.command(name="retire", description="Hide a resource from this server; members' progress is kept")
    @app_commands.describe(resource="Start typing a title or an author")
    @app_commands.autocomplete(resource=resource_autocomplete)
    @moderator_only()
    async def retire(
        self, interaction: discord.Interaction[PillarsBot], resource: app_commands.Range[str, 1, 200]
    ) -> None:
        """Retire the resource (named as every resource option is) and say what that means."""
        guild_id = server_id(interaction)
        already = match_resource(await retired_here(interaction), resource)
        if already is not None and match_resource(await catalog_of(interaction), resource) is None:
            raise ConflictError(
                f"**{literal(already.title)}** is already retired on this server. `/catalog restore` brings it back."
            )
        chosen = await find_resource(interaction, resource)
        await acknowledge(interaction)  # the write may wait longer than Discord does
        retired = await self.store.retire_resource(guild_id, interaction.user.id, chosen.id)
        text = (
            f"🗄️ Retired **{literal(retired.title)}** (`{retired.id}`): it no longer appears in recommendations, "
            "paths or searches here. Members' progress on it is kept. `/catalog restore` brings it back."
        )
        await answer(interaction, text)

    @example("/catalog restore resource:Grokking Deep Learning")
    @catalog.command(name="restore", description="Bring back a resource this server retired")
    @app_commands.describe(resource="Start typing the title of a retired resource")
    @app_commands.autocomplete(resource=retired_autocomplete)
    @moderator_only()
    async def restore(
        self, interaction: discord.Interaction[PillarsBot], resource: app_commands.Range[str, 1, 200]
    ) -> None:
        """Restore a retired resource, named as every resource option is (id, title, the start of one title)."""
        guild_id = server_id(interaction)
        retired = await retired_here(interaction)
        chosen = match_resource(retired, resource)
        if chosen is None:
            live = match_resource(await catalog_of(interaction), resource)
            if live is not None:
                raise ConflictError(f"**{literal(live.title)}** is not retired on this server: members already see it.")
            names = ", ".join(f"`{r.id}`" for r in list(retired)[:10]) or "none"
            typed = literal(resource)
            raise NotFoundError(limits.content(f"'{typed}' is not a retired resource here. Retired: {names}."))
        await acknowledge(interaction)
        restored = await self.store.restore_resource(guild_id, interaction.user.id, chosen.id)
        text = f"♻️ Restored **{literal(restored.title)}** (`{restored.id}`): members see it again."
        await answer(interaction, text)

    @example("/catalog suggestions")
    @catalog.command(name="suggestions", description="Members' suggestions and problem reports waiting for a decision")
    @moderator_only()
    async def suggestions(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """The pending queue, oldest first, with Approve and Reject buttons."""
        pending = await self.store.suggestions(server_id(interaction))
        await answer(interaction, embed=catalog_ui.suggestion_queue_embed(pending), view=queue_view(pending))

    @example("/catalog export")
    @catalog.command(name="export", description="This server's added and edited resources, as a catalog YAML file")
    @moderator_only()
    async def export(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Send the server's own resources in the format of data/ (ready for /catalog import elsewhere)."""
        guild_id = server_id(interaction)
        await acknowledge(interaction)  # a large catalog takes a while to write out
        own = await self.store.guild_resources(guild_id)
        if not own:
            text = "Nothing to export: moderators here have not added or edited any resource yet."
            await answer(interaction, text)
            return
        file = await export_attachment(own, f"pillars-catalog-{guild_id}")
        packed = " Packed with gzip (any archive tool opens it); `/catalog import` takes it as it is."
        text = f"📦 {counted(len(own), 'resource')} added or edited here, in the format of data/."
        await answer(interaction, text + (packed if file.filename.endswith(PACKED_SUFFIX) else ""), file=file)

    @example("/catalog import file:our-catalog.yaml")
    @catalog.command(name="import", description="Add or update resources from a catalog YAML file (checked first)")
    @app_commands.describe(file="A .yaml (or .yaml.gz) file in the format of data/: what /catalog export gives")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction[PillarsBot], file: discord.Attachment) -> None:
        """Check the file and show what it would change, with Confirm and Cancel; nothing changes yet."""
        await check_import(interaction, self.pending, file)

    @example("/catalog reload")
    @catalog.command(name="reload", description="Re-read the curated catalog files; a broken file changes nothing")
    @moderator_only()
    async def reload(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Load the curated catalog again; serve it only when every file is valid."""
        guild_id = server_id(interaction)
        await acknowledge(interaction)  # the files take a while to read, and the audit entry is a write
        path = self.bot.settings.catalog_path
        from bot.catalog.loader import load_catalog  # the YAML reader, which a warm start never imports

        try:
            fresh = await asyncio.to_thread(load_catalog, path)
        except CatalogError as error:
            heading = (
                f"The curated catalog was not reloaded; the running one stays as it was. "
                f"{counted(len(error.issues), 'problem')} to fix in the files:"
            )
            await answer(interaction, catalog_ui.catalog_problems_text(heading, error.issues))
            return
        old = self.store.curated
        self.store.replace_curated(fresh, by_guild=guild_id)
        new_ids = [i for i in fresh.ids if i not in old]
        gone_ids = [i for i in old.ids if i not in fresh]
        changed = [i for i in fresh.ids if i in old and old[i] != fresh[i]]
        await self.store.record_action(
            guild_id,
            interaction.user.id,
            "reload",
            target=path.name,
            before={"resources": len(old)},
            after={"resources": len(fresh), "new": new_ids, "gone": gone_ids, "changed": changed},
        )
        text = (
            f"🔄 Reloaded the curated catalog: {counted(len(fresh), 'resource')} "
            f"({len(new_ids)} new, {len(changed)} changed, {len(gone_ids)} gone). "
            "Every server sees it now; moderators' own changes stay on top."
        )
        await answer(interaction, text)

    @example("/catalog log")
    @catalog.command(name="log", description="Recent moderator actions on this server's catalog")
    @app_commands.describe(count="How many actions to show (newest first)")
    @moderator_only()
    async def log(
        self, interaction: discord.Interaction[PillarsBot], count: app_commands.Range[int, 1, 50] = 20
    ) -> None:
        """Who did what, when; mentions that ping nobody."""
        guild_id = server_id(interaction)
        entries = await self.store.audit_log(guild_id, limit=count)
        await answer(interaction, embed=catalog_ui.audit_log_embed(entries))

    @example("/catalog settings moderator_role:@Mentors")
    @catalog.command(name="settings", description="Manage Server only: the moderator role and announcement channel")
    @app_commands.choices(clear=CLEARABLE_SETTINGS)
    @app_commands.describe(
        moderator_role="Members with this role may use /catalog",
        announce_channel="Where members' finished resources are announced",
        clear="Unset one of the settings",
    )
    # Manage Server itself, not the moderator role: whoever holds the moderator role must not be able to
    # choose who moderates (hand the role check to another role, or lock the managers' own role out).
    @server_manager_only()
    async def settings(
        self,
        interaction: discord.Interaction[PillarsBot],
        moderator_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
        clear: str | None = None,
    ) -> None:
        """Change the given settings (none given: show them)."""
        guild_id = server_id(interaction)
        changes: dict[str, int | None] = {}
        if moderator_role is not None:
            if moderator_role.is_default():
                raise InvalidInputError("@everyone cannot be the moderator role: everyone would moderate.")
            changes["moderator_role_id"] = moderator_role.id
        if announce_channel is not None:
            changes["announce_channel_id"] = announce_channel.id
        if clear is not None:
            if clear in changes:
                raise ConflictError("You both set and cleared the same setting; pick one.")
            changes[clear] = None
        if changes:
            await acknowledge(interaction)  # the write may wait longer than Discord does
            settings = await self.store.update_guild_settings(guild_id, interaction.user.id, **changes)
            heading = "⚙️ Saved. This server's settings now:"
        else:
            settings = await self.store.guild_settings(guild_id)
            heading = "⚙️ This server's settings (give an option to change one):"
        role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "none (Manage Server only)"
        channel = f"<#{settings.announce_channel_id}>" if settings.announce_channel_id else "none"
        text = f"{heading}\n• Moderator role: {role}\n• Announce channel: {channel}"
        await answer(interaction, text)
