from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geotie.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

#: The environment every CLI test runs in: no user store, no colour, a fixed width.
PINNED_ENV = {
    "NO_COLOR": "1",
    "COLUMNS": "120",
    "TERM": "dumb",
    "GEOTIE_DATA": "",
    "GEOTIE_STORE": "",
    "XDG_DATA_HOME": "",
}


@pytest.fixture(autouse=True)
def _own_user_store(tmp_path, monkeypatch):
    """Every test gets its own (empty) user data folder: no real user store is ever read or written."""
    home = tmp_path / "xdg-data"
    monkeypatch.setitem(PINNED_ENV, "XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    cache = tmp_path / "xdg-cache"
    monkeypatch.setitem(PINNED_ENV, "XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("GEOTIE_STORE", raising=False)
    monkeypatch.delenv("GEOTIE_DATA", raising=False)


MINIMAL = """\
[meta]
schema = 1
title = "test store"

[[sources]]
id = "src"
title = "A source"
published = "2024-02-23"

[[actors]]
id = "alpha"
name = "Alphaland"
kind = "country"
aliases = ["Alfa", "Älphä Republic"]

[[actors]]
id = "beta"
name = "Betaland"
kind = "country"

[[actors]]
id = "jo-smith"
name = "Jo Smith"
kind = "person"
country = "alpha"

[[actors.roles]]
title = "Minister"
of = "alpha"
start = "2024-01"
citations = [{ source = "src", quote = "Jo Smith, minister" }]

[[events]]
id = "first"
date = "2024"
title = "A year-long thing"
actors = ["alpha", "beta"]
tags = ["trade"]
citations = [{ source = "src", quote = "all year" }]

[[events]]
id = "second"
date = "2024-07-15"
title = "A day in July"
actors = ["alpha", "beta", "jo-smith"]
tags = ["defence"]
citations = [{ source = "src", quote = "in July" }]

[[events]]
id = "third"
date = "2025-02"
title = "A planned visit"
actors = ["alpha"]
tags = ["diplomacy"]
status = "planned"
citations = [{ source = "src", quote = "next month" }]
"""


def write(tmp_path: Path, text: str, name: str = "store.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return write(tmp_path, MINIMAL)


@pytest.fixture
def cli():
    """Run the real Typer app in-process with the pinned environment; stderr kept apart."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), env={**PINNED_ENV, **(env or {})}, catch_exceptions=False)

    return run


def run_geotie(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    """The installed entry point as a real process (via `python -m geotie`, same interpreter).
    A variable given as None is removed from the environment."""
    full_env = {k: v for k, v in {**os.environ, **PINNED_ENV, **(env or {})}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", "geotie", *args], capture_output=True, text=True, env=full_env, timeout=60, **kw
    )
