"""`geotie plans`: every planned event, with what became of it by a day (geotie.plans). The
one place that reads the clock for it: the queries take `today` as a parameter."""

import sys
from typing import Annotated

import typer

from .. import query
from ..errors import Ambiguous, NotFound
from ..plans import PLAN_STATES
from .base import FormatOption, _date_option, command, completes, emit, load, pick_format, say, write_view
from .reading import AsOfOption, _as_of, _unquoted


@command("plans")
def plans_cmd(
    ctx: typer.Context,
    actors: Annotated[
        list[str] | None,
        completes("actors", typer.Argument(help="Actors (ids, names or aliases); none = every plan.")),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Judge each plan on this day (its first day, for a month or year); default: the --as-of day, "
            "else today.",
        ),
    ] = None,
    state: Annotated[
        list[str] | None,
        typer.Option(
            "--state", metavar="STATE", help=f"Only plans in this state (repeatable): {', '.join(PLAN_STATES)}."
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = None,
) -> None:
    """Planned events involving all the given actors: fulfilled (by which event), cancelled, open or overdue."""
    from datetime import date

    from ..errors import UsageError

    for name in state or ():
        if name not in PLAN_STATES:
            raise UsageError(f"--state {name}: no such state; give one of: {', '.join(PLAN_STATES)}")
    day = _as_of(as_of)
    today_span = _date_option("--today", today)
    judged = today_span.lo if today_span is not None else day if day is not None else date.today()
    from ..index import queries as iq

    ix = load(ctx)
    try:
        resolved = query.resolve_actors(ix, actors or [], iq.resolve_actor)
    except (NotFound, Ambiguous) as err:
        more = any(v is not None for v in (today, as_of, fmt)) or bool(state)
        raise _unquoted(ix, actors or [], err, "plans", more) from None
    found = iq.iter_plans(ix, tuple(a.id for a in resolved), judged, day)
    if state:
        found = (p for p in found if p.state in state)
    fmt_name = pick_format(fmt)
    from ..render import rows

    if fmt_name != "table":  # written as the plans are found: memory stays bounded
        write_view(fmt_name, rows.plans_view(found, judged))
        return
    found = list(found)
    if not found:
        say("no plans match")
        return
    count = f"{len(found)} plan" + ("" if len(found) == 1 else "s")
    heading = (" & ".join(a.name for a in resolved) or "All actors") + f": {count} as of {judged.isoformat()}"
    emit(
        fmt_name,
        lambda: rows.plans_view(found, judged),
        lambda term: term.print_plans(sys.stdout, iq.lookups(ix), found, heading, {a.id for a in resolved}),
    )
