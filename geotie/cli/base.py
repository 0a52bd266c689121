"""The app and its one error edge: global options, loading the store once, format choice,
GeotieError turned into one stderr line and an exit code, here and nowhere else. The commands
live in one module per family (reading, authoring, checking); only the module of the command
that runs is imported."""

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import IO, Annotated, Any, NoReturn

import typer

from .. import __version__
from ..errors import EXIT_INTERNAL, EXIT_STORE, EXIT_USAGE, GeotieError, StoreError, UsageError
from ..model import ACTOR_KINDS, EVENT_STATUSES, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Dated, sourced facts about the ties between states and the people who carry them.",
)

MAX_PROBLEMS_SHOWN = 20
MAX_LIMIT = 1_000_000_000  # --limit's bound: larger numbers are typos (and overflow islice)


FORMATS = ("table", "tsv", "csv", "json", "jsonl", "md")
STREAMED = ("tsv", "csv", "md", "json", "jsonl")  # written a row at a time, as the rows are found
Format = StrEnum("Format", {f: f for f in FORMATS})
Status = StrEnum("Status", {s: s for s in EVENT_STATUSES})
Kind = StrEnum("Kind", {k: k for k in ACTOR_KINDS})

FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format; default: table on a terminal, tsv when piped."),
]


def format_option(*extra: str, formats: tuple[str, ...] = FORMATS) -> Any:
    """A --format option offering `formats` and the command's own `extra` ones (html, dot...)."""
    choice = StrEnum("Format", {f: f for f in (*formats, *extra)})
    return Annotated[
        choice | None,
        typer.Option("--format", "-f", help="Output format; default: table on a terminal, tsv when piped."),
    ]


class Settings:
    """What the global options say; the index once opened."""

    def __init__(self, data: list[str], no_default: bool, no_cache: bool = False) -> None:
        self.data, self.no_default, self.no_cache = data, no_default, no_cache
        self.index: Any = None  # a geotie.index.db.Index
        self.warned = False


def show(line: str, out: IO[str] | None = None) -> None:
    """One line for a person to read, on stderr (or `out`): every message and every line of
    `check` is written here. The line may hold anything (store strings, file paths, arguments,
    exception text); its control characters are made visible (`text.visible`) at this edge."""
    from ..text import visible

    (out or sys.stderr).write(visible(line) + "\n")


def say(message: str) -> None:
    """A message for the user: stderr, never stdout."""
    show(f"geotie: {message}")


