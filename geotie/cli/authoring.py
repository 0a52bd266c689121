"""Authoring commands: `add event | actor | source`, appending to your own store."""

import functools
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..errors import GeotieError, UsageError
from ..model import ACTOR_KINDS, SOURCE_KINDS, Store
from .base import Kind, Status, app, command, completes, guarded, say, store_paths

add_app = typer.Typer(
    help="Add an event, actor or source to your own store (never to the bundled one), or a file of them "
    "with --from FILE.",
    no_args_is_help=True,
    invoke_without_command=True,
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
    from ..add import check_actor

    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("name at least one actor")
    for n in names:
        check_actor(store, n)
    return names


def add_target(ctx: typer.Context, to: str | None):
    """Where `add` writes: --to FILE; else the one file given with --data; else your store."""
    from pathlib import Path

    from ..store import user_store

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
    from .. import add as adding

    target = add_target(ctx, to)
    return adding.current_store(_add_paths(ctx, target), target)


def run_add(ctx: typer.Context, kind: str, build: Callable[[Store], dict], to: str | None, dry_run: bool) -> None:
    from .. import add as adding

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
    actor: Annotated[
        list[str] | None, completes("actors", typer.Option("--actor", "-a", help="An actor involved (repeatable)."))
    ] = None,
    source: Annotated[
        list[str] | None,
        completes("sources", typer.Option("--source", help="A source id (repeatable, one per --quote).")),
    ] = None,
    quote: Annotated[list[str] | None, typer.Option("--quote", help="The verbatim passage from that source.")] = None,
    note: Annotated[list[str] | None, typer.Option("--note", help="A note on that citation.")] = None,
    summary: Annotated[str, typer.Option(help="A few sentences.")] = "",
    date_text: Annotated[str, typer.Option(help="The source's own words for the date.")] = "",
    date_note: Annotated[str, typer.Option(help="How a relative or vague date was resolved.")] = "",
    tag: Annotated[list[str] | None, completes("tags", typer.Option("--tag", "-t", help="A tag (repeatable)."))] = None,
    status: Annotated[Status, typer.Option(help="What kind of fact this is.")] = Status.occurred,
    outcome: Annotated[str, typer.Option(help="For a plan: what is known of how it turned out.")] = "",
    implied_actor: Annotated[
        list[str] | None,
        typer.Option(
            "--implied-actor",
            help="An actor the quotes do not name, e.g. in 'the two countries' (repeatable; also an --actor).",
        ),
    ] = None,
    fulfils: Annotated[
        str,
        completes(
            "events", typer.Option(metavar="ID", help="The id of the planned event this one carries out (see 'plans').")
        ),
    ] = "",
    event_type: Annotated[
        str,
        completes("types", typer.Option("--type", metavar="TYPE", help="A PLOVER event type: AGREE, CONSULT...")),
    ] = "",
    mode: Annotated[str, typer.Option(help="A PLOVER mode of that type, e.g. visit for CONSULT.")] = "",
    context: Annotated[
        list[str] | None, typer.Option("--context", help="A PLOVER context, e.g. military (repeatable).")
    ] = None,
    recipient: Annotated[
        list[str] | None,
        completes(
            "actors",
            typer.Option("--recipient", help="An actor the event is directed at, e.g. a visit's host (repeatable)."),
        ),
    ] = None,
    event_id: IdOption = "",
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an event with its citations."""
    from .. import add as adding

    store = functools.cache(lambda: add_store(ctx, to))  # only prompts need it
    missing: dict[str, tuple[str, Callable[[str], Any]]] = {}
    if date is None:
        missing["--date"] = (f"Date ({adding.DATE_HELP})", adding.check_date)
    if title is None:
        missing["--title"] = ("Title", lambda v: adding.check_text("title", v))
    if not actor and not implied_actor:
        missing["--actor"] = ("Actors (names or ids, comma-separated)", lambda v: _split_names(store(), v))
    if not source:
        missing["--source"] = ("Source id", lambda v: adding.check_source(store(), v.strip()))
    if not quote:
        missing["--quote"] = ("Verbatim quote from that source", lambda v: adding.check_text("quote", v))
    got = fill(missing, before=store)
    entry_in = adding.EventIn(
        date=got.get("--date", date),
        title=got.get("--title", title),
        actors=list(got.get("--actor", actor) or []),
        sources=[got["--source"]] if "--source" in got else list(source or []),
        quotes=[got["--quote"]] if "--quote" in got else list(quote or []),
        notes=list(note or []),
        summary=summary,
        date_text=date_text,
        date_note=date_note,
        tags=list(tag or []),
        status=status.value,
        outcome=outcome,
        implied_actors=list(implied_actor or []),
        fulfils=fulfils,
        id=event_id,
        type=event_type,
        mode=mode,
        context=list(context or []),
        recipients=list(recipient or []),
    )
    run_add(ctx, "events", lambda st: adding.event_entry(st, entry_in), to, dry_run)


@command("actor", group=add_app)
def add_actor_cmd(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="The canonical spelling.")] = None,
    kind: Annotated[Kind | None, typer.Option(help="What the actor is.")] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another spelling (repeatable).")] = None,
    demonym: Annotated[
        list[str] | None, typer.Option("--demonym", help="What its people are called, e.g. Pakistani (repeatable).")
    ] = None,
    country: Annotated[
        str, completes("actors", typer.Option(help="For people and organizations: their country."))
    ] = "",
    note: Annotated[str, typer.Option(help="A note.")] = "",
    role: Annotated[str, typer.Option(help="A role's title, e.g. 'Minister of Defence Industry'.")] = "",
    of: Annotated[str, completes("actors", typer.Option(help="The actor the role is of."))] = "",
    attested: Annotated[
        list[str] | None,
        typer.Option("--attested", help="A date a source shows them in the role (repeatable)."),
    ] = None,
    start: Annotated[str, typer.Option(help="When a source says the role began.")] = "",
    end: Annotated[str, typer.Option(help="When a source says the role ended.")] = "",
    source: Annotated[
        list[str] | None, completes("sources", typer.Option("--source", help="A source for the role (repeatable)."))
    ] = None,
    quote: Annotated[list[str] | None, typer.Option("--quote", help="The verbatim passage (one per --source).")] = None,
    actor_id: IdOption = "",
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a country, person, organization, region or piece of equipment."""
    from .. import add as adding

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
        demonyms=list(demonym or []),
        country=country,
        note=note,
        role=role,
        of=of,
        attested=list(attested or []),
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
    from .. import add as adding

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


@add_app.callback()
@guarded
def add_from_cmd(
    ctx: typer.Context,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Add every entry of FILE, or none: TOML in the store format ([[events]], [[actors]], "
            "[[sources]]; [meta] and ids optional) or JSON Lines of event objects (the JSON contract).",
        ),
    ] = None,
    to: ToOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an event, actor or source to your own store, or a file of reviewed entries with --from."""
    if ctx.invoked_subcommand is not None:
        if from_file is not None or to is not None or dry_run:
            raise UsageError(
                f"--from, --to and --dry-run go after 'add {ctx.invoked_subcommand}' (or --from without it)"
            )
        return
    if from_file is None:
        raise UsageError("say what to add: 'add event', 'add actor', 'add source', or 'add --from FILE'")
    from pathlib import Path

    from .. import add as adding

    if not from_file.strip():
        raise UsageError("--from: the path is empty")
    batch = adding.read_batch(Path(from_file).expanduser())
    target = add_target(ctx, to)
    ids, text = adding.add_batch(_add_paths(ctx, target), target, batch, dry_run)
    if dry_run:
        sys.stdout.write(text)
        say(f"dry run: {_entries(len(ids))} checked, nothing was written to {target}")
    else:
        sys.stdout.write("".join(f"{i}\n" for i in ids))
        say(f"added {_entries(len(ids))} from {from_file} to {target}")


def _entries(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"
