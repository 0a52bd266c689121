"""Part of a large index built by a second process at the same time.

After a store is read in parallel (index.bulk), its events go into the index one batch at
a time in a single process: at a million events that took about two thirds of a first run,
with the machine's other CPUs idle. So a forked child reads the same spill files (the
records are merged in the same order: the same positions) and builds, in a file of its own
beside the index, the event-actor links and the full-text search table, merged
(`PART_TABLES`: about half the work); this process builds the rest, then copies the child's tables in (for the
full-text table, its shadow tables, which FTS5 reads back as it wrote them: the same
SQLite library built both).

Only where it can pay and be done: a file index (not one in memory), a fork, two usable
CPUs, PART_MIN events, and a connection allowed to write FTS5's shadow tables (SQLite's
"defensive" setting forbids it). If the child cannot be started or fails, this process adds
those rows itself from the spill files, as it would have without the child: the index is
the same either way (a test compares them table by table).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from ..procs import finished, fork, stop, usable_cpus
from . import schema

#: Events from which a second process builds part of the index (measured: below it the
#: child's own pass over the spill files and the copy cost about what they save).
PART_MIN = 20_000

#: What the child builds: the two tables of the most rows, and the search table's merge (the
#: index of the links is made by this process once they are copied in: at a million events
#: that is about what the child did more than this process meanwhile).
PART_TABLES = ("event_actors", "event_search")

#: (actors, folded search text) of each event, in timeline order: index.bulk.Bulk.links.
Links = Callable[[], Iterator[tuple[tuple, str]]]


def part_rows(start: int, items: Iterable[tuple[tuple, str]]) -> tuple[list, list]:
    """The rows of PART_TABLES for events numbered from `start`, each given as (actors,
    search text): (event_actors rows, event_search rows)."""
    actors, texts = [], []
    for pos, (listed, text) in enumerate(items, start):
        actors += [(pos, i, a) for i, a in enumerate(listed)]
        texts.append((pos, text))
    return actors, texts


def insert_part(db: sqlite3.Connection, actors: list, texts: list) -> None:
    db.executemany("INSERT INTO event_actors VALUES (?, ?, ?)", actors)
    db.executemany("INSERT INTO event_search (rowid, text) VALUES (?, ?)", texts)


def fill_part(db: sqlite3.Connection, links: Links, batch: int) -> None:
    """PART_TABLES of every event."""
    found = links()
    start = 0
    while chunk := list(islice(found, batch)):
        insert_part(db, *part_rows(start, chunk))
        start += len(chunk)


class Part:
    """The child building PART_TABLES into `path`; `join` waits for it and copies them in."""

    def __init__(self, pid: int, path: str) -> None:
        self.pid, self.path = pid, path
        self.ended = False  # waited for

    def stop(self) -> None:
        """The child killed (if still running) and its file removed."""
        if not self.ended:
            stop(self.pid)
            self.ended = True
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def join(self, db: sqlite3.Connection, fts: bool) -> bool:
        """Wait for the child and copy its tables into `db` (their tables are still empty);
        False when the child failed (nothing was copied). The part file is removed."""
        try:
            done = finished(self.pid)
            self.ended = True
            if not done:
                return False
            copy_part(db, self.path, fts)
            return True
        finally:
            self.stop()


def start(db: sqlite3.Connection, target: Path | None, count: int, fts: bool, links: Links, batch: int) -> Part | None:
    """A child building PART_TABLES of `count` events beside `target`, or None when that is
    not worth it or not possible here (the caller then builds them itself)."""
    if target is None or count < PART_MIN or not hasattr(os, "fork") or usable_cpus(2) < 2:
        return None
    if fts and not shadow_writable(db):
        return None
    try:
        pid = fork(lambda: build_part(f"{target}.tmp-part-{os.getpid()}", fts, links, batch))
    except OSError:  # no more processes: built here
        return None
    return Part(pid, f"{target}.tmp-part-{pid}")


def build_part(path: str, fts: bool, links: Links, batch: int) -> None:
    """The part file: the index's schema, PART_TABLES filled, the search table merged."""
    from .build import PRAGMAS

    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            db.execute(f"PRAGMA {pragma}")
        db.execute("BEGIN")
        schema.create(db, fts)
        fill_part(db, links, batch)
        if fts:
            schema.merge_search(db, ("event_search",))
        db.execute("COMMIT")
    finally:
        db.close()


def shadow_writable(db: sqlite3.Connection) -> bool:
    """Whether this connection may write FTS5's shadow tables (not under SQLITE_DBCONFIG_DEFENSIVE)."""
    try:
        db.execute("DELETE FROM event_search_data WHERE 0")
    except sqlite3.Error:
        return False
    return True


def copy_part(db: sqlite3.Connection, path: str, fts: bool) -> None:
    """The child's PART_TABLES into `db`, inside its transaction: the links by SQLite's
    transfer of whole records (the table is empty and not indexed yet), and for full-text
    search, the shadow tables, replacing the empty index FTS5 set up here. Nothing here uses
    the full-text table afterwards: this connection's FTS5 may have remembered the empty one."""
    db.execute("ATTACH DATABASE ? AS part", (path,))
    names = ["event_actors"]
    if fts:
        shadows = "SELECT name FROM part.sqlite_master WHERE type = 'table' AND substr(name, 1, 13) = 'event_search_'"
        names += [name for (name,) in db.execute(shadows)]
    else:
        names.append("event_search")
    for name in names:
        db.execute(f"DELETE FROM main.{name}")
        db.execute(f"INSERT INTO main.{name} SELECT * FROM part.{name}")
