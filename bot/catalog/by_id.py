"""Items in a stable order, each looked up by its unique id: what a catalog and the concept vocabulary share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar, Generic, Protocol, TypeVar


class HasId(Protocol):
    """Anything with an id (a resource, a concept)."""

    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=HasId)


class ById(Generic[ItemT]):
    """An ordered, read-only collection looked up by id: `get`, `[id]`, `in`, iteration, `len`, `ids`."""

    __slots__ = ("_by_id",)
    ITEM: ClassVar[str] = "item"  # what an item is called, in the error for a duplicate id

    def __init__(self, items: Iterable[ItemT] = ()) -> None:
        by_id: dict[str, ItemT] = {}
        for item in items:
            if item.id in by_id:
                raise ValueError(f"duplicate {self.ITEM} id {item.id!r}")
            by_id[item.id] = item
        self._by_id = by_id

    def get(self, item_id: str) -> ItemT | None:
        """The item with this id, or None."""
        return self._by_id.get(item_id)

    def __getitem__(self, item_id: str) -> ItemT:
        return self._by_id[item_id]

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def __iter__(self) -> Iterator[ItemT]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> list[str]:
        """Every id, in the order the items were given."""
        return list(self._by_id)
