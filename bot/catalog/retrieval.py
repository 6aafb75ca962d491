"""Lexical retrieval: how well each resource's own words match a question's, by BM25.

The structured ranking understands topics, concepts, levels and backgrounds; a member also writes words it
has no vocabulary for ("Strang", "Zero to Hero", a chapter's title). A BM25 ranking over each resource's
title, other names, authors, summary and section titles finds those. `bm25s` scores over sparse matrices
(a query against 10,000 resources in well under a millisecond) and PyStemmer folds "eigenvalues" and
"eigenvalue" together: both are well-kept libraries doing what we would otherwise write and tune by hand.

The index is built once per catalog and kept with it, like the ranking columns.
"""

from __future__ import annotations

import functools
import re
import threading
from array import array
from collections.abc import Callable, Iterable

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Resource

# British spellings members type, folded to the catalog's ("optimisation" → "optimization").
_SPELLING = [(re.compile(r"isation"), "ization"), (re.compile(r"ise$"), "ize"), (re.compile(r"yse$"), "yze")]
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's own token pattern: words of two characters or more
_STOPWORDS = frozenset(STOPWORDS_EN)


def resource_parts(resource: Resource) -> list[str]:
    """The texts a resource is found by: title, other names, authors, summary and its sections' titles."""
    return [
        resource.title,
        *resource.aliases,
        *resource.authors,
        resource.summary,
        *resource.sections.titles,
    ]


def resource_text(resource: Resource) -> str:
    """A resource's searchable words as one text."""
    return "\n".join(resource_parts(resource))


def _folded(word: str) -> str:
    """A lower-case word with British spelling folded, so both spellings meet the same stem."""
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


class _Stemmer:
    """The English Snowball stemmer, shared between threads (PyStemmer's stemmer object is not safe to share)."""

    def __init__(self) -> None:
        # No cache of PyStemmer's own (10,000 words by default): the index's build and the questions each keep
        # the stems they need, and its cache kept 32,000 more strings, 1.4 MB at 10,000 resources.
        self._stemmer = Stemmer.Stemmer("english", maxCacheSize=0)
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        """The stem of a lower-case word, its spelling folded first."""
        with self._lock:
            return self._stemmer.stemWord(_folded(word))


_STEMMER = _Stemmer()


# Questions repeat their words ("eigenvalues", "beginner"); a bounded memo keeps the words asked lately.
_stem_asked = functools.lru_cache(maxsize=8192)(_STEMMER.stem)


def _tokens(text: str, stem: Callable[[str], str]) -> list[str]:
    return [stem(word) for word in _TOKEN.findall(text.lower()) if word not in _STOPWORDS]


def tokens_of(text: str) -> list[str]:
    """A text's stemmed words, without stopwords, as the index holds them."""
    return _tokens(text, _stem_asked)


class LexicalIndex:
    """BM25 over the catalog's text, by catalog position."""

    __slots__ = ("_pairs", "_retriever", "_size", "_vocabulary")

    def __init__(self, documents: Iterable[list[str]]) -> None:
        """Index documents, each given as its texts (title, summary, …), so word pairs never span two texts."""
        # Built as bm25s's own (token ids, vocabulary) input, each document's ids packed in an array: handing
        # it lists of words instead makes it hold every token as a Python int at once, about 25 MB at 10,000
        # resources, which fragments the heap for good (the process kept 14.5 MB for an index of 6).
        memo: dict[str, str] = {}  # a catalog repeats its words, and stemming is the cost; kept only while building

        def stem(word: str) -> str:
            found = memo.get(word)
            if found is None:
                found = memo[word] = _STEMMER.stem(word)
            return found

        vocabulary: dict[str, int] = {}
        corpus: list[array[int]] = []
        pairs: set[int] = set()
        for parts in documents:
            ids = array("i")
            for part in parts:
                part_tokens = _tokens(part, stem)
                pairs.update(hash(pair) for pair in zip(part_tokens, part_tokens[1:], strict=False))
                ids.extend(vocabulary.setdefault(token, len(vocabulary)) for token in part_tokens)
            corpus.append(ids)
        self._size = len(corpus)
        # Every two words that stand side by side somewhere, hashed: "category theory" is a subject the catalog
        # knows only if some text says it, not because one says "category" and another "theory".
        self._pairs = np.array(sorted(pairs), dtype=np.int64)
        self._retriever = bm25s.BM25()
        if vocabulary:
            self._retriever.index((corpus, vocabulary), show_progress=False)
            # Only its retrieve() of token ids reads this set of every id; get_scores never does.
            self._retriever.unique_token_ids_set = None
        self._vocabulary = vocabulary  # bm25s's vocabulary dict (it adds "", which no token can be)

    @classmethod
    def of(cls, catalog: Catalog) -> LexicalIndex:
        """The index of a catalog, built on first use and kept with it."""
        return catalog.derived("lexical-index", lambda c: cls(resource_parts(r) for r in c))

    def scores(self, text: str) -> np.ndarray:
        """Each resource's BM25 score for the text (0 where no word matches), by catalog position."""
        words = [token for token in tokens_of(text) if token in self._vocabulary]
        if not words or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(words), dtype=np.float32)

    def known(self, word: str) -> bool:
        """Whether a word (after stemming) occurs anywhere in the catalog's text."""
        return any(token in self._vocabulary for token in tokens_of(word))

    def knows_phrase(self, words: list[str]) -> bool:
        """Whether these words stand side by side in some text of the catalog (after stemming)."""
        tokens = tokens_of(" ".join(words))
        if len(tokens) < 2:
            return bool(tokens) and tokens[0] in self._vocabulary
        for pair in zip(tokens, tokens[1:], strict=False):
            key = hash(pair)
            at = int(np.searchsorted(self._pairs, key))
            if at >= len(self._pairs) or self._pairs[at] != key:
                return False
        return True
