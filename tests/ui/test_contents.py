"""What is inside a resource, rendered: sections within Discord's limits, where a position falls, path pages."""

from __future__ import annotations

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Topic
from bot.paths import Member, concept_path, topic_path
from bot.reading import ReadingStatus
from bot.ui import contents, limits, path_card
from bot.ui.embeds import resource_embed
from tests.factories import make_resource

CONCEPTS = ConceptGraph(
    [
        Concept(id="vectors", name="vectors", topic="linear-algebra"),
        Concept(id="svd", name="singular value decomposition", topic="linear-algebra", prerequisites=["vectors"]),
    ]
)

BOOK = make_resource(
    "a-book",
    sections=[
        {"number": "1", "title": "Vectors *and* _more_", "start": 10, "concepts": ["vectors"]},
        {"number": "2", "title": "Middle", "start": 100},
        {"number": "3", "title": "The SVD", "start": 200, "concepts": ["svd"]},
    ],
)


def test_a_position_falls_in_a_section_and_the_next_one_is_named() -> None:
    assert contents.whereabouts(BOOK, 5) == "before chapter 1 · Vectors \\*and\\* \\_more\\_"
    assert contents.whereabouts(BOOK, 150) == "in chapter 2 · Middle; next: chapter 3 · The SVD (p. 200)"
    assert contents.whereabouts(BOOK, 250) == "in chapter 3 · The SVD, the last part"
    assert contents.whereabouts(BOOK, None) is None
    assert contents.whereabouts(make_resource("no-starts", sections=[{"number": "1", "title": "A"}]), 5) is None


def test_the_sections_are_listed_with_their_concepts_escaped_as_typed() -> None:
    lines = contents.section_lines(BOOK, CONCEPTS)
    assert lines == [
        "**1** Vectors \\*and\\* \\_more\\_ (p. 10) — vectors",
        "**2** Middle (p. 100)",
        "**3** The SVD (p. 200) — singular value decomposition",
    ]


def test_three_hundred_sections_fit_in_two_fields_that_say_how_many_more() -> None:
    sections = [{"number": str(n), "title": f"A fairly long section title number {n}"} for n in range(1, 301)]
    resource = make_resource("huge", sections=sections)
    fields = contents.contents_fields(resource, CONCEPTS)
    assert [name for name, _ in fields] == ["Contents", "Contents (more)"]
    assert all(len(value) <= limits.EMBED_FIELD_VALUE for _, value in fields)
    shown = sum(len(value.splitlines()) for _, value in fields) - 1
    assert fields[-1][1].endswith(f"…and {300 - shown} more")
    embed = resource_embed(resource, concepts=CONCEPTS)
    assert len(embed) <= limits.EMBED_TOTAL and len(embed.fields) <= limits.EMBED_FIELDS


def test_many_concepts_end_with_how_many_more() -> None:
    graph = ConceptGraph([Concept(id=f"c{n}", name=f"concept number {n}", topic="calculus") for n in range(200)])
    resource = make_resource("wide", concepts=[f"c{n}" for n in range(200)])
    text = contents.concepts_text(resource, graph)
    assert len(text) <= limits.EMBED_FIELD_VALUE and text.endswith(" more")
    assert text.startswith("concept number 0, concept number 1")


def test_every_mark_on_a_path_page_is_in_its_legend_and_pages_fit() -> None:
    long_url = "https://example.org/" + "x" * 470
    catalog = Catalog(
        [
            make_resource("reading", url=long_url, title="T" * 200, concepts=["vectors"]),
            make_resource("wanted", concepts=["svd"]),
        ],
        CONCEPTS,
    )
    member = Member({"reading": ReadingStatus.READING, "wanted": ReadingStatus.WANT_TO_READ}, {})
    seen: set[str] = set()
    for path in (concept_path(catalog, "svd", member), topic_path(catalog, Topic.LINEAR_ALGEBRA, member)):
        for number in range(len(path_card.pages(path, member))):
            embed = path_card.path_embed(path, member, number)
            used = {mark for mark in path_card.LEGEND if mark in (embed.description or "")}
            seen |= used
            assert used and all(f"{mark} {path_card.LEGEND[mark]}" in (embed.footer.text or "") for mark in used)
            assert len(embed) <= limits.EMBED_TOTAL and len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert seen == {path_card.READING, path_card.WANT, path_card.GROUNDWORK}
