"""The catalog's schema: what a resource is, as pydantic models.

The same models validate the curated YAML files, a moderator's import and a resource added from
Discord, so every way into the catalog obeys the same rules.
"""

from __future__ import annotations

import ipaddress
import re
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar, overload
from urllib.parse import quote

import idna
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetCoreSchemaHandler, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import CoreSchema, PydanticCustomError, PydanticKnownError, core_schema

from bot.catalog.vocabulary import SECTION_KIND_OF_UNIT, Background, Cost, Kind, LengthUnit, Level, SectionKind, Topic
from bot.words import counted

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # an id: lowercase words joined by hyphens
SLUG_PATTERN = rf"^{SLUG}$"
MAX_TITLE = 200
MAX_TEXT = 1000
MAX_URL = 500
MAX_AUTHOR = 120

# Where a URI may not point: names only a local network resolves (RFC 6761 localhost, RFC 6762 .local,
# RFC 8375 home.arpa, ICANN's .internal) and the conventional .localdomain.
_LOCAL_NAMES = ("localhost", "local", "internal", "home.arpa", "localdomain")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_HEX = frozenset("0123456789abcdefABCDEF")
# What RFC 3986 lets a path, query or fragment hold besides percent escapes: unreserved, sub-delims, ':', '@',
# '/' and '?'. Everything else ASCII ('|', '`', '[', ']', '<', '>', '\\', '{', '}', '^', '"', a second '#')
# is markdown or not a URI, and is refused; letters beyond ASCII are percent-encoded.
_URI_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?")


