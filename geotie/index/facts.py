"""What the publishing commands (page, ties, activity, and the publishing formats of `timeline`)
ask of the store's index, in one place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .. import query
from ..answers import TimelineQuery
from ..model import Actor, Event, Source
from . import queries as iq
from .db import Index

if TYPE_CHECKING:
    from .ties import Ties


class Facts:
    """The answers geotie.index.queries gives, over one open index."""

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._lookups = iq.lookups(ix)

    @property
    def actors(self) -> Mapping[str, Actor]:
        return self._lookups.actors

    def source(self, source_id: str) -> Source | None:
        return self._lookups.sources.get(source_id)

    def tags(self) -> frozenset[str]:
        return iq.tags(self._ix)

    def resolve_actor(self, name: str) -> Actor:
        return iq.resolve_actor(self._ix, name)

    def resolve_actors(self, names: list[str]) -> list[Actor]:
        return query.resolve_actors(self._ix, names, iq.resolve_actor)

    def timeline(self, q: TimelineQuery) -> list[Event]:
        return iq.timeline(self._ix, q)

    def iter_timeline(self, q: TimelineQuery) -> Iterator[Event]:
        return iq.iter_timeline(self._ix, q)

    def ties(self, root: str, depth: int, detail: bool = True) -> Ties:
        """geotie.ties.ties walked in SQL (index.ties.Ties): read a tie at a time."""
        from .ties import Ties

        return Ties(self._ix, root, depth, detail)

    def actor_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Actor id -> name for these ids (checked)."""
        return iq.actor_labels(self._ix, ids)
