"""Pure queries over a loaded Store: name resolution, timeline, profile, search, lookups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING

from .answers import (
    CitingFact,
    Hit,
    Profile,
    TimelineQuery,
    actor_as_of,
    actor_order,
    corroboration,
    event_as_of,
    find,
    first_date,
    known_sources,
    needle_pattern,
    role_order,
    source_order,
)
from .dates import overlaps
from .errors import Ambiguous, NotFound
from .fields import actor_fields, event_fields, source_fields
from .model import Actor, Event, Source, Store
from .text import did_you_mean, fold, suggest, suggest_ids

if TYPE_CHECKING:
    from .plans import Plan  # imported by `plans` only


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


def resolve_actors(store, names: list[str], resolve: Callable | None = None) -> list[Actor]:
    """Each name resolved (`resolve(store, name)`, default `resolve_actor`; also given an
    index and geotie.index.queries.resolve_actor), in order; an actor named twice counts once."""
    resolve = resolve or resolve_actor
    found: dict[str, Actor] = {}
    for name in names:
        actor = resolve(store, name)
        found.setdefault(actor.id, actor)
    return list(found.values())


MAX_GROUPED_WORDS = 12


def word_groups(store, words: list[str], resolve: Callable | None = None) -> list[tuple[str, Actor]] | None:
    """The words of a name typed unquoted (`Vugar Mustafayev`, read by the shell as two
    arguments), put back together: the split of `words` into runs of consecutive words that
    each name exactly one actor, in as few runs as can be, each with its actor. None when
    there is no such split or it is the words one by one. `resolve` as in resolve_actors."""
    resolve = resolve or resolve_actor
    if not 1 < len(words) <= MAX_GROUPED_WORDS:
        return None
    resolved: dict[tuple[int, int], Actor | None] = {}

    def actor(i: int, j: int) -> Actor | None:
        if (i, j) not in resolved:
            try:
                resolved[i, j] = resolve(store, " ".join(words[i:j]))
            except (NotFound, Ambiguous):
                resolved[i, j] = None
        return resolved[i, j]

    # best[j]: the fewest runs covering words[:j], and where the last run starts
    best: list[tuple[int, int] | None] = [(0, 0)] + [None] * len(words)
    for j in range(1, len(words) + 1):
        for i in range(j):  # longest last run first: ties keep the longer run
            before = best[i]
            if before is not None and actor(i, j) is not None and (best[j] is None or before[0] + 1 < best[j][0]):
                best[j] = (before[0] + 1, i)
    if best[-1] is None or best[-1][0] == len(words):
        return None
    groups: list[tuple[str, Actor]] = []
    j = len(words)
    while j:
        i = best[j][1]
        groups.append((" ".join(words[i:j]), resolved[i, j]))
        j = i
    return groups[::-1]


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


def timeline(store: Store, q: TimelineQuery) -> list[Event]:
    """Events matching `q`, oldest first (newest first with `reverse`), at most `limit`."""
    return list(iter_timeline(store, q))


def iter_timeline(store: Store, q: TimelineQuery) -> Iterator[Event]:
    """`timeline`, one event at a time."""
    if q.reverse:
        found = list(_matching(store, q))
        found.reverse()
        yield from found[: q.limit]
    else:
        yield from islice(_matching(store, q), q.limit)


def _matching(store: Store, q: TimelineQuery) -> Iterator[Event]:
    tags = set(q.tags)
    publishers = {s.id: s.publisher for s in store.sources.values()} if q.min_sources > 1 else None
    known = known_sources(store.sources.values(), q.as_of) if q.as_of is not None else None
    candidates = [store.events[i] for i in positions(store, q.actors, q.union)] if q.actors else iter(store.events)
    for event in candidates:
        if tags and not tags & set(event.tags):
            continue
        if q.statuses and event.status not in q.statuses:
            continue
        if q.types and event.type not in q.types:
            continue
        if not overlaps(event.date, q.since, q.until):
            continue
        if known is not None:
            event = event_as_of(event, known)
            if event is None:
                continue
        if publishers is not None and corroboration(event, publishers) < q.min_sources:
            continue
        yield event


def profile(store: Store, actor: Actor, top: int = 5, known: frozenset[str] | None = None) -> Profile:
    """`known`: only what these sources report (--as-of: answers.known_sources)."""
    events = tuple(store.events[i] for i in store.actor_events.get(actor.id, ()))
    if known is not None:
        actor = actor_as_of(actor, known)
        events = tuple(e for e in (event_as_of(e, known) for e in events) if e is not None)
    counts = Counter(other for e in events for other in e.actors if other != actor.id)
    together = tuple((store.actors[i], n) for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    roles = tuple(sorted(actor.roles, key=role_order))
    holders = tuple(
        sorted(
            (
                (other, role)
                for other in (
                    store.actors.values() if known is None else (actor_as_of(a, known) for a in store.actors.values())
                )
                for role in other.roles
                if role.of == actor.id
            ),
            key=lambda pair: (role_order(pair[1]), pair[0].name),
        )
    )
    return Profile(actor, roles, holders, events, together)


def get_event(store: Store, event_id: str) -> Event:
    event = store.event_index.get(event_id)
    if event is None:
        hint = did_you_mean(*suggest_ids(event_id, store.event_index)) or "run 'geotie timeline' to list event ids"
        raise NotFound(f"unknown event '{event_id}'; {hint}")
    return event


def get_source(store: Store, source_id: str) -> Source:
    source = store.sources.get(source_id)
    if source is None:
        hint = did_you_mean(*suggest_ids(source_id, store.sources)) or "run 'geotie sources' to list them"
        raise NotFound(f"unknown source '{source_id}'; {hint}")
    return source


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
    return actor_order(a for a in store.actors.values() if kind is None or a.kind == kind)


def event_counts(store: Store, as_of=None) -> dict[str, int]:
    """How many events list each actor (once per listing); with `as_of` (a date), only the
    events a source surely published by then cites."""
    if as_of is None:
        return {a: len(p) for a, p in store.actor_events.items()}
    known = known_sources(store.sources.values(), as_of)
    return dict(Counter(a for e in store.events if event_as_of(e, known) is not None for a in e.actors))


def citation_counts(store: Store) -> Counter:
    counts = Counter(c.source for e in store.events for c in e.citations)
    counts.update(c.source for a in store.actors.values() for r in a.roles for c in r.citations)
    return counts


def sources(store: Store) -> list[Source]:
    """Sources by publication date (undated last), then id."""
    return source_order(store.sources.values())


def search(store: Store, query: str, known: frozenset[str] | None = None) -> list[Hit]:
    """Every field containing `query` (folded: case, accents and punctuation ignored),
    events in timeline order, then actors, then sources; one hit per field. With `known`
    (--as-of), only what these sources report: answers.event_as_of, actor_as_of."""
    needle = fold(query)
    if not needle:
        return []
    hits: list[Hit] = []
    pattern = needle_pattern(needle)

    def scan(kind: str, ident: str, fields: list[tuple[str, str]]) -> None:
        for name, text in fields:
            span = find(needle, text, pattern) if text else None
            if span:
                hits.append(Hit(kind, ident, name, text, *span))

    for e in store.events:
        if known is not None and (e := event_as_of(e, known)) is None:
            continue
        scan("event", e.id, event_fields(e))
    for a in actor_order(store.actors.values()):
        scan("actor", a.id, actor_fields(a if known is None else actor_as_of(a, known)))
    for s in source_order(store.sources.values()):
        if known is None or s.id in known:
            scan("source", s.id, source_fields(s))
    return hits


def fulfilled_by(store: Store, event_id: str) -> list[Event]:
    """The events whose `fulfils` names `event_id`, in timeline order."""
    return [e for e in store.events if e.fulfils == event_id]


def plans(store: Store, actors: tuple[str, ...], today: date, as_of: date | None = None) -> list[Plan]:
    """Every planned event involving all of `actors`, in timeline order, with its state on
    `today` (geotie.plans); with `as_of`, only what sources surely published by then report,
    the events that fulfil a plan included."""
    from .plans import make_plan

    planned = timeline(store, TimelineQuery(actors=actors, statuses=("planned",), as_of=as_of))
    known = known_sources(store.sources.values(), as_of) if as_of is not None else None
    linked: dict[str, list[Event]] = {}
    for e in store.events:
        if e.fulfils and (known is None or (e := event_as_of(e, known)) is not None):
            linked.setdefault(e.fulfils, []).append(e)
    published = {s.id: s.published for s in store.sources.values()}
    return [make_plan(p, linked.get(p.id, ()), today, published) for p in planned]