def check_web_url(url: str) -> str:
    """A public http(s) address as a valid URI (RFC 3986), or ValueError with a sentence saying what is wrong.

    Normalised, as a browser's address bar would send it: the scheme and host lower-cased, an internationalised
    host in its IDNA form (`bücher.example` → `xn--bcher-kva.example`), letters beyond ASCII in the path,
    query and fragment percent-encoded as UTF-8, a trailing dot of the host and an empty port dropped.
    Refused: other schemes (javascript:, data:, ftp:); credentials (`user:pass@`, which also disguise the host
    as in `https://discord.com@evil.example/`); hosts that are not public (loopback, private, link-local and
    reserved addresses, the cloud metadata address, a name without a dot or under a local-only suffix, an IP
    address in an unusual form such as `2130706433` or `127.1`, which browsers read as 127.0.0.1); spaces,
    control and invisible characters (right-to-left overrides, zero-width spaces); markdown and other
    characters a URI may not hold; a `%` not followed by two hex digits. No name is looked up in DNS.
    """
    url = url.strip()
    if len(url) > MAX_URL:  # checked before any work: normalising only makes a link longer
        raise ValueError(f"must be at most {MAX_URL} characters")
    # In ASCII only a space is a separator (Z) and only what is not printable a control (C): one pass in C.
    plain_ascii = url.isascii() and url.isprintable() and " " not in url
    for character in () if plain_ascii else url:
        if character == " ":
            raise ValueError("must not contain a space (write it as %20)")
        if unicodedata.category(character)[0] in "CZ":
            raise ValueError(
                f"must not contain control, invisible or right-to-left characters (it holds U+{ord(character):04X})"
            )
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in ("http", "https") or url[scheme.end() :][:2] != "//":
        raise ValueError("must be a web address starting with http:// or https://")
    rest = url[scheme.end() + 2 :]
    end = min((i for i in (rest.find(c) for c in "/?#\\") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        raise ValueError("must not carry a user name or password (user:pass@…); give the address without them")
    host, port = _split_port(authority)
    link = f"{scheme.group(1).lower()}://{_public_host(host)}{f':{port}' if port else ''}{_encoded_tail(tail)}"
    if len(link) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters once percent-encoded")
    return link


def _split_port(authority: str) -> tuple[str, str]:
    """The host and port of `host[:port]` or `[v6][:port]`; ValueError for a port that is not a port."""
    if authority.startswith("["):
        close = authority.find("]") + 1 or len(authority)
        host, after = authority[:close], authority[close:]
    else:
        host, colon, port = authority.partition(":")
        after = colon + port
    port = after[1:]
    if (after and not after.startswith(":")) or (port and (not _PORT.match(port) or not 0 < int(port) <= 65535)):
        raise ValueError("has a port that is not a number from 1 to 65535")
    return host, port


def _public_host(host: str) -> str:
    """The host, normalised, when it is a public name or address; ValueError saying why it is not."""
    not_public = "must name a public host such as example.org, not a machine on a local network"
    if "%" in host:
        raise ValueError("must write its host as it is, not percent-encoded")
    if host.startswith("["):
        try:
            v6 = ipaddress.IPv6Address(host[1:-1] if host.endswith("]") else "-")
        except ValueError:
            raise ValueError("has a host in [brackets] that is not an IPv6 address") from None
        _refuse_inner_address(v6, not_public)
        return f"[{v6.compressed}]"
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise ValueError("has a host name that is not a valid internationalised domain name") from None
    host = host.lower().removesuffix(".")
    labels = host.split(".")
    if labels[-1].isdigit() or labels[-1].startswith("0x"):  # browsers read such a host as an IPv4 address
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            raise ValueError(
                "writes an IP address in an unusual form; write it as four numbers, like 93.184.215.14"
            ) from None
        _refuse_inner_address(address, not_public)
        return host
    if not all(_HOST_LABEL.match(label) for label in labels) or len(host) > 253:
        raise ValueError("has a host name that is not valid: letters, digits and hyphens between dots")
    if len(labels) < 2 or any(host == name or host.endswith(f".{name}") for name in _LOCAL_NAMES):
        raise ValueError(not_public)
    return host


def _refuse_inner_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, refusal: str) -> None:
    """ValueError(`refusal`) unless the address is a public unicast one, IPv4 inside IPv6 included."""
    inner = [address]
    if isinstance(address, ipaddress.IPv6Address):
        inner += [a for a in (address.ipv4_mapped, address.sixtofour, *(address.teredo or ())) if a is not None]
    if any(not a.is_global or a.is_multicast for a in inner):
        raise ValueError(refusal)


def _encoded_tail(tail: str) -> str:
    """The path, query and fragment with letters beyond ASCII percent-encoded; ValueError for what a URI
    may not hold."""
    if tail.count("#") <= 1 and _URI_CHARACTERS.issuperset(tail.replace("#", "")):
        return tail  # nothing to encode or refuse (no '%' either: it is not among them), as most links are
    parts: list[str] = []
    fragment = False
    for index, character in enumerate(tail):
        if character == "%":
            if not (tail[index + 1 : index + 2] in _HEX and tail[index + 2 : index + 3] in _HEX):
                raise ValueError("has a '%' not followed by two hex digits (write a literal % as %25)")
            parts.append(character)
        elif character == "#" and not fragment:
            fragment = True
            parts.append(character)
        elif character in _URI_CHARACTERS:
            parts.append(character)
        elif character.isascii():
            raise ValueError(
                f"must not contain {character!r}: it is markdown or not allowed in a web address "
                f"(write it as %{ord(character):02X})"
            )
        else:
            parts.append(quote(character, safe=""))
    return "".join(parts)


ListedT = TypeVar("ListedT", bound=Sequence[Any])  # a list or tuple the catalog's models hold
TupleT = TypeVar("TupleT", bound=tuple[Any, ...])

# While the catalog cache is read (bot.catalog.cache), every value is one these models checked and normalised
# when the cache was written, by this very code, byte for byte (its key names the code, its digest the bytes).
# The checks written here in Python, which only refuse or normalise what is normal already, are then skipped:
# they were two fifths of a warm start's catalog read at 10,000 resources. Pydantic's own (types, enums,
# patterns, bounds) still run, and what builds a value (packing sections, sharing equal tuples) too.
_VALIDATED_BEFORE: ContextVar[bool] = ContextVar("validated_before", default=False)


@contextmanager
def validated_before() -> Iterator[None]:
    """Within: the values read were validated by these models before (see `_VALIDATED_BEFORE`)."""
    token = _VALIDATED_BEFORE.set(True)
    try:
        yield
    finally:
        _VALIDATED_BEFORE.reset(token)


def _checked_web_url(url: str) -> str:
    """`check_web_url`, unless the address was checked when the cache holding it was written."""
    return url if _VALIDATED_BEFORE.get() else check_web_url(url)


WebUrl = Annotated[str, AfterValidator(_checked_web_url)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=2, max_length=80)]


