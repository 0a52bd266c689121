"""The first read of a large store, in parallel processes.

A file of BULK_MIN bytes or more is cut into chunks at `[[events]]` headers: at least one
per CPU, and none over CHUNK_MAX bytes. Forked processes each read and check their chunks
(the fast reader, then convert, then each event's rows for the index and folded search
text), one at a time: a chunk's events are sorted and written to a spill file beside the
index, so no process holds more than a chunk of them, and the store's text is never held
whole. Through a pipe they send back the rest (sources, actors, [meta], each event's id
and references); this process does the same for its own chunks, applies the rules that
need the whole store (unique ids, references): a `Bulk`, whose `records` merge the sorted
spill files into timeline order as geotie.index.build writes them into the index (no
Event is built). The spill files are removed once the index is written.

Anything out of the ordinary makes `load` give up (return None), and the caller reads the
store the ordinary way, which reports problems exactly: a chunk the fast reader declines,
any problem in a chunk (an error or a warning), [meta] outside the first chunk, a
top-level key in two chunks not both made by [[headers]], a duplicate id, an unknown
reference, no fork (Windows), a worker that fails. The index built from it answers as
the one built from the ordinary read (a test checks).
Pickle only crosses a pipe between this process and its own children.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from .. import procs
from ..dates import sort_key
from ..fields import search_texts
from ..model import SCHEMA_VERSION, Actor, Meta, Source
from .build import FULFILS_AT, event_rows
from .progress import QUIET, Progress

BULK_MIN = 4 << 20  # bytes of TOML: below this the ordinary read takes about as long
CHUNK_MIN = 1 << 20  # bytes: a file is not cut into chunks smaller than this
CHUNK_MAX = 16 << 20  # bytes: nor into chunks larger (a chunk's events are held at once: ~100 MB)
SPILL_BATCH = 512  # events per pickle in a spill file (the merge holds one batch per chunk)
BLOCK = 1 << 20  # bytes read at a time when the file is cut
MAX_WORKERS = 8
HEADER = b"\n[[events]]\n"

#: An event as a chunk sends it, as few objects as can be (they are pickled and sent): its
#: sort key as text (ordinals of its earliest and latest day, 7 digits each, then its id),
#: its actors, tags and cited sources (each preceded by a NUL), its rows for the index
#: (build.event_rows: plain tuples of str and int, quick to pickle), its folded search text.
Record = tuple[str, str, str, str, tuple, str]
SEP = "\0"  # no string of a store has one: a chunk whose text has `\u0000` is not read here


@dataclass
class Chunk:
    file: int  # index in the paths
    start: int  # byte offsets in the file
    end: int
    lines_before: int  # lines of the file before the chunk
    spill: str = ""  # where its sorted events are written


@dataclass
class Part:
    """What one chunk contributes."""

    chunk: Chunk
    meta: Meta | None
    sources: list[Source] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    keys: dict[str, bool] = field(default_factory=dict)  # top-level key -> made by [[headers]]
    ids: list[str] = field(default_factory=list)  # its events' ids (they are in its spill file)
    actor_refs: set[str] = field(default_factory=set)  # the actors its events list
    source_refs: set[str] = field(default_factory=set)  # the sources its events cite
    links: dict[str, str] = field(default_factory=dict)  # event id -> the plan it fulfils


@dataclass
class Bulk:
    """A store read in parallel, checked: what the index is built from. Its events are in
    the spill files, each sorted: `records` merges them. `discard` removes the files."""

    metas: list[Meta]
    sources: dict[str, Source]
    actors: dict[str, Actor]
    spills: list[str]  # the chunks' spill files
    count: int  # events
    hashes: list[str] | None  # the files' hashes, if worked out
    started_ns: int  # when the files were read

    def records(self) -> Iterator[tuple[tuple, str]]:
        """(rows for the index as build.event_rows gives them, folded search text) of every
        event, in timeline order."""
        for (_, rows), (_, _, text) in zip(self._merged(ROWS), self._merged(LINKS), strict=True):
            yield rows, text

    def rows(self) -> Iterator[tuple]:
        """The rows for the index (build.event_rows) of every event, in timeline order."""
        for _, rows in self._merged(ROWS):
            yield rows

    def links(self) -> Iterator[tuple[tuple, str]]:
        """(actors, folded search text) of every event, in timeline order (what index.aside's
        second process needs: it reads only these)."""
        for _, actors, text in self._merged(LINKS):
            yield actors, text

    def _merged(self, stream: int) -> Iterator[tuple]:
        import heapq

        return heapq.merge(*(_spilled(p, stream) for p in self.spills), key=itemgetter(0))

    def discard(self) -> None:
        _remove(self.spills)


def workers() -> int:
    """The CPUs this process may run on, at most MAX_WORKERS."""
    return procs.usable_cpus(MAX_WORKERS)


def load(
    paths: list[Path], file_hash: Callable[[Path], str] | None = None, aside: str | None = None,
    progress: Progress = QUIET,
) -> Bulk | None:  # fmt: skip
    """The store read in parallel; None when that is not worth it or not possible (the
    caller then reads the ordinary way). `file_hash`: worked out for each file meanwhile.
    `aside`: the path prefix of the spill files (`<prefix><file>.<start>-<pid>`, which
    index.db.sweep removes if a build is killed); None: a temporary folder. `progress` is told
    how far this process is with its own chunks, as a share of the whole (the others' are
    about the same size)."""
    n = workers()
    if n < 2 or not hasattr(os, "fork"):
        return None
    try:
        stats = [p.stat() for p in paths]
        if sum(st.st_size for st in stats) < BULK_MIN or not all(stat.S_ISREG(st.st_mode) for st in stats):
            return None
        started = time.time_ns()
        chunks = [c for i, p in enumerate(paths) for c in cut(i, p, n)]
    except OSError:  # the ordinary read reports it
        return None
    if len(chunks) < 2:
        return None
    folder = None
    if aside is None:
        import tempfile

        folder = tempfile.mkdtemp(prefix="geotie-")
        aside = os.path.join(folder, "chunk")
    for c in chunks:
        c.spill = f"{aside}{c.file}.{c.start}-{os.getpid()}"
    try:
        return _load(paths, stats, chunks, n, file_hash, started, progress)
    except BaseException:  # interrupted: nothing spilled is left behind
        _remove([c.spill for c in chunks])
        raise
    finally:
        if folder is not None:  # the spill files stay until the index is written: Bulk.discard
            _remove_folder_when_empty(folder)


def _load(paths, stats, chunks, n, file_hash, started, progress: Progress) -> Bulk | None:
    jobs = share(chunks, n)

    me = os.getpid()
    size = sum(c.end - c.start for c in chunks)
    mine = sum(c.end - c.start for c in jobs[0])  # this process's job: the one it can see
    progress.reading(0, size)

    def work(job: list[Chunk]) -> list[Part | None]:
        done, read = [], 0
        for c in job:
            done.append(read_chunk(str(paths[c.file]), c))
            read += c.end - c.start
            if os.getpid() == me:
                progress.reading(size * read // mine, size)
        if os.getpid() != me and os.getppid() != me:  # orphaned meanwhile: the sweep may have run
            _remove([c.spill for c in job])
            return [None]
        return done

    def meanwhile(mine: list[Part | None]) -> list[str] | None:
        """While the children finish: the files' hashes."""
        if file_hash is None:
            return None
        try:
            return [file_hash(p) for p in paths]
        except OSError:  # gone meanwhile: the build finds out and gives up
            return None

    spills = [c.spill for c in chunks]
    done = in_processes(jobs, work, meanwhile)
    try:
        changed = any(_changed(p, st) for p, st in zip(paths, stats, strict=True))
    except OSError:
        changed = True
    if done is None or changed or any(p is None for job in done[0] for p in job):
        _remove(spills)
        return None
    results, hashes = done
    parts = sorted((p for job in results for p in job), key=lambda p: (p.chunk.file, p.chunk.start))
    found = merge(paths, parts, hashes, started)
    if found is None:
        _remove(spills)
    return found


