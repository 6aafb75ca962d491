"""How the community's reading is worded: figures that stand, reviews escaped, estimates at a member's pace."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.catalog.vocabulary import LengthUnit
from bot.community import DropReason, Outcomes, Stop
from bot.interactions.modals import submitted_values
from bot.pace import Pace
from bot.store.models import CommunityCard, Review
from bot.ui import embeds, limits
from bot.ui.community import NOT_ENOUGH, community_fields, estimate, outcomes_text, pace_text, rate_words, shown_text
from bot.ui.text import about
from tests.factories import make_resource

BOOK = make_resource(
    "book",
    title="A Book",
    length={"amount": 300, "unit": "pages"},
    sections=[{"number": "1", "title": "One", "start": 1}, {"number": "2", "title": "Eigen*values*", "start": 100}],
)
WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def test_a_members_text_is_escaped_on_one_line_and_cut() -> None:
    assert shown_text("**bold** _it_ @everyone\n# heading", 100) == "\\*\\*bold\\*\\* \\_it\\_ \\@everyone # heading"
    assert len(shown_text("word " * 200, 50)) <= 50


def test_durations_read_as_a_member_says_them() -> None:
    assert [about(d) for d in (0.2, 1, 4.4, 13, 21, 60, 365)] == [
        "under a day",
        "about 1 day",
        "about 4 days",
        "about 13 days",
        "about 3 weeks",
        "about 2 months",
        "about 12 months",
    ]


def test_paces_read_as_a_member_says_them() -> None:
    assert rate_words(LengthUnit.PAGES, 12.34) == "12.3 pages a day"
    assert rate_words(LengthUnit.VIDEOS, 1.0) == "a video a day"
    assert rate_words(LengthUnit.LECTURES, 0.5) == "a lecture every 2 days"
    assert rate_words(LengthUnit.PERCENT, 50) == "50% a day"


def test_an_estimate_says_whose_pace_it_is_at() -> None:
    assert estimate(Pace(), BOOK) == "⏱ about 4 weeks at a usual pace (10 pages a day)"
    own = Pace({LengthUnit.PAGES: 30.0}, {LengthUnit.PAGES: 12.0})
    assert estimate(own, BOOK) == "⏱ about 10 days at your pace"
    assert "30 pages a day (over 12 days)" in pace_text(own)
    assert "usual pace" in pace_text(Pace())


def test_only_the_figures_that_stand_are_worded() -> None:
    outcomes = Outcomes(
        started=10,
        finished=4,
        completion=0.4,
        median_days=23.0,
        stop=Stop(3, 5, section=BOOK.sections[1]),
        reason=(DropReason.NOT_WHAT_I_NEEDED, 3),
        rating=4.44,
        ratings=9,
        went_on=(("next-book", 3), ("retired-since", 3)),
    )
    text = outcomes_text(outcomes, BOOK, {"next-book": "The Next Book"})
    assert text == (
        "📖 10 started · 4 finished (40%)\n"
        "⏱ about 3 weeks from start to finish (the median)\n"
        "⏸️ those who stop mostly stop in chapter 2 · Eigen\\*values\\* (3 of 5); most said: not what I needed\n"
        "⭐ 4.4/5 from 9 ratings\n"
        "➡️ what finishers most often started next: The Next Book (3)"
    )
    assert outcomes_text(Outcomes(), BOOK, {}) is None


def test_reviews_are_signed_only_with_a_name_the_server_knows_and_always_escaped() -> None:
    card = CommunityCard(
        here=Outcomes(),
        everywhere=Outcomes(finished=5),
        reviews=(Review(5, "Great *book*", 7, WHEN), Review(2, "meh", None, WHEN), Review(3, "ok", 8, WHEN)),
    )
    fields = dict(community_fields(card, BOOK, {}, {7: "Alice_"}))
    assert fields["Members here"] == NOT_ENOUGH
    assert fields["Across servers"] == "📖 5 finished"
    assert fields["Latest reviews"].splitlines() == [
        "★★★★★ “Great \\*book\\*” — Alice\\_",
        "★★☆☆☆ “meh” — a member",
        "★★★☆☆ “ok” — a member",  # signed, but by someone this server does not know
    ]


def test_a_card_full_of_reviews_still_fits_discord() -> None:
    reviews = tuple(Review(4, "é" * 500, None, WHEN) for _ in range(3))
    card = CommunityCard(here=Outcomes(started=3), everywhere=Outcomes(started=9), reviews=reviews)
    embed = embeds.resource_embed(BOOK, community=card)
    assert len(embed) <= limits.EMBED_TOTAL
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)


def test_a_forms_values_are_read_from_rows_and_labels() -> None:
    data = {
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "rating", "value": "4"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "review", "value": "Good."}},
            {"type": 10, "content": "a text display is no input"},
        ]
    }
    assert submitted_values(data) == {"rating": "4", "review": "Good."}