# Control characters other than newline and tab; a regex scans a 10,000-resource catalog ~10x faster than a loop.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _plain_text(value: str) -> str:
    """Strip and refuse control characters, which no title or summary needs."""
    value = value.strip()
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    return value


def _text(*, max_length: int, min_length: int = 0, one_line: bool = False) -> AfterValidator:
    """Plain text (`_plain_text`) of a length pydantic's own string checks would allow, and on one line where
    it is shown on one line (a title in a button label or a single-line form input, an author, another name).

    One call where `Annotated[str, AfterValidator(...), Field(min_length=…, max_length=…)]` made four: a
    length given after a Python validator is checked by pydantic in Python too, and a catalog of 10,000
    resources with eight sections validates 100,000 titles each time the bot starts. The errors are pydantic's
    own (`string_too_short`, `string_too_long`, with their context), as they were.
    """

    def check(value: str) -> str:
        if _VALIDATED_BEFORE.get():
            return value
        value = _plain_text(value)
        if one_line and "\n" in value:
            raise ValueError("must be one line")
        if len(value) < min_length:
            raise PydanticKnownError("string_too_short", {"min_length": min_length})
        if len(value) > max_length:
            raise PydanticKnownError("string_too_long", {"max_length": max_length})
        return value

    return AfterValidator(check)


# Each model keeps the set of fields it was given (728 bytes for a resource); frozen models never change it,
# so models given the same fields share one set: 10,000 resources hold a few sets instead of 20,000.
_GIVEN_FIELDS: dict[frozenset[str], set[str]] = {}


class _CatalogModel(BaseModel):
    """A frozen model of the catalog whose set of given fields is shared with equal ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_post_init(self, context: object, /) -> None:
        """Swap this model's set of given fields for the shared one (pydantic copies it before changing it)."""
        given = self.__pydantic_fields_set__
        shared = _GIVEN_FIELDS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


# Slotted like a section (below): one a resource, 56 bytes instead of a model's ~300.
@pydantic_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Length:
    """How long a resource is, in its own unit (390 pages, 35 lectures)."""

    amount: Annotated[int, Field(gt=0, le=100_000)]
    unit: LengthUnit

    def __str__(self) -> str:
        return counted(self.amount, self.unit.singular, self.unit.value)


class Concept(_CatalogModel):
    """One idea a member can ask about or study ("singular value decomposition"), in the concept vocabulary.

    Concepts form a graph through their prerequisites: the loader refuses unknown ids and cycles.
    """

    id: Slug
    name: Annotated[str, _text(min_length=1, max_length=80)]
    synonyms: list[Annotated[str, _text(min_length=1, max_length=80)]] = Field(default_factory=list)
    topic: Topic
    prerequisites: list[Slug] = Field(default_factory=list)

    @field_validator("synonyms", "prerequisites")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        """A synonym or prerequisite listed twice is a typo."""
        return _refuse_repeats(values)


