"""The index through the real command line: what a reading command does with a damaged,
stale, killed or concurrently built index file in the cache folder, and with a store file
it can no longer read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL, PINNED_ENV, ROOT, run_geotie, write
from geotie.index.db import index_path, open_index

COMMANDS = [
    ["timeline", "alpha", "-f", "tsv"],
    ["who", "alpha", "-f", "tsv"],
    ["search", "alpha", "-f", "tsv"],
    ["sources", "-f", "jsonl"],
    ["actors", "-f", "json"],
    ["event", "first", "-f", "tsv"],
    ["source", "src", "-f", "tsv"],
]


@pytest.fixture
def setup(cli, tmp_path):
    """A store, the cache folder, and `run(*args)` of the CLI over that store alone."""
    store = write(tmp_path, MINIMAL)
    folder = tmp_path / "cache"

    def run(*args: str, **env: str):
        return cli("--no-default", "--data", str(store), *args, env={"GEOTIE_CACHE": str(folder), **env})

    return store, folder, run


def the_index(folder: Path, store: Path) -> Path:
    return index_path(folder, [store])


def test_the_first_run_writes_the_index_and_later_runs_answer_from_it(setup):
    store, folder, run = setup
    first = [run(*c).stdout for c in COMMANDS]
    target = the_index(folder, store)
    assert target.is_file() and open_index(target, [store]) is not None
    written = target.stat().st_ino
    assert [run(*c).stdout for c in COMMANDS] == first  # answered from the file: not built again
    assert target.stat().st_ino == written
    fresh = [run("--no-cache", *c).stdout for c in COMMANDS]  # an index in memory, not the file
    assert fresh == first
    assert all(out for out in first)


def damaged_pages(data: bytes) -> bytes:
    """The file with its last pages garbled: the header (page 1) still says it is whole."""
    size = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // size
    out = bytearray(data)
    for page in range(max(2, pages // 2), pages):
        out[page * size : (page + 1) * size] = bytes((i * 37 + page) % 256 for i in range(size))
    return bytes(out)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"garbage" * 1000,
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        damaged_pages,
    ],
    ids=["garbage", "truncated", "empty", "pages"],
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_damaged_index_is_rebuilt_and_the_command_answers(setup, damage, command):
    store, folder, run = setup
    want = run(*command)
    target = the_index(folder, store)
    target.write_bytes(damage(target.read_bytes()))
    got = run(*command)
    assert (got.exit_code, got.stdout, got.stderr) == (0, want.stdout, "")
    assert open_index(target, [store]) is not None  # whole again


@pytest.mark.parametrize(("table", "fmt"), [("events", "json"), ("event_rows", "tsv")])
def test_damage_met_by_a_query_rebuilds_the_file(setup, table, fmt):
    """The table each format reads (json decodes events, tsv prints the stored rows)."""
    store, folder, run = setup
    want = run("timeline", "-f", fmt)
    target = the_index(folder, store)
    import sqlite3

    with sqlite3.connect(target) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    data = bytearray(target.read_bytes())
    data[(root - 1) * size : root * size] = bytes((i * 37 + 11) % 256 for i in range(size))
    target.write_bytes(bytes(data))
    assert open_index(target, [store]) is not None  # opening does not notice: the query does
    got = run("timeline", "-f", fmt)
    assert (got.exit_code, got.stdout, got.stderr) == (0, want.stdout, "")
    ix = open_index(target, [store])
    assert ix is not None and len(ix.rows(f"SELECT * FROM {table}")) == 3


@pytest.mark.parametrize("nth", [0, 1])
def test_a_byte_changed_inside_a_stored_string_is_noticed(setup, nth):
    """SQLite keeps no checksums: a letter of a title changed in the file (its `events` row, or
    its timeline row) still makes a valid database. The row checksums notice it when the row
    is read (json decodes events, tsv prints timeline rows): the index is built again and
    every answer is the store's."""
    store, folder, run = setup
    want = {fmt: run("timeline", "-f", fmt).stdout for fmt in ("tsv", "json")}
    target = the_index(folder, store)
    data = target.read_bytes()
    at = [i for i in range(len(data)) if data.startswith(b"A day in July", i)]
    assert len(at) == 2  # the events row and the timeline row (the search text is not kept)
    changed = bytearray(data)
    changed[at[nth] + 2] = ord("b")  # "A bay in July"
    target.write_bytes(bytes(changed))
    assert open_index(target, [store]) is not None  # a valid database: only the checksum tells
    for fmt in ("tsv", "json"):
        got = run("timeline", "-f", fmt)
        if got.exit_code == 1:  # met after rows were printed: said, and the next run is whole
            assert want[fmt].startswith(got.stdout) and "incomplete: run the command again" in got.stderr
            got = run("timeline", "-f", fmt)
        assert (got.exit_code, got.stdout, got.stderr) == (0, want[fmt], "")
    assert b"A bay in July" not in target.read_bytes()  # built again


