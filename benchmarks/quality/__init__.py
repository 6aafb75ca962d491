"""The recommendation quality benchmark: labelled questions, the bot's answers judged, a BM25 baseline beside.

The questions and the format are described in `benchmarks/quality/README.md`. This module reads and checks
the question files, asks the bot (the real `recommend`, as `/recommend query:` does for a member with an
empty shelf) and a plain BM25 ranking of the same catalog with the same structured options as filters,
and judges each answer by the question's criterion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.catalog.catalog import Catalog
from bot.catalog.retrieval import LexicalIndex
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.recommend import Query, recommend

HERE = Path(__file__).resolve().parent
HALVES: dict[str, Path] = {"tuning": HERE / "questions-tuning.yaml", "test": HERE / "questions-test.yaml"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Predicate(_Strict):
    """What a pick must be for a criterion to hold; every given key must hold."""

    ids: list[str] | None = None
    topics: list[Topic] | None = None
    main_topic: list[Topic] | None = None
    teaches: list[str] | None = None
    level: list[Level] | None = None
    kind: list[Kind] | None = None
    free: bool | None = None
    suits: list[Background] | None = None
    written_for: list[Background] | None = None
    authors: list[str] | None = None

    def holds(self, resource: Resource) -> bool:
        """Whether this resource satisfies every key given."""
        checks = [
            self.ids is None or resource.id in self.ids,
            self.topics is None or any(t in resource.topics for t in self.topics),
            self.main_topic is None or resource.topics[0] in self.main_topic,
            self.teaches is None or any(c in resource.taught_concepts for c in self.teaches),
            self.level is None or resource.level in self.level,
            self.kind is None or resource.kind in self.kind,
            self.free is None or resource.is_free is self.free,
            self.suits is None or any(b in resource.suits for b in self.suits),
            self.written_for is None or any(b in resource.written_for for b in self.written_for),
            self.authors is None
            or any(name.lower() in author.lower() for name in self.authors for author in resource.authors),
        ]
        return all(checks)


class Options(_Strict):
    """/recommend's structured options, as a member would set them beside the text."""

    topic: Topic | None = None
    background: Background | None = None
    level: Level | None = None
    kind: Kind | None = None
    free_only: bool = False


class Question(_Strict):
    """One labelled question and the criterion its answer is judged by."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    ask: str = ""
    options: Options = Options()
    top: int = Field(default=3, ge=1, le=10)
    any: Predicate | None = None
    all: Predicate | None = None
    none: Predicate | None = None
    nothing_fits: bool = False
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_a_criterion(self) -> Question:
        """A question with no criterion would pass whatever the bot answered."""
        if not (self.any or self.all or self.none or self.nothing_fits):
            raise ValueError("needs at least one of any, all, none, nothing_fits")
        if not self.ask.strip() and self.options == Options():
            raise ValueError("asks nothing: give ask or options")
        return self

    def query(self) -> Query:
        """The query a member sends with this text and these options."""
        o = self.options
        return Query(
            topics=(o.topic,) if o.topic else (),
            background=o.background,
            level=o.level,
            kind=o.kind,
            free_only=o.free_only,
            text=self.ask,
        )

    def judge(self, picks: Sequence[Resource], says_nothing_fits: bool) -> bool:
        """Whether an answer (its top picks, and whether it said nothing fits) meets the criterion."""
        if self.nothing_fits:
            return says_nothing_fits and not picks
        judged = list(picks)[: self.top]
        if not judged:
            return False
        return (
            (self.any is None or any(self.any.holds(r) for r in judged))
            and (self.all is None or all(self.all.holds(r) for r in judged))
            and (self.none is None or not any(self.none.holds(r) for r in judged))
        )


class QuestionFile(_Strict):
    """A question file: `questions:` and a list."""

    questions: list[Question]


def load_questions(path: Path) -> list[Question]:
    """The questions of one file, validated."""
    return QuestionFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).questions


def problems_with(questions: Sequence[Question], catalog: Catalog) -> list[str]:
    """What in the questions the catalog does not know, and criteria no resource could meet."""
    problems = []
    ids = [q.id for q in questions]
    problems += [f"{i}: id used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for q in questions:
        for name, predicate in (("any", q.any), ("all", q.all), ("none", q.none)):
            if predicate is None:
                continue
            problems += [f"{q.id}: {name}.ids names unknown {i}" for i in predicate.ids or () if i not in catalog]
            problems += [
                f"{q.id}: {name}.teaches names unknown concept {c}"
                for c in predicate.teaches or ()
                if c not in catalog.concepts
            ]
        if q.any is not None and not any(q.any.holds(r) for r in catalog):
            problems.append(f"{q.id}: no resource in the catalog meets its 'any'")
    return problems


Answerer = Literal["bot", "bm25"]


@dataclass(frozen=True)
class Answer:
    """Who answered, the picks in order, and whether the answer said nothing in the catalog fits."""

    picks: tuple[Resource, ...]
    says_nothing_fits: bool


def bot_answer(catalog: Catalog, question: Question) -> Answer:
    """What /recommend answers a member with an empty shelf."""
    answer = recommend(catalog, question.query(), {}, limit=question.top)
    picks = tuple(pick.resource for pick in answer.picks)
    return Answer(picks, says_nothing_fits=not picks)


def bm25_answer(catalog: Catalog, question: Question) -> Answer:
    """A plain BM25 ranking of the catalog's text, with the question's options as filters."""
    o = question.options
    resources = list(catalog)
    eligible = np.array(
        [
            (o.topic is None or o.topic in r.topics)
            and (o.kind is None or r.kind is o.kind)
            and (not o.free_only or r.is_free)
            and (o.level is None or abs(r.level.rank - o.level.rank) < 2)
            for r in resources
        ],
        dtype=bool,
    )
    if question.ask.strip():
        scores = LexicalIndex.of(catalog).scores(question.ask)
        eligible &= scores > 0
    else:
        scores = np.zeros(len(resources), dtype=np.float32)
    # Highest score first, catalog order among equals.
    order = sorted(np.flatnonzero(eligible).tolist(), key=lambda i: (-float(scores[i]), i))
    picks = tuple(resources[i] for i in order[: question.top])
    return Answer(picks, says_nothing_fits=not picks)


ANSWERERS = {"bot": bot_answer, "bm25": bm25_answer}


@dataclass(frozen=True)
class HalfResult:
    """How many questions of one half each answerer got right, and which the bot missed."""

    half: str
    questions: int
    held: dict[str, int]
    bot_missed: tuple[str, ...]

    def share(self, answerer: str) -> float:
        """The share of this half's questions the answerer's answers met."""
        return self.held[answerer] / self.questions if self.questions else 0.0


def run_half(catalog: Catalog, half: str, questions: Sequence[Question]) -> HalfResult:
    """Ask every question of a half of both answerers and judge each answer."""
    held = dict.fromkeys(ANSWERERS, 0)
    missed = []
    for question in questions:
        for name, answerer in ANSWERERS.items():
            answer = answerer(catalog, question)
            ok = question.judge(answer.picks, answer.says_nothing_fits)
            held[name] += ok
            if name == "bot" and not ok:
                missed.append(question.id)
    return HalfResult(half, len(questions), held, tuple(missed))
