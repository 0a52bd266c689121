"""Sources for papers: CSL-JSON and biblatex; a timeline as Markdown with footnotes.
Plain text, never through Rich."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import IO

from ..dates import _single, describe
from ..model import DateSpan, Event, Source
from ..text import visible
from .rows import View
from .writers import write_json

#: geotie's source kinds as CSL types (biblatex types in BIBLATEX_TYPES).
CSL_TYPES = {
    "news": "article-newspaper",
    "interview": "article-newspaper",
    "analysis": "article-magazine",
    "opinion": "article-magazine",
    "official": "report",
    "press-release": "report",
    "other": "webpage",
}
BIBLATEX_TYPES = {"article-newspaper": "article", "article-magazine": "article", "report": "report"}


def _parts(text: str) -> list[int]:
    """The date-parts of one EDTF date at the precision it has: [2024], [2024, 9], [2024, 9, 30];
    a decade or century is its first year (the `circa` flag then says it is not exact)."""
    d = _single(text)
    return [d.start.year, d.start.month, d.start.day][: {"day": 3, "month": 2}.get(d.precision, 1)]


def csl_date(span: DateSpan) -> dict:
    """A CSL date variable, never more precise than the store: `date-parts` (two for an
    interval; an open end is left out; a range of days inside one month is that month, as
    citeproc-py cannot render such a range; a decade or century is its range of years),
    `circa` when approximate, uncertain or wider than a year."""
    if span.interval:
        left, right = span.text.split("/")
        parts = [_parts(p) for p in (left, right) if p not in ("", "..")]
        if len(parts) == 2 and len(parts[0]) == len(parts[1]) == 3 and parts[0][:2] == parts[1][:2]:
            parts = [parts[0][:2]]  # days of one month: the month (the days are in `note`)
    elif span.precision in ("decade", "century", "millennium"):
        parts = [[span.start.year], [span.end.year]]
    else:
        parts = [_parts(span.text)]
    out: dict = {"date-parts": parts}
    if span.approximate or span.uncertain or span.precision in ("decade", "century", "millennium"):
        out["circa"] = True
    return out


def _person(name: str) -> dict:
    """`Given Family` split at the last space; a one-word name (an agency, a desk) is literal."""
    given, _, family = name.strip().rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def csl_item(s: Source) -> dict:
    item: dict = {"id": s.id, "type": CSL_TYPES.get(s.kind, "webpage"), "title": s.title}
    if s.authors:
        item["author"] = [_person(a) for a in s.authors]
    if s.publisher:
        item["container-title"] = s.publisher
    if s.published:
        item["issued"] = csl_date(s.published)
    if s.url:
        item["URL"] = s.url
    notes = [f"Published: {describe(s.published)}" if s.published else "", s.published_note]
    if any(notes):
        item["note"] = " ".join(n for n in notes if n)
    return item


def write_csljson(sources: Iterable[Source], out: IO[str]) -> None:
    """A CSL-JSON array, written an item at a time."""
    write_json(View((), (), (csl_item(s) for s in sources)), out)


_BIB_SPECIAL = re.compile(r"[\\{}$&%#_^~]")
_BIB_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def bib_text(value: str) -> str:
    """A field value for a braced biblatex field: TeX specials escaped, line breaks and control
    characters made visible, so no value can close the field or run a TeX command."""
    value = visible(" ".join(value.splitlines()))
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES.get(m.group(), "\\" + m.group()), value)


def bib_date(span: DateSpan) -> str:
    """biblatex's EDTF-based `date` field: precision and `?`/`~` kept, open ends as `..`."""
    return span.text.replace("..", "") if span.interval else span.text


def bib_entry(s: Source) -> str:
    csl = CSL_TYPES.get(s.kind, "webpage")
    kind = BIBLATEX_TYPES.get(csl, "online")
    fields: list[tuple[str, str]] = [("title", bib_text(s.title))]
    if s.authors:
        names = ("{" + bib_text(a) + "}" if " " not in a.strip() else bib_text(a) for a in s.authors)
        fields.append(("author", " and ".join(names)))
    if s.publisher:
        fields.append(("journaltitle" if kind == "article" else "organization", bib_text(s.publisher)))
    if s.published:
        fields.append(("date", bib_date(s.published)))
    if s.url:
        fields.append(("url", bib_text(s.url)))
    if s.published_note:
        fields.append(("note", bib_text(s.published_note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{s.id},\n{body}\n}}\n"


def write_bibtex(sources: Iterable[Source], out: IO[str]) -> None:
    """The entries one after another, an empty line between them, written as made."""
    separator = ""
    for s in sources:
        out.write(separator + bib_entry(s))
        separator = "\n"


def write_md_cited(events: Iterable[Event], source_of: Callable[[str], Source | None], out: IO[str]) -> None:
    """The timeline as a Markdown table whose Sources cell holds footnote references
    (`[^1]`), each distinct (source, quote) numbered once, then the footnotes quoting the
    passages with their source (title, date, link)."""
    numbers: dict[tuple[str, str], int] = {}
    out.write("| date | status | event | actors | sources |\n|---|---|---|---|---|\n")
    for e in events:
        refs = []
        for c in e.citations:
            n = numbers.setdefault((c.source, c.quote), len(numbers) + 1)
            refs.append(f"[^{n}]")
        cells = (describe(e.date), e.status, e.title, ", ".join(e.actors))
        out.write("| " + " | ".join(md_inline(v) for v in cells) + " | " + "".join(dict.fromkeys(refs)) + " |\n")
    if numbers:
        out.write("\n")
    for (source_id, quote), n in numbers.items():
        s = source_of(source_id)
        where = md_inline(s.title) if s else md_inline(source_id)
        url = safe_url(s.url) if s else None
        if url:
            where = f"[{where}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"
        when = f", {describe(s.published)}" if s and s.published else ""
        out.write(f"[^{n}]: “{md_inline(quote)}” — {where}{when} (`{source_id}`)\n")


def safe_url(url: str) -> str | None:
    """A link target only for an http(s) URL without spaces or control characters; anything
    else (a `javascript:` URL...) is shown as text, never linked."""
    url = url.strip()
    if url.lower().startswith(("https://", "http://")) and url.isprintable() and " " not in url:
        return url
    return None


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_inline(value: str) -> str:
    """Store text as inline Markdown: one line, Markdown and HTML specials backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", visible(" ".join(value.splitlines())))
