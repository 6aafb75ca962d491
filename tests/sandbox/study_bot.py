"""A small bot made for the sandbox tests: one of each kind of interaction the real bot uses.

It stands in for `bot.app.create_bot` so the emulator and harness are tested on their own.
"""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.sandbox import SANDBOX_GUILD_ID

TOPICS = ["linear algebra", "linear regression", "calculus", "probability", "statistics", "optimization"]


class StudyView(discord.ui.View):
    """A persistent view: its buttons keep working after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Start reading", style=discord.ButtonStyle.primary, custom_id="study:start")
    async def start(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        """Update the message in place (callback type 7)."""
        button.disabled = True
        await interaction.response.edit_message(content=f"{interaction.user.name} started reading.", view=self)

    @discord.ui.button(label="Details", style=discord.ButtonStyle.secondary, custom_id="study:details")
    async def details(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        """Answer with a new ephemeral message (callback type 4)."""
        await interaction.response.send_message("Chapter 1 first.", ephemeral=True)


class BookmarkButton(discord.ui.DynamicItem[discord.ui.Button], template=r"study:bookmark:(?P<page>\d+)"):
    """A dynamic button: the page lives in its custom id, so any bot instance can answer it."""

    def __init__(self, page: int) -> None:
        super().__init__(discord.ui.Button(label=f"Bookmark p.{page}", custom_id=f"study:bookmark:{page}"))
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match) -> BookmarkButton:
        """Rebuild the button from its custom id."""
        return cls(int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Defer the update, then say so in a follow-up."""
        await interaction.response.defer()
        await asyncio.sleep(0.02)
        await interaction.followup.send(f"Bookmarked page {self.page}.", ephemeral=True)


class GotItButton(discord.ui.DynamicItem[discord.ui.Button], template=r"study:gotit:(?P<user>\d+)"):
    """A button on a DM: pressed from the member's DMs, where the interaction has no guild."""

    def __init__(self, user: int) -> None:
        super().__init__(discord.ui.Button(label="Got it", custom_id=f"study:gotit:{user}"))
        self.user = user

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match) -> GotItButton:
        """Rebuild the button from its custom id."""
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Say where the press came from, on the DM itself."""
        place = (
            "a DM" if interaction.guild is None and isinstance(interaction.channel, discord.DMChannel) else "a server"
        )
        await interaction.response.edit_message(content=f"{interaction.user.name} pressed it in {place}.", view=None)


class LevelView(discord.ui.View):
    """A select menu."""

    @discord.ui.select(
        custom_id="study:level",
        placeholder="Your level",
        options=[discord.SelectOption(label="Beginner", value="1"), discord.SelectOption(label="Advanced", value="3")],
    )
    async def level(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        """Update the message with the choice."""
        await interaction.response.edit_message(content=f"Level {select.values[0]}", view=None)


class SuggestModal(discord.ui.Modal, title="Suggest a resource"):
    """A modal with two inputs."""

    resource_title = discord.ui.TextInput(label="Title", custom_id="title", max_length=100)
    url = discord.ui.TextInput(label="URL", custom_id="url", required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Thank the member, privately."""
        await interaction.response.send_message(
            f"Thanks for {self.resource_title.value} ({self.url.value or 'no url'})", ephemeral=True
        )


class NotesGroup(app_commands.Group, name="notes", description="Your study notes"):
    """A command group: /notes add, /notes show."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[int, list[str]] = {}

    @app_commands.command(name="add", description="Add a note")
    @app_commands.describe(text="The note", topic="What it is about")
    async def add(self, interaction: discord.Interaction, text: str, topic: str | None = None) -> None:
        """Keep a note."""
        self.notes.setdefault(interaction.user.id, []).append(f"{topic or 'general'}: {text}")
        await interaction.response.send_message(f"Noted ({len(self.notes[interaction.user.id])}).", ephemeral=True)

    @add.autocomplete("topic")
    async def topic_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Topics starting with what was typed."""
        return [app_commands.Choice(name=t.title(), value=t) for t in TOPICS if t.startswith(current.lower())]

    @app_commands.command(name="show", description="Show your notes")
    async def show(self, interaction: discord.Interaction) -> None:
        """List the notes."""
        notes = self.notes.get(interaction.user.id, [])
        await interaction.response.send_message("\n".join(notes) or "No notes yet.", ephemeral=True)


