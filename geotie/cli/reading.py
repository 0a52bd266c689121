"""Reading commands: timeline, who, event, source, sources, actors, search. Each asks the
store's index (`load`: geotie.index) through geotie.index.queries; the renderers look up
names through `iq.lookups`."""

import itertools
import re
import sys
from typing import Annotated

import typer

from .. import query
from ..answers import TimelineQuery
from ..errors import Ambiguous, GeotieError, NotFound, UsageError
from .base import (
    MAX_LIMIT,
    STREAMED,
    FormatOption,
    Kind,
    Status,
    _date_option,
    command,
    completes,
    emit,
    format_option,
    heading_for,
    load,
    noted_stdout,
    pick_format,
    say,
    write_in_parts,
    write_view,
)

MinSourcesOption = Annotated[
    int,
    typer.Option(
        "--min-sources", metavar="N", min=0, help="Only events backed by at least N independent sources (publishers)."
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Only what sources surely published by this date report (a vague source date: once surely past).",
    ),
]


TypeOption = Annotated[
    list[str] | None,
    completes(
        "types",
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only events of this PLOVER type, any case (repeatable: any of them): AGREE, CONSULT, SUPPORT...",
        ),
    ),
]


def _types(values: list[str] | None) -> tuple[str, ...]:
    """--type values as PLOVER types (upper case); a usage error names the types."""
    if not values:
        return ()
    from ..plover import types_named

    return types_named(values)


def _as_of(value: str | None):
    """The last day of --as-of DATE (its latest possible day), or None."""
    span = _date_option("--as-of", value)
    return span.hi if span is not None else None


TimelineFormat = format_option("html", "timelinejs", "plover")  # publishing formats (cli/export.py)
SourcesFormat = format_option("csljson", "bibtex")
EventFormat = format_option("plover")