# A pydantic dataclass with slots, not a model: 72 bytes where a model with its __dict__ took about 300. A
# resource holds its sections packed (`Sections`); each is made as one of these when it is read.
@pydantic_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Section:
    """One part of a resource (a chapter, a lecture), where it starts and the concepts it teaches."""

    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.]{0,11}$")]
    title: Annotated[str, _text(min_length=1, max_length=MAX_TITLE, one_line=True)]
    # Where the section starts, in the resource's own unit: its first page, or its ordinal for lectures.
    start: int | None = Field(default=None, ge=1, le=100_000)
    kind: SectionKind | None = None
    concepts: tuple[Slug, ...] = ()

    @field_validator("concepts")
    @classmethod
    def _no_repeats(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """A concept listed twice is a typo. (Not kept once here: `Sections` packs them, and keeps that once.)"""
        return _refuse_repeats(values, share=False)

    def kind_in(self, unit: LengthUnit) -> SectionKind:
        """What this section is called in a resource measured in `unit` ('chapter' in a book of pages)."""
        return self.kind or SECTION_KIND_OF_UNIT[unit]

    def label_in(self, unit: LengthUnit) -> str:
        """'chapter 7' or 'lecture 29', as a member reads it."""
        return f"{self.kind_in(unit).value} {self.number}"


# While a whole catalog is read, equal lists are kept once: resources repeat their topics, authors and
# backgrounds, sections their concepts. A context variable, so a read in another thread shares nothing with it.
_EQUAL_VALUES: ContextVar[dict[Any, Any] | None] = ContextVar("equal_values", default=None)


@contextmanager
def equal_values_shared() -> Iterator[None]:
    """Within: the lists validated (see `_refuse_repeats`) are the same object as an equal one read before.
    The table goes with the block, so nothing outlives the catalog that was read."""
    token = _EQUAL_VALUES.set({})
    try:
        yield
    finally:
        _EQUAL_VALUES.reset(token)


def _shared(values: TupleT) -> TupleT:
    """The equal tuple read before while a catalog is read (see `equal_values_shared`), else `values`."""
    shared = _EQUAL_VALUES.get()
    return values if shared is None else shared.setdefault(values, values)


MAX_SECTIONS = 300


class Sections(Sequence[Section]):
    """A resource's sections, in order, held packed: each is made as a `Section` when it is read.

    A catalog holds eight sections a resource; as objects each cost about 200 bytes (the section, its title,
    its tuple of concepts), 16 MB at 10,000 resources. Packed (the titles in one string, the numbers in
    another, starts in an array, every concept id in one tuple) a resource's sections take about 700 bytes
    instead of 1,600. Validation is unchanged: pydantic validates each `Section`, and only then are they packed.
    """

    __slots__ = ("_concepts", "_ends", "_kinds", "_numbers", "_starts", "_titles")

    _titles: str  # joined by line breaks, which no title holds
    _numbers: str  # joined by spaces, which no number holds
    _starts: array[int] | None  # 0 for a section without a start; None when none has one
    _kinds: tuple[SectionKind | None, ...] | None  # None when none names its kind
    _concepts: tuple[str, ...]  # every section's concept ids, one after another
    _ends: array[int]  # where each section's concepts end in `_concepts`

    def __init__(self, sections: Iterable[Section] = ()) -> None:
        # One loop for every column (2 µs for eight sections, where a comprehension a column took 3 and a
        # transposing zip 5): 80,000 sections are packed every time the bot starts.
        titles: list[str] = []
        numbers: list[str] = []
        starts: list[int] = []
        kinds: list[SectionKind | None] = []
        concepts: list[str] = []
        ends: list[int] = []
        for section in sections:
            titles.append(section.title)
            numbers.append(section.number)
            starts.append(section.start or 0)
            kinds.append(section.kind)
            concepts += section.concepts
            ends.append(len(concepts))
        self._titles = "\n".join(titles)
        self._numbers = " ".join(numbers)
        self._starts = array("i", starts) if any(starts) else None
        self._kinds = tuple(kinds) if any(kinds) else None
        self._concepts = _shared(tuple(concepts))
        self._ends = array("H", ends)

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> Section: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Section, ...]: ...

    def __getitem__(self, index: int | slice) -> Section | tuple[Section, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        count = len(self._ends)
        if not -count <= index < count:
            raise IndexError("section index out of range")
        index %= count
        return self._made(index, self._titles.split("\n")[index], self._numbers.split(" ")[index])

    def __iter__(self) -> Iterator[Section]:
        if not self._ends:
            return
        for index, (title, number) in enumerate(zip(self._titles.split("\n"), self._numbers.split(" "), strict=True)):
            yield self._made(index, title, number)

    def _made(self, index: int, title: str, number: str) -> Section:
        # Values validated when packed: a section is made without validating it again (about a microsecond).
        section = object.__new__(Section)
        put = object.__setattr__
        put(section, "number", number)
        put(section, "title", title)
        put(section, "start", (self._starts[index] or None) if self._starts is not None else None)
        put(section, "kind", self._kinds[index] if self._kinds is not None else None)
        put(section, "concepts", self.concepts_at(index))
        return section

    def teaching(self, concept_id: str) -> list[Section]:
        """The sections that name a concept, in order; only those are made."""
        found: list[Section] = []
        at = 0
        while True:  # the concept's places in the one tuple of them all (found there in C), then their sections
            try:
                at = self._concepts.index(concept_id, at)
            except ValueError:
                return found
            index = bisect_right(self._ends, at)
            found.append(self[index])
            at = self._ends[index]

    def concepts_at(self, index: int) -> tuple[str, ...]:
        """The concept ids section `index` names, without making the section."""
        return self._concepts[self._ends[index - 1] if index else 0 : self._ends[index]]

    @property
    def concepts(self) -> tuple[str, ...]:
        """Every section's concept ids, in order, one section's after another's (repeats kept)."""
        return self._concepts

    @property
    def titles(self) -> list[str]:
        """Every section's title, in order, without making the sections."""
        return self._titles.split("\n") if self._ends else []

    @property
    def numbers(self) -> list[str]:
        """Every section's number, in order."""
        return self._numbers.split(" ") if self._ends else []

    @property
    def starts(self) -> list[int | None]:
        """Every section's start, in order (None where it gives none)."""
        if self._starts is None:
            return [None] * len(self._ends)
        return [start or None for start in self._starts]

    def _key(self) -> tuple[object, ...]:
        return (self._titles, self._numbers, self._starts, self._kinds, self._concepts, self._ends)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sections):
            return self._key() == other._key()
        if isinstance(other, tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._titles, self._numbers, self._concepts, tuple(self._ends)))

    def __repr__(self) -> str:
        return f"Sections({list(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (Sections, (tuple(self),))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Validated as a tuple of sections (each a pydantic dataclass), then packed; dumped as that tuple. The
        # catalog cache holds them packed (`PACKED`), as they were once validated, and reads them back so.
        items = core_schema.tuple_schema(
            [handler.generate_schema(Section)], variadic_item_index=0, max_length=MAX_SECTIONS
        )
        return core_schema.no_info_wrap_validator_function(
            cls._validated,
            items,
            serialization=core_schema.wrap_serializer_function_ser_schema(cls._dumped, info_arg=True, schema=items),
        )

    @classmethod
    def _validated(cls, value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Sections:
        if isinstance(value, dict) and _VALIDATED_BEFORE.get():
            return cls._unpacked(value)
        sections = validate(value)
        return cls(sections) if sections else NO_SECTIONS

    @staticmethod
    def _dumped(sections: Sections, dump: core_schema.SerializerFunctionWrapHandler, info: Any) -> Any:
        if isinstance(info.context, dict) and info.context.get(PACKED):
            return sections._packed()
        return dump(tuple(sections))

    def _packed(self) -> dict[str, Any]:
        """The columns as JSON can hold them: what the catalog cache stores (see `_unpacked`)."""
        return {
            "titles": self._titles,
            "numbers": self._numbers,
            "starts": None if self._starts is None else self._starts.tolist(),
            "kinds": None if self._kinds is None else [None if k is None else k.value for k in self._kinds],
            "concepts": self._concepts,
            "ends": self._ends.tolist(),
        }

    @classmethod
    def _unpacked(cls, packed: dict[str, Any]) -> Sections:
        """Sections from `_packed`'s columns, read back from a catalog cache (whose digest vouches for them)."""
        if not packed["ends"]:
            return NO_SECTIONS
        sections = object.__new__(cls)
        sections._titles, sections._numbers = packed["titles"], packed["numbers"]
        starts, kinds = packed["starts"], packed["kinds"]
        sections._starts = None if starts is None else array("i", starts)
        sections._kinds = None if kinds is None else tuple(None if k is None else SectionKind(k) for k in kinds)
        # Interned: read as a list from JSON, each id would be a string of its own (160,000 at 10,000 resources,
        # 10 MB), where pydantic's validation of them as slugs had handed back one string per id.
        sections._concepts = _shared(tuple(map(sys.intern, packed["concepts"])))
        sections._ends = array("H", packed["ends"])
        return sections


NO_SECTIONS = Sections()
# In a dump's context: sections as their packed columns, not as a list (the catalog cache's form).
PACKED = "packed-sections"


def _refuse_repeats(values: ListedT, *, share: bool = True) -> ListedT:
    """The values (the equal tuple read before while a catalog is read, if `share`), or ValueError naming the
    first one listed twice."""
    count = len(values)
    if (
        count > 1
        and not _VALIDATED_BEFORE.get()
        and (values[0] == values[1] if count == 2 else len(set(values)) < count)
    ):
        seen = []
        for value in values:
            if value in seen:
                raise ValueError(f"lists {value!s} twice")
            seen.append(value)
    if not share or not isinstance(values, tuple):  # a concept's lists are lists, not kept once
        return values
    return _shared(values)


# The most of each unit that still reads as short: a long essay, a weekend of videos.
_SHORT_LENGTH: dict[LengthUnit, int] = {
    LengthUnit.PAGES: 100,
    LengthUnit.VIDEOS: 20,
    LengthUnit.LECTURES: 10,
    LengthUnit.LESSONS: 10,
    LengthUnit.SECTIONS: 12,
    LengthUnit.HOURS: 12,
}


class Resource(_CatalogModel):
    """One learning resource of the catalog."""

    id: Slug
    title: Annotated[str, _text(min_length=1, max_length=MAX_TITLE, one_line=True)]
    authors: tuple[Annotated[str, _text(min_length=1, max_length=MAX_AUTHOR, one_line=True)], ...]
    kind: Kind
    url: WebUrl
    cost: Cost
    topics: tuple[Topic, ...]
    level: Level
    # Who the author wrote it for (their stated audience), and who else it suits: a reason says which.
    written_for: tuple[Background, ...] = ()
    backgrounds: tuple[Background, ...] = ()
    prerequisites: tuple[Slug, ...] = ()
    length: Length
    year: int | None = Field(default=None, ge=1900, le=2100)
    summary: Annotated[str, _text(min_length=1, max_length=MAX_TEXT)]
    why: Annotated[str, _text(min_length=1, max_length=MAX_TEXT)]
    not_covered: tuple[Annotated[str, _text(max_length=200)], ...] = ()
    # Other names members call it by: a course number ("18.06"), a nickname ("PRML", "the Deep Learning book").
    aliases: tuple[Annotated[str, _text(min_length=2, max_length=80, one_line=True)], ...] = ()
    # It teaches through code the reader writes or runs (its official description says so).
    hands_on: bool = False
    # Concepts the resource teaches as a whole, besides those its sections name.
    concepts: tuple[Slug, ...] = ()
    sections: Sections = NO_SECTIONS

    @field_validator("topics", "backgrounds", "written_for", "prerequisites", "authors", "aliases", "concepts")
    @classmethod
    def _no_repeats(cls, values: tuple) -> tuple:
        """A topic or author listed twice is a typo, not emphasis."""
        return _refuse_repeats(values)

    @field_validator("authors", "topics")
    @classmethod
    def _at_least_one(cls, values: tuple, info: ValidationInfo) -> tuple:
        """Checked once the items are valid: pydantic's own length check on a tuple also fires when an item
        fails, and would report an invalid author as a missing one too."""
        if not values:
            what = "author" if info.field_name == "authors" else "topic"
            raise PydanticCustomError("too_short", f"must list at least one {what}")
        return values

    @field_validator("backgrounds")
    @classmethod
    def _not_also_written_for(cls, values: tuple[Background, ...], info: ValidationInfo) -> tuple[Background, ...]:
        """A background the resource is written for already suits it; listing it in both is a slip."""
        for background in values:
            if background in info.data.get("written_for", ()):
                raise ValueError(f"lists {background.value}, which written_for already names")
        return values

    @field_validator("sections")
    @classmethod
    def _sections_in_order(cls, sections: Sections, info: ValidationInfo) -> Sections:
        """Section numbers are unique; starts rise and stay within the resource's length."""
        if _VALIDATED_BEFORE.get():
            return sections
        length = info.data.get("length")
        numbers = sections.numbers
        given = [start for start in sections.starts if start is not None]
        if (
            len(set(numbers)) == len(numbers)
            and all(before < after for before, after in zip(given, given[1:], strict=False))
            and not (given and isinstance(length, Length) and given[-1] > length.amount)
        ):
            return sections  # the usual case, checked whole; the loop below finds what is wrong, to say it
        seen: set[str] = set()
        last_start = 0
        for number, start in zip(numbers, sections.starts, strict=True):
            if number in seen:
                raise ValueError(f"section {number} is listed twice")
            seen.add(number)
            if start is None:
                continue
            if start <= last_start:
                raise ValueError(
                    f"section {number} starts at {start}, not after the section before it"
                    f" ({last_start}): list sections in order"
                )
            last_start = start
            if isinstance(length, Length) and start > length.amount:
                raise ValueError(f"section {number} starts at {start}, past the end ({length})")
        return sections

    @property
    def suits(self) -> tuple[Background, ...]:
        """Every background the resource suits: those it is written for, then the others."""
        return (*self.written_for, *self.backgrounds)

    @property
    def taught_concepts(self) -> tuple[str, ...]:
        """Every concept it teaches: its own list, then each section's, once each, in order."""
        return tuple(dict.fromkeys((*self.concepts, *self.sections.concepts)))

    def section_at(self, position: int) -> Section | None:
        """The section a member at `position` (in the resource's unit) is in, where sections give starts.

        In a unit that counts parts done ("3 lectures"), the member is in the next part; in pages or hours,
        at the page itself.
        """
        place = position + 1 if self.length.unit.counts_parts else max(position, 1)
        found = None
        for index, start in enumerate(self.sections.starts):  # starts only: one section is made, the one found
            if start is None:
                continue
            if start > place:
                break
            found = index
        return None if found is None else self.sections[found]

    @property
    def is_short(self) -> bool:
        """Whether it can be got through in days rather than months: an article, or a few hours' worth."""
        if self.kind in (Kind.ARTICLE, Kind.INTERACTIVE):
            return True
        return self.length.amount <= _SHORT_LENGTH.get(self.length.unit, 0)

    @property
    def is_free(self) -> bool:
        """Whether a member can study it without paying."""
        return self.cost.is_free

    @property
    def byline(self) -> str:
        """'Title by A, B and C' as one line."""
        names = self.authors[0] if len(self.authors) == 1 else ", ".join(self.authors[:-1]) + " and " + self.authors[-1]
        return f"{self.title} by {names}"
