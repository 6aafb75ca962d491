"""The moderator's resource form as plain text: five texts in, a valid Resource out, or every problem by field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.forms import (
    MAX_FACTS_TEXT,
    ResourceForm,
    form_for,
    form_for_suggestion,
    parse_facts,
    resource_from_form,
    slug_for,
)
from bot.catalog.loader import load_catalog
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic
from bot.errors import InvalidInputError

CURATED = load_catalog(Path(__file__).resolve().parents[2] / "data")

GOOD = ResourceForm(
    title="Mathematics for Machine Learning",
    url="https://mml-book.github.io/",
    authors="Marc Peter Deisenroth, A. Aldo Faisal, Cheng Soon Ong",
    facts="linear algebra, probability, multivariate calculus · intermediate · book · free · 398 pages",
    text="The maths behind machine learning, in one free book.\n\nThe seed's bridge from the pillars to ML.",
)


def problems(form: ResourceForm) -> str:
    """The message a refused form gets."""
    with pytest.raises(InvalidInputError) as refused:
        resource_from_form(form, "some-id")
    return refused.value.message


def test_a_complete_form_becomes_a_valid_resource() -> None:
    resource = resource_from_form(GOOD, "mml-book")
    assert resource.id == "mml-book"
    assert resource.authors == ("Marc Peter Deisenroth", "A. Aldo Faisal", "Cheng Soon Ong")
    assert resource.topics == (Topic.LINEAR_ALGEBRA, Topic.PROBABILITY, Topic.MULTIVARIATE_CALCULUS)
    assert (resource.level, resource.kind, resource.cost) == (Level.INTERMEDIATE, Kind.BOOK, Cost.FREE)
    assert (resource.length.amount, resource.length.unit) == (398, LengthUnit.PAGES)
    assert resource.summary.startswith("The maths") and resource.why.startswith("The seed's bridge")


def test_the_facts_line_is_read_in_any_order_with_synonyms_labels_and_optional_parts() -> None:
    fields, found = parse_facts("free to audit | 35 lectures ; course · ML, linalg · Advanced · 2019 · researcher")
    assert found == []
    assert fields["topics"] == [Topic.MACHINE_LEARNING, Topic.LINEAR_ALGEBRA]
    assert fields["cost"] is Cost.FREE_TO_AUDIT
    assert fields["kind"] is Kind.COURSE
    assert fields["level"] is Level.ADVANCED
    assert fields["length"] == {"amount": 35, "unit": LengthUnit.LECTURES}
    assert fields["year"] == 2019
    assert fields["backgrounds"] == [Background.RESEARCHER]


def test_singular_units_and_two_word_kinds_are_understood() -> None:
    fields, found = parse_facts("probability · beginner · video series · free · 1 video")
    assert found == []
    assert fields["kind"] is Kind.VIDEO_SERIES
    assert fields["length"] == {"amount": 1, "unit": LengthUnit.VIDEOS}


def test_a_misspelt_word_is_named_with_a_did_you_mean() -> None:
    message = problems(ResourceForm(**{**GOOD.__dict__, "facts": "linear algebra · begginer · book · free · 3 pages"}))
    assert message.startswith("Nothing was saved")
    assert "'begginer'" in message and "did you mean 'beginner'" in message


def test_what_the_facts_line_lacks_is_listed_once() -> None:
    message = problems(ResourceForm(**{**GOOD.__dict__, "facts": "linear algebra"}))
    assert "is missing a level" in message and "a kind" in message and "a cost" in message and "a length" in message
    assert message.count("Level") == 0  # no second, pydantic-worded complaint about the same field


def test_a_length_needs_a_known_unit() -> None:
    assert "'390' needs a unit" in problems(
        ResourceForm(**{**GOOD.__dict__, "facts": "calculus · beginner · book · free · 390"})
    )
    message = problems(ResourceForm(**{**GOOD.__dict__, "facts": "calculus · beginner · book · free · 390 pagez"}))
    assert "'pagez' is not a unit" in message and "did you mean 'pages'" in message


def test_two_levels_are_refused() -> None:
    message = problems(
        ResourceForm(**{**GOOD.__dict__, "facts": "calculus · beginner · advanced · book · free · 9 pages"})
    )
    assert "**Level**: two given" in message


def test_only_web_links_are_accepted_and_the_field_is_named_as_on_the_form() -> None:
    for url in ("javascript:alert(1)", "ftp://example.org/book.pdf", "example.org", "data:text/html,hi"):
        message = problems(ResourceForm(**{**GOOD.__dict__, "url": url}))
        assert "**Link**: must be a web address starting with http:// or https://" in message


def test_summary_and_why_are_split_at_the_first_blank_line() -> None:
    resource = resource_from_form(ResourceForm(**{**GOOD.__dict__, "text": "One.\nTwo.\n \nWhy.\n\nMore why."}), "x-y")
    assert resource.summary == "One.\nTwo."
    assert resource.why == "Why.\n\nMore why."
    assert "leave an empty line after the summary" in problems(ResourceForm(**{**GOOD.__dict__, "text": "All in one"}))


def test_every_problem_is_reported_at_once_and_named_by_field() -> None:
    message = problems(
        ResourceForm(
            title="",
            url="ftp://x",
            authors=" , ",
            facts="stats · beginner · book · free · 0 pages",
            text="s\n\n" + "w" * 1001,
        )
    )
    assert "**Title** is required" in message
    assert "**Authors** is required" in message
    assert "**Link**" in message
    assert "**Length**: must be more than 0" in message
    assert "**Why it's here** is too long: at most 1000 characters" in message
    assert len(message) <= 2000


def test_control_characters_in_a_title_are_refused() -> None:
    assert "**Title**: must not contain control characters" in problems(
        ResourceForm(**{**GOOD.__dict__, "title": "A\x00B"})
    )


@pytest.mark.parametrize("resource", list(CURATED), ids=lambda r: r.id)
def test_every_curated_resource_survives_the_form_unchanged(resource) -> None:
    """What /catalog edit prefills reads back as the same resource (the form hides nothing it would lose)."""
    form = form_for(resource)
    assert len(form.facts) <= MAX_FACTS_TEXT and len(form.text) <= 2 * 1000 + 4
    assert resource_from_form(form, resource.id, keep=resource) == resource


@given(st.text(max_size=300))
def test_any_facts_line_is_read_or_refused_with_words_never_a_crash(line: str) -> None:
    fields, found = parse_facts(line)
    assert all(isinstance(problem, str) and problem for problem in found)


@given(st.text(max_size=200))
def test_any_form_gives_a_resource_or_a_friendly_refusal(title: str) -> None:
    try:
        resource_from_form(ResourceForm(**{**GOOD.__dict__, "title": title}), slug_for(title))
    except InvalidInputError as refused:
        assert "**Title**" in refused.message or "**Id**" in refused.message


def test_slugs_come_from_titles_and_avoid_taken_ids() -> None:
    assert slug_for("Linear Algebra Done Right (4th edition)") == "linear-algebra-done-right-4th-edition"
    assert slug_for("Deep Learning", taken={"deep-learning"}) == "deep-learning-2"
    assert slug_for("Deep Learning", taken={"deep-learning", "deep-learning-2"}) == "deep-learning-3"
    assert slug_for("!!!") == "resource"
    assert len(slug_for("x" * 300, taken={"x" * 80})) <= 80


def test_a_suggestion_prefills_title_link_and_note() -> None:
    form = form_for_suggestion("Book", "https://b.org", "Great for beginners")
    assert (form.title, form.url) == ("Book", "https://b.org")
    assert form.text.startswith("Great for beginners\n\n")
