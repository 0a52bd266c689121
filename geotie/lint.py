"""Lints for `geotie check`: problems that do not stop a store from loading but that a
curator should look at. Pure functions over a loaded Store; `today` is a parameter."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .dates import is_past
from .model import TAGS, Event, Origin, Problem, Store
from .text import fold, quote_in

Locate = Callable[..., Origin]  # (entry, *field path) -> Origin

#: Titles at least this similar (0..1, difflib ratio on folded text) mark a likely duplicate.
DUPLICATE_TITLE_RATIO = 0.6


def _warn(code: str, message: str, origin: Origin, entry: str, field: str = "", hint: str = "") -> Problem:
    return Problem("warning", code, message, origin, entry, field, hint)


def duplicate_events(store: Store, locate: Locate) -> list[Problem]:
    """Events with the same actors, overlapping dates and similar titles."""
    groups: dict[frozenset, list[Event]] = defaultdict(list)
    for e in store.events:
        groups[frozenset(e.actors)].append(e)
    out = []
    for events in groups.values():
        # store.events is in date order, so each group is too: compare only overlapping neighbours.
        for i, a in enumerate(events):
            for b in events[i + 1 :]:
                if b.date.lo > a.date.hi:
                    break
                ratio = difflib.SequenceMatcher(None, fold(a.title), fold(b.title)).ratio()
                if ratio >= DUPLICATE_TITLE_RATIO:
                    out.append(
                        _warn(
                            "duplicate-event",
                            f"'{b.id}' looks like a duplicate of '{a.id}' "
                            "(same actors, overlapping dates, similar titles)",
                            locate(b, "title"),
                            f"events '{b.id}'",
                            "title",
                            "merge them (one event can cite several sources), or make the titles say how they differ",
                        )
                    )
    return out


def stale_plans(store: Store, today: date, locate: Locate) -> list[Problem]:
    """Planned events whose dates have passed, with no later event involving the same actors
    and no `outcome` saying what became of them."""
    out = []
    for e in store.events:
        if e.status != "planned" or e.outcome or not is_past(e.date, today):
            continue
        wanted = set(e.actors)
        followed = any(
            later.status != "planned" and later.date.lo > e.date.lo and wanted <= set(later.actors)
            for later in store.events
        )
        if not followed:
            out.append(
                _warn(
                    "stale-plan",
                    f"'{e.id}' was planned for {e.date.text}, which has passed, and nothing later tells what happened",
                    locate(e, "status"),
                    f"events '{e.id}'",
                    "status",
                    'add the event that followed, set status, or say what is known in outcome = "..."',
                )
            )
    return out


def unused(store: Store, locate: Locate) -> list[Problem]:
    """Actors nobody refers to, sources nobody cites, roles without citations."""
    referenced = {a for e in store.events for a in e.actors}
    for actor in store.actors.values():
        referenced.update(r.of for r in actor.roles)
        if actor.country:
            referenced.add(actor.country)
    cited = {c.source for e in store.events for c in e.citations}
    out = []
    for actor in store.actors.values():
        if actor.id not in referenced and not actor.roles:
            out.append(
                _warn(
                    "unused-actor",
                    f"actor '{actor.id}' appears in no event and no role",
                    locate(actor),
                    f"actors '{actor.id}'",
                    hint="add it to the events it takes part in, or remove it",
                )
            )
        for i, role in enumerate(actor.roles):
            cited.update(c.source for c in role.citations)
            if not role.citations:
                out.append(
                    _warn(
                        "uncited-role",
                        f"role '{role.title}' of '{actor.id}' cites no source",
                        locate(actor, "roles", i),
                        f"actors '{actor.id}' roles[{i}]",
                        "citations",
                        'add citations = [{ source = "...", quote = "..." }]',
                    )
                )
    for source in store.sources.values():
        if source.id not in cited:
            out.append(
                _warn(
                    "unused-source",
                    f"source '{source.id}' is cited by no event or role",
                    locate(source),
                    f"sources '{source.id}'",
                    hint="cite it, or remove it",
                )
            )
    return out


def unknown_tags(store: Store, locate: Locate) -> list[Problem]:
    return [
        _warn(
            "unknown-tag",
            f"tag '{tag}' is not in the vocabulary",
            locate(e, "tags"),
            f"events '{e.id}'",
            "tags",
            f"use one of: {', '.join(TAGS)}",
        )
        for e in store.events
        for tag in e.tags
        if tag not in TAGS
    ]


def quotes_in_archive(store: Store, archive: Path, locate: Locate) -> list[Problem]:
    """Quotes that do not appear in their source's archived text (`archive` of the source,
    a file name inside the `archive` folder)."""
    texts: dict[str, str | None] = {}
    out = []
    for source in store.sources.values():
        if not source.archive:
            continue
        path = archive / source.archive
        try:
            texts[source.id] = path.read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # ValueError: a NUL in the name
            texts[source.id] = None
            out.append(
                _warn(
                    "archive-missing",
                    f"archived text '{path}' of source '{source.id}' cannot be read",
                    locate(source, "archive"),
                    f"sources '{source.id}'",
                    "archive",
                )
            )
    citations = [(e, ("citations", i), c, f"events '{e.id}'") for e in store.events for i, c in enumerate(e.citations)]
    citations += [
        (a, ("roles", i, "citations", j), c, f"actors '{a.id}' roles[{i}]")
        for a in store.actors.values()
        for i, r in enumerate(a.roles)
        for j, c in enumerate(r.citations)
    ]
    for item, path, c, entry in citations:
        text = texts.get(c.source)
        if text is not None and not quote_in(c.quote, text):
            out.append(
                _warn(
                    "quote-not-in-source",
                    f"the quote is not in the archived text of '{c.source}': “{c.quote[:60]}”",
                    locate(item, *path),
                    entry,
                    "quote",
                    "copy the passage verbatim from the source",
                )
            )
    return out


def lint(store: Store, today: date, locate: Locate, archive: Path | None = None) -> list[Problem]:
    problems = duplicate_events(store, locate) + stale_plans(store, today, locate)
    problems += unused(store, locate) + unknown_tags(store, locate)
    if archive is not None:
        problems += quotes_in_archive(store, archive, locate)
    return problems


def check(paths: list[Path], today: date, archive: Path | None = None) -> list[Problem]:
    """Everything `geotie check` reports for these files: load-time problems, then (when the
    store loads) the lints; in file order, then by line."""
    from .store import inspect

    result = inspect(paths)
    problems = list(result.problems)
    if result.store is not None:
        problems += lint(result.store, today, result.locate, archive)
    order = {str(p): i for i, p in enumerate(paths)}
    problems.sort(key=lambda p: (order.get(p.origin.file, len(order)), p.origin.file, p.origin.line, p.code))
    return problems
