"""/recommend, the "Recommend resources" message command, and the buttons under every recommendation.

The buttons are persistent: each custom_id carries what its press needs, so they keep working after a
restart and for anyone who sees a shared message. Under each pick, Start reading and Details
(`bot.ui.resource_card`); under the page:

- `pillars:more:<query>:<member id>:<offset>`: the next picks of the same question, for the same member.
- `pillars:back:<query>:<member id>:<offset>`: the picks before, the same way.
- `pillars:share:<query>:<member id>:<offset>`: post this page publicly in the channel.

`<query>` is the options in a few characters (`encode_query`); a question asked in the member's own words
does not fit a custom_id's 100 characters, so `.t` at its end says the text is in the message's footer.

A member's own private page offers no Start reading on what they are reading already.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import discord
from discord import app_commands

from bot.catalog.catalog import Catalog
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.errors import InvalidInputError, NotFoundError
from bot.interactions.answers import NO_PINGS, answer, in_time, update_message, waiting_for_answer
from bot.interactions.buttons import MEMBER_ID, Look, PersistentButton, ensure_shown_to_presser
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.options import BACKGROUND_CHOICES, KIND_CHOICES, LEVEL_CHOICES, TopicArg, catalog_of
from bot.interactions.refusals import NotYours
from bot.interactions.views import RenderedView
from bot.pace import Pace
from bot.reading import ReadingStatus
from bot.recommend import (
    DEFAULT_LIMIT,
    Query,
    Recommendation,
    describe_query,
    explain_nothing,
    recommend,
)
from bot.ui import embeds, limits, resource_card
from bot.ui.resource_card import DetailsButton, StartReadingButton
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

PAGE_SIZE = DEFAULT_LIMIT
MAX_OFFSET = 1000
_TOPICS = list(Topic)
_BACKGROUNDS = list(Background)
_LEVELS = list(Level)
_KINDS = list(Kind)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_QUERY = r"[0-9a-z]*\.[0-9a-z_]\.[0-9a-z_]\.[0-9a-z_]\.[01](?:\.t)?"
_TEXT_FLAG = ".t"


def encode_query(query: Query) -> str:
    """A resolved query in a few characters for a custom_id: topics.background.level.kind.free."""

    def one(options: list, value: object) -> str:
        return "_" if value is None else _DIGITS[options.index(value)]

    topics = "".join(_DIGITS[_TOPICS.index(topic)] for topic in query.topics)
    parts = [
        topics,
        one(_BACKGROUNDS, query.background),
        one(_LEVELS, query.level),
        one(_KINDS, query.kind),
        "1" if query.free_only else "0",
    ]
    return ".".join(parts)


def decode_query(text: str) -> Query:
    """The query `encode_query` wrote; InvalidInputError for a button from an incompatible version."""

    def one(options: list, char: str) -> object:
        return None if char == "_" else options[_DIGITS.index(char)]

    try:
        topics, background, level, kind, free = text.split(".")
        return Query(
            topics=tuple(_TOPICS[_DIGITS.index(char)] for char in topics),
            background=one(_BACKGROUNDS, background),  # type: ignore[arg-type]
            level=one(_LEVELS, level),  # type: ignore[arg-type]
            kind=one(_KINDS, kind),  # type: ignore[arg-type]
            free_only=free == "1",
        )
    except (ValueError, IndexError):
        raise InvalidInputError("This button is from an older version of the bot; run /recommend again.") from None


def query_key(query: Query) -> str:
    """What a button carries to ask the same question again: the options, and whether the text is in the footer."""
    return encode_query(query) + (_TEXT_FLAG if query.text.strip() else "")


def query_of(key: str, message: discord.Message | None) -> Query:
    """The question a button's key and the message it is on stand for (`query_key` in reverse)."""
    if not key.endswith(_TEXT_FLAG):
        return decode_query(key)
    text = embeds.asked_in(message)
    if text is None:
        raise InvalidInputError("I can no longer read the question on this message; run /recommend again.")
    return replace(decode_query(key.removesuffix(_TEXT_FLAG)), text=text)


def nothing_fits(answer: Recommendation) -> str:
    """What a question the catalog covers nowhere gets: what was not found, the nearest subjects, what to do."""
    return "\n".join([*explain_nothing(answer), "If you know a good resource on it, `/suggest` it for the moderators."])


def understood_text(answer: Recommendation, catalog: Catalog) -> str | None:
    """The answer's header: what the question was read as, and what of it the catalog does not cover."""
    lines = [describe_query(answer.query, catalog)]
    if answer.uncovered:
        lines.append("not in the catalog: " + ", ".join(answer.uncovered[:5]))
    text = "\n".join(line for line in lines if line)
    return text or None


@dataclass(frozen=True)
class Page:
    """One page of a recommendation, ready to send."""

    embed: discord.Embed
    view: discord.ui.View
    shown: str  # which picks of how many: '4–6 of 18'


async def history_of(interaction: discord.Interaction[PillarsBot], user_id: int) -> dict[str, ReadingStatus]:
    """What a member has on their shelves, for the recommender."""
    return await interaction.client.store.statuses(user_id)


