"""The first read of a large store, in parallel processes.

A file of BULK_MIN bytes or more is cut into chunks at `[[events]]` headers, about one
per CPU. Forked processes each read, check and encode one chunk (the fast reader, then
convert, then each event's cache line and folded search text) and send back what the
cache needs, through a pipe; this process does the same for one chunk, merges, applies
the rules that need the whole store (unique ids, references), sorts, writes the cache,
and answers the command from it.

Anything out of the ordinary makes `load` give up (return None), and the caller reads the
store the ordinary way, which reports problems exactly: a chunk the fast reader declines,
any problem in a chunk (an error or a warning), [meta] outside the first chunk, a
top-level key in two chunks not both made by [[headers]], a duplicate id, an unknown
reference, no fork (Windows), a worker that fails, a cache that cannot be written. The
cache it writes is the one the ordinary reading writes, byte for byte (a test checks).
Pickle only crosses a pipe between this process and its own children.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..dates import sort_key
from ..errors import StoreError
from ..model import SCHEMA_VERSION, Actor, Meta, Source, Store
from . import cache as cache_module
from . import name_index
from .files import read_text
from .lazy import LazyMapping

BULK_MIN = 4 << 20  # bytes of TOML: below this the ordinary read takes about as long
CHUNK_MIN = 1 << 20  # bytes: a file is not cut into chunks smaller than this
MAX_WORKERS = 8
FIRST_SHARE = 0.95  # the size of the first chunk, against each other chunk (a child also sends its part back)
HEADER = "\n[[events]]\n"

#: An event as a chunk sends it, as few objects as can be (they are pickled and sent): its
#: sort key as text (ordinals of its earliest and latest day, 7 digits each, then its id),
#: its actors, tags and cited sources (each preceded by a NUL), its cache line, its search text.
Record = tuple[str, str, str, str, str, str]
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


def workers() -> int:
    """The CPUs this process may run on (not all the machine's, under taskset or the like)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, usable or 1))


def load(paths: list[Path], folder: Path) -> Store | None:
    """The store read in parallel and cached in `folder`; None when that is not worth it or
    not possible (the caller then reads the ordinary way)."""
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

    def meanwhile(mine: list[Part | None]) -> tuple[list[str] | None, dict[str, bytes] | None]:
        """While the children finish: the files' hashes and, from this process's chunk (the
        one with the sources and actors), their sections of the cache."""
        try:
            hashes = [cache_module.file_hash(p) for p in paths]
        except OSError:  # gone meanwhile: saving finds out and gives up
            hashes = None
        if any(p is None for p in mine):
            return hashes, None
        sources = {s.id: s for p in mine for s in p.sources}  # type: ignore[union-attr]
        actors = {a.id: a for p in mine for a in p.actors}  # type: ignore[union-attr]
        return hashes, cache_module.encode_entries(name_index(actors), actors, sources)

    done = in_processes(jobs, work, meanwhile)
    if done is None:
        return None
    results, (hashes, entries) = done
    if any(p is None for job in results for p in job):
        return None
    if any(p.sources or p.actors for job in results[1:] for p in job):
        entries = None  # some are not in this process's chunk: worked out again after merging
    parts = sorted((p for job in results for p in job), key=lambda p: (p.chunk.file, p.chunk.start))
    texts.clear()  # the parts hold what is needed now
    contents = merge(paths, parts, entries, hashes)
    if contents is None or not cache_module.save(folder, paths, contents, started):
        return None
    return cache_module.load(folder, paths)


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
    from .convert import convert_file
    from .fastparse import parse

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
    from .convert import checked_event

    encode = cache_module.encoder()
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
                cache_module.event_line(c, file, lines[("events", i)], encode),
            )
        )
        checked.append(c)
    return [(*r, text) for r, text in zip(records, cache_module.search_texts(checked), strict=True)]


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


def merge(
    paths: list[Path], parts: list[Part], entries: dict[str, bytes] | None = None, hashes: list[str] | None = None
) -> cache_module.Contents | None:
    """The chunks as one store's cache contents; None if a rule that needs the whole store
    finds a problem (the ordinary read then reports it). `entries` and `hashes`: the cache's
    actor and source sections and the files' hashes, if worked out already."""
    from .rules import check_references

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
    events.sort(key=itemgetter(0))  # runs already sorted by each chunk: linear
    actor_events: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        for a in e[1].split(SEP)[1:]:
            actor_events.setdefault(a, []).append(i)
    if not actor_events.keys() <= actors.keys():
        return None  # an unknown actor

    def batches(column: int) -> Callable[[], Iterator[list[str]]]:
        return lambda: ([e[column] for e in batch] for batch in cache_module.in_batches(events))

    return cache_module.Contents(
        files=[str(p) for p in paths],
        metas=[m for m in metas if m is not None],
        warnings=[],
        tags=frozenset(_split("".join(e[2] for e in events))),
        names=LazyMapping(lambda: name_index(actors)),
        actors=actors,
        sources=sources,
        ids=[e[0][14:] for e in events],
        actor_events=actor_events,
        event_lines=batches(4),
        search_lines=batches(5),
        entries=entries,
        hashes=hashes,
    )
