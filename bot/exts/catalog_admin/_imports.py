"""/catalog import: check an uploaded catalog file, show what it would change, and finish it on confirmation.

What a file may be (`.yaml`, or `.yaml.gz` as `/catalog export` sends a large catalog) is `_files`.

The parsed file cannot fit in a custom_id, so it waits in memory (`PendingImports`, kept by the cog) under a
token the buttons carry; it expires after 15 minutes and does not survive a restart.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import discord

from bot.catalog.files import CatalogError
from bot.catalog.schema import Resource
from bot.errors import InvalidInputError, NotFoundError
from bot.exts.catalog_admin._files import read_upload
from bot.interactions.answers import acknowledge, answer, update_message
from bot.interactions.buttons import MEMBER_ID, Look, OwnerOnlyButton
from bot.interactions.checks import ensure_moderator, server_id
from bot.interactions.views import PersistentView
from bot.ui import catalog as catalog_ui
from bot.ui.text import counted, literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

IMPORT_TTL_SECONDS = 15 * 60  # an interaction token lives 15 minutes; the dry-run message cannot be edited after

Action = Literal["confirm", "cancel"]


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


def pending_imports(bot: PillarsBot) -> PendingImports:
    """This bot's pending imports (kept by the cog, so a new bot starts with none)."""
    pending = getattr(bot.get_cog("CatalogAdmin"), "pending", None)
    if not isinstance(pending, PendingImports):
        raise NotFoundError("Catalog administration is not loaded right now; try again in a minute.")
    return pending


async def check_import(
    interaction: discord.Interaction[PillarsBot], pending: PendingImports, file: discord.Attachment
) -> None:
    """Check the file and show what it would change, with Confirm and Cancel; nothing changes yet."""
    guild_id = server_id(interaction)
    await acknowledge(interaction)  # a large file takes a while to read
    store = interaction.client.store
    text = await read_upload(file)
    live = await store.catalog_for(guild_id)
    from bot.catalog.loader import parse_resources  # the YAML reader, which a warm start never imports

    try:
        # In a worker thread: a large upload is parsed without holding up every other member's command.
        resources = await asyncio.to_thread(
            parse_resources, [(file.filename, text)], known_ids=live.ids, concepts=live.concepts
        )
    except CatalogError as error:
        problems, them = counted(len(error.issues), "problem"), "it" if len(error.issues) == 1 else "them"
        heading = f"Nothing was imported: {literal(file.filename)} has {problems}. Fix {them} and retry:"
        await answer(interaction, catalog_ui.catalog_problems_text(heading, error.issues))
        return
    if not resources:
        raise InvalidInputError(f"{literal(file.filename)} lists no resources; nothing to import.")
    summary = await store.import_resources(guild_id, interaction.user.id, resources, dry_run=True)
    embed = catalog_ui.import_summary_embed(summary, filename=file.filename, done=False)
    if not summary.added and not summary.updated:
        text = "Nothing to import: every resource in the file is already in the catalog exactly as it is."
        await answer(interaction, text, embed=embed)
        return
    owner = interaction.user.id
    token = pending.add(owner, guild_id, file.filename, resources)
    await answer(
        interaction,
        embed=embed,
        view=PersistentView(ImportButton(owner, token, "confirm"), ImportButton(owner, token, "cancel")),
    )


class ImportButton(
    OwnerOnlyButton,
    template=rf"pillars:import:(?P<owner_id>{MEMBER_ID}):(?P<token>\w{{1,40}}):(?P<action>confirm|cancel)",
):
    """Confirm or cancel a checked import; only the moderator who started it may."""

    def __init__(self, owner_id: int, token: str, action: Action, *, row: int | None = None) -> None:
        confirm = action == "confirm"
        look = Look("Confirm import", discord.ButtonStyle.success) if confirm else Look("Cancel")
        super().__init__(look, "import", owner_id, token, action, row=row)
        self.owner_id = owner_id
        self.token = token
        self.action = action

    def not_yours(self) -> str:
        """What another moderator is told."""
        return (
            f"Only {catalog_ui.mention(self.owner_id)}, who started this import, can confirm or cancel it. "
            "Run `/catalog import` yourself to import a file."
        )

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """A moderator still, and the one who started the import."""
        await ensure_moderator(interaction)
        await super().check(interaction)

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Import (or drop) what was checked."""
        pending = pending_imports(interaction.client).take(self.token)
        if pending is None or pending.guild_id != server_id(interaction):
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
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        summary = await interaction.client.store.import_resources(
            pending.guild_id, interaction.user.id, pending.resources
        )
        await update_message(
            interaction,
            content="✅ Import done. `/catalog log` shows it; `/catalog export` gives the server's resources back.",
            embed=catalog_ui.import_summary_embed(summary, filename=pending.filename, done=True),
            view=None,
        )
