"""/catalog: moderators curate this server's catalog (add, edit, retire, restore, suggestions, import, export,
reload, the audit log and the server's settings).

Who may: a moderator (Manage Server, or the server's moderator role; see `bot.permissions`), checked here
on every command, button and form submit. `default_permissions` only hides the group from members in
Discord's menu until a server admin opens it to everyone in the integration settings, so it is a hint,
never the check. What moderators see is private (ephemeral); nobody is ever pinged.

The buttons are persistent and carry what they need in their custom_id:

- `pillars:suggestion:<id>:approve|reject|add`: decide a member's suggestion; "add" opens the resource
  form filled with the suggestion.
- `pillars:import:<moderator id>:<token>:confirm|cancel`: finish or drop a checked import. The parsed file
  cannot fit in a custom_id, so it waits in memory under the token for 15 minutes; after that, or after a
  restart, the button says the import expired.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.catalog import Catalog
from bot.catalog.loader import CatalogError, dump_resources, load_catalog, parse_resources
from bot.catalog.matching import resource_choices
from bot.catalog.schema import Resource
from bot.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from bot.exts._checks import (
    MemberFacingCheckFailure,
    ensure_in_server,
    ensure_moderator,
    moderator_only,
    pillars_bot,
)
from bot.exts._options import ResourceArg
from bot.permissions import is_moderator
from bot.store.models import Suggestion
from bot.ui import catalog as catalog_ui
from bot.ui import embeds, limits
from bot.ui.catalog import ResourceForm, ResourceModal
from bot.ui.views import PersistentButton, PillarsView

if TYPE_CHECKING:
    from bot.app import PillarsBot
    from bot.store import Store

NO_PINGS = discord.AllowedMentions.none()
IMPORT_TTL_SECONDS = 15 * 60  # an interaction token lives 15 minutes; the dry-run message cannot be edited after
MAX_IMPORT_BYTES = 256 * 1024
_RESOURCE_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"


# --- pending imports -------------------------------------------------------------------------------------


@dataclass
class PendingImport:
    """A checked import waiting for its moderator's confirmation."""

    owner_id: int
    guild_id: int
    filename: str
    resources: list[Resource]
    expires_at: float


@dataclass
class PendingImports:
    """Checked imports by token, in memory only: they expire after `ttl` seconds and do not survive a restart."""

    ttl: float = IMPORT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _waiting: dict[str, PendingImport] = field(default_factory=dict)

    def add(self, owner_id: int, guild_id: int, filename: str, resources: list[Resource]) -> str:
        """Keep an import; return its token (short, word characters only, for a custom_id)."""
        self._sweep()
        token = secrets.token_hex(8)
        self._waiting[token] = PendingImport(owner_id, guild_id, filename, resources, self.clock() + self.ttl)
        return token

    def take(self, token: str) -> PendingImport | None:
        """The import under this token, removed; None when it expired or never existed here."""
        self._sweep()
        return self._waiting.pop(token, None)

    def _sweep(self) -> None:
        """Forget expired imports."""
        now = self.clock()
        for token in [t for t, pending in self._waiting.items() if pending.expires_at <= now]:
            del self._waiting[token]

    def __len__(self) -> int:
        return len(self._waiting)


def pending_imports(client: discord.Client) -> PendingImports:
    """This bot's pending imports (kept by the cog, so a new bot starts with none)."""
    cog = client.get_cog(CatalogAdmin.__cog_name__) if isinstance(client, commands.Bot) else None
    if not isinstance(cog, CatalogAdmin):
        raise NotFoundError("Catalog administration is not loaded right now; try again in a minute.")
    return cog.pending


# --- the resource form -----------------------------------------------------------------------------------


async def _guild_id(interaction: discord.Interaction) -> int:
    """The server's id, after checking the member still moderates it (a form may be submitted minutes later)."""
    await ensure_moderator(interaction)
    return await ensure_in_server(interaction)