def _changed(path: Path, before: os.stat_result) -> bool:
    """Whether the file changed while its chunks were read (they would not fit together)."""
    now = path.stat()
    return (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns)


def _remove(files: list[str]) -> None:
    for f in files:
        with contextlib.suppress(OSError):
            os.unlink(f)
    for folder in {os.path.dirname(f) for f in files}:
        if os.path.basename(folder).startswith("geotie-"):
            _remove_folder_when_empty(folder)


def _remove_folder_when_empty(folder: str) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(folder)


#: The two streams of a spill file: each batch is written as a header (the byte lengths of
#: both pickles) then a pickle of [(key, rows)] and one of [(key, actors, search text)],
#: so that a reader of one stream skips the other's bytes without decoding them.
ROWS, LINKS = 0, 1
_LENGTHS = struct.Struct("<QQ")


def _spill(out, events: list) -> None:
    """A chunk's sorted records into its spill file, a batch at a time."""
    for i in range(0, len(events), SPILL_BATCH):
        batch = events[i : i + SPILL_BATCH]
        rows = pickle.dumps([(e[0], e[4]) for e in batch], pickle.HIGHEST_PROTOCOL)
        links = pickle.dumps([(e[0], e[4][1], e[5]) for e in batch], pickle.HIGHEST_PROTOCOL)
        out.write(_LENGTHS.pack(len(rows), len(links)))
        out.write(rows)
        out.write(links)


