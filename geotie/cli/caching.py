"""`geotie cache`: the indexes kept in the cache folder, and clearing them."""

import os
import sys
from typing import Annotated

import typer

from ..text import byte_size
from .base import command, say, show


@command("cache")
def cache_cmd(
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove every index file (they are built again when needed).")
    ] = False,
) -> None:
    """The cache folder: each index file, its size, when it was last used and the store files it
    is for. Indexes are derived from the store and can be removed at any time."""
    import time

    from ..index import use
    from ..index.fresh import cache_dir, safe_dir

    folder = cache_dir(os.environ)
    if clear:
        removed = use.clear(folder)
        say(f"removed {len(removed)} file(s) from {folder}")
        return
    files = use.describe(folder) if folder.is_dir() else []
    total = sum(f.size for f in files)
    bound = f"kept: the {use.MAX_INDEXES} used last, none unused for {use.UNUSED_DAYS} days"
    if folder.exists() and not folder.is_dir():
        state = " (not a folder: indexes are built in memory)"
    elif folder.exists() and not safe_dir(folder, create=False):
        state = " (not used: others can write to it; indexes are built in memory)"
    else:
        state = ""
    show(f"{folder}{state}: {len(files)} index file(s), {byte_size(total)} ({bound})", sys.stdout)
    for f in files:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(f.used))
        what = f"{f.events} events from {', '.join(f.paths)}" if f.paths is not None else "not a readable geotie index"
        show(f"{f.path.name}  {byte_size(f.size):>9}  used {used}  {what}", sys.stdout)
