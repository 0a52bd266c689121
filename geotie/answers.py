"""What the queries answer, shared by geotie.query (over a loaded Store) and geotie.index.queries
(over the SQLite index): the result types, the orders they are sorted in, and how a folded
needle is found in a field."""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation at import (~0.3 ms a class), evaluated ones cost next to nothing.

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import NamedTuple, Protocol

from .dates import parse_edtf, sort_key
from .fields import LIST_SEP
from .model import Actor, Citation, DateSpan, Event, Role, Source, replace
from .text import fold, fold_with_map


class Lookups(Protocol):
    """What the renderers look up besides what a query returns: actor names, source dates. A
    Store has these; so has geotie.index.queries.lookups(index)."""

    @property
    def actors(self) -> Mapping[str, Actor]: ...

    @property
    def sources(self) -> Mapping[str, Source]: ...


class TimelineQuery(NamedTuple):
    actors: tuple[str, ...] = ()  # resolved actor ids
    union: bool = False  # --any: events involving any of the actors rather than all
    since: DateSpan | None = None
    until: DateSpan | None = None
    tags: tuple[str, ...] = ()  # an event matches if it has any of these tags
    statuses: tuple[str, ...] = ()
    reverse: bool = False
    limit: int | None = None
    as_of: date | None = None  # --as-of: only what sources surely published by this day report (see `known_by`)
    min_sources: int = 0  # --min-sources: only events with at least this many independent sources (`corroboration`)
    types: tuple[str, ...] = ()  # --type: only events of any of these PLOVER types (upper case)


class Profile(NamedTuple):
    actor: Actor
    roles: tuple[Role, ...]  # in time order
    holders: tuple[tuple[Actor, Role], ...]  # people/organizations with a role of this actor
    events: Collection[Event]  # a tuple; from the index, ActorEvents: read each time it is gone through
    together: tuple[tuple[Actor, int], ...]  # actors met most often in the same events


def first_date(role: Role) -> DateSpan | None:
    """The role's earliest known date (start, an attested date, or end), if any."""
    return min(role.dates, key=sort_key, default=None)


def role_order(role: Role) -> tuple:
    """Roles by their earliest known date (start, an attested date, or end); undated last."""
    dates = role.dates
    return (0, *min(sort_key(d) for d in dates)) if dates else (1,)


class CitingFact(NamedTuple):
    """One fact citing a source: an event, or an actor's role."""

    kind: str  # "event" | "role"
    id: str  # event id or actor id
    date: DateSpan | None
    title: str
    citation: Citation


def actor_order(items) -> list[Actor]:
    return sorted(items, key=lambda a: (a.kind, fold(a.name)))


def source_order(items) -> list[Source]:
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


def find(needle: str, text: str, pattern: re.Pattern | None = None) -> tuple[int, int] | None:
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


# --- as of a date: what a reader could have known --------------------------------------------------


def known_by(source: Source, day: date) -> bool:
    """Whether `source` had surely been published on `day`: its latest possible publication
    day is on or before it. An undated source, or one whose date has an open or unknown end,
    never has."""
    published = source.published
    return published is not None and published.end is not None and published.end <= day


def known_sources(sources: Iterable[Source], day: date) -> frozenset[str]:
    """The ids of the sources surely published on `day`."""
    return frozenset(s.id for s in sources if known_by(s, day))


def event_as_of(event: Event, known: frozenset[str]) -> Event | None:
    """The event with only the citations of `known` sources; None when none is left (no
    source published by then reports it)."""
    cited = tuple(c for c in event.citations if c.source in known)
    if not cited:
        return None
    return event if len(cited) == len(event.citations) else replace(event, citations=cited)


def role_as_of(role: Role, known: frozenset[str]) -> Role | None:
    """The role with only the citations of `known` sources; None when none is left."""
    cited = tuple(c for c in role.citations if c.source in known)
    if not cited:
        return None
    return role if len(cited) == len(role.citations) else replace(role, citations=cited)


def actor_as_of(actor: Actor, known: frozenset[str]) -> Actor:
    """The actor with only the roles a `known` source cites, each with only those citations.
    The actor itself (its names) stays: names are not facts about a date."""
    roles = tuple(r for r in (role_as_of(r, known) for r in actor.roles) if r is not None)
    return actor if roles == actor.roles else replace(actor, roles=roles)


# --- corroboration ------------------------------------------------------------------------------


def publisher_key(source_id: str, publisher: str | None) -> str:
    """What makes sources independent: their publisher, as written with surrounding spaces
    trimmed (the same wire text in one outlet twice is one); a source with no publisher (or
    not in the store) stands for itself."""
    name = (publisher or "").strip()
    return f"publisher:{name}" if name else f"source:{source_id}"


def corroboration(event: "Event | RowEvent", publishers: Mapping[str, str]) -> int:
    """How many independent sources the event's citations come from (`publishers`: source id
    -> publisher)."""
    return len({publisher_key(s, publishers.get(s)) for s in cited_sources(event)})


# --- events as their stored timeline rows tell them --------------------------------------------


class RowEvent:
    """An event as its stored tsv row tells it (fields.timeline_row): what a timeline table and
    a walk over shared events (geotie.ties) need, read without decoding the event. Where more
    is needed (quotes for --cite, roles, JSON), Events are decoded. A plain class: a NamedTuple
    would cost every command that imports this module ~0.2 ms."""

    __slots__ = ("actors", "date", "id", "sources", "status", "tags", "title")

    def __init__(self, cells: tuple[str, ...]) -> None:
        """From a timeline row's cells (fields.TIMELINE_COLUMNS, as text.tsv_cells gives them)."""
        date_text, _, _, _, self.status, self.id, self.title, actors, tags, sources = cells
        self.date = parse_edtf(date_text)
        self.actors, self.tags = _listed(actors), _listed(tags)
        self.sources = _listed(sources)  # those its citations cite, each once, in their order


def _listed(cell: str) -> tuple[str, ...]:
    return tuple(cell.split(LIST_SEP)) if cell else ()  # ids hold no comma


def cited_sources(event: "Event | RowEvent") -> tuple[str, ...]:
    """The sources an event cites, each once, in the order of its citations."""
    if type(event) is RowEvent:
        return event.sources
    return tuple(dict.fromkeys(c.source for c in event.citations))
