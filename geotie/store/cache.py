"""A cache of the parsed, validated store, so that large stores load fast.

One file per set of store files, under the user's cache folder ($GEOTIE_CACHE, else
$XDG_CACHE_HOME/geotie, else ~/.cache/geotie), named by a hash of their paths. Layout:
the sections below, written one after the other (the events a batch at a time, so the
whole cache is never in memory), then the head, then the head's size in 16 digits.

    meta     JSON: files, [meta] tables, warnings, tags
    names    JSON: folded id, name, alias or demonym -> actor ids (to resolve names without decoding actors)
    actors   JSON: every actor with its roles (each built when first used)
    sources  JSON: every source (decoded only when a command looks at sources)
    ids      JSON: event ids in timeline order (decoded only for lookups by id)
    index    JSON: actor id -> [start, count] in positions
    positions  the positions (timeline order) of each actor's events (array of int64)
    events   one JSON array per event, in timeline order (read one at a time, on demand)
    search-entries  JSON: {"actors": {id: folded text}, "sources": {id: folded text}}
    search   the folded searchable text of each event, one line each
    offsets  where each event's line starts (array of int64)
    head     JSON: format, program and schema versions, each file's stat and hash, and
             the size of each section above

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate, islice
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..dates import parse_edtf
from ..errors import GeotieError
from ..fields import actor_fields, event_text, searchable, source_fields
from ..model import SCHEMA_VERSION, Actor, Citation, Event, Meta, Origin, Problem, Role, Source, Store, trusted
from ..text import fold_lines
from .lazy import LazySequence

if TYPE_CHECKING:
    from .convert import Checked

FORMAT = 6
RACY_NS = 2_000_000_000
SECTIONS = (
    "meta",
    "names",
    "actors",
    "sources",
    "ids",
    "index",
    "positions",
    "events",
    "search-entries",
    "search",
    "offsets",
)


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


def file_hash(path: Path) -> str:
    """A checksum of the file's bytes (CRC-32 and Adler-32): it is there to notice an
    accidental same-size edit within the timestamp granularity, not to resist forgery, and
    zlib is already loaded where hashlib would cost start-up time."""
    data = path.read_bytes()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


# --- domain objects <-> JSON ------------------------------------------------------------------


def _cites(cs: tuple[Citation, ...]) -> list:
    return [[c.source, c.quote, c.note] for c in cs]


def _uncites(raw: list) -> tuple[Citation, ...]:
    return tuple(trusted(Citation, {"source": s, "quote": q, "note": n}) for s, q, n in raw)


def _date(span) -> str | None:
    return span.text if span is not None else None


def _undate(text: str | None):
    return parse_edtf(text) if text is not None else None


def _event(e: Event | Checked, file: int, line: int) -> list:
    """An event's line in the cache (`e` an Event, or the checked fields of one)."""
    return [
        e.id, e.date.text, e.title, e.summary, e.date_text, e.date_note, e.actors, e.tags,
        e.status, _cites(e.citations), e.outcome, e.implied_actors, file, line,
    ]  # fmt: skip


def _unevent(raw: list, files: list[str]) -> Event:
    i, d, title, summary, dtext, dnote, actors, tags, status, cites, outcome, implied, f, line = raw
    return trusted(Event, {
        "id": i, "date": parse_edtf(d), "title": title, "summary": summary, "date_text": dtext, "date_note": dnote,
        "actors": tuple(actors), "tags": tuple(tags), "status": status, "citations": _uncites(cites),
        "outcome": outcome, "implied_actors": tuple(implied),
        "origin": trusted(Origin, {"file": files[f], "line": line}),
    })  # fmt: skip


def _actor(a: Actor) -> list:
    roles = [
        [r.title, r.of, _date(r.start), _date(r.end), _cites(r.citations), r.note, [d.text for d in r.attested]]
        for r in a.roles
    ]
    return [
        a.id, a.name, a.kind, list(a.aliases), a.country, roles, a.note, list(a.demonyms), a.origin.file, a.origin.line,
    ]  # fmt: skip