@pytest.mark.parametrize(
    ("text", "command"),
    [(b"A source", ["source", "src", "-f", "json"]), (b"Minister", ["who", "jo-smith", "-f", "json"])],
)
def test_a_byte_changed_in_a_source_or_a_role_is_noticed(setup, text, command):
    store, folder, run = setup
    want = run(*command).stdout
    target = the_index(folder, store)
    data = target.read_bytes()
    assert data.count(text) == 1
    target.write_bytes(data.replace(text, text[:-1] + b"X"))
    got = run(*command)
    assert (got.exit_code, got.stdout, got.stderr) == (0, want, "")
    assert text[:-1] + b"X" not in target.read_bytes()  # built again


def test_an_edited_store_is_not_answered_from_the_old_index(setup):
    store, _, run = setup
    run("timeline", "-f", "tsv")
    store.write_text(store.read_text().replace("A day in July", "A renamed day"), encoding="utf-8")
    assert "A renamed day" in run("timeline", "-f", "tsv").stdout


def test_a_store_file_this_process_may_not_read_is_not_answered(setup, monkeypatch):
    store, _, run = setup
    assert run("timeline", "-f", "tsv").exit_code == 0
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == store else real_access(p, mode, **kw))
    monkeypatch.setattr("geotie.store.files.read_regular", _refuse)
    got = run("timeline", "-f", "tsv")
    assert got.exit_code == 1 and got.stdout == ""


