"""Every error geotie raises on purpose. The CLI turns each into one message and an exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Problem

# Exit codes (documented in the README).
EXIT_STORE = 1  # the store cannot be read or is invalid
EXIT_USAGE = 2  # a bad option or argument value
EXIT_NOT_FOUND = 3  # no actor, event or source by that name
EXIT_AMBIGUOUS = 4  # the name fits several actors
EXIT_INTERNAL = 70  # a bug in geotie (EX_SOFTWARE)


class GeotieError(Exception):
    """Base class: `str(err)` is the one-line message, `exit_code` the process status."""

    exit_code = EXIT_STORE


class DateError(GeotieError, ValueError):
    """A date that cannot be parsed (stored or typed)."""

    exit_code = EXIT_USAGE


class UsageError(GeotieError):
    exit_code = EXIT_USAGE


class NotFound(GeotieError):
    exit_code = EXIT_NOT_FOUND


class Ambiguous(GeotieError):
    exit_code = EXIT_AMBIGUOUS

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class StoreError(GeotieError):
    """The store cannot be loaded: unreadable file, bad TOML, or validation errors."""

    exit_code = EXIT_STORE

    def __init__(self, message: str, problems: list[Problem] | None = None, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []  # validation problems, each printed on its own line
        self.problem = problem  # the one-line message as a Problem, for `geotie check`


class IndexDamaged(GeotieError):
    """The index file broke while a query read it: it is removed and built again."""


class NoRoom(GeotieError):
    """SQLite could not write the temporary tables of a query (a full disk, no temporary
    folder, no memory): not the index's damage, so it is kept."""
