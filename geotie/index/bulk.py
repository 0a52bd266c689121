"""The first read of a large store, in parallel processes.

A file of BULK_MIN bytes or more is cut into chunks at `[[events]]` headers, about one
per CPU. Forked processes each read and check one chunk (the fast reader, then convert,
then each event's rows for the index and folded search text) and send back what the index
needs, through a pipe; this process does the same for one chunk, merges, applies the
rules that need the whole store (unique ids, references) and sorts: a `Bulk`, which
geotie.index.build writes into the index (no Event is built).

Anything out of the ordinary makes `load` give up (return None), and the caller reads the
store the ordinary way, which reports problems exactly: a chunk the fast reader declines,
any problem in a chunk (an error or a warning), [meta] outside the first chunk, a
top-level key in two chunks not both made by [[headers]], a duplicate id, an unknown
reference, no fork (Windows), a worker that fails. The index built from it answers as
the one built from the ordinary read (a test checks).
Pickle only crosses a pipe between this process and its own children.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..dates import sort_key
from ..errors import StoreError
from ..fields import search_texts
from ..model import SCHEMA_VERSION, Actor, Meta, Source
from ..store.files import read_text
from .build import event_rows

BULK_MIN = 4 << 20  # bytes of TOML: below this the ordinary read takes about as long
CHUNK_MIN = 1 << 20  # bytes: a file is not cut into chunks smaller than this
MAX_WORKERS = 8
FIRST_SHARE = 0.95  # the size of the first chunk, against each other chunk (a child also sends its part back)
HEADER = "\n[[events]]\n"

#: An event as a chunk sends it, as few objects as can be (they are pickled and sent): its
#: sort key as text (ordinals of its earliest and latest day, 7 digits each, then its id),
#: its actors, tags and cited sources (each preceded by a NUL), its rows for the index
#: (build.event_rows: plain tuples of str and int, quick to pickle), its folded search text.
Record = tuple[str, str, str, str, tuple, str]
SEP = "\0"  # no string of a store has one: a chunk whose text has `\u0000` is not read here


@dataclass
class Chunk:
    file: int  # index in the paths
    start: int  # character offsets in the file's text
    end: int
    lines_before: int  # lines of the file before the chunk


@dataclass
class Part:
    """What one chunk contributes."""

    chunk: Chunk
    meta: Meta | None
    sources: list[Source] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    keys: dict[str, bool] = field(default_factory=dict)  # top-level key -> made by [[headers]]
    events: list[Record] = field(default_factory=list)


@dataclass
class Bulk:
    """A store read in parallel, checked, events in timeline order: what the index is built from."""

    metas: list[Meta]
    sources: dict[str, Source]
    actors: dict[str, Actor]
    events: list[tuple]  # each event's rows for the index (build.event_rows), in timeline order
    texts: list[str]  # each event's folded search text
    hashes: list[str] | None  # the files' hashes, if worked out
    started_ns: int  # when the files were read


def workers() -> int:
    """The CPUs this process may run on (not all the machine's, under taskset or the like)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, usable or 1))


def load(paths: list[Path], file_hash: Callable[[Path], str] | None = None) -> Bulk | None:
    """The store read in parallel; None when that is not worth it or not possible (the
    caller then reads the ordinary way). `file_hash`: worked out for each file meanwhile."""
    n = workers()
    if n < 2 or not hasattr(os, "fork"):
        return None
    try:
        if sum(p.stat().st_size for p in paths) < BULK_MIN:
            return None
        started = time.time_ns()
        texts = [read_text(p) for p in paths]
    except (OSError, StoreError):  # the ordinary read reports it
        return None
    chunks = [c for i, text in enumerate(texts) for c in cut(i, text, n)]
    if len(chunks) < 2:
        return None
    jobs = share(chunks, n)

    def work(job: list[Chunk]) -> list[Part | None]:
        return [read_chunk(str(paths[c.file]), texts[c.file], c) for c in job]

    def meanwhile(mine: list[Part | None]) -> list[str] | None:
        """While the children finish: the files' hashes."""
        if file_hash is None:
            return None
        try:
            return [file_hash(p) for p in paths]
        except OSError:  # gone meanwhile: the build finds out and gives up
            return None

    done = in_processes(jobs, work, meanwhile)
    if done is None:
        return None
    results, hashes = done
    if any(p is None for job in results for p in job):
        return None
    parts = sorted((p for job in results for p in job), key=lambda p: (p.chunk.file, p.chunk.start))
    texts.clear()  # the parts hold what is needed now
    return merge(paths, parts, hashes, started)


def cut(file: int, text: str, n: int) -> list[Chunk]:
    """The file in at most `n` chunks, each but the first starting at an `[[events]]` line.
    The first chunk (which this process reads, with the sources and actors that usually
    come first) is made smaller by FIRST_SHARE, as this process has the merging to do after."""
    count = max(1, min(n, len(text) // CHUNK_MIN))
    first = len(text) * FIRST_SHARE / (count - 1 + FIRST_SHARE) if count > 1 else len(text)
    starts = [0]
    for k in range(1, count):
        target = int(first + (len(text) - first) * (k - 1) / (count - 1))
        at = text.find(HEADER, max(target, starts[-1]))
        if at < 0:
            break
        starts.append(at + 1)
    ends = [*starts[1:], len(text)]
    chunks, lines = [], 0
    for start, end in zip(starts, ends, strict=True):
        chunks.append(Chunk(file, start, end, lines))
        lines += text.count("\n", start, end)
    return chunks


def share(chunks: list[Chunk], n: int) -> list[list[Chunk]]:
    """Jobs for at most `n` processes: the first chunk of the largest file for this process
    (the one with sources and actors: they are not sent back from a child), the other
    chunks dealt to the others, the biggest first, so that the jobs are about the same size."""
    mine = max((c for c in chunks if c.start == 0), key=lambda c: c.end - c.start)
    others = [c for c in chunks if c is not mine]
    jobs: list[list[Chunk]] = [[] for _ in range(max(1, min(n - 1, len(others))))]
    size = [0] * len(jobs)
    for c in sorted(others, key=lambda c: c.end - c.start, reverse=True):
        i = size.index(min(size))
        jobs[i].append(c)
        size[i] += c.end - c.start
    return [[mine], *(job for job in jobs if job)]


def read_chunk(path: str, text: str, chunk: Chunk) -> Part | None:
    """One chunk read, checked and encoded; None when anything is out of the ordinary."""
    from ..store.convert import convert_file
    from ..store.fastparse import parse

    piece = text[chunk.start : chunk.end]
    if "\\u0000" in piece:
        return None
    fast = parse(piece)
    if fast is None:
        return None
    doc, lines = fast
    first = chunk.start == 0
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
    if content.problems or content.meta is None:
        return None
    events = _records(raw_events, lines, chunk.file)
    if events is None:
        return None
    events.sort(key=itemgetter(0))  # here, in parallel: merging sorted runs is then quick
    return Part(chunk, content.meta if first else None, content.sources, content.actors, keys, events)


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
    results and what `meanwhile` returned; None when a child fails."""
    import pickle
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for job in jobs[1:]:
        read_end, write_end = os.pipe()
        _widen(write_end)
        pid = os.fork()
        if pid == 0:  # the child: work, send, and leave without running the parent's exit code
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(work(job), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
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
            _, status = os.waitpid(pid, 0)
            if status != 0:
                received[-1] = b""
    if not all(received):
        return None
    return results + [pickle.loads(data) for data in received], aside


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
    events: list[Record] = []
    for part in parts:
        if part.meta is not None:
            metas[part.chunk.file] = part.meta
        for key, by_header in part.keys.items():
            made.setdefault((part.chunk.file, key), []).append(by_header)
        sources.update((s.id, s) for s in part.sources)
        actors.update((a.id, a) for a in part.actors)
        events += part.events
    if any(len(flags) > 1 and not all(flags) for flags in made.values()):
        return None  # e.g. `events = [...]` and [[events]] in one file: tomllib refuses it
    every_id = [*sources, *actors, *(e[0][14:] for e in events)]
    if len(set(every_id)) != sum(len(p.sources) + len(p.actors) + len(p.events) for p in parts):
        return None
    if not _split("".join(e[3] for e in events)) <= sources.keys():
        return None  # an unknown source
    if check_references(sources, actors, []):
        return None
    if not _split("".join(e[1] for e in events)) <= actors.keys():
        return None  # an unknown actor
    links = {row[0]: row[-1] for row in (e[4][0] for e in events) if row[-1]}
    if links and bad_links(links, {e[0][14:] for e in events}):
        return None  # a `fulfils` to an unknown event, to itself or round a cycle
    events.sort(key=itemgetter(0))  # runs already sorted by each chunk: linear
    return Bulk(
        metas=[m for m in metas if m is not None],
        sources=sources,
        actors=actors,
        events=[e[4] for e in events],
        texts=[e[5] for e in events],
        hashes=hashes,
        started_ns=started_ns,
    )
