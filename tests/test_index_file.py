"""The index file: answers like the store, never stale, damage detected, never half written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, ROOT, write
from geotie import query
from geotie.index import build as build_module
from geotie.index import queries as iq
from geotie.index.build import Builder, build_index
from geotie.index.db import IndexDamaged, index_path, open_index, sweep
from geotie.query import TimelineQuery
from geotie.store import load_paths


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def store_file(tmp_path):
    path = write(tmp_path, MINIMAL)
    old = time.time_ns() - 10 * 10**9  # out of the racy window: stat alone decides
    os.utime(path, ns=(old, old))
    return path


def built(folder, path):
    """The index of the file at `path`, built and opened."""
    store = load_paths([path])
    target = index_path(folder, [path])
    assert build_index(store, target, [path], time.time_ns())
    return target, open_index(target, [path])


def all_events(ix):
    return iq.timeline(ix, TimelineQuery())


def test_built_index_answers_like_the_store(folder, store_file):
    target, ix = built(folder, store_file)
    store = load_paths([store_file])
    assert ix is not None and target.suffix == ".sqlite"
    assert all_events(ix) == query.timeline(store, TimelineQuery())
    assert [e.origin for e in all_events(ix)] == [e.origin for e in store.events]
    assert iq.search(ix, "july") == query.search(store, "july")
    assert list(folder.iterdir()) == [target]  # nothing left aside


def test_a_user_can_query_it_with_sqlite(folder, store_file):
    target, _ = built(folder, store_file)
    with sqlite3.connect(target) as db:
        rows = db.execute(
            "SELECT e.id FROM events e JOIN event_actors a ON a.pos = e.pos WHERE a.actor = 'beta' ORDER BY e.pos"
        ).fetchall()
    assert rows == [("first",), ("second",)]
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA page_size").fetchone() == (16384,)  # build.PRAGMAS: quicker reads


def test_a_changed_file_is_not_answered_from_the_index(folder, store_file):
    built(folder, store_file)
    store_file.write_text(MINIMAL.replace("A day in July", "A day in late July"))
    assert open_index(index_path(folder, [store_file]), [store_file]) is None


def test_a_same_size_edit_in_the_racy_window_is_seen(folder, tmp_path):
    path = write(tmp_path, MINIMAL)  # just written: within RACY_NS of the build
    target, ix = built(folder, path)
    assert ix is not None
    st = path.stat()
    path.write_text(MINIMAL.replace("A day in July", "A day in Juno"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    if path.stat().st_ino == st.st_ino:  # same inode, size and mtime: only the hash tells
        assert open_index(target, [path]) is None


def test_other_paths_are_not_answered(folder, store_file, tmp_path):
    target, _ = built(folder, store_file)
    other = write(tmp_path, MINIMAL, "other.toml")
    assert open_index(target, [store_file, other]) is None
    assert open_index(target, [other]) is None
    assert index_path(folder, [store_file]) != index_path(folder, [store_file, other])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_a_file_the_user_can_no_longer_read_is_not_answered(folder, store_file):
    target, _ = built(folder, store_file)
    store_file.chmod(0)
    try:
        assert open_index(target, [store_file]) is None
    finally:
        store_file.chmod(0o644)


def test_a_file_this_process_may_not_read_is_not_answered(folder, store_file, monkeypatch):
    """As above, where the tests run as root: the permission check is what decides."""
    target, _ = built(folder, store_file)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(store_file) else real(p, mode))
    assert open_index(target, [store_file]) is None


def test_a_file_changed_while_read_is_not_indexed(folder, store_file):
    store = load_paths([store_file])
    target = index_path(folder, [store_file])
    started = time.time_ns()
    time.sleep(0.01)
    store_file.write_text(MINIMAL + "\n")
    assert not build_index(store, target, [store_file], started)
    assert not target.exists() and not list(folder.iterdir())


def test_a_folder_others_can_write_to_is_not_used(folder, store_file):
    target, _ = built(folder, store_file)
    folder.chmod(0o777)
    try:
        assert open_index(target, [store_file]) is None
        assert not build_index(load_paths([store_file]), target, [store_file], time.time_ns())
    finally:
        folder.chmod(0o700)


# --- damage ----------------------------------------------------------------------------------------------


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"garbage" * 1000,
        lambda data: b"SQLite format 3\x00" + b"\xff" * 5000,
        truncated,
        lambda data: data + b"\x00" * 4096,  # longer than its header says
        lambda data: data[:100] + b"\x00" * (len(data) - 100),
    ],
    ids=["empty", "garbage", "bad-header", "truncated", "extended", "zeroed"],
)
def test_a_damaged_file_is_not_opened(folder, store_file, damage):
    target, ix = built(folder, store_file)
    ix.close()
    target.write_bytes(damage(target.read_bytes()))
    assert open_index(target, [store_file]) is None


def test_damage_found_by_a_query_raises_index_damaged(folder, store_file):
    target, ix = built(folder, store_file)
    (root,) = ix.rows("SELECT rootpage FROM sqlite_master WHERE name = 'events'")[0]
    (size,) = ix.rows("PRAGMA page_size")[0]
    ix.close()
    data = bytearray(target.read_bytes())
    data[(root - 1) * size : root * size] = bytes((i * 37 + 11) % 256 for i in range(size))  # the events table's page
    target.write_bytes(bytes(data))
    ix = open_index(target, [store_file])
    assert ix is not None  # what it checks on opening is whole
    with pytest.raises(IndexDamaged, match="damaged"):
        all_events(ix)
    ix.discard()
    assert not target.exists()


def test_a_foreign_sqlite_file_is_not_opened(folder, store_file):
    target = index_path(folder, [store_file])
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("CREATE TABLE events (pos INTEGER PRIMARY KEY)")
    db.close()
    assert open_index(target, [store_file]) is None


@pytest.mark.parametrize("pragma", ["user_version = 99", "application_id = 1"])
def test_another_format_is_not_opened(folder, store_file, pragma):
    target, ix = built(folder, store_file)
    ix.close()
    with sqlite3.connect(target) as db:
        db.execute(f"PRAGMA {pragma}")
    db.close()
    assert open_index(target, [store_file]) is None


def test_another_program_version_is_not_opened(folder, store_file):
    target, ix = built(folder, store_file)
    ix.close()
    with sqlite3.connect(target) as db:
        db.execute("UPDATE meta SET value = '0.0.0' WHERE key = 'program'")
    db.close()
    assert open_index(target, [store_file]) is None


# --- never half written ---------------------------------------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_a_build_that_fails_midway_leaves_the_target_as_it_was(folder, store_file, monkeypatch, error):
    target, ix = built(folder, store_file)
    ix.close()
    before = target.read_bytes()
    events_added = []

    def add_events(self, items):
        events_added.append(len(items))
        raise error()

    monkeypatch.setattr(Builder, "add_events", add_events)
    store_file.write_text(MINIMAL + "\n")  # a newer store, so the index would be replaced
    with pytest.raises(error):
        build_index(load_paths([store_file]), target, [store_file], time.time_ns())
    assert events_added  # it did fail midway
    assert target.read_bytes() == before
    assert list(folder.iterdir()) == [target]


def test_a_first_build_that_fails_leaves_no_index(folder, store_file, monkeypatch):
    monkeypatch.setattr(build_module.schema, "create_indexes", lambda *args: (_ for _ in ()).throw(Boom()))
    target = index_path(folder, [store_file])
    with pytest.raises(Boom):
        build_index(load_paths([store_file]), target, [store_file], time.time_ns())
    assert not list(folder.iterdir())


KILLED_BUILD = """
import sys, time
from pathlib import Path
from geotie.index import build
from geotie.store import load_paths