@command("timeline")
def timeline_cmd(
    ctx: typer.Context,
    actors: Annotated[
        list[str] | None,
        completes("actors", typer.Argument(help="Actors (ids, names or aliases); none = all events.")),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Events that may fall on or after this date: 2024, 2024-07, 'July 2024'.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Events that may fall on or before this date.")] = None,
    tag: Annotated[
        list[str] | None,
        completes("tags", typer.Option("--tag", "-t", help="Only events with this tag (repeatable: any of them).")),
    ] = None,
    status: Annotated[
        list[Status] | None, typer.Option("--status", "-s", help="Only events with this status (repeatable).")
    ] = None,
    types: TypeOption = None,
    union: Annotated[bool, typer.Option("--any", help="Events involving any of the actors, not all of them.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=0, max=MAX_LIMIT, help="At most this many events.")
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    cite: Annotated[
        bool,
        typer.Option(
            "--cite", "-c", help="Number the citations and quote them under the table (with -f md: as footnotes)."
        ),
    ] = False,
    with_roles: Annotated[
        bool,
        typer.Option("--with-roles", help="Each person's role on the event's date (see 'who --on')."),
    ] = False,
    min_sources: MinSourcesOption = 0,
    as_of: AsOfOption = None,
    fmt: TimelineFormat = None,
) -> None:
    """Events involving all the given actors, oldest first."""
    as_of_day = _as_of(as_of)
    type_names = _types(types)
    since_span, until_span = _date_option("--since", since), _date_option("--until", until)
    if since_span and until_span and since_span.lo > until_span.hi:
        raise UsageError(
            f"--since {since_span.text} is after --until {until_span.text}: no date is in that range; swap them"
        )
    from ..index import queries as iq

    ix = load(ctx)
    try:
        resolved = query.resolve_actors(ix, actors or [], iq.resolve_actor)
    except (NotFound, Ambiguous) as err:
        more = any(v is not None for v in (since, until, limit, fmt, as_of)) or bool(
            tag or status or types or union or reverse or cite
        )
        raise _unquoted(ix, actors or [], err, "timeline", more) from None
    q = TimelineQuery(
        actors=tuple(a.id for a in resolved),
        union=union,
        since=since_span,
        until=until_span,
        tags=tuple(tag or ()),
        statuses=tuple(s.value for s in status or ()),
        reverse=reverse,
        limit=limit,
        as_of=as_of_day,
        min_sources=min_sources,
        types=type_names,
    )
    if type_names:
        in_use = iq.types(ix)
        for unknown in [t for t in type_names if t not in in_use]:
            say(f"warning: no event has the type {unknown}; types in use: {', '.join(sorted(in_use)) or 'none'}")
    known_tags = iq.tags(ix) if q.tags else frozenset()
    for unknown in sorted(set(q.tags) - known_tags):
        say(f"warning: no event has the tag '{unknown}'; tags in use: {', '.join(sorted(known_tags))}")
    fmt_name = pick_format(fmt)
    from ..render import rows

    roles_of = _roles_of(ix, as_of_day) if with_roles else None
    corroboration_of = _corroboration_of(ix)
    if fmt_name == "plover":  # PLOVER records, a line each, as the events are found
        from ..plover import TYPES
        from ..render.plover import plover_view

        typed = q if q.types else q._replace(types=tuple(TYPES))  # the index finds them: the others are counted
        view, skipped = plover_view(iq.iter_timeline(ix, typed), iq.lookups(ix), roles_of)
        write_view("jsonl", view)
        untyped = 0 if q.types else iq.count_untyped(ix, q)
        if untyped:
            skipped["type"] = untyped
        if skipped:
            _say_skipped(skipped)
        return
    if fmt_name in ("html", "timelinejs") or (fmt_name == "md" and cite):
        if with_roles:
            raise UsageError(
                f"--with-roles is not shown in -f {fmt_name}{' with --cite' if cite else ''}; leave it out"
            )
        from ..index.facts import Facts
        from . import export

        export.publish_timeline(fmt_name, Facts(ix), q, resolved, explicit_limit=limit is not None)
        return
    if fmt_name in ("tsv", "csv", "md") and not with_roles:  # the rows as the index holds them
        found = iq.timeline_lines(ix, q)
        if found is not None:
            from ..text import tsv_cells

            write_view(fmt_name, rows.View(rows.EVENT_COLUMNS, lambda: map(tsv_cells, found), None, found))
            return
    if fmt_name in STREAMED:  # rows written as the events are found: `| head -1` is quick
        parts = _parts(ix, q, fmt_name) if roles_of is None else None
        if parts:
            write_in_parts(fmt_name, parts, str(ix.path.parent))
            return
        write_view(fmt_name, rows.events_view(iq.iter_timeline(ix, q), roles_of, corroboration_of))
        return
    # A table (every other format is written above): counted first, for its heading, then
    # drawn a part at a time as the events are read (render.terminal.print_in_parts).
    total = iq.count_timeline(ix, q)
    if not total:
        say("no events match")
        return
    found = iq.timeline_lines(ix, q) if not (cite or with_roles) else None
    if found is not None:  # a table of what the stored rows hold: no event decoded
        from ..answers import RowEvent
        from ..text import tsv_cells

        events = (RowEvent(tsv_cells(line)) for line in found)
    else:
        events = iq.iter_timeline(ix, q)
    heading = heading_for(resolved, total, "event")

    from ..render import terminal

    terminal.print_timeline(noted_stdout(), iq.lookups(ix), events, cite, heading, set(q.actors), roles_of,
                            corroboration_of, iq.names_by_part(ix))  # fmt: skip


#: A whole-timeline json/jsonl export of a store of at least this many events is made in parts,
#: one per usable CPU (at most MAX_PARTS), at the same time (render.parts). On 2 cores it saved
#: about a quarter at 10,000 events (430 -> 255-360 ms) and a tenth at 5,000 (200 -> 180 ms).
PARTS_MIN_EVENTS = 10_000
MAX_PARTS = 8


def _parts(ix, q: TimelineQuery, fmt_name: str) -> list | None:
    """The parts of an export by timeline position, if it is made in parts: json or jsonl of
    the whole timeline (filters by date, tag, status and type allowed), from an index file."""
    import os

    if fmt_name not in ("json", "jsonl") or ix.path is None or not hasattr(os, "fork"):
        return None
    if q.actors or q.reverse or q.limit is not None or q.as_of is not None or q.min_sources > 1:
        return None
    from ..procs import usable_cpus

    total, n = int(ix.meta.get("events", 0)), usable_cpus(MAX_PARTS)
    if n < 2 or total < PARTS_MIN_EVENTS:
        return None
    from ..index import queries as iq
    from ..render import rows
    from ..render.writers import write_elements

    def part(lo: int, hi: int):
        def make(out, here: bool) -> None:
            own = ix if here else ix.reopened()
            found = iq.iter_timeline(own, q, positions=(lo, hi))
            write_elements(rows.events_view(found, None, _corroboration_of(own)), fmt_name, out)

        return make

    return [part(total * i // n, total * (i + 1) // n) for i in range(n)]


def _say_skipped(skipped) -> None:
    """What -f plover left out, and why."""
    parts = [f"{n} event{'' if n == 1 else 's'} without {_LACKS[why]}" for why, n in sorted(skipped.items())]
    say(f"-f plover left out {' and '.join(parts)}, which PLOVER requires")


_LACKS = {"type": "a PLOVER type", "day": "a known day", "actor": "an actor other than recipients and equipment"}


def _corroboration_of(ix):
    """event -> how many independent sources back it (answers.corroboration)."""
    from ..answers import corroboration
    from ..index import queries as iq

    pubs: dict = {}

    def count(e) -> int:
        if not pubs:
            pubs.update(iq.publishers(ix))
        return corroboration(e, pubs)

    return count


def _roles_of(ix, as_of_day):
    """event -> the roles its actors held on its date (geotie.tenure.event_roles); with
    --as-of, only the roles the sources out by then cite. Actors are read once each."""
    from ..answers import actor_as_of
    from ..index import queries as iq
    from ..tenure import event_roles

    actors = iq.lookups(ix).actors
    known = iq.known_sources(ix, as_of_day) if as_of_day is not None else None
    made: dict = {}

    def person(actor_id: str):
        if actor_id not in made:
            actor = actors.get(actor_id)
            made[actor_id] = actor_as_of(actor, known) if actor is not None and known is not None else actor
        return made[actor_id]

    return lambda e: event_roles(e, {i: a for i in e.actors if (a := person(i)) is not None})


def _unquoted(ix, words: list[str], err: GeotieError, command_name: str, more: bool) -> GeotieError:
    """`err`, or, when the words name fewer actors taken together (a name typed without
    quotes), the same error saying so and showing the command with the quotes."""
    from ..index import queries as iq

    groups = query.word_groups(ix, words, iq.resolve_actor)
    if groups is None:
        return err
    for word in words:  # the first word that fails, and why
        try:
            iq.resolve_actor(ix, word)
        except Ambiguous as first:
            why = f"'{word}' fits {len(first.candidates)} actors ({', '.join(first.candidates)})"
            break
        except NotFound:
            why = f"'{word}' names no actor"
            break
    else:  # pragma: no cover - err came from one of the words
        return err
    read_as = ", ".join(f"'{w}'" for w in words[:-1]) + f" and '{words[-1]}'"
    together = "; ".join(f"'{text}' names {actor.name}" for text, actor in groups if text not in words)
    typed = " ".join(_shell_word(text) for text, _ in groups) + (" ..." if more else "")
    message = (
        f"{read_as} are read as {len(words)} actors, and {why}; together, {together}: "
        f"quote the name, as in geotie {command_name} {typed}"
    )
    return type(err)(message, err.candidates) if isinstance(err, Ambiguous) else type(err)(message)


def _shell_word(text: str) -> str:
    """`text` as one word for a shell: in double quotes when it has spaces (and nothing a
    shell would expand), else as shlex quotes it."""
    import shlex

    if re.fullmatch(r"[^\\\"$`!]* [^\\\"$`!]*", text):
        return f'"{text}"'
    return shlex.quote(text)


@command("who")
def who_cmd(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        completes(
            "actors",
            typer.Argument(
                metavar="NAME...", help="An actor id, name or alias (any case, accents optional; quotes not needed)."
            ),
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="DATE",
            help="Only the roles held on this date, each 'attested in office', 'in office' or 'unknown'.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = None,
) -> None:
    """Profile of an actor: names, roles over time, events, and who they appear with."""
    from ..index import queries as iq

    on_span = _date_option("--on", on)
    day = _as_of(as_of)
    ix = load(ctx)
    known = iq.known_sources(ix, day) if day is not None else None
    p = iq.profile(ix, iq.resolve_actor(ix, " ".join(name)), known=known)
    from ..render import rows

    if on_span is not None:
        from ..tenure import roles_on

        found = roles_on(p, on_span)
        emit(
            pick_format(fmt),
            lambda: rows.roles_on_view(p, on_span, found),
            lambda term: term.print_roles_on(sys.stdout, iq.lookups(ix), p, on_span, found),
        )
        return

    emit(
        pick_format(fmt),
        lambda: rows.profile_view(p),
        lambda term: term.print_profile(noted_stdout(), iq.lookups(ix), p, iq.names_by_part(ix)),  # table in parts
    )


@command("event")
def event_cmd(
    ctx: typer.Context,
    event_id: Annotated[
        str, completes("events", typer.Argument(metavar="ID", help="An event id (see 'geotie timeline')."))
    ],
    as_of: AsOfOption = None,
    fmt: EventFormat = None,
) -> None:
    """One event with its summary and every citation."""
    from ..index import queries as iq

    day = _as_of(as_of)
    ix = load(ctx)
    e = iq.get_event(ix, event_id)
    if day is not None:
        from ..answers import event_as_of

        e = event_as_of(e, iq.known_sources(ix, day))
        if e is None:
            raise NotFound(
                f"event '{event_id}' is reported by no source surely published by {as_of}; "
                "run 'geotie source ID' on its sources to see their dates"
            )
    from ..answers import actor_as_of, event_as_of
    from ..render import rows
    from ..tenure import event_roles

    people = iq.actors_by_id(ix, e.actors)
    if day is not None:
        known = iq.known_sources(ix, day)
        people = {i: actor_as_of(a, known) for i, a in people.items()}
    roles = event_roles(e, people)
    backed = _corroboration_of(ix)(e)
    if pick_format(fmt) == "plover":
        from ..render.plover import plover_record

        record = plover_record(e, iq.lookups(ix), roles)
        if record is None:
            from ..render.plover import missing

            lacks = _LACKS[missing(e, iq.lookups(ix))]
            raise UsageError(
                f"event '{e.id}' has no PLOVER record: it has no {lacks.partition(' ')[2]}, which PLOVER requires"
            )
        write_view("jsonl", rows.View((), (), record))
        return
    fulfilled = iq.fulfilled_by(ix, e.id)
    if day is not None:  # only what was reported by then
        fulfilled = [f for f in fulfilled if event_as_of(f, known) is not None]
    titles = iq.event_titles(ix, [e.fulfils]) if e.fulfils else {}
    emit(
        pick_format(fmt),
        lambda: rows.event_view(e, roles, backed, [f.id for f in fulfilled]),
        lambda term: term.print_event(sys.stdout, iq.lookups(ix), e, roles, backed, titles, fulfilled),
    )


@command("source")
def source_cmd(
    ctx: typer.Context,
    source_id: Annotated[
        str, completes("sources", typer.Argument(metavar="ID", help="A source id (see 'geotie sources')."))
    ],
    as_of: AsOfOption = None,
    fmt: SourcesFormat = None,
) -> None:
    """A source's details and every fact that cites it."""
    from ..index import queries as iq

    day = _as_of(as_of)
    ix = load(ctx)
    s = iq.get_source(ix, source_id)
    if day is not None and s.id not in iq.known_sources(ix, day):
        when = f"it is dated {s.published.text}" if s.published else "it is undated"
        raise NotFound(f"source '{s.id}' was not surely published by {as_of} ({when}); give a later --as-of")
    if pick_format(fmt) in ("csljson", "bibtex"):
        from . import export

        export.publish_sources(pick_format(fmt), [s])
        return
    facts = iq.citing(ix, s.id)
    from ..render import rows

    emit(
        pick_format(fmt),
        lambda: rows.source_view(s, facts),
        lambda term: term.print_source(sys.stdout, iq.lookups(ix), s, facts),
    )


@command("sources")
def sources_cmd(ctx: typer.Context, as_of: AsOfOption = None, fmt: SourcesFormat = None) -> None:
    """Every source, oldest first, with how often it is cited."""
    from ..index import queries as iq

    day = _as_of(as_of)
    ix = load(ctx)
    if pick_format(fmt) in ("csljson", "bibtex"):
        from . import export

        export.publish_sources(pick_format(fmt), (s for s, _ in iq.iter_sources(ix, day)))
        return
    from ..render import rows

    emit(
        pick_format(fmt),
        lambda: rows.sources_view(lambda: iq.iter_sources(ix, day)),
        lambda term: term.print_sources(noted_stdout(), iq.iter_sources(ix, day), iq.id_width(ix, "sources")),
    )


@command("actors")
def actors_cmd(
    ctx: typer.Context,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="Only actors of this kind.")] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = None,
) -> None:
    """Every actor: countries, people, organizations, with their aliases."""
    from ..index import queries as iq

    day = _as_of(as_of)
    ix = load(ctx)
    kind_name = kind.value if kind else None
    from ..render import rows

    def items():
        return iq.iter_actors(ix, kind_name, day)

    emit(
        pick_format(fmt),
        lambda: rows.actors_view(items),
        lambda term: term.print_actors(noted_stdout(), items(), iq.id_width(ix, "actors", kind_name)),
    )


@command("search")
def search_cmd(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to find, as one phrase.")],
    min_sources: Annotated[
        int,
        typer.Option(
            "--min-sources",
            metavar="N",
            min=0,
            help="Only hits in events backed by at least N independent sources (actors and sources left out).",
        ),
    ] = 0,
    types: Annotated[
        list[str] | None,
        completes(
            "types",
            typer.Option(
                "--type",
                metavar="TYPE",
                help="Only hits in events of this PLOVER type, any case (repeatable; actors and sources left out).",
            ),
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = None,
) -> None:
    """Find a phrase in titles, summaries, quotes, names and aliases (accents and case ignored)."""
    from ..text import fold

    text = " ".join(words)
    if not fold(text):
        what = "the text is empty" if not text.strip() else "the text has no letters or digits (punctuation is ignored)"
        raise UsageError(f"nothing to search for: {what}; give a word or phrase, e.g. geotie search JF-17")
    from ..index import queries as iq

    day = _as_of(as_of)
    type_names = _types(types)
    ix = load(ctx)
    known = iq.known_sources(ix, day) if day is not None else None
    hits = iq.iter_search(ix, text, known)
    if type_names:
        hits = iq.typed_hits(ix, hits, type_names)
    if min_sources > 1:
        hits = iq.backed_hits(ix, hits, min_sources, known)
    first = next(hits, None)
    fmt_name = pick_format(fmt)
    if first is None and fmt_name == "table":
        say(f"nothing matches '{text}'")
        return
    found = itertools.chain([first] if first is not None else [], hits)  # each hit written as it is found
    from ..render import rows

    emit(
        fmt_name,
        lambda: rows.search_view(found),
        lambda term: term.print_search(noted_stdout(), found),
    )
