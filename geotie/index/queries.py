"""The reading queries of geotie.query, answered from an index: the same arguments (an Index
for the Store), the same domain objects and rows (Event, Actor, Source, Profile, Hit), the
same order. Each costs what it returns: events are decoded a batch at a time from the rows
a query selects, never the whole store.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation at import (~0.3 ms a class), evaluated ones cost next to nothing.

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from ..answers import (
    CitingFact,
    Hit,
    Profile,
    TimelineQuery,
    actor_as_of,
    corroboration,
    event_as_of,
    find,
    first_date,
    needle_pattern,
    role_as_of,
    role_order,
)
from ..dates import parse_edtf
from ..errors import Ambiguous, NotFound
from ..fields import actor_fields, event_fields, source_fields
from ..model import Actor, Citation, Event, Origin, Problem, Role, Source, trusted
from ..text import did_you_mean, fold, suggest, suggest_ids
from .checksum import actor_crc, event_crc, source_crc, text_crc
from .db import Index
from .schema import TRIGRAM_MIN, sort_day, trigrams

if TYPE_CHECKING:
    from ..plans import Plan  # imported by the plans queries only: a timeline needs none of it

BATCH = 500  # rows decoded at a time (and ids bound in one IN (...))
EVENT_COLUMNS = (
    "e.pos, e.id, e.date, e.lo, e.hi, e.anchor, e.title, e.summary, e.date_text, e.date_note, e.status, e.outcome, "
    "e.file, e.line, e.implied, e.fulfils, e.type, e.mode, e.context, e.recipients, e.crc"
)
#: A timeline row as printed: its pos, its tsv record (text.tsv_line), its checksum.
ROW_COLUMNS = "e.pos, e.line, e.crc"


#: An event (e.pos) cited by a source surely published by a day (its published_hi, NULL when undated).
KNOWN_EVENT = (
    "EXISTS (SELECT 1 FROM citations c JOIN sources s ON s.id = c.source WHERE c.event = e.pos AND s.published_hi <= ?)"
)


def publishers(ix: Index) -> dict[str, str]:
    """Source id -> publisher (for answers.corroboration)."""
    return dict(ix.rows("SELECT id, publisher FROM sources"))


def known_sources(ix: Index, day) -> frozenset[str]:
    """answers.known_sources: the sources surely published on `day` (a date)."""
    return frozenset(r[0] for r in ix.rows("SELECT id FROM sources WHERE published_hi <= ?", [day.toordinal()]))


def _as_of(found: Iterator[Event], known: frozenset[str]) -> Iterator[Event]:
    for e in found:
        if (e := event_as_of(e, known)) is not None:
            yield e


def _marks(items: Sequence) -> str:
    return ",".join("?" * len(items))


def _chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- decoding rows into domain objects ---------------------------------------------------------


def _cite(source: str, quote: str, note: str) -> Citation:
    return trusted(Citation, {"source": source, "quote": quote, "note": note})


def _decode_events(ix: Index, rows: list) -> list[Event]:
    """Events from rows of EVENT_COLUMNS, with their actors, tags and citations (three queries per batch)."""
    where = sorted({r[0] for r in rows})
    marks = _marks(where)
    actors: dict[int, list[str]] = {}
    for pos, actor in ix.rows(f"SELECT pos, actor FROM event_actors WHERE pos IN ({marks}) ORDER BY pos, seq", where):
        actors.setdefault(pos, []).append(actor)
    tags: dict[int, list[str]] = {}
    for pos, tag in ix.rows(f"SELECT pos, tag FROM event_tags WHERE pos IN ({marks}) ORDER BY pos, seq", where):
        tags.setdefault(pos, []).append(tag)
    cites: dict[int, list[tuple]] = {}
    sql = f"SELECT event, source, quote, note FROM citations WHERE event IN ({marks}) ORDER BY event, seq"
    for cite in ix.rows(sql, where):
        cites.setdefault(cite[0], []).append(cite[1:])
    files = ix.files
    new = object.__new__
    out = []
    for r in rows:
        pos = r[0]
        listed, tagged, cited = actors.get(pos, ()), tags.get(pos, ()), cites.get(pos, ())
        row = r[1:-1]
        if event_crc(row, listed, tagged, cited) != r[-1]:
            raise ix.damaged(f"event {pos} does not match its checksum")
        citations = []
        for source, quote, note in cited:  # trusted(), written out: a call less per citation
            c = new(Citation)
            c.__dict__.update(source=source, quote=quote, note=note)
            citations.append(c)
        origin = new(Origin)
        origin.__dict__.update(file=files[r[12]], line=r[13])
        e = new(Event)
        implied, ctx, to = r[14], r[18], r[19]
        e.__dict__.update(
            id=r[1], date=parse_edtf(r[2]), title=r[6], summary=r[7], date_text=r[8], date_note=r[9],
            actors=tuple(listed), tags=tuple(tagged), status=r[10], citations=tuple(citations), outcome=r[11],
            implied_actors=tuple(implied.split(" ")) if implied else (), fulfils=r[15], type=r[16], mode=r[17],
            context=tuple(ctx.split(" ")) if ctx else (), recipients=tuple(to.split(" ")) if to else (),
            origin=origin,
        )  # fmt: skip
        out.append(e)
    return out


def events(ix: Index, sql: str, params: Sequence = (), distinct: bool = False) -> Iterator[Event]:
    """The events of a query selecting EVENT_COLUMNS (from `events e`), decoded a batch at a
    time; `distinct`: a row with the same pos as the one before is left out."""
    cursor = ix.cursor(sql, params)
    last = None
    while rows := ix.fetch(cursor, BATCH):
        if distinct:
            rows = [r for r, before in zip(rows, [last, *(r[0] for r in rows)], strict=False) if r[0] != before]
            last = rows[-1][0] if rows else last
        if rows:
            yield from _decode_events(ix, rows)


def _date(text: str | None):
    return parse_edtf(text) if text is not None else None


def _attested(stored: str) -> tuple:
    """A role's attested dates from their JSON list (json imported only for a list with dates:
    a timeline resolving its countries needs none)."""
    if stored == "[]":
        return ()
    import json

    return tuple(parse_edtf(d) for d in json.loads(stored))


def actors_by_id(ix: Index, ids: Iterable[str]) -> dict[str, Actor]:
    """The actors with these ids (unknown ones left out), in the order asked."""
    ids = list(dict.fromkeys(ids))
    found: dict[str, Actor] = {}
    for part in _chunks(ids):
        marks = _marks(part)
        aliases: dict[str, list[str]] = {}
        sql = f"SELECT actor, alias FROM aliases WHERE actor IN ({marks}) ORDER BY actor, seq"
        for actor, alias in ix.rows(sql, part):
            aliases.setdefault(actor, []).append(alias)
        demonyms: dict[str, list[str]] = {}
        sql = f"SELECT actor, demonym FROM demonyms WHERE actor IN ({marks}) ORDER BY actor, seq"
        for actor, demonym in ix.rows(sql, part):
            demonyms.setdefault(actor, []).append(demonym)
        cites: dict[tuple[str, int], list[Citation]] = {}
        sql = (f"SELECT actor, role, source, quote, note FROM citations WHERE actor IS NOT NULL AND actor IN ({marks})"
               " ORDER BY actor, role, seq")  # fmt: skip
        for actor, role, source, quote, note in ix.rows(sql, part):
            cites.setdefault((actor, role), []).append(_cite(source, quote, note))
        roles: dict[str, list[Role]] = {}
        sql = f'SELECT actor, seq, title, of, start, "end", note, attested FROM roles WHERE actor IN ({marks})'
        sql += " ORDER BY actor, seq"
        for actor, seq, title, of, start, end, note, attested in ix.rows(sql, part):
            cited = tuple(cites.get((actor, seq), ()))
            dates = _attested(attested)
            roles.setdefault(actor, []).append(Role(title, of, _date(start), _date(end), cited, note, dates))
        sql = f"SELECT id, name, kind, country, note, file, line, crc FROM actors WHERE id IN ({marks})"
        for ident, name, kind, country, note, file, line, check in ix.rows(sql, part):
            found[ident] = Actor(
                ident, name, kind, tuple(aliases.get(ident, ())), country, tuple(roles.get(ident, ())), note,
                tuple(demonyms.get(ident, ())), Origin(file, line),
            )  # fmt: skip
            if actor_crc(found[ident]) != check:
                raise ix.damaged(f"actor {ident!r} does not match its checksum")
    return {i: found[i] for i in ids if i in found}


def actor_labels(ix: Index, ids: Iterable[str]) -> dict[str, str]:
    """Actor id -> name, for these ids (unknown ones left out): the name alone, checked
    against its own checksum (a table of events names dozens of actors and needs no more)."""
    found: dict[str, str] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        for ident, name, check in ix.rows(f"SELECT id, name, name_crc FROM actors WHERE id IN ({_marks(part)})", part):
            if text_crc((ident, name)) != check:
                raise ix.damaged(f"the name of actor {ident!r} does not match its checksum")
            found[ident] = name
    return found


def names_by_part(ix: Index, event_of: Callable[[Any], Any] | None = None) -> Callable[[list], dict[str, str]]:
    """For a table printed in parts (render.terminal.print_in_parts): the names of the actors
    of a part's events (`event_of(item)`: the event of each item), read in one query a part."""

    def named(part: list) -> dict[str, str]:
        found = part if event_of is None else map(event_of, part)
        return actor_labels(ix, (a for e in found for a in e.actors))

    return named