path, target = Path(sys.argv[1]), Path(sys.argv[2])
add = build.Builder.add_events
def slow(self, items):
    add(self, items)
    print("midway", flush=True)
    time.sleep(60)
build.Builder.add_events = slow
build.build_index(load_paths([path]), target, [path], time.time_ns())
"""


def test_a_killed_build_leaves_no_index_and_its_leftover_is_swept(folder, store_file):
    target = index_path(folder, [store_file])
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_BUILD), str(store_file), str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout.readline().strip() == "midway"
        leftovers = list(folder.iterdir())
        assert [p.name for p in leftovers] == [f"{target.name}.tmp-{proc.pid}"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not target.exists()
    assert open_index(target, [store_file]) is None
    sweep(folder)  # the process is gone: its leftover goes
    assert not list(folder.iterdir())


def test_sweep_keeps_what_a_running_build_writes(folder):
    mine = folder / f"abc.sqlite.tmp-{os.getpid()}"
    mine.write_bytes(b"being written")
    kept = folder / "abc.sqlite"
    kept.write_bytes(b"")
    sweep(folder)
    assert sorted(folder.iterdir()) == [kept, mine]


def test_a_builder_can_be_fed_checked_events_a_batch_at_a_time(store_file):
    """As index.bulk fed it before it sent rows: the checked fields of each event (no Event built), sorted."""
    import tomllib

    from geotie.dates import sort_key
    from geotie.fields import search_texts
    from geotie.store.convert import checked_event

    store = load_paths([store_file])
    raw = tomllib.loads(store_file.read_text())
    checked = sorted((checked_event(e) for e in raw["events"]), key=lambda c: (*sort_key(c.date), c.id))
    assert all(checked)
    lines = {e.id: e.origin.line for e in store.events}
    with Builder(None) as builder:
        builder.add_files([store_file], [[0, 0, 0]], [""])
        builder.add_metas(store.metas)
        builder.add_sources(store.sources.values())
        builder.add_actors(store.actors.values())
        builder.add_events([(c, 0, lines[c.id]) for c in checked[:1]])
        rest = [(c, 0, lines[c.id]) for c in checked[1:]]
        with pytest.raises(ValueError, match="2 events but 1 search texts"):
            builder.add_events(rest, ["one"])
        builder.add_events(rest, search_texts(checked[1:]))  # folded already, as the parallel read does
        ix = builder.finish([store_file])
    assert all_events(ix) == list(store.events)
    assert [e.origin for e in all_events(ix)] == [e.origin for e in store.events]
    assert iq.search(ix, "july") == query.search(store, "july")


CONCURRENT_BUILD = """
import sys, time
from pathlib import Path
from geotie.index import build
from geotie.store import load_paths