def _unactor(raw: list) -> Actor:
    i, name, kind, aliases, country, roles, note, demonyms, f, line = raw
    return Actor(
        id=i, name=name, kind=kind, aliases=tuple(aliases), country=country, note=note, origin=Origin(f, line),
        demonyms=tuple(demonyms),
        roles=tuple(
            Role(t, of, _undate(s), _undate(e), _uncites(c), n, tuple(parse_edtf(d) for d in att))
            for t, of, s, e, c, n, att in roles
        ),
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
    """Events read from the cache when first looked at; `take` reads many in one go."""

    def __init__(self, path: Path, blob: memoryview, base: int, offsets: array, files: list[str]) -> None:
        self._path, self._blob, self._base, self._offsets, self._files = path, blob, base, offsets, files
        self._made: dict[int, Event] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _raw(self, i: int) -> bytes:
        return bytes(self._blob[self._base + self._offsets[i] : self._base + self._offsets[i + 1]])

    def _corrupt(self, err: Exception) -> CacheCorrupt:
        self._path.unlink(missing_ok=True)
        return CacheCorrupt(f"the cache {self._path} was corrupt and is removed; run the command again")

    def take(self, positions: Sequence[int]) -> list[Event]:
        """The events at `positions`, decoded with one JSON call."""
        todo = [i for i in positions if i not in self._made]
        if todo:
            try:
                raws = json.loads(b"[" + b",".join(self._raw(i).rstrip(b"\n") for i in todo) + b"]")
                for i, raw in zip(todo, raws, strict=True):
                    self._made[i] = _unevent(raw, self._files)
            except (ValueError, TypeError, IndexError) as err:
                raise self._corrupt(err) from err
        return [self._made[i] for i in positions]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return self.take(range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        event = self._made.get(i)
        return event if event is not None else self.take([i])[0]

    def __iter__(self) -> Iterator[Event]:
        step = 2048
        for start in range(0, len(self), step):
            yield from self.take(range(start, min(start + step, len(self))))


class Positions(Mapping):
    """actor id -> positions of its events, sliced from one int64 array when asked for."""

    def __init__(self, index: dict[str, list[int]], blob: memoryview) -> None:
        self._index = index
        self._all = blob.cast("q") if len(blob) else []

    def __getitem__(self, key: str) -> list[int]:
        start, count = self._index[key]
        return list(self._all[start : start + count])

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class LazyRecords(Mapping):
    """id -> object, decoded from one JSON list of records; each object built when first used."""

    def __init__(self, blob: memoryview, build) -> None:
        self._blob, self._build = blob, build
        self._raw: dict[str, list] | None = None
        self._made: dict[str, object] = {}

    def _records(self) -> dict[str, list]:
        if self._raw is None:
            self._raw = {r[0]: r for r in json.loads(bytes(self._blob))}
        return self._raw

    def __getitem__(self, key: str):
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._build(self._records()[key])
        return made

    def __contains__(self, key: object) -> bool:
        return key in self._records()

    def __iter__(self) -> Iterator[str]:
        return iter(self._records())

    def __len__(self) -> int:
        return len(self._records())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


class LazySearchText(Mapping):
    """{"events": folded text per event, "actors"/"sources": id -> folded text}, decoded on use."""

    def __init__(self, events: memoryview, entries: memoryview, count: int) -> None:
        self._events, self._entries, self._count = events, entries, count
        self._data: dict | None = None

    def __getitem__(self, key: str):
        if key == "events":
            return LazySequence(lambda: bytes(self._events).decode("utf-8").split("\n")[: self._count])
        if self._data is None:
            self._data = json.loads(bytes(self._entries))
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("events", "actors", "sources"))

    def __len__(self) -> int:
        return 3


# --- read and write ---------------------------------------------------------------------------


def encoder() -> Callable[[list], str]:
    """Compact JSON of one event: json's C encoder made once (json.dumps makes one per call,
    a third of the time of 100,000 small calls), or json.dumps where there is none."""
    from json.encoder import c_make_encoder, encode_basestring

    if c_make_encoder is None:  # pragma: no cover - CPython has it
        return lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    def refuse(obj: object) -> None:
        raise TypeError(f"not JSON: {type(obj).__name__}")

    chunks = c_make_encoder(None, refuse, encode_basestring, None, ":", ",", False, False, True)
    return lambda obj: "".join(chunks(obj, 0))


def _folded(entries: Mapping, fields) -> dict[str, str]:
    return dict(zip(entries, fold_lines([searchable(fields(x)) for x in entries.values()]), strict=True))


BATCH = 4096  # events encoded and written at a time: the whole events section is never in memory


def in_batches(items: Sequence) -> list[Sequence]:
    """`items` cut into slices of BATCH."""
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


class Contents:
    """What a cache holds, however it was worked out: from a Store (`of_store`), or from
    records of events read in parallel processes (store.bulk). `event_lines` and
    `search_lines` yield, in timeline order and a batch at a time, each event's JSON line
    (`event_line`) and its folded search text (`search_texts`)."""

    def __init__(
        self,
        files: list[str],
        metas: Sequence[Meta],
        warnings: Sequence[Problem],
        tags: frozenset[str],
        names: Mapping[str, list[str]],
        actors: Mapping[str, Actor],
        sources: Mapping[str, Source],
        ids: list[str],
        actor_events: Mapping[str, Sequence[int]],
        event_lines: Callable[[], Iterator[list[str]]],
        search_lines: Callable[[], Iterator[list[str]]],
        entries: dict[str, bytes] | None = None,
        hashes: list[str] | None = None,
    ) -> None:
        self.files, self.metas, self.warnings, self.tags, self.names = files, metas, warnings, tags, names
        self.actors, self.sources, self.ids, self.actor_events = actors, sources, ids, actor_events
        self.event_lines, self.search_lines = event_lines, search_lines
        self.entries = entries  # the sections of `encode_entries`, if worked out already
        self.hashes = hashes  # the files' `file_hash`, if worked out already

    @classmethod
    def of_store(cls, store: Store) -> Contents:
        files = list(store.files)
        file_index = {f: i for i, f in enumerate(files)}
        batches = in_batches(store.events)

        def event_lines() -> Iterator[list[str]]:
            encode = encoder()
            for batch in batches:
                yield [event_line(e, file_index[e.origin.file], e.origin.line, encode) for e in batch]

        def search_lines() -> Iterator[list[str]]:
            for batch in batches:
                yield search_texts(batch)

        return cls(
            files, store.metas, store.warnings, store.tags, store.names, store.actors, store.sources,
            [e.id for e in store.events], store.actor_events, event_lines, search_lines,
        )  # fmt: skip


def event_line(e: Event | Checked, file: int, line: int, encode: Callable[[list], str]) -> str:
    return encode(_event(e, file, line))


def search_texts(events: Sequence[Event | Checked]) -> list[str]:
    """The folded search text of each event, one line each."""
    return fold_lines([event_text(e) for e in events])


def save(folder: Path, paths: list[Path], contents: Contents, started_ns: int) -> bool:
    """Write the cache for `paths` (best effort: a cache that cannot be written is skipped,
    and False returned). `started_ns` is when the files were read: a file modified after
    it is not cached."""
    if not _safe_dir(folder, create=True):
        return False
    try:
        stats = [_stat(p) for p in paths]
        if any(st[2] > started_ns for st in stats):
            return False  # changed while being read
        import tempfile

        target = cache_file(folder, paths)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".cache")
        try:
            with os.fdopen(fd, "wb") as out:
                sizes = _write_sections(out, contents)
                head = json.dumps(
                    {
                        "format": FORMAT,
                        "program": __version__,
                        "schema": SCHEMA_VERSION,
                        "paths": [str(p) for p in paths],
                        "stats": stats,
                        "hashes": contents.hashes or [file_hash(p) for p in paths],
                        "written_ns": time.time_ns(),
                        "sizes": sizes,
                    }
                ).encode()
                out.write(head + b"%016d" % len(head))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def encode_entries(names: Mapping, actors: Mapping[str, Actor], sources: Mapping[str, Source]) -> dict[str, bytes]:
    """The sections that hold the actors and the sources."""

    def encoded(obj: object) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode()

    return {
        "names": encoded(dict(names)),
        "actors": encoded([_actor(a) for a in actors.values()]),
        "sources": encoded([_source(s) for s in sources.values()]),
        "search-entries": encoded(
            {"actors": _folded(actors, actor_fields), "sources": _folded(sources, source_fields)}
        ),
    }


