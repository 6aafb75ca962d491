"""Builders for test data: resources with sensible defaults, so a test states only what matters to it."""

from __future__ import annotations

from typing import Any

from bot.catalog import Catalog, Resource


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
