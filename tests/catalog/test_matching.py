"""Forgiving matching: typos, abbreviations and synonyms find the right topics; nonsense is not guessed."""

from __future__ import annotations

import pytest

from bot.catalog.matching import (
    resolve_topic,
    resource_choices,
    search_resources,
    suggest_words,
    topic_choices,
    topics_in,
)
from bot.catalog.vocabulary import Topic
from tests.factories import make_catalog, make_resource


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("probabilty", Topic.PROBABILITY),
        ("linear algebr", Topic.LINEAR_ALGEBRA),
        ("linalg", Topic.LINEAR_ALGEBRA),
        ("stats", Topic.STATISTICS),
        ("calc", Topic.CALCULUS),
        ("backprop", Topic.NEURAL_NETWORKS),
        ("gradient descent", Topic.GRADIENT_DESCENT),
        ("Multivariable Calculus", Topic.MULTIVARIATE_CALCULUS),
        ("optimisaton", Topic.OPTIMIZATION),
        ("linear-algebra", Topic.LINEAR_ALGEBRA),
    ],
)
def test_typed_words_resolve_to_topics(typed: str, topic: Topic) -> None:
    assert resolve_topic(typed) is topic


def test_nonsense_resolves_to_nothing() -> None:
    assert resolve_topic("quantum chromodynamics") is None
    assert resolve_topic("") is None


def test_the_topics_of_a_sentence_are_found_and_other_words_are_no_misspelt_topics() -> None:
    assert topics_in("I'm a software engineer with no calculus yet, any free book on backprop?") == [
        Topic.NEURAL_NETWORKS
    ]
    assert topics_in("topolgy of algebrra") == []
    assert "linear algebra" in suggest_words("algebrra")


def test_topic_autocomplete_offers_labels_then_synonyms_within_limits() -> None:
    choices = topic_choices("lin")
    assert choices[0] == ("linear algebra", "linear-algebra")
    assert ("linalg → linear algebra", "linear-algebra") in choices
    assert len(topic_choices("")) <= 25
    assert all(1 <= len(name) <= 100 for name, _ in topic_choices(""))


def test_topic_autocomplete_suggests_for_a_misspelling() -> None:
    assert topic_choices("lnear") == [("linear algebra (did you mean?)", "linear-algebra")]


def test_resource_autocomplete_prefers_title_prefixes() -> None:
    catalog = make_catalog(
        make_resource("deep-dive", title="A Deep Dive into Linear Maps"),
        make_resource("linear-first", title="Linear Algebra First"),
    )
    assert [r.id for r in resource_choices(catalog, "lin")] == ["linear-first", "deep-dive"]
    assert [r.id for r in resource_choices(catalog, "")] == ["deep-dive", "linear-first"]
    assert resource_choices(catalog, "zzz") == []


def test_search_finds_by_author_and_topic() -> None:
    catalog = make_catalog(
        make_resource("axler", title="Linear Algebra Done Right", authors=["Sheldon Axler"]),
        make_resource("blitz", title="Introduction to Probability", topics=["probability"]),
    )
    assert [r.id for r in search_resources(catalog, "axler")] == ["axler"]
    assert [r.id for r in search_resources(catalog, "probabilty")] == ["blitz"]
    assert search_resources(catalog, "the") == []


@pytest.mark.parametrize("typed", ["gra", "vector te", "author 12", "synthetic-4", "Linear", "zzz", "  bayes  "])
def test_resource_autocomplete_finds_every_word_start_match_and_title_prefixes_first(typed: str) -> None:
    from benchmarks.synthetic import synthetic_catalog

    catalog = synthetic_catalog(400)
    needle = " ".join(typed.lower().split())

    def key(resource) -> str:
        return " ".join([resource.title.lower(), *(a.lower() for a in resource.authors), resource.id])

    def word_starts(resource) -> bool:
        text = key(resource)
        return any(text[i:].startswith(needle) for i in range(len(text)) if i == 0 or not text[i - 1].isalnum())

    expected = [r.id for r in catalog if word_starts(r)]
    found = resource_choices(catalog, typed, limit=1000)
    assert sorted(r.id for r in found) == sorted(expected)
    prefixed = [key(r).startswith(needle) for r in found]
    assert prefixed == sorted(prefixed, reverse=True)  # every title-prefix match before any other
    assert len(resource_choices(catalog, typed)) == min(25, len(expected))


def test_search_keeps_only_the_clearly_relevant_results() -> None:
    catalog = make_catalog(
        make_resource("boyd", title="Convex Optimization", authors=["Stephen Boyd"], topics=["optimization"]),
        make_resource("other-optimizer", title="Numerical Methods", topics=["numerical-methods", "optimization"]),
    )
    assert [r.id for r in search_resources(catalog, "boyd convex")] == ["boyd"]
    assert [r.id for r in search_resources(catalog, "optimization")] == ["boyd", "other-optimizer"]