def sources_by_id(ix: Index, ids: Iterable[str]) -> dict[str, Source]:
    """The sources with these ids (unknown ones left out), in the order asked."""
    ids = list(dict.fromkeys(ids))
    found: dict[str, Source] = {}
    for part in _chunks(ids):
        marks = _marks(part)
        authors: dict[str, list[str]] = {}
        sql = f"SELECT source, name FROM source_authors WHERE source IN ({marks}) ORDER BY source, seq"
        for source, name in ix.rows(sql, part):
            authors.setdefault(source, []).append(name)
        sql = (f"SELECT id, title, publisher, published, published_note, url, kind, archive, file, line, crc"
               f" FROM sources WHERE id IN ({marks})")  # fmt: skip
        for ident, title, publisher, published, note, url, kind, archive, file, line, check in ix.rows(sql, part):
            found[ident] = Source(
                ident, title, publisher, tuple(authors.get(ident, ())), _date(published), note, url, kind, archive,
                Origin(file, line),
            )  # fmt: skip
            if source_crc(found[ident]) != check:
                raise ix.damaged(f"source {ident!r} does not match its checksum")
    return {i: found[i] for i in ids if i in found}


class Lookup(Mapping):
    """id -> Actor or Source, read from the index when first asked for (what the renderers
    look up: `store.actors.get(id)`, `store.sources[id]`)."""

    def __init__(self, ix: Index, table: str) -> None:
        self._ix, self._table = ix, table
        self._fetch = actors_by_id if table == "actors" else sources_by_id
        self._made: dict[str, Actor | Source] = {}

    def __getitem__(self, key: str) -> Actor | Source:
        made = self._made.get(key)
        if made is None:
            made = self._fetch(self._ix, [key]).get(key)
            if made is None:
                raise KeyError(key)
            self._made[key] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._ix.rows(f"SELECT id FROM {self._table} ORDER BY seq"))

    def __len__(self) -> int:
        return self._ix.rows(f"SELECT count(*) FROM {self._table}")[0][0]


