"""/recommend, the "Recommend resources" message command, and the buttons under every recommendation.

The buttons are persistent: each custom_id carries what its press needs, so they keep working after a
restart and for anyone who sees a shared message.

- `pillars:start:<resource id>`: put that pick on the presser's reading shelf.
- `pillars:details:<resource id>`: everything about it, privately.
- `pillars:more:<query>:<member id>:<offset>`: the next picks of the same question, for the same member.
- `pillars:share:<query>:<member id>:<offset>`: post this page publicly in the channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.errors import InvalidInputError, NotFoundError
from bot.exts._checks import ensure_write_allowed, pillars_bot
from bot.exts._options import BACKGROUND_CHOICES, KIND_CHOICES, LEVEL_CHOICES, TopicArg, catalog_of, title_of
from bot.reading import ReadingStatus
from bot.recommend import DEFAULT_LIMIT, Query, Recommendation, recommend
from bot.ui import embeds, limits
from bot.ui.views import PersistentButton, PersistentView, RenderedView

PAGE_SIZE = DEFAULT_LIMIT
MAX_OFFSET = 1000
_TOPICS = list(Topic)
_BACKGROUNDS = list(Background)
_LEVELS = list(Level)
_KINDS = list(Kind)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_QUERY = r"[0-9a-z]*\.[0-9a-z_]\.[0-9a-z_]\.[0-9a-z_]\.[01]"
_RESOURCE_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"


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


def understood(query: Query) -> str:
    """What the bot understood the question as: 'linear algebra · for software engineers · free only'."""
    parts = [" and ".join(t.label for t in query.topics)] if query.topics else []
    if query.background:
        parts.append(f"background: {query.background.label}")
    if query.level:
        parts.append(f"{query.level.value} level")
    if query.kind:
        parts.append(f"{query.kind.label}s")
    if query.free_only:
        parts.append("free only")
    return " · ".join(parts)


def clarification(answer: Recommendation) -> str:
    """'Nothing in the catalog matches …; did you mean …?' for free text that named nothing."""
    words = ", ".join(f"'{word}'" for word in answer.unknown_words[:5])
    lines = [f"I couldn't match {words} to anything in the catalog."]
    for word, close in list(answer.suggestions.items())[:5]:
        lines.append(f"• {word}: did you mean {' or '.join(close)}?")
    lines.append("Try a topic such as " + ", ".join(t.label for t in _TOPICS[:4]) + ", or use the topic option.")
    return "\n".join(lines)


@dataclass(frozen=True)
class Page:
    """One page of a recommendation, ready to send."""

    embed: discord.Embed
    view: discord.ui.View


async def history_of(interaction: discord.Interaction, user_id: int) -> dict[str, ReadingStatus]:
    """What a member has on their shelves, for the recommender."""
    return await pillars_bot(interaction).store.statuses(user_id)


async def recommendation_page(
    interaction: discord.Interaction,
    query: Query,
    target: discord.abc.User,
    *,
    offset: int = 0,
    shareable: bool = True,
    title: str | None = None,
) -> Page:
    """Rank, render and attach buttons; NotFoundError with "did you mean" when the question names nothing."""
    catalog = await catalog_of(interaction)
    history = await history_of(interaction, target.id)
    answer = recommend(catalog, query, history, limit=PAGE_SIZE, offset=offset)
    if answer.needs_clarification:
        raise NotFoundError(clarification(answer))
    if not answer.picks:
        if offset:
            raise NotFoundError("That's every pick for this question. Try another topic or fewer filters.")
        raise NotFoundError("No resource matches all of that. Try fewer filters, or another topic.")
    someone_else = target.id != interaction.user.id
    picks = [embeds.for_someone_else(p) for p in answer.picks] if someone_else else list(answer.picks)
    if title is None:
        title = f"Picks for {target.display_name}" if someone_else else "Picks for you"
    embed = embeds.picks_embed(
        picks, title=title, offset=offset, total=answer.total, description=understood(answer.query) or None
    )
    encoded = encode_query(answer.query)
    rows = [
        [StartReadingButton.rendered(pick.resource.id, pick.resource.title), DetailsButton.rendered(pick.resource.id)]
        for pick in answer.picks
    ]
    last_row = []
    if offset + len(answer.picks) < answer.total:
        last_row.append(MoreButton.rendered(encoded, target.id, offset + len(answer.picks)))
    if shareable:
        last_row.append(ShareButton.rendered(encoded, target.id, offset))
    view = RenderedView([*rows, last_row])
    return Page(embed, view)


async def member_named(interaction: discord.Interaction, user_id: int) -> discord.abc.User:
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


class StartReadingButton(PersistentButton, template=rf"pillars:start:(?P<resource>{_RESOURCE_ID})"):
    """Put a pick on the presser's reading shelf."""

    def __init__(self, resource_id: str, label: str = "Start reading", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.button_label(label),
                style=discord.ButtonStyle.success,
                emoji="📖",
                custom_id=limits.custom_id("pillars", "start", resource_id),
            ),
            row=row,
        )
        self.resource_id = resource_id

    @classmethod
    def make(cls, resource_id: str, title: str, *, row: int | None = None) -> StartReadingButton:
        """The button under one pick, labelled with its title."""
        return cls(resource_id, f"Start reading: {title}", row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> StartReadingButton:
        """Rebuilt from the custom_id on a press."""
        return cls(match["resource"], item.label or "Start reading", row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Log 'reading' for the presser, unless it is already on their reading shelf."""
        store = pillars_bot(interaction).store
        current = (await store.statuses(interaction.user.id)).get(self.resource_id)
        title = await title_of(interaction, self.resource_id)
        if current is ReadingStatus.READING:
            text = f"**{title}** is already on your reading shelf. `/progress log` records how far you are."
            await interaction.response.send_message(text, ephemeral=True)
            return
        ensure_write_allowed(interaction)
        entry = await store.log_progress(
            interaction.user.id, interaction.guild_id, self.resource_id, status=ReadingStatus.READING
        )
        again = " (a re-read: your first read-through is kept)" if entry.read_count > 1 else ""
        text = f"📖 **{title}** is on your reading shelf{again}. Log how far you get with `/progress log`."
        await interaction.response.send_message(limits.content(text), ephemeral=True)


class DetailsButton(PersistentButton, template=rf"pillars:details:(?P<resource>{_RESOURCE_ID})"):
    """Show everything about one pick, to the presser only."""

    def __init__(self, resource_id: str, label: str = "Details", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.button_label(label),
                style=discord.ButtonStyle.secondary,
                custom_id=limits.custom_id("pillars", "details", resource_id),
            ),
            row=row,
        )
        self.resource_id = resource_id

    @classmethod
    def make(cls, resource_id: str, *, label: str = "Details", row: int | None = None) -> DetailsButton:
        """The details button under one pick."""
        return cls(resource_id, label, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> DetailsButton:
        """Rebuilt from the custom_id on a press."""
        return cls(match["resource"], item.label or "Details", row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """The resource embed, with the presser's own progress."""
        store = pillars_bot(interaction).store
        resource = await store.resource(interaction.guild_id, self.resource_id)
        entry = next((e for e in await store.shelf(interaction.user.id) if e.resource_id == resource.id), None)
        view = PersistentView()
        view.add_item(StartReadingButton.make(resource.id, resource.title))
        await interaction.response.send_message(
            embed=embeds.resource_embed(resource, entry=entry), view=view, ephemeral=True
        )


_PAGE_ARGS = rf"(?P<query>{_QUERY}):(?P<user>\d{{1,20}}):(?P<offset>\d{{1,4}})"


class MoreButton(PersistentButton, template=rf"pillars:more:{_PAGE_ARGS}"):
    """The next picks of the same question, for the same member."""

    def __init__(self, query: str, user_id: int, offset: int, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="More picks",
                style=discord.ButtonStyle.primary,
                emoji="➡️",
                custom_id=limits.custom_id("pillars", "more", query, user_id, offset),
            ),
            row=row,
        )
        self.query, self.user_id, self.offset = query, user_id, offset

    @classmethod
    def make(cls, query: str, user_id: int, offset: int, *, row: int | None = None) -> MoreButton:
        """The button that pages on from `offset`."""
        return cls(query, user_id, offset, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> MoreButton:
        """Rebuilt from the custom_id on a press."""
        return cls(match["query"], int(match["user"]), min(int(match["offset"]), MAX_OFFSET), row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Replace a private answer in place; on a public message, answer the presser privately."""
        target = await member_named(interaction, self.user_id)
        private = interaction.message is not None and interaction.message.flags.ephemeral
        page = await recommendation_page(
            interaction, decode_query(self.query), target, offset=self.offset, shareable=private
        )
        if private:
            await interaction.response.edit_message(embed=page.embed, view=page.view)
        else:
            await interaction.response.send_message(embed=page.embed, view=page.view, ephemeral=True)


class ShareButton(PersistentButton, template=rf"pillars:share:{_PAGE_ARGS}"):
    """Post this page of picks publicly in the channel, naming who shared it (no ping)."""

    def __init__(self, query: str, user_id: int, offset: int, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share",
                style=discord.ButtonStyle.secondary,
                emoji="📣",
                custom_id=limits.custom_id("pillars", "share", query, user_id, offset),
            ),
            row=row,
        )
        self.query, self.user_id, self.offset = query, user_id, offset

    @classmethod
    def make(cls, query: str, user_id: int, offset: int, *, row: int | None = None) -> ShareButton:
        """The button that shares the page starting at `offset`."""
        return cls(query, user_id, offset, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ShareButton:
        """Rebuilt from the custom_id on a press."""
        return cls(match["query"], int(match["user"]), min(int(match["offset"]), MAX_OFFSET), row=item.row)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """Mark the private answer shared, and post the same page in the channel."""
        target = await member_named(interaction, self.user_id)
        sharer = interaction.user.display_name
        title = f"Picks for {target.display_name}" if target.id != interaction.user.id else f"Picks for {sharer}"
        page = await recommendation_page(
            interaction, decode_query(self.query), target, offset=self.offset, shareable=False, title=title
        )
        await interaction.response.edit_message(content="📣 Shared in the channel.", view=None)
        await interaction.followup.send(
            content=limits.content(f"Shared by {sharer}"),
            embed=page.embed,
            view=page.view,
            allowed_mentions=discord.AllowedMentions.none(),
        )


class Recommend(commands.Cog):
    """Recommendations: the slash command and the message command."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Recommend resources", callback=self.recommend_from_message)

    async def cog_load(self) -> None:
        """Context menus cannot live in a cog; add ours to the tree beside it."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the context menu away with the cog."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(
        name="recommend",
        description="Resources to study next, each with the reason it was picked",
        extras={"example": "/recommend topic:linear algebra background:software engineer free_only:True"},
    )
    @app_commands.describe(
        topic="What to study: linear algebra, probability, 'linalg', 'stats'…",
        background="Where you come from, so picks start at the right place",
        level="How demanding the resource may be",
        kind="Only books, courses, lecture series…",
        free_only="Only resources you can study without paying",
        query="Or just ask: 'gentle probability for a developer, free'",
        for_member="Recommend for another member, from their reading history",
    )
    @app_commands.rename(for_member="for")
    @app_commands.choices(background=BACKGROUND_CHOICES, level=LEVEL_CHOICES, kind=KIND_CHOICES)
    async def recommend_command(
        self,
        interaction: discord.Interaction,
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
        page = await recommendation_page(interaction, asked, target)
        await interaction.response.send_message(embed=page.embed, view=page.view, ephemeral=True)

    async def recommend_from_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Answer a message's question publicly, with picks drawn from its text; nobody is pinged."""
        text = message.content.strip()
        if not text:
            raise InvalidInputError("That message has no text to recommend from.")
        author = message.author
        title = f"Picks for {author.display_name}'s question"
        try:
            page = await recommendation_page(interaction, Query(text=text[:1000]), author, shareable=False, title=title)
        except NotFoundError as exc:
            # The question named nothing we know: tell the asker privately rather than post a non-answer.
            await interaction.response.send_message(limits.content(exc.message), ephemeral=True)
            return
        await interaction.response.send_message(
            content=limits.content(f"Re: {message.jump_url}"),
            embed=page.embed,
            view=page.view,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: commands.Bot) -> None:
    """Load the cog and register the persistent buttons."""
    bot.add_dynamic_items(StartReadingButton, DetailsButton, MoreButton, ShareButton)
    await bot.add_cog(Recommend(bot))