def _write_sections(out, c: Contents) -> list[int]:
    """Write every section in SECTIONS order; their sizes in bytes."""
    sizes: list[int] = []

    def put(data: bytes) -> None:
        out.write(data)
        sizes.append(len(data))

    def put_json(obj: object) -> None:
        put(json.dumps(obj, ensure_ascii=False).encode())

    def put_lines(batches: Iterator[list[str]], offsets: array | None = None) -> None:
        written = 0
        for lines in batches:
            if offsets is not None:
                lengths = [len(x) + 1 if x.isascii() else len(x.encode()) + 1 for x in lines]
                offsets.extend(islice(accumulate(lengths, initial=written), 1, None))
            data = ("\n".join(lines) + "\n").encode() if lines else b""
            out.write(data)
            written += len(data)
        sizes.append(written)

    index: dict[str, list[int]] = {}
    positions = array("q")
    for actor_id, where in c.actor_events.items():
        index[actor_id] = [len(positions), len(where)]
        positions.extend(where)
    put_json(
        {
            "files": c.files,
            "metas": [[m.schema, m.title, m.description, _date(m.as_of), m.origin.file, m.origin.line]
                      for m in c.metas],
            "warnings": [_problem(p) for p in c.warnings],
            "tags": sorted(c.tags),
        }
    )  # fmt: skip
    entries = c.entries or encode_entries(c.names, c.actors, c.sources)
    put(entries["names"])
    put(entries["actors"])
    put(entries["sources"])
    put_json(c.ids)
    put_json(index)
    put(positions.tobytes())
    offsets = array("q", [0])  # where each event's line starts, in bytes
    put_lines(c.event_lines(), offsets)
    put(entries["search-entries"])
    put_lines(c.search_lines())
    put(offsets.tobytes())
    return sizes


