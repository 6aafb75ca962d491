"""Forgiving matching of what members type into options: topics, resource titles, searches.

Members write "linalg", "probabilty" or the first letters of a title. This module turns such values into
vocabulary words, suggests close words for what it cannot place ("did you mean", one wording), and ranks
resources for search and autocomplete. Whole questions in a member's own words are read by
`bot.catalog.questions`, whose cue words this module borrows so both read a word the same way.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.catalog.catalog import Catalog
from bot.catalog.questions import BACKGROUND_CUES, FREE_CUES, KIND_CUES, LEVEL_CUES, STOPWORDS, phrase_key, words_of
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Topic, topic_words

# How close a misspelling must be to count as the word (difflib ratio); below it we only suggest.
ACCEPT_RATIO = 0.84
SUGGEST_RATIO = 0.6
# Words shorter than this only match exactly, so "la" or "ml" never fuzzily match something else.
MIN_FUZZY_LENGTH = 4

_TOPIC_WORDS = topic_words()
# Words of the other vocabularies, read as what they are before a fuzzy topic is tried: "book" is a kind, not
# a misspelt topic.
_NOT_TOPICS = frozenset(phrase_key(w) for w in (*BACKGROUND_CUES, *KIND_CUES, *LEVEL_CUES, *FREE_CUES))
_LONGEST_PHRASE = 4


_TOPIC_WORD_LIST = list(_TOPIC_WORDS)
# Stopwords that no topic phrase contains ("for", "a"): a phrase starting or ending with one is no misspelt
# topic, which spares most of a sentence's phrases the fuzzy comparison.
_EDGE_NOISE = STOPWORDS - {word for phrase in _TOPIC_WORDS for word in phrase.split()}


@functools.lru_cache(maxsize=4096)
def _fuzzy_topic(phrase: str) -> Topic | None:
    """The topic a misspelt phrase stands for, when it is unambiguously close (memoised: the words are fixed)."""
    if len(phrase) < MIN_FUZZY_LENGTH or phrase in STOPWORDS:
        return None
    words = phrase.split()
    if words[0] in _EDGE_NOISE or words[-1] in _EDGE_NOISE:
        return None
    close = difflib.get_close_matches(phrase, _TOPIC_WORD_LIST, n=1, cutoff=ACCEPT_RATIO)
    return _TOPIC_WORDS[close[0]] if close else None


def _suggestion_index() -> dict[str, Topic]:
    """Every topic word, and each single word of a longer one ("algebra" → linear algebra), for suggestions."""
    index = dict(_TOPIC_WORDS)
    for phrase, topic in _TOPIC_WORDS.items():
        for word in phrase.split():
            if len(word) >= MIN_FUZZY_LENGTH and word not in STOPWORDS:
                index.setdefault(word, topic)
    return index


def closest(word: str, options: Iterable[str], *, limit: int = 1) -> list[str]:
    """The options closest to a word (difflib, as close as `SUGGEST_RATIO` at least), closest first."""
    return difflib.get_close_matches(word, list(options), n=limit, cutoff=SUGGEST_RATIO)


def did_you_mean(options: Iterable[str]) -> str:
    """' (did you mean 'a' or 'b'?)' naming each option once, or '' for none: the one wording of every suggestion.

    It closes what it follows, before the full stop: "I don't know the topic 'x' (did you mean 'y'?)."
    """
    named = [f"'{option}'" for option in dict.fromkeys(options)]
    return f" (did you mean {' or '.join(named)}?)" if named else ""


def suggest_words(word: str, limit: int = 3) -> list[str]:
    """Topic labels close to an unknown word, for "did you mean…"."""
    return list(_suggestions_for(word.lower(), limit))


@functools.lru_cache(maxsize=4096)
def _suggestions_for(word: str, limit: int) -> tuple[str, ...]:
    """`suggest_words`, memoised: the vocabulary is fixed and members repeat their typos."""
    labels: list[str] = []
    for match in difflib.get_close_matches(word, list(_SUGGESTIONS), n=limit * 3, cutoff=SUGGEST_RATIO):
        label = _SUGGESTIONS[match].label
        if label not in labels:
            labels.append(label)
    return tuple(labels[:limit])


_SUGGESTIONS = _suggestion_index()


def topics_in(text: str) -> list[Topic]:
    """The topics a text names (slugs, labels, synonyms, close misspellings), longest phrases first.

    The one reading of a whole question is `bot.catalog.questions.understand`; this is what an option value
    or a search needs: topics only, from the fixed topic vocabulary, without a catalog.
    """
    found: list[Topic] = []
    words = words_of(text)
    used = [False] * len(words)
    for size in range(_LONGEST_PHRASE, 0, -1):
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            phrase = " ".join(words[start : start + size])
            topic = _TOPIC_WORDS.get(phrase)
            if topic is None and phrase_key(phrase) in _NOT_TOPICS:
                used[start : start + size] = [True] * size
                continue
            if topic is None:
                topic = _fuzzy_topic(phrase)
            if topic is not None:
                if topic not in found:
                    found.append(topic)
                used[start : start + size] = [True] * size
    return found


def resolve_topic(text: str) -> Topic | None:
    """The topic a typed value names (slug, label, synonym or close misspelling), or None."""
    key = " ".join(words_of(text))
    if not key:
        return None
    if key in _TOPIC_WORDS:
        return _TOPIC_WORDS[key]
    found = topics_in(text)
    return found[0] if len(found) == 1 else None


def topic_choices(prefix: str, limit: int = 25) -> list[tuple[str, str]]:
    """Autocomplete for a topic option: (shown name, topic slug), labels first, synonyms after."""
    typed = " ".join(words_of(prefix))
    labelled: list[tuple[str, str]] = []
    synonyms: list[tuple[str, str]] = []
    for word, topic in _TOPIC_WORDS.items():
        if typed and not word.startswith(typed) and f" {typed}" not in f" {word}":
            continue
        if word == topic.label:
            labelled.append((topic.label, topic.value))
        elif word != topic.value:
            synonyms.append((f"{word} → {topic.label}", topic.value))
    if not labelled and not synonyms and typed:
        for label in suggest_words(typed):
            topic = _SUGGESTIONS[label]
            labelled.append((f"{label} (did you mean?)", topic.value))
    return (labelled + synonyms)[:limit]


def _search_key(resource: Resource) -> str:
    """The lower-cased text a resource is found by: title, authors and id."""
    return " ".join([resource.title.lower(), *(a.lower() for a in resource.authors), resource.id])


_INDEXED_CHARS = 40  # how much of each word-start suffix a look-up compares
_WORD_START = re.compile(r"\b\w")
_START_BITS = 20  # an index entry is (catalog position << _START_BITS) | where the word starts in the text
_START_MASK = (1 << _START_BITS) - 1


@dataclass(frozen=True)
class _PrefixIndex:
    """Every word start of every resource's search text, sorted by the text from there on, for bisection.

    An entry is one packed integer in an array (catalog position and offset), and the text it stands for is
    sliced from the search text when compared: 8 bytes a word instead of a string of its own, which at
    10,000 resources is 1 MB instead of 11 MB.
    """

    keys: list[str]  # search text by catalog position
    whole: array  # entries at the start of each search text: matches at the start of the title
    inner: array  # entries at every later word: matches at any other word
    resources: list[Resource]

    @classmethod
    def of(cls, catalog: Catalog) -> _PrefixIndex:
        """Built once per catalog: every keystroke of autocomplete looks things up here."""
        return catalog.derived("prefix-index", cls._build)

    @classmethod
    def _build(cls, catalog: Catalog) -> _PrefixIndex:
        keys = [key for key, _ in catalog.search_keys(_search_key)]
        inner = [
            position << _START_BITS | found.start()
            for position, key in enumerate(keys)
            for found in _WORD_START.finditer(key, 1)
            if found.start() <= _START_MASK
        ]
        whole = [position << _START_BITS for position in range(len(keys))]
        index = cls(keys, array("q"), array("q"), list(catalog))
        # Stable sorts: entries with the same text stay in catalog order.
        index.whole.extend(sorted(whole, key=index._text))
        index.inner.extend(sorted(inner, key=index._text))
        return index

    def _text(self, entry: int) -> str:
        """The text an entry stands for, as far as look-ups compare it."""
        start = entry & _START_MASK
        return self.keys[entry >> _START_BITS][start : start + _INDEXED_CHARS]

    def _starting(self, entries: array, needle: str) -> Iterator[int]:
        """Catalog positions of the entries whose text starts with `needle`, in text order."""
        short = needle[:_INDEXED_CHARS]
        for index in range(bisect.bisect_left(entries, short, key=self._text), len(entries)):
            entry = entries[index]
            if not self._text(entry).startswith(short):
                return
            yield entry >> _START_BITS

    def lookup(self, needle: str, limit: int) -> list[Resource]:
        """Titles starting with the needle first, then resources with any word starting with it."""
        found: dict[int, None] = {}
        for entries in (self.whole, self.inner):
            for position in self._starting(entries, needle):
                if len(found) >= limit:
                    break
                if len(needle) <= _INDEXED_CHARS or needle in self.keys[position]:
                    found.setdefault(position)
        return [self.resources[position] for position in found][:limit]


def resource_choices(catalog: Catalog, typed: str, limit: int = 25) -> list[Resource]:
    """Autocomplete for a resource option: titles starting with the text first, then any word starting with it.

    Bisection over a per-catalog index, so a keystroke costs the same at 10,000 resources as at 10.
    """
    needle = " ".join(typed.lower().split())
    if not needle:
        return list(catalog)[:limit]
    return _PrefixIndex.of(catalog).lookup(needle, limit)


def search_resources(catalog: Catalog, text: str, limit: int = 10) -> list[Resource]:
    """Resources whose title, authors or topics match the words of a search, best first.

    When a word that names no topic ("boyd") matches a title or an author, only resources it matches are
    kept: a search for "boyd convex" wants Boyd's book, not everything that touches optimization.
    """
    words = [w for w in words_of(text) if w not in STOPWORDS]
    topics = set(topics_in(text))
    if not words and not topics:
        return []
    names = [w for w in words if resolve_topic(w) is None]
    found: list[tuple[bool, float, int, Resource]] = []  # (named, score, catalog position, resource)
    for index, (key, resource) in enumerate(catalog.search_keys(_search_key)):
        score = sum(2.0 for w in words if w in key) + sum(1.5 for topic in resource.topics if topic in topics)
        if score:
            found.append((any(w in key for w in names), score, index, resource))
    if any(named for named, *_ in found):
        found = [item for item in found if item[0]]
    found.sort(key=lambda item: (-item[1], item[2]))
    return [resource for *_, resource in found[:limit]]


# --- the same resource, named twice --------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def comparable_title(title: str) -> str:
    """A title as compared for sameness: case, apostrophes, punctuation and spacing do not count."""
    return " ".join(_NOT_WORD.sub(" ", title.casefold().replace("'", "").replace("’", "")).split())


def comparable_url(url: str) -> str:
    """A web address as compared for sameness: http or https, 'www.', the host's case, a trailing slash and
    a #fragment do not count."""
    parts = urlsplit(url.strip())
    try:
        host = (parts.hostname or "").removeprefix("www.")
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: compare the text as it is
        return url.strip().casefold()
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path.rstrip('/')}{query}"


def names_the_same(title: str, url: str, other_title: str, other_url: str) -> bool:
    """Whether two (title, web address) pairs name one resource: the same title or the same address."""
    return comparable_title(title) == comparable_title(other_title) or comparable_url(url) == comparable_url(other_url)


def same_resource(resources: Iterable[Resource], title: str, url: str) -> Resource | None:
    """The resource with this title or this web address (`names_the_same`), or None."""
    return next((r for r in resources if names_the_same(title, url, r.title, r.url)), None)
