"""The store layer: read TOML files, validate them, resolve references, build a Store.

`load_paths(paths)` reads and checks the files into a Store (`load` wraps it for the default
paths); it raises StoreError listing every error and returns warnings (unknown keys, likely
typos) on the Store. Reading commands get it through geotie.index (which builds the index
from it, or from index.bulk's parallel read). `inspect` is `geotie check`'s: it never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..dates import sort_key
from ..errors import StoreError
from ..model import SCHEMA_VERSION, Event, Origin, Problem, Store
from .files import bundled_store, expand, read_text, real_path, split_env, user_store

if TYPE_CHECKING:
    from .convert import FileContent

# Reading TOML (tomllib, convert, rules) is imported only when the index cannot answer.

__all__ = [
    "SCHEMA_VERSION",
    "bundled_store",
    "check_files",
    "expand",
    "inspect",
    "load",
    "load_paths",
    "read_file",
    "split_env",
    "store_paths",
    "user_store",
]


def store_paths(data: list[str], env: str | None, no_default: bool, user: Path | None = None) -> list[Path]:
    """The files to load: the bundled store and the user's store if it exists (unless
    `no_default`), then GEOTIE_DATA, then --data."""
    paths = [] if no_default else [bundled_store()]
    if user is not None and not no_default and (user.exists() or user.is_symlink()):
        paths.append(user)
    paths += expand(split_env(env) + list(data))
    # The same file named twice is read once.
    unique: list[Path] = []
    seen = set()
    for p in paths:
        key = real_path(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def read_file(path: Path, text: str | None = None) -> FileContent:
    """One file's content; `text` stands in for the file's text (to check a change before writing)."""
    from .convert import convert_file
    from .fastparse import parse
    from .files import parse_toml

    if text is None:
        text = read_text(path)
    fast = parse(text)  # None when the file is not in the plain subset it reads: tomllib then
    if fast is not None:
        return convert_file(str(path), text, *fast)
    return convert_file(str(path), text, parse_toml(path, text))


def locator(files: list[FileContent]) -> Callable[..., Origin]:
    """`locate(entry, *field path)`: the file and line of a field of a loaded entry."""
    by_path = {f.path: f for f in files}

    def locate(item, *path: object) -> Origin:
        content = by_path.get(item.origin.file)
        if content and item.id in content.positions:
            return content.origin(item.id, *path)
        return item.origin

    return locate


def check_files(files: list[FileContent]) -> tuple[Store | None, list[Problem]]:
    """All load-time rules over already-read files: the store (None if any error) and every problem."""
    from .rules import check_references, check_unique

    problems = [p for f in files for p in f.problems]
    problems += check_unique(files)
    sources = {s.id: s for f in files for s in f.sources}
    actors = {a.id: a for f in files for a in f.actors}
    events = [e for f in files for e in f.events]
    broken = {i for f in files for i in f.broken_ids}
    problems += check_references(sources, actors, events, broken, locator(files))
    if any(p.severity == "error" for p in problems):
        return None, problems
    events.sort(key=lambda e: (*sort_key(e.date), e.id))
    store = build_store([f.path for f in files], [f.meta for f in files if f.meta], sources, actors, events, problems)
    return store, problems


def build_store(
    files: list[str],
    metas: list,
    sources: dict,
    actors: dict,
    events: Sequence[Event],
    warnings: list[Problem],
    actor_events: dict[str, list[int]] | None = None,
    event_ids: list[str] | None = None,
    tags: frozenset[str] | None = None,
) -> Store:
    """A Store with its indexes; indexes not given are computed from `events`."""
    if actor_events is None:
        actor_events = {}
        for i, e in enumerate(events):
            for a in e.actors:
                actor_events.setdefault(a, []).append(i)
    ids = event_ids if event_ids is not None else [e.id for e in events]
    return Store(
        files=tuple(files),
        metas=tuple(metas),
        sources=sources,
        actors=actors,
        events=events,
        event_index=EventIndex(events, ids),
        actor_events=actor_events,
        tags=tags if tags is not None else frozenset(t for e in events for t in e.tags),
        warnings=tuple(warnings),
        names=name_index(actors),
    )


def name_index(actors: Mapping) -> dict[str, list[str]]:
    """Folded id, name, alias and demonym -> the ids of the actors called so."""
    from ..text import fold

    index: dict[str, list[str]] = {}
    for actor in actors.values():
        for name in dict.fromkeys(fold(n) for n in (actor.id, *actor.names)):
            index.setdefault(name, []).append(actor.id)
    return index


class EventIndex(Mapping):
    """id -> Event over a (possibly lazy) event sequence; `ids` may be a lazy sequence too."""

    def __init__(self, events: Sequence[Event], ids: Sequence[str]) -> None:
        self._events = events
        self._ids = ids
        self._positions: dict[str, int] | None = None

    @property
    def positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {eid: i for i, eid in enumerate(self._ids)}
        return self._positions

    def __getitem__(self, key: str) -> Event:
        return self._events[self.positions[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.positions

    def __iter__(self):
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self._events)


class Inspection:
    """Everything `geotie check` needs: the store if it loads, every problem, a locator."""

    def __init__(self, store: Store | None, problems: list[Problem], locate: Callable[..., Origin]) -> None:
        self.store, self.problems, self.locate = store, problems, locate


def inspect(paths: list[Path], texts: dict[Path, str] | None = None) -> Inspection:
    """Read and check `paths` without raising: unreadable files become problems too.
    `texts` replaces the text of some files (to check a change before it is written)."""
    files: list[FileContent] = []
    unreadable: list[Problem] = []
    for path in paths:
        try:
            files.append(read_file(path, (texts or {}).get(path)))
        except StoreError as err:
            unreadable.append(err.problem or Problem("error", "unreadable", str(err), Origin(str(path))))
    store, problems = check_files(files)
    if unreadable:
        store = None
    return Inspection(store, unreadable + problems, locator(files))


def _without_gc(work: Callable):
    """Run `work` with the cycle collector paused: reading a store allocates millions of
    objects and no cycles, and each collection pass would walk all of them (~30% of the
    time of a 100,000-event store). The objects left are then frozen (gc.freeze), so that
    later collections, while the command runs, do not walk them either."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return work()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def load_paths(paths: list[Path]) -> Store:
    """The validated store from `paths`; StoreError listing every error if it has any."""
    if not paths:
        raise StoreError("no store to read: --no-default was given without --data or GEOTIE_DATA")
    return _without_gc(lambda: _read(paths))


def _read(paths: list[Path]) -> Store:
    store, problems = check_files([read_file(p) for p in paths])
    if store is None:
        errors = [p for p in problems if p.severity == "error"]
        raise StoreError(f"the store has {len(errors)} error(s)", problems)
    return store


def load(
    data: list[str] | None = None, env: str | None = None, no_default: bool = False, user: Path | None = None
) -> Store:
    return load_paths(store_paths(list(data or []), env, no_default, user))
