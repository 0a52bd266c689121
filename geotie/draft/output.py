"""Drafts written out: TOML `[[events]]` in the store format (comments where a guess was
made, no ids: `geotie add --from` makes them from the date and title), and JSON objects of
geotie's event contract with a `draft` object of what the curator should check."""

from __future__ import annotations

from ..model import DateSpan
from .propose import Candidate

#: JSON keys of a draft that are not fields of an event; `add --from` ignores them.
DRAFT_KEYS = ("draft",)


def event_table(c: Candidate, source: str) -> dict:
    """The candidate as a raw store table (the store's key order, no id)."""
    table: dict = {"date": c.dating.date}
    if c.dating.date_text:
        table["date_text"] = c.dating.date_text
    table["date_note"] = c.dating.date_note
    table["title"] = c.title
    table["actors"] = list(c.named.actors)
    table["status"] = c.status.status
    table["citations"] = [{"source": source, "quote": c.quote}]
    return table


def _comment(text: str) -> str:
    """One TOML comment line: white space runs made one space, other control characters shown
    as escapes (`text.visible`), which TOML does not allow in a comment."""
    from ..text import visible

    return "# " + visible(" ".join(text.split()))


def notes(c: Candidate, brief: bool = False) -> list[str]:
    """What the curator should look at, one line each (`brief`: without what a review table
    shows in its columns, the status guess, and the reminder about titles)."""
    out = []
    if c.cited_by:
        out.append(f"already in the store: {', '.join(c.cited_by)}")
    if brief:
        pass
    elif c.status.cue:
        out.append(f'status "{c.status.status}" is a guess from "{c.status.cue}"')
    else:
        out.append('status "occurred" is a guess (no wording said otherwise)')
    if not c.dating.explicit:
        out.append("date: the sentence gives none; dated by the publication")
    if c.named.unknown:
        out.append(
            "names the store does not know (add them with 'geotie add actor' first): " + "; ".join(c.named.unknown)
        )
    for name, ids in c.named.ambiguous:
        out.append(f"'{name}' fits {len(ids)} actors: {', '.join(ids)}")
    if not c.named.actors:
        out.append("actors: none of the store's actors is named; add at least one")
    if c.repaired:
        out.append(f"mojibake in the article; names were matched in: {c.repaired}")
    if not brief:
        out.append("title: drafted from the sentence; write your own")
    return out


def toml_text(candidates: list[Candidate], source: str, file: str, published: DateSpan, new_source: bool) -> str:
    """The candidates as TOML for `geotie add --from`, headed by how to review them."""
    from ..add import to_toml

    head = [
        f"geotie draft of {file}: {len(candidates)} candidate event(s), source '{source}', published {published.text}",
        "Review every entry: keep the true ones, fix titles, dates and actors, delete the rest,",
        "then add them all at once with: geotie add --from THIS-FILE (nothing is added if one has a problem)",
    ]
    if new_source:
        head.append(f"'{source}' is not in the store yet: add it first with geotie add source --id {source} ...")
    parts = ["\n".join(_comment(line) for line in head) + "\n"]
    for n, c in enumerate(candidates, 1):
        s = c.sentence
        lines = [_comment(f"--- candidate {n}: paragraph {s.paragraph}, sentence {s.number}")]
        lines += [_comment(line) for line in notes(c)]
        parts.append("\n".join(lines) + "\n" + to_toml("events", event_table(c, source)))
    return "\n".join(parts)


def json_object(c: Candidate, source: str) -> dict:
    """The candidate as an event object of the JSON contract (no id), plus `draft`."""
    from ..dates import describe, parse_edtf

    span = parse_edtf(c.dating.date)
    table = event_table(c, source)
    obj = {
        "date": table["date"],
        "date_text": c.dating.date_text,
        "date_note": c.dating.date_note,
        "start": span.start.isoformat() if span.start else None,
        "end": span.end.isoformat() if span.end else None,
        "precision": span.precision,
        "approximate": span.approximate,
        "uncertain": span.uncertain,
        "display_date": describe(span),
        "title": c.title,
        "summary": "",
        "actors": table["actors"],
        "tags": [],
        "status": c.status.status,
        "citations": [{"source": source, "quote": c.quote, "note": ""}],
        "outcome": "",
        "implied_actors": [],
        "draft": {
            "paragraph": c.sentence.paragraph,
            "sentence": c.sentence.number,
            "cited_by": c.cited_by,
            "status_cue": c.status.cue,
            "dated_by_publication": not c.dating.explicit,
            "unknown_names": c.named.unknown,
            "ambiguous": [{"name": name, "actors": list(ids)} for name, ids in c.named.ambiguous],
            "repaired": c.repaired,
        },
    }
    return obj