def _report_problems(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    files = {p.origin.file: i for i, p in reversed(list(enumerate(errors)))}  # in the order first met
    errors.sort(key=lambda p: (files[p.origin.file], p.origin.line))  # each file top to bottom, as check lists them
    for p in errors[:MAX_PROBLEMS_SHOWN]:
        show(str(p))
    if len(errors) > MAX_PROBLEMS_SHOWN:
        say(f"... and {len(errors) - MAX_PROBLEMS_SHOWN} more errors ('geotie check' lists every one)")


def command(*names: str, group: typer.Typer | None = None, **kwargs: Any) -> Callable:
    """Register a command (on `group`, default the app) whose GeotieErrors become a message
    and an exit code."""

    def decorate(fn: Callable) -> Callable:
        return (group or app).command(*names, **kwargs)(guarded(fn))

    return decorate


def guarded(fn: Callable) -> Callable:
    """`fn` with its GeotieErrors turned into a message and an exit code (for commands and
    the callbacks of command groups)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            return _once_more_if_damaged(fn, *args, **kw)
        except StoreError as err:
            _report_problems(err.problems)
            say(f"{err}" + ("; fix the lines above (nothing was changed)" if err.problems else ""))
            raise typer.Exit(err.exit_code) from None
        except GeotieError as err:
            say(str(err))
            raise typer.Exit(err.exit_code) from None
        except BrokenPipeError:
            _reader_gone()

    return wrapper


def _once_more_if_damaged(fn: Callable, *args: Any, **kw: Any) -> Any:
    """`fn`, run again once with the index built anew when the index file broke while it ran
    (a damaged file found at opening is rebuilt by `load` itself), unless some of the answer
    was written already: it would be written twice. The damaged file is removed either way."""
    from ..errors import IndexDamaged

    global _writing
    _writing = False
    try:
        return fn(*args, **kw)
    except IndexDamaged as err:
        settings = getattr(kw.get("ctx"), "obj", None)
        if not isinstance(settings, Settings) or settings.index is None:
            raise
        settings.index.discard()
        settings.index = None
        if _writing:  # some rows are out already: running again would print them twice
            raise IndexDamaged(f"{err}; the output above is incomplete: run the command again") from None
        return fn(*args, **kw)


def store_paths(ctx: typer.Context, leave_out: object = None) -> list:
    """The store files to read (`leave_out`: a --data path that does not exist yet)."""
    from .. import store as store_module

    settings: Settings = ctx.obj
    data = [d for d in settings.data if d != leave_out]
    return store_module.store_paths(
        data, os.environ.get("GEOTIE_DATA"), settings.no_default, store_module.user_store(os.environ)
    )


def cache_folder(settings: Settings) -> Any:
    """The folder indexes are kept in; None with --no-cache or GEOTIE_NO_CACHE."""
    from ..index.fresh import cache_dir

    return None if settings.no_cache or os.environ.get("GEOTIE_NO_CACHE") else cache_dir(os.environ)


def load(ctx: typer.Context) -> Any:
    """The store's index (geotie.index.db.Index): every reading command asks it (through
    geotie.index.queries); the store's warnings are shown once."""
    settings: Settings = ctx.obj
    if settings.index is None:
        from ..index.queries import warnings
        from ..index.use import index_for

        if sys.stderr.isatty():  # a build is shown as it goes (a first run may take minutes)
            from ..render.status import shown_on

            watched = shown_on(sys.stderr)
        else:  # nobody to show it to: render.status is not even imported
            from ..index.progress import QUIET

            watched = contextlib.nullcontext(QUIET)
        with watched as progress:
            settings.index = index_for(store_paths(ctx), cache_folder(settings), progress)
        if not settings.warned:
            settings.warned = True
            for w in warnings(settings.index):
                show(str(w))
    return settings.index


def load_store(ctx: typer.Context) -> Any:
    """The store read from its TOML files into memory (a geotie.model.Store), for the commands
    that need every entry as the files hold them (`draft`; `check` and `add` read the files
    their own way): never the index. Its warnings are shown."""
    from ..store import load_paths

    store = load_paths(store_paths(ctx))
    for w in store.warnings:
        show(str(w))
    return store


def pick_format(fmt: Format | None) -> str:
    """Flags win; otherwise a terminal gets a table and a pipe gets tsv."""
    if fmt is not None:
        return fmt.value
    return "table" if sys.stdout.isatty() else "tsv"


#: Set once a command has written some of its answer (see `_once_more_if_damaged`): in a
#: machine format, or a table of more than one part (render.terminal.print_in_parts).
_writing = False