async def recommendation_page(
    interaction: discord.Interaction[PillarsBot],
    query: Query,
    target: discord.abc.User,
    *,
    offset: int = 0,
    shareable: bool = True,
    title: str | None = None,
) -> Page:
    """Rank, render and attach buttons; NotFoundError with "did you mean" when the question names nothing."""
    catalog = await catalog_of(interaction)
    await interaction.client.preparations.ready(catalog, query)  # about a second at 10,000 resources, once
    history = await history_of(interaction, target.id)
    store = interaction.client.store
    finished = [rid for rid, status in history.items() if status is ReadingStatus.FINISHED]
    community = (await store.community_facts(interaction.guild_id)).for_member(finished, catalog)
    answer = recommend(catalog, query, history, limit=PAGE_SIZE, offset=offset, community=community)
    if answer.nothing_fits or answer.needs_clarification:
        raise NotFoundError(nothing_fits(answer))
    if not answer.picks:
        if offset:
            raise NotFoundError("That's every pick for this question. Try another topic or fewer filters.")
        raise NotFoundError("No resource matches all of that. Try fewer filters, or another topic.")
    someone_else = target.id != interaction.user.id
    picks = [embeds.for_someone_else(p) for p in answer.picks] if someone_else else list(answer.picks)
    if title is None:
        title = f"Picks for {literal(target.display_name)}" if someone_else else "Picks for you"
    # A member's own pace only in their own private answer; anyone else reads estimates at a usual pace.
    pace = await store.pace(target.id) if shareable and not someone_else else Pace()
    embed = embeds.picks_embed(
        picks,
        title=title,
        offset=offset,
        total=answer.total,
        description=understood_text(answer, catalog),
        asked=query.text.strip() or None,
        pace=pace,
    )
    encoded = query_key(query)
    # On the member's own private page, what they are reading needs no Start reading; a page anyone may see
    # (shared, or for someone else) keeps every button, since the presser is whoever presses.
    reading = set() if someone_else or not shareable else {r for r, s in history.items() if s is ReadingStatus.READING}
    rows = []
    for pick in answer.picks:
        resource = pick.resource
        start = [] if resource.id in reading else [StartReadingButton.rendered(resource.id, resource.title)]
        rows.append([*start, DetailsButton.rendered(resource.id)])
    last_row = []
    if offset > 0:
        last_row.append(PreviousButton.rendered(encoded, target.id, max(0, offset - PAGE_SIZE)))
    if offset + len(answer.picks) < answer.total:
        last_row.append(MoreButton.rendered(encoded, target.id, offset + len(answer.picks)))
    if shareable:
        last_row.append(ShareButton.rendered(encoded, target.id, offset))
    view = RenderedView([*rows, last_row])
    return Page(embed, view, f"{embeds.shown_range(offset, len(answer.picks))} of {answer.total}")


async def member_named(interaction: discord.Interaction[PillarsBot], user_id: int) -> discord.abc.User:
    """The member a button's recommendation is for (the presser when it is them); an object with a name."""
    if user_id == interaction.user.id:
        return interaction.user
    if interaction.guild is not None:
        member = interaction.guild.get_member(user_id)
        if member is not None:
            return member
    user = interaction.client.get_user(user_id)
    if user is not None:
        return user
    try:
        return await interaction.client.fetch_user(user_id)
    except discord.HTTPException:
        raise NotFoundError("The member these picks were for is no longer around; run /recommend again.") from None


NOT_YOUR_PICKS = "These picks are someone else's private answer. `/recommend` makes your own."
_PAGE_ARGUMENTS = rf"(?P<query>{_QUERY}):(?P<user_id>{MEMBER_ID}):(?P<offset>\d{{1,4}})"


class _PageButton(PersistentButton, template=r"(?!)"):
    """A button about one page of a recommendation: the question, whom the picks are for, where the page starts."""

    ACTION: ClassVar[str]
    LOOK: ClassVar[Look]

    def __init__(self, query: str, user_id: int, offset: int, *, row: int | None = None) -> None:
        offset = min(offset, MAX_OFFSET)
        super().__init__(self.LOOK, self.ACTION, query, user_id, offset, row=row)
        self.query, self.user_id, self.offset = query, user_id, offset

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """On a private answer, only the member it was shown to may press (the custom_id names whom the picks
        are for, who may not be the one who asked)."""
        ensure_shown_to_presser(interaction, NOT_YOUR_PICKS)


