"""Shell completion: the words the shell has typed, and the values it may complete from the
store's index (actor ids, names and aliases; event ids; source ids; tags).

Imported only when a shell asks for completions (`_GEOTIE_COMPLETE` is set): `base.register`
then attaches these functions to the parameters marked with `base.completes`."""

import contextlib
import io
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import typer

from ..text import visible

#: A value offered to the shell: letters, digits, `.`, `-` and `_`, in words joined by single
#: spaces. Nothing a shell would read as syntax (the zsh script `eval`s what it is given).
_SAFE = re.compile(r"[\w.\-]+( [\w.\-]+)*")
MAX_HELP = 70
MAX_WITH_HELP = 200


def typed_words(environ: Mapping[str, str]) -> list[str]:
    """The words typed after the program's name and before the word being completed, from the
    variables the completion scripts set: COMP_WORDS and COMP_CWORD for bash,
    _TYPER_COMPLETE_ARGS (the line up to the cursor) for zsh, fish and PowerShell."""
    from typer._click.shell_completion import split_arg_string

    if "COMP_WORDS" in environ:
        words = split_arg_string(environ["COMP_WORDS"])
        try:
            return words[1 : int(environ.get("COMP_CWORD", len(words)))]
        except ValueError:
            return words[1:]
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split_arg_string(line)[1:]
    return words if line.endswith(" ") else words[:-1]


def attach(completed: Iterable[tuple[Any, str]]) -> None:
    """Give each marked parameter (a Typer ParameterInfo) the function completing what it names."""
    for info, what in completed:
        info.autocompletion = COMPLETERS[what]


def _shell() -> str:
    return os.environ.get("_GEOTIE_COMPLETE", "").rpartition("_")[2]


def _index(ctx: typer.Context):
    """The index (geotie.index.db.Index) the command would read (the global options typed so
    far count), opened quietly: a message would land in the middle of the line being typed."""
    from .base import Settings, load

    root = ctx.find_root()
    if root.obj is None:
        params = root.params
        root.obj = Settings(
            list(params.get("data") or []), bool(params.get("no_default")), bool(params.get("no_cache"))
        )
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return load(root)
    except Exception:  # a store that cannot be read completes nothing; the command will say why
        return None


def _offer(value: str, incomplete: str) -> str | None:
    """`value` as the shell should insert it, if it completes `incomplete`; else None."""
    if not _SAFE.fullmatch(value):
        return None
    if _shell() == "bash":  # bash inserts a candidate as it is: its spaces must be escaped
        value = value.replace(" ", "\\ ")
    return value if value.startswith(incomplete) else None


def _help(text: str) -> str:
    text = " ".join(visible(text).split())
    return text if len(text) <= MAX_HELP else text[: MAX_HELP - 1] + "…"


def actors(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Actor ids (with the name as help), then names and aliases (with the id)."""
    ix = _index(ctx)
    if ix is None:
        return []
    from ..index.queries import actor_names

    every = actor_names(ix)
    known = {ident for ident, _, _ in every}
    ids = [(i, _help(name)) for i, name, _ in sorted(every) if _offer(i, incomplete) == i]
    names: dict[str, str] = {}
    for ident, name, aliases in every:
        for each in (name, *aliases):
            offered = _offer(each, incomplete)
            if offered and each not in known:
                names.setdefault(offered, ident)
    return ids + sorted(names.items())


def events(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Event ids with their titles."""
    ix = _index(ctx)
    if ix is None:
        return []
    from ..index.queries import event_ids, event_titles

    wanted = sorted(i for i in event_ids(ix) if _offer(i, incomplete) == i)
    if len(wanted) > MAX_WITH_HELP:  # titles would mean reading every event of a large store
        return [(i, "") for i in wanted]
    titles = event_titles(ix, wanted)
    return [(i, _help(titles[i])) for i in wanted]


def sources(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Source ids with their titles."""
    ix = _index(ctx)
    if ix is None:
        return []
    from ..index.queries import source_titles

    return [(i, _help(title)) for i, title in sorted(source_titles(ix).items()) if _offer(i, incomplete) == i]


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Every tag in use."""
    ix = _index(ctx)
    if ix is None:
        return []
    from ..index.queries import tags as tags_in_use

    return sorted(o for t in tags_in_use(ix) if (o := _offer(t, incomplete)))


def types(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """PLOVER's event types, with their definitions."""
    from ..plover import TYPES

    return [(t, _help(about)) for t, (_, about) in TYPES.items() if t.startswith(incomplete.upper())]


COMPLETERS = {"actors": actors, "events": events, "sources": sources, "tags": tags, "types": types}
