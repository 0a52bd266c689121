"""Pure queries over a loaded Store: name resolution, timeline, profile, search, lookups."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from .dates import overlaps, sort_key
from .errors import Ambiguous, NotFound
from .fields import actor_fields, event_fields, source_fields
from .model import Actor, Citation, DateSpan, Event, Role, Source, Store
from .text import fold, fold_with_map, suggest


def _names(actor: Actor) -> list[str]:
    return [actor.id, *actor.names]


def resolve_actor(store: Store, name: str) -> Actor:
    """An actor by id, name, alias or demonym, case- and accent-insensitively.

    An exact (folded) match wins; then actors one of whose names contains every word typed
    (`mustafayev`, `erdogan`); then actors whose name words start with the words typed
    (`pak`). Raises NotFound with a suggestion, or Ambiguous with the candidates.
    """
    key = fold(name)
    if not key:
        raise NotFound(f"'{name}' is not a name; give an actor id, name or alias")
    exact = [store.actors[i] for i in store.names.get(key, ())]
    if len(exact) == 1:
        return exact[0]
    words = key.split()

    def fits(actor: Actor, whole: bool) -> bool:
        for n in _names(actor):
            tokens = fold(n).split()
            if all(w in tokens if whole else any(tok.startswith(w) for tok in tokens) for w in words):
                return True
        return False

    partial = exact or [a for a in store.actors.values() if fits(a, whole=True)]
    partial = partial or [a for a in store.actors.values() if fits(a, whole=False)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        partial.sort(key=lambda a: a.id)
        listing = "; ".join(f"{a.id} ({a.name}, {a.kind})" for a in partial)
        raise Ambiguous(
            f"'{name}' fits {len(partial)} actors: {listing}; give one of these ids", [a.id for a in partial]
        )
    near = suggest(name, [n for a in store.actors.values() for n in _names(a)])
    hint = f"did you mean '{near[0]}'?" if near else "run 'geotie actors' to list them"
    raise NotFound(f"unknown actor '{name}'; {hint}")


class TimelineQuery(NamedTuple):
    actors: tuple[str, ...] = ()  # resolved actor ids
    union: bool = False  # --any: events involving any of the actors rather than all
    since: DateSpan | None = None
    until: DateSpan | None = None
    tags: tuple[str, ...] = ()  # an event matches if it has any of these tags
    statuses: tuple[str, ...] = ()
    reverse: bool = False
    limit: int | None = None


def positions(store: Store, actor_ids: tuple[str, ...], union: bool = False) -> list[int]:
    """Positions (timeline order) of events involving all (or, with `union`, any) of the actors."""
    lists = [store.actor_events.get(a, ()) for a in actor_ids]
    if union:
        return sorted(set().union(*lists))
    lists.sort(key=len)
    found = set(lists[0])
    for other in lists[1:]:
        found.intersection_update(other)
    return sorted(found)


def take(store: Store, where: list[int]) -> list[Event]:
    """The events at these positions (in one read, when the store is lazy)."""
    events = store.events
    return events.take(where) if hasattr(events, "take") else [events[i] for i in where]


def timeline(store: Store, q: TimelineQuery) -> list[Event]:
    """Events matching `q`, oldest first (newest first with `reverse`), at most `limit`."""
    return list(iter_timeline(store, q))


def iter_timeline(store: Store, q: TimelineQuery) -> Iterator[Event]:
    """`timeline`, one event at a time: a reader that stops early (`| head`) costs little, as
    a lazy store decodes its events a batch at a time."""
    if q.reverse:
        found = list(_matching(store, q))
        found.reverse()
        yield from found[: q.limit]
    else:
        yield from islice(_matching(store, q), q.limit)


def _matching(store: Store, q: TimelineQuery) -> Iterator[Event]:
    tags = set(q.tags)
    candidates = take(store, positions(store, q.actors, q.union)) if q.actors else iter(store.events)
    for event in candidates:
        if tags and not tags & set(event.tags):
            continue
        if q.statuses and event.status not in q.statuses:
            continue
        if not overlaps(event.date, q.since, q.until):
            continue
        yield event


class Profile(NamedTuple):
    actor: Actor
    roles: tuple[Role, ...]  # in time order
    holders: tuple[tuple[Actor, Role], ...]  # people/organizations with a role of this actor
    events: tuple[Event, ...]
    together: tuple[tuple[Actor, int], ...]  # actors met most often in the same events


def first_date(role: Role) -> DateSpan | None:
    """The role's earliest known date (start, an attested date, or end), if any."""
    return min(role.dates, key=sort_key, default=None)


def _role_order(role: Role) -> tuple:
    """Roles by their earliest known date (start, an attested date, or end); undated last."""
    dates = role.dates
    return (0, *min(sort_key(d) for d in dates)) if dates else (1,)


