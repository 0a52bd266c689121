"""Lints for `geotie check`: problems that do not stop a store from loading but that a
curator should look at. Pure functions over a loaded Store; `today` is a parameter."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .claims import folded_words, name_keys, named, numbers, numbers_said, relative_dates, unique_surnames
from .dates import describe, is_past
from .model import PRECISIONS, TAGS, DateSpan, Event, Origin, Problem, Store
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
    """Planned events whose dates have passed, with no later event involving the same actors,
    no event that fulfils them and no `outcome` saying what became of them."""
    fulfilled = {e.fulfils for e in store.events if e.fulfils and e.status != "planned"}
    out = []
    for e in store.events:
        if e.status != "planned" or e.outcome or e.id in fulfilled or not is_past(e.date, today):
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
    from .errors import StoreError
    from .store.files import read_regular  # refuses a FIFO rather than wait on it

    texts: dict[str, str | None] = {}
    out = []
    for source in store.sources.values():
        if not source.archive:
            continue
        path = archive / source.archive
        try:
            texts[source.id] = read_regular(path).decode("utf-8", errors="replace")
        except (OSError, StoreError, ValueError):  # ValueError: a NUL in the name
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
        if text is None or c.quote in text:
            continue
        if not quote_in(c.quote, text):
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
        else:
            out.append(
                _warn(
                    "quote-inexact",
                    f"the quote matches the archived text of '{c.source}' only once spaces, quote marks and "
                    f"dashes are made alike, not character for character: “{c.quote[:60]}”",
                    locate(item, *path),
                    entry,
                    "quote",
                    "copy the passage character for character (no-break spaces, curly quotes and dashes as the "
                    "source writes them)",
                )
            )
    return out


# --- do the citations support the claims? ----------------------------------------------------------


def _surnames(store: Store) -> dict[str, str]:
    """Person id -> surname, for the surnames no other person in the store has (claims.unique_surnames)."""
    return unique_surnames(store.actors.values())


def actors_not_named(store: Store, locate: Locate) -> list[Problem]:
    """`actor-not-named`: an event's actor whose name, alias, demonym (or, for a person, a
    surname no other person has) stands in none of its quotes nor its summary, and which is not
    in `implied_actors`."""
    keys: dict[str, list[str]] = {}
    surnames = _surnames(store)
    out = []
    for e in store.events:
        words = folded_words(" | ".join([e.summary, *(c.quote for c in e.citations)]))
        for ref in e.actors:
            actor = store.actors.get(ref)
            if actor is None or ref in e.implied_actors:
                continue
            if ref not in keys:
                keys[ref] = name_keys([*actor.names, surnames.get(ref, "")])
            if not named(words, keys[ref]):
                out.append(
                    _warn(
                        "actor-not-named",
                        f"actor '{ref}' ({actor.name}) is named in none of the event's quotes nor its summary",
                        locate(e, "actors"),
                        f"events '{e.id}'",
                        "actors",
                        "cite a passage that names it, or remove it from actors; if the quotes mean it without "
                        f'naming it ("the two countries"), add implied_actors = ["{ref}"]; a name the quotes use '
                        "belongs in the actor's aliases or demonyms",
                    )
                )
    return out


def _open(span: DateSpan) -> bool:
    return span.start is None or span.end is None


def source_dates(store: Store, locate: Locate) -> list[Problem]:
    """`source-date-open`: a source dated by an open-ended interval (`2024?/..`);
    `source-undated`: a source with no `published` date at all."""
    out = []
    for s in store.sources.values():
        if s.published is None:
            out.append(
                _warn(
                    "source-undated",
                    f"source '{s.id}' has no published date",
                    locate(s),
                    f"sources '{s.id}'",
                    "published",
                    "date it as tightly as its text allows (ranks, events it mentions as recent, the latest date "
                    'it gives) and write the clues in published_note = "..."',
                )
            )
        elif _open(s.published):
            out.append(
                _warn(
                    "source-date-open",
                    f"source '{s.id}' is dated by an open-ended interval '{s.published.text}'",
                    locate(s, "published"),
                    f"sources '{s.id}'",
                    "published",
                    "close the interval at the latest date its text allows (e.g. 2025-05/2025-12?) and write the "
                    "clues in published_note",
                )
            )
    return out


#: Statuses whose date may lie after the source that reports them.
FORWARD_STATUSES = ("planned", "cancelled")


def _published(store: Store, source_id: str) -> DateSpan | None:
    source = store.sources.get(source_id)
    return source.published if source else None


def after_sources(store: Store, locate: Locate) -> list[Problem]:
    """`event-after-source`: an event (not a plan) whose earliest possible day is after the
    latest possible publication day of a source it cites; a role attested on a date after
    every source it cites was published."""
    out = []
    for e in store.events:
        if e.status in FORWARD_STATUSES:
            continue
        for c in e.citations:
            published = _published(store, c.source)
            if published is not None and published.end is not None and e.date.lo > published.end:
                out.append(
                    _warn(
                        "event-after-source",
                        f"'{e.id}' ({e.date.text}) is dated after its source '{c.source}' was published "
                        f"({published.text})",
                        locate(e, "date"),
                        f"events '{e.id}'",
                        "date",
                        "a source cannot report as done what came after it: fix the event's date, the source's "
                        "published date, or the status (planned) if the source announces it",
                    )
                )
    for a in store.actors.values():
        for i, role in enumerate(a.roles):
            dates = [_published(store, c.source) for c in role.citations]
            latest = max((d.end for d in dates if d is not None and d.end is not None), default=None)
            if latest is None or any(d is None or d.end is None for d in dates):
                continue
            for when in role.attested:
                if when.lo > latest:
                    out.append(
                        _warn(
                            "event-after-source",
                            f"role '{role.title}' of '{a.id}' is attested on {when.text}, after every source it "
                            "cites was published",
                            locate(a, "roles", i, "attested"),
                            f"actors '{a.id}' roles[{i}]",
                            "attested",
                            "an attested date is a date the cited sources show them in the role: fix it or the "
                            "sources' published dates",
                        )
                    )
    return out


#: How fine a date each step of a relative expression needs, on the scale of PRECISIONS' indexes.
UNIT_LEVEL = {"day": 0.0, "week": 0.5, "month": 1.0, "year": 2.0}


def _too_precise(event: DateSpan, unit: str, source: DateSpan) -> bool:
    """An expression counting in `unit` from the day of writing ("last week") gives a date
    only as sure as that day: when the source is dated more coarsely than the unit (a month,
    for "last week"), the event can be no narrower than the source's date. ("Late last year"
    from a source known to the year is fine: the year is exact.)"""
    if _open(source) or PRECISIONS.index(source.precision) <= UNIT_LEVEL[unit]:
        return False
    return (event.hi - event.lo) < (source.hi - source.lo)


def relative_date_lints(store: Store, locate: Locate) -> list[Problem]:
    """`relative-date`: the event's date_text (or, without one, a quote) holds a relative date
    expression and the event has no date_note; `relative-date-too-precise`: an expression
    anchored on the day of writing, resolved more precisely than the citing source is dated."""
    out = []
    for e in store.events:
        if e.date_text:
            found = [(("date_text",), "date_text", r, e.citations) for r in relative_dates(e.date_text)]
        else:
            found = [
                (("citations", i), f"citations[{i}] quote", r, (c,))
                for i, c in enumerate(e.citations)
                for r in relative_dates(c.quote)
            ]
        if not found:
            continue
        entry = f"events '{e.id}'"
        if not e.date_note.strip():
            path, field, rel, _ = found[0]
            phrases = ", ".join(dict.fromkeys(f"'{r.phrase}'" for _, _, r, _ in found))
            out.append(
                _warn(
                    "relative-date",
                    f"the date rests on a relative expression ({phrases} in {field}) and the event has no date_note",
                    locate(e, *path),
                    entry,
                    "date_note",
                    'add date_note = "..." saying which words, counted from which date (the source\'s published '
                    "date, or another date of the text), gave this date",
                )
            )
        for _path, field, rel, cites in found:
            if not rel.anchored:
                continue
            spans = [(c.source, _published(store, c.source)) for c in cites]
            spans = [(sid, p) for sid, p in spans if p is not None]
            if spans and all(_too_precise(e.date, rel.unit, p) for _, p in spans):
                sid, p = min(spans, key=lambda sp: sp[1].hi - sp[1].lo)
                out.append(
                    _warn(
                        "relative-date-too-precise",
                        f"'{rel.phrase}' ({field}) counts from the day '{sid}' was written, known only as "
                        f"{describe(p)} ({p.text}): it cannot give a date as precise as {e.date.text}",
                        locate(e, "date"),
                        entry,
                        "date",
                        "date the event no more precisely than its source allows, or date the source more tightly "
                        "(published, with the clues in published_note)",
                    )
                )
                break
    return out


def _date_numbers(e: Event) -> set[str]:
    """The numbers the event's own date fields give (years, months, days)."""
    found = set(numbers(e.date_text)) | set(numbers(e.date.text))
    for day in (e.date.start, e.date.end):
        if day is not None:
            found |= {str(day.year), str(day.month), str(day.day)}
    return found


