"""One row schema per view, and the JSON objects of the documented contract.

Every view is built once as a `View`: `columns` and `rows` feed tsv/csv/md, `data` is what
`--format json` prints (a list, or one object for single-record views) and jsonl prints one
element (or the one object) per line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..answers import CitingFact, Hit, Lookups, Profile
from ..dates import describe
from ..fields import LIST_SEP, TIMELINE_COLUMNS, timeline_row
from ..model import Actor, Citation, DateSpan, Event, Problem, Role, Source

EVENT_COLUMNS = TIMELINE_COLUMNS
PROFILE_COLUMNS = ("section", "id", "date", "text", "detail")
ACTOR_COLUMNS = ("id", "kind", "name", "country", "aliases", "events")
SOURCE_COLUMNS = ("id", "published", "kind", "publisher", "title", "authors", "citations")
CITING_COLUMNS = ("kind", "id", "date", "title", "quote")
SEARCH_COLUMNS = ("kind", "id", "field", "snippet")

NAME_SEP = "; "  # joins names/titles, which may themselves hold commas


class View:
    """What a command prints: `columns` and `rows` for tsv/csv/md, `data` for json and jsonl.
    `rows` and `data` may be given as functions, so that a format computes only what it
    prints. `data` is a dict (one object, whose `Lazy` values are arrays made as they are
    written) or an iterable of them (an array, which json and jsonl write one element at a
    time, as it is made)."""

    def __init__(self, columns: tuple[str, ...], rows: Any, data: Any, tsv_lines: Iterable[str] | None = None) -> None:
        """`tsv_lines`: the rows already written as TSV records (text.tsv_line), if at hand."""
        self.columns = columns
        self._rows = rows
        self._data = data
        self.tsv_lines = tsv_lines

    @property
    def rows(self) -> Iterable[tuple[str, ...]]:
        if callable(self._rows):
            self._rows = self._rows()
        return self._rows

    @property
    def data(self) -> Any:
        if callable(self._data):
            self._data = self._data()
        return self._data


def iso(day) -> str | None:
    return day.isoformat() if day else None


def span_json(span: DateSpan | None) -> dict | None:
    if span is None:
        return None
    return {
        "date": span.text,
        "start": iso(span.start),
        "end": iso(span.end),
        "precision": span.precision,
        "approximate": span.approximate,
        "uncertain": span.uncertain,
        "display": describe(span),
    }


def citation_json(c: Citation) -> dict:
    return {"source": c.source, "quote": c.quote, "note": c.note}


def event_json(e: Event) -> dict:
    """The event object of the JSON contract (README "JSON output")."""
    return {
        "id": e.id,
        "date": e.date.text,
        "date_text": e.date_text,
        "date_note": e.date_note,
        "start": iso(e.date.start),
        "end": iso(e.date.end),
        "precision": e.date.precision,
        "approximate": e.date.approximate,
        "uncertain": e.date.uncertain,
        "display_date": describe(e.date),
        "title": e.title,
        "summary": e.summary,
        "actors": list(e.actors),
        "tags": list(e.tags),
        "status": e.status,
        "citations": [citation_json(c) for c in e.citations],
        "outcome": e.outcome,
        "implied_actors": list(e.implied_actors),
        "fulfils": e.fulfils or None,
        "type": e.type or None,
        "mode": e.mode or None,
        "context": list(e.context),
        "recipients": list(e.recipients),
    }


event_row = timeline_row


def events_view(events: Iterable[Event], roles_of: Any = None, corroboration_of: Any = None) -> View:
    """Rows are made as they are written (`events` may be an iterator, read once).
    `corroboration_of` (timeline): event -> answers.corroboration, a `corroboration` key (JSON
    only); `roles_of` (timeline --with-roles): event -> geotie.tenure.event_roles, a
    `roles` column and key."""
    if roles_of is None and corroboration_of is None:
        return View(EVENT_COLUMNS, lambda: (event_row(e) for e in events), lambda: (event_json(e) for e in events))
    # the TSV/CSV columns stay those of the contract (corroboration is in the JSON and the table)
    columns = EVENT_COLUMNS + ("roles",) * (roles_of is not None)

    def row(e: Event) -> tuple[str, ...]:
        return (*event_row(e), *((roles_then_text(roles_of(e)),) if roles_of is not None else ()))

    def obj(e: Event) -> dict:
        out = event_json(e)
        if corroboration_of is not None:
            out["corroboration"] = corroboration_of(e)
        if roles_of is not None:
            out["roles"] = roles_then_json(roles_of(e))
        return out

    return View(columns, lambda: (row(e) for e in events), lambda: (obj(e) for e in events))


def event_view(
    e: Event, roles: list | None = None, corroboration: int | None = None, fulfilled_by: list[str] | None = None
) -> View:
    """`roles`: geotie.tenure.event_roles(e, ...), in the JSON object as `roles`;
    `corroboration`: answers.corroboration, as `corroboration`; `fulfilled_by`: the ids of the
    events that say they carry this one out, as `fulfilled_by`."""
    obj = event_json(e)
    if corroboration is not None:
        obj["corroboration"] = corroboration
    if roles is not None:
        obj["roles"] = roles_then_json(roles)
    if fulfilled_by is not None:
        obj["fulfilled_by"] = list(fulfilled_by)
    return View(EVENT_COLUMNS, [event_row(e)], obj)


PLAN_COLUMNS = ("date", "start", "end", "state", "id", "title", "actors", "announced", "announced_in", "fulfilled_by",
                "fulfilled_on", "outcome")  # fmt: skip


def plan_json(p, today) -> dict:
    """A plan of `geotie plans` (geotie.plans.Plan): the event object, then its state on `today`."""
    obj = event_json(p.event)
    obj["state"] = p.state
    obj["today"] = today.isoformat()
    obj["announced"] = span_json(p.announced)
    obj["announced_in"] = p.announced_in or None
    obj["fulfilled_by"] = [
        {"id": e.id, "date": e.date.text, "display_date": describe(e.date), "status": e.status, "title": e.title}
        for e in p.fulfilled_by
    ]
    return obj


def plan_row(p) -> tuple[str, ...]:
    e = p.event
    return (
        e.date.text,
        iso(e.date.start) or "",
        iso(e.date.end) or "",
        p.state,
        e.id,
        e.title,
        LIST_SEP.join(e.actors),
        p.announced.text if p.announced else "",
        p.announced_in,
        LIST_SEP.join(f.id for f in p.fulfilled_by),
        LIST_SEP.join(f.date.text for f in p.fulfilled_by),
        e.outcome,
    )


def plans_view(plans: Iterable, today) -> View:
    """`geotie plans`: `plans` are geotie.plans.Plan (an iterator is read once, as the rows
    are written), their state on `today` (a date)."""
    return View(PLAN_COLUMNS, lambda: (plan_row(p) for p in plans), lambda: (plan_json(p, today) for p in plans))


def roles_then_json(found: list) -> list[dict]:
    """Each person's role on an event's date (geotie.tenure.event_roles)."""
    return [
        {"actor": r.holder.id, "name": r.holder.name, "title": r.role.title, "of": r.role.of or None,
         "state": r.state}
        for r in found
    ]  # fmt: skip


def roles_then_text(found: list) -> str:
    """`Name: Title (state)`, joined by NAME_SEP."""
    return NAME_SEP.join(f"{r.holder.name}: {r.role.title} ({r.state})" for r in found)


def role_json(r: Role) -> dict:
    return {
        "title": r.title,
        "of": r.of,
        "attested": [d.text for d in r.attested],
        "start": r.start.text if r.start else None,
        "end": r.end.text if r.end else None,
        "note": r.note,
        "citations": [citation_json(c) for c in r.citations],
    }


def _role_dates(r: Role) -> str:
    """`start/end` (`start` or `end` alone when only one is given), then the attested dates,
    comma-separated."""
    bounds = ["/".join([r.start.text if r.start else "", r.end.text if r.end else ""]).strip("/")]
    return LIST_SEP.join([b for b in bounds if b] + [d.text for d in r.attested])


class Lazy:
    """A JSON array inside a view's object, made an element at a time as it is written, never
    held (the events of a profile: a country of a large store has hundreds of thousands).
    Only as a value of the object's own keys (render.writers writes it there)."""

    __slots__ = ("items",)

    def __init__(self, items: Callable[[], Iterable[Any]]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items())


