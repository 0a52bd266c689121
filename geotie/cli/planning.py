"""`geotie plans`: every planned event, with what became of it by a day (geotie.plans). The
one place that reads the clock for it: the queries take `today` as a parameter."""

from typing import Annotated

import typer

from .. import query
from ..errors import Ambiguous, NotFound
from ..plans import PLAN_STATES
from .base import (
    FormatOption,
    _date_option,
    command,
    completes,
    heading_for,
    load,
    noted_stdout,
    pick_format,
    say,
    write_view,
)
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

    def found():
        plans = iq.iter_plans(ix, tuple(a.id for a in resolved), judged, day)
        return (p for p in plans if p.state in state) if state else plans

    fmt_name = pick_format(fmt)
    from ..render import rows

    if fmt_name != "table":  # written as the plans are found: memory stays bounded
        write_view(fmt_name, rows.plans_view(found(), judged))
        return
    count, linked = 0, False  # the heading's count and the columns: a first pass, nothing held
    for p in found():
        count += 1
        linked = linked or bool(p.fulfilled_by)
    if not count:
        say("no plans match")
        return
    heading = heading_for(resolved, count, "plan") + f" as of {judged.isoformat()}"
    from ..render import terminal

    named = iq.names_by_part(ix, lambda plan: plan.event)
    terminal.print_plans(noted_stdout(), iq.lookups(ix), found(), heading, {a.id for a in resolved}, linked, named)