class MoreButton(_PageButton, template=rf"pillars:more:{_PAGE_ARGUMENTS}"):
    """The next picks of the same question, for the same member."""

    ACTION = "more"
    LOOK = Look("More picks", discord.ButtonStyle.primary, "➡️")

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Replace a private answer in place; on a public message, answer the presser privately."""
        target = await member_named(interaction, self.user_id)
        private = interaction.message is not None and interaction.message.flags.ephemeral
        query = query_of(self.query, interaction.message)
        page = await in_time(
            interaction,
            recommendation_page(interaction, query, target, offset=self.offset, shareable=private),
            update=private,
        )
        if private:
            await update_message(interaction, embed=page.embed, view=page.view)
        else:
            await answer(interaction, embed=page.embed, view=page.view)


class PreviousButton(MoreButton, template=rf"pillars:back:{_PAGE_ARGUMENTS}"):
    """The picks before this page, of the same question, for the same member (as More picks, backwards)."""

    ACTION = "back"
    LOOK = Look("Previous picks", discord.ButtonStyle.secondary, "⬅️")


class ShareButton(_PageButton, template=rf"pillars:share:{_PAGE_ARGUMENTS}"):
    """Post this page of picks publicly in the channel, naming who shared it (no ping)."""

    ACTION = "share"
    LOOK = Look("Share", discord.ButtonStyle.secondary, "📣")

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Only the member who was shown a private answer may publish it; a public page is shared already."""
        if not ensure_shown_to_presser(interaction, NOT_YOUR_PICKS):
            raise NotYours("These picks are already public.")

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Post this page in the channel, and say which picks went out; the private answer keeps its page."""
        target = await member_named(interaction, self.user_id)
        sharer = literal(interaction.user.display_name)
        title = (
            f"Picks for {literal(target.display_name)}" if target.id != interaction.user.id else f"Picks for {sharer}"
        )
        query = query_of(self.query, interaction.message)

        async def both_pages() -> tuple[Page, Page]:
            public = await recommendation_page(
                interaction, query, target, offset=self.offset, shareable=False, title=title
            )
            return public, await recommendation_page(interaction, query, target, offset=self.offset)

        page, private = await in_time(interaction, both_pages(), update=True)
        await update_message(
            interaction, content=f"📣 Shared picks {page.shown} in the channel.", embed=private.embed, view=private.view
        )
        await interaction.followup.send(
            content=limits.content(f"Shared by {sharer}"),
            embed=page.embed,
            view=page.view,
            allowed_mentions=discord.AllowedMentions.none(),
        )


class Recommend(PillarsCog):
    """Recommendations: the slash command and the message command."""

    def __init__(self, bot: PillarsBot) -> None:
        super().__init__(bot)
        self.menu = app_commands.ContextMenu(name="Recommend resources", callback=self.recommend_from_message)

    async def cog_load(self) -> None:
        """Context menus cannot live in a cog; add ours to the tree beside it."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the context menu away with the cog."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @example("/recommend topic:linear algebra background:software engineer free_only:True")
    @app_commands.command(name="recommend", description="Resources to study next, each with the reason it was picked")
    @app_commands.rename(for_member="for")
    @app_commands.choices(background=BACKGROUND_CHOICES, level=LEVEL_CHOICES, kind=KIND_CHOICES)
    @app_commands.describe(
        topic="What to study: linear algebra, probability, 'linalg', 'stats'…",
        background="Where you come from, so picks start at the right place",
        level="How demanding the resource may be",
        kind="Only books, courses, lecture series…",
        free_only="Only resources you can study without paying",
        query="Or just ask: 'gentle probability for a developer, free'",
        for_member="Recommend for another member, from their reading history",
    )
    async def recommend_command(
        self,
        interaction: discord.Interaction[PillarsBot],
        topic: TopicArg | None = None,
        background: str | None = None,
        level: str | None = None,
        kind: str | None = None,
        free_only: bool = False,
        query: app_commands.Range[str, 1, 300] | None = None,
        for_member: discord.Member | None = None,
    ) -> None:
        """Answer privately with the best picks and their buttons."""
        if for_member is not None and for_member.bot:
            raise InvalidInputError("Bots don't read, as far as I know. Pick a member.")
        asked = Query(
            topics=(topic,) if topic else (),
            background=Background(background) if background else None,
            level=Level(level) if level else None,
            kind=Kind(kind) if kind else None,
            free_only=free_only,
            text=query or "",
        )
        target = for_member or interaction.user
        page = await in_time(interaction, recommendation_page(interaction, asked, target))
        await answer(interaction, embed=page.embed, view=page.view)

    async def recommend_from_message(
        self, interaction: discord.Interaction[PillarsBot], message: discord.Message
    ) -> None:
        """Answer a message's question publicly, with picks drawn from its text; nobody is pinged."""
        text = message.content.strip()
        if not text:
            raise InvalidInputError("That message has no text to recommend from.")
        author = message.author
        title = f"Picks for {literal(author.display_name)}'s question"
        asked = Query(text=text[:1000])
        try:
            page = await in_time(
                interaction, recommendation_page(interaction, asked, author, shareable=False, title=title), public=True
            )
        except NotFoundError as exc:
            # The question named nothing we know: tell the asker privately rather than post a non-answer, and
            # take back the channel's "thinking…" if it was shown.
            if waiting_for_answer(interaction):
                await interaction.delete_original_response()
                await interaction.followup.send(limits.content(exc.message), ephemeral=True, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(limits.content(exc.message), ephemeral=True)
            return
        await answer(interaction, f"Re: {message.jump_url}", embed=page.embed, view=page.view, public=True)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register the persistent buttons."""
    bot.add_dynamic_items(*resource_card.BUTTONS, MoreButton, PreviousButton, ShareButton)
    await bot.add_cog(Recommend(bot))