def _refuse(path):
    raise PermissionError(13, "Permission denied", str(path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_a_store_file_made_unreadable_is_not_answered(setup):
    store, _, run = setup
    assert run("timeline", "-f", "tsv").exit_code == 0
    store.chmod(0)
    try:
        got = run("timeline", "-f", "tsv")
    finally:
        store.chmod(0o644)
    assert got.exit_code == 1 and got.stdout == "" and "permission" in got.stderr.lower()


def test_no_cache_writes_nothing(setup):
    _, folder, run = setup
    assert run("--no-cache", "timeline").exit_code == 0
    assert run("timeline", GEOTIE_NO_CACHE="1").exit_code == 0
    assert not folder.exists() or not list(folder.iterdir())


def test_a_cache_folder_that_cannot_be_used_means_an_index_in_memory(setup, tmp_path):
    _, _, run = setup
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    got = run("timeline", "-f", "tsv", GEOTIE_CACHE=str(blocked / "cache"))
    assert got.exit_code == 0 and "alpha" in got.stdout


# --- real processes -----------------------------------------------------------------------------


def big_store(tmp_path: Path, events: int = 20000) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return generate.write(events, tmp_path)


def test_a_killed_first_run_leaves_no_index_and_the_next_run_answers(tmp_path):
    store = big_store(tmp_path)
    folder = tmp_path / "cache"
    env = {**os.environ, **PINNED_ENV, "GEOTIE_CACHE": str(folder)}
    args = [sys.executable, "-m", "geotie", "--no-default", "--data", str(store), "timeline", "-f", "tsv"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(folder.glob("*.tmp-*")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        assert proc.poll() is None, "the build ended before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while _running_with(str(store)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _running_with(str(store)), "a worker of the killed run runs on"
    target = the_index(folder, store)
    assert not target.exists()  # nothing half written in its place
    assert open_index(target, [store]) is None
    done = run_geotie("--no-default", "--data", str(store), "timeline", "-n", "2", "-f", "tsv",
                      env={"GEOTIE_CACHE": str(folder)})  # fmt: skip
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 2
    assert not list(folder.glob("*.tmp-*"))  # the leftover of the killed run is swept
    assert open_index(target, [store]) is not None


def _running_with(argument: str) -> list[int]:
    """The processes (Linux: /proc) whose command line holds `argument`, zombies left out."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            listed = argument.encode() in (proc / "cmdline").read_bytes().split(b"\0")
            if listed and (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_first_runs_at_once_all_answer_and_leave_one_whole_index(tmp_path):
    store = write(tmp_path, MINIMAL)
    folder = tmp_path / "cache"
    env = {**os.environ, **PINNED_ENV, "GEOTIE_CACHE": str(folder)}
    args = [sys.executable, "-m", "geotie", "--no-default", "--data", str(store), "timeline", "-f", "tsv"]
    procs = [
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4
    assert len({out for out, _ in outs}) == 1 and all(err == "" for _, err in outs)
    assert [p.name for p in folder.iterdir()] == [the_index(folder, store).name]
    assert open_index(the_index(folder, store), [store]) is not None


def test_damage_met_after_the_answer_began_is_not_printed_twice(tmp_path, monkeypatch, capsys):
    """Rebuilt and run again only while nothing is printed yet; else the command says the
    output is incomplete (exit 1) and the next run rebuilds."""
    from types import SimpleNamespace

    from geotie.cli import base
    from geotie.errors import IndexDamaged
    from geotie.render.rows import View

    store = write(tmp_path, MINIMAL)
    monkeypatch.setenv("GEOTIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GEOTIE_NO_CACHE", raising=False)
    ctx = SimpleNamespace(obj=base.Settings([str(store)], True))
    target = the_index(tmp_path / "cache", store)
    runs = []

    def printing_then_damaged(ctx):
        base.load(ctx)
        runs.append(1)
        base.write_view("tsv", View(("a",), [("first row",)], {}))
        raise IndexDamaged("the index is damaged")

    with pytest.raises(IndexDamaged, match="the output above is incomplete"):
        base._once_more_if_damaged(printing_then_damaged, ctx=ctx)
    assert runs == [1] and capsys.readouterr().out == "first row\n"
    assert not target.exists()  # discarded: the next run builds it again

    def damaged_before_printing(ctx):
        base.load(ctx)
        runs.append(2)
        if runs.count(2) == 1:
            raise IndexDamaged("the index is damaged")
        base.write_view("tsv", View(("a",), [("answer",)], {}))

    base._once_more_if_damaged(damaged_before_printing, ctx=ctx)
    assert runs == [1, 2, 2] and capsys.readouterr().out == "answer\n"
    assert target.exists()


def test_a_changed_actor_name_is_noticed_by_a_table(setup):
    """A timeline table reads the actors' names alone (index.queries.actor_labels), each
    checked against its own checksum: a name changed in the file is noticed, the index built
    again, and the table names the actor as the store does."""
    import sqlite3

    store, folder, run = setup
    want = run("timeline", "alpha", "-f", "table")
    assert "Betaland" in want.stdout
    target = the_index(folder, store)
    with sqlite3.connect(target) as db:
        db.execute("UPDATE actors SET name = 'Gammaland' WHERE id = 'beta'")
    db.close()
    got = run("timeline", "alpha", "-f", "table")
    assert (got.exit_code, got.stdout, got.stderr) == (0, want.stdout, "")
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT name FROM actors WHERE id = 'beta'").fetchone() == ("Betaland",)
    db.close()


@pytest.mark.parametrize(
    ("command", "change"),
    [
        (("actors", "-f", "tsv"), "UPDATE actors SET sort_name = 'aaa' WHERE id = 'jo-smith'"),
        (("actors", "-f", "table"), "UPDATE actors SET sort_name = 'zzz' WHERE id = 'alpha'"),
        (("sources", "-f", "json"), "UPDATE sources SET sort_day = 0"),
        (("search", "alpha", "-f", "tsv"), "UPDATE actors SET sort_name = 'zzz' WHERE id = 'alpha'"),
    ],
)
def test_a_changed_sort_key_is_noticed(setup, command, change):
    """`actors` and `sources` list in the order of stored sort keys (folded name; first day
    of the publication date), each checked against its entry as it is read: a key changed in
    the file is noticed, the index built again, and the answer is the store's."""
    import sqlite3

    store, folder, run = setup
    want = run(*command)
    target = the_index(folder, store)
    with sqlite3.connect(target) as db:
        db.execute(change)
    db.close()
    got = run(*command)
    assert (got.exit_code, got.stdout, got.stderr) == (0, want.stdout, "")
    assert want.stdout
    ix = open_index(target, [store])
    assert ix is not None
    assert ix.rows("SELECT count(*) FROM actors WHERE sort_name IN ('aaa', 'zzz')") == [(0,)]
    assert ix.rows("SELECT count(*) FROM sources WHERE sort_day = 0") == [(0,)]


def test_actors_as_of_counts_from_a_read_only_index_file(setup):
    """`actors --as-of` lists the events known by then in a temporary table: it works on the
    index file (opened read-only) as on an index in memory, each day afresh in one process."""
    store, folder, run = setup
    run("actors")  # the file is built
    assert the_index(folder, store).is_file()
    for day in ("2024-01-01", "2024-02-23", "2030"):
        got = run("actors", "--as-of", day, "-f", "tsv")
        want = run("--no-cache", "actors", "--as-of", day, "-f", "tsv")
        assert (got.exit_code, got.stderr) == (0, "") and got.stdout == want.stdout
    counts = {day: [line.split("\t")[-1] for line in run("actors", "--as-of", day, "-f", "tsv").stdout.splitlines()]
              for day in ("2024-01-01", "2030")}  # fmt: skip
    assert set(counts["2024-01-01"]) == {"0"} and set(counts["2030"]) != {"0"}
