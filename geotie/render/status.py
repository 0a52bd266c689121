"""A build of the index shown on a terminal: one status line on stderr, drawn over itself as
the build goes on, and one last line saying what was built and how long it took. A build
that is over within DELAY seconds (the bundled store's, a small one's) shows nothing, unless
its store is large enough that it will not be. Only numbers and fixed words are printed
(no path or other text from the store), so nothing needs escaping."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from ..index.progress import QUIET, Progress
from ..text import byte_size

DELAY = 1.0  # seconds of a build before it is shown...
LARGE = 8 << 20  # ...unless its store has this many bytes of TOML (several seconds of reading)
EVERY = 0.25  # seconds between two drawings of the line


class StatusLine(Progress):
    """A build's progress drawn on `out` (a terminal's stderr), `width` columns wide at most."""

    def __init__(self, out: TextIO, clock: Callable[[], float] = time.monotonic, width: int = 80) -> None:
        self.out, self.clock, self.width = out, clock, max(20, width)
        self.started = clock()
        self.drawn_at: float | None = None  # when the line was last drawn; None: never
        self.shown = 0  # characters of the line now on the screen
        self.size = 0  # bytes of TOML

    def reading(self, done: int, size: int) -> None:
        self.size = size
        share = f" ({min(99, 100 * done // size)}%)" if size and done else ""
        self._draw(f"reading {byte_size(size)} of TOML{share}")

    def building(self, done: int, events: int) -> None:
        self._draw(f"{done:,} of {events:,} events written")

    def indexing(self) -> None:
        self._draw("making the indexes and the search table", now=True)

    def finished(self, events: int) -> None:
        if self.drawn_at is None:
            return
        self.clear()
        took = _duration(self.clock() - self.started)
        self._write(f"geotie: indexed {events:,} events ({byte_size(self.size)} of TOML) in {took}\n")
        self.drawn_at = None

    def clear(self) -> None:
        """The line taken off the screen (when the build ends, or fails: a message follows)."""
        if self.shown:
            self._write("\r" + " " * self.shown + "\r")
            self.shown = 0

    def _draw(self, what: str, now: bool = False) -> None:
        at = self.clock()
        if self.drawn_at is None:
            if at - self.started < DELAY and self.size < LARGE:
                return
        elif not now and at - self.drawn_at < EVERY:
            return
        line = f"geotie: indexing the store: {what}"[: self.width - 1]
        self._write("\r" + line + " " * max(0, self.shown - len(line)))  # covering a longer line before
        self.shown = max(self.shown, len(line))
        self.drawn_at = at

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # stderr gone: nothing to show it on
            self.out.write(text)
            self.out.flush()


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@contextlib.contextmanager
def shown_on(out: TextIO) -> Iterator[Progress]:
    """A StatusLine on `out` when it is a terminal (QUIET otherwise), its line cleared if the
    build ends by an exception (the message that follows starts on a clean line)."""
    try:
        terminal = out.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        yield QUIET
        return
    try:
        width = os.get_terminal_size(out.fileno()).columns
    except (AttributeError, ValueError, OSError):
        width = 0
    status = StatusLine(out, width=width or 80)  # a terminal that does not say its size: 0
    try:
        yield status
    except BaseException:
        status.clear()
        raise
