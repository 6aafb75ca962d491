"""A learning path as a member sees it: a page of steps with their marks, what the path opens up, page buttons.

`/path` shows the page holding the member's first step still to do. Its buttons are persistent
(`bot.interactions.buttons`) and answer for whoever presses them, with that member's own marks:

- `pillars:path:<t|c>:<topic or concept id>:<page>`: another page of the same path.
- Start reading (`bot.ui.resource_card`): the resource of the next step, when it is not on the reading shelf.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog.vocabulary import Topic
from bot.errors import NotFoundError
from bot.interactions.buttons import RESOURCE_ID, Look, PersistentButton
from bot.interactions.options import catalog_of
from bot.interactions.views import PersistentView
from bot.pace import Pace
from bot.paths import Member, Path, PathTarget, Step, path_to, study_days
from bot.reading import ReadingStatus
from bot.ui import embeds, limits
from bot.ui.resource_card import StartReadingButton
from bot.ui.text import about, literal, masked_link

if TYPE_CHECKING:
    from bot.app import PillarsBot

PAGE_STEPS = 15
PAGE_TEXT = 3_600  # of the description's 4,096, so a page of long titles and links still fits whole
UNLOCKS_SHOWN = 12

# Each mark a step can carry, and what the legend says of it (the legend names only the marks a page uses).
DONE, READING, WANT, TO_DO, NOWHERE, GROUNDWORK = "✅", "📖", "🔖", "▫️", "❔", "🧱"
LEGEND = {
    DONE: "done",
    READING: "in what you are reading",
    WANT: "on your want-to-read shelf",
    TO_DO: "to do",
    NOWHERE: "nothing here teaches it yet",
    GROUNDWORK: "groundwork",
}


@dataclass(frozen=True)
class PathPage:
    """One page of a path as lines of text, and where it sits among the pages."""

    lines: tuple[str, ...]
    marks: frozenset[str]
    number: int  # from 0
    count: int


def step_marks(step: Step, member: Member) -> tuple[str, ...]:
    """The marks of one step: where the member stands with it, then 🧱 when it is groundwork."""
    if step.done:
        status = DONE
    elif step.place is None:
        status = NOWHERE
    else:
        shelf = member.statuses.get(step.place.resource.id)
        status = {ReadingStatus.READING: READING, ReadingStatus.WANT_TO_READ: WANT}.get(shelf, TO_DO)  # type: ignore[arg-type]
    return (status, GROUNDWORK) if step.groundwork else (status,)


def step_line(number: int, step: Step, member: Member) -> str:
    """'3. ▫️ **expectation** — [Seeing Theory](…), chapter 1 · Basic Probability'."""
    marks = step_marks(step, member)
    head = f"{number}. {marks[0]} **{step.concept.name}**" + (f" {GROUNDWORK}" if len(marks) > 1 else "")
    if step.done or step.place is None:
        return head
    resource, section = step.place.resource, step.place.section
    where = masked_link(limits.cut(resource.title, 70), resource.url)
    if section is not None:
        title = literal(limits.cut(section.title, 60))
        where += f", {section.label_in(resource.length.unit)} · {title}"
    return f"{head} — {where}"


def pages(path: Path, member: Member) -> list[PathPage]:
    """The path cut into pages of at most PAGE_STEPS steps and PAGE_TEXT characters."""
    found: list[tuple[list[str], set[str]]] = [([], set())]
    for number, step in enumerate(path.steps, start=1):
        line = limits.cut(step_line(number, step, member), 600)
        lines, marks = found[-1]
        if lines and (len(lines) == PAGE_STEPS or sum(len(x) + 1 for x in lines) + len(line) > PAGE_TEXT):
            found.append(([], set()))
            lines, marks = found[-1]
        lines.append(line)
        marks.update(step_marks(step, member))
    return [PathPage(tuple(lines), frozenset(marks), n, len(found)) for n, (lines, marks) in enumerate(found)]


def first_page_to_do(path: Path, member: Member) -> int:
    """The page holding the member's first step not done yet (the last page when all are done)."""
    shown = pages(path, member)
    first = next((index for index, step in enumerate(path.steps) if not step.done), len(path.steps) - 1)
    seen = 0
    for page in shown:
        seen += len(page.lines)
        if first < seen:
            return page.number
    return len(shown) - 1


def legend(marks: frozenset[str] | set[str]) -> str:
    """'✅ done · ▫️ to do · 🧱 groundwork': every mark used, in a fixed order."""
    return " · ".join(f"{mark} {words}" for mark, words in LEGEND.items() if mark in marks)


