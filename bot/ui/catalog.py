"""What moderators see when they curate the catalog: the resource modal, the queue, import and audit embeds.

The form's text and how it is read are `bot.catalog.forms`; this module shows it as a Discord modal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import discord

from bot.catalog.forms import (
    AUTHORS_LABEL,
    CONCEPTS_LABEL,
    CONCEPTS_PLACEHOLDER,
    CONTENTS_HELP,
    CONTENTS_LABEL,
    CONTENTS_PLACEHOLDER,
    FACTS_HELP,
    FACTS_LABEL,
    FACTS_PLACEHOLDER,
    MAX_AUTHORS_TEXT,
    MAX_CONCEPTS_TEXT,
    MAX_CONTENTS_TEXT,
    MAX_FACTS_TEXT,
    TEXT_LABEL,
    TEXT_PLACEHOLDER,
    TITLE_LABEL,
    URL_LABEL,
    ContentsForm,
    ResourceForm,
)
from bot.catalog.schema import MAX_TEXT, MAX_TITLE, MAX_URL
from bot.interactions.views import PillarsModal, PillarsView
from bot.store.models import AuditEntry, ImportSummary, Suggestion
from bot.ui import embeds, limits
from bot.ui.text import code, counted, literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

SaveResource = Callable[["discord.Interaction[PillarsBot]", ResourceForm], Awaitable[None]]
FORM_TIMEOUT = 15 * 60.0  # a form's interaction token lives 15 minutes

# The form's five inputs, in order: the ResourceForm field each fills, its label, its longest value, the
# example shown while it is empty, and the line of help under the label.
_INPUTS: tuple[tuple[str, str, int, str, str | None], ...] = (
    ("title", TITLE_LABEL, MAX_TITLE, "Linear Algebra Done Right", None),
    ("url", URL_LABEL, MAX_URL, "https://…", "http:// or https:// only"),
    ("authors", AUTHORS_LABEL, MAX_AUTHORS_TEXT, "Sheldon Axler", None),
    ("facts", FACTS_LABEL, MAX_FACTS_TEXT, FACTS_PLACEHOLDER, FACTS_HELP),
    ("text", TEXT_LABEL, 2 * MAX_TEXT + 4, TEXT_PLACEHOLDER, None),
)


class ResourceModal(PillarsModal):
    """The resource form: title, link, authors, the facts line, summary and why. `save` does the rest.

    Every pre-filled value fits its input, or Discord refuses the whole form: an input's limit grows to what it
    shows, and a value longer than any input holds (forty authors) is not shown: the input says so, and left
    empty it keeps the value as it is.
    """

    def __init__(self, *, title: str, form: ResourceForm, save: SaveResource, purpose: str) -> None:
        super().__init__(purpose=purpose, title=title, timeout=FORM_TIMEOUT)
        self._save = save
        self._inputs: dict[str, discord.ui.TextInput[ResourceModal]] = {}
        self._not_shown: dict[str, str] = {}  # input → the value too long to show, kept when left empty
        for name, label, max_length, example, description in _INPUTS:
            value = getattr(form, name)
            if len(value) > limits.TEXT_INPUT_VALUE:
                self._not_shown[name] = value
                description = limits.cut(_not_shown_here(name, value), limits.LABEL_DESCRIPTION)
            item: discord.ui.TextInput[ResourceModal] = discord.ui.TextInput(
                custom_id=name,
                style=discord.TextStyle.paragraph if name == "text" else discord.TextStyle.short,
                default=None if name in self._not_shown else value or None,
                required=name not in self._not_shown,
                max_length=min(limits.TEXT_INPUT_VALUE, max(max_length, len(value))),
                placeholder=limits.cut(example, limits.TEXT_INPUT_PLACEHOLDER),
            )
            self._inputs[name] = item
            text = limits.cut(label, limits.TEXT_INPUT_LABEL)
            self.add_item(discord.ui.Label(text=text, component=item, description=description))

    @property
    def form(self) -> ResourceForm:
        """What the moderator typed; an input that could not show its value and was left empty keeps it."""
        typed = {name: item.value for name, item in self._inputs.items()}
        kept = {name: value for name, value in self._not_shown.items() if not typed[name].strip()}
        return ResourceForm(**{**typed, **kept})

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Hand the typed form to `save`."""
        await self._save(interaction, self.form)


def _not_shown_here(name: str, value: str) -> str:
    """The line under an input whose value is too long to show: what it holds, and that empty keeps it."""
    if name == "authors":
        what = counted(len([a for a in value.split(",") if a.strip()]), "author")
        return f"{what}, too many to show here: leave it empty to keep them, or type the new list."
    return f"{value[:40]}… is too long to show here: leave it empty to keep it, or type it anew."