class Lookups(NamedTuple):
    """What the renderers read from a Store besides what a query returns."""

    actors: Lookup
    sources: Lookup


def lookups(ix: Index) -> Lookups:
    """Stand-in for the `store` argument of geotie.render's functions."""
    return Lookups(Lookup(ix, "actors"), Lookup(ix, "sources"))


# --- the queries -----------------------------------------------------------------------------------


def resolve_actor(ix: Index, name: str) -> Actor:
    """geotie.query.resolve_actor: exact folded name, then whole words, then word prefixes."""
    key = fold(name)
    if not key:
        raise NotFound(f"'{name}' is not a name; give an actor id, name or alias")
    exact = [row[0] for row in ix.rows("SELECT actor FROM names WHERE folded = ? ORDER BY seq", [key])]
    if len(exact) == 1:
        return actors_by_id(ix, exact)[exact[0]]
    partial = exact
    words = key.split()
    for pattern in ("% {} %", "% {}%"):  # each word a whole token, then each word a token's prefix
        if partial:
            break
        each = " AND ".join(["(' ' || folded || ' ') LIKE ?"] * len(words))
        sql = f"SELECT DISTINCT actor FROM names WHERE {each}"
        partial = [row[0] for row in ix.rows(sql, [pattern.format(w) for w in words])]
    if len(partial) == 1:
        return actors_by_id(ix, partial)[partial[0]]
    if partial:
        found = sorted(actors_by_id(ix, partial).values(), key=lambda a: a.id)
        listing = "; ".join(f"{a.id} ({a.name}, {a.kind})" for a in found)
        raise Ambiguous(f"'{name}' fits {len(found)} actors: {listing}; give one of these ids", [a.id for a in found])
    near = suggest(name, [row[0] for row in ix.rows("SELECT name FROM names ORDER BY seq")])
    hint = f"did you mean '{near[0]}'?" if near else "run 'geotie actors' to list them"
    raise NotFound(f"unknown actor '{name}'; {hint}")


def _driver(ix: Index, wanted: list[str]) -> str | None:
    """Of actors that must all be in an event, the one with the fewest events ("" if one is unknown)."""
    counts = dict(ix.rows(f"SELECT id, events FROM actors WHERE id IN ({_marks(wanted)})", wanted))
    if len(counts) < len(wanted):
        return ""
    return min(wanted, key=lambda a: (counts[a], a))