def profile_view(p: Profile) -> View:
    """The profile's events are gone through as they are written: from their stored rows
    where the index has them (`cells`), decoded for json."""
    a = p.actor

    def data() -> dict:
        return {
            **_actor_names_json(a),
            "roles": [role_json(r) for r in p.roles],
            "office_holders": [{"actor": h.id, "name": h.name, **role_json(r)} for h, r in p.holders],
            "events": Lazy(lambda: (event_json(e) for e in p.events)),
            "appears_with": [{"id": o.id, "name": o.name, "events": n} for o, n in p.together],
        }

    def rows() -> Iterator[tuple[str, ...]]:
        yield ("name", a.id, "", a.name, a.kind)
        yield from (("alias", a.id, "", alias, "") for alias in a.aliases)
        yield from (("demonym", a.id, "", demonym, "") for demonym in a.demonyms)
        if a.country:
            yield ("country", a.country, "", a.country, "")
        for r in p.roles:
            yield ("role", r.of, _role_dates(r), r.title, LIST_SEP.join(c.source for c in r.citations))
        for h, r in p.holders:
            yield ("holder", h.id, _role_dates(r), f"{h.name}: {r.title}", LIST_SEP.join(c.source for c in r.citations))
        stored = getattr(p.events, "cells", lambda: None)()
        if stored is not None:  # timeline rows: date, start, end, precision, status, id, title...
            yield from (("event", c[5], c[0], c[6], c[4]) for c in stored)
        else:
            yield from (("event", e.id, e.date.text, e.title, e.status) for e in p.events)
        yield from (("with", o.id, "", o.name, str(n)) for o, n in p.together)

    return View(PROFILE_COLUMNS, rows, data)