SaveContents = Callable[["discord.Interaction[PillarsBot]", ContentsForm], Awaitable[None]]


class ContentsModal(PillarsModal):
    """The contents form: the concepts a resource teaches as a whole, and its sections, one a line."""

    def __init__(self, *, title: str, form: ContentsForm, save: SaveContents) -> None:
        super().__init__(purpose="contents", title=title, timeout=FORM_TIMEOUT)
        self._save = save
        self._concepts: discord.ui.TextInput[ContentsModal] = discord.ui.TextInput(
            custom_id="concepts",
            style=discord.TextStyle.short,
            default=form.concepts or None,
            max_length=MAX_CONCEPTS_TEXT,
            required=False,
            placeholder=CONCEPTS_PLACEHOLDER,
        )
        self._sections: discord.ui.TextInput[ContentsModal] = discord.ui.TextInput(
            custom_id="sections",
            style=discord.TextStyle.paragraph,
            default=form.sections or None,
            max_length=MAX_CONTENTS_TEXT,
            required=False,
            placeholder=limits.cut(CONTENTS_PLACEHOLDER, limits.TEXT_INPUT_PLACEHOLDER),
        )
        self.add_item(discord.ui.Label(text=CONCEPTS_LABEL, component=self._concepts))
        self.add_item(discord.ui.Label(text=CONTENTS_LABEL, component=self._sections, description=CONTENTS_HELP))

    @property
    def form(self) -> ContentsForm:
        """What the moderator typed."""
        return ContentsForm(concepts=self._concepts.value, sections=self._sections.value)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Hand the typed contents to `save`."""
        await self._save(interaction, self.form)


Draft = TypeVar("Draft", ResourceForm, ContentsForm)


class ReopenFormView(PillarsView, Generic[Draft]):
    """One button under a refused form: open it again with what was typed, so nothing has to be retyped."""

    def __init__(self, modal_factory: Callable[[Draft], discord.ui.Modal], draft: Draft) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self._modal_factory: Callable[[Draft], discord.ui.Modal] = modal_factory
        self._draft: Draft = draft

    @discord.ui.button(label="Fix it", style=discord.ButtonStyle.primary, emoji="✏️")
    async def reopen(
        self, interaction: discord.Interaction[PillarsBot], button: discord.ui.Button[ReopenFormView[Draft]]
    ) -> None:
        """Open the form again, filled with the draft (the modal's submit checks the moderator again)."""
        await interaction.response.send_modal(self._modal_factory(self._draft))


# --- embeds --------------------------------------------------------------------------------------------

QUEUE_PAGE = limits.ACTION_ROWS  # one row of buttons per suggestion shown


def mention(user_id: int) -> str:
    """A member as a mention; nothing the bot sends pings (allowed mentions are none)."""
    return f"<@{user_id}>"


def suggestion_queue_embed(pending: Sequence[Suggestion]) -> discord.Embed:
    """The pending suggestions and reports, oldest first; as many as there are button rows, and how many more wait."""
    embed = discord.Embed(title="Suggestions and reports waiting for a moderator", colour=embeds.COLOUR)
    for suggestion in pending[:QUEUE_PAGE]:
        name, value = report_field(suggestion) if suggestion.is_report else suggestion_field(suggestion)
        embed.add_field(name=name, value=value, inline=False)
    if not pending:
        embed.description = (
            "Nothing waiting. Members suggest resources with `/suggest` and report problems from a resource's card."
        )
    elif len(pending) > QUEUE_PAGE:
        embed.set_footer(text=f"{len(pending) - QUEUE_PAGE} more waiting: decide these to see them")
    else:
        embed.set_footer(
            text="Approving records the decision; the Add button then opens the form filled in. "
            "Resolve a report once it is fixed."
        )
    return limits.fit_embed(embed)


def suggestion_field(suggestion: Suggestion) -> tuple[str, str]:
    """A suggested resource in the queue: its title, link, who suggested it and when, and their note."""
    when = discord.utils.format_dt(suggestion.created_at, "R")
    value = f"{suggestion.url}\nsuggested by {mention(suggestion.user_id)} {when}"
    if suggestion.note:
        value += f"\n> {literal(limits.cut(suggestion.note, 300))}"
    return f"#{suggestion.id} · {literal(suggestion.title)}", value


def report_field(report: Suggestion) -> tuple[str, str]:
    """A reported problem in the queue: which resource, what problem, who and when, their words (escaped)."""
    when = discord.utils.format_dt(report.created_at, "R")
    problem = report.problem.label if report.problem else "problem"
    value = f"{report.url}\nreported by {mention(report.user_id)} {when} · fix it with `/catalog edit`"
    if report.note:
        value += f"\n> {literal(limits.cut(report.note, 300).replace(chr(10), ' '))}"
    title = literal(limits.cut(report.title, 150))
    return f"#{report.id} · ⚠️ {problem.capitalize()}: {title}", value


def _id_list(ids: Sequence[str], limit: int = 900) -> str:
    """Ids as `a`, `b`, … within a field value."""
    return limits.cut(", ".join(f"`{i}`" for i in ids), limit) if ids else "—"


def import_summary_embed(summary: ImportSummary, *, filename: str, done: bool) -> discord.Embed:
    """What an import would do (dry run) or did: added, updated, unchanged."""
    title = f"Imported {literal(filename)}" if done else f"Import {literal(filename)}? Nothing has changed yet"
    embed = discord.Embed(title=title, colour=embeds.COLOUR if done else embeds.WARNING_COLOUR)
    added, updated = ("added", "updated") if done else ("to add", "to update")
    embed.add_field(name=f"➕ {len(summary.added):,} {added}", value=_id_list(summary.added), inline=False)
    embed.add_field(name=f"✏️ {len(summary.updated):,} {updated}", value=_id_list(summary.updated), inline=False)
    embed.add_field(name=f"＝ {len(summary.unchanged):,} unchanged", value=_id_list(summary.unchanged), inline=False)
    if not done:
        embed.set_footer(text="Confirm within 15 minutes; only the moderator who started the import can confirm.")
    return limits.fit_embed(embed)


def catalog_problems_text(heading: str, issues: Sequence[object], *, budget: int = limits.MESSAGE_CONTENT) -> str:
    """A heading and one line per file:line problem, as many as fit, then how many were left out.

    The problems quote the file, so they are shown as typed; the heading is the caller's (names in it escaped).
    """
    lines = [heading]
    used = len(heading)
    reserve = len(f"\n…and {len(issues)} more")
    for index, issue in enumerate(issues):
        line = "• " + literal(limits.cut(str(issue), 300))
        last = index == len(issues) - 1
        if used + 1 + len(line) + (0 if last else reserve) > budget:
            lines.append(f"…and {len(issues) - index} more")
            break
        lines.append(line)
        used += 1 + len(line)
    return limits.content("\n".join(lines))


_ACTION_WORDS = {
    "add": "added",
    "edit": "edited",
    "retire": "retired",
    "restore": "restored",
    "import": "imported",
    "approve": "approved suggestion",
    "reject": "rejected suggestion",
    "resolve": "resolved report",
    "dismiss": "dismissed report",
    "settings": "changed the settings",
    "reload": "reloaded the curated catalog",
}


_SETTING_MENTIONS = {
    "moderator_role_id": ("moderator role", "<@&{}>"),
    "announce_channel_id": ("announce channel", "<#{}>"),
}


def _audit_detail(entry: AuditEntry) -> str:
    """The short what of an audit entry: the target, and for settings, imports and reloads what changed."""
    if entry.action == "settings" and entry.after:
        changes = []
        for key, value in entry.after.items():
            name, shown = _SETTING_MENTIONS.get(key, (key, "{}"))
            changes.append(f"{name} → {shown.format(value) if value is not None else 'none'}")
        return f": {limits.cut(', '.join(changes), 200)}"
    target = f" {code(limits.cut(entry.target, 80))}" if entry.target else ""
    if entry.action == "import" and entry.after:
        lists = {key: value for key, value in entry.after.items() if isinstance(value, list)}
        if lists:  # {"added": [...], "updated": [...]}
            return f"{target} ({', '.join(f'{len(v)} {k}' for k, v in lists.items())})"
        return f"{target} {counted(len(entry.after), 'resource')}"  # {resource id: resource}
    if entry.action == "reload" and entry.after and "resources" in entry.after:
        return f"{target} ({counted(entry.after['resources'], 'resource')})"
    return target


def audit_log_embed(entries: Sequence[AuditEntry]) -> discord.Embed:
    """Recent moderator actions, newest first: when, who (a mention that pings nobody), what."""
    lines = []
    for entry in entries:
        when = discord.utils.format_dt(entry.at, "R")
        what = _ACTION_WORDS.get(entry.action, entry.action)
        lines.append(f"{when} {mention(entry.moderator_id)} {what}{_audit_detail(entry)}")
    text = "\n".join(lines) or "No moderator actions yet."
    description = limits.cut(text, limits.EMBED_DESCRIPTION)
    embed = discord.Embed(title="Catalog audit log", description=description, colour=embeds.COLOUR)
    if entries:
        embed.set_footer(text=f"The last {counted(len(entries), 'action')}, newest first")
    return limits.fit_embed(embed)
