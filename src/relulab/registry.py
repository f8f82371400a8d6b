"""A tiny name -> object registry with helpful errors.

Activations, data sets, losses, optimizers and initialisers all live in one of these, so that the
CLI choices, the web page's drop-downs and the common tests are generated from one place.

>>> r = Registry[int]("number")
>>> _ = r.register("one", 1)
>>> r.get("one")
1
>>> r.get("two")
Traceback (most recent call last):
...
ValueError: unknown number 'two'; choose one of ['one']
>>> r.unregister("one"), r.names()
(1, [])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered mapping of names to objects of one kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self.version = 0  # counts changes, so that tables derived from the entries can be cached

    def register(self, name: str, item: T) -> T:
        """Add ``item`` under ``name`` and return it; a second entry with the same name is an error."""
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._items[name] = item
        self.version += 1
        return item

    def alias(self, name: str, target: str) -> None:
        """Make ``name`` another name for the entry ``target`` (e.g. the playground's ``linear``)."""
        self.register(name, self.get(target))

    def unregister(self, name: str) -> T:
        """Remove the entry ``name`` (aliases of it stay until removed too) and return it."""
        item = self.get(name)
        del self._items[name]
        self.version += 1
        return item

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except (KeyError, TypeError):
            raise ValueError(f"unknown {self.kind} {name!r}; choose one of {self.names()}") from None

    def check(self, name: str) -> str:
        """Return ``name`` if registered, else raise the same error as :meth:`get`."""
        self.get(name)
        return name

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