async def _refuse_form(
    interaction: discord.Interaction,
    error: InvalidInputError,
    modal: Callable[[ResourceForm], ResourceModal],
    form: ResourceForm,
) -> None:
    """Say what is wrong with the form, with a button to reopen it as typed."""
    view = catalog_ui.ReopenFormView(modal, form)
    await interaction.response.send_message(error.message, view=view, ephemeral=True, allowed_mentions=NO_PINGS)


def add_modal(form: ResourceForm) -> ResourceModal:
    """The form that adds a resource to this server's catalog."""
    return ResourceModal(title="Add a resource", form=form, save=save_new_resource, custom_id="pillars:catalog:add")


def edit_modal(resource_id: str, form: ResourceForm) -> ResourceModal:
    """The form that edits one resource, filled with `form`."""

    async def save(interaction: discord.Interaction, typed: ResourceForm) -> None:
        await save_edited_resource(interaction, resource_id, typed)

    return ResourceModal(
        title="Edit a resource", form=form, save=save, custom_id=limits.custom_id("pillars", "edit", resource_id)
    )


async def save_new_resource(interaction: discord.Interaction, form: ResourceForm) -> None:
    """Validate the typed resource and add it under an id made from its title."""
    guild_id = await _guild_id(interaction)
    store = pillars_bot(interaction).store
    taken = {
        *(await store.catalog_for(guild_id)).ids,
        *(r.id for r in await store.retired(guild_id)),
        *store.curated.ids,
    }
    try:
        resource = catalog_ui.resource_from_form(form, catalog_ui.slug_for(form.title, taken))
    except InvalidInputError as error:
        await _refuse_form(interaction, error, add_modal, form)
        return
    added = await store.add_resource(guild_id, interaction.user.id, resource)
    text = f"➕ Added **{added.title}** (`{added.id}`) to this server's catalog. `/catalog edit` changes it."
    await interaction.response.send_message(
        limits.content(text), embed=embeds.resource_embed(added), ephemeral=True, allowed_mentions=NO_PINGS
    )