def numbers_not_quoted(store: Store, locate: Locate) -> list[Problem]:
    """`number-not-quoted`: a number written in digits in an event's title or summary that none
    of its quotes gives (in digits or words: "8th" is "eighth"), other than the numbers of its
    date, the years its sources were published ("the 2020 article") and its actors' names
    ("JF-17")."""
    in_names: dict[str, set[str]] = {}
    out = []
    for e in store.events:
        claimed = [(f, n) for f in ("title", "summary") for n in numbers(getattr(e, f))]
        if not claimed:
            continue
        said = _date_numbers(e)
        for c in e.citations:
            said |= numbers_said(c.quote)
            published = _published(store, c.source)
            if published is not None:  # "the 2020 article"
                said.update(str(day.year) for day in (published.start, published.end) if day is not None)
        for ref in e.actors:
            if ref not in in_names:
                actor = store.actors.get(ref)
                in_names[ref] = {n for name in actor.names for n in numbers(name)} if actor else set()
            said |= in_names[ref]
        missing = [(f, n) for f, n in claimed if n not in said]
        if missing:
            field = missing[0][0]
            listed = ", ".join(dict.fromkeys(n for _, n in missing))
            out.append(
                _warn(
                    "number-not-quoted",
                    f"the {field} gives {listed}, which none of the event's quotes gives",
                    locate(e, field),
                    f"events '{e.id}'",
                    field,
                    "cite the passage that gives the number, or take the number out",
                )
            )
    return out


