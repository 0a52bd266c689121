"""The command line: thin Typer wiring. Options in, queries called, views written,
GeotieError turned into one stderr line and an exit code, all here and nowhere else."""

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from . import __version__, query
from .errors import EXIT_INTERNAL, EXIT_STORE, GeotieError, StoreError, UsageError
from .model import ACTOR_KINDS, EVENT_STATUSES, SOURCE_KINDS, Problem, Store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Dated, sourced facts about the ties between states and the people who carry them.",
)

MAX_PROBLEMS_SHOWN = 20


FORMATS = ("table", "tsv", "csv", "json", "jsonl", "md")
STREAMED = ("tsv", "csv", "md")  # written a row at a time, as the rows are found
Format = StrEnum("Format", {f: f for f in FORMATS})
Status = StrEnum("Status", {s: s for s in EVENT_STATUSES})
Kind = StrEnum("Kind", {k: k for k in ACTOR_KINDS})

FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format; default: table on a terminal, tsv when piped."),
]


class Settings:
    """What the global options say; the store once loaded."""

    def __init__(self, data: list[str], no_default: bool, no_cache: bool = False) -> None:
        self.data, self.no_default, self.no_cache = data, no_default, no_cache
        self.store: Store | None = None


def say(message: str) -> None:
    """A message for the user: stderr, never stdout."""
    sys.stderr.write(f"geotie: {message}\n")


def _report_problems(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:MAX_PROBLEMS_SHOWN]:
        sys.stderr.write(f"{p}\n")
    if len(errors) > MAX_PROBLEMS_SHOWN:
        say(f"... and {len(errors) - MAX_PROBLEMS_SHOWN} more errors")


def command(*names: str, group: typer.Typer | None = None, **kwargs: Any) -> Callable:
    """Register a command (on `group`, default the app) whose GeotieErrors become a message
    and an exit code."""

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

        return (group or app).command(*names, **kwargs)(wrapper)

    return decorate


def store_paths(ctx: typer.Context, leave_out: object = None) -> list:
    """The store files to read (`leave_out`: a --data path that does not exist yet)."""
    from . import store as store_module

    settings: Settings = ctx.obj
    data = [d for d in settings.data if d != leave_out]
    return store_module.store_paths(
        data, os.environ.get("GEOTIE_DATA"), settings.no_default, store_module.user_store(os.environ)
    )


def load(ctx: typer.Context) -> Store:
    settings: Settings = ctx.obj
    if settings.store is None:
        from . import store as store_module
        from .store.cache import cache_dir

        cache = None if settings.no_cache or os.environ.get("GEOTIE_NO_CACHE") else cache_dir(os.environ)
        settings.store = store_module.load_paths(store_paths(ctx), cache)
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
        write_view(fmt, view_fn())