class _Noted:
    """stdout, noting that the answer has begun at the first write (anything else is stdout's:
    a table drawn a part at a time is written through it too)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        global _writing
        _writing = True
        return self.out.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.out, name)


def noted_stdout() -> IO[str]:
    """stdout for an answer written before all of it is read (see `_once_more_if_damaged`)."""
    return _Noted(sys.stdout)  # type: ignore[return-value]


def heading_for(resolved: list, count: int | None = None, noun: str = "") -> str:
    """A table's or page's heading: the actors' names (or "All actors"), then the count of
    what it shows (`3 events`), if given."""
    names = " & ".join(a.name for a in resolved) or "All actors"
    return names if count is None else f"{names}: {count} {noun}" + "s" * (count != 1)


def emit(fmt: str, view_fn: Callable[[], Any], table_fn: Callable[[Any], None]) -> None:
    if fmt == "table":
        from ..render import terminal

        table_fn(terminal)
    else:
        write_view(fmt, view_fn())


def write_in_parts(fmt: str, parts: list, folder: str | None) -> None:
    """A json or jsonl answer on stdout, written in parts made at the same time (render.parts)."""
    from ..render.parts import write_parts
    from ..render.writers import JsonArray

    if fmt != "json":
        write_parts(parts, _Noted(sys.stdout), folder)
        return
    array = JsonArray(_Noted(sys.stdout))
    write_parts(parts, array, folder)
    array.close()


def write_view(fmt: str, view: Any) -> None:
    """A machine format on stdout (`view`: a render.rows.View)."""
    from ..render.writers import write

    write(view, fmt, _Noted(sys.stdout), safe=sys.stdout.isatty())


def _no_empty_path(values: list[str] | None) -> list[str] | None:
    """`--data ""` would read the current folder: an empty path is a usage error."""
    if values and any(not v.strip() for v in values):
        raise typer.BadParameter("the path is empty; give a store file or a folder of .toml files")
    return values


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
            callback=_no_empty_path,
            help="A store file or a folder of .toml files, added to the bundled store (repeatable). "
            "GEOTIE_DATA holds more, separated by ':'.",
        ),
    ] = None,
    no_default: Annotated[
        bool, typer.Option("--no-default", help="Leave out the bundled store and your own store.")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read the store files into an index in memory, not the cache (GEOTIE_NO_CACHE=1 too)."
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = Settings(list(data or []), no_default, no_cache)


def _date_option(name: str, value: str | None):
    if value is None:
        return None
    from ..dates import parse_user_date

    try:
        return parse_user_date(value)
    except GeotieError as err:
        raise UsageError(f"{name}: {err}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (in-process tests)
        pass


def _reader_gone() -> NoReturn:
    """The reader closed the pipe (`geotie timeline | head -1`): stop quietly, status 0."""
    _silence_stdout()
    raise typer.Exit(0)


def _leave_quietly() -> NoReturn:
    """`_reader_gone` outside the app."""
    _silence_stdout()
    sys.exit(0)


def _reader_left() -> bool:
    """True when stdout is a pipe whose reader has closed it."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.__stdout__.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll, or no real file descriptor
        return False


GLOBAL_OPTIONS_WITH_VALUES = ("--data", "-d")

#: Each command (or group) and the module that defines it; the order is that of `--help`.
COMMAND_MODULES = {
    "timeline": "reading",
    "who": "reading",
    "event": "reading",
    "source": "reading",
    "sources": "reading",
    "actors": "reading",
    "search": "reading",
    "plans": "planning",
    "page": "publishing",
    "ties": "publishing",
    "activity": "publishing",
    "draft": "drafting",
    "add": "authoring",
    "check": "checking",
    "cache": "caching",
}


def command_named(argv: list[str]) -> str | None:
    """The command named on the command line; None for no command, an unknown one, or help
    for the whole app."""
    args = iter(argv)
    for token in args:
        if token in GLOBAL_OPTIONS_WITH_VALUES:
            next(args, None)
        elif token in ("--help", "-h"):
            return None
        elif not token.startswith("-"):
            return token if token in COMMAND_MODULES else None
    return None


#: The variable the completion scripts set (`complete_bash`, `complete_zsh`, ...).
COMPLETE_VAR = "_GEOTIE_COMPLETE"

#: Parameters whose values a shell can complete from the store, and what they name ("actors",
#: "events", "sources", "tags"). The completing functions are attached only when a shell asks
#: (`register`): Typer inspects each one as it builds the command, a cost other runs need not pay.
COMPLETED: list[tuple[Any, str]] = []


def completes(what: str, info: Any) -> Any:
    """Mark a typer.Argument or typer.Option as naming `what` in the store."""
    COMPLETED.append((info, what))
    return info


