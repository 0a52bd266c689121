"""`geotie draft FILE`: candidate events from a plain-text article, for review before `add --from`."""

import sys
from typing import Annotated

import typer

from ..errors import UsageError
from .base import command, completes, load, say

DRAFT_FORMATS = ("table", "toml", "json", "jsonl")


@command("draft")
def draft_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="The article as plain text (UTF-8); - reads stdin.")],
    source: Annotated[
        str | None,
        completes(
            "sources",
            typer.Option(
                "--source",
                metavar="ID",
                help="The article's source id: its published date dates the relative expressions.",
            ),
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="The publication date (EDTF, may be uncertain or an interval) of a source not in the store yet.",
        ),
    ] = None,
    new_only: Annotated[
        bool, typer.Option("--new-only", help="Leave out sentences an event of the store already cites.")
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table, toml, json or jsonl; default: table on a terminal, toml when piped.",
        ),
    ] = None,
) -> None:
    """Propose candidate events from an article: verbatim quotes, dates, actors, a status guess."""
    from pathlib import Path

    from .. import add as adding
    from ..dates import parse_edtf
    from ..draft.propose import draft
    from ..errors import DateError

    if fmt is not None and fmt not in DRAFT_FORMATS:
        raise UsageError(f"--format '{fmt}': draft prints {', '.join(DRAFT_FORMATS)}")
    fmt = fmt or ("table" if sys.stdout.isatty() else "toml")
    if source is None and published is None:
        raise UsageError("give --source ID (a source in the store) or --published DATE (for a new source)")
    store = load(ctx)
    new_source = False
    if published is not None:
        try:
            when = parse_edtf(published)
        except DateError as err:
            raise UsageError(f"--published {err}") from None
        source = source or "new-source"
        new_source = source not in store.sources
    else:
        assert source is not None
        adding.check_source(store, source)
        when = store.sources[source].published
        if when is None:
            raise UsageError(f"source '{source}' has no published date; give one with --published DATE")
    text = read_article(None if file == "-" else Path(file))
    candidates = draft(text, store, source, when)
    if new_only:
        candidates = [c for c in candidates if not c.cited_by]
    emit_draft(fmt, candidates, source, file, when, new_source)
    cited = sum(1 for c in candidates if c.cited_by)
    say(f"{len(candidates)} candidate(s) from {file}" + (f", {cited} already in the store" if cited else ""))


def read_article(path) -> str:
    """The article's text (`path` None: stdin), exactly (a byte-order mark aside); one clear
    message if it cannot be read."""
    try:
        data = sys.stdin.buffer.read() if path is None else path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; give the article's text file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read it: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"{path or 'stdin'}: not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "convert it to UTF-8 first"
        ) from None
    return text.removeprefix("\ufeff")


def emit_draft(fmt: str, candidates, source: str, file: str, when, new_source: bool) -> None:
    from ..draft import output

    if fmt == "toml":
        sys.stdout.write(output.toml_text(candidates, source, file, when, new_source))
    elif fmt in ("json", "jsonl"):
        from ..render.writers import json_text

        objects = [output.json_object(c, source) for c in candidates]
        if fmt == "json":
            sys.stdout.write(json_text(objects, indent=2) + "\n")
        else:
            sys.stdout.write("".join(json_text(o) + "\n" for o in objects))
    else:
        from ..render import terminal

        terminal.print_draft(sys.stdout, candidates)
