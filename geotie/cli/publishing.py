"""Publishing commands: page (a timeline as one HTML file), ties (who an actor is tied to),
activity (events per period)."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .. import query
from ..errors import UsageError
from .base import (
    MAX_LIMIT,
    Status,
    _date_option,
    command,
    completes,
    emit,
    format_option,
    heading_for,
    load,
    pick_format,
    say,
    write_view,
)

ActorsArg = Annotated[
    list[str] | None,
    completes("actors", typer.Argument(help="Actors (ids, names or aliases, each quoted); none = all events.")),
]
SinceOpt = Annotated[str | None, typer.Option(help="Events that may fall on or after this date: 2024, 2024-07.")]
UntilOpt = Annotated[str | None, typer.Option(help="Events that may fall on or before this date.")]
TagOpt = Annotated[
    list[str] | None,
    completes("tags", typer.Option("--tag", "-t", help="Only events with this tag (repeatable: any of them).")),
]
StatusOpt = Annotated[list[Status] | None, typer.Option("--status", "-s", help="Only events with this status.")]
AnyOpt = Annotated[bool, typer.Option("--any", help="Events involving any of the actors, not all of them.")]
TypeOpt = Annotated[
    list[str] | None,
    completes(
        "types",
        typer.Option(
            "--type", metavar="TYPE", help="Only events of this PLOVER type, any case (repeatable: any of them)."
        ),
    ),
]


def _facts(ctx):
    """The publishing answers over the store's index (geotie.index.facts.Facts)."""
    from ..index.facts import Facts

    return Facts(load(ctx))


def _query(ctx, actors, since, until, tag, status, union, limit=None, types=None):
    """The facts, the resolved actors and the TimelineQuery, as `timeline` builds them."""
    from ..plover import types_named

    type_names = types_named(types or ())
    since_span, until_span = _date_option("--since", since), _date_option("--until", until)
    if since_span and until_span and since_span.lo > until_span.hi:
        raise UsageError(f"--since {since_span.text} is after --until {until_span.text}: swap them")
    facts = _facts(ctx)
    resolved = facts.resolve_actors(actors or [])
    q = query.TimelineQuery(
        actors=tuple(a.id for a in resolved),
        union=union,
        since=since_span,
        until=until_span,
        tags=tuple(tag or ()),
        statuses=tuple(s.value for s in status or ()),
        limit=limit,
        types=type_names,
    )
    known = facts.tags() if q.tags else frozenset()
    for unknown in sorted(set(q.tags) - known):
        say(f"warning: no event has the tag '{unknown}'")
    return facts, resolved, q


@command("page")
def page_cmd(
    ctx: typer.Context,
    actors: ActorsArg = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write the page to FILE (a page geotie wrote there is replaced)."
        ),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    tag: TagOpt = None,
    status: StatusOpt = None,
    types: TypeOpt = None,
    union: AnyOpt = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="At most this many events (default: the first 2000)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE even if geotie did not write it.")] = False,
) -> None:
    """A timeline as one self-contained HTML page: to scale, filterable, with its citations."""
    from . import export

    if output is None and sys.stdout.isatty():
        raise UsageError("the page is HTML: give -o FILE (e.g. -o timeline.html) or redirect the output")
    facts, resolved, q = _query(ctx, actors, since, until, tag, status, union, limit, types)
    text = export.page_text(facts, q, resolved, explicit_limit=limit is not None)
    if output is None:
        sys.stdout.write(text)
        return
    export.write_page_file(output, text, force)
    say(f"wrote {output} ({len(text.encode()) // 1024 or 1} KB); open it in a browser")


TiesFormat = format_option("mermaid", "dot")


@command("ties")
def ties_cmd(
    ctx: typer.Context,
    actor: Annotated[
        list[str],
        completes("actors", typer.Argument(metavar="ACTOR...", help="An actor id, name or alias (quotes not needed).")),
    ],
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=4, help="Steps out from the actor (2: ties of its ties).")
    ] = 1,
    fmt: TiesFormat = None,
) -> None:
    """Who an actor is tied to through shared events: how many, first and last date, tags."""
    facts = _facts(ctx)
    root = facts.resolve_actor(" ".join(actor))
    fmt_name = pick_format(fmt)
    found = facts.ties(root.id, depth, detail=fmt_name not in ("mermaid", "dot"))
    names = facts.actor_names(found.actors())
    if fmt_name in ("mermaid", "dot"):
        from ..render import graph

        (graph.write_mermaid if fmt_name == "mermaid" else graph.write_dot)(root.id, found, names, sys.stdout)
        return
    if not found and fmt_name == "table":
        say(f"{root.name} shares no event with another actor")
        return
    from ..render import rows

    def table(_term) -> None:
        from ..render.charts import print_ties

        print_ties(sys.stdout, root.id, found, names)

    emit(fmt_name, lambda: rows.ties_view(found, names), table)


By = StrEnum("By", {"year": "year", "month": "month"})
Split = StrEnum("Split", {"status": "status", "tag": "tag"})
ActivityFormat = format_option(formats=("table", "tsv", "csv", "json", "jsonl", "md"))


@command("activity")
def activity_cmd(
    ctx: typer.Context,
    actors: ActorsArg = None,
    by: Annotated[By, typer.Option("--by", help="Count per year or per month.")] = By.year,
    split: Annotated[Split, typer.Option("--split", help="Split each period by status or by tag.")] = Split.status,
    since: SinceOpt = None,
    until: UntilOpt = None,
    tag: TagOpt = None,
    status: StatusOpt = None,
    types: TypeOpt = None,
    union: AnyOpt = False,
    fmt: ActivityFormat = None,
) -> None:
    """How many events per year or month; a date that may fall in several periods is counted
    apart, as "spanning", in each of them."""
    from ..activity import activity

    facts, resolved, q = _query(ctx, actors, since, until, tag, status, union, types=types)
    act = activity(facts.iter_timeline(q), by.value, split.value)
    fmt_name = pick_format(fmt)
    if not act.periods and not act.unplaced and fmt_name == "table":
        say("no events match")
        return
    from ..render import rows

    heading = f"{heading_for(resolved)}: events per {by.value}, by {split.value}"

    def chart(_term) -> None:
        from ..render.charts import print_activity

        print_activity(sys.stdout, act, heading)

    if fmt_name in ("tsv", "csv", "md"):
        write_view(fmt_name, rows.activity_view(act, by.value, split.value))
        return
    emit(fmt_name, lambda: rows.activity_view(act, by.value, split.value), chart)
