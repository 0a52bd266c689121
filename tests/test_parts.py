"""A whole-timeline json/jsonl export is made in parts at the same time (render.parts): the
answer must be the one the single process writes, byte for byte, whatever the parts, the
filters and the children's fate."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from geotie.cli import reading
from geotie.index.db import Index
from geotie.render import parts as parts_module
from geotie.render.parts import write_parts
from geotie.render.writers import JsonArray


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "600", str(folder)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return folder / "facts.toml"


ARGS = [
    ["timeline"],
    ["timeline", "--status", "planned"],
    ["timeline", "--since", "2000", "--until", "2010-06"],
    ["timeline", "--tag", "security", "--tag", "trade"],
    ["timeline", "--type", "CONSULT"],
    ["timeline", "--status", "cancelled", "--type", "AID"],  # few or none: parts left empty
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a[1:]) or "all")
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("cpus", [2, 3, 8])
def test_the_parts_write_what_one_process_writes(cli, store, tmp_path, monkeypatch, args, fmt, cpus):
    run = ("--no-default", "--data", str(store), *args, "-f", fmt)
    env = {"GEOTIE_CACHE": str(tmp_path / "cache")}
    monkeypatch.setattr(reading, "PARTS_MIN_EVENTS", 10**9)
    want = cli(*run, env=env)
    made = []
    real = parts_module.write_parts
    monkeypatch.setattr(parts_module, "write_parts", lambda p, out, folder: made.append(len(p)) or real(p, out, folder))
    monkeypatch.setattr(reading, "PARTS_MIN_EVENTS", 1)
    monkeypatch.setattr("geotie.procs.usable_cpus", lambda most: min(cpus, most))
    got = cli(*run, env=env)
    assert made == [cpus]  # made in parts...
    assert (got.exit_code, got.stdout) == (0, want.stdout)  # ...and the same answer
    assert want.stdout.strip() or "cancelled" in args  # only the last filter may find nothing


def test_a_part_whose_child_fails_is_made_again_here(cli, store, tmp_path, monkeypatch):
    """A child that cannot open the index (here: it is told the file was replaced) exits with
    a failure; this process makes that part itself."""
    run = ("--no-default", "--data", str(store), "timeline", "-f", "json")
    env = {"GEOTIE_CACHE": str(tmp_path / "cache")}
    want = cli(*run, env=env).stdout

    def replaced(self):
        raise self.damaged("the file was replaced since it was opened")

    monkeypatch.setattr(Index, "reopened", replaced)
    monkeypatch.setattr(reading, "PARTS_MIN_EVENTS", 1)
    got = cli(*run, env=env)
    assert (got.exit_code, got.stdout) == (0, want)


def _text(label: str, fail_in_child: bool = False):
    def part(out, here: bool) -> None:
        if fail_in_child and not here:
            raise RuntimeError("in the child")
        for i in range(3):
            out.write(f",{label}{i}")

    return part


def test_write_parts_keeps_the_order_and_remakes_failed_parts():
    out = io.StringIO()
    write_parts([_text("a"), _text("b", fail_in_child=True), _text("ç"), _text("d")], out, None)
    assert out.getvalue() == ",a0,a1,a2,b0,b1,b2,ç0,ç1,ç2,d0,d1,d2"


@pytest.mark.parametrize("broken", ["tempfile.TemporaryFile", "os.fork"])
def test_parts_are_made_here_when_no_child_can_be_started(monkeypatch, broken):
    def refuse(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(broken, refuse)
    out = io.StringIO()
    write_parts([_text("a"), _text("b"), _text("c")], out, None)
    assert out.getvalue() == ",a0,a1,a2,b0,b1,b2,c0,c1,c2"


def test_a_reader_gone_early_leaves_no_child_running():
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    def slow(out, here: bool) -> None:
        import time

        time.sleep(30)

    with pytest.raises(BrokenPipeError):
        write_parts([_text("a"), slow, slow], Gone(), None)
    with pytest.raises(ChildProcessError):  # every child was killed and reaped
        os.waitpid(-1, os.WNOHANG)


def test_json_array_parts_make_write_jsons_text():
    out = io.StringIO()
    array = JsonArray(out)
    array.write("")
    array.write(',\n  {"a": 1}')
    array.write(',\n  {"b": 2}')
    array.close()
    assert out.getvalue() == '[\n  {"a": 1},\n  {"b": 2}\n]\n'
    empty = io.StringIO()
    JsonArray(empty).close()
    assert empty.getvalue() == "[]\n"
