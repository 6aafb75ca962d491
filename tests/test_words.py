"""Plurals read as a person writes them: the one helper every count in the bot goes through."""

import pytest

from bot.catalog.vocabulary import Kind, LengthUnit
from bot.words import counted, plural_of


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("book", "books"),
        ("video series", "video series"),
        ("lecture series", "lecture series"),
        ("entry", "entries"),
        ("day", "days"),
        ("match", "matches"),
        ("percent", "percent"),
        ("problem", "problems"),
    ],
)
def test_plural_words(noun: str, expected: str) -> None:
    assert plural_of(noun) == expected


def test_every_kind_and_unit_has_a_plural_a_person_would_write() -> None:
    plurals = {kind: plural_of(kind.label) for kind in Kind}
    assert plurals[Kind.VIDEO_SERIES] == "video series" and plurals[Kind.BOOK] == "books"
    assert all(plural_of(unit.singular) == unit.value for unit in LengthUnit)


def test_counts_take_the_noun_in_the_number_they_need() -> None:
    assert counted(1, "problem") == "1 problem"
    assert counted(2, "video series") == "2 video series"
    assert counted(1_460, "character") == "1,460 characters"
    assert counted(2, "child", "kids") == "2 kids"