def register(argv: list[str], environ: Mapping[str, str] = os.environ) -> typer.Typer:
    """Import the module of the command named in `argv` (every module when none is named,
    for help and "did you mean"), and keep only that command: Typer builds a click command for
    every registered command at each start (~1-4 ms each).

    When a shell asks for completions, `argv` is empty and the words typed so far are in the
    environment: they name the command. `--install-completion` and `--show-completion` (which
    also set up Typer's completion classes) are added only then or when no command is named:
    they are options of geotie itself."""
    import importlib

    completing = bool(environ.get(COMPLETE_VAR))
    if completing:
        from . import complete

        argv = complete.typed_words(environ)
    name = command_named(argv)
    for module in dict.fromkeys([COMMAND_MODULES[name]] if name else COMMAND_MODULES.values()):
        importlib.import_module(f"{__package__}.{module}")
    if completing:
        complete.attach(COMPLETED)
    if name:
        app.registered_commands = [c for c in app.registered_commands if c.name == name]
        app.registered_groups = [g for g in app.registered_groups if g.name == name]
    if completing or not name:
        app._add_completion = True  # Typer's own flag (the constructor's add_completion)
    return app


def _usage_error(err: typer.TyperException) -> None:
    """Typer's own message for a bad command line (which may echo what was typed), each line
    through `show`."""
    import io

    text = io.StringIO()
    if hasattr(err, "show"):
        err.show(file=text)
    else:  # pragma: no cover - every TyperException Typer raises has show()
        text.write(f"Error: {err}\n")
    for line in text.getvalue().splitlines():
        show(line)


GC_FIRST = 7000  # allocations between collections of the youngest generation (Python's default: 700)


def main() -> NoReturn:
    """Console entry point: `run`, then the process ends with its status without the
    interpreter's teardown (freeing every object, module by module: ~10 ms of a short run,
    far more after a large build), once stdout and stderr are flushed. Every file geotie
    writes is closed (and renamed into place) before a command returns.

    The cyclic garbage collector runs a tenth as often (GC_FIRST): a whole-store export makes
    objects by the million and few cycles, and the default passes were 10-15 % of its time."""
    import gc

    gc.set_threshold(GC_FIRST, *gc.get_threshold()[1:])
    try:
        run()
        code = 0
    except SystemExit as exit:
        code = exit.code
        if isinstance(code, str):
            sys.stderr.write(code + "\n")
            code = 1
        elif code is None:
            code = 0
    _end(code)


def _end(code: int) -> NoReturn:
    """Flush what is buffered and end the process at once (os._exit: no teardown)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: nothing more to say
        _silence_stdout()
    except (OSError, ValueError):
        code = code or EXIT_STORE
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def run() -> None:
    """The app, ending by SystemExit with its status: the one edge where everything the app
    raises becomes a status.

    Typer runs with `standalone_mode=False`, so its own messages (a bad option, an unknown
    command) come here and are written through `show` like every other message, and a reader
    that left early is handled by `_reader_gone`, not by Typer's exit 1."""
    register(sys.argv[1:])
    # the completion scripts are for the `geotie` command, also when made by `python -m geotie`
    scripts = {"--show-completion", "--install-completion"} & set(sys.argv[1:])
    try:
        status = app(standalone_mode=False, complete_var=COMPLETE_VAR, prog_name="geotie" if scripts else None)
        sys.stdout.flush()  # a reader that left early is noticed here, not at exit
    except BrokenPipeError:
        _leave_quietly()
    except SystemExit as exit:
        if exit.code == 1 and _reader_left():  # Typer's own answer to a closed pipe while it writes help
            _leave_quietly()
        raise
    except typer.TyperException as err:
        _usage_error(err)
        sys.exit(getattr(err, "exit_code", EXIT_USAGE))
    except typer.Abort:  # end of input at a prompt: as Typer would say it
        sys.stderr.write("\n")
        say("aborted")
        sys.exit(1)
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
    sys.exit(status if isinstance(status, int) else 0)
