"""Embeds read well and stay within limits, even for the longest resource the schema allows."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.catalog.vocabulary import LengthUnit
from bot.reading import ReadingStatus
from bot.recommend import Pick
from bot.store.models import ShelfEntry
from bot.ui import embeds, limits
from tests.factories import make_resource

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def entry(resource_id: str, status: ReadingStatus, position: int | None = None, note: str | None = None) -> ShelfEntry:
    """A shelf entry of a 200-page resource."""
    return ShelfEntry(1, resource_id, status, position, LengthUnit.PAGES, 200, NOW, None, 1, note, NOW)


def test_progress_bar_shows_the_fraction() -> None:
    assert embeds.progress_bar(0.4) == "▰▰▰▰▱▱▱▱▱▱ 40%"
    assert embeds.progress_bar(1.7) == "▰▰▰▰▰▰▰▰▰▰ 100%"
    assert embeds.progress_bar(-1) == "▱▱▱▱▱▱▱▱▱▱ 0%"


def test_a_pick_shows_its_reasons_and_link() -> None:
    resource = make_resource("la-done-right", title="Linear Algebra Done Right")
    embed = embeds.picks_embed([Pick(resource, 5.0, ("covers linear algebra", "free"))], title="Picks", total=4)
    field = embed.fields[0]
    assert field.name == "1. Linear Algebra Done Right"
    assert "covers linear algebra · free" in field.value and resource.url in field.value
    assert embed.footer.text == "1 of 4"


def test_a_resource_shows_who_it_is_written_for_among_those_it_suits() -> None:
    resource = make_resource("danka", written_for=["software-engineer"], backgrounds=["data-scientist"])
    suits = next(field.value for field in embeds.resource_embed(resource).fields if field.name == "Suits")
    assert suits == "software engineer, data scientist"


def test_the_longest_resource_fits() -> None:
    long = "word " * 200
    resource = make_resource(
        "x" * 80, title="T" * 200, authors=[f"Author {i} " + "a" * 100 for i in range(20)], summary=long, why=long,
        not_covered=["n" * 200] * 30,
    )  # fmt: skip
    embed = embeds.resource_embed(resource, entry=entry("x" * 80, ReadingStatus.READING, 50))
    assert len(embed) <= limits.EMBED_TOTAL
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)


def test_someone_elses_shelf_never_shows_their_notes() -> None:
    entries = [entry("a", ReadingStatus.READING, 20, note="my secret thoughts")]
    mine = embeds.shelf_embed("Your shelf", entries, {"a": "Book A"}, show_notes=True)
    theirs = embeds.shelf_embed("alice's shelf", entries, {"a": "Book A"}, show_notes=False)
    assert "my secret thoughts" in mine.fields[0].value
    assert "my secret thoughts" not in str(theirs.to_dict())
    assert "10%" in theirs.fields[0].value


def test_reasons_for_someone_else_read_in_the_third_person() -> None:
    pick = Pick(make_resource("ab"), 1.0, ("continue: you are reading it", "free"), continuing=True)
    assert embeds.for_someone_else(pick).reasons == ("continue: they are reading it", "free")
