"""Reading a member's question: what it asks for, in the catalog's terms, and what it could not place.

"I'm a biologist who wants to understand transformers, Goodfellow was too dense" is read into: the concept
transformers, the background undergraduate STEM, Goodfellow's book excluded and nothing harder than it.
The reading is pure (no I/O, no Discord), deterministic, and built from one catalog: its concept vocabulary,
its resources' titles, other names and authors, and the cue words below. Longer phrases are read first, so
"linear algebra done right" is the book, not the topic, and "gradient descent" is the concept, not two words.

What is read, in order:
1. Phrases, longest first: resource names (titles, aliases, authors), concepts, topics, backgrounds, levels,
   kinds, cost, length and "hands-on" cues; a misspelt concept or topic when it is unambiguously close.
2. Around each resource named: an exclusion ("not X", "other than X", "already read X", "X is too hard") or
   a comparison ("easier than X", "harder than X", "like X"), which become filters.
3. What is left: words the catalog's own text knows (searched lexically by the ranking) and words nothing
   knows (reported, with "did you mean" where a topic or concept is close).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from bot.catalog.catalog import Catalog
from bot.catalog.retrieval import LexicalIndex
from bot.catalog.vocabulary import Background, Kind, Level, Topic, topic_words

# How close a misspelling must be to count as the word (difflib ratio); below it we only suggest.
ACCEPT_RATIO = 0.86
NAME_SLIP_RATIO = ACCEPT_RATIO - 0.06  # a long name with small slips: 'attn is all u need'
SUGGEST_RATIO = 0.8
SUGGESTIONS = 3  # "did you mean" names at most this many
MIN_FUZZY_LENGTH = 5
LONGEST_PHRASE = 6

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def words_of(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation, markup and possessives dropped ('Strang's 18.06' → 'strang 18 06')."""
    return [word.removesuffix("'s") for word in _WORD.findall(text.lower().replace("-", " ").replace("’", "'"))]


_CLAUSE = re.compile(r"[.!?;:,()\[\]\n]+")


def clause_starts(text: str) -> set[int]:
    """The positions (in `words_of(text)`) of words that begin a new clause: 'no paid stuff. deep learning'."""
    starts: set[int] = set()
    count = 0
    for number, clause in enumerate(_CLAUSE.split(text)):
        if number:
            starts.add(count)
        count += len(words_of(clause))
    return starts


