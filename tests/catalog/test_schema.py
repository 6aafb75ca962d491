"""The schema's models share their set of given fields (that never leaks a change from one to another), and a
resource's sections are held packed yet read, dump and compare as the sections given."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from pydantic import ValidationError

from bot.catalog.schema import Section
from tests.factories import make_resource


def test_models_given_the_same_fields_share_one_set_and_a_copy_with_changes_gets_its_own() -> None:
    first, second = make_resource("first-one"), make_resource("second-one")
    assert first.model_fields_set is second.model_fields_set  # the memory saving at 10,000 resources

    changed = first.model_copy(update={"year": 2020})

    assert "year" in changed.model_fields_set
    assert "year" not in first.model_fields_set and "year" not in second.model_fields_set
    assert changed.model_dump(exclude_unset=True)["year"] == 2020
    assert "year" not in second.model_dump(exclude_unset=True)


def test_a_section_is_slotted_and_frozen_so_eighty_thousand_stay_small() -> None:
    section = Section(number="7", title="Singular values", start=150, concepts=["svd"])
    assert not hasattr(section, "__dict__")  # 72 bytes a section, where a model's __dict__ alone took ~200
    with pytest.raises((AttributeError, TypeError, ValidationError)):
        section.title = "Other"  # type: ignore[misc]
    assert section == Section(number="7", title="Singular values", start=150, concepts=["svd"])


SECTIONS = [
    {"number": "1", "title": "Vectors", "start": 1, "concepts": ["vectors"]},
    {"number": "2", "title": "Exercises", "kind": "appendix"},
    {"number": "3.1", "title": "Singular values", "start": 150, "concepts": ["svd", "eigenvalues"]},
]


def test_sections_read_back_as_given_though_held_packed() -> None:
    resource = make_resource("packed", sections=SECTIONS)
    given = tuple(Section(**s) for s in SECTIONS)  # type: ignore[arg-type]

    sections = resource.sections
    assert len(sections) == 3 and tuple(sections) == given and sections == given and given == sections
    assert sections[0] == given[0] and sections[-1] == given[2] and sections[1:] == given[1:]
    assert sections[1].kind is not None and sections[1].start is None and sections[1].concepts == ()
    assert sections.titles == ["Vectors", "Exercises", "Singular values"]
    assert sections.numbers == ["1", "2", "3.1"] and sections.starts == [1, None, 150]
    assert sections.concepts_at(2) == ("svd", "eigenvalues")
    assert sections.concepts == ("vectors", "svd", "eigenvalues")
    assert make_resource("packed", sections=SECTIONS, concepts=["svd", "limits"]).taught_concepts == (
        "svd", "limits", "vectors", "eigenvalues"
    )  # fmt: skip
    assert sections.teaching("svd") == [given[2]] and sections.teaching("limits") == []
    twice = [*SECTIONS, {"number": "4", "title": "SVD again", "concepts": ["eigenvalues", "svd"]}]
    again = make_resource("twice", sections=twice).sections
    assert again.teaching("svd") == [again[2], again[3]] and again.teaching("vectors") == [again[0]]
    with pytest.raises(IndexError):
        sections[3]
    assert make_resource("bare").sections == () and not make_resource("bare").sections


def test_packed_sections_dump_validate_and_compare_as_the_tuple_they_were() -> None:
    resource = make_resource("packed", sections=SECTIONS)

    dumped = resource.model_dump(mode="json")["sections"]
    assert [s["title"] for s in dumped] == ["Vectors", "Exercises", "Singular values"]
    assert dumped[2] == {"number": "3.1", "title": "Singular values", "start": 150, "kind": None,
                         "concepts": ["svd", "eigenvalues"]}  # fmt: skip
    again = type(resource).model_validate_json(resource.model_dump_json())
    assert again == resource and hash(again) == hash(resource)
    assert make_resource("packed", sections=list(resource.sections)) == resource  # as a form hands them back
    assert make_resource("packed", sections=SECTIONS[:2]) != resource


def test_more_than_three_hundred_sections_are_refused() -> None:
    with pytest.raises(ValidationError, match="at most 300"):
        make_resource("long", sections=[{"number": str(n), "title": f"Part {n}"} for n in range(1, 302)])


def test_a_resource_s_packed_sections_take_less_than_half_the_room_of_section_objects() -> None:
    many = [{"number": str(n), "title": f"Chapter title number {n}", "start": n * 10, "concepts": ["svd"]}
            for n in range(1, 9)]  # fmt: skip
    resource = make_resource("room", sections=many)

    def room(*objects: object) -> int:
        seen: set[int] = set()
        total, stack = 0, list(objects)
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            total += sys.getsizeof(item)
            if isinstance(item, tuple | list):
                stack.extend(item)
            elif isinstance(item, Section):
                stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
            elif hasattr(type(item), "__slots__"):
                stack.extend(getattr(item, name) for name in type(item).__slots__ if hasattr(item, name))
        return total

    as_objects = tuple(Section(**s) for s in many)  # type: ignore[arg-type]
    assert room(resource.sections) * 2 < room(as_objects)
