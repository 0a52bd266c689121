"""Rules that need the whole store: unique ids and references that resolve."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Actor, Citation, Event, Origin, Problem, Source
from ..text import did_you_mean, suggest_ids
from .convert import FileContent


def _unknown(kind: str, ref: str, known: list[str]) -> str:
    return did_you_mean(*suggest_ids(ref, known)) or f"define it as [[{kind}]] or fix the id"


def check_unique(files: list[FileContent]) -> list[Problem]:
    seen: dict[str, tuple[str, Origin]] = {}
    problems = []
    for content in files:
        for kind, items in (("sources", content.sources), ("actors", content.actors), ("events", content.events)):
            for item in items:
                if item.id in seen:
                    other_kind, other = seen[item.id]
                    problems.append(
                        Problem(
                            "error",
                            "duplicate-id",
                            f"id '{item.id}' is already used by {other_kind} at {other}",
                            item.origin,
                            f"{kind} '{item.id}'",
                            "id",
                            "ids must be unique across sources, actors and events in all loaded files",
                        )
                    )
                else:
                    seen[item.id] = (kind, item.origin)
    return problems


Locate = Callable[..., Origin]  # (entry, *field path) -> Origin of that field


def _check_citations(
    citations: tuple[Citation, ...], sources: dict[str, Source], locate: Locate, entry: str, *at: object
) -> list[Problem]:
    return [
        Problem(
            "error",
            "unknown-source",
            f"unknown source '{c.source}'",
            locate(*at, "citations", i),
            f"{entry} citations[{i}]",
            "source",
            _unknown("sources", c.source, list(sources)),
        )
        for i, c in enumerate(citations)
        if c.source not in sources
    ]


def check_references(
    sources: dict[str, Source],
    actors: dict[str, Actor],
    events: list[Event],
    broken: set[str] = frozenset(),
    locate: Locate | None = None,
) -> list[Problem]:
    """Unresolved references. Ids in `broken` (entries already reported) count as defined,
    so one mistake is reported once, not again at every reference to it."""
    problems: list[Problem] = []
    locate = locate or (lambda item, *path: item.origin)
    actors = {**dict.fromkeys(broken), **actors}
    sources = {**dict.fromkeys(broken), **sources}
    actor_ids = list(actors)
    for actor in actors.values():
        if actor is None:
            continue
        entry = f"actors '{actor.id}'"
        if actor.country and actor.country not in actors:
            problems.append(
                Problem(
                    "error",
                    "unknown-actor",
                    f"unknown country '{actor.country}'",
                    locate(actor, "country"),
                    entry,
                    "country",
                    _unknown("actors", actor.country, actor_ids),
                )
            )
        for i, role in enumerate(actor.roles):
            if role.of and role.of not in actors:
                problems.append(
                    Problem(
                        "error",
                        "unknown-actor",
                        f"unknown actor '{role.of}'",
                        locate(actor, "roles", i, "of"),
                        f"{entry} roles[{i}]",
                        "of",
                        _unknown("actors", role.of, actor_ids),
                    )
                )
            problems += _check_citations(role.citations, sources, locate, f"{entry} roles[{i}]", actor, "roles", i)
    for event in events:
        entry = f"events '{event.id}'"
        for ref in event.actors:
            if ref not in actors:
                problems.append(
                    Problem(
                        "error",
                        "unknown-actor",
                        f"unknown actor '{ref}'",
                        locate(event, "actors"),
                        entry,
                        "actors",
                        _unknown("actors", ref, actor_ids),
                    )
                )
        problems += _check_citations(event.citations, sources, locate, entry, event)
    problems += _check_fulfils(events, broken, locate)
    return problems


def bad_links(links: dict[str, str], known: set[str] | frozenset[str]) -> list[tuple[str, str, str]]:
    """The `fulfils` links that cannot stand, as (event id, code, message): to an id no event
    has (`known`: every event id, and ids of entries already reported), to the event itself,
    or round a cycle (each cycle once, at its first id in sorted order). `links`: event id ->
    the id it fulfils."""
    out = []
    for ident, target in links.items():
        if target == ident:
            out.append((ident, "fulfils-itself", f"the event fulfils itself ('{target}')"))
        elif target not in known:
            out.append((ident, "unknown-event", f"unknown event '{target}'"))
    done: set[str] = set()
    for start in sorted(links):
        path: list[str] = []
        at = start
        while at in links and at not in done and at not in path and links[at] != at:
            path.append(at)
            at = links[at]
        if at in path:  # back to an event of this walk: a cycle of two or more
            cycle = path[path.index(at) :]
            first = min(cycle)
            turn = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
            out.append((first, "fulfils-cycle", "the fulfils links go round a cycle: " + " -> ".join([*turn, first])))
        done.update(path)
    return out


def _check_fulfils(events: list[Event], broken: set[str], locate: Locate) -> list[Problem]:
    links = {e.id: e.fulfils for e in events if e.fulfils}
    if not links:
        return []
    by_id = {e.id: e for e in events}
    known = set(by_id) | set(broken)
    ids = list(by_id)
    hints = {
        "fulfils-itself": "name the planned event this one carries out, or remove fulfils",
        "fulfils-cycle": "a plan is carried out by a later event: remove the link that points back",
    }
    problems = []
    for ident, code, message in bad_links(links, known):
        target = links[ident]
        hint = hints.get(code) or (
            did_you_mean(*suggest_ids(target, ids)) or "give the id of an event of any loaded file, or fix the id"
        )
        problems.append(
            Problem("error", code, message, locate(by_id[ident], "fulfils"), f"events '{ident}'", "fulfils", hint)
        )
    return problems
