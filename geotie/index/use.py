"""The one way a reading command gets its index: the file in the cache folder when it is
whole and fresh; else the store read (in parallel when large: index.bulk), checked, and
the index built aside and put in place; where no cache folder can be used, the same index
in memory. The cache folder is kept bounded each time an index is built (`prune`)."""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation at import (~0.3 ms a class), evaluated ones cost next to nothing.

import contextlib
import os
import time
from pathlib import Path
from typing import NamedTuple

from ..errors import StoreError
from .db import Index, index_path, open_index, sweep
from .fresh import file_hash, safe_dir
from .progress import QUIET, Progress

#: The cache folder's bound, applied whenever an index is built: an index not used for
#: UNUSED_DAYS days is removed, and of the others only the MAX_INDEXES used last are kept
#: (one index per set of store files; "used" = opened by a command, which touches it).
MAX_INDEXES = 8
UNUSED_DAYS = 30
SUFFIX = ".sqlite"


def index_for(paths: list[Path], folder: Path | None, progress: Progress = QUIET) -> Index:
    """The index of the store files `paths`, from (and kept in) `folder` when it can be used;
    a build, if one is needed, tells `progress` how far it is. Raises StoreError when the
    store has errors or cannot be read."""
    if not paths:
        raise StoreError("no store to read: --no-default was given without --data or GEOTIE_DATA")
    if folder is None or not safe_dir(folder, create=True):
        return _build(paths, None, progress)
    target = index_path(folder, paths)
    ix = open_index(target, paths)
    if ix is not None:
        _touch(target)
        return ix
    sweep(folder)
    ix = _build(paths, target, progress)
    prune(folder, keep=target)
    return ix


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _build(paths: list[Path], target: Path | None, progress: Progress) -> Index:
    """The store read and the index built with the cyclic garbage collector paused: they make
    millions of objects and no cycles, and its passes over them took a third of the time at
    100,000 events and grew faster than the store."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        ix = _read_and_build(paths, target, progress)
    finally:
        if paused:
            gc.enable()
    progress.finished(int(ix.meta.get("events", 0)))
    return ix


def _read_and_build(paths: list[Path], target: Path | None, progress: Progress) -> Index:
    from ..store import load_paths
    from . import build, bulk

    aside = f"{target}.tmp-" if target is not None else None  # spill files, swept if a build is killed
    read = bulk.load(paths, file_hash if target is not None else None, aside, progress)
    if read is None:
        started = time.time_ns()
        progress.reading(0, _size(paths))
        store = load_paths(paths)  # raises StoreError, listing every problem
        return _write(target, paths, lambda b: build.add_store(b, store, progress), started, None)
    try:
        return _write(target, paths, lambda b: build.add_bulk(b, read, progress), read.started_ns, read.hashes)
    finally:
        read.discard()


def _size(paths: list[Path]) -> int:
    """Bytes of the store files (those that can be read: the read reports the others)."""
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):
            size += path.stat().st_size
    return size


def _write(target: Path | None, paths: list[Path], fill, started: int, hashes: list[str] | None) -> Index:
    """The index written at `target` and opened; in memory where that cannot be done."""
    from . import build

    if target is not None and build.write_index(fill, target, paths, started, hashes):
        ix = open_index(target, paths)
        if ix is not None:
            return ix
    return build.fill_memory(fill, paths)


def indexes(folder: Path) -> list[Path]:
    """The index files in the cache folder, used last first."""
    try:
        found = [(p.stat().st_mtime, p) for p in folder.glob("*" + SUFFIX) if p.is_file()]
    except OSError:
        return []
    return [p for _, p in sorted(found, key=lambda x: x[0], reverse=True)]


#: The JSON cache files of geotie before the index (`<16 hex digits>.cache`): removed when met.
OLD_CACHE = "[0-9a-f]" * 16 + ".cache"


def _old_caches(folder: Path) -> list[Path]:
    removed = []
    with contextlib.suppress(OSError):
        for path in folder.glob(OLD_CACHE):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def prune(folder: Path, keep: Path | None = None, now: float | None = None) -> list[Path]:
    """Apply the folder's bound (see MAX_INDEXES); the files removed. `keep` is never removed."""
    now = time.time() if now is None else now
    removed = _old_caches(folder)
    for n, path in enumerate(p for p in indexes(folder) if p != keep):
        try:
            if n + 1 >= MAX_INDEXES or now - path.stat().st_mtime > UNUSED_DAYS * 86400:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


class IndexFile(NamedTuple):
    """An index file in the cache folder, as `geotie cache` shows it."""

    path: Path
    size: int
    used: float  # when a command last opened it (mtime)
    paths: list[str] | None  # the store files it is for; None if it is not a readable geotie index
    events: int | None


def describe(folder: Path) -> list[IndexFile]:
    """The index files in `folder`, used last first."""
    out = []
    for path in indexes(folder):
        try:
            st = path.stat()
        except OSError:
            continue
        paths, events = _recorded(path)
        out.append(IndexFile(path, st.st_size, st.st_mtime, paths, events))
    return out


def _recorded(path: Path) -> tuple[list[str] | None, int | None]:
    import json
    import sqlite3
    from urllib.parse import quote

    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, None
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        return [str(p) for p in json.loads(meta["paths"])], int(meta["events"])
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None, None
    finally:
        db.close()


def clear(folder: Path) -> list[Path]:
    """Remove every index file of the folder and the leftovers of killed builds; those removed."""
    removed = sweep(folder) + _old_caches(folder)
    for path in indexes(folder):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