def _actor_names_json(a: Actor) -> dict:
    """The first keys of an actor's JSON object, in a profile as in `actors`."""
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "aliases": list(a.aliases),
        "demonyms": list(a.demonyms),
        "country": a.country or None,
    }


def actor_json(a: Actor, events: int) -> dict:
    return {**_actor_names_json(a), "roles": [role_json(r) for r in a.roles], "events": events}


def actors_view(items: Callable[[], Iterable[tuple[Actor, int]]]) -> View:
    """`items()`: each actor with its event count, in order (gone through as written)."""

    def rows() -> Iterator[tuple[str, ...]]:
        for a, n in items():
            yield (a.id, a.kind, a.name, a.country, NAME_SEP.join(a.aliases), str(n))

    return View(ACTOR_COLUMNS, rows, lambda: (actor_json(a, n) for a, n in items()))


def source_json(s: Source, citations: int | None = None) -> dict:
    obj = {
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "authors": list(s.authors),
        "published": span_json(s.published),
        "published_note": s.published_note,
        "url": s.url or None,
        "kind": s.kind,
        "archive": s.archive or None,
    }
    if citations is not None:
        obj["citations"] = citations
    return obj


def sources_view(items: Callable[[], Iterable[tuple[Source, int]]]) -> View:
    """`items()`: each source with how often it is cited, in order (gone through as written)."""

    def rows() -> Iterator[tuple[str, ...]]:
        for s, n in items():
            yield (s.id, s.published.text if s.published else "", s.kind, s.publisher, s.title,
                   NAME_SEP.join(s.authors), str(n))  # fmt: skip

    return View(SOURCE_COLUMNS, rows, lambda: (source_json(s, n) for s, n in items()))


def source_view(s: Source, facts: list[CitingFact]) -> View:
    obj = source_json(s, len(facts))
    obj["cited_by"] = [
        {
            "kind": f.kind,
            "id": f.id,
            "date": f.date.text if f.date else None,
            "title": f.title,
            **citation_json(f.citation),
        }
        for f in facts
    ]
    rows = [(f.kind, f.id, f.date.text if f.date else "", f.title, f.citation.quote) for f in facts]
    return View(CITING_COLUMNS, rows, obj)


def snippet(hit: Hit, width: int = 60) -> str:
    """The match with up to `width` characters of context, on one line."""
    lo = max(0, hit.start - width)
    hi = min(len(hit.text), hit.end + width)
    text = " ".join(hit.text[lo:hi].split())
    return ("…" if lo else "") + text + ("…" if hi < len(hit.text) else "")


