"""The searchable fields of each kind of entry, named as `geotie search` reports them."""

from __future__ import annotations

from .model import Actor, Event, Source

LIST_SEP = ","  # joins ids inside one tsv/csv cell
#: The columns of a timeline row (tsv, csv, md): `timeline_row`.
TIMELINE_COLUMNS = ("date", "start", "end", "precision", "status", "id", "title", "actors", "tags", "sources")


def timeline_row(e: Event) -> tuple[str, ...]:
    """An event's cells in the timeline's tsv/csv/md rows (TIMELINE_COLUMNS). `e` may also be
    the checked fields of an event (store.convert.Checked): the index stores these cells."""
    span = e.date
    return (
        span.text,
        span.start.isoformat() if span.start else "",
        span.end.isoformat() if span.end else "",
        span.precision,
        e.status,
        e.id,
        e.title,
        LIST_SEP.join(e.actors),
        LIST_SEP.join(e.tags),
        LIST_SEP.join(dict.fromkeys(c.source for c in e.citations)),
    )


def event_fields(e: Event) -> list[tuple[str, str]]:
    fields = [("title", e.title), ("summary", e.summary), ("date_text", e.date_text)]
    fields += [(f"quote[{i}]", c.quote) for i, c in enumerate(e.citations)]
    fields += [(f"note[{i}]", c.note) for i, c in enumerate(e.citations)]
    return fields


def event_text(e: Event) -> str:
    """The text of every field of `event_fields`, on one line (for the search prefilter).
    `e` may also be the checked fields of an event (store.convert.Checked)."""
    cites = e.citations
    return " ".join([e.title, e.summary, e.date_text, *[c.quote for c in cites], *[c.note for c in cites]])


def search_texts(events) -> list[str]:
    """The folded search text of each event (Events or store.convert.Checked records)."""
    from .text import fold_lines

    return fold_lines([event_text(e) for e in events])


def actor_fields(a: Actor) -> list[tuple[str, str]]:
    fields = [("name", a.name)] + [(f"alias[{i}]", al) for i, al in enumerate(a.aliases)]
    fields += [(f"demonym[{i}]", d) for i, d in enumerate(a.demonyms)]
    fields += [(f"role[{i}]", r.title) for i, r in enumerate(a.roles)]
    fields += [(f"role[{i}].quote", c.quote) for i, r in enumerate(a.roles) for c in r.citations]
    return fields


def source_fields(s: Source) -> list[tuple[str, str]]:
    return [("title", s.title), ("publisher", s.publisher)] + [(f"author[{i}]", au) for i, au in enumerate(s.authors)]


def searchable(fields: list[tuple[str, str]]) -> str:
    """All fields as one line for `fold_lines`: a prefilter for search (it may say yes
    across two fields, never no when one field matches)."""
    return " ".join(text for _, text in fields if text)
