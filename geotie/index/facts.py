"""What the publishing commands (page, ties, activity, and the publishing formats of `timeline`)
ask of the store's index, in one place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .. import query
from ..answers import RowEvent, TimelineQuery
from ..model import Actor, Event, Source
from . import queries as iq
from .db import Index


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

    def actor_rows(self, actor_id: str) -> Iterator[RowEvent]:
        """The events listing the actor, as their stored rows tell them (what geotie.ties walks over)."""
        return iq.actor_rows(self._ix, actor_id)
