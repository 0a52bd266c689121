"""Containers whose contents are made on first use: a store read from the cache decodes
only what a command looks at."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence


class LazyMapping(Mapping):
    """A mapping built by `make()` the first time it is looked at."""

    def __init__(self, make: Callable[[], dict]) -> None:
        self._make = make
        self._data: dict | None = None

    def _get(self) -> dict:
        if self._data is None:
            self._data = self._make()
        return self._data

    def __getitem__(self, key):
        return self._get()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._get()

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __eq__(self, other: object) -> bool:
        return self._get() == other

    __hash__ = None  # type: ignore[assignment]


class LazySequence(Sequence):
    """A list made by `make()` when first looked at."""

    def __init__(self, make: Callable[[], list]) -> None:
        self._make = make
        self._items: list | None = None

    def _get(self) -> list:
        if self._items is None:
            self._items = self._make()
        return self._items

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, i):  # type: ignore[override]
        return self._get()[i]

    def __iter__(self) -> Iterator:
        return iter(self._get())