path, target = Path(sys.argv[1]), Path(sys.argv[2])
store = load_paths([path])
go = float(sys.argv[3])
time.sleep(max(0.0, go - time.time()))  # both start together
print(build.build_index(store, target, [path], time.time_ns()))
"""


def test_builds_at_once_and_a_reader_meanwhile_all_see_a_whole_index(folder, store_file):
    target, reader = built(folder, store_file)
    expected = all_events(reader)
    go = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CONCURRENT_BUILD), str(store_file), str(target), go],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(3)
    ]
    while any(p.poll() is None for p in procs):
        assert all_events(reader) == expected  # the file it opened stays whole while others replace it
    assert [p.stdout.read().strip() for p in procs] == ["True"] * 3
    assert all_events(open_index(target, [store_file])) == expected
    assert list(folder.iterdir()) == [target]


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=300), block=st.integers(min_value=1, max_value=40))
def test_file_hash_is_the_whole_files_read_a_block_at_a_time(data, block):
    """The checksum read a block at a time is the checksum of the whole file (stored hashes stay valid)."""
    import zlib

    from geotie.index import fresh

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.toml"
        path.write_bytes(data)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fresh, "HASH_BLOCK", block)
            assert fresh.file_hash(path) == f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def test_reopened_is_the_same_file_or_refused(folder, store_file):
    """Index.reopened (a forked process's own connection): the file it opened, or IndexDamaged
    when another build has replaced it meanwhile; an index in memory has no file to reopen."""
    _, ix = built(folder, store_file)
    again = ix.reopened()
    assert again.db is not ix.db and all_events(again) == all_events(ix)
    again.close()
    built(folder, store_file)  # built again: renamed over the file, with another written_ns
    with pytest.raises(IndexDamaged, match="replaced"):
        ix.reopened()
    in_memory = build_module.memory_index(load_paths([store_file]))
    with pytest.raises(IndexDamaged, match="in memory"):
        in_memory.reopened()
