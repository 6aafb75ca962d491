"""The catalog's schema: what a resource is, as pydantic models.

The same models validate the curated YAML files, a moderator's import and a resource added from
Discord, so every way into the catalog obeys the same rules.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_TITLE = 200
MAX_TEXT = 1000
MAX_URL = 500

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
        return f"{self.amount} {self.unit.value}"


class Resource(_CatalogModel):
    """One learning resource of the catalog."""

    id: Slug
    title: Annotated[PlainText, Field(min_length=1, max_length=MAX_TITLE)]
    authors: Annotated[list[Annotated[PlainText, Field(min_length=1, max_length=120)]], Field(min_length=1)]
    kind: Kind
    url: WebUrl
    cost: Cost
    topics: Annotated[list[Topic], Field(min_length=1)]
    level: Level
    backgrounds: list[Background] = Field(default_factory=list)
    prerequisites: list[Slug] = Field(default_factory=list)
    length: Length
    year: int | None = Field(default=None, ge=1900, le=2100)
    summary: Annotated[PlainText, Field(min_length=1, max_length=MAX_TEXT)]
    why: Annotated[PlainText, Field(min_length=1, max_length=MAX_TEXT)]
    not_covered: list[Annotated[PlainText, Field(max_length=200)]] = Field(default_factory=list)

    @field_validator("topics", "backgrounds", "prerequisites", "authors")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        """A topic or author listed twice is a typo, not emphasis."""
        seen = []
        for value in values:
            if value in seen:
                raise ValueError(f"lists {value!s} twice")
            seen.append(value)
        return values

    @property
    def is_free(self) -> bool:
        """Whether a member can study it without paying."""
        return self.cost.is_free

    @property
    def byline(self) -> str:
        """'Title by A, B and C' as one line."""
        names = self.authors[0] if len(self.authors) == 1 else ", ".join(self.authors[:-1]) + " and " + self.authors[-1]
        return f"{self.title} by {names}"
