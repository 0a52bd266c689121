"""A build of the index tells how far it is (index.progress), and a terminal's stderr shows it
(render.status): a first run on a large store takes minutes and must not look hung; a quick
build, a pipe or a fresh index show nothing."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from conftest import MINIMAL, PINNED_ENV, ROOT, write
from geotie.errors import StoreError
from geotie.index import aside, bulk
from geotie.index.progress import QUIET, Progress
from geotie.index.use import index_for
from geotie.render import status
from geotie.render.status import StatusLine, shown_on

sys.path.insert(0, str(ROOT / "bench"))
import generate


class Recorder(Progress):
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def reading(self, done, size):
        self.calls.append(("reading", done, size))

    def building(self, done, events):
        self.calls.append(("building", done, events))

    def indexing(self):
        self.calls.append(("indexing",))

    def finished(self, events):
        self.calls.append(("finished", events))


def steps(calls: list[tuple]) -> list[str]:
    """The steps in the order first seen, each once."""
    return list(dict.fromkeys(c[0] for c in calls))


def check_a_whole_build(calls: list[tuple], size: int, events: int) -> None:
    assert steps(calls) == ["reading", "building", "indexing", "finished"]
    read = [c for c in calls if c[0] == "reading"]
    assert all(c[2] == size for c in read) and read[0][1] == 0
    assert [c[1] for c in read] == sorted(c[1] for c in read) and read[-1][1] <= size
    built = [c for c in calls if c[0] == "building"]
    assert all(c[2] == events for c in built) and built[-1][1] == events
    assert [c[1] for c in built] == sorted({c[1] for c in built})  # each batch told once, in order
    assert calls[-1] == ("finished", events) and calls.count(("indexing",)) == 1


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate.write(1500, tmp_path_factory.mktemp("generated"))


def test_the_ordinary_read_tells_each_step(tmp_path, generated, monkeypatch):
    monkeypatch.setattr(bulk, "load", lambda *a: None)
    monkeypatch.setattr("geotie.index.build.BATCH", 400)
    seen = Recorder()
    ix = index_for([generated], tmp_path / "cache", seen)
    check_a_whole_build(seen.calls, generated.stat().st_size, 1500)
    assert len([c for c in seen.calls if c[0] == "building"]) == 4  # 400, 800, 1200, 1500
    again = Recorder()
    assert index_for([generated], tmp_path / "cache", again).path == ix.path and again.calls == []  # fresh: no build


@pytest.mark.parametrize("second_process", [True, False])
def test_the_parallel_read_tells_each_step(tmp_path, generated, monkeypatch, second_process):
    monkeypatch.setattr(bulk, "BULK_MIN", 0)
    monkeypatch.setattr(bulk, "CHUNK_MIN", 60_000)
    monkeypatch.setattr(bulk, "workers", lambda: 3)
    monkeypatch.setattr(aside, "PART_MIN", 0 if second_process else 10**12)
    monkeypatch.setattr("geotie.index.build.BATCH", 500)
    seen = Recorder()
    index_for([generated], tmp_path / "cache", seen)
    check_a_whole_build(seen.calls, generated.stat().st_size, 1500)
    read = [c[1] for c in seen.calls if c[0] == "reading"]
    assert len(read) >= 2 and read[-1] == generated.stat().st_size  # this process's chunks, as a share of all


def test_a_store_with_errors_is_not_said_to_be_built(tmp_path):
    store = write(tmp_path, MINIMAL.replace('id = "first"', 'id = "Not an id!"'))
    seen = Recorder()
    with pytest.raises(StoreError):
        index_for([store], tmp_path / "cache", seen)
    assert "finished" not in steps(seen.calls) and "building" not in steps(seen.calls)


# --- the status line -------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def screen(text: str) -> list[str]:
    """What a terminal shows after `text`: each carriage return goes back to the line's start,
    and what is written next overwrites it (trailing blanks dropped)."""
    lines = [""]
    col = 0
    for ch in text:
        if ch == "\n":
            lines.append("")
            col = 0
        elif ch == "\r":
            col = 0
        else:
            line = lines[-1]
            lines[-1] = line[:col] + ch + line[col + 1 :]
            col += 1
    return [line.rstrip() for line in lines]


def test_a_quick_build_shows_nothing():
    out, clock = io.StringIO(), Clock()
    line = StatusLine(out, clock)
    line.reading(0, 50_000)
    clock.now += status.DELAY / 2
    line.building(100, 100)
    line.indexing()
    line.finished(100)
    assert out.getvalue() == ""


def test_a_large_store_is_shown_at_once_then_each_step_over_the_last():
    out, clock = io.StringIO(), Clock()
    line = StatusLine(out, clock)
    line.reading(0, 543_000_000)
    assert screen(out.getvalue()) == ["geotie: indexing the store: reading 517.8 MB of TOML"]
    clock.now += 30
    line.reading(271_500_000, 543_000_000)
    assert screen(out.getvalue()) == ["geotie: indexing the store: reading 517.8 MB of TOML (50%)"]
    clock.now += 10
    line.building(4096, 1_000_000)
    shown = out.getvalue()
    assert screen(shown) == ["geotie: indexing the store: 4,096 of 1,000,000 events written"]
    clock.now += status.EVERY / 2
    line.building(8192, 1_000_000)
    assert out.getvalue() == shown  # not drawn again so soon
    line.indexing()  # a new step is drawn at once
    assert screen(out.getvalue()) == ["geotie: indexing the store: making the indexes and the search table"]
    clock.now += 84
    line.finished(1_000_000)
    assert screen(out.getvalue()) == ["geotie: indexed 1,000,000 events (517.8 MB of TOML) in 2 min 4 s", ""]
    assert "\x1b" not in out.getvalue()  # carriage returns and spaces only: no escape codes


def test_a_slow_small_build_is_shown_after_the_delay():
    out, clock = io.StringIO(), Clock()
    line = StatusLine(out, clock)
    line.reading(0, 300_000)
    assert out.getvalue() == ""
    clock.now += status.DELAY + 0.5
    line.building(700, 1400)
    assert screen(out.getvalue()) == ["geotie: indexing the store: 700 of 1,400 events written"]
    line.finished(1400)
    assert screen(out.getvalue()) == ["geotie: indexed 1,400 events (293.0 KB of TOML) in 1.5 s", ""]


def test_the_line_fits_the_terminal_and_a_shorter_one_covers_a_longer():
    out, clock = io.StringIO(), Clock()
    line = StatusLine(out, clock, width=40)
    line.reading(0, 10**9)
    assert all(len(row) <= 39 for row in screen(out.getvalue()))
    wide = StatusLine(out := io.StringIO(), clock)
    wide.reading(0, 10**9)
    wide.indexing()
    wide.building(1, 2)
    clock.now += 1
    wide.building(2, 2)
    assert screen(out.getvalue()) == ["geotie: indexing the store: 2 of 2 events written"]


def test_a_build_that_fails_leaves_a_clean_line(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(out, "isatty", lambda: True, raising=False)
    with pytest.raises(StoreError), shown_on(out) as progress:
        assert isinstance(progress, StatusLine)
        progress.reading(0, 10**9)
        raise StoreError("the store has 1 error(s)")
    assert screen(out.getvalue()) == [""] and out.getvalue().startswith("\rgeotie: indexing")


def test_a_pipe_or_a_closed_stream_gets_nothing():
    with shown_on(io.StringIO()) as progress:  # not a terminal
        assert progress is QUIET
    closed = io.StringIO()
    closed.close()
    with shown_on(closed) as progress:
        assert progress is QUIET


# --- through the command line ----------------------------------------------------------------


def run_with_a_terminal(args: list[str], env: dict) -> tuple[int, str, str]:
    """A real geotie process whose stderr is a terminal (a pseudo-terminal): status, stdout, what the terminal got."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "geotie", *args], stdout=subprocess.PIPE, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    got = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal (Linux: EIO)
                break
            if not chunk:
                break
            got += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=10)
    os.close(leader)
    return proc.returncode, out, got.decode().replace("\r\n", "\n")