def profile(store: Store, actor: Actor, top: int = 5) -> Profile:
    events = tuple(take(store, list(store.actor_events.get(actor.id, ()))))
    counts = Counter(other for e in events for other in e.actors if other != actor.id)
    together = tuple((store.actors[i], n) for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    roles = tuple(sorted(actor.roles, key=_role_order))
    holders = tuple(
        sorted(
            ((other, role) for other in store.actors.values() for role in other.roles if role.of == actor.id),
            key=lambda pair: (_role_order(pair[1]), pair[0].name),
        )
    )
    return Profile(actor, roles, holders, events, together)


def get_event(store: Store, event_id: str) -> Event:
    event = store.event_index.get(event_id)
    if event is None:
        near = suggest(event_id, list(store.event_index))
        hint = f"did you mean '{near[0]}'?" if near else "run 'geotie timeline' to list event ids"
        raise NotFound(f"unknown event '{event_id}'; {hint}")
    return event


def get_source(store: Store, source_id: str) -> Source:
    source = store.sources.get(source_id)
    if source is None:
        near = suggest(source_id, list(store.sources))
        hint = f"did you mean '{near[0]}'?" if near else "run 'geotie sources' to list them"
        raise NotFound(f"unknown source '{source_id}'; {hint}")
    return source


class CitingFact(NamedTuple):
    """One fact citing a source: an event, or an actor's role."""

    kind: str  # "event" | "role"
    id: str  # event id or actor id
    date: DateSpan | None
    title: str
    citation: Citation


def citing(store: Store, source_id: str) -> list[CitingFact]:
    out = [
        CitingFact("event", e.id, e.date, e.title, c)
        for e in store.events
        for c in e.citations
        if c.source == source_id
    ]
    for actor in sorted(store.actors.values(), key=lambda a: a.id):
        for role in actor.roles:
            for c in role.citations:
                if c.source == source_id:
                    of = f" ({store.actors[role.of].name})" if role.of in store.actors else ""
                    out.append(CitingFact("role", actor.id, first_date(role), f"{actor.name}: {role.title}{of}", c))
    return out


def actors(store: Store, kind: str | None = None) -> list[Actor]:
    """Actors by kind, then name (folded)."""
    return _actor_order(a for a in store.actors.values() if kind is None or a.kind == kind)


def _actor_order(items) -> list[Actor]:
    return sorted(items, key=lambda a: (a.kind, fold(a.name)))


def event_counts(store: Store) -> dict[str, int]:
    return {a: len(p) for a, p in store.actor_events.items()}


def citation_counts(store: Store) -> Counter:
    counts = Counter(c.source for e in store.events for c in e.citations)
    counts.update(c.source for a in store.actors.values() for r in a.roles for c in r.citations)
    return counts


def sources(store: Store) -> list[Source]:
    """Sources by publication date (undated last), then id."""
    return _source_order(store.sources.values())


def _source_order(items) -> list[Source]:
    return sorted(items, key=lambda s: (s.published is None, sort_key(s.published) if s.published else (), s.id))


class Hit(NamedTuple):
    kind: str  # "event" | "actor" | "source"
    id: str
    field: str  # where it matched: title, summary, quote, name, alias, ...
    text: str  # the whole field
    start: int  # match span in `text`
    end: int


def needle_pattern(needle: str) -> re.Pattern:
    """The folded `needle` as a pattern over lower-case ASCII text: its words with any run of
    other characters between them (as folding makes of them)."""
    return re.compile("[^0-9a-z]+".join(re.escape(word) for word in needle.split(" ")))


def _find(needle: str, text: str, pattern: re.Pattern | None = None) -> tuple[int, int] | None:
    """Where the folded `needle` is in `text`, as a span of `text`; None if it is not.
    `pattern` (needle_pattern) finds it in ASCII text without folding it."""
    if pattern is not None and text.isascii():
        m = pattern.search(text.lower())
        return m.span() if m else None
    if needle not in fold(text):  # cheap test first: most fields do not match
        return None
    folded, where = fold_with_map(text)
    i = folded.find(needle)
    if i < 0:
        return None
    j = i + len(needle) - 1
    return where[i], where[j] + 1


def search(store: Store, query: str) -> list[Hit]:
    """Every field containing `query` (folded: case, accents and punctuation ignored),
    events in timeline order, then actors, then sources; one hit per field."""
    needle = fold(query)
    if not needle:
        return []
    hits: list[Hit] = []
    pattern = needle_pattern(needle)

    def scan(kind: str, ident: str, fields: list[tuple[str, str]]) -> None:
        for name, text in fields:
            span = _find(needle, text, pattern) if text else None
            if span:
                hits.append(Hit(kind, ident, name, text, *span))

    pre = store.search_text  # a prefilter, when the loader has one: folded text per entry
    if pre is not None:
        events = take(store, [i for i, text in enumerate(pre["events"]) if needle in text])
        some_actors = [store.actors[i] for i, text in pre["actors"].items() if needle in text]
        some_sources = [store.sources[i] for i, text in pre["sources"].items() if needle in text]
    else:
        events, some_actors, some_sources = store.events, store.actors.values(), store.sources.values()
    for e in events:
        scan("event", e.id, event_fields(e))
    for a in _actor_order(some_actors):
        scan("actor", a.id, actor_fields(a))
    for s in _source_order(some_sources):
        scan("source", s.id, source_fields(s))
    return hits
