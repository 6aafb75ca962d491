"""Report a problem with a resource (a dead link, wrong facts): from its card to the moderators' queue.

Three steps, each answering privately:

- `pillars:report:<resource id>`: Report a problem, under the resource's card: asks what is wrong.
- `pillars:flag:<link|facts>:<resource id>`: the answer, which opens a short form.
- the form (`pillars:rpt:<link|facts>:<resource id>`): a note, needed for wrong facts; its submit queues the
  report for `/catalog suggestions`, counted toward the member's write cooldown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.catalog.schema import Resource
from bot.interactions.answers import acknowledge, answer
from bot.interactions.buttons import RESOURCE_ID, Look, PersistentButton
from bot.interactions.checks import ensure_write_allowed, server_id
from bot.interactions.views import PersistentView, PillarsModal
from bot.store.models import Problem
from bot.store.store import MAX_NOTE
from bot.ui import limits
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

# The problem as a custom_id spells it: short, so a resource id of 80 characters still fits in 100.
_CODES: dict[str, Problem] = {"link": Problem.DEAD_LINK, "facts": Problem.WRONG_FACTS}
_CHOICES: dict[Problem, tuple[str, str]] = {
    Problem.DEAD_LINK: ("The link is dead", "🔗"),
    Problem.WRONG_FACTS: ("A fact is wrong", "📝"),
}
_NOTE: dict[Problem, tuple[str, str, bool]] = {  # the form's input: label, placeholder, required
    Problem.DEAD_LINK: ("What did you see? (optional)", "404 page, a domain for sale, a new address…", False),
    Problem.WRONG_FACTS: ("Which fact is wrong, and what is right?", "It has 340 pages, not 390.", True),
}


def code_of(problem: Problem) -> str:
    """'link' for a dead link: the problem inside a custom_id."""
    return next(code for code, known in _CODES.items() if known is problem)


async def resource_named(interaction: discord.Interaction[PillarsBot], resource_id: str) -> Resource:
    """The live resource a button names, for this server (NotFoundError with "did you mean" when retired)."""
    return await interaction.client.store.resource(interaction.guild_id, resource_id)


class ReportProblemButton(PersistentButton, template=rf"pillars:report:(?P<resource_id>{RESOURCE_ID})"):
    """Ask what is wrong with a resource: a dead link or a wrong fact."""

    def __init__(self, resource_id: str, *, row: int | None = None) -> None:
        super().__init__(Look("Report a problem", discord.ButtonStyle.secondary, "⚠️"), "report", resource_id, row=row)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Offer the two problems, privately; a report goes to a server's moderators, so not from a DM."""
        server_id(interaction)
        resource = await resource_named(interaction, self.resource_id)
        title = literal(limits.cut(resource.title, 150))
        view = PersistentView(*(FlagButton(code_of(problem), resource.id) for problem in _CHOICES))
        text = f"What is wrong with **{title}**? Your report goes to this server's moderators."
        await interaction.response.send_message(
            limits.content(text), view=view, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


class FlagButton(PersistentButton, template=rf"pillars:flag:(?P<code>link|facts):(?P<resource_id>{RESOURCE_ID})"):
    """Open the short form for one problem with one resource."""

    def __init__(self, code: str, resource_id: str, *, row: int | None = None) -> None:
        label, emoji = _CHOICES[_CODES[code]]
        super().__init__(Look(label, discord.ButtonStyle.primary, emoji), "flag", code, resource_id, row=row)
        self.code = code
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Open the form (the resource is checked again when it is submitted)."""
        server_id(interaction)
        resource = await resource_named(interaction, self.resource_id)
        await interaction.response.send_modal(ReportModal(_CODES[self.code], resource.id, resource.title))


class ReportModal(PillarsModal):
    """The short form of a report: one note, needed for wrong facts."""

    def __init__(self, problem: Problem, resource_id: str, title: str) -> None:
        label, emoji = _CHOICES[problem]
        super().__init__(purpose="report", title=f"{emoji} {label}: {title}", timeout=15 * 60.0)
        self.problem = problem
        self.resource_id = resource_id
        note_label, placeholder, required = _NOTE[problem]
        self.note: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            custom_id="note",
            style=discord.TextStyle.paragraph,
            max_length=MAX_NOTE,
            required=required,
            placeholder=placeholder,
        )
        self.add_item(discord.ui.Label(text=limits.cut(note_label, limits.TEXT_INPUT_LABEL), component=self.note))

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Queue the report for the moderators and thank the member, privately; nobody is pinged."""
        guild_id = server_id(interaction)
        ensure_write_allowed(interaction)
        await acknowledge(interaction)  # the write may wait longer than Discord does
        resource = await resource_named(interaction, self.resource_id)
        note = self.note.value.strip() or None
        report = await interaction.client.store.report_problem(
            guild_id, interaction.user.id, resource, self.problem, note
        )
        title = literal(limits.cut(resource.title, 150))
        text = (
            f"⚠️ Thanks! Your report of a {self.problem.label} on **{title}** is #{report.id} in the moderators' "
            "queue (`/catalog suggestions`)."
        )
        await answer(interaction, text)


BUTTONS = (ReportProblemButton, FlagButton)
