"""A timeline as TimelineJS3 JSON (`events[]` with `start_date`, `end_date`, `display_date`,
`text`, `group`, `unique_id`). Plain text, never through Rich.

A date never gains precision: each end carries only the parts the store knows (a year stays
`{"year": 2024}`), a decade or century becomes its range of years, an open start ("by 2016")
starts at its known end with the display date saying "by", and the human wording of the date
is the `display_date` (TimelineJS shows it as given)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from ..dates import _single, describe
from ..model import DateSpan, Event, Source
from .citations import safe_url
from .writers import json_text


def _date(text: str, last: bool = False) -> dict:
    d = _single(text)
    if d.precision in ("decade", "century", "millennium"):
        return {"year": (d.end if last else d.start).year}
    parts = {"year": d.start.year}
    if d.precision in ("month", "day"):
        parts["month"] = d.start.month
    if d.precision == "day":
        parts["day"] = d.start.day
    return parts


def tl_dates(span: DateSpan) -> tuple[dict, dict | None]:
    """`start_date` and `end_date` (None: a single date of day, month or year precision)."""
    if span.interval:
        left, right = span.text.split("/")
        open_left, open_right = left in ("", ".."), right in ("", "..")
        if open_left:
            return _date(right), None
        return _date(left), (None if open_right else _date(right, last=True))
    if span.precision in ("decade", "century", "millennium"):
        return _date(span.text), _date(span.text, last=True)
    return _date(span.text), None


def _text(e: Event, source_of: Callable[[str], Source | None]) -> str:
    """The event's summary and citations as the HTML TimelineJS puts in `text.text`: every
    store string escaped, links only to http(s) URLs."""
    out = [f"<p>{html.escape(e.summary)}</p>"] if e.summary else []
    out.append(f"<p>Status: {html.escape(e.status)}. Date: {html.escape(e.date.text)}</p>")
    for c in e.citations:
        s = source_of(c.source)
        name = html.escape(s.title if s else c.source)
        url = safe_url(s.url) if s else None
        if url:
            name = f'<a href="{html.escape(url)}">{name}</a>'
        out.append(f"<blockquote>{html.escape(c.quote)}</blockquote><p>— {name}</p>")
    return "".join(out)


def tl_event(e: Event, source_of: Callable[[str], Source | None], group: str) -> dict:
    start, end = tl_dates(e.date)
    display = describe(e.date)
    start["display_date"] = display
    item: dict = {
        "unique_id": e.id,
        "start_date": start,
        "display_date": display,
        "text": {"headline": html.escape(e.title), "text": _text(e, source_of)},
        "group": group,
    }
    if end is not None:
        item["end_date"] = end
    return item


def _title(title: str) -> dict:
    return {"text": {"headline": html.escape(title), "text": ""}}


def _items(events: Iterable[Event], source_of: Callable[[str], Source | None], group_by: str) -> Iterator[dict]:
    for e in events:
        group = e.status if group_by == "status" else (e.tags[0] if e.tags else "untagged")
        yield tl_event(e, source_of, group)


def timelinejs(
    events: Iterable[Event], source_of: Callable[[str], Source | None], title: str, group_by: str = "status"
) -> dict:
    """The whole document. `group_by`: "status" (the default) or "tag" (the first tag)."""
    return {"title": _title(title), "events": list(_items(events, source_of, group_by))}


def write_timelinejs(doc: dict, out: IO[str]) -> None:
    out.write(json_text(doc, indent=2) + "\n")


def stream_timelinejs(
    events: Iterable[Event],
    source_of: Callable[[str], Source | None],
    title: str,
    out: IO[str],
    group_by: str = "status",
) -> None:
    """What `write_timelinejs(timelinejs(...))` writes, byte for byte, an event at a time
    (memory bounded by one event, not by the timeline)."""
    head = json_text({"title": _title(title)}, indent=2)[: -len("\n}")]
    opening = head + ',\n  "events": [\n    '
    for item in _items(events, source_of, group_by):
        out.write(opening + json_text(item, indent=2).replace("\n", "\n    "))
        opening = ",\n    "
    out.write(head + ',\n  "events": []\n}\n' if opening.startswith(head) else "\n  ]\n}\n")