def timeline_sql(
    q: TimelineQuery,
    driver: str | None = None,
    table: str = "events",
    columns: str = EVENT_COLUMNS,
    positions: tuple[int, int] | None = None,
) -> tuple[str, list]:
    """The SQL (and its parameters) of the events matching `q`, in the order asked: `columns`
    of `table` (events, or event_rows: both have pos, lo, hi and status). With a `driver` (one
    of q.actors, not q.union) the rows are read from that actor's index range, once per time
    the event lists the actor, and q.limit is left to the caller. `positions` (lo, hi): only
    the events at timeline positions lo <= pos < hi (a part of an export: render.parts)."""
    where: list[str] = []
    params: list = []
    if positions is not None:
        where.append("e.pos >= ? AND e.pos < ?")
        params += positions
    wanted = list(dict.fromkeys(q.actors))
    if driver:
        source = f"event_actors a JOIN {table} e ON e.pos = a.pos"
        where.append("a.actor = ?")
        params.append(driver)
        wanted.remove(driver)
        order = "a.pos"
    else:
        source, order = f"{table} e", "e.pos"
    if wanted and q.union:
        where.append(f"e.pos IN (SELECT pos FROM event_actors WHERE actor IN ({_marks(wanted)}))")
        params += wanted
    else:
        at = "a.pos" if driver else "e.pos"  # the driver's: checked before the event's row is read
        for actor in wanted:
            where.append(f"EXISTS (SELECT 1 FROM event_actors x WHERE x.actor = ? AND x.pos = {at})")
            params.append(actor)
    if q.since is not None:
        where.append("e.hi >= ?")
        params.append(q.since.lo.toordinal())
    if q.until is not None:
        where.append("e.lo <= ?")
        params.append(q.until.hi.toordinal())
    if q.tags:
        tags = list(dict.fromkeys(q.tags))
        where.append(f"EXISTS (SELECT 1 FROM event_tags t WHERE t.pos = e.pos AND t.tag IN ({_marks(tags)}))")
        params += tags
    if q.as_of is not None:
        where.append(KNOWN_EVENT)
        params.append(q.as_of.toordinal())
    if q.statuses:
        statuses = list(dict.fromkeys(q.statuses))
        where.append(f"e.status IN ({_marks(statuses)})")
        params += statuses
    if q.types:
        types = list(dict.fromkeys(q.types))
        if table == "events":
            where.append(f"e.type IN ({_marks(types)})")
        else:  # the index of types is on events
            where.append(f"e.pos IN (SELECT pos FROM events WHERE type IN ({_marks(types)}))")
        params += types
    sql = f"SELECT {columns} FROM {source}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}" + (" DESC" if q.reverse else "")
    if q.limit is not None and not driver and q.min_sources <= 1:
        sql += " LIMIT ?"
        params.append(q.limit)
    return sql, params


def iter_timeline(ix: Index, q: TimelineQuery, positions: tuple[int, int] | None = None) -> Iterator[Event]:
    """geotie.query.iter_timeline: the matching events, a batch at a time. Events involving
    all of several actors are read from the index range of the one with the fewest events.
    `positions`: see timeline_sql."""
    wanted = list(dict.fromkeys(q.actors))
    driver = _driver(ix, wanted) if wanted and not q.union else None
    if driver == "":
        return iter(())
    sql, params = timeline_sql(q, driver, positions=positions)
    found = events(ix, sql, params, distinct=bool(driver))
    if q.as_of is not None:  # the SQL kept the events a known source cites; their other citations go
        found = _as_of(found, known_sources(ix, q.as_of))
    if q.min_sources > 1:  # counted on the citations left (as geotie.query does)
        pubs = publishers(ix)
        found = (e for e in found if corroboration(e, pubs) >= q.min_sources)
        return islice(found, q.limit)
    return islice(found, q.limit) if driver else found


def count_untyped(ix: Index, q: TimelineQuery) -> int:
    """How many events match `q` (but its limit) and have no PLOVER type."""
    return count_timeline(ix, q._replace(types=("",), limit=None))


def count_timeline(ix: Index, q: TimelineQuery) -> int:
    """How many events `iter_timeline(ix, q)` gives: counted in SQL, but with --min-sources
    (corroboration is worked out on each event)."""
    q = q._replace(reverse=False)
    if q.min_sources > 1:
        return sum(1 for _ in iter_timeline(ix, q))
    wanted = list(dict.fromkeys(q.actors))
    if wanted and not q.union and _driver(ix, wanted) == "":
        return 0
    sql, params = timeline_sql(q._replace(limit=None))
    found = ix.rows(f"SELECT count(*) FROM ({sql})", params)[0][0]
    return found if q.limit is None else min(found, q.limit)


def timeline_lines(ix: Index, q: TimelineQuery) -> Iterator[str] | None:
    """The timeline's tsv records (text.tsv_line of fields.timeline_row of each event of
    `iter_timeline`), read as stored, without decoding events; None when `q` needs the events
    decoded (--as-of and --min-sources count what each event's citations say)."""
    if q.as_of is not None or q.min_sources > 1:
        return None
    wanted = list(dict.fromkeys(q.actors))
    driver = _driver(ix, wanted) if wanted and not q.union else None
    if driver == "":
        return iter(())
    sql, params = timeline_sql(q, driver, "event_rows", ROW_COLUMNS)
    found = _checked_lines(ix, sql, params)
    return islice(found, q.limit) if driver else found


