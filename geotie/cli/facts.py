"""What the publishing commands ask of the loaded facts, in one place: the page, ties,
activity and the publishing formats of `timeline` and `sources` go through `facts_for(load(ctx))`,
so that how the store is read changes only here.

`load` gives the store's SQLite index (geotie.index): `IndexFacts` asks geotie.index.queries.
`Facts` gives the same answers from a Store in memory (geotie.query), for callers that hold one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

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
        return self.timeline(query.TimelineQuery(actors=(actor_id,)))


class IndexFacts(Facts):
    """The same answers from the store's index (geotie.index.queries)."""

    def __init__(self, ix: Any) -> None:
        from ..index import queries as iq

        self._ix, self._iq = ix, iq
        self._lookups = iq.lookups(ix)

    @property
    def actors(self) -> Mapping[str, Actor]:
        return self._lookups.actors

    def source(self, source_id: str) -> Source | None:
        return self._lookups.sources.get(source_id)

    def sources(self) -> list[Source]:
        return self._iq.sources(self._ix)

    def tags(self) -> frozenset[str]:
        return self._iq.tags(self._ix)

    def resolve_actor(self, name: str) -> Actor:
        return self._iq.resolve_actor(self._ix, name)

    def resolve_actors(self, names: list[str]) -> list[Actor]:
        return query.resolve_actors(self._ix, names, self._iq.resolve_actor)  # type: ignore[call-arg]

    def timeline(self, q: query.TimelineQuery) -> list[Event]:
        return self._iq.timeline(self._ix, q)

    def iter_timeline(self, q: query.TimelineQuery) -> Iterator[Event]:
        return self._iq.iter_timeline(self._ix, q)


def facts_for(loaded: Any) -> Facts:
    """Facts over what `load` gave: a Store, or the store's index."""
    return Facts(loaded) if isinstance(loaded, Store) else IndexFacts(loaded)
