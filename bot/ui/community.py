"""How the community's reading is shown: a resource's outcomes, its reviews, and estimates at a member's pace.

The figures arrive already past the privacy threshold (`bot.community`); this module only words them. Reviews
and names are members' own text shown to others: they go through `shown_text`, the one place that escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.catalog.schema import Resource
from bot.catalog.vocabulary import LengthUnit
from bot.community import PRIVACY_THRESHOLD, Outcomes
from bot.pace import Pace
from bot.store.models import CommunityCard, Review
from bot.ui import limits
from bot.ui.text import about, counted, literal

REVIEW_SHOWN = 300  # characters of a review shown in a resource card
NOT_ENOUGH = (
    f"Not enough members have read it yet to show anything: a figure appears once at least {PRIVACY_THRESHOLD} "
    "members stand behind it."
)


def shown_text(text: str, limit: int) -> str:
    """A member's text as others see it: on one line, cut to `limit`, shown as typed (`text.literal`)."""
    one_line = " ".join(text.split())
    return literal(limits.cut(one_line, limit))


def stars(rating: int) -> str:
    """'★★★★☆' for 4 of 5."""
    return "★" * rating + "☆" * (5 - rating)


def outcomes_text(outcomes: Outcomes, resource: Resource, titles: Mapping[str, str]) -> str | None:
    """The figures that stand, one kind per line; None when none does."""
    lines = []
    counts = []
    if outcomes.started is not None:
        counts.append(f"{outcomes.started} started")
    if outcomes.finished is not None:
        share = f" ({round(outcomes.completion * 100)}%)" if outcomes.completion is not None else ""
        counts.append(f"{outcomes.finished} finished{share}")
    if outcomes.dropped is not None:
        counts.append(f"{outcomes.dropped} dropped")
    if counts:
        lines.append("📖 " + " · ".join(counts))
    if outcomes.median_days is not None:
        lines.append(f"⏱ {about(outcomes.median_days)} from start to finish (the median)")
    stop = outcomes.stop
    said = f"most said: {outcomes.reason[0].label}" if outcomes.reason is not None else ""
    if stop is not None and stop.section is not None:
        where = f"{stop.section.label_in(resource.length.unit)} · {shown_text(stop.section.title, 80)}"
        line = f"⏸️ those who stop mostly stop in {where} ({stop.members} of {stop.of})"
        lines.append(line + (f"; {said}" if said else ""))
    elif stop is not None and stop.position is not None:
        line = f"⏸️ those who stop stop around {_place(resource.length.unit, stop.position)}"
        lines.append(line + (f"; {said}" if said else ""))
    elif said:
        lines.append(f"⏸️ of those who stopped, {said}")
    if outcomes.rating is not None and outcomes.ratings is not None:
        lines.append(f"⭐ {outcomes.rating:.1f}/5 from {counted(outcomes.ratings, 'rating')}")
    went_on = [f"{titles[rid]} ({n})" for rid, n in outcomes.went_on if rid in titles]
    if went_on:
        lines.append("➡️ what finishers most often started next: " + ", ".join(went_on))
    return "\n".join(lines) or None


def _place(unit: LengthUnit, position: int) -> str:
    """'page 120', 'lecture 4', '40%': a position as a member reads it."""
    if unit is LengthUnit.PERCENT:
        return f"{position}%"
    return f"{unit.singular} {position + 1 if unit.counts_parts else position}"


def review_line(review: Review, name: str | None) -> str:
    """'★★★★☆ “Clear and rigorous.” — alice' (or '— a member' unless they chose to be named)."""
    who = shown_text(name, 64) if name else "a member"
    return f"{stars(review.rating)} “{shown_text(review.text, REVIEW_SHOWN)}” — {who}"


def community_fields(
    card: CommunityCard, resource: Resource, titles: Mapping[str, str], names: Mapping[int, str]
) -> list[tuple[str, str]]:
    """The resource card's fields about the members' reading: here, across servers, and the latest reviews."""
    fields = []
    if card.here is not None:
        fields.append(("Members here", outcomes_text(card.here, resource, titles) or NOT_ENOUGH))
        if card.everywhere != card.here:
            everywhere = outcomes_text(card.everywhere, resource, titles)
            if everywhere:
                fields.append(("Across servers", everywhere))
    else:
        fields.append(("Members' reading", outcomes_text(card.everywhere, resource, titles) or NOT_ENOUGH))
    if card.reviews:
        lines = [
            review_line(review, names.get(review.author_id) if review.author_id is not None else None)
            for review in card.reviews
        ]
        fields.append(("Latest reviews", limits.cut("\n".join(lines), limits.EMBED_FIELD_VALUE)))
    return fields


# --- pace -------------------------------------------------------------------------------------------


def rate_words(unit: LengthUnit, per_day: float) -> str:
    """'12 pages a day', 'a video a day', 'a lecture every 2 days', '50% a day'."""
    if unit is LengthUnit.PERCENT:
        return f"{round(per_day):g}% a day"
    if per_day >= 1.5:
        return f"{round(per_day, 1):g} {unit.value} a day"
    if per_day >= 0.75:
        return f"a {unit.singular} a day"
    return f"a {unit.singular} every {round(1 / per_day)} days"


def estimate(pace: Pace, resource: Resource, *, position: int | None = None) -> str:
    """'⏱ about 3 weeks at your pace', or at the usual pace, said with what that pace is."""
    unit = resource.length.unit
    days = about(pace.days_for(resource, position=position))
    if pace.is_own(unit):
        return f"⏱ {days} at your pace"
    return f"⏱ {days} at a usual pace ({rate_words(unit, pace.per_day(unit))})"


def pace_text(pace: Pace) -> str:
    """A member's pace in each unit they read in, for /progress stats; what estimates use otherwise."""
    lines = [
        f"{rate_words(unit, per_day)} (over {counted(round(pace.days_read[unit]), 'day')})"
        for unit, per_day in pace.own.items()
    ]
    if not lines:
        return "Not enough reading logged yet: estimates use a usual pace (10 pages a day, a video a day…)."
    return "\n".join(lines) + "\nOther units: a usual pace."
