"""The schema's models share their set of given fields, and that never leaks a change from one to another."""

from __future__ import annotations

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
