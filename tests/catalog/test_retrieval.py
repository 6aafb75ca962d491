"""Lexical retrieval: BM25 over the catalog's own words, built as bm25s's ids so the index holds no word twice."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import pytest

from bot.catalog import retrieval
from bot.catalog.loader import load_catalog
from bot.catalog.retrieval import LexicalIndex, resource_parts, tokens_of

DATA = Path(__file__).resolve().parents[2] / "data"

QUESTIONS = [
    "eigenvalues and eigenvectors",
    "Strang linear algebra lectures",
    "optimisation for deep learning",  # British spelling, folded to the catalog's
    "bayesian probability with python",
    "zzz nothing matches this",
]


@pytest.fixture(scope="module")
def shipped() -> tuple[list[list[str]], LexicalIndex]:
    documents = [resource_parts(r) for r in load_catalog(DATA)]
    return documents, LexicalIndex(documents)


@pytest.mark.parametrize("question", QUESTIONS)
def test_scores_are_bm25s_own_over_the_same_words(shipped: tuple[list[list[str]], LexicalIndex], question: str) -> None:
    documents, index = shipped
    # bm25s indexing the words themselves: the index hands it ids instead, which must change no score.
    words = [[token for part in parts for token in tokens_of(part)] for parts in documents]
    plain = bm25s.BM25()
    plain.index(words, show_progress=False)
    asked = [token for token in tokens_of(question) if token in plain.vocab_dict]

    scores = index.scores(question)

    assert scores.shape == (len(documents),)
    expected = plain.get_scores(asked) if asked else np.zeros(len(documents))
    np.testing.assert_array_equal(scores, np.asarray(expected, dtype=np.float32))
    if question.startswith("zzz"):
        assert not scores.any()
    else:
        assert scores.max() > 0


def test_words_and_phrases_are_known_only_where_some_text_says_them(
    shipped: tuple[list[list[str]], LexicalIndex],
) -> None:
    _, index = shipped
    assert index.known("eigenvalues")
    assert index.known("Eigenvalue")  # stemmed and lower-cased as the index is
    assert not index.known("zyzzyva")
    assert index.knows_phrase(["linear", "algebra"])
    assert not index.knows_phrase(["algebra", "linear"])  # side by side, in this order


def test_building_an_index_keeps_no_stem_memo() -> None:
    retrieval._stem_asked.cache_clear()

    index = LexicalIndex([["Singular values and eigenvectors"], ["Gradient descent, optimisation"]])

    # The build's memo went with it; only questions fill the bounded one.
    assert retrieval._stem_asked.cache_info().currsize == 0
    assert index.known("optimization")
    assert 0 < retrieval._stem_asked.cache_info().currsize <= retrieval._stem_asked.cache_info().maxsize


def test_an_index_of_no_words_scores_nothing() -> None:
    index = LexicalIndex([[""], ["a"]])
    assert not index.scores("eigenvalues").any()
    assert not index.known("eigenvalues")