def load(folder: Path, paths: list[Path]) -> Store | None:
    """The cached store for `paths`, or None when there is none, or it is stale or broken."""
    from . import build_store

    if not _safe_dir(folder, create=False):
        return None
    path = cache_file(folder, paths)
    try:
        with path.open("rb") as f:
            f.seek(-16, os.SEEK_END)
            head_size = int(f.read(16))
            f.seek(-16 - head_size, os.SEEK_END)
            head = json.loads(f.read(head_size))
            if (head["format"], head["program"], head["schema"]) != (FORMAT, __version__, SCHEMA_VERSION):
                return None
            if head["paths"] != [str(p) for p in paths]:
                return None
            for p, st, digest in zip(paths, head["stats"], head["hashes"], strict=True):
                if _stat(p) != st:
                    return None
                if head["written_ns"] - st[2] < RACY_NS and file_hash(p) != digest:
                    return None
            import mmap

            blob = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        sizes = head["sizes"]
        bounds = [0]
        for size in sizes:
            bounds.append(bounds[-1] + size)
        if len(sizes) != len(SECTIONS) or bounds[-1] != len(blob) - head_size - 16:
            return None
        part = {name: blob[bounds[i] : bounds[i + 1]] for i, name in enumerate(SECTIONS)}
        meta = json.loads(bytes(part["meta"]))
        offsets = array("q")
        offsets.frombytes(bytes(part["offsets"]))
        files = meta["files"]
        events = LazyEvents(path, blob, bounds[SECTIONS.index("events")], offsets, files)
        return build_store(
            files,
            [Meta(s, t, d, _undate(a), Origin(f, line)) for s, t, d, a, f, line in meta["metas"]],
            LazyRecords(part["sources"], _unsource),
            LazyRecords(part["actors"], _unactor),
            events,
            [_unproblem(p) for p in meta["warnings"]],
            actor_events=Positions(json.loads(bytes(part["index"])), part["positions"]),
            event_ids=LazySequence(lambda: json.loads(bytes(part["ids"]))),
            tags=frozenset(meta["tags"]),
            search_text=LazySearchText(part["search"], part["search-entries"], len(events)),
            names=json.loads(bytes(part["names"])),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, GeotieError):
        return None
