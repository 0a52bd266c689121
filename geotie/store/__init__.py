"""The store layer: read TOML files, validate them, resolve references, build a Store.

`load(paths)` is the one entry point; it raises StoreError listing every error, and
returns warnings (unknown keys, likely typos) on the Store.
"""

from __future__ import annotations

from pathlib import Path

from ..dates import sort_key
from ..errors import StoreError
from ..model import Problem, Store
from .convert import SCHEMA_VERSION, FileContent, convert_file
from .files import bundled_store, expand, parse_toml, read_text, split_env
from .rules import check_references, check_unique

__all__ = ["SCHEMA_VERSION", "bundled_store", "expand", "load", "load_paths", "split_env", "store_paths"]


def store_paths(data: list[str], env: str | None, no_default: bool) -> list[Path]:
    """The files to load: the bundled store (unless `no_default`), then GEOTIE_DATA, then --data."""
    paths = [] if no_default else [bundled_store()]
    paths += expand(split_env(env) + list(data))
    if not paths:
        raise StoreError("no store to read: --no-default was given without --data or GEOTIE_DATA")
    # The same file named twice is read once.
    unique: list[Path] = []
    seen = set()
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def read_file(path: Path) -> FileContent:
    text = read_text(path)
    return convert_file(str(path), text, parse_toml(path, text))


def check_files(files: list[FileContent]) -> tuple[Store | None, list[Problem]]:
    """All load-time rules over already-read files: the store (None if any error) and every problem."""
    problems = [p for f in files for p in f.problems]
    problems += check_unique(files)
    sources = {s.id: s for f in files for s in f.sources}
    actors = {a.id: a for f in files for a in f.actors}
    events = [e for f in files for e in f.events]
    by_path = {f.path: f for f in files}

    def locate(item, *path):
        content = by_path.get(item.origin.file)
        return content.origin(item.id, *path) if content and item.id in content.positions else item.origin

    broken = {i for f in files for i in f.broken_ids}
    problems += check_references(sources, actors, events, broken, locate)
    if any(p.severity == "error" for p in problems):
        return None, problems
    events.sort(key=lambda e: (*sort_key(e.date), e.id))
    store = Store(
        files=tuple(f.path for f in files),
        metas=tuple(f.meta for f in files if f.meta),
        sources=sources,
        actors=actors,
        events=tuple(events),
        event_index={e.id: e for e in events},
        warnings=tuple(problems),
    )
    return store, problems


def load_paths(paths: list[Path]) -> Store:
    store, problems = check_files([read_file(p) for p in paths])
    if store is None:
        errors = [p for p in problems if p.severity == "error"]
        raise StoreError(f"the store has {len(errors)} error(s)", problems)
    return store


def load(data: list[str] | None = None, env: str | None = None, no_default: bool = False) -> Store:
    return load_paths(store_paths(list(data or []), env, no_default))
