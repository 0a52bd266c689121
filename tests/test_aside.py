"""A large first build's second process (index.aside) builds the event-actor links and the
full-text search table beside the index, and the index is the one built without it: table
for table, search for search, the full-text table's own bytes too. A child that fails, a
connection that may not write FTS5's shadow tables, an interrupted build: the index is
still right, or not there, and nothing is left behind."""

import os
import sqlite3
import time

import pytest
from test_bulk import TABLES, generated, parallel, rows  # noqa: F401 (fixtures)

from geotie.index import aside, bulk
from geotie.index import build as build_module
from geotie.index import queries as iq
from geotie.index.db import sweep
from geotie.index.use import index_for

SEARCH_SHADOW = ("event_search_data", "event_search_idx", "event_search_docsize", "event_search_config")


@pytest.fixture
def parts(monkeypatch, parallel):  # noqa: F811
    """A second process for any store read in parallel; records what each `start` returned
    and what each `join` gave."""
    monkeypatch.setattr(aside, "PART_MIN", 0)
    monkeypatch.setattr(aside, "usable_cpus", lambda most: 2)
    started, joined = [], []
    start, join = aside.start, aside.Part.join

    def recording_start(*args):
        started.append(start(*args))
        return started[-1]

    def recording_join(self, *args):
        joined.append(join(self, *args))
        return joined[-1]

    monkeypatch.setattr(aside, "start", recording_start)
    monkeypatch.setattr(aside.Part, "join", recording_join)
    return started, joined


def shadow(ix) -> dict:
    """The full-text table of events as FTS5 stores it, and its integrity check."""
    db = sqlite3.connect(ix.path)
    try:
        db.execute("INSERT INTO event_search (event_search) VALUES ('integrity-check')")
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in SEARCH_SHADOW}
    finally:
        db.close()


def without_part(paths, folder, monkeypatch):
    monkeypatch.setattr(aside, "PART_MIN", 10**12)
    return index_for(paths, folder)


def test_the_second_process_builds_the_same_index(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    started, joined = parts
    with_part = index_for([generated], tmp_path / "part")
    assert len(started) == 1 and started[0] is not None and joined == [True]
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == [with_part.path.name]  # part file gone
    alone = without_part([generated], tmp_path / "alone", monkeypatch)
    assert rows(with_part) == rows(alone)
    assert shadow(with_part) == shadow(alone)  # byte for byte: the same inserts, the same merge
    for needle in ("pakistan", "jf 17", "a", "garabagh", "defence"):
        assert iq.search(with_part, needle) == iq.search(alone, needle)
    assert iq.timeline(with_part, iq.TimelineQuery(actors=("pakistan", "azerbaijan"))) == iq.timeline(
        alone, iq.TimelineQuery(actors=("pakistan", "azerbaijan"))
    )


def test_without_full_text_search_the_plain_table_is_copied(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    monkeypatch.setattr(build_module.schema, "has_trigram_fts", lambda: False)
    with_part = index_for([generated], tmp_path / "part")
    assert parts[1] == [True]
    alone = without_part([generated], tmp_path / "alone", monkeypatch)
    assert rows(with_part) == rows(alone)
    assert with_part.rows("SELECT * FROM event_search ORDER BY rowid") == alone.rows(
        "SELECT * FROM event_search ORDER BY rowid"
    )
    assert iq.search(with_part, "pakistan") == iq.search(alone, "pakistan")


def test_a_failing_child_means_its_tables_are_made_here(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    def fail(*args):
        raise RuntimeError("the part cannot be built")

    monkeypatch.setattr(aside, "build_part", fail)  # in the child: it exits with status 1
    with_part = index_for([generated], tmp_path / "part")
    assert parts[1] == [False]
    alone = without_part([generated], tmp_path / "alone", monkeypatch)
    assert rows(with_part) == rows(alone)
    assert shadow(with_part) == shadow(alone)
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == [with_part.path.name]


def test_no_second_process_where_the_shadow_tables_are_read_only(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    monkeypatch.setattr(aside, "shadow_writable", lambda db: False)
    with_part = index_for([generated], tmp_path / "part")
    assert parts[0] == [None] and parts[1] == []
    assert rows(with_part) == rows(without_part([generated], tmp_path / "alone", monkeypatch))


def test_shadow_writable():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE event_search USING fts5 (text, tokenize = 'trigram')")
    assert aside.shadow_writable(db)
    db.execute("PRAGMA query_only = 1")  # as SQLITE_DBCONFIG_DEFENSIVE does to shadow tables
    assert not aside.shadow_writable(db)


def test_small_stores_and_indexes_in_memory_build_alone(tmp_path):
    db = sqlite3.connect(":memory:")
    assert aside.start(db, tmp_path / "x.sqlite", aside.PART_MIN - 1, False, lambda: iter(()), 10) is None
    assert aside.start(db, None, aside.PART_MIN * 10, False, lambda: iter(()), 10) is None


def test_an_interrupted_build_stops_the_child_and_leaves_nothing(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    def interrupted(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module.Builder, "add_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index_for([generated], tmp_path / "part")
    (part,) = parts[0]
    assert part is not None and part.ended  # waited for: no zombie
    with pytest.raises(ProcessLookupError):
        os.kill(part.pid, 0)
    assert list((tmp_path / "part").iterdir()) == []


def test_the_part_file_of_a_killed_build_is_swept(tmp_path):
    leftover = tmp_path / "0123456789abcdef.sqlite.tmp-part-999999999"
    leftover.write_bytes(b"half a part")
    assert sweep(tmp_path) == [leftover]


def test_the_spill_streams_hold_the_same_events(generated, tmp_path, monkeypatch, parallel):  # noqa: F811
    """Bulk.records is Bulk.rows beside Bulk.links: the parent and the child number the
    same events the same way."""
    read = bulk.load([generated], None, str(tmp_path / "spill"))
    try:
        records = list(read.records())
        assert [r for r, _ in records] == list(read.rows())
        assert [(r[1], text) for r, text in records] == list(read.links())
        assert len(records) == 1500
    finally:
        read.discard()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="zombies are seen through /proc (Linux)")
def test_the_part_file_of_an_ended_unreaped_child_is_swept(tmp_path):
    """A killed build's child is a zombie until the system reaps it: its file is a leftover."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        for _ in range(200):  # until it has ended (not reaped: this process does not wait yet)
            with open(f"/proc/{pid}/stat", "rb") as f:
                if f.read().rsplit(b")", 1)[1][1:2] == b"Z":
                    break
            time.sleep(0.01)
        leftover = tmp_path / f"0123456789abcdef.sqlite.tmp-part-{pid}"
        leftover.write_bytes(b"half a part")
        assert sweep(tmp_path) == [leftover]
        alive = tmp_path / f"0123456789abcdef.sqlite.tmp-part-{os.getpid()}"  # this process: running
        alive.write_bytes(b"being built")
        assert sweep(tmp_path) == [] and alive.exists()
    finally:
        os.waitpid(pid, 0)


def test_no_process_to_be_had_means_the_tables_are_made_here(generated, tmp_path, monkeypatch, parts):  # noqa: F811
    def no_more(work):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(aside, "fork", no_more)
    with_part = index_for([generated], tmp_path / "part")
    assert parts[0] == [None]
    monkeypatch.undo()
    assert rows(with_part) == rows(without_part([generated], tmp_path / "alone", monkeypatch))