def _checked_lines(ix: Index, sql: str, params: Sequence) -> Iterator[str]:
    """The line of each row of ROW_COLUMNS, once per pos in a row, checked against its checksum."""
    cursor = ix.cursor(sql, params)
    last = None
    while rows := ix.fetch(cursor, BATCH):
        for pos, line, check in rows:
            if pos == last:
                continue
            last = pos
            if text_crc((line,)) != check:
                raise ix.damaged(f"event {pos} does not match its checksum")
            yield line


def timeline(ix: Index, q: TimelineQuery) -> list[Event]:
    return list(iter_timeline(ix, q))


def actor_events(ix: Index, actor_id: str) -> Iterator[Event]:
    """Every event listing the actor, in timeline order (once per time it is listed, as
    store.actor_events)."""
    sql = f"SELECT {EVENT_COLUMNS} FROM event_actors a JOIN events e ON e.pos = a.pos WHERE a.actor = ? ORDER BY a.pos"
    return events(ix, sql, [actor_id])


def actor_cells(ix: Index, actor_id: str) -> Iterator[tuple[str, ...]]:
    """The events listing the actor, as `actor_events`, as the cells of their stored timeline
    rows (fields.TIMELINE_COLUMNS; checked), not decoded."""
    from ..text import tsv_cells

    sql = f"SELECT {ROW_COLUMNS} FROM event_actors a JOIN event_rows e ON e.pos = a.pos WHERE a.actor = ?"
    return map(tsv_cells, _checked_lines(ix, sql + " ORDER BY a.pos", [actor_id]))


class ActorEvents:
    """The events listing an actor (once per time it is listed), in timeline order, as a
    profile holds them: read from the index each time they are gone through, never held (a
    country of a large store is listed by hundreds of thousands of events). Equal to a tuple
    or list of the same events; `cells` gives their stored timeline rows without decoding."""

    __slots__ = ("_actor", "_count", "_ix", "_known")

    def __init__(self, ix: Index, actor_id: str, known: frozenset[str] | None = None) -> None:
        self._ix, self._actor, self._known = ix, actor_id, known
        self._count: int | None = None

    def __iter__(self) -> Iterator[Event]:
        found = actor_events(self._ix, self._actor)
        return found if self._known is None else _as_of(found, self._known)

    def cells(self) -> Iterator[tuple[str, ...]] | None:
        """Each event's timeline row (fields.TIMELINE_COLUMNS) as stored, checked; None with
        --as-of (what each event's citations say decides which are kept)."""
        return actor_cells(self._ix, self._actor) if self._known is None else None

    def __len__(self) -> int:
        if self._count is None:
            if self._known is None:
                self._count = self._ix.rows("SELECT count(*) FROM event_actors WHERE actor = ?", [self._actor])[0][0]
            else:
                self._count = sum(1 for _ in self)
        return self._count

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ActorEvents | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ActorEvents({self._actor!r}, {len(self)} events)"


def most_together(ix: Index, actor_id: str, top: int) -> list[tuple[str, int]]:
    """The `top` actors listed most often in the actor's events (each listing counted, as
    geotie.query.profile counts them), most first, then by id; counted in SQL."""
    sql = (
        "SELECT o.actor, count(*) AS n FROM event_actors m JOIN event_actors o ON o.pos = m.pos "
        "WHERE m.actor = ? AND o.actor != m.actor GROUP BY o.actor ORDER BY n DESC, o.actor LIMIT ?"
    )
    return [(other, n) for other, n in ix.rows(sql, [actor_id, top])]


def profile(ix: Index, actor: Actor, top: int = 5, known: frozenset[str] | None = None) -> Profile:
    """geotie.query.profile, its events read as they are gone through (ActorEvents)."""
    found = ActorEvents(ix, actor.id, known)
    if known is None:
        best = most_together(ix, actor.id, top)
    else:
        actor = actor_as_of(actor, known)
        counts = Counter(other for e in found for other in e.actors if other != actor.id)
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    others = actors_by_id(ix, [i for i, _ in best])
    together = tuple((others[i], n) for i, n in best)
    roles = tuple(sorted(actor.roles, key=role_order))
    sql = "SELECT r.actor, r.seq FROM roles r JOIN actors a ON a.id = r.actor WHERE r.of = ? ORDER BY a.seq, r.seq"
    held = ix.rows(sql, [actor.id])
    people = actors_by_id(ix, [a for a, _ in held])
    pairs = [(people[a], people[a].roles[seq]) for a, seq in held]
    if known is not None:
        pairs = [(actor_as_of(a, known), kept) for a, r in pairs if (kept := role_as_of(r, known)) is not None]
    holders = tuple(sorted(pairs, key=lambda pair: (role_order(pair[1]), pair[0].name)))
    return Profile(actor, roles, holders, found, together)


