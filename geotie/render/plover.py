"""`-f plover`: events as PLOVER records (JSON objects in PLOVER's field names), one per line.

How a geotie event maps (README "PLOVER output"):
- id: the event id; event: [type]; mode: [mode] or null; context: the contexts or null;
  quad_code: the type's quad category (geotie.plover.QUADS, 1-4).
- date: the first day the event may fall on (an open start: its last possible day);
  enddate: its last possible day when that is another day (an interval, or a vague date:
  the record's `geotie.precision` tells which), else null.
- actor: the event's actors but its `recipients`; recipient: its `recipients`, or null when
  it names none (an undirected event: PLOVER codes reciprocal events so too). Actors of kind
  equipment (JF-17...) are things, not PLOVER entities: left out of both.
- event_text: the verbatim quotes; cite_info: one citeInfo object per quote, in the same
  order (its source's id, title, publisher, url and date); comment: the title.
- geotie: what PLOVER has no field for (the EDTF date, precision, status, tags, summary).
An event without a type, a known day or an actor is not written (PLOVER requires them):
`plover_view` counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import plover
from ..answers import Lookups
from ..model import Actor, Event
from .rows import View, iso


def _entity(store: Lookups, actor_id: str, offices: dict[str, str]) -> dict:
    actor: Actor | None = store.actors.get(actor_id)
    out: dict[str, Any] = {"identifier_id": actor_id, "identifier_text": actor.name if actor else actor_id}
    country = None
    if actor is not None:
        if actor.kind == "country":
            country = actor.name
        elif actor.country:
            home = store.actors.get(actor.country)
            country = home.name if home is not None else actor.country
    out["country_name"] = country
    out["kind"] = actor.kind if actor else None
    if actor_id in offices:
        out["office"] = offices[actor_id]
    return out


def _cite(store: Lookups, source_id: str) -> dict:
    s = store.sources.get(source_id)
    if s is None:  # pragma: no cover - a loaded store's citations resolve
        return {"citation": source_id, "codebook": plover.CODEBOOK}
    return {
        "citation": s.id,
        "title": s.title,
        "publication": s.publisher or None,
        "url": s.url or None,
        "date": s.published.text if s.published else None,
        "codebook": plover.CODEBOOK,
    }


def missing(e: Event, store: Lookups) -> str:
    """What PLOVER requires that `e` lacks ("" if nothing): "type", "day" or "actor"."""
    if not e.type:
        return "type"
    if e.date.start is None and e.date.end is None:
        return "day"
    if not _entities(e, store)[0]:
        return "actor"
    return ""


def _entities(e: Event, store: Lookups) -> tuple[list[str], list[str]]:
    """The ids of the event's PLOVER actors and recipients (no equipment), each once."""
    actors, recipients = [], []
    for a in dict.fromkeys(e.actors):
        found = store.actors.get(a)
        if found is None or found.kind != "equipment":
            (recipients if a in e.recipients else actors).append(a)
    return actors, recipients


def plover_record(e: Event, store: Lookups, roles: list | None = None) -> dict | None:
    """The PLOVER record of `e`; None when it lacks what PLOVER requires (`missing`). `roles`:
    geotie.tenure.event_roles(e, ...), each person's office on the day (the entity's `office`)."""
    if not e.type:
        return None
    first = e.date.start or e.date.end
    actors, recipients = _entities(e, store)
    if first is None or not actors:
        return None
    last = e.date.end
    offices = {r.holder.id: r.role.title for r in roles or ()}
    return {
        "id": e.id,
        "date": iso(first),
        "enddate": iso(last) if last is not None and last != first else None,
        "actor": [_entity(store, a, offices) for a in actors],
        "recipient": [_entity(store, a, offices) for a in recipients] or None,
        "event": [e.type],
        "event_text": [c.quote for c in e.citations],
        "quad_code": plover.quad_code(e.type),
        "mode": [e.mode] if e.mode else None,
        "context": list(e.context) or None,
        "cite_info": [_cite(store, c.source) for c in e.citations],
        "comment": e.title,
        "geotie": {
            "date": e.date.text,
            "precision": e.date.precision,
            "approximate": e.date.approximate,
            "uncertain": e.date.uncertain,
            "status": e.status,
            "tags": list(e.tags),
            "summary": e.summary,
        },
    }


class Skipped(dict):
    """How many events `plover_view` left out, by what they lack (`missing`)."""


def plover_view(
    events: Iterable[Event], store: Lookups, roles_of: Callable[[Event], list] | None = None
) -> tuple[View, Skipped]:
    """The PLOVER records of `events` (an iterator is read once, as the lines are written),
    and the count of those left out, complete once the view is written."""
    skipped = Skipped()

    def records() -> Iterator[dict]:
        for e in events:
            if not e.type:  # the common case, quickly
                skipped["type"] = skipped.get("type", 0) + 1
                continue
            record = plover_record(e, store, roles_of(e) if roles_of is not None else None)
            if record is None:
                why = missing(e, store)
                skipped[why] = skipped.get(why, 0) + 1
                continue
            yield record

    return View((), (), records), skipped
