"""The command line (Typer): `base.py` holds the app and its one error edge; one module per
command family registers its commands on it when imported."""

from .base import main

__all__ = ["app", "main"]


def __getattr__(name: str):
    """`geotie.cli.app` with every command registered (for tests and tools that drive the app)."""
    if name == "app":
        from .base import register

        return register([])
    raise AttributeError(name)