async def save_edited_resource(interaction: discord.Interaction, resource_id: str, form: ResourceForm) -> None:
    """Validate the typed resource and replace the live one with the same id."""
    guild_id = await _guild_id(interaction)
    store = pillars_bot(interaction).store
    current = await store.resource(guild_id, resource_id)
    try:
        resource = catalog_ui.resource_from_form(form, resource_id, keep=current)
    except InvalidInputError as error:
        await _refuse_form(interaction, error, lambda draft: edit_modal(resource_id, draft), form)
        return
    if resource == current:
        text = f"Nothing changed: **{current.title}** (`{current.id}`) already reads like that."
        await interaction.response.send_message(limits.content(text), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    await store.edit_resource(guild_id, interaction.user.id, resource)
    text = f"✏️ Saved **{resource.title}** (`{resource.id}`). Members see the new version at once."
    await interaction.response.send_message(
        limits.content(text), embed=embeds.resource_embed(resource), ephemeral=True, allowed_mentions=NO_PINGS
    )


# --- suggestions ---------------------------------------------------------------------------------------


def queue_view(pending: list[Suggestion]) -> PillarsView:
    """One row per suggestion shown: Approve and Reject."""
    view = PillarsView(timeout=None)
    for row, suggestion in enumerate(pending[: catalog_ui.QUEUE_PAGE]):
        view.add_item(SuggestionButton(suggestion.id, "approve", row=row))
        view.add_item(SuggestionButton(suggestion.id, "reject", row=row))
    return view


async def find_suggestion(guild_id: int, interaction: discord.Interaction, suggestion_id: int) -> Suggestion:
    """One of this server's suggestions by id; NotFoundError when there is none."""
    for suggestion in await pillars_bot(interaction).store.suggestions(guild_id, pending_only=False):
        if suggestion.id == suggestion_id:
            return suggestion
    raise NotFoundError(f"There is no suggestion #{suggestion_id} in this server.")


class SuggestionButton(
    PersistentButton, template=r"pillars:suggestion:(?P<id>\d{1,20}):(?P<verdict>approve|reject|add)"
):
    """Approve or reject a suggestion in the queue, or open the add form filled with an approved one."""

    _LOOK = {
        "approve": ("Approve", discord.ButtonStyle.success, "✅"),
        "reject": ("Reject", discord.ButtonStyle.danger, "✖️"),
        "add": ("Add it to the catalog", discord.ButtonStyle.primary, "➕"),
    }

    def __init__(self, suggestion_id: int, verdict: str, row: int | None = None) -> None:
        label, style, emoji = self._LOOK[verdict]
        super().__init__(
            discord.ui.Button(
                label=limits.button_label(f"{label} #{suggestion_id}" if verdict != "add" else label),
                style=style,
                emoji=emoji,
                custom_id=limits.custom_id("pillars", "suggestion", suggestion_id, verdict),
            ),
            row=row,
        )
        self.suggestion_id = suggestion_id
        self.verdict = verdict

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SuggestionButton:
        """Rebuilt from the custom_id on a press."""
        return cls(int(match["id"]), match["verdict"], row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Check the moderator, then decide (and refresh the queue) or open the filled form."""
        guild_id = await _guild_id(interaction)
        store = pillars_bot(interaction).store
        if self.verdict == "add":
            suggestion = await find_suggestion(guild_id, interaction, self.suggestion_id)
            await interaction.response.send_modal(add_modal(catalog_ui.form_for_suggestion(suggestion)))
            return
        approve = self.verdict == "approve"
        decided = await store.decide_suggestion(guild_id, interaction.user.id, self.suggestion_id, approve)
        pending = await store.suggestions(guild_id)
        by = catalog_ui.mention(decided.user_id)
        if approve:
            text = f"✅ Approved #{decided.id} **{decided.title}** (suggested by {by})."
        else:
            text = f"✖️ Rejected #{decided.id} **{decided.title}** (suggested by {by})."
        await interaction.response.edit_message(
            content=limits.content(text),
            embed=catalog_ui.suggestion_queue_embed(pending),
            view=queue_view(pending),
            allowed_mentions=NO_PINGS,
        )
        if approve:
            view = PillarsView(timeout=None)
            view.add_item(SuggestionButton(decided.id, "add"))
            follow = (
                f"Approving records the decision; it does not add **{decided.title}** by itself. Add it now with the "
                "button (the form opens with its title and link), or later with `/catalog add`."
            )
            await interaction.followup.send(
                limits.content(follow), view=view, ephemeral=True, allowed_mentions=NO_PINGS
            )


# --- imports ---------------------------------------------------------------------------------------------


class ImportButton(
    PersistentButton, template=r"pillars:import:(?P<owner>\d{1,20}):(?P<token>\w{1,40}):(?P<action>confirm|cancel)"
):
    """Confirm or cancel a checked import; only the moderator who started it may."""

    def __init__(self, owner_id: int, token: str, action: str, row: int | None = None) -> None:
        confirm = action == "confirm"
        super().__init__(
            discord.ui.Button(
                label="Confirm import" if confirm else "Cancel",
                style=discord.ButtonStyle.success if confirm else discord.ButtonStyle.secondary,
                custom_id=limits.custom_id("pillars", "import", owner_id, token, action),
            ),
            row=row,
        )
        self.owner_id = owner_id
        self.token = token
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ImportButton:
        """Rebuilt from the custom_id on a press."""
        return cls(int(match["owner"]), match["token"], match["action"], row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Check the moderator and the owner, then import (or drop) what was checked."""
        guild_id = await _guild_id(interaction)
        if interaction.user.id != self.owner_id:
            raise PermissionDeniedError(
                f"Only {catalog_ui.mention(self.owner_id)}, who started this import, can confirm or cancel it. "
                "Run `/catalog import` yourself to import a file."
            )
        pending = pending_imports(interaction.client).take(self.token)
        if pending is None or pending.guild_id != guild_id:
            await interaction.response.edit_message(
                content="⌛ This import expired (imports wait 15 minutes, and not across a restart of the bot). "
                "Nothing was imported; run `/catalog import` again.",
                embed=None,
                view=None,
            )
            return
        if self.action == "cancel":
            await interaction.response.edit_message(content="Import cancelled; nothing changed.", embed=None, view=None)
            return
        store = pillars_bot(interaction).store
        summary = await store.import_resources(guild_id, interaction.user.id, pending.resources)
        await interaction.response.edit_message(
            content="✅ Import done. `/catalog log` shows it; `/catalog export` gives the server's resources back.",
            embed=catalog_ui.import_summary_embed(summary, filename=pending.filename, done=True),
            view=None,
            allowed_mentions=NO_PINGS,
        )


# --- the commands ----------------------------------------------------------------------------------------


class NotServerManager(MemberFacingCheckFailure):
    """The member lacks Manage Server."""

    def __init__(self) -> None:
        super().__init__(
            "Only members with the Manage Server permission can change these settings; the moderator role "
            "alone is not enough, since the settings decide who moderates."
        )


async def ensure_server_manager(interaction: discord.Interaction) -> None:
    """Raise NotServerManager unless the member has Manage Server (administrators have it)."""
    await ensure_in_server(interaction)
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise NotServerManager()


def server_manager_only() -> Callable:
    """Decorator: the command needs Manage Server itself, not the moderator role."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_server_manager(interaction)
        return True

    return app_commands.check(predicate)


async def retired_autocomplete(interaction: discord.Interaction, value: str) -> list[app_commands.Choice[str]]:
    """This server's retired resources matching what was typed; nothing for a member who is not a moderator."""
    if interaction.guild_id is None:
        return []
    store = pillars_bot(interaction).store
    if not is_moderator(interaction.user, await store.guild_settings(interaction.guild_id), interaction.permissions):
        return []
    retired = Catalog(await store.retired(interaction.guild_id))
    found = resource_choices(retired, value) if value.strip() else list(retired)
    return limits.choices((f"{r.title} — {', '.join(r.authors)}", r.id) for r in found)


class CatalogAdmin(commands.Cog):
    """Moderators' commands for the server's catalog."""

    catalog = app_commands.Group(
        name="catalog",
        description="Moderators: curate this server's catalog",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        extras={"moderator": True},  # /help lists every subcommand under "For moderators"
    )

    def __init__(self, bot: PillarsBot) -> None:
        self.bot = bot
        self.pending = PendingImports()

    @property
    def store(self) -> Store:
        """The bot's store."""
        return self.bot.store

    @catalog.command(
        name="add",
        description="Add a resource to this server's catalog (opens a form)",
        extras={"example": "/catalog add"},
    )
    @moderator_only()
    async def add(self, interaction: discord.Interaction) -> None:
        """Open the empty resource form."""
        await interaction.response.send_modal(add_modal(ResourceForm()))

    @catalog.command(
        name="edit",
        description="Change a resource of this server's catalog (opens a filled form)",
        extras={"example": "/catalog edit resource:Linear Algebra Done Right"},
    )
    @app_commands.describe(resource="Start typing a title or an author")
    @moderator_only()
    async def edit(self, interaction: discord.Interaction, resource: ResourceArg) -> None:
        """Open the resource form filled with its current values."""
        await interaction.response.send_modal(edit_modal(resource.id, catalog_ui.form_for(resource)))

    @catalog.command(
        name="retire",
        description="Hide a resource from this server; members' progress is kept",
        extras={"example": "/catalog retire resource:Grokking Deep Learning"},
    )
    @app_commands.describe(resource="Start typing a title or an author")
    @moderator_only()
    async def retire(self, interaction: discord.Interaction, resource: ResourceArg) -> None:
        """Retire the resource and say what that means."""
        guild_id = await ensure_in_server(interaction)
        retired = await self.store.retire_resource(guild_id, interaction.user.id, resource.id)
        text = (
            f"🗄️ Retired **{retired.title}** (`{retired.id}`): it no longer appears in recommendations, paths or "
            "searches here. Members' progress on it is kept. `/catalog restore` brings it back."
        )
        await interaction.response.send_message(limits.content(text), ephemeral=True, allowed_mentions=NO_PINGS)

    @catalog.command(
        name="restore",
        description="Bring back a resource this server retired",
        extras={"example": "/catalog restore resource:Grokking Deep Learning"},
    )
    @app_commands.describe(resource="Start typing the title of a retired resource")
    @app_commands.autocomplete(resource=retired_autocomplete)
    @moderator_only()
    async def restore(self, interaction: discord.Interaction, resource: app_commands.Range[str, 1, 200]) -> None:
        """Restore a retired resource, named by id (from autocomplete) or by its title."""
        guild_id = await ensure_in_server(interaction)
        retired = await self.store.retired(guild_id)
        typed = resource.strip().lower()
        chosen = next((r for r in retired if typed in (r.id, r.title.lower())), None)
        if chosen is None:
            names = ", ".join(f"`{r.id}`" for r in retired[:10]) or "none"
            raise NotFoundError(limits.content(f"'{resource}' is not a retired resource here. Retired: {names}."))
        restored = await self.store.restore_resource(guild_id, interaction.user.id, chosen.id)
        text = f"♻️ Restored **{restored.title}** (`{restored.id}`): members see it again."
        await interaction.response.send_message(limits.content(text), ephemeral=True, allowed_mentions=NO_PINGS)

    @catalog.command(
        name="suggestions",
        description="Members' suggestions waiting for a decision",
        extras={"example": "/catalog suggestions"},
    )
    @moderator_only()
    async def suggestions(self, interaction: discord.Interaction) -> None:
        """The pending queue, oldest first, with Approve and Reject buttons."""
        guild_id = await ensure_in_server(interaction)
        pending = await self.store.suggestions(guild_id)
        await interaction.response.send_message(
            embed=catalog_ui.suggestion_queue_embed(pending),
            view=queue_view(pending),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @catalog.command(
        name="export",
        description="This server's added and edited resources, as a catalog YAML file",
        extras={"example": "/catalog export"},
    )
    @moderator_only()
    async def export(self, interaction: discord.Interaction) -> None:
        """Send the server's own resources in the format of data/ (ready for /catalog import elsewhere)."""
        guild_id = await ensure_in_server(interaction)
        own = await self.store.guild_resources(guild_id)
        if not own:
            text = "Nothing to export: moderators here have not added or edited any resource yet."
            await interaction.response.send_message(text, ephemeral=True)
            return
        data = dump_resources(own).encode("utf-8")
        file = discord.File(BytesIO(data), filename=f"pillars-catalog-{guild_id}.yaml")
        text = f"📦 {len(own)} resource{'s' if len(own) != 1 else ''} added or edited here, in the format of data/."
        await interaction.response.send_message(text, file=file, ephemeral=True, allowed_mentions=NO_PINGS)

    @catalog.command(
        name="import",
        description="Add or update resources from a catalog YAML file (checked first)",
        extras={"example": "/catalog import file:our-catalog.yaml"},
    )
    @app_commands.describe(file="A .yaml file in the format of data/ (what /catalog export gives)")
    @moderator_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Check the file and show what it would change, with Confirm and Cancel; nothing changes yet."""
        guild_id = await ensure_in_server(interaction)
        if file.size > MAX_IMPORT_BYTES:
            raise InvalidInputError(
                f"That file is {file.size // 1024} KB; imports take up to {MAX_IMPORT_BYTES // 1024} KB. Split it."
            )
        try:
            raw = await file.read()
        except discord.HTTPException:
            raise InvalidInputError("I couldn't download that file from Discord; try attaching it again.") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInputError(f"{file.filename} is not a UTF-8 text file; export the YAML as UTF-8.") from None
        live = await self.store.catalog_for(guild_id)
        try:
            resources = parse_resources([(file.filename, text)], known_ids=live.ids, concepts=live.concepts)
        except CatalogError as error:
            heading = f"Nothing was imported: {file.filename} has {len(error.issues)} problem(s). Fix them and retry:"
            message = catalog_ui.catalog_problems_text(heading, error.issues)
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        if not resources:
            raise InvalidInputError(f"{file.filename} lists no resources; nothing to import.")
        summary = await self.store.import_resources(guild_id, interaction.user.id, resources, dry_run=True)
        embed = catalog_ui.import_summary_embed(summary, filename=file.filename, done=False)
        if not summary.added and not summary.updated:
            text = "Nothing to import: every resource in the file is already in the catalog exactly as it is."
            await interaction.response.send_message(text, embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        token = self.pending.add(interaction.user.id, guild_id, file.filename, resources)
        view = PillarsView(timeout=None)
        view.add_item(ImportButton(interaction.user.id, token, "confirm"))
        view.add_item(ImportButton(interaction.user.id, token, "cancel"))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS)

    @catalog.command(
        name="reload",
        description="Re-read the curated catalog files; a broken file changes nothing",
        extras={"example": "/catalog reload"},
    )
    @moderator_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        """Load the curated catalog again; serve it only when every file is valid."""
        guild_id = await ensure_in_server(interaction)
        path = pillars_bot(interaction).settings.catalog_path
        try:
            fresh = await asyncio.to_thread(load_catalog, path)
        except CatalogError as error:
            heading = (
                f"The curated catalog was not reloaded; the running one stays as it was. "
                f"{len(error.issues)} problem(s) to fix in the files:"
            )
            message = catalog_ui.catalog_problems_text(heading, error.issues)
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        old = self.store.curated
        self.store.replace_curated(fresh)
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
            f"🔄 Reloaded the curated catalog: {len(fresh)} resources ({len(new_ids)} new, {len(changed)} changed, "
            f"{len(gone_ids)} gone). Every server sees it now; moderators' own changes stay on top."
        )
        await interaction.response.send_message(limits.content(text), ephemeral=True, allowed_mentions=NO_PINGS)

    @catalog.command(
        name="log", description="Recent moderator actions on this server's catalog", extras={"example": "/catalog log"}
    )
    @app_commands.describe(count="How many actions to show (newest first)")
    @moderator_only()
    async def log(self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 50] = 20) -> None:
        """Who did what, when; mentions that ping nobody."""
        guild_id = await ensure_in_server(interaction)
        entries = await self.store.audit_log(guild_id, limit=count)
        await interaction.response.send_message(
            embed=catalog_ui.audit_log_embed(entries), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @catalog.command(
        name="settings",
        description="Manage Server only: the moderator role and announcement channel",
        extras={"example": "/catalog settings moderator_role:@Mentors"},
    )
    @app_commands.describe(
        moderator_role="Members with this role may use /catalog",
        announce_channel="Where members' finished resources are announced",
        clear="Unset one of the settings",
    )
    @app_commands.choices(
        clear=[
            app_commands.Choice(name="moderator role", value="moderator_role_id"),
            app_commands.Choice(name="announce channel", value="announce_channel_id"),
        ]
    )
    # Manage Server itself, not the moderator role: whoever holds the moderator role must not be able to
    # choose who moderates (hand the role check to another role, or lock the managers' own role out).
    @server_manager_only()
    async def settings(
        self,
        interaction: discord.Interaction,
        moderator_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
        clear: str | None = None,
    ) -> None:
        """Change the given settings (none given: show them)."""
        guild_id = await ensure_in_server(interaction)
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
            settings = await self.store.update_guild_settings(guild_id, interaction.user.id, **changes)
            heading = "⚙️ Saved. This server's settings now:"
        else:
            settings = await self.store.guild_settings(guild_id)
            heading = "⚙️ This server's settings (give an option to change one):"
        role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "none (Manage Server only)"
        channel = f"<#{settings.announce_channel_id}>" if settings.announce_channel_id else "none"
        text = f"{heading}\n• Moderator role: {role}\n• Announce channel: {channel}"
        await interaction.response.send_message(limits.content(text), ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register its persistent buttons."""
    await bot.add_cog(CatalogAdmin(bot))
    bot.add_dynamic_items(SuggestionButton, ImportButton)
