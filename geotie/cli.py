"""The command line: thin Typer wiring. Options in, queries called, views written,
GeotieError turned into one stderr line and an exit code, all here and nowhere else."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer

from . import __version__, query
from .errors import EXIT_INTERNAL, EXIT_STORE, GeotieError, StoreError, UsageError
from .model import ACTOR_KINDS, EVENT_STATUSES, Problem, Store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Dated, sourced facts about the ties between states and the people who carry them.",
)

MAX_PROBLEMS_SHOWN = 20


FORMATS = ("table", "tsv", "csv", "json", "jsonl", "md")
Format = StrEnum("Format", {f: f for f in FORMATS})
Status = StrEnum("Status", {s: s for s in EVENT_STATUSES})
Kind = StrEnum("Kind", {k: k for k in ACTOR_KINDS})

FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format; default: table on a terminal, tsv when piped."),
]


@dataclass
class Settings:
    data: list[str]
    no_default: bool
    store: Store | None = None


def say(message: str) -> None:
    """A message for the user: stderr, never stdout."""
    sys.stderr.write(f"geotie: {message}\n")


def _report_problems(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:MAX_PROBLEMS_SHOWN]:
        sys.stderr.write(f"{p}\n")
    if len(errors) > MAX_PROBLEMS_SHOWN:
        say(f"... and {len(errors) - MAX_PROBLEMS_SHOWN} more errors")


def command(*names: str, **kwargs: Any) -> Callable:
    """Register a command whose GeotieErrors become a message and an exit code."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except StoreError as err:
                _report_problems(err.problems)
                say(f"{err}" + ("; fix the lines above (nothing was changed)" if err.problems else ""))
                raise typer.Exit(err.exit_code) from None
            except GeotieError as err:
                say(str(err))
                raise typer.Exit(err.exit_code) from None
            except BrokenPipeError:
                _reader_gone()

        return app.command(*names, **kwargs)(wrapper)

    return decorate


def load(ctx: typer.Context) -> Store:
    settings: Settings = ctx.obj
    if settings.store is None:
        from . import store as store_module

        settings.store = store_module.load(settings.data, os.environ.get("GEOTIE_DATA"), settings.no_default)
        for w in settings.store.warnings:
            sys.stderr.write(f"{w}\n")
    return settings.store


def pick_format(fmt: Format | None) -> str:
    """Flags win; otherwise a terminal gets a table and a pipe gets tsv."""
    if fmt is not None:
        return fmt.value
    return "table" if sys.stdout.isatty() else "tsv"