def get_event(ix: Index, event_id: str) -> Event:
    """geotie.query.get_event."""
    found = list(events(ix, f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?", [event_id]))
    if not found:
        ids = [row[0] for row in ix.rows("SELECT id FROM events ORDER BY pos")]
        hint = did_you_mean(*suggest_ids(event_id, ids)) or "run 'geotie timeline' to list event ids"
        raise NotFound(f"unknown event '{event_id}'; {hint}")
    return found[0]


def fulfilled_by(ix: Index, event_id: str) -> list[Event]:
    """geotie.query.fulfilled_by: the events whose `fulfils` names the event, in timeline order."""
    sql = f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.fulfils != '' AND e.fulfils = ? ORDER BY e.pos"  # the index
    return list(events(ix, sql, [event_id]))


def plans(ix: Index, actors: tuple[str, ...], today, as_of=None) -> "list[Plan]":
    return list(iter_plans(ix, actors, today, as_of))


def iter_plans(ix: Index, actors: tuple[str, ...], today, as_of=None) -> "Iterator[Plan]":
    """geotie.query.plans, a batch at a time: the planned events (the timeline's SQL, status
    "planned"), then the events fulfilling them and the dates of the sources citing them,
    both looked up by id for each batch."""
    from ..plans import make_plan

    planned = iter_timeline(ix, TimelineQuery(actors=actors, statuses=("planned",), as_of=as_of))
    known = known_sources(ix, as_of) if as_of is not None else None
    while batch := list(islice(planned, BATCH)):
        linked: dict[str, list[Event]] = {}  # each plan's, in timeline order
        ids = [p.id for p in batch]
        where = f"e.fulfils != '' AND e.fulfils IN ({_marks(ids)})"  # != '': the (partial) index is used
        found = events(ix, f"SELECT {EVENT_COLUMNS} FROM events e WHERE {where} ORDER BY e.pos", ids)
        for e in found if known is None else _as_of(found, known):
            linked.setdefault(e.fulfils, []).append(e)
        published = _published(ix, {c.source for p in batch for c in p.citations})
        for p in batch:
            yield make_plan(p, linked.get(p.id, ()), today, published)


def _published(ix: Index, ids: Iterable[str]) -> dict:
    """Source id -> its published date (None when undated)."""
    out: dict = {}
    ids = sorted(ids)
    for part in _chunks(ids):
        out.update(
            (i, _date(p)) for i, p in ix.rows(f"SELECT id, published FROM sources WHERE id IN ({_marks(part)})", part)
        )
    return out


def get_source(ix: Index, source_id: str) -> Source:
    """geotie.query.get_source."""
    found = sources_by_id(ix, [source_id])
    if not found:
        ids = [row[0] for row in ix.rows("SELECT id FROM sources ORDER BY seq")]
        hint = did_you_mean(*suggest_ids(source_id, ids)) or "run 'geotie sources' to list them"
        raise NotFound(f"unknown source '{source_id}'; {hint}")
    return found[source_id]


def citing(ix: Index, source_id: str) -> list[CitingFact]:
    """geotie.query.citing: the events citing the source (timeline order), then the roles
    (actors by id)."""
    sql = f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.pos IN (SELECT event FROM citations WHERE source = ?)"
    out = [
        CitingFact("event", e.id, e.date, e.title, c)
        for e in events(ix, sql + " ORDER BY e.pos", [source_id])
        for c in e.citations
        if c.source == source_id
    ]
    rows = ix.rows("SELECT DISTINCT actor FROM citations WHERE source = ? AND actor IS NOT NULL", [source_id])
    holders = sorted(actors_by_id(ix, [row[0] for row in rows]).values(), key=lambda a: a.id)
    offices = actors_by_id(ix, [r.of for a in holders for r in a.roles if r.of])
    for actor in holders:
        for role in actor.roles:
            for c in role.citations:
                if c.source == source_id:
                    of = f" ({offices[role.of].name})" if role.of in offices else ""
                    out.append(CitingFact("role", actor.id, first_date(role), f"{actor.name}: {role.title}{of}", c))
    return out


def _in_order(ix: Index, sql: str, params: Sequence, fetch, sort_of) -> Iterator[tuple]:
    """(entry, count) for the rows (id, its stored sort key, count) of `sql`, in its order: a
    batch of ids at a time made into Actors or Sources (`fetch`), each sort key checked
    against what `sort_of(entry)` makes of it (a damaged one would list it out of place)."""
    cursor = ix.cursor(sql, params)
    while rows := ix.fetch(cursor, BATCH):
        found = fetch(ix, [r[0] for r in rows])
        batch = [(found[ident], count) for ident, _, count in rows]
        for (entry, _), (ident, stored, _) in zip(batch, rows, strict=True):  # all before any is printed
            if sort_of(entry) != stored:
                raise ix.damaged(f"the sort key of {ident!r} does not match it")
        yield from batch


#: The order `actors` and `sources` list in (answers.actor_order, source_order), on their stored
#: sort keys (the indexes actors_order and sources_order); checked by `_in_order`.
ACTOR_ORDER = "a.kind, a.sort_name, a.seq"
SOURCE_ORDER = "s.sort_day, s.published_hi, s.id"


def _actor_sort(a: Actor) -> str:
    return fold(a.name)


def _source_sort(s: Source) -> int:
    return sort_day(s.published)


def iter_actors(ix: Index, kind: str | None = None, as_of=None) -> Iterator[tuple[Actor, int]]:
    """geotie.query.actors (by kind, then folded name, then store order), each actor with
    event_counts' count, read a batch at a time (a large store has tens of thousands)."""
    where, params = (" WHERE a.kind = ?", [kind]) if kind is not None else ("", [])
    if as_of is None:
        count = "a.events"
    else:  # the known events listed once in a temporary table, then counted for each actor
        # (asking each actor's events whether they are known took 28 s at a million events, this 7 s)
        ix.temp_table("known_events", "(pos INTEGER PRIMARY KEY)")
        known = "SELECT c.event FROM citations c JOIN sources s ON s.id = c.source"
        known += " WHERE c.event IS NOT NULL AND s.published_hi <= ?"
        ix.work(f"INSERT OR IGNORE INTO temp.known_events {known}", [as_of.toordinal()])
        count = "(SELECT count(*) FROM event_actors x JOIN temp.known_events k ON k.pos = x.pos WHERE x.actor = a.id)"
    sql = f"SELECT a.id, a.sort_name, {count} FROM actors a{where} ORDER BY {ACTOR_ORDER}"
    return _in_order(ix, sql, params, actors_by_id, _actor_sort)


def iter_sources(ix: Index, as_of=None) -> Iterator[tuple[Source, int]]:
    """geotie.query.sources (by publication date, undated last, then id), each source with
    how often it is cited, read a batch at a time; `as_of` (a date): only the sources surely
    published by then (answers.known_sources)."""
    where, params = (" WHERE s.published_hi <= ?", [as_of.toordinal()]) if as_of is not None else ("", [])
    count = "(SELECT count(*) FROM citations c WHERE c.source = s.id)"
    sql = f"SELECT s.id, s.sort_day, {count} FROM sources s{where} ORDER BY {SOURCE_ORDER}"
    return _in_order(ix, sql, params, sources_by_id, _source_sort)


def id_width(ix: Index, table: str, kind: str | None = None) -> int:
    """The length of the longest id of `table` ("actors" or "sources"; actors of `kind`)."""
    where, params = (" WHERE kind = ?", [kind]) if kind is not None else ("", [])
    return ix.rows(f"SELECT coalesce(max(length(id)), 0) FROM {table}{where}", params)[0][0]


def tags(ix: Index) -> frozenset[str]:
    """Every tag in use (Store.tags)."""
    return frozenset(row[0] for row in ix.rows("SELECT tag FROM tags"))


def types(ix: Index) -> frozenset[str]:
    """Every PLOVER type some event has."""
    return frozenset(r[0] for r in ix.rows("SELECT DISTINCT type FROM events WHERE type != ''"))


def event_types(ix: Index, ids: Sequence[str]) -> dict[str, str]:
    """The PLOVER type ("" for none) of each of these events."""
    found: dict[str, str] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        found.update(ix.rows(f"SELECT id, type FROM events WHERE id IN ({_marks(part)})", part))
    return found


def warnings(ix: Index) -> tuple[Problem, ...]:
    """The warnings the store was read with (Store.warnings)."""
    rows = ix.rows("SELECT severity, code, message, file, line, entry, field, hint FROM warnings ORDER BY seq")
    return tuple(Problem(s, c, m, Origin(f, line), e, fld, h) for s, c, m, f, line, e, fld, h in rows)


def actor_names(ix: Index) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each actor's id, name and aliases, in store order (for shell completion)."""
    aliases: dict[str, list[str]] = {}
    for actor, alias in ix.rows("SELECT actor, alias FROM aliases ORDER BY actor, seq"):
        aliases.setdefault(actor, []).append(alias)
    return [(i, name, tuple(aliases.get(i, ()))) for i, name in ix.rows("SELECT id, name FROM actors ORDER BY seq")]


def event_ids(ix: Index) -> list[str]:
    """Every event id, in timeline order."""
    return [row[0] for row in ix.rows("SELECT id FROM events ORDER BY pos")]


def event_titles(ix: Index, ids: Sequence[str]) -> dict[str, str]:
    """The title of each of these events."""
    titles: dict[str, str] = {}
    for part in _chunks(list(ids)):
        titles.update(ix.rows(f"SELECT id, title FROM events WHERE id IN ({_marks(part)})", part))
    return titles


def source_titles(ix: Index) -> dict[str, str]:
    """Source id -> title, in store order."""
    return dict(ix.rows("SELECT id, title FROM sources ORDER BY seq"))


def _where_found(ix: Index, table: str, needle: str, column: str) -> tuple[str, list]:
    """A condition on `column` (a rowid of `table`): the rows whose folded text may hold
    `needle` (every row when the needle is shorter than a trigram)."""
    if not ix.fts:
        return f" WHERE {column} IN (SELECT rowid FROM {table} WHERE instr(text, ?) > 0)", [needle]
    if len(needle) < TRIGRAM_MIN:
        return "", []
    return f" WHERE {column} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)", [trigrams(needle)]


def search(ix: Index, text: str, known: frozenset[str] | None = None) -> list[Hit]:
    return list(iter_search(ix, text, known))


def iter_search(ix: Index, text: str, known: frozenset[str] | None = None) -> Iterator[Hit]:
    """geotie.query.search: every field holding the folded `text`, events in timeline order,
    then actors, then sources; one hit per field, found as they are written (the events a
    batch at a time: a common word is in most of a large store's). The index finds the
    entries whose folded text holds the needle; each field of those is then matched as
    geotie.query does. Actors and sources follow (by kind and name, by date), a batch at a time."""
    needle = fold(text)
    if not needle:
        return
    pattern = needle_pattern(needle)

    def scan(kind: str, ident: str, fields: list[tuple[str, str]]) -> Iterator[Hit]:
        for name, value in fields:
            span = find(needle, value, pattern) if value else None
            if span:
                yield Hit(kind, ident, name, value, *span)

    where, params = _where_found(ix, "event_search", needle, "e.pos")
    found_events = events(ix, f"SELECT {EVENT_COLUMNS} FROM events e{where} ORDER BY e.pos", params)
    for e in found_events if known is None else _as_of(found_events, known):
        yield from scan("event", e.id, event_fields(e))
    where, params = _where_found(ix, "actor_search", needle, "seq")
    sql = f"SELECT id, sort_name, 0 FROM actors a{where} ORDER BY {ACTOR_ORDER}"
    for a, _ in _in_order(ix, sql, params, actors_by_id, _actor_sort):
        yield from scan("actor", a.id, actor_fields(a if known is None else actor_as_of(a, known)))
    where, params = _where_found(ix, "source_search", needle, "seq")
    sql = f"SELECT id, sort_day, 0 FROM sources s{where} ORDER BY {SOURCE_ORDER}"
    for s, _ in _in_order(ix, sql, params, sources_by_id, _source_sort):
        if known is None or s.id in known:
            yield from scan("source", s.id, source_fields(s))


def typed_hits(ix: Index, hits: Iterable[Hit], types: Iterable[str]) -> Iterator[Hit]:
    """The hits in events of those PLOVER types (actors and sources left out: `search
    --type`), their types read a batch of hits at a time."""
    wanted = set(types)
    found = (h for h in hits if h.kind == "event")
    while batch := list(islice(found, BATCH)):
        typed = event_types(ix, [h.id for h in batch])
        yield from (h for h in batch if typed.get(h.id) in wanted)


def backed_hits(ix: Index, hits: Iterable[Hit], min_sources: int, known: frozenset[str] | None = None) -> Iterator[Hit]:
    """The hits in events backed by at least `min_sources` independent sources (actors and
    sources left out: `search --min-sources`); with `known` (--as-of), by what those sources
    report. Each event is judged once: its hits follow one another."""
    pubs: dict[str, str] | None = None
    judged, backed = None, False
    for h in hits:
        if h.kind != "event":
            continue
        if h.id != judged:
            pubs = publishers(ix) if pubs is None else pubs
            e: Event | None = get_event(ix, h.id)
            e = event_as_of(e, known) if known is not None and e is not None else e
            judged, backed = h.id, e is not None and corroboration(e, pubs) >= min_sources
        if backed:
            yield h


__all__ = [
    "ActorEvents",
    "actor_cells",
    "actor_events",
    "actor_names",
    "actors_by_id",
    "backed_hits",
    "citing",
    "count_timeline",
    "count_untyped",
    "event_ids",
    "event_titles",
    "event_types",
    "events",
    "fulfilled_by",
    "get_event",
    "get_source",
    "id_width",
    "iter_actors",
    "iter_search",
    "iter_sources",
    "iter_timeline",
    "known_sources",
    "lookups",
    "most_together",
    "names_by_part",
    "plans",
    "profile",
    "publishers",
    "resolve_actor",
    "search",
    "source_titles",
    "sources_by_id",
    "tags",
    "timeline",
    "timeline_sql",
    "typed_hits",
    "types",
    "warnings",
]