def make_study_bot(guild_id: int = SANDBOX_GUILD_ID) -> commands.Bot:
    """The test bot, syncing its commands to the sandbox guild."""
    intents = discord.Intents.default()
    intents.members = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05, help_command=None)
    bot.failures: list[Exception] = []  # type: ignore[attr-defined]
    guild = discord.Object(guild_id)

    @bot.tree.command(name="echo", description="Say it back")
    @app_commands.describe(text="What to say", times="How many times", shout="In capitals")
    async def echo(
        interaction: discord.Interaction, text: str, times: app_commands.Range[int, 1, 5] = 1, shout: bool = False
    ) -> None:
        words = " ".join([text.upper() if shout else text] * times)
        await interaction.response.send_message(words, allowed_mentions=discord.AllowedMentions.none())

    @bot.tree.command(name="whoami", description="Who you are and what you may do")
    async def whoami(interaction: discord.Interaction) -> None:
        perms = interaction.permissions
        await interaction.response.send_message(
            f"{interaction.user.name} manage_guild={perms.manage_guild} in #{interaction.channel.name}", ephemeral=True
        )

    @bot.tree.command(name="greet", description="Greet a member")
    async def greet(interaction: discord.Interaction, member: discord.Member) -> None:
        roles = ",".join(r.name for r in member.roles if not r.is_default()) or "none"
        await interaction.response.send_message(f"Hello {member.mention} (roles: {roles})")

    @bot.tree.command(name="recommend", description="Recommend a resource")
    @app_commands.describe(level="How far along you are")
    @app_commands.choices(
        level=[
            app_commands.Choice(name="Beginner", value="beginner"),
            app_commands.Choice(name="Advanced", value="advanced"),
        ]
    )
    async def recommend(interaction: discord.Interaction, topic: str, level: str = "beginner") -> None:
        embed = discord.Embed(
            title=f"{topic.title()} ({level})", description="Read this.", url="https://example.org/book"
        )
        embed.add_field(name="Why", value="It is clear.")
        await interaction.response.send_message(embed=embed, view=StudyView())

    @bot.tree.command(name="bookmark", description="A page to bookmark")
    async def bookmark(interaction: discord.Interaction, page: int) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(BookmarkButton(page))
        await interaction.response.send_message(f"Page {page}", view=view)

    @bot.tree.command(name="level", description="Choose your level")
    async def level(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Pick one:", view=LevelView())

    @bot.tree.command(name="suggest", description="Suggest a resource")
    async def suggest(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(SuggestModal())

    @bot.tree.command(name="reverse", description="Reverse a file")
    async def reverse(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        await interaction.response.send_message(
            f"{file.filename}: {len(data)} bytes",
            file=discord.File(__import__("io").BytesIO(data[::-1]), "reversed.txt"),
        )

    @bot.tree.command(name="slow", description="Think, then answer")
    async def slow(interaction: discord.Interaction, ephemeral: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="Thought about it.")
        await interaction.followup.send("One more thing.", ephemeral=ephemeral)

    @bot.tree.command(name="bigembed", description="An embed over Discord's limit")
    async def bigembed(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(description="x" * 5000))
        except discord.HTTPException as error:
            bot.failures.append(error)  # type: ignore[attr-defined]
            raise

    @bot.tree.command(name="remindme", description="Get a DM")
    async def remindme(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Sending you a DM.", ephemeral=True)
        view = discord.ui.View(timeout=None)
        view.add_item(GotItButton(interaction.user.id))
        try:
            await interaction.user.send("Time to study.", view=view, nonce=f"remind-{interaction.id}")
        except discord.Forbidden as error:
            await interaction.followup.send(f"Your DMs are closed ({error.code}).", ephemeral=True)

    @bot.tree.command(name="discuss", description="A thread from this message")
    async def discuss(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(f"Let's discuss {topic}.")
        message = await interaction.original_response()
        thread = await message.create_thread(name=f"About {topic}")
        await thread.send(f"First post about {topic}.")

    @bot.tree.command(name="huddle", description="A thread in this channel")
    async def huddle(interaction: discord.Interaction, name: str) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        thread = await interaction.channel.create_thread(name=name, type=discord.ChannelType.public_thread)
        await thread.send("Huddle here.")
        await interaction.response.send_message(f"Opened {thread.mention}.", ephemeral=True)

    @bot.tree.context_menu(name="Quote message")
    async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"> {message.content}\n— {message.author.name}")

    bot.tree.add_command(NotesGroup())

    async def setup_hook() -> None:
        bot.add_view(StudyView())
        bot.add_dynamic_items(BookmarkButton, GotItButton)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot
