"""Rating a finished resource and saying why one was dropped: the buttons under those answers, and their forms.

Every button and form is persistent (`bot.interactions.buttons`, `bot.interactions.modals`): each acts for
whoever presses it, on their own reading, so a shared or old message can do no harm.

- `pillars:rate:<resource id>:<stars>`: rate the resource 1–5 (once finished).
- `pillars:review:<resource id>`: open the review form, filled with the presser's rating and review;
  it submits as `pillars:reviewed:<resource id>`.
- `pillars:stopped:<resource id>:<h|s|n>`: dropped because too hard, too slow, not what they needed.
- `pillars:why-stop:<resource id>`: open a form for their own words; it submits as `pillars:why:<resource id>`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.community import LISTED_REASONS, MAX_RATING, MAX_REASON_DETAIL, MIN_RATING, DropReason
from bot.errors import InvalidInputError
from bot.interactions.answers import acknowledge, answer, update_message
from bot.interactions.buttons import RESOURCE_ID, Look, PersistentButton
from bot.interactions.checks import ensure_write_allowed
from bot.interactions.modals import PersistentModal
from bot.interactions.options import title_of
from bot.interactions.views import PersistentView
from bot.store.community import MAX_REVIEW
from bot.store.models import Rating
from bot.ui.community import stars
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

_REASON_CODES = {"h": DropReason.TOO_HARD, "s": DropReason.TOO_SLOW, "n": DropReason.NOT_WHAT_I_NEEDED}
_YES = {"yes", "y", "true", "1", "sign", "named", "oui", "ja", "sí", "si"}
_NO = {"", "no", "n", "false", "0", "anonymous"}


def rating_view(resource_id: str) -> PersistentView:
    """Five star buttons and 'Write a review', under a finished resource."""
    buttons = [RateButton(resource_id, stars_given) for stars_given in range(MIN_RATING, MAX_RATING + 1)]
    return PersistentView(*buttons, ReviewButton(resource_id))


def reasons_view(resource_id: str) -> PersistentView:
    """The listed reasons for stopping, and 'Another reason…', under a dropped resource."""
    codes = {reason: code for code, reason in _REASON_CODES.items()}
    buttons = [StoppedButton(resource_id, codes[reason]) for reason in LISTED_REASONS]
    return PersistentView(*buttons, OtherReasonButton(resource_id))


def rated_text(title: str, rating: Rating) -> str:
    """What the member is told once their rating is saved, and who will see what."""
    text = f"{stars(rating.rating)} You rated **{literal(title)}** {rating.rating}/5."
    if rating.review:
        shown = "signed with your name" if rating.named else "without your name"
        text += f" Your review shows in `/resource info`, {shown}."
    else:
        text += " A short review helps the others choose: press *Write a review*."
    return text + " Change either with `/progress rate`, or here."


class RateButton(PersistentButton, template=rf"pillars:rate:(?P<resource_id>{RESOURCE_ID}):(?P<stars_given>[1-5])"):
    """Rate the resource this many stars, for the presser."""

    def __init__(self, resource_id: str, stars_given: int) -> None:
        super().__init__(Look(str(stars_given), discord.ButtonStyle.secondary, "⭐"), "rate", resource_id, stars_given)
        self.resource_id, self.stars_given = resource_id, stars_given

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Save the rating and say so in place, keeping the buttons to change it or add a review."""
        ensure_write_allowed(interaction)
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        rating = await interaction.client.store.rate(
            interaction.user.id, interaction.guild_id, self.resource_id, self.stars_given
        )
        text = rated_text(await title_of(interaction, self.resource_id), rating)
        await update_message(interaction, content=text, view=rating_view(self.resource_id))


class ReviewButton(PersistentButton, template=rf"pillars:review:(?P<resource_id>{RESOURCE_ID})"):
    """Open the review form, filled with what the presser wrote before."""

    def __init__(self, resource_id: str) -> None:
        super().__init__(Look("Write a review", discord.ButtonStyle.primary, "✍️"), "review", resource_id)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Send the form."""
        title = await title_of(interaction, self.resource_id)
        before = await interaction.client.store.rating(interaction.user.id, self.resource_id)
        await ReviewForm(self.resource_id, title, before).send(interaction)


class ReviewForm(PersistentModal, template=rf"pillars:reviewed:(?P<resource_id>{RESOURCE_ID})"):
    """The rating (required), a short review and whether to sign it."""

    def __init__(self, resource_id: str, title: str = "", before: Rating | None = None) -> None:
        heading = f"Review: {title}" if title else "Your review"
        super().__init__(title=heading, custom_id=f"pillars:reviewed:{resource_id}")
        self.resource_id = resource_id
        self.add_item(
            discord.ui.TextInput(
                label=f"Rating, {MIN_RATING} to {MAX_RATING} stars",
                custom_id="rating",
                default=str(before.rating) if before else None,
                min_length=1,
                max_length=1,
                placeholder="4",
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="A short review (optional)",
                custom_id="review",
                style=discord.TextStyle.paragraph,
                default=before.review if before and before.review else None,
                required=False,
                max_length=MAX_REVIEW,
                placeholder="What it is good for, who it suits. Empty removes your review.",
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="Show your name with it? yes or no",
                custom_id="named",
                default="yes" if before and before.named else "no",
                required=False,
                max_length=10,
            )
        )

    async def submitted(self, interaction: discord.Interaction[PillarsBot], values: dict[str, str]) -> None:
        """Save the rating and review as typed; a rating that is no number from 1 to 5 is refused."""
        typed = values.get("rating", "").strip()
        if not typed.isdigit():
            raise InvalidInputError(f"A rating is a whole number of stars from {MIN_RATING} to {MAX_RATING}.")
        named = values.get("named", "").strip().casefold()
        if named not in _YES | _NO:
            raise InvalidInputError("Answer yes or no to showing your name with the review.")
        ensure_write_allowed(interaction)
        await acknowledge(interaction)  # the write may wait longer than Discord does
        rating = await interaction.client.store.rate(
            interaction.user.id,
            interaction.guild_id,
            self.resource_id,
            int(typed),
            review=values.get("review", ""),
            named=named in _YES,
        )
        text = rated_text(await title_of(interaction, self.resource_id), rating)
        await answer(interaction, text)


class StoppedButton(PersistentButton, template=rf"pillars:stopped:(?P<resource_id>{RESOURCE_ID}):(?P<code>[hsn])"):
    """The presser dropped the resource for one of the listed reasons."""

    def __init__(self, resource_id: str, code: str) -> None:
        self.reason = _REASON_CODES[code]
        super().__init__(Look(self.reason.label[0].upper() + self.reason.label[1:]), "stopped", resource_id, code)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Record the reason and thank them, in place."""
        ensure_write_allowed(interaction)
        await acknowledge(interaction, update=True)  # the write may wait longer than Discord does
        await interaction.client.store.give_drop_reason(
            interaction.user.id, interaction.guild_id, self.resource_id, self.reason.value
        )
        title = await title_of(interaction, self.resource_id)
        text = f"Noted: you stopped **{literal(title)}**: {self.reason.label}. Thank you, it helps the others choose."
        await update_message(interaction, content=text, view=None)


class OtherReasonButton(PersistentButton, template=rf"pillars:why-stop:(?P<resource_id>{RESOURCE_ID})"):
    """Open a form for the presser's own reason."""

    def __init__(self, resource_id: str) -> None:
        super().__init__(Look("Another reason…"), "why-stop", resource_id)
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Send the form."""
        await OtherReasonForm(self.resource_id, await title_of(interaction, self.resource_id)).send(interaction)


class OtherReasonForm(PersistentModal, template=rf"pillars:why:(?P<resource_id>{RESOURCE_ID})"):
    """Why the member stopped, in their own words: kept for them (their export); others see only 'other'."""

    def __init__(self, resource_id: str, title: str = "") -> None:
        heading = f"Why you stopped: {title}" if title else "Why you stopped"
        super().__init__(title=heading, custom_id=f"pillars:why:{resource_id}")
        self.resource_id = resource_id
        self.add_item(
            discord.ui.TextInput(
                label="Why did you stop?",
                custom_id="reason",
                max_length=MAX_REASON_DETAIL,
                placeholder="Only you see what you write here.",
            )
        )

    async def submitted(self, interaction: discord.Interaction[PillarsBot], values: dict[str, str]) -> None:
        """Record the reason."""
        ensure_write_allowed(interaction)
        await acknowledge(interaction)  # the write may wait longer than Discord does
        await interaction.client.store.give_drop_reason(
            interaction.user.id, interaction.guild_id, self.resource_id, values.get("reason", "")
        )
        await answer(
            interaction, "Noted, thank you. What you wrote stays yours: others only see that a reason was given."
        )


BUTTONS = (RateButton, ReviewButton, StoppedButton, OtherReasonButton)  # for `bot.add_dynamic_items`
MODALS = (ReviewForm, OtherReasonForm)  # for `answer_modal_submit`
