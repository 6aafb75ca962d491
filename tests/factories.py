"""Test data: the resource ids tests name, and builders of resources with sensible defaults.

The ids stand both in the shipped catalog (data/, which the sandbox serves) and in the store tests' small
catalog (`tests.store.conftest.curated_catalog`), except where said.
"""

from __future__ import annotations

from typing import Any

from bot.catalog import Catalog, Resource

LADR = "linear-algebra-done-right"  # pages (390 in data/)
ESSENCE = "essence-of-linear-algebra"  # videos
DEEP = "deep-learning-book"  # the store tests' only: builds on LADR
POST = "gradient-descent-post"  # the store tests' only: an article, in percent


def make_resource(resource_id: str, **fields: Any) -> Resource:
    """A valid resource; any field can be overridden."""
    data: dict[str, Any] = {
        "id": resource_id,
        "title": resource_id.replace("-", " ").title(),
        "authors": ["A. Author"],
        "kind": "book",
        "url": f"https://example.org/{resource_id}",
        "cost": "paid",
        "topics": ["linear-algebra"],
        "level": "intermediate",
        "length": {"amount": 300, "unit": "pages"},
        "summary": "A summary.",
        "why": "A reason.",
    }
    data.update(fields)
    return Resource.model_validate(data)


def make_catalog(*resources: Resource) -> Catalog:
    """A catalog of these resources, in this order."""
    return Catalog(resources)
