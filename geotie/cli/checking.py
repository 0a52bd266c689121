"""`geotie check`: validate and lint every loaded store file."""

import sys
from typing import Annotated

import typer

from ..errors import EXIT_STORE, UsageError
from .base import _date_option, command, say, show, store_paths


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
    opt_in: Annotated[
        list[str] | None,
        typer.Option(
            "--lint",
            metavar="NAME",
            help="Also run this lint, off by default (repeatable): single-source (defence events one publisher backs).",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text (file:line: severity: code: message) or json.")
    ] = "text",
) -> None:
    """Validate every loaded store file and lint it; silent when clean."""
    from datetime import date as date_type
    from pathlib import Path

    from .. import lint

    if fmt not in ("text", "json"):
        raise UsageError(f"--format '{fmt}': check prints text or json")
    day = date_type.today() if today is None else _date_option("--today", today).lo
    if archive is not None and not Path(archive).is_dir():
        raise UsageError(f"--archive {archive}: no such folder")
    for name in opt_in or ():
        if name not in lint.OPT_IN:
            raise UsageError(f"--lint {name}: no such lint; give one of: {', '.join(lint.OPT_IN)}")
    paths = store_paths(ctx)
    problems = lint.check(paths, day, Path(archive) if archive else None, tuple(opt_in or ()))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "json":
        from ..render.rows import problem_json
        from ..render.writers import json_text

        sys.stdout.write(json_text([problem_json(p) for p in problems], indent=2) + "\n")
    else:
        for p in problems:
            show(str(p), sys.stdout)
    if problems:
        say(f"{errors} error(s), {warnings} warning(s) in {len(paths)} file(s)")
    if errors or (strict and warnings):
        raise typer.Exit(EXIT_STORE)
