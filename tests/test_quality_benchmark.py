"""The quality benchmark's judge: a criterion holds exactly when the answer meets it, and the files fit the catalog."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from benchmarks.quality import HALVES, Question, bm25_answer, load_questions, problems_with
from bot.catalog.loader import load_catalog
from tests.factories import make_catalog, make_resource

FREE_VIDEO = make_resource(
    "free-video",
    kind="video-series",
    cost="free",
    level="beginner",
    topics=["probability"],
    summary="Bayes rule with pictures.",
    sections=[{"number": "1", "title": "Bayes", "concepts": ["bayes-rule"]}],
)
PAID_BOOK = make_resource(
    "paid-book", topics=["probability", "statistics"], level="advanced", summary="Measure theory."
)


def question(**fields: object) -> Question:
    """A question with a defence, so only what the test states matters."""
    return Question.model_validate({"id": "q", "ask": "something", "why": "because", **fields})


def test_any_holds_when_one_judged_pick_meets_every_key() -> None:
    wanted = question(any={"teaches": ["bayes-rule"], "free": True})
    assert wanted.judge([PAID_BOOK, FREE_VIDEO], says_nothing_fits=False)
    assert not wanted.judge([PAID_BOOK], says_nothing_fits=False)
    # Only the top picks are judged.
    assert not question(top=1, any={"ids": ["free-video"]}).judge([PAID_BOOK, FREE_VIDEO], False)


def test_all_and_none_hold_over_every_judged_pick() -> None:
    assert question(all={"free": True}).judge([FREE_VIDEO], False)
    assert not question(all={"free": True}).judge([FREE_VIDEO, PAID_BOOK], False)
    assert not question(none={"ids": ["paid-book"]}).judge([FREE_VIDEO, PAID_BOOK], False)
    assert question(none={"ids": ["paid-book"]}).judge([FREE_VIDEO], False)


def test_an_empty_answer_fails_unless_the_question_wants_nothing_to_fit() -> None:
    assert not question(all={"free": True}).judge([], says_nothing_fits=True)
    assert question(nothing_fits=True).judge([], says_nothing_fits=True)
    assert not question(nothing_fits=True).judge([FREE_VIDEO], says_nothing_fits=False)


def test_a_question_without_criterion_or_defence_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs at least one of"):
        question()
    with pytest.raises(ValidationError):
        Question.model_validate({"id": "q", "ask": "x", "any": {"free": True}})


def test_the_bm25_baseline_applies_the_options_as_filters() -> None:
    catalog = make_catalog(FREE_VIDEO, PAID_BOOK)
    assert [r.id for r in bm25_answer(catalog, question(ask="measure theory bayes", any={})).picks] == [
        "paid-book",
        "free-video",
    ]
    free = question(ask="measure theory bayes", options={"free_only": True}, any={})
    assert [r.id for r in bm25_answer(catalog, free).picks] == ["free-video"]
    assert bm25_answer(catalog, question(ask="quantum chromodynamics", nothing_fits=True)).says_nothing_fits


@pytest.mark.parametrize("half", [h for h, path in HALVES.items() if path.exists()])
def test_every_question_fits_the_shipped_catalog(half: str) -> None:
    questions = load_questions(HALVES[half])
    assert len(questions) >= 75
    assert problems_with(questions, load_catalog(HALVES[half].parents[2] / "data")) == []