def write_view(fmt: str, view: Any) -> None:
    """A machine format on stdout (`view`: a render.rows.View)."""
    from .render.writers import write

    write(view, fmt, sys.stdout, safe=sys.stdout.isatty())


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
    no_default: Annotated[
        bool, typer.Option("--no-default", help="Leave out the bundled store and your own store.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read the store files, not the cache (GEOTIE_NO_CACHE=1 too).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = Settings(list(data or []), no_default, no_cache)


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
    known_tags = store.tags
    for unknown in sorted(set(q.tags) - known_tags):
        say(f"warning: no event has the tag '{unknown}'; tags in use: {', '.join(sorted(known_tags))}")
    fmt_name = pick_format(fmt)
    from .render import rows

    if fmt_name in STREAMED:  # rows written as the events are found: `| head -1` is quick
        write_view(fmt_name, rows.events_view(query.iter_timeline(store, q)))
        return
    events = query.timeline(store, q)
    if not events and fmt_name == "table":
        say("no events match")
        return
    count = f"{len(events)} event" + ("" if len(events) == 1 else "s")
    heading = (" & ".join(a.name for a in resolved) or "All actors") + f": {count}"
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


# --- add -----------------------------------------------------------------------------------

add_app = typer.Typer(
    help="Add an event, actor or source to your own store (never to the bundled one).", no_args_is_help=True
)
app.add_typer(add_app, name="add")

ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="FILE",
        help="The store file to add to (created if missing). Default: the one --data file if given, "
        "else your store: $GEOTIE_STORE or $XDG_DATA_HOME/geotie/facts.toml.",
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print the TOML that would be added; write nothing.")]
IdOption = Annotated[str, typer.Option("--id", help="The new id (default: made from the date and title).")]


def can_prompt() -> bool:
    """Ask for missing fields only when a person is at a terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def ask(label: str, check: Callable[[str], Any]) -> Any:
    """Prompt on stderr until `check` accepts the answer; each refusal says why."""
    while True:
        answer = typer.prompt(label, err=True)
        try:
            return check(answer)
        except GeotieError as err:
            say(str(err))


def fill(
    missing: dict[str, tuple[str, Callable[[str], Any]]], before: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """Values for missing required fields: asked on a terminal, else a usage error.
    `before` runs once before the first question (to refuse an invalid store up front)."""
    if missing and not can_prompt():
        flags = ", ".join(missing)
        raise UsageError(f"missing {flags}; give them as options, or run on a terminal to be asked")
    if missing and before is not None:
        before()
    return {flag: ask(label, check) for flag, (label, check) in missing.items()}


def _split_names(store: Store, text: str) -> list[str]:
    from .add import check_actor

    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("name at least one actor")
    for n in names:
        check_actor(store, n)
    return names


def add_target(ctx: typer.Context, to: str | None):
    """Where `add` writes: --to FILE; else the one file given with --data; else your store."""
    from pathlib import Path

    from .store import user_store

    if to:
        return Path(to).expanduser()
    data = ctx.obj.data
    if len(data) > 1:
        raise UsageError("several --data paths: say which file to add to with --to FILE")
    if data:
        if Path(data[0]).is_dir():
            raise UsageError(f"--data {data[0]} is a folder: say which file in it to add to with --to FILE")
        return Path(data[0]).expanduser()
    return user_store(os.environ)


def _add_paths(ctx: typer.Context, target) -> list:
    """The store files besides the target (which may not exist yet)."""
    return store_paths(ctx, leave_out=None if target.exists() else str(target))


def add_store(ctx: typer.Context, to: str | None) -> Store:
    """The store the new entry must fit in (the target file included), for prompts."""
    from . import add as adding

    target = add_target(ctx, to)
    return adding.current_store(_add_paths(ctx, target), target)


def run_add(ctx: typer.Context, kind: str, build: Callable[[Store], dict], to: str | None, dry_run: bool) -> None:
    from . import add as adding

    target = add_target(ctx, to)
    new_id, block = adding.add_entry(_add_paths(ctx, target), target, kind, build, dry_run)
    if dry_run:
        sys.stdout.write(block)
        say(f"dry run: nothing was written to {target}")
    else:
        sys.stdout.write(new_id + "\n")
        say(f"added {kind[:-1]} '{new_id}' to {target}")


@command("event", group=add_app)
def add_event_cmd(
    ctx: typer.Context,
    date: Annotated[
        str | None, typer.Option(help="EDTF date: 2025-01-25, 2025-01, 2025, 2025-01-21/2025-01-31...")
    ] = None,
    title: Annotated[str | None, typer.Option(help="One line.")] = None,
    actor: Annotated[list[str] | None, typer.Option("--actor", "-a", help="An actor involved (repeatable).")] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="A source id (repeatable, one per --quote).")
    ] = None,
    quote: Annotated[list[str] | None, typer.Option("--quote", help="The verbatim passage from that source.")] = None,
    note: Annotated[list[str] | None, typer.Option("--note", help="A note on that citation.")] = None,
    summary: Annotated[str, typer.Option(help="A few sentences.")] = "",
    date_text: Annotated[str, typer.Option(help="The source's own words for the date.")] = "",
    date_note: Annotated[str, typer.Option(help="How a relative or vague date was resolved.")] = "",
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")] = None,
    status: Annotated[Status, typer.Option(help="What kind of fact this is.")] = Status.occurred,
    outcome: Annotated[str, typer.Option(help="For a plan: what is known of how it turned out.")] = "",
    event_id: IdOption = "",
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an event with its citations."""
    from . import add as adding

    store = functools.cache(lambda: add_store(ctx, to))  # only prompts need it
    missing: dict[str, tuple[str, Callable[[str], Any]]] = {}
    if date is None:
        missing["--date"] = (f"Date ({adding.DATE_HELP})", adding.check_date)
    if title is None:
        missing["--title"] = ("Title", lambda v: adding.check_text("title", v))
    if not actor:
        missing["--actor"] = ("Actors (names or ids, comma-separated)", lambda v: _split_names(store(), v))
    if not source:
        missing["--source"] = ("Source id", lambda v: adding.check_source(store(), v.strip()))
    if not quote:
        missing["--quote"] = ("Verbatim quote from that source", lambda v: adding.check_text("quote", v))
    got = fill(missing, before=store)
    entry_in = adding.EventIn(
        date=got.get("--date", date),
        title=got.get("--title", title),
        actors=got.get("--actor", actor),
        sources=[got["--source"]] if "--source" in got else list(source or []),
        quotes=[got["--quote"]] if "--quote" in got else list(quote or []),
        notes=list(note or []),
        summary=summary,
        date_text=date_text,
        date_note=date_note,
        tags=list(tag or []),
        status=status.value,
        outcome=outcome,
        id=event_id,
    )
    run_add(ctx, "events", lambda st: adding.event_entry(st, entry_in), to, dry_run)


@command("actor", group=add_app)
def add_actor_cmd(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="The canonical spelling.")] = None,
    kind: Annotated[Kind | None, typer.Option(help="What the actor is.")] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another spelling (repeatable).")] = None,
    country: Annotated[str, typer.Option(help="For people and organizations: their country.")] = "",
    note: Annotated[str, typer.Option(help="A note.")] = "",
    role: Annotated[str, typer.Option(help="A role's title, e.g. 'Minister of Defence Industry'.")] = "",
    of: Annotated[str, typer.Option(help="The actor the role is of.")] = "",
    start: Annotated[str, typer.Option(help="The earliest date a source places them in the role.")] = "",
    end: Annotated[str, typer.Option(help="When the role ended.")] = "",
    source: Annotated[list[str] | None, typer.Option("--source", help="A source for the role (repeatable).")] = None,
    quote: Annotated[list[str] | None, typer.Option("--quote", help="The verbatim passage (one per --source).")] = None,
    actor_id: IdOption = "",
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a country, person, organization, region or piece of equipment."""
    from . import add as adding

    missing: dict[str, tuple[str, Callable[[str], Any]]] = {}
    if name is None:
        missing["--name"] = ("Name", lambda v: adding.check_text("name", v))
    if kind is None:
        missing["--kind"] = (
            f"Kind ({', '.join(ACTOR_KINDS)})",
            lambda v: adding.check_choice("kind", v.strip(), ACTOR_KINDS),
        )
    got = fill(missing, before=lambda: add_store(ctx, to))
    entry_in = adding.ActorIn(
        name=got.get("--name", name),
        kind=got.get("--kind", kind.value if kind else ""),
        aliases=list(alias or []),
        country=country,
        note=note,
        role=role,
        of=of,
        start=start,
        end=end,
        sources=list(source or []),
        quotes=list(quote or []),
        id=actor_id,
    )
    run_add(ctx, "actors", lambda st: adding.actor_entry(st, entry_in), to, dry_run)


@command("source", group=add_app)
def add_source_cmd(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Option(help="The headline, as published.")] = None,
    publisher: Annotated[str, typer.Option(help="Who published it.")] = "",
    author: Annotated[list[str] | None, typer.Option("--author", help="An author (repeatable).")] = None,
    published: Annotated[str, typer.Option(help="EDTF date of publication (may be approximate: 2020?).")] = "",
    published_note: Annotated[str, typer.Option(help="The evidence for an inferred date.")] = "",
    url: Annotated[str, typer.Option(help="Where it is (never guessed).")] = "",
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(SOURCE_KINDS)}.")] = "news",
    archive: Annotated[str, typer.Option(help="File name of an archived copy of its text.")] = "",
    source_id: IdOption = "",
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a source (an article, a statement, a report)."""
    from . import add as adding

    got = fill(
        {"--title": ("Title", lambda v: adding.check_text("title", v))} if title is None else {},
        before=lambda: add_store(ctx, to),
    )
    entry_in = adding.SourceIn(
        title=got.get("--title", title),
        publisher=publisher,
        authors=list(author or []),
        published=published,
        published_note=published_note,
        url=url,
        kind=kind,
        archive=archive,
        id=source_id,
    )
    run_add(ctx, "sources", lambda st: adding.source_entry(st, entry_in), to, dry_run)


# --- check ---------------------------------------------------------------------------------


@command("check")
def check_cmd(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    archive: Annotated[
        str | None,
        typer.Option(metavar="DIR", help="Check every quote against its source's archived text in DIR."),
    ] = None,
    today: Annotated[
        str | None, typer.Option(metavar="DATE", help="Judge stale plans as of this day (default: today).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text (file:line: severity: code: message) or json.")
    ] = "text",
) -> None:
    """Validate every loaded store file and lint it; silent when clean."""
    from datetime import date as date_type
    from pathlib import Path

    from . import lint

    if fmt not in ("text", "json"):
        raise UsageError(f"--format '{fmt}': check prints text or json")
    day = date_type.today() if today is None else _date_option("--today", today).lo
    if archive is not None and not Path(archive).is_dir():
        raise UsageError(f"--archive {archive}: no such folder")
    paths = store_paths(ctx)
    problems = lint.check(paths, day, Path(archive) if archive else None)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "json":
        from .render.rows import problem_json
        from .render.writers import json_text

        sys.stdout.write(json_text([problem_json(p) for p in problems], indent=2) + "\n")
    else:
        from .text import visible

        for p in problems:
            sys.stdout.write(visible(str(p)) + "\n")
    if problems:
        say(f"{errors} error(s), {warnings} warning(s) in {len(paths)} file(s)")
    if errors or (strict and warnings):
        raise typer.Exit(EXIT_STORE)


def _reader_gone() -> None:
    """The reader closed the pipe (`geotie timeline | head -1`): stop quietly, status 0.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (in-process tests)
        pass
    raise typer.Exit(0)


GLOBAL_OPTIONS_WITH_VALUES = ("--data", "-d")


def only_the_command_run(argv: list[str]) -> None:
    """Typer builds a click command for every registered command at each start (~1-4 ms
    each); keep only the one named on the command line. With no command, an unknown one or
    help for the whole app, every command stays."""
    args = iter(argv)
    for token in args:
        if token in GLOBAL_OPTIONS_WITH_VALUES:
            next(args, None)
        elif token in ("--help", "-h"):
            return
        elif not token.startswith("-"):
            commands = [c for c in app.registered_commands if c.name == token]
            groups = [g for g in app.registered_groups if g.name == token]
            if commands or groups:
                app.registered_commands, app.registered_groups = commands, groups
            return


def main() -> None:
    """Console entry point."""
    only_the_command_run(sys.argv[1:])
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
