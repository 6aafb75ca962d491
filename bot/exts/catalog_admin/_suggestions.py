"""The members' queue: Approve and Reject under each suggestion, then a button that adds an approved one; Resolve
and Dismiss under each report of a problem with a resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord

from bot.catalog.forms import form_for_suggestion
from bot.errors import NotFoundError
from bot.exts.catalog_admin._forms import add_modal
from bot.interactions.answers import acknowledge, update_message
from bot.interactions.buttons import Look, PersistentButton
from bot.interactions.checks import ensure_moderator, server_id
from bot.interactions.views import PersistentView
from bot.store.models import Suggestion
from bot.ui import catalog as catalog_ui
from bot.ui import limits
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

Verdict = Literal["approve", "reject", "add", "resolve", "dismiss"]
# The buttons under each suggestion, and under each report, in the queue.
_DECISIONS: tuple[Verdict, ...] = ("approve", "reject")
_REPORT_DECISIONS: tuple[Verdict, ...] = ("resolve", "dismiss")
_LOOKS: dict[Verdict, tuple[str, discord.ButtonStyle, str]] = {
    "approve": ("Approve", discord.ButtonStyle.success, "✅"),
    "reject": ("Reject", discord.ButtonStyle.danger, "✖️"),
    "add": ("Add it to the catalog", discord.ButtonStyle.primary, "➕"),
    "resolve": ("Resolved", discord.ButtonStyle.success, "🛠️"),
    "dismiss": ("Dismiss", discord.ButtonStyle.secondary, "✖️"),
}


def queue_view(pending: list[Suggestion]) -> PersistentView:
    """One row per suggestion or report shown: Approve and Reject, or Resolved and Dismiss."""
    shown = pending[: catalog_ui.QUEUE_PAGE]
    return PersistentView(
        *(
            SuggestionButton(s.id, verdict, row=row)
            for row, s in enumerate(shown)
            for verdict in (_REPORT_DECISIONS if s.is_report else _DECISIONS)
        )
    )


async def find_suggestion(interaction: discord.Interaction[PillarsBot], suggestion_id: int) -> Suggestion:
    """One of this server's suggestions by id; NotFoundError when there is none."""
    for suggestion in await interaction.client.store.suggestions(server_id(interaction), pending_only=False):
        if suggestion.id == suggestion_id:
            return suggestion
    raise NotFoundError(f"There is no suggestion #{suggestion_id} in this server.")


class SuggestionButton(
    PersistentButton,
    template=r"pillars:suggestion:(?P<suggestion_id>\d{1,20}):(?P<verdict>approve|reject|add|resolve|dismiss)",
):
    """Approve or reject a suggestion, open the add form filled with an approved one, or resolve or dismiss a report."""

    def __init__(self, suggestion_id: int, verdict: Verdict, *, row: int | None = None) -> None:
        label, style, emoji = _LOOKS[verdict]
        shown = f"{label} #{suggestion_id}" if verdict != "add" else label
        super().__init__(Look(shown, style, emoji), "suggestion", suggestion_id, verdict, row=row)
        self.suggestion_id = suggestion_id
        self.verdict = verdict

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Only moderators decide."""
        await ensure_moderator(interaction)

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Decide a suggestion or a report (and refresh the queue), or open the filled form."""
        if self.verdict == "add":
            suggestion = await find_suggestion(interaction, self.suggestion_id)
            form = form_for_suggestion(suggestion.title, suggestion.url, suggestion.note)
            await interaction.response.send_modal(add_modal(form))
            return
        guild_id = server_id(interaction)
        store = interaction.client.store
        if self.verdict in _REPORT_DECISIONS:
            await self._decide_report(interaction, guild_id)
            return
        approve = self.verdict == "approve"
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        decided = await store.decide_suggestion(guild_id, interaction.user.id, self.suggestion_id, approve)
        pending = await store.suggestions(guild_id)
        verb = "✅ Approved" if approve else "✖️ Rejected"
        text = (
            f"{verb} #{decided.id} **{literal(decided.title)}** (suggested by {catalog_ui.mention(decided.user_id)})."
        )
        await show_queue(interaction, text, pending)
        if approve:
            follow = (
                f"Approving records the decision; it does not add **{literal(decided.title)}** by itself. Add it now "
                "with the button (the form opens with its title and link), or later with `/catalog add`."
            )
            await interaction.followup.send(
                limits.content(follow),
                view=PersistentView(SuggestionButton(decided.id, "add")),
                ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none(),
            )

    async def _decide_report(self, interaction: discord.Interaction[PillarsBot], guild_id: int) -> None:
        """Resolve or dismiss a report, and refresh the queue."""
        store = interaction.client.store
        fixed = self.verdict == "resolve"
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        decided = await store.resolve_report(guild_id, interaction.user.id, self.suggestion_id, fixed)
        pending = await store.suggestions(guild_id)
        verb = "🛠️ Resolved" if fixed else "✖️ Dismissed"
        problem = decided.problem.label if decided.problem else "problem"
        title = literal(limits.cut(decided.title, 150))
        text = f"{verb} report #{decided.id}: {problem} on **{title}** (from {catalog_ui.mention(decided.user_id)})."
        await show_queue(interaction, text, pending)


async def show_queue(interaction: discord.Interaction[PillarsBot], text: str, pending: list[Suggestion]) -> None:
    """Replace the queue's message with what was decided and the queue as it now stands; nobody pinged."""
    await update_message(
        interaction, content=text, embed=catalog_ui.suggestion_queue_embed(pending), view=queue_view(pending)
    )