def unlocks_text(path: Path) -> str:
    """What the path opens up next, each with what else it needs."""
    parts = []
    for concept in path.unlocks[:UNLOCKS_SHOWN]:
        also = path.also_needs.get(concept.id)
        parts.append(f"{concept.name} (also needs {', '.join(c.name for c in also)})" if also else concept.name)
    more = len(path.unlocks) - UNLOCKS_SHOWN
    return ", ".join(parts) + (f", and {more} more" if more > 0 else "")


def time_left(path: Path, pace: Pace) -> str | None:
    """'about 2 months at your pace' for the steps left, or None when none is left to study anywhere."""
    units = {step.place.resource.length.unit for step in path.to_do if step.place is not None}
    if not units:
        return None
    own = [pace.is_own(unit) for unit in units]
    whose = "your pace" if all(own) else ("your pace where you have one" if any(own) else "a usual pace")
    return f"{about(study_days(path, pace))} at {whose}"


def path_embed(path: Path, member: Member, page_number: int, pace: Pace | None = None) -> discord.Embed:
    """One page of the path: its steps with their marks; what it opens up; how long the rest takes at the
    member's `pace`; the legend of the marks used."""
    shown = pages(path, member)
    page = shown[max(0, min(page_number, len(shown) - 1))]
    title = f"Learning path: {path.target}"
    description = "\n".join(page.lines) or "Nothing in the vocabulary leads there yet."
    embed = discord.Embed(title=title, description=description, colour=embeds.COLOUR)
    if path.left_out:
        embed.add_field(name="Beyond these", value=f"{path.left_out} more steps: ask for a path to a later concept.")
    if path.unlocks:
        embed.add_field(name="Next, it opens up", value=limits.cut(unlocks_text(path), limits.EMBED_FIELD_VALUE))
    left = time_left(path, pace) if pace is not None else None
    if left is not None:
        embed.add_field(name="⏱ What is left", value=left, inline=False)
    done = sum(step.done for step in path.steps)
    where = f"Page {page.number + 1} of {page.count} · " if page.count > 1 else ""
    embed.set_footer(text=f"{where}{done} of {len(path.steps)} done · {legend(page.marks)}")
    return limits.fit_embed(embed)


def _target_key(target: PathTarget) -> tuple[str, str]:
    """('t', 'probability') or ('c', 'singular-value-decomposition'): a target inside a custom_id."""
    return ("t", target.value) if isinstance(target, Topic) else ("c", target.id)


class PathPageButton(
    PersistentButton, template=rf"pillars:path:(?P<kind>[tc]):(?P<target>{RESOURCE_ID}):(?P<page>\d{{1,3}})"
):
    """Show another page of a path, with the presser's own marks."""

    def __init__(self, kind: str, target: str, page: int, label: str = "", *, row: int | None = None) -> None:
        super().__init__(Look(label or f"Page {page + 1}"), "path", kind, target, page, row=row)
        self.kind = kind
        self.target = target
        self.page = page

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Replace the message with the asked page."""
        catalog = await catalog_of(interaction)
        target: PathTarget | None
        if self.kind == "t":
            target = next((topic for topic in Topic if topic.value == self.target), None)
        else:
            target = catalog.concepts.get(self.target)
        if target is None:
            raise NotFoundError("That path is no longer in the vocabulary. `/path` shows the current ones.")
        embed, view = await path_answer(interaction, target, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


async def path_answer(
    interaction: discord.Interaction[PillarsBot], target: PathTarget, page: int | None = None
) -> tuple[discord.Embed, PersistentView]:
    """The path to `target` for the member who asked: the page given, else the one with their next step."""
    catalog = await catalog_of(interaction)
    member = Member.from_shelf(await interaction.client.store.shelf(interaction.user.id))
    pace = await interaction.client.store.pace(interaction.user.id)
    # A path takes about a millisecond, but the first one of a catalog ranks where each concept is taught
    # (a second at 10,000 resources): off the event loop, so nothing else waits for it.
    path = await asyncio.to_thread(path_to, catalog, target, member)
    if page is None:
        page = first_page_to_do(path, member)
    count = len(pages(path, member))
    page = max(0, min(page, count - 1))
    kind, key = _target_key(target)
    buttons: list[discord.ui.Item[Any]] = []
    if page > 0:
        buttons.append(PathPageButton(kind, key, page - 1, "◀ Earlier steps", row=0))
    if page < count - 1:
        buttons.append(PathPageButton(kind, key, page + 1, "Later steps ▶", row=0))
    next_step = next((s for s in path.steps if not s.done and s.place is not None), None)
    if next_step is not None and next_step.place is not None:
        resource = next_step.place.resource
        if member.statuses.get(resource.id) is not ReadingStatus.READING:
            buttons.append(StartReadingButton(resource.id, resource.title, row=1))
    return path_embed(path, member, page, pace), PersistentView(*buttons)


BUTTONS = (PathPageButton,)