_START_WORDS = re.compile(
    r"\b(?:became|become|becomes|appointed|elected|re-elected|took office|takes office|take office|sworn in|since|"
    r"new|newly|assumed|named|nominated|inaugurated|succeeded|succeeds|replaced|replaces|promoted|elevated|"
    r"conferred|took over|takes over|began|begins|started|starts)\b",
    re.IGNORECASE,
)


def role_dates(store: Store, locate: Locate) -> list[Problem]:
    """`undated-role`: a role with no attested date, start or end; `role-start-unquoted`: a
    role `start` none of whose quotes says anything began ("became", "appointed", "since",
    "new"...)."""
    out = []
    for a in store.actors.values():
        for i, role in enumerate(a.roles):
            entry = f"actors '{a.id}' roles[{i}]"
            if not role.dates:
                out.append(
                    _warn(
                        "undated-role",
                        f"role '{role.title}' of '{a.id}' has no date",
                        locate(a, "roles", i),
                        entry,
                        "attested",
                        'add attested = ["YYYY-MM"]: the dates its citations show them in the role',
                    )
                )
            if role.start and role.citations and not any(_START_WORDS.search(c.quote) for c in role.citations):
                out.append(
                    _warn(
                        "role-start-unquoted",
                        f"role '{role.title}' of '{a.id}' has start = '{role.start.text}', but none of its quotes "
                        "says the role began",
                        locate(a, "roles", i, "start"),
                        entry,
                        "start",
                        f'if the sources only show them in the role then, write attested = ["{role.start.text}"] '
                        "instead; else cite the passage that says when it began",
                    )
                )
    return out