def fold(word: str) -> str:
    """A word with a plural 's' dropped, so 'neural network' meets 'neural networks' ('analysis' keeps its s)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        return word[:-1]
    return word


def phrase_key(text: str) -> str:
    """A phrase as the question reader compares it: its words, plurals folded, joined by single spaces."""
    return " ".join(fold(word) for word in words_of(text))


BACKGROUND_CUES: dict[str, Background] = {
    **{
        word: Background.SOFTWARE_ENGINEER
        for word in (
            "software engineer",
            "software engineers",
            "software engineering",
            "software developer",
            "developer",
            "developers",
            "dev",
            "web developer",
            "web dev",
            "backend developer",
            "frontend developer",
            "programmer",
            "programmers",
            "coder",
            "coders",
            "swe",
            "i know python",
            "i code",
            "i can code",
            "i program",
            "know how to code",
        )
    },
    **{
        word: Background.NO_CALCULUS_YET
        for word in (
            "no calculus",
            "no calculus yet",
            "without calculus",
            "never took calculus",
            "never did calculus",
            "don't know calculus",
            "dont know calculus",
            "never learned calculus",
            "before calculus",
        )
    },
    **{
        word: Background.HIGH_SCHOOL_MATH
        for word in (
            "high school",
            "high school math",
            "highschool",
            "high schooler",
            "high school student",
            "only high school math",
            "teenager",
            "haven't done math",
            "havent done math",
            "haven't done maths",
            "not done math",
            "last did math",
            "math was years ago",
        )
    },
    **{
        word: Background.UNDERGRADUATE_STEM
        for word in (
            "undergrad",
            "undergraduate",
            "stem",
            "engineering student",
            "cs student",
            "college student",
            "physics student",
            "math student",
            "maths student",
            "biologist",
            "chemist",
            "physicist",
            "engineer",
            "mechanical engineer",
            "electrical engineer",
            "economist",
            "economics student",
            "neuroscientist",
            "bioinformatician",
        )
    },
    **{
        word: Background.DATA_SCIENTIST
        for word in (
            "data scientist",
            "data scientists",
            "data science",
            "data analyst",
            "analyst",
            "business analyst",
            "ml engineer",
            "machine learning engineer",
            "statistician",
        )
    },
    **{
        word: Background.RESEARCHER
        for word in (
            "researcher",
            "researchers",
            "phd",
            "phd student",
            "grad student",
            "graduate student",
            "postdoc",
            "professor",
            "mathematician",
            "masters student",
        )
    },
}
for _background in Background:
    BACKGROUND_CUES.setdefault(_background.label, _background)

LEVEL_CUES: dict[str, Level] = {
    **{
        word: Level.BEGINNER
        for word in (
            "beginner",
            "beginners",
            "beginner friendly",
            "gentle",
            "gentlest",
            "easy",
            "easiest",
            "simple",
            "for dummies",
            "eli5",
            "layman",
            "complete beginner",
            "total beginner",
            "newbie",
            "noob",
            "bad at math",
            "bad at maths",
            "weak at math",
            "not good at math",
            "not a math person",
            "struggle with math",
            "rusty",
            "years ago",
            "long time ago",
            "forgot everything",
            "from zero",
            "no background",
            "zero background",
            "no math background",
            "first time",
            "intuitive",
            "intuitively",
            "explained simply",
            "simply explained",
            "visually",
            "visual intuition",
            "intuition",
        )
    },
    **{word: Level.INTERMEDIATE for word in ("intermediate", "second course", "not too basic", "next step")},
    **{
        word: Level.ADVANCED
        for word in (
            "advanced",
            "rigorous",
            "rigorously",
            "rigor",
            "rigour",
            "proof based",
            "proofs",
            "theoretical",
            "graduate level",
            "grad level",
            "phd level",
            "research level",
            "in depth",
            "deep dive",
            "formal",
            "hardcore",
            "mathematically mature",
            "measure theoretic",
        )
    },
}

# Cues that cap how demanding a pick may be, without asking for one level.
NOT_ABOVE_CUES: dict[str, Level] = {
    "not too advanced": Level.INTERMEDIATE,
    "not too hard": Level.INTERMEDIATE,
    "not too rigorous": Level.INTERMEDIATE,
    "not too mathy": Level.INTERMEDIATE,
    "not too math heavy": Level.INTERMEDIATE,
    "no proofs": Level.INTERMEDIATE,
    "without proofs": Level.INTERMEDIATE,
    "not proof based": Level.INTERMEDIATE,
    "without heavy math": Level.INTERMEDIATE,
}

KIND_CUES: dict[str, Kind] = {
    **{w: Kind.BOOK for w in ("book", "books", "textbook", "textbooks", "text book", "ebook", "pdf")},
    **{w: Kind.COURSE for w in ("course", "courses", "mooc", "moocs", "class", "online course", "curriculum")},
    **{
        w: Kind.LECTURE_SERIES
        for w in ("lecture", "lectures", "lecture series", "lecture videos", "video lectures", "recorded lectures")
    },
    **{
        w: Kind.VIDEO_SERIES
        for w in ("video", "videos", "youtube", "video series", "playlist", "youtube series", "watch", "animations")
    },
    **{w: Kind.ARTICLE for w in ("article", "articles", "blog", "blog post", "post", "essay", "paper", "papers")},
    **{w: Kind.INTERACTIVE for w in ("interactive", "interactive book", "visualization", "visualizations")},
}

FREE_CUES = frozenset(
    {
        "free",
        "for free",
        "free online",
        "open access",
        "no cost",
        "without paying",
        "can't afford",
        "cant afford",
        "no money",
        "broke",
        "on a budget",
        "zero cost",
        "costs nothing",
        "isn't paid",
        "isnt paid",
        "not paid",
        "nothing paid",
        "no paywall",
        "don't want to pay",
        "dont want to pay",
        "no paid",
    }
)
SHORT_CUES = frozenset(
    {"short", "quick", "brief", "crash course", "in a weekend", "few hours", "not too long", "concise", "fast"}
)
HANDS_ON_CUES = frozenset(
    {
        "hands on",
        "with code",
        "code",
        "coding",
        "python",
        "numpy",
        "pytorch",
        "implement",
        "implementing",
        "implementation",
        "from scratch",
        "practical",
        "programming",
        "notebooks",
        "jupyter",
        "build",
        "building",
        "projects",
        "code along",
        "applied",
    }
)

# Words around a named resource that turn it into a filter.
EXCLUDE_BEFORE = (
    "isn't",
    "isnt",
    "is not",
    "aren't",
    "not by",
    "not",
    "no",
    "except",
    "besides",
    "other than",
    "apart from",
    "instead of",
    "anything but",
    "tried",
    "didn't like",
    "did not like",
    "don't want",
    "dont want",
    "hated",
    "alternative to",
    "alternatives to",
)
TOO_HARD_AFTER = (
    "too hard",
    "too difficult",
    "too advanced",
    "too dense",
    "too mathy",
    "too rigorous",
    "too much",
    "too abstract",
    "was too",
    "is too",
    "lost me",
    "went over my head",
    "over my head",
    "too heavy",
)
EASIER_BEFORE = (
    "easier than",
    "simpler than",
    "gentler than",
    "less rigorous than",
    "less dense than",
    "lighter than",
    "less advanced than",
    "less mathy than",
    "less math heavy than",
    "more beginner friendly than",
    "more accessible than",
    "more approachable than",
    "friendlier than",
    "more intuitive than",
)
HARDER_BEFORE = (
    "harder than",
    "more rigorous than",
    "more advanced than",
    "deeper than",
    "beyond",
    "more in depth than",
    "more mathematical than",
    "more theoretical than",
    "more formal than",
)
# "Already read X": X is done, and what comes next builds on it.
DONE_BEFORE = (
    "already read",
    "already did",
    "already finished",
    "already watched",
    "already took",
    "already done",
    "already know",
    "already went through",
    "finished",
    "done with",
    "went through",
    "watched",
    "after",
    "worked through",
    "completed",
)
# Words that turn the cue after them around: "no videos", "don't care about proofs", "not too advanced".
NEGATIONS = (
    "no",
    "not",
    "without",
    "dont care about",
    "don't care about",
    "do not care about",
    "dont need",
    "don't need",
    "do not need",
    "dont want",
    "don't want",
    "do not want",
    "no need for",
    "hate",
    "skip",
    "avoid",
    "rather not",
    "cant do",
    "can't do",
    "cannot do",
    "not into",
    "isn't",
    "isnt",
    "is not",
)
SHORTER_BEFORE = ("shorter than", "less long than", "quicker than", "faster than", "not as long as")
LIKE_BEFORE = ("like", "similar to", "something like", "in the style of", "same style as")
# "Like X but for Y": the comparison names a style; the subject comes from elsewhere in the question.

# Words that carry nothing a ranking could use; an unknown word outside this list earns a mention.
STOPWORDS = frozenset(
    """a an and any are as at be best but by can could do does for from get good great have help hi hello how i
    i'm im in into is it its just know learn learning like looking math maths mathematics me more my need of on
    one or please recommend recommendation recommendations resource resources should some something start
    starting study studying teach that the there thanks thing this to understand want what where which who
    with would you your about really new also got am been behind better basics basic fundamentals
    foundation foundations ones someone anyone suggest suggestions material materials read reading
    intro introduction introductory first i've ive wanna gonna trying try tried get getting find any
    recs rec pls plz thx guys hey yo so then than too very much lot lots ok okay well what's whats
    explain explains explained covering cover covers covered topic topics stuff things way ways go
    going make makes good decent solid nice cool awesome best top great i'd id i'll ill we our us
    they them their he she his her was were being is are am if when while because since though
    should would could might must shall will don't dont can't cant isn't isnt didn't didnt doesn't
    doesnt has had do did does done all every each both either neither other another such same own
    up down out over under again further once here there why how most some few many much several
    only just also even still yet already always never ever often usually sometimes now today
    know knows knew learn learned learnt understanding grasp master mastering level levels
    recommendations recommended suggest suggested resource resources book's course's actually
    kinda sorta maybe probably definitely currently recently background not no wants wanted enough simply
    easier simpler gentler harder hard difficult dense abstract heavy lost head alternative alternatives else
    except besides instead similar style anything everything nothing lol haha idk tbh imo care actual
    actually explanation next u ur honestly literally finished watched completed hated years shorter""".split()
)


@dataclass(frozen=True)
class Named:
    """A resource a question names, how (its title, another name, its author), and what it does with it."""

    resource_id: str
    by: str  # "title", "alias" or "author"
    role: str = "wanted"  # "wanted", "excluded", "done", "easier-than", "harder-than", "like"


@dataclass
class Understanding:
    """What a question asks for, as the catalog can answer it, and what of it could not be placed."""

    topics: list[Topic] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    backgrounds: list[Background] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    not_above: Level | None = None
    not_below: Level | None = None
    kinds: list[Kind] = field(default_factory=list)
    avoided_kinds: list[Kind] = field(default_factory=list)  # "no videos"
    avoided_topics: list[Topic] = field(default_factory=list)  # "not analysis"
    context_topics: list[Topic] = field(default_factory=list)  # "linear algebra for ML": what it is for
    free_only: bool = False
    short: bool = False
    hands_on: bool = False
    named: list[Named] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)  # words only the catalog's text knows
    unknown: list[str] = field(default_factory=list)  # words nothing knows
    suggestions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def understood_anything(self) -> bool:
        """Whether any part of the question was placed."""
        return bool(
            self.topics
            or self.concepts
            or self.backgrounds
            or self.levels
            or self.not_above
            or self.kinds
            or self.free_only
            or self.short
            or self.hands_on
            or self.named
            or self.searched
        )

    @property
    def asks_subject(self) -> bool:
        """Whether the question names what to learn (a topic, a concept, a resource, or words to search)."""
        return bool(self.topics or self.concepts or self.wanted or self.searched or self.unknown)

    def with_role(self, role: str) -> list[str]:
        """The ids of resources named in this role."""
        return list(dict.fromkeys(n.resource_id for n in self.named if n.role == role))

    @property
    def wanted(self) -> list[str]:
        """Resources the member asked about by name (not excluded, not only compared with)."""
        return self.with_role("wanted")

    @property
    def excluded(self) -> list[str]:
        """Resources the member does not want: excluded, too hard, or named only as a comparison."""
        return list(dict.fromkeys(n.resource_id for n in self.named if n.role != "wanted"))


CLOSE_MATCHES_KEPT = 2048  # phrases whose close matches each _CloseMatches keeps


class _CloseMatches:
    """difflib's close matches of a phrase among many names, the names narrowed down at once by their letters.

    difflib's `quick_ratio` (the letters two strings share, whatever their order) bounds the ratio it accepts
    by; it computed that bound one name at a time: 45 ms a phrase among 10,000 titles. Every name's letters
    held as bits (`_LetterBits`) give every bound in a few numpy steps, each compared with the fewest letters
    difflib's test lets a pair of that total length share (worked out once per length). The names left then
    meet a tighter bound: difflib's matching blocks are a common subsequence, so twice the longest
    common subsequence over both lengths bounds its ratio too, and a bit-parallel count of it (Hyyrö's) costs
    a few microseconds where difflib's own ratio took 200. Only names difflib would not refuse anyway are
    handed to it: the same answer. A question's phrases come back in other questions, so the answers for the
    phrases met lately are kept too.
    """

    __slots__ = ("_bytes_alike", "_cutoff", "_letters", "_lengths", "_longest", "_memo", "_most", "_names", "_needed")

    def __init__(self, names: Iterable[str], cutoff: float, most: int = 1) -> None:
        self._names, self._cutoff, self._most = list(names), cutoff, most
        self._bytes_alike = all(_one_byte_a_letter(name) for name in self._names)  # see _common_lengths
        self._longest = longest = max((len(name) for name in self._names), default=0)
        self._letters: _LetterBits | None = None  # built on first use (`prepare`): a command line seldom needs it
        self._lengths = np.array([len(name) for name in self._names], dtype=np.intp)
        self._needed = _letters_needed(cutoff, longest + _PHRASE_ROOM, longest + 1)
        # The phrases met lately, each about 180 bytes: a catalog keeps one of these per length of title and two
        # more, so 10,000 phrases each (as it was) could come to 14 MB in a bot asked many different questions.
        self._memo = functools.lru_cache(maxsize=CLOSE_MATCHES_KEPT)(self._close_matches)

    def prepare(self) -> _LetterBits:
        """The names' letters as bits, built now if they are not yet."""
        if self._letters is None:
            self._letters = _LetterBits.of(self._names)  # one assignment: a thread reads it whole or not at all
        return self._letters

    @property
    def prepared(self) -> bool:
        """Whether the names' letters are built."""
        return self._letters is not None

    def of(self, phrase: str) -> list[str]:
        """`difflib.get_close_matches(phrase, names, n=most, cutoff=cutoff)`, best first."""
        return list(self._memo(phrase))

    def _close_matches(self, phrase: str) -> tuple[str, ...]:
        candidates = self._candidates(phrase)
        if not candidates:  # most phrases: difflib would still index the phrase's letters first
            return ()
        return tuple(difflib.get_close_matches(phrase, candidates, n=self._most, cutoff=self._cutoff))

    def _candidates(self, phrase: str) -> list[str]:
        """The names whose letters could give `phrase` a ratio of at least the cutoff, in order."""
        if not self._names:
            return []
        shared = self.prepare().shared(Counter(phrase))
        if shared is None:  # no letter any name holds: nothing shared, and the cutoff asks for some
            return []
        if len(phrase) + self._longest >= len(self._needed):  # a phrase longer than questions hold
            self._needed = _letters_needed(self._cutoff, len(phrase) + self._longest + _PHRASE_ROOM, self._longest + 1)
        needed = self._needed[len(phrase) :].take(self._lengths)  # by the name's length: phrase's plus name's
        names = [self._names[index] for index in np.flatnonzero(shared >= needed)]
        if not names:
            return names
        where: dict[str, int] = {}  # each letter of the phrase → the bits of its positions
        for position, letter in enumerate(phrase):
            where[letter] = where.get(letter, 0) | (1 << position)
        if len(names) >= _ALL_AT_ONCE and len(phrase) < 64 and _one_byte_a_letter(phrase) and self._bytes_alike:
            common = _common_lengths(where, len(phrase), names)
            return [
                name
                for name, length in zip(names, common.tolist(), strict=True)
                if 2.0 * length / (len(phrase) + len(name)) >= self._cutoff
            ]
        return [
            name
            for name in names
            if 2.0 * _common_length(where, len(phrase), name) / (len(phrase) + len(name)) >= self._cutoff
        ]


@dataclass(frozen=True, slots=True)
class _LetterBits:
    """Names' letters as bits: the n-th of a letter in a name is one bit, so the letters a text and a name share
    (difflib's quick_ratio counts them: for each letter the fewer of the two) are the bits both have set."""

    places: dict[str, tuple[int, int]]  # letter → (its first bit, the most of it a name holds)
    bits: np.ndarray  # uint64, one row a word of 64 bits, one column a name
    wide: bool  # counts of shared bits could pass what a byte holds

    @classmethod
    def of(cls, names: list[str]) -> _LetterBits:
        counted = [Counter(name) for name in names]
        most_of: dict[str, int] = {}
        for counts in counted:
            for letter, count in counts.items():
                most_of[letter] = max(count, most_of.get(letter, 0))
        places: dict[str, tuple[int, int]] = {}
        first = 0
        for letter in sorted(most_of):
            places[letter] = (first, most_of[letter])
            first += most_of[letter]
        words = max(1, -(-first // 64))
        masks = [_mask(places, counts) for counts in counted]
        bits = np.array([[(mask >> (64 * word)) & _LOW_64_BITS for mask in masks] for word in range(words)], np.uint64)
        return cls(places, bits, words * 64 > 255)

    def shared(self, counts: Counter[str]) -> np.ndarray | None:
        """How many letters a text (its letter `counts`) shares with each name; None when it shares none."""
        mask = _mask(self.places, counts)
        shared = None
        for word, bits in enumerate(self.bits):  # two numpy calls a word of 64 letters, whatever the text holds
            part = (mask >> (64 * word)) & _LOW_64_BITS
            if part:
                count = np.bitwise_count(bits & np.uint64(part))
                if shared is None:
                    shared = count.astype(np.uint16) if self.wide else count
                else:
                    shared += count
        return shared


def _mask(places: dict[str, tuple[int, int]], counts: Counter[str]) -> int:
    """Letters (`counts`) as bits at their `places`: the first n of each letter's, those no name holds dropped."""
    mask = 0
    for letter, count in counts.items():
        place = places.get(letter)
        if place is not None:  # no name holds more of a letter than its bits say: more shares no more
            first, most = place
            mask |= ((1 << min(count, most)) - 1) << first
    return mask


# From this many names on, their common subsequences with a phrase are counted all at once in numpy (five
# numpy calls a letter of the longest name, 120-200 µs) rather than one name at a time in Python (5-7 µs each).
_ALL_AT_ONCE = 32
_PHRASE_ROOM = 256  # phrases up to this long read the table of letters needed as it is built
_LOW_64_BITS = (1 << 64) - 1


def _letters_needed(cutoff: float, totals: int, cap: int) -> np.ndarray:
    """By the total length of a phrase and a name (below `totals`), the fewest letters they must share for
    `2.0 * shared / total >= cutoff`, difflib's own test in float64, exactly; `cap` (unreachable) where more.

    The bound is then one comparison of integers a name instead of a division.
    """
    total = np.arange(totals, dtype=np.float64)
    total[0] = 1.0  # no phrase or name is empty
    needed = np.ceil(cutoff * total / 2.0)
    needed[2.0 * (needed - 1) / total >= cutoff] -= 1  # where rounding put the ceiling one too high
    needed[2.0 * needed / total < cutoff] += 1  # or one too low
    return np.minimum(needed, cap).astype(np.int64 if cap > 2**15 else np.int16)


def _one_byte_a_letter(text: str) -> bool:
    """Whether a text's letters are ASCII bytes other than the one `_common_lengths` pads names with."""
    return text.isascii() and "\0" not in text


def _common_lengths(where: dict[str, int], size: int, names: list[str]) -> np.ndarray:
    """`_common_length` of a phrase (shorter than 64 letters) and each of `names`, all at once, every letter one
    byte (`_one_byte_a_letter`): the same recurrence on one 64-bit word a name, the names' letters read column
    by column (the padding byte matches nothing, so it leaves a row as it is)."""
    width = max(map(len, names))
    padded = "".join(name.ljust(width, "\0") for name in names).encode("ascii")
    letters = np.frombuffer(padded, dtype=np.uint8).reshape(len(names), width).T.copy()  # one row a column
    positions = np.zeros(256, dtype=np.uint64)
    positions[[ord(letter) for letter in where]] = list(where.values())
    full = np.uint64((1 << size) - 1)
    row = np.full(len(names), full, dtype=np.uint64)
    for column in letters:
        matched = row & positions[column]
        row = ((row + matched) | (row - matched)) & full  # below 2**64: size < 64, matched ≤ row ≤ full
    return size - np.bitwise_count(row)


def _common_length(where: dict[str, int], size: int, other: str) -> int:
    """The length of the longest common subsequence of a phrase (`where` its letters' position bits, `size` its
    length) and `other`: Hyyrö's bit-vector recurrence, one step a letter of `other`."""
    full = (1 << size) - 1
    row = full
    for letter in other:
        matched = row & where.get(letter, 0)
        row = ((row + matched) | (row - matched)) & full
    return size - row.bit_count()


@dataclass(frozen=True)
class _Reader:
    """Everything a catalog's questions are read with, built once per catalog."""

    phrases: dict[str, list[tuple[str, object]]]  # phrase → [(what, value)], in precedence order
    phrase_words: frozenset[str]  # every word of those phrases ("school" of "high school student")
    names: dict[str, tuple[str, ...]]  # phrase → (resource id, by, resource id, by, …): see `named`
    long_names: dict[int, _CloseMatches]  # names of three words or more by their count of words, for slips in them
    fuzzy_targets: dict[str, tuple[str, object]]  # concept/topic phrase → (what, value), for typos
    suggest_targets: dict[str, tuple[str, object]]  # those, and each word of them ("algebra"), for suggestions
    fuzzy_close: _CloseMatches  # among fuzzy_targets
    slip_targets: dict[tuple[str, int], tuple[str, ...]]  # fuzzy_targets by first letter and length
    suggest_close: _CloseMatches  # among suggest_targets
    longest: int

    def named(self, phrase: str) -> tuple[tuple[str, str], ...] | None:
        """The resources a phrase names, each with what named it ("title", "alias", "author"); None for none."""
        flat = self.names.get(phrase)
        return None if flat is None else tuple(zip(flat[::2], flat[1::2], strict=True))

    def close_matches(self) -> list[_CloseMatches]:
        """Every matcher of close matches the reader holds."""
        return [*self.long_names.values(), self.fuzzy_close, self.suggest_close]

    @classmethod
    def of(cls, catalog: Catalog) -> _Reader:
        """The reader of a catalog, built on first use and kept with it."""
        return catalog.derived("question-reader", cls._build)

    @classmethod
    def _build(cls, catalog: Catalog) -> _Reader:
        phrases: dict[str, list[tuple[str, object]]] = {}

        def add(phrase: str, what: str, value: object) -> None:
            key = phrase_key(phrase)
            if key:
                phrases.setdefault(key, []).append((what, value))

        for word in FREE_CUES:
            add(word, "free", True)
        for word in SHORT_CUES:
            add(word, "short", True)
        for word, level in NOT_ABOVE_CUES.items():
            add(word, "not-above", level)
        for word, concept in catalog.concepts.words.items():
            add(word, "concept", concept.id)
        topics = topic_words()
        for word, topic in topics.items():
            # A synonym a concept claims ("eigenvalues", "backprop") names the concept, which implies its
            # topic; the topic's own name ("gradient descent") stays both.
            is_own_name = word in (topic.value, topic.label)
            if is_own_name or not any(what == "concept" for what, _ in phrases.get(phrase_key(word), [])):
                add(word, "topic", topic)
        for word, background in BACKGROUND_CUES.items():
            add(word, "background", background)
        for word, level in LEVEL_CUES.items():
            add(word, "level", level)
        for word, kind in KIND_CUES.items():
            add(word, "kind", kind)
        for word in HANDS_ON_CUES:
            add(word, "hands-on", True)
        vocabulary = set(phrases) | STOPWORDS
        names: dict[str, list[str]] = {}  # phrase → [resource id, by, resource id, by, …]
        for resource in catalog:
            # The whole title, and each side of a colon ("Neural Networks: Zero to Hero" → "Zero to Hero").
            candidates = [(resource.title, "title")]
            if ":" in resource.title:
                candidates += [(part, "title") for part in resource.title.split(":", 1) if len(part.split()) >= 2]
            candidates += [(alias, "alias") for alias in resource.aliases]
            for author in resource.authors:
                words = words_of(author)
                candidates.append((author, "author"))
                if words and len(words[-1]) >= 4:
                    candidates.append((words[-1], "author"))
            for text, by in candidates:
                key = phrase_key(text)
                # A title that is also a subject ("Deep Learning", "Calculus") names the subject; aliases
                # are chosen by curators and always name the resource.
                if not key or (by != "alias" and key in vocabulary):
                    continue
                entry = names.setdefault(key, [])
                if resource.id not in entry[::2]:  # a resource is named once by a phrase, by what named it first
                    entry += (resource.id, by)
        fuzzy = {
            key: found[0]
            for key, found in phrases.items()
            if found[0][0] in ("concept", "topic") and len(key) >= MIN_FUZZY_LENGTH
        }
        suggest = dict(fuzzy)
        # Misspelt single-word cues count too ('begginer', 'lecutres'); they are never suggested as subjects.
        fuzzy.update(
            (key, found[0])
            for key, found in phrases.items()
            if found[0][0] in ("level", "kind") and " " not in key and len(key) >= 6
        )
        # Single words of topics before those of concepts: "algebra" suggests linear algebra, not sigma algebras.
        for key, target in sorted(fuzzy.items(), key=lambda item: item[1][0] != "topic"):
            for word in key.split():
                if len(word) >= MIN_FUZZY_LENGTH and word not in STOPWORDS:
                    suggest.setdefault(word, target)
        longest = max((len(k.split()) for k in [*phrases, *names]), default=1)
        named = {k: tuple(v) for k, v in names.items()}  # each kept flat: a tuple a pair was 1 MB at 10,000
        by_size: dict[int, list[str]] = {}
        for key in named:
            if len(key.split()) >= 3:
                by_size.setdefault(len(key.split()), []).append(key)
        long_names = {size: _CloseMatches(keys, NAME_SLIP_RATIO) for size, keys in by_size.items()}
        slip_targets: dict[tuple[str, int], list[str]] = {}
        for key in fuzzy:
            slip_targets.setdefault((key[0], len(key)), []).append(key)
        return cls(
            phrases,
            frozenset(word for phrase in phrases for word in phrase.split()),
            named,
            long_names,
            fuzzy,
            suggest,
            _CloseMatches(fuzzy, ACCEPT_RATIO, most=2),
            {start: tuple(keys) for start, keys in slip_targets.items()},
            _CloseMatches(suggest, SUGGEST_RATIO, most=SUGGESTIONS * 3),
            min(longest, LONGEST_PHRASE),
        )


def prepare_questions(catalog: Catalog) -> None:
    """Build the catalog's question reader now, its close matches too (it is otherwise built on the first
    question, and its close matches when a question first needs them: a command line asks one question)."""
    for matches in _Reader.of(catalog).close_matches():
        matches.prepare()


def questions_prepared(catalog: Catalog) -> bool:
    """Whether the catalog's question reader is built, and its close matches."""
    return catalog.has_derived("question-reader") and all(m.prepared for m in _Reader.of(catalog).close_matches())


def _fuzzy(reader: _Reader, phrase: str, catalog: Catalog) -> tuple[str, object] | None:
    """The concept or topic a misspelt phrase stands for, when one is unambiguously close (memoised)."""
    cache: dict[str, tuple[str, object] | None] = catalog.derived("question-fuzzy-cache", lambda _: {})
    if phrase in cache:
        return cache[phrase]
    found = None
    words = phrase.split()
    if len(phrase) >= MIN_FUZZY_LENGTH and words[0] not in STOPWORDS and words[-1] not in STOPWORDS:
        close = reader.fuzzy_close.of(phrase)
        if close and (len(close) == 1 or reader.fuzzy_targets[close[0]] == reader.fuzzy_targets[close[1]]):
            found = reader.fuzzy_targets[close[0]]
        else:
            # One slip (a swapped pair, a letter missing, extra or wrong) that difflib scores low: 'hessain'.
            # A slip keeps the first letter and changes the length by one at most.
            near = (reader.slip_targets.get((phrase[0], len(phrase) + step), ()) for step in (-1, 0, 1))
            slips = {reader.fuzzy_targets[t] for targets in near for t in targets if one_slip(phrase, t)}
            if len(slips) == 1:
                found = slips.pop()
    if len(cache) < 10_000:
        cache[phrase] = found
    return found


def one_slip(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with one slip: two neighbouring letters swapped, or one missing, extra or wrong."""
    if typed == word or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) == len(word):
        differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == word[differ[1]]
            and (typed[differ[1]] == word[differ[0]])
        )
    shorter, longer = (typed, word) if len(typed) < len(word) else (word, typed)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def suggestions_for(word: str, catalog: Catalog) -> list[str]:
    """Topic labels and concept names close to an unknown word, for "did you mean…"."""
    reader = _Reader.of(catalog)
    labels: list[str] = []
    for match in reader.suggest_close.of(word):
        if match[:1] != word[:1]:  # a typo keeps its first letter; "quaternions" is no misspelt "equations"
            continue
        what, value = reader.suggest_targets[match]
        label = value.label if what == "topic" else catalog.concepts[str(value)].name  # type: ignore[attr-defined]
        if label not in labels:
            labels.append(label)
    return labels[:SUGGESTIONS]


@functools.cache
def _cues_by_length(cues: tuple[str, ...]) -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
    """Cue phrases as their words, by their count of words: a place is looked up once for each count."""
    by_length: dict[int, set[tuple[str, ...]]] = {}
    for cue in cues:
        words = tuple(cue.split())
        by_length.setdefault(len(words), set()).add(words)
    return tuple((size, frozenset(found)) for size, found in by_length.items())


def _preceded_by(
    words: list[str], start: int, cues: tuple[str, ...], reach: int = 3, clauses: set[int] | None = None
) -> bool:
    """Whether one of the cue phrases ends at most `reach` words before words[start], in the same clause."""
    clause = max((c for c in clauses or () if c <= start), default=0)
    by_length = _cues_by_length(cues)
    for end in range(start, max(start - reach, 0) - 1, -1):
        for size, phrases in by_length:
            begin = end - size
            if begin >= clause and tuple(words[begin:end]) in phrases:
                return True
    return False


# Around a kind word, what says it is what the member wants ("a video on", "any good books", "lectures?").
_REQUEST_BEFORE = (
    "a",
    "an",
    "any",
    "some",
    "good",
    "best",
    "free",
    "short",
    "decent",
    "great",
    "nice",
    "gentle",
    "beginner",
    "intro",
    "introductory",
    "recommend",
    "need",
    "want",
    "prefer",
    "looking for",
    "is there",
    "are there",
    "favorite",
    "favourite",
    "online",
    "youtube",
    "video",
    "interactive",
    "the",
    "solid",
    "easy",
    "simple",
)
_REQUEST_AFTER = (
    "on",
    "about",
    "for",
    "that",
    "which",
    "to",
    "covering",
    "explaining",
    "where",
    "with",
    "or",
    "series",
    "course",
    "lecture",
    "lectures",
    "playlist",
    "please",
    "pls",
    "recommendation",
    "recommendations",
)


def _asked_for(words: list[str], start: int, end: int, used: list[bool]) -> bool:
    """Whether a kind word at words[start:end] asks for that kind rather than mentions one in passing."""
    if end >= len(words) or start == 0 or used[start - 1]:  # "probability videos": a subject, then its kind
        return True
    return _preceded_by(words, start, _REQUEST_BEFORE, reach=1) or _followed_by(words, end, _REQUEST_AFTER, reach=0)


def _followed_by(words: list[str], end: int, cues: tuple[str, ...], reach: int = 3) -> bool:
    """Whether one of the cue phrases starts at most `reach` words after words[end - 1]."""
    by_length = _cues_by_length(cues)
    for begin in range(end, min(end + reach, len(words)) + 1):
        for size, phrases in by_length:
            if tuple(words[begin : begin + size]) in phrases:
                return True
    return False


def understand(text: str, catalog: Catalog) -> Understanding:
    """Read free text into what it asks of this catalog (see the module docstring for the order)."""
    reader = _Reader.of(catalog)
    # The catalog's own words are read only for a word the vocabulary does not hold, so a question of known
    # subjects and cues (a command line's one question) builds no lexical index: 20 ms of 0.4 s.
    lexical = functools.partial(LexicalIndex.of, catalog)
    result = Understanding()
    words = words_of(text)
    keys = [fold(word) for word in words]
    clauses = clause_starts(text)
    used = [False] * len(words)
    subjects: list[tuple[int, str, object]] = []  # (where, "topic"/"concept", value), to find what is context

    def add(bucket: list, value: object) -> None:
        if value not in bucket:
            bucket.append(value)

    # Only a phrase holding a word nothing knows may be a misspelt name ('attn is all u need'): 'series on
    # multivariable calc' is no misspelt title.
    strange = [_is_strange(word, key, reader, lexical) for word, key in zip(words, keys, strict=True)]
    for size in range(reader.longest, 0, -1):
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            phrase = " ".join(keys[start : start + size])
            named = reader.named(phrase)
            found = reader.phrases.get(phrase)
            if named is None and found is None and size >= 3 and any(strange[start : start + size]):
                named = _fuzzy_name(reader, phrase)
            if named is not None and (found is None or size > 1 or named[0][1] == "alias"):
                role = _role_of(words, start, start + size)
                kind = _kind_after(words, start + size, used)
                if kind is not None:  # "Boyd's book": the book, not everything Boyd wrote
                    named = tuple(n for n in named if catalog[n[0]].kind is kind) or named
                result.named.extend(Named(resource_id, by, role) for resource_id, by in named)
                used[start : start + size] = [True] * size
                continue
            if found is None and size <= 3:
                fuzzy = _fuzzy(reader, phrase, catalog)
                if fuzzy is not None and not all(lexical().known(w) for w in words[start : start + size]):
                    found = [fuzzy]
            if found is None:
                continue
            negated = _preceded_by(words, start, NEGATIONS, reach=3, clauses=clauses)
            for what, value in found:
                if what == "kind" and not negated and not _asked_for(words, start, start + size, used):
                    continue  # "keeps coming up in GLM papers": a kind mentioned, not asked for
                if negated:
                    _avoid(result, what, value, add)
                else:
                    _place(result, what, value, add)
                    if what in ("topic", "concept"):
                        subjects.append((start, what, value))
            used[start : start + size] = [True] * size
    _set_context(result, words, subjects)
    leftover = [
        (index, word)
        for index, (word, key, was_used) in enumerate(zip(words, keys, used, strict=True))
        if not (was_used or word in STOPWORDS or key in STOPWORDS or len(word) < 3 or word.isdigit())
    ]
    named_subject = result.topics or result.concepts or result.named
    for run in _runs(leftover, clauses):
        # Words the catalog never has side by side ("point set topology", "music theory") name a subject it does
        # not cover, unless the question named one it does.
        if not named_subject and len(run) > 1 and not lexical().knows_phrase(run):
            add(result.unknown, " ".join(run))
            continue
        for word in run:
            if lexical().known(word):
                add(result.searched, word)
            else:
                add(result.unknown, word)
                close = suggestions_for(word, catalog)
                if close:
                    result.suggestions[word] = close
    return result


def _runs(leftover: list[tuple[int, str]], clauses: set[int]) -> list[list[str]]:
    """The leftover words in runs of neighbours within one clause."""
    runs: list[list[str]] = []
    previous = -2
    for index, word in leftover:
        if index == previous + 1 and index not in clauses and runs:
            runs[-1].append(word)
        else:
            runs.append([word])
        previous = index
    return runs


def _avoid(result: Understanding, what: str, value: object, add) -> None:  # type: ignore[no-untyped-def]
    """What a negated cue means: 'no videos', 'not analysis', 'don't care about proofs', 'not beginner'."""
    if what == "kind":
        add(result.avoided_kinds, value)
    elif what == "topic":
        add(result.avoided_topics, value)
    elif what == "level" and value is Level.ADVANCED:
        result.not_above = Level.INTERMEDIATE
    elif what == "level" and value is Level.BEGINNER:
        result.not_below = Level.INTERMEDIATE
    # A negated concept ("no proofs") is simply not asked for; a negated cost or background means nothing.


def _set_context(result: Understanding, words: list[str], subjects: list[tuple[int, str, object]]) -> None:
    """A topic right after 'for' or 'in' beside another subject says what the subject is for: context."""
    if len(subjects) < 2:
        return
    for start, what, value in subjects:
        if what != "topic" or not _preceded_by(words, start, ("for", "in", "used in", "applied to"), reach=0):
            continue
        if value in result.topics and any(other != value for _, _, other in subjects):
            result.topics.remove(value)  # type: ignore[arg-type]
            result.context_topics.append(value)  # type: ignore[arg-type]


def _kind_after(words: list[str], end: int, used: list[bool]) -> Kind | None:
    """The kind named right after a resource's name ("Strang's course"), which then says nothing more."""
    if end < len(words):
        kind = KIND_CUES.get(words[end]) or KIND_CUES.get(fold(words[end]))
        if kind is not None:
            used[end] = True
            return kind
    return None


def _is_strange(word: str, key: str, reader: _Reader, lexical: Callable[[], LexicalIndex]) -> bool:
    """Whether a word (`key` its folded form) is none the vocabulary or the catalog's text knows.

    A word of a longer phrase counts as known ("school" of "high school student"): every phrase holding a word
    nothing knows is looked for among the names of as many words, and a question of known cues and subjects had
    each of its windows so looked for (45 of them in "best book on sample spaces and events with exercises, I am
    a high school student", 1.5 ms at 10,000 resources)."""
    return word not in STOPWORDS and key not in reader.phrase_words and not lexical().known(word)


def _fuzzy_name(reader: _Reader, phrase: str) -> tuple[tuple[str, str], ...] | None:
    """A resource name of three or more words typed with small slips ('attn is all u need')."""
    same_size = reader.long_names.get(len(phrase.split()))
    close = same_size.of(phrase) if same_size is not None else []
    return reader.named(close[0]) if close else None


def _place(result: Understanding, what: str, value: object, add) -> None:  # type: ignore[no-untyped-def]
    """Put one recognised phrase's meaning where it belongs."""
    if what == "concept":
        add(result.concepts, value)
    elif what == "topic":
        add(result.topics, value)
    elif what == "background":
        add(result.backgrounds, value)
    elif what == "level":
        add(result.levels, value)
    elif what == "not-above":
        result.not_above = value  # type: ignore[assignment]
    elif what == "kind":
        add(result.kinds, value)
    elif what == "free":
        result.free_only = True
    elif what == "short":
        result.short = True
    elif what == "hands-on":
        result.hands_on = True


def _role_of(words: list[str], start: int, end: int) -> str:
    """What the question does with a resource it names at words[start:end]."""
    if _preceded_by(words, start, EASIER_BEFORE, reach=1):
        return "easier-than"
    if _preceded_by(words, start, HARDER_BEFORE, reach=1):
        return "harder-than"
    if _preceded_by(words, start, SHORTER_BEFORE, reach=1):
        return "shorter-than"
    if _preceded_by(words, start, DONE_BEFORE):
        return "done"
    if _preceded_by(words, start, EXCLUDE_BEFORE):
        return "excluded"
    if _followed_by(words, end, TOO_HARD_AFTER):  # "X is too hard": something easier than X
        return "easier-than"
    if _preceded_by(words, start, LIKE_BEFORE, reach=1):
        return "like"
    return "wanted"
