"""A cache of the parsed, validated store, so that large stores load fast.

One file per set of store files, under the user's cache folder ($GEOTIE_CACHE, else
$XDG_CACHE_HOME/geotie, else ~/.cache/geotie), named by a hash of their paths. Layout:

    line 1   head: format, program and schema versions, each file's stat and hash,
             and where the sections below start (byte offsets)
    data     JSON: meta, sources, actors, warnings, event ids, actor -> event positions, tags
    events   one JSON array per event, in timeline order (read one at a time, on demand)
    search   the folded searchable text of each event, one line each
    offsets  where each event's line starts (array of int64)

Never stale: each file's inode, size and mtime_ns must match; a file modified less than
RACY_NS before the cache was written is also compared by content hash (so an edit within
the file system's timestamp granularity is seen). Safe: JSON only (no pickle), written
atomically (temp file + os.replace) in a folder that must belong to the user and not be
writable by others, else the cache is not used. A corrupt or stale cache is ignored and
rebuilt.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .. import __version__
from ..dates import parse_edtf
from ..errors import GeotieError
from ..model import SCHEMA_VERSION, Actor, Citation, Event, Meta, Origin, Problem, Role, Source, Store
from ..text import fold

FORMAT = 1
RACY_NS = 2_000_000_000


def cache_dir(environ: Mapping[str, str]) -> Path:
    if environ.get("GEOTIE_CACHE"):
        return Path(environ["GEOTIE_CACHE"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "geotie"


def _safe_dir(folder: Path, create: bool) -> bool:
    """The folder is ours and nobody else can write to it (created 0700 if asked)."""
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def cache_file(folder: Path, paths: list[Path]) -> Path:
    """One file per set of store paths. The name only spreads the sets apart (the head
    repeats the paths and is checked), so a cheap checksum will do."""
    key = "\0".join([__version__, str(FORMAT), *(str(p.resolve()) for p in paths)]).encode()
    return folder / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.cache"


def _hash(path: Path) -> str:
    import hashlib  # only for files modified close to when their cache was written

    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def searchable(e: Event) -> str:
    """The folded text query.search looks in for an event: a prefilter, so it may say yes
    too often (across fields) but never no when a field matches."""
    parts = [e.title, e.summary, e.date_text, *(c.quote for c in e.citations), *(c.note for c in e.citations)]
    return " | ".join(fold(p) for p in parts if p)


# --- domain objects <-> JSON ------------------------------------------------------------------


def _cites(cs: tuple[Citation, ...]) -> list:
    return [[c.source, c.quote, c.note] for c in cs]


def _uncites(raw: list) -> tuple[Citation, ...]:
    return tuple(Citation(s, q, n) for s, q, n in raw)


def _date(span) -> str | None:
    return span.text if span is not None else None


def _undate(text: str | None):
    return parse_edtf(text) if text is not None else None


def _event(e: Event, files: dict[str, int]) -> list:
    return [
        e.id, e.date.text, e.title, e.summary, e.date_text, e.date_note, list(e.actors), list(e.tags),
        e.status, _cites(e.citations), e.outcome, files[e.origin.file], e.origin.line,
    ]  # fmt: skip


def _unevent(raw: list, files: list[str]) -> Event:
    i, d, title, summary, dtext, dnote, actors, tags, status, cites, outcome, f, line = raw
    return Event(
        id=i, date=parse_edtf(d), title=title, summary=summary, date_text=dtext, date_note=dnote,
        actors=tuple(actors), tags=tuple(tags), status=status, citations=_uncites(cites), outcome=outcome,
        origin=Origin(files[f], line),
    )  # fmt: skip


def _actor(a: Actor) -> list:
    roles = [[r.title, r.of, _date(r.start), _date(r.end), _cites(r.citations), r.note] for r in a.roles]
    return [a.id, a.name, a.kind, list(a.aliases), a.country, roles, a.note, a.origin.file, a.origin.line]


def _unactor(raw: list) -> Actor:
    i, name, kind, aliases, country, roles, note, f, line = raw
    return Actor(
        id=i, name=name, kind=kind, aliases=tuple(aliases), country=country, note=note, origin=Origin(f, line),
        roles=tuple(Role(t, of, _undate(s), _undate(e), _uncites(c), n) for t, of, s, e, c, n in roles),
    )  # fmt: skip


def _source(s: Source) -> list:
    return [s.id, s.title, s.publisher, list(s.authors), _date(s.published), s.published_note, s.url, s.kind,
            s.archive, s.origin.file, s.origin.line]  # fmt: skip


def _unsource(raw: list) -> Source:
    i, title, publisher, authors, published, note, url, kind, archive, f, line = raw
    return Source(i, title, publisher, tuple(authors), _undate(published), note, url, kind, archive, Origin(f, line))


def _problem(p: Problem) -> list:
    return [p.severity, p.code, p.message, p.origin.file, p.origin.line, p.entry, p.field, p.hint]


def _unproblem(raw: list) -> Problem:
    severity, code, message, f, line, entry, fld, hint = raw
    return Problem(severity, code, message, Origin(f, line), entry, fld, hint)


# --- lazy sequences over the cache file ------------------------------------------------------


class CacheCorrupt(GeotieError):
    """The cache file broke while in use; it has been removed."""


class LazyEvents(Sequence):
    """Events read from the cache one at a time, when first looked at."""

    def __init__(self, path: Path, blob: memoryview, offsets: array, files: list[str]) -> None:
        self._path, self._blob, self._offsets, self._files = path, blob, offsets, files
        self._made: dict[int, Event] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        event = self._made.get(i)
        if event is None:
            try:
                raw = json.loads(bytes(self._blob[self._offsets[i] : self._offsets[i + 1]]))
                event = self._made[i] = _unevent(raw, self._files)
            except (ValueError, TypeError, IndexError) as err:
                self._path.unlink(missing_ok=True)
                raise CacheCorrupt(f"the cache {self._path} was corrupt and is removed; run the command again") from err
        return event

    def __iter__(self) -> Iterator[Event]:
        return (self[i] for i in range(len(self)))


class LazyLines(Sequence):
    """The search section, split into lines on first use."""

    def __init__(self, blob: memoryview, count: int) -> None:
        self._blob, self._count = blob, count
        self._lines: list[str] | None = None

    def _get(self) -> list[str]:
        if self._lines is None:
            self._lines = bytes(self._blob).decode("utf-8").split("\n")[: self._count]
        return self._lines

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i):  # type: ignore[override]
        return self._get()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())


# --- read and write ---------------------------------------------------------------------------


def save(folder: Path, paths: list[Path], store: Store, started_ns: int) -> None:
    """Write the cache for `paths` (best effort: a cache that cannot be written is skipped).
    `started_ns` is when the files were read: a file modified after it is not cached."""
    if not _safe_dir(folder, create=True):
        return
    try:
        stats = [_stat(p) for p in paths]
        if any(st[2] > started_ns for st in stats):
            return  # changed while being read
        files = list(store.files)
        index = {f: i for i, f in enumerate(files)}
        lines = [json.dumps(_event(e, index), ensure_ascii=False).encode() + b"\n" for e in store.events]
        offsets = array("q", [0])
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        data = {
            "files": files,
            "metas": [
                [m.schema, m.title, m.description, _date(m.as_of), m.origin.file, m.origin.line] for m in store.metas
            ],
            "sources": [_source(s) for s in store.sources.values()],
            "actors": [_actor(a) for a in store.actors.values()],
            "warnings": [_problem(p) for p in store.warnings],
            "event_ids": [e.id for e in store.events],
            "actor_events": {a: list(p) for a, p in store.actor_events.items()},
            "tags": sorted(store.tags),
        }
        sections = [
            json.dumps(data, ensure_ascii=False).encode(),
            b"".join(lines),
            "\n".join(searchable(e) for e in store.events).encode(),
            offsets.tobytes(),
        ]
        head_fields = {
            "format": FORMAT,
            "program": __version__,
            "schema": SCHEMA_VERSION,
            "paths": [str(p) for p in paths],
            "stats": stats,
            "hashes": [_hash(p) for p in paths],
            "written_ns": time.time_ns(),
            "sizes": [len(s) for s in sections],
        }
        head = json.dumps(head_fields).encode() + b"\n"
        import tempfile

        target = cache_file(folder, paths)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".cache")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(head)
                for section in sections:
                    out.write(section)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def load(folder: Path, paths: list[Path]) -> Store | None:
    """The cached store for `paths`, or None when there is none, or it is stale or broken."""
    from . import build_store

    if not _safe_dir(folder, create=False):
        return None
    path = cache_file(folder, paths)
    try:
        with path.open("rb") as f:
            head = json.loads(f.readline())
            if (head["format"], head["program"], head["schema"]) != (FORMAT, __version__, SCHEMA_VERSION):
                return None
            if head["paths"] != [str(p) for p in paths]:
                return None
            for p, st, digest in zip(paths, head["stats"], head["hashes"], strict=True):
                if _stat(p) != st:
                    return None
                if head["written_ns"] - st[2] < RACY_NS and _hash(p) != digest:
                    return None
            import mmap

            start = f.tell()
            blob = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        sizes = head["sizes"]
        bounds = [start]
        for size in sizes:
            bounds.append(bounds[-1] + size)
        if bounds[-1] != len(blob):
            return None
        data = json.loads(bytes(blob[bounds[0] : bounds[1]]))
        offsets = array("q")
        offsets.frombytes(bytes(blob[bounds[3] : bounds[4]]))
        offsets = array("q", (o + bounds[1] for o in offsets))
        files = data["files"]
        events = LazyEvents(path, blob, offsets, files)
        return build_store(
            files,
            [Meta(s, t, d, _undate(a), Origin(f, line)) for s, t, d, a, f, line in data["metas"]],
            {s.id: s for s in map(_unsource, data["sources"])},
            {a.id: a for a in map(_unactor, data["actors"])},
            events,
            [_unproblem(p) for p in data["warnings"]],
            actor_events=data["actor_events"],
            event_ids=data["event_ids"],
            tags=frozenset(data["tags"]),
            search_text=LazyLines(blob[bounds[2] : bounds[3]], len(events)),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, GeotieError):
        return None