def plan_links(store: Store, locate: Locate) -> list[Problem]:
    """Contradictions through `fulfils` links: `fulfils-cancelled` (the plan is marked cancelled
    but something carries it out), `fulfils-non-plan` (the event named is not a plan),
    `plan-fulfils-plan` (the fulfilling event is itself only planned),
    `fulfilment-before-announcement` (the fulfilment surely ended before the earliest source
    announcing the plan could have been published: that source called it a plan when it had
    happened) and, else, `fulfilment-before-plan` (it surely ended before the plan's date could
    begin, and the plan's `outcome` says nothing, e.g. that it was brought forward)."""
    from .plans import announcement

    published = {s.id: s.published for s in store.sources.values()}
    out = []
    for e in store.events:
        plan = store.event_index.get(e.fulfils) if e.fulfils else None
        if plan is None:
            continue
        where, entry = locate(e, "fulfils"), f"events '{e.id}'"
        if plan.status == "cancelled" and e.status != "cancelled":
            out.append(
                _warn(
                    "fulfils-cancelled",
                    f"'{e.id}' fulfils '{plan.id}', which is marked cancelled",
                    where,
                    entry,
                    "fulfils",
                    f"if the plan went ahead after all, set the status of '{plan.id}' to planned and say so in its "
                    "outcome; else remove fulfils",
                )
            )
        elif plan.status != "planned":
            out.append(
                _warn(
                    "fulfils-non-plan",
                    f"'{e.id}' fulfils '{plan.id}', which is not a plan (status {plan.status})",
                    where,
                    entry,
                    "fulfils",
                    f"fulfils names a planned event: set the status of '{plan.id}' to planned if a source announced "
                    "it, or remove fulfils",
                )
            )
        if e.status == "planned":
            out.append(
                _warn(
                    "plan-fulfils-plan",
                    f"'{e.id}' is itself only planned, so it cannot carry out '{plan.id}' yet",
                    locate(e, "status"),
                    entry,
                    "status",
                    'once it has happened set status = "occurred"; a plan that was changed belongs in the first '
                    "plan's outcome",
                )
            )
        announced, source = announcement(plan, published)
        if announced is not None and e.date.hi < announced.lo:
            out.append(
                _warn(
                    "fulfilment-before-announcement",
                    f"'{e.id}' ({e.date.text}) was over before '{source}' ({announced.text}) announced '{plan.id}' "
                    "as a plan",
                    locate(e, "date"),
                    entry,
                    "date",
                    "a source does not announce as a plan what has already happened: fix a date, or the link",
                )
            )
        elif e.date.hi < plan.date.lo and not plan.outcome.strip():
            out.append(
                _warn(
                    "fulfilment-before-plan",
                    f"'{e.id}' ({e.date.text}) is dated before the plan it fulfils, '{plan.id}' ({plan.date.text})",
                    locate(e, "date"),
                    entry,
                    "date",
                    f"fix a date; if the plan was brought forward, say so in the outcome of '{plan.id}'",
                )
            )
    return out


#: Opt-in lints (`geotie check --lint NAME`), off by default: they judge the evidence, not the store's form.
OPT_IN = ("single-source",)
#: Tags whose events --lint single-source asks to be backed by two independent sources.
SINGLE_SOURCE_TAGS = ("defence",)


def single_source(store: Store, locate: Locate) -> list[Problem]:
    """Events tagged defence that only one independent source backs (answers.corroboration)."""
    from .answers import corroboration

    publishers = {s.id: s.publisher for s in store.sources.values()}
    out = []
    for e in store.events:
        if set(e.tags) & set(SINGLE_SOURCE_TAGS) and corroboration(e, publishers) < 2:
            out.append(
                _warn(
                    "single-source",
                    f"'{e.id}' is tagged {', '.join(t for t in e.tags if t in SINGLE_SOURCE_TAGS)} and only one"
                    " independent source backs it",
                    locate(e, "citations"),
                    f"events '{e.id}'",
                    "citations",
                    "cite a second source from another publisher, or treat it as unconfirmed",
                )
            )
    return out


def lint(
    store: Store, today: date, locate: Locate, archive: Path | None = None, opt_in: tuple[str, ...] = ()
) -> list[Problem]:
    problems = duplicate_events(store, locate) + stale_plans(store, today, locate)
    problems += unused(store, locate) + unknown_tags(store, locate)
    problems += actors_not_named(store, locate) + source_dates(store, locate) + after_sources(store, locate)
    problems += relative_date_lints(store, locate) + numbers_not_quoted(store, locate) + role_dates(store, locate)
    problems += plan_links(store, locate)
    if archive is not None:
        problems += quotes_in_archive(store, archive, locate)
    if "single-source" in opt_in:
        problems += single_source(store, locate)
    return problems


def check(paths: list[Path], today: date, archive: Path | None = None, opt_in: tuple[str, ...] = ()) -> list[Problem]:
    """Everything `geotie check` reports for these files: load-time problems, then (when the
    store loads) the lints; in file order, then by line."""
    from .store import inspect

    result = inspect(paths)
    problems = list(result.problems)
    if result.store is not None:
        problems += lint(result.store, today, result.locate, archive, opt_in)
    order = {str(p): i for i, p in enumerate(paths)}
    problems.sort(key=lambda p: (order.get(p.origin.file, len(order)), p.origin.file, p.origin.line, p.code))
    return problems
