"""The catalog's schema: what a resource is, as pydantic models.

The same models validate the curated YAML files, a moderator's import and a resource added from
Discord, so every way into the catalog obeys the same rules.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bot.catalog.vocabulary import SECTION_KIND_OF_UNIT, Background, Cost, Kind, LengthUnit, Level, SectionKind, Topic
from bot.words import counted

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # an id: lowercase words joined by hyphens
SLUG_PATTERN = rf"^{SLUG}$"
MAX_TITLE = 200
MAX_TEXT = 1000
MAX_URL = 500
MAX_AUTHOR = 120

_SAFE_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def check_web_url(url: str) -> str:
    """Accept only http(s) URLs with a host; anything else (javascript:, data:, ftp:) is refused."""
    url = url.strip()
    if not _SAFE_URL.match(url):
        raise ValueError("must be a web address starting with http:// or https://")
    if len(url) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters")
    return url


WebUrl = Annotated[str, AfterValidator(check_web_url)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=2, max_length=80)]


# Control characters other than newline and tab; a regex scans a 10,000-resource catalog ~10x faster than a loop.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _plain_text(value: str) -> str:
    """Strip and refuse control characters, which no title or summary needs."""
    value = value.strip()
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


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


class Length(_CatalogModel):
    """How long a resource is, in its own unit (390 pages, 35 lectures)."""

    amount: int = Field(gt=0, le=100_000)
    unit: LengthUnit

    def __str__(self) -> str:
        return counted(self.amount, self.unit.singular, self.unit.value)


class Concept(_CatalogModel):
    """One idea a member can ask about or study ("singular value decomposition"), in the concept vocabulary.

    Concepts form a graph through their prerequisites: the loader refuses unknown ids and cycles.
    """

    id: Slug
    name: Annotated[PlainText, Field(min_length=1, max_length=80)]
    synonyms: list[Annotated[PlainText, Field(min_length=1, max_length=80)]] = Field(default_factory=list)
    topic: Topic
    prerequisites: list[Slug] = Field(default_factory=list)

    @field_validator("synonyms", "prerequisites")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        """A synonym or prerequisite listed twice is a typo."""
        return _refuse_repeats(values)


def _single_line(value: str) -> str:
    """Refuse line breaks in what is shown on one line (titles, section titles)."""
    if "\n" in value:
        raise ValueError("must be one line")
    return value


# Text shown on one line (a title in a button label or a single-line form input, an author, another name).
OneLine = Annotated[PlainText, AfterValidator(_single_line)]


class Section(_CatalogModel):
    """One part of a resource (a chapter, a lecture), where it starts and the concepts it teaches."""

    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.]{0,11}$")]
    title: Annotated[OneLine, Field(min_length=1, max_length=MAX_TITLE)]
    # Where the section starts, in the resource's own unit: its first page, or its ordinal for lectures.
    start: int | None = Field(default=None, ge=1, le=100_000)
    kind: SectionKind | None = None
    concepts: list[Slug] = Field(default_factory=list)

    @field_validator("concepts")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        """A concept listed twice is a typo."""
        return _refuse_repeats(values)

    def kind_in(self, unit: LengthUnit) -> SectionKind:
        """What this section is called in a resource measured in `unit` ('chapter' in a book of pages)."""
        return self.kind or SECTION_KIND_OF_UNIT[unit]

    def label_in(self, unit: LengthUnit) -> str:
        """'chapter 7' or 'lecture 29', as a member reads it."""
        return f"{self.kind_in(unit).value} {self.number}"


def _refuse_repeats(values: list) -> list:
    """The values unchanged, or ValueError naming the first one listed twice."""
    seen = []
    for value in values:
        if value in seen:
            raise ValueError(f"lists {value!s} twice")
        seen.append(value)
    return values


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
    title: Annotated[OneLine, Field(min_length=1, max_length=MAX_TITLE)]
    authors: Annotated[list[Annotated[OneLine, Field(min_length=1, max_length=MAX_AUTHOR)]], Field(min_length=1)]
    kind: Kind
    url: WebUrl
    cost: Cost
    topics: Annotated[list[Topic], Field(min_length=1)]
    level: Level
    # Who the author wrote it for (their stated audience), and who else it suits: a reason says which.
    written_for: list[Background] = Field(default_factory=list)
    backgrounds: list[Background] = Field(default_factory=list)
    prerequisites: list[Slug] = Field(default_factory=list)
    length: Length
    year: int | None = Field(default=None, ge=1900, le=2100)
    summary: Annotated[PlainText, Field(min_length=1, max_length=MAX_TEXT)]
    why: Annotated[PlainText, Field(min_length=1, max_length=MAX_TEXT)]
    not_covered: list[Annotated[PlainText, Field(max_length=200)]] = Field(default_factory=list)
    # Other names members call it by: a course number ("18.06"), a nickname ("PRML", "the Deep Learning book").
    aliases: list[Annotated[OneLine, Field(min_length=2, max_length=80)]] = Field(default_factory=list)
    # It teaches through code the reader writes or runs (its official description says so).
    hands_on: bool = False
    # Concepts the resource teaches as a whole, besides those its sections name.
    concepts: list[Slug] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list, max_length=300)

    @field_validator("topics", "backgrounds", "written_for", "prerequisites", "authors", "aliases", "concepts")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        """A topic or author listed twice is a typo, not emphasis."""
        return _refuse_repeats(values)

    @field_validator("backgrounds")
    @classmethod
    def _not_also_written_for(cls, values: list[Background], info: ValidationInfo) -> list[Background]:
        """A background the resource is written for already suits it; listing it in both is a slip."""
        for background in values:
            if background in info.data.get("written_for", ()):
                raise ValueError(f"lists {background.value}, which written_for already names")
        return values

    @field_validator("sections")
    @classmethod
    def _sections_in_order(cls, sections: list[Section], info: ValidationInfo) -> list[Section]:
        """Section numbers are unique; starts rise and stay within the resource's length."""
        numbers: set[str] = set()
        last_start = 0
        length = info.data.get("length")
        for section in sections:
            if section.number in numbers:
                raise ValueError(f"section {section.number} is listed twice")
            numbers.add(section.number)
            if section.start is None:
                continue
            if section.start <= last_start:
                raise ValueError(
                    f"section {section.number} starts at {section.start}, not after the section before it"
                    f" ({last_start}): list sections in order"
                )
            last_start = section.start
            if isinstance(length, Length) and section.start > length.amount:
                raise ValueError(f"section {section.number} starts at {section.start}, past the end ({length})")
        return sections

    @property
    def suits(self) -> tuple[Background, ...]:
        """Every background the resource suits: those it is written for, then the others."""
        return (*self.written_for, *self.backgrounds)

    @property
    def taught_concepts(self) -> tuple[str, ...]:
        """Every concept it teaches: its own list, then each section's, once each, in order."""
        found = dict.fromkeys(self.concepts)
        for section in self.sections:
            found.update(dict.fromkeys(section.concepts))
        return tuple(found)

    def section_at(self, position: int) -> Section | None:
        """The section a member at `position` (in the resource's unit) is in, where sections give starts.

        In a unit that counts parts done ("3 lectures"), the member is in the next part; in pages or hours,
        at the page itself.
        """
        place = position + 1 if self.length.unit.counts_parts else max(position, 1)
        found = None
        for section in self.sections:
            if section.start is None:
                continue
            if section.start > place:
                break
            found = section
        return found

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