def emit(fmt: str, view_fn: Callable[[], Any], table_fn: Callable[[Any], None]) -> None:
    if fmt == "table":
        from .render import terminal

        table_fn(terminal)
    else:
        from .render.writers import write

        write(view_fn(), fmt, sys.stdout, safe=sys.stdout.isatty())


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"geotie {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="PATH",
            help="A store file or a folder of .toml files, added to the bundled store (repeatable). "
            "GEOTIE_DATA holds more, separated by ':'.",
        ),
    ] = None,
    no_default: Annotated[bool, typer.Option("--no-default", help="Leave the bundled store out.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = Settings(list(data or []), no_default)


def _date_option(name: str, value: str | None):
    if value is None:
        return None
    from .dates import parse_user_date

    try:
        return parse_user_date(value)
    except GeotieError as err:
        raise UsageError(f"{name}: {err}") from None


@command("timeline")
def timeline_cmd(
    ctx: typer.Context,
    actors: Annotated[
        list[str] | None, typer.Argument(help="Actors (ids, names or aliases); none = all events.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Events that may fall on or after this date: 2024, 2024-07, 'July 2024'.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Events that may fall on or before this date.")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Only events with this tag (repeatable: any of them).")
    ] = None,
    status: Annotated[
        list[Status] | None, typer.Option("--status", "-s", help="Only events with this status (repeatable).")
    ] = None,
    union: Annotated[bool, typer.Option("--any", help="Events involving any of the actors, not all of them.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, help="At most this many events.")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    cite: Annotated[
        bool, typer.Option("--cite", "-c", help="Number the citations and quote them under the table.")
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Events involving all the given actors, oldest first."""
    store = load(ctx)
    resolved = [query.resolve_actor(store, name) for name in actors or []]
    q = query.TimelineQuery(
        actors=tuple(a.id for a in resolved),
        union=union,
        since=_date_option("--since", since),
        until=_date_option("--until", until),
        tags=tuple(tag or ()),
        statuses=tuple(s.value for s in status or ()),
        reverse=reverse,
        limit=limit,
    )
    known_tags = {t for e in store.events for t in e.tags}
    for unknown in sorted(set(q.tags) - known_tags):
        say(f"warning: no event has the tag '{unknown}'; tags in use: {', '.join(sorted(known_tags))}")
    events = query.timeline(store, q)
    fmt_name = pick_format(fmt)
    if not events and fmt_name == "table":
        say("no events match")
        return
    heading = (" & ".join(a.name for a in resolved) or "All actors") + f": {len(events)} events"
    from .render import rows

    emit(
        fmt_name,
        lambda: rows.events_view(events),
        lambda term: term.print_timeline(sys.stdout, store, events, cite, heading, set(q.actors)),
    )


@command("who")
def who_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="An actor id, name or alias (any case, accents optional).")],
    fmt: FormatOption = None,
) -> None:
    """Profile of an actor: names, roles over time, events, and who they appear with."""
    store = load(ctx)
    p = query.profile(store, query.resolve_actor(store, name))
    from .render import rows

    emit(pick_format(fmt), lambda: rows.profile_view(p), lambda term: term.print_profile(sys.stdout, store, p))


@command("event")
def event_cmd(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="An event id (see 'geotie timeline').")],
    fmt: FormatOption = None,
) -> None:
    """One event with its summary and every citation."""
    store = load(ctx)
    e = query.get_event(store, event_id)
    from .render import rows

    emit(pick_format(fmt), lambda: rows.event_view(e), lambda term: term.print_event(sys.stdout, store, e))


@command("source")
def source_cmd(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(metavar="ID", help="A source id (see 'geotie sources').")],
    fmt: FormatOption = None,
) -> None:
    """A source's details and every fact that cites it."""
    store = load(ctx)
    s = query.get_source(store, source_id)
    facts = query.citing(store, s.id)
    from .render import rows

    emit(
        pick_format(fmt),
        lambda: rows.source_view(s, facts),
        lambda term: term.print_source(sys.stdout, store, s, facts),
    )


@command("sources")
def sources_cmd(ctx: typer.Context, fmt: FormatOption = None) -> None:
    """Every source, oldest first, with how often it is cited."""
    store = load(ctx)
    items = query.sources(store)
    counts = query.citation_counts(store)
    from .render import rows

    emit(
        pick_format(fmt),
        lambda: rows.sources_view(items, counts),
        lambda term: term.print_sources(sys.stdout, items, counts),
    )


@command("actors")
def actors_cmd(
    ctx: typer.Context,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="Only actors of this kind.")] = None,
    fmt: FormatOption = None,
) -> None:
    """Every actor: countries, people, organizations, with their aliases."""
    store = load(ctx)
    items = query.actors(store, kind.value if kind else None)
    counts = query.event_counts(store)
    from .render import rows

    emit(
        pick_format(fmt),
        lambda: rows.actors_view(items, counts),
        lambda term: term.print_actors(sys.stdout, items, counts),
    )


@command("search")
def search_cmd(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to find, as one phrase.")],
    fmt: FormatOption = None,
) -> None:
    """Find a phrase in titles, summaries, quotes, names and aliases (accents and case ignored)."""
    store = load(ctx)
    text = " ".join(words)
    hits = query.search(store, text)
    fmt_name = pick_format(fmt)
    if not hits and fmt_name == "table":
        say(f"nothing matches '{text}'")
        return
    from .render import rows

    emit(
        fmt_name,
        lambda: rows.search_view(hits),
        lambda term: term.print_search(sys.stdout, hits, [rows.snippet(h) for h in hits]),
    )


def _reader_gone() -> None:
    """The reader closed the pipe (`geotie timeline | head -1`): stop quietly, status 0.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (in-process tests)
        pass
    raise typer.Exit(0)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except BrokenPipeError:
        try:
            _reader_gone()
        except typer.Exit:
            sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except RecursionError:
        say("the input is nested too deeply")
        sys.exit(EXIT_STORE)
    except Exception as err:  # a bug: one line, the traceback only on request
        if os.environ.get("GEOTIE_DEBUG"):
            raise
        say(f"internal error: {type(err).__name__}: {err} (set GEOTIE_DEBUG=1 for details, and please report it)")
        sys.exit(EXIT_INTERNAL)