def search_view(hits: Iterable[Hit]) -> View:
    """`hits` may be gone through once: each format makes its rows or objects as it writes them."""

    def data() -> Iterator[dict]:
        for h in hits:
            match = h.text[h.start : h.end]
            yield {"kind": h.kind, "id": h.id, "field": h.field, "snippet": snippet(h), "match": match}

    def rows() -> Iterator[tuple[str, ...]]:
        return ((h.kind, h.id, h.field, snippet(h)) for h in hits)

    return View(SEARCH_COLUMNS, rows, data)


def actor_name(store: Lookups, actor_id: str) -> str:
    a = store.actors.get(actor_id)
    return a.name if a else actor_id


def problem_json(p: Problem) -> dict:
    """A problem of `geotie check --format json`."""
    return {
        "file": p.origin.file,
        "line": p.origin.line or None,
        "severity": p.severity,
        "code": p.code,
        "message": p.message,
        "entry": p.entry,
        "field": p.field,
        "hint": p.hint,
    }


TIES_COLUMNS = ("actor", "other", "depth", "events", "first", "last", "tags", "event_ids")


def _tags_by_count(tags: dict[str, int]) -> list[str]:
    return sorted(tags, key=lambda t: (-tags[t], t))


def tie_json(t, names: dict[str, str]) -> dict:
    """A tie of `geotie ties --format json` (README "JSON output")."""
    return {
        "actor": t.near,
        "actor_name": names.get(t.near, t.near),
        "other": t.far,
        "other_name": names.get(t.far, t.far),
        "depth": t.depth,
        "events": t.weight,
        "first": span_json(t.first),
        "last": span_json(t.last),
        "tags": {tag: t.tags[tag] for tag in _tags_by_count(t.tags)},
        "event_ids": list(t.events),
    }


def ties_view(ties: Iterable, names: dict[str, str]) -> View:
    """`ties`: geotie.ties.Tie, gone through once (as the format writes them); `names`:
    actor id -> name."""
    rows = (
        (
            t.near,
            t.far,
            str(t.depth),
            str(t.weight),
            t.first.text if t.first else "",
            t.last.text if t.last else "",
            LIST_SEP.join(_tags_by_count(t.tags)),
            LIST_SEP.join(t.events),
        )
        for t in ties
    )
    return View(TIES_COLUMNS, lambda: rows, lambda: (tie_json(t, names) for t in ties))


ACTIVITY_COLUMNS = ("period", "start", "end", "group", "events", "spanning")


def activity_view(act, by: str, split: str) -> View:
    """`act`: geotie.activity.Activity. One row per period and group (a period with no event
    at all has one row with an empty group and zeros), then one row per group of the
    unplaced events, with the period "unplaced" and no start or end."""
    rows: list[tuple[str, ...]] = []
    data = []
    for p in act.periods:
        groups = sorted(set(p.events) | set(p.spanning))
        for g in groups or [""]:
            rows.append(
                (p.key, p.start.isoformat(), p.end.isoformat(), g, str(p.events.get(g, 0)), str(p.spanning.get(g, 0)))
            )
        data.append(
            {
                "period": p.key,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "events": dict(sorted(p.events.items())),
                "spanning": dict(sorted(p.spanning.items())),
            }
        )
    rows += [("unplaced", "", "", g, str(n), "0") for g, n in sorted(act.unplaced.items())]
    obj = {"by": by, "split": split, "periods": data, "unplaced": dict(sorted(act.unplaced.items()))}
    return View(ACTIVITY_COLUMNS, rows, obj)


ROLES_ON_COLUMNS = ("holder", "name", "title", "of", "state", "dates", "sources")


def roles_on_view(p: Profile, day: DateSpan, found: list) -> View:
    """`who NAME --on DATE`: `found` is geotie.tenure.roles_on(p, day)."""
    data = {
        "id": p.actor.id,
        "name": p.actor.name,
        "on": span_json(day),
        "roles": [{"actor": r.holder.id, "name": r.holder.name, "state": r.state, **role_json(r.role)} for r in found],
    }
    rows = [
        (r.holder.id, r.holder.name, r.role.title, r.role.of, r.state, _role_dates(r.role),
         LIST_SEP.join(dict.fromkeys(c.source for c in r.role.citations)))
        for r in found
    ]  # fmt: skip
    return View(ROLES_ON_COLUMNS, rows, data)
