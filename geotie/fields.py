"""The searchable fields of each kind of entry, named as `geotie search` reports them."""

from __future__ import annotations

from .model import Actor, Event, Source


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
