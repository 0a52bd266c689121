"""What the publishing commands ask of the loaded facts, in one place: the page, ties,
activity and the publishing formats of `timeline` and `sources` go through `Facts`, so that
how the store is read (the Store in memory, or an index) changes only here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .. import query
from ..model import Actor, Event, Source, Store


class Facts:
    """The answers of geotie.query over a loaded Store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def actors(self) -> Mapping[str, Actor]:
        return self._store.actors

    def source(self, source_id: str) -> Source | None:
        return self._store.sources.get(source_id)

    def sources(self) -> list[Source]:
        return query.sources(self._store)

    def tags(self) -> frozenset[str]:
        return self._store.tags

    def resolve_actor(self, name: str) -> Actor:
        return query.resolve_actor(self._store, name)

    def resolve_actors(self, names: list[str]) -> list[Actor]:
        return query.resolve_actors(self._store, names)

    def timeline(self, q: query.TimelineQuery) -> list[Event]:
        return query.timeline(self._store, q)

    def iter_timeline(self, q: query.TimelineQuery) -> Iterator[Event]:
        return query.iter_timeline(self._store, q)

    def actor_events(self, actor_id: str) -> list[Event]:
        return query.timeline(self._store, query.TimelineQuery(actors=(actor_id,)))