def test_a_first_run_on_a_large_store_shows_its_build_on_a_terminal(tmp_path):
    store = generate.write(20_000, tmp_path / "store")  # over render.status.LARGE: shown at once
    assert store.stat().st_size >= status.LARGE
    env = {**os.environ, **PINNED_ENV, "GEOTIE_CACHE": str(tmp_path / "cache"), "TERM": "xterm"}
    args = ["--no-default", "--data", str(store), "timeline", "pakistan", "-n", "2", "-f", "tsv"]
    code, out, shown = run_with_a_terminal(args, env)
    assert code == 0 and len(out.splitlines()) == 2
    assert "geotie: indexing the store: reading" in shown
    assert screen(shown)[-2:] == [screen(shown)[-2], ""] and "geotie: indexed 20,000 events" in screen(shown)[-2]
    assert all("indexing the store" not in row for row in screen(shown))  # the status line is gone
    code, again, shown = run_with_a_terminal(args, env)
    assert code == 0 and again == out and shown == ""  # answered from the index: nothing to show
    piped = subprocess.run(
        [sys.executable, "-m", "geotie", *args],
        capture_output=True, text=True, env={**env, "GEOTIE_CACHE": str(tmp_path / "other")}, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0 and piped.stdout == out and piped.stderr == ""  # stderr not a terminal