def _spilled(path: str, stream: int) -> Iterator[tuple]:
    """One stream of the records a chunk spilled, in order."""
    with open(path, "rb") as f:
        while header := f.read(_LENGTHS.size):
            lengths = _LENGTHS.unpack(header)
            if stream == LINKS:
                f.seek(lengths[ROWS], os.SEEK_CUR)
            data = f.read(lengths[stream])
            if stream == ROWS:
                f.seek(lengths[LINKS], os.SEEK_CUR)
            yield from pickle.loads(data)


def cut(file: int, path: Path, n: int) -> list[Chunk]:
    """The file in chunks (at least `n`, none over CHUNK_MAX bytes, none under CHUNK_MIN),
    each but the first starting at an `[[events]]` line, found and counted reading the file
    a block at a time."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        count = max(1, min(max(n, -(-size // CHUNK_MAX)), size // CHUNK_MIN))
        starts = [0]
        for k in range(1, count):
            target = size * k // count
            at = _find(f, HEADER, max(target, starts[-1]))
            if at < 0:
                break
            starts.append(at + 1)
        ends = [*starts[1:], size]
        chunks, lines = [], 0
        f.seek(0)
        for start, end in zip(starts, ends, strict=True):
            chunks.append(Chunk(file, start, end, lines))
            left = end - start
            while left > 0:
                block = f.read(min(BLOCK, left))
                if not block:
                    break
                lines += block.count(b"\n")
                left -= len(block)
    return chunks


def _find(f, needle: bytes, at: int) -> int:
    """The offset of `needle` in the file at or after `at`; -1 if none."""
    f.seek(at)
    carry = b""
    base = at
    while block := f.read(BLOCK):
        data = carry + block
        found = data.find(needle)
        if found >= 0:
            return base + found
        keep = len(needle) - 1
        carry = data[-keep:]
        base += len(data) - len(carry)
    return -1


def share(chunks: list[Chunk], n: int) -> list[list[Chunk]]:
    """Jobs for at most `n` processes, about the same size: the first holds the first chunk
    of the largest file (the one with sources and actors: they are not sent back from a
    child) and is this process's; the other chunks are dealt the biggest first, each to the
    job with the fewest bytes so far."""
    mine = max((c for c in chunks if c.start == 0), key=lambda c: c.end - c.start)
    jobs: list[list[Chunk]] = [[mine]] + [[] for _ in range(max(0, min(n, len(chunks)) - 1))]
    size = [mine.end - mine.start] + [0] * (len(jobs) - 1)
    for c in sorted((c for c in chunks if c is not mine), key=lambda c: c.end - c.start, reverse=True):
        i = size.index(min(size))
        jobs[i].append(c)
        size[i] += c.end - c.start
    return [job for job in jobs if job]


def read_chunk(path: str, chunk: Chunk) -> Part | None:
    """One chunk read, checked and encoded, its events sorted and spilled; None when anything
    is out of the ordinary."""
    from ..store.convert import convert_file
    from ..store.fastparse import parse

    with open(path, "rb") as f:
        f.seek(chunk.start)
        data = f.read(chunk.end - chunk.start)
    first = chunk.start == 0
    if len(data) != chunk.end - chunk.start or (
        data.startswith(b"\xef\xbb\xbf") if first else not data.startswith(HEADER[1:])
    ):
        return None  # changed meanwhile, or a byte-order mark: the ordinary read says what is wrong
    try:
        piece = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    del data
    if "\\u0000" in piece:
        return None
    fast = parse(piece)
    if fast is None:
        return None
    doc, lines = fast
    if not first:
        if "meta" in doc:
            return None
        doc["meta"] = {"schema": SCHEMA_VERSION}  # stands in for the first chunk's [meta]
    lines = {key: line + chunk.lines_before for key, line in lines.items()}
    lines.setdefault(("meta",), 1)  # where [meta] is asked for: never scan the text for it
    keys = {key: (key, 0) in lines for key in doc if key != "meta"}  # top-level key -> made by [[headers]]
    raw_events = doc.pop("events", [])  # read here, without building Event objects
    if type(raw_events) is not list or (raw_events and ("events", 0) not in lines):
        return None  # not [[events]] tables: the ordinary read says what is wrong
    content = convert_file(path, piece, doc, lines)
    del piece, doc
    if content.problems or content.meta is None:
        return None
    events = _records(raw_events, lines, chunk.file)
    del raw_events, lines
    if events is None:
        return None
    events.sort(key=itemgetter(0))  # here, in parallel: merging sorted runs is then quick
    part = Part(chunk, content.meta if first else None, content.sources, content.actors, keys)
    part.ids = [e[0][14:] for e in events]
    part.actor_refs = _split("".join(e[1] for e in events))
    part.source_refs = _split("".join(e[3] for e in events))
    part.links = {row[0]: row[FULFILS_AT] for row in (e[4][0] for e in events) if row[FULFILS_AT]}
    with open(chunk.spill, "wb") as out:
        _spill(out, events)
    return part


def _records(raw_events: list, lines: dict[tuple, int], file: int) -> list[Record] | None:
    """A chunk's events as records, straight from their checked raw tables (no Event is
    built); None if one is not plainly well-formed (the ordinary read then looks at it)."""
    from ..store.convert import checked_event

    checked = []
    records = []
    for i, raw in enumerate(raw_events):
        c = checked_event(raw) if type(raw) is dict else None
        if c is None:
            return None
        low, high = sort_key(c.date)
        records.append(
            (
                f"{low.toordinal():07d}{high.toordinal():07d}{c.id}",
                _joined(c.actors),
                _joined(c.tags),
                _joined([x.source for x in c.citations]),
                event_rows(c, file, lines[("events", i)]),
            )
        )
        checked.append(c)
    return [(*r, text) for r, text in zip(records, search_texts(checked), strict=True)]


def _joined(items: tuple[str, ...] | list[str]) -> str:
    """Each item preceded by SEP: () -> "", ("",) -> SEP, ("a", "b") -> SEP a SEP b."""
    return SEP + SEP.join(items) if items else ""


def _split(joined: str) -> set[str]:
    """The items of one or more `_joined` strings (concatenated)."""
    return set(joined.split(SEP)[1:])


def in_processes(
    jobs: list[list[Chunk]], work: Callable[[list[Chunk]], list], meanwhile: Callable[[list], Any]
) -> tuple[list[list], Any] | None:
    """`work(job)` for each job: the first here, the others in forked children at the same
    time; then, here, `meanwhile(the first job's results)` while the children finish. The
    results and what `meanwhile` returned; None when a child fails or cannot be started."""
    import pickle

    def send(job: list[Chunk], read_end: int, write_end: int) -> None:  # in the child
        os.close(read_end)
        data = pickle.dumps(work(job), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as out:
            out.write(data)

    children = []
    for job in jobs[1:]:
        read_end, write_end = os.pipe()
        _widen(write_end)
        try:
            pid = procs.fork(lambda job=job, r=read_end, w=write_end: send(job, r, w))
        except OSError:  # no more processes: the ordinary read instead
            for fd in (read_end, write_end, *(r for _, r in children)):
                os.close(fd)
            for started, _ in children:
                procs.stop(started)
            return None
        os.close(write_end)
        children.append((pid, read_end))
    try:
        results = [work(jobs[0])]
        aside = meanwhile(results[0])
    finally:
        received = []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as f:
                received.append(f.read())
            if not procs.finished(pid):
                received[-1] = b""
    if not all(received):
        return None
    while received:  # each child's bytes freed as soon as they are decoded
        results.append(pickle.loads(received.pop(0)))
    return results, aside


def _widen(pipe: int) -> None:
    """A pipe buffer of 1 MB where the system allows it (Linux), instead of 64 KB: tens of
    MB go through it."""
    try:
        import fcntl

        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def merge(paths: list[Path], parts: list[Part], hashes: list[str] | None = None, started_ns: int = 0) -> Bulk | None:
    """The chunks as one store; None if a rule that needs the whole store finds a problem
    (the ordinary read then reports it)."""
    from ..store.rules import bad_links, check_references

    metas: list[Meta | None] = [None] * len(paths)
    sources: dict[str, Source] = {}
    actors: dict[str, Actor] = {}
    made: dict[tuple[int, str], list[bool]] = {}
    event_ids: set[str] = set()
    listed = 0  # event ids as listed, duplicates counted
    actor_refs: set[str] = set()
    source_refs: set[str] = set()
    links: dict[str, str] = {}
    for part in parts:
        if part.meta is not None:
            metas[part.chunk.file] = part.meta
        for key, by_header in part.keys.items():
            made.setdefault((part.chunk.file, key), []).append(by_header)
        sources.update((s.id, s) for s in part.sources)
        actors.update((a.id, a) for a in part.actors)
        event_ids.update(part.ids)
        listed += len(part.ids)
        part.ids = []  # the set holds them: at a million events each copy is ~100 MB at the peak
        actor_refs |= part.actor_refs
        source_refs |= part.source_refs
        links.update(part.links)
    if any(len(flags) > 1 and not all(flags) for flags in made.values()):
        return None  # e.g. `events = [...]` and [[events]] in one file: tomllib refuses it
    entries = sum(len(p.sources) + len(p.actors) for p in parts)
    if len(event_ids) != listed or len(sources) + len(actors) != entries:
        return None  # an id given twice (the ordinary read says where)
    if not (sources.keys().isdisjoint(actors) and event_ids.isdisjoint(sources) and event_ids.isdisjoint(actors)):
        return None
    if not source_refs <= sources.keys():
        return None  # an unknown source
    if check_references(sources, actors, []):
        return None
    if not actor_refs <= actors.keys():
        return None  # an unknown actor
    if links and bad_links(links, event_ids):
        return None  # a `fulfils` to an unknown event, to itself or round a cycle
    return Bulk(
        metas=[m for m in metas if m is not None],
        sources=sources,
        actors=actors,
        spills=[p.chunk.spill for p in parts],
        count=listed,
        hashes=hashes,
        started_ns=started_ns,
    )
