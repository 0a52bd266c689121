"""Build the index: rows written into a file aside (`<target>.tmp-<pid>`), renamed over the
target only once complete, so a build that fails or is killed leaves no half index.

`Builder` takes the store a part at a time -- files, [meta] tables, warnings, sources,
actors, then events in timeline order, a batch at a time -- so it can be fed from a loaded
Store (`build_index`) or, later, straight from checked events read in parallel
(store.convert.Checked records, which have an Event's fields but no origin: `add_events`
takes the file index and line beside each).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..fields import actor_fields, search_texts, searchable, source_fields, timeline_row
from ..model import SCHEMA_VERSION, Actor, DateSpan, Meta, Problem, Source, Store
from ..text import fold, fold_lines, tsv_line
from . import aside, schema
from .checksum import actor_crc, event_crc, source_crc, text_crc
from .db import Index
from .fresh import file_hash, file_stat, safe_dir
from .progress import QUIET, Progress

if TYPE_CHECKING:
    from .bulk import Bulk

#: While building: pages of 16 KB (SQLite's default is 4 KB: at 100,000 events the build took
#: 2.3-2.5 s instead of 2.7-3.0, and a two-actor timeline's query 20 instead of 23.5 ms in a
#: fresh process), no journal and no syncs (the file is aside until it is whole, then synced and
#: renamed), nobody else reading it, 64 MB of page cache.
PRAGMAS = (
    "page_size = 16384",
    "journal_mode = OFF",
    "synchronous = OFF",
    "locking_mode = EXCLUSIVE",
    "cache_size = -65536",
)

BATCH = 4096  # events added at a time: the rows of the whole store are never in memory at once


def in_batches(items: Iterable) -> Iterator[list]:
    """`items` BATCH at a time (a list or an iterator, which is never held whole)."""
    found = iter(items)
    while batch := list(islice(found, BATCH)):
        yield batch


#: An event with its file (index in the paths) and line: an Event or a store.convert.Checked.
EventItem = tuple[Any, int, int]


def _days(span: DateSpan | None) -> tuple[int | None, int | None]:
    return (span.lo.toordinal(), span.hi.toordinal()) if span is not None else (None, None)


def _text(span: DateSpan | None) -> str | None:
    return span.text if span is not None else None


#: Where `event_rows` puts `fulfils` in an `events` row (without pos).
FULFILS_AT = 14


def event_rows(e: Any, file: int, line: int) -> tuple:
    """An event (an Event or a store.convert.Checked) as the index stores it, but for its
    position: its `events` row, its actors, its tags, its citations (source, quote, note),
    its `event_rows` row (from lo on)."""
    span = e.date
    anchor = (span.start or span.end or date.min).toordinal()
    lo, hi = span.lo.toordinal(), span.hi.toordinal()
    row = (e.id, span.text, lo, hi, anchor, e.title, e.summary, e.date_text, e.date_note, e.status, e.outcome, file,
           line, " ".join(e.implied_actors), e.fulfils, e.type, e.mode, " ".join(e.context),
           " ".join(e.recipients))  # fmt: skip
    actors, tags = tuple(e.actors), tuple(e.tags)
    cites = tuple((c.source, c.quote, c.note) for c in e.citations)
    line = tsv_line(timeline_row(e))
    return (*row, event_crc(row, actors, tags, cites)), actors, tags, cites, (lo, hi, e.status, line, text_crc((line,)))


class Builder:
    """An index being written aside. Use as a context manager: leaving it by an exception
    (or without `finish`) removes the file aside and leaves `target` as it was."""

    def __init__(self, target: Path | None, fts: bool | None = None) -> None:
        """`target` None: an index in memory (`memory_index`), for where no cache folder can be used."""
        self.target = target
        self.tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}") if target is not None else None
        self.fts = schema.has_trigram_fts() if fts is None else fts
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)  # left by a killed build of a process with our pid
        self.db = sqlite3.connect(self.tmp or ":memory:", isolation_level=None)
        self.meta: dict[str, str] = {}
        self.files: list[str] = []
        self.part_aside = False  # aside.PART_TABLES are built by another process
        self.part_copied = False  # and copied in: their full-text table is merged already
        self.pos = self.actors = self.sources = 0  # the rows added so far
        try:
            for pragma in PRAGMAS:
                self.db.execute(f"PRAGMA {pragma}")
            self.db.execute("BEGIN")
            schema.create(self.db, self.fts)
        except BaseException:
            self.abandon()
            raise

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, kind, err, tb) -> None:
        if self.db is not None:
            self.abandon()

    def abandon(self) -> None:
        """Drop what was written aside."""
        if self.db is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)

    # --- the parts of a store, in this order ------------------------------------------------

    def add_files(self, paths: Sequence[Path], stats: Sequence[list[int]], hashes: Sequence[str]) -> None:
        """The store files, with the stat and hash they had when read (see db.fresh)."""
        self.files = [str(p) for p in paths]
        self.db.executemany(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
            [(i, str(p), *st, h) for i, (p, st, h) in enumerate(zip(paths, stats, hashes, strict=True))],
        )

    def add_metas(self, metas: Iterable[Meta]) -> None:
        index = {f: i for i, f in enumerate(self.files)}
        self.db.executemany(
            "INSERT INTO store_meta VALUES (?, ?, ?, ?, ?, ?)",
            [(index[m.origin.file], m.schema, m.title, m.description, _text(m.as_of), m.origin.line) for m in metas],
        )

    def add_warnings(self, warnings: Iterable[Problem]) -> None:
        self.db.executemany(
            "INSERT INTO warnings VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.severity, p.code, p.message, p.origin.file, p.origin.line, p.entry, p.field, p.hint) for p in warnings],
        )

    def add_sources(self, sources: Iterable[Source]) -> None:
        sources = list(sources)
        rows, authors = [], []
        for seq, s in enumerate(sources, self.sources):
            lo, hi = _days(s.published)
            order = schema.sort_day(s.published)
            rows.append((seq, s.id, s.title, s.publisher, _text(s.published), lo, hi, s.published_note, s.url, s.kind,
                         s.archive, s.origin.file, s.origin.line, source_crc(s), order))  # fmt: skip
            authors += [(s.id, i, name) for i, name in enumerate(s.authors)]
        self.db.executemany("INSERT INTO sources VALUES (" + ", ".join("?" * 15) + ")", rows)
        self.db.executemany("INSERT INTO source_authors VALUES (?, ?, ?)", authors)
        self._search_text("source_search", self.sources, fold_lines([searchable(source_fields(s)) for s in sources]))
        self.sources += len(sources)

    def add_actors(self, actors: Iterable[Actor]) -> None:
        actors = list(actors)
        rows, aliases, demonyms, names, roles, cites = [], [], [], [], [], []
        for seq, a in enumerate(actors, self.actors):
            rows.append((seq, a.id, a.name, a.kind, a.country, a.note, a.origin.file, a.origin.line, actor_crc(a),
                         text_crc((a.id, a.name)), fold(a.name)))  # fmt: skip
            aliases += [(a.id, i, al) for i, al in enumerate(a.aliases)]
            demonyms += [(a.id, i, d) for i, d in enumerate(a.demonyms)]
            seen: set[str] = set()
            for n in (a.id, *a.names):  # as store.name_index: each folded name once per actor
                key = fold(n)
                if key not in seen:
                    seen.add(key)
                    names.append((key, a.id, n))
            for i, r in enumerate(a.roles):
                lo = r.start.lo.toordinal() if r.start else 1  # the days the role may have been held
                hi = r.end.hi.toordinal() if r.end else schema.MAX_DAY
                attested = json.dumps([d.text for d in r.attested])
                roles.append((a.id, i, r.title, r.of, _text(r.start), _text(r.end), lo, hi, r.note, attested))
                cites += [(None, a.id, i, j, c.source, c.quote, c.note) for j, c in enumerate(r.citations)]
        self.db.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO aliases VALUES (?, ?, ?)", aliases)
        self.db.executemany("INSERT INTO demonyms VALUES (?, ?, ?)", demonyms)
        self.db.executemany("INSERT INTO names VALUES (NULL, ?, ?, ?)", names)
        self.db.executemany("INSERT INTO roles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", roles)
        self.db.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?, ?)", cites)
        self._search_text("actor_search", self.actors, fold_lines([searchable(actor_fields(a)) for a in actors]))
        self.actors += len(actors)

    def _search_text(self, table: str, first: int, texts: list[str]) -> None:
        """Rows `first`, `first + 1`... of a search table (their seq, or pos)."""
        self.db.executemany(f"INSERT INTO {table} (rowid, text) VALUES (?, ?)", enumerate(texts, first))

    def add_events(self, items: Sequence[EventItem], texts: Sequence[str] | None = None) -> None:
        """A batch of events that follow those added before in timeline order; each with the
        index of its file and its line. `texts`: their folded search text, if worked out
        already (fields.search_texts)."""
        if texts is None:
            texts = search_texts([e for e, _, _ in items])
        self.add_rows([event_rows(e, file, line) for e, file, line in items], texts)

    def add_rows(self, items: Sequence[tuple], texts: Sequence[str] | None = None) -> None:
        """`add_events` of events already made into rows (`event_rows`, as index.bulk's workers
        do). `texts` None: aside.PART_TABLES are built by another process (`part_aside`)."""
        if (texts is None) != self.part_aside or (texts is not None and len(texts) != len(items)):
            raise ValueError(f"{len(items)} events but {'no' if texts is None else len(texts)} search texts")
        start = self.pos
        rows, tags, cites, cells = [], [], [], []
        for pos, (row, _, tagged, cited, printed) in enumerate(items, start):
            rows.append((pos, *row))
            cells.append((pos, *printed))
            tags += [(pos, i, t) for i, t in enumerate(tagged)]
            cites += [(pos, None, None, j, *c) for j, c in enumerate(cited)]
        db = self.db
        db.executemany("INSERT INTO events VALUES (" + ", ".join("?" * 21) + ")", rows)
        db.executemany("INSERT INTO event_rows VALUES (?, ?, ?, ?, ?, ?)", cells)
        db.executemany("INSERT INTO event_tags VALUES (?, ?, ?)", tags)
        db.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?, ?)", cites)
        if texts is not None:  # else a second process builds them (index.aside)
            aside.insert_part(db, *aside.part_rows(start, ((r[1], t) for r, t in zip(items, texts, strict=True))))
        self.pos = start + len(items)

    def finish(self, paths: Sequence[Path | str], written_ns: int | None = None) -> Index | None:
        """Index the rows, record what the index was built from, and put it in place: the
        index (open) in memory, or written at `target` (closed, then the Index is None)."""
        db = self.db
        schema.create_indexes(db)
        if self.fts:  # what the second process built (aside.PART_TABLES) is merged already
            done = aside.PART_TABLES if self.part_copied else ()
            schema.merge_search(db, tuple(t for t in schema.SEARCH_TABLES if t not in done))
        db.execute("INSERT INTO tags SELECT tag, count(DISTINCT pos) FROM event_tags GROUP BY tag")
        db.execute("UPDATE actors SET events = (SELECT count(*) FROM event_actors WHERE actor = actors.id)")
        meta = {
            "format": schema.FORMAT,
            "program": __version__,
            "schema": SCHEMA_VERSION,
            "search": "fts5-trigram" if self.fts else "plain",
            "paths": json.dumps([str(p) for p in paths]),
            "events": self.pos,
            "written_ns": written_ns if written_ns is not None else time.time_ns(),
        }
        self.meta = {k: str(v) for k, v in meta.items()}
        db.executemany("INSERT INTO meta VALUES (?, ?)", list(self.meta.items()))
        db.execute("COMMIT")
        self.db = None  # type: ignore[assignment]
        if self.tmp is None:
            return Index(db, None, self.meta)
        db.close()
        try:
            with open(self.tmp, "rb") as f:  # on disk before it is renamed into place
                os.fsync(f.fileno())
            os.replace(self.tmp, self.target)
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise
        return None


def add_store(builder: Builder, store: Store, progress: Progress = QUIET) -> None:
    """Every part of a loaded store, the events a batch at a time."""
    builder.add_metas(store.metas)
    builder.add_warnings(store.warnings)
    builder.add_sources(store.sources.values())
    builder.add_actors(store.actors.values())
    index = {f: i for i, f in enumerate(store.files)}
    for batch in in_batches(store.events):
        builder.add_events([(e, index[e.origin.file], e.origin.line) for e in batch])
        progress.building(builder.pos, len(store.events))
    progress.indexing()


def memory_index(store: Store, fts: bool | None = None) -> Index:
    """The index of a loaded store, in memory."""
    return fill_memory(lambda b: add_store(b, store), [Path(f) for f in store.files], fts)


def add_bulk(builder: Builder, bulk: Bulk, progress: Progress = QUIET) -> None:
    """Every part of a store read in parallel (index.bulk): checked events, search texts folded already."""
    builder.add_metas(bulk.metas)
    builder.add_warnings(())
    builder.add_sources(bulk.sources.values())
    builder.add_actors(bulk.actors.values())
    part = aside.start(builder.db, builder.target, bulk.count, builder.fts, bulk.links, BATCH)
    try:
        if part is None:  # every table here: each batch with its search texts
            batches = (([r for r, _ in b], [t for _, t in b]) for b in in_batches(bulk.records()))
        else:  # aside.PART_TABLES are the second process's
            builder.part_aside = True
            batches = ((b, None) for b in in_batches(bulk.rows()))
        for rows, texts in batches:
            builder.add_rows(rows, texts)
            progress.building(builder.pos, bulk.count)
        progress.indexing()  # a second process may still be at its part: joined, then the indexes
        if part is not None:
            builder.part_copied = part.join(builder.db, builder.fts)
            if not builder.part_copied:  # the child failed: its tables are made here
                aside.fill_part(builder.db, bulk.links, BATCH)
    finally:
        if part is not None:
            part.stop()


#: Fills a Builder with the store's parts (after add_files): add_store or add_bulk, bound to what they add.
Fill = Callable[[Builder], None]


def fill_memory(fill: Fill, paths: Sequence[Path], fts: bool | None = None) -> Index:
    """An index in memory, filled by `fill`."""
    builder = Builder(None, fts)
    with builder:
        builder.add_files(list(paths), [[0, 0, 0]] * len(paths), [""] * len(paths))
        fill(builder)
        return builder.finish(paths, written_ns=0)


def write_index(
    fill: Fill, target: Path, paths: Sequence[Path], started_ns: int, hashes: Sequence[str] | None = None,
    fts: bool | None = None,
) -> bool:  # fmt: skip
    """Write the index of the store files `paths`, read from `started_ns` on, at `target`.

    Best effort: False (and `target` untouched) when the folder is not safe or cannot be
    written, or when a file changed after it was read (the index would be stale). An
    exception other than those (KeyboardInterrupt...) also leaves `target` untouched."""
    if not safe_dir(target.parent, create=True):
        return False
    try:
        stats = [file_stat(p) for p in paths]
        if any(st[2] > started_ns for st in stats):
            return False
        hashes = hashes or [file_hash(p) for p in paths]
        with Builder(target, fts) as builder:
            builder.add_files(paths, stats, hashes)
            fill(builder)
            builder.finish(paths)
    except (OSError, sqlite3.Error):
        return False
    return True


def build_index(store: Store, target: Path, paths: Sequence[Path], started_ns: int, fts: bool | None = None) -> bool:
    """`write_index` of a loaded store."""
    return write_index(lambda b: add_store(b, store), target, paths, started_ns, fts=fts)


__all__ = ["BATCH", "Builder", "add_bulk", "add_store", "build_index", "fill_memory", "memory_index", "write_index"]
