"""Checksums of the index's rows: SQLite keeps none of its own, so a byte changed inside a
stored string would otherwise be answered as if it were true. Each event row (with its
actors, tags and citations) and each timeline row carries the CRC-32 of what it holds,
written at build time and compared whenever the row is read; a mismatch is damage
(errors.IndexDamaged: the file is removed and built again)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

SEP = "\x1f"  # between the parts (a check against damage, not against forgery: parts are not escaped)


def crc(parts: Iterable[object]) -> int:
    """The CRC-32 of the parts (str or int), in order."""
    return zlib.crc32(SEP.join(map(str, parts)).encode("utf-8", "surrogatepass"))


def text_crc(parts: tuple[str, ...]) -> int:
    """`crc` of parts that are all str (a timeline row), the quick way."""
    return zlib.crc32(SEP.join(parts).encode("utf-8", "surrogatepass"))


def event_crc(row: tuple, actors: Iterable[str], tags: Iterable[str], cites: Iterable[tuple]) -> int:
    """Of an `events` row (without pos and crc) with its actors, tags and citations (source, quote, note)."""
    return crc((*row, SEP, *actors, SEP, *tags, SEP, *(x for c in cites for x in c)))


def _span(span) -> str:
    return "" if span is None else span.text


def actor_crc(a) -> int:
    """Of an Actor as the index gives it back: its fields, names, roles and their citations."""
    parts: list[object] = [a.id, a.name, a.kind, a.country, a.note, a.origin.file, a.origin.line, SEP]
    parts += [*a.aliases, SEP, *a.demonyms]
    for r in a.roles:
        parts += [SEP, r.title, r.of, _span(r.start), _span(r.end), r.note, *(d.text for d in r.attested)]
        parts += [x for c in r.citations for x in (c.source, c.quote, c.note)]
    return crc(parts)


def source_crc(s) -> int:
    """Of a Source as the index gives it back."""
    parts = [s.id, s.title, s.publisher, _span(s.published), s.published_note, s.url, s.kind, s.archive]
    return crc([*parts, s.origin.file, s.origin.line, SEP, *s.authors])
