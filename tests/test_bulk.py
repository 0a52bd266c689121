"""The parallel first read (index.bulk) builds the index the ordinary read builds, row for
row, and gives way to the ordinary read whenever something is out of the ordinary, so that
problems are reported exactly as they would be."""

import itertools
import os
import re
import sys

import pytest

from conftest import ROOT
from geotie.errors import StoreError
from geotie.index import bulk
from geotie.index import queries as iq
from geotie.index.db import open_index
from geotie.index.use import index_for

sys.path.insert(0, str(ROOT / "bench"))
import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate.write(1500, tmp_path_factory.mktemp("generated"))


@pytest.fixture
def parallel(monkeypatch):
    """Bulk reading for small files too, in 3 processes and chunks of ~60 KB; records
    whether it ran to the end."""
    monkeypatch.setattr(bulk, "BULK_MIN", 0)
    monkeypatch.setattr(bulk, "CHUNK_MIN", 60_000)
    monkeypatch.setattr(bulk, "workers", lambda: 3)
    ran = []
    merge = bulk.merge

    def recording_merge(paths, parts, *rest):
        ran.append(len(parts))
        return merge(paths, parts, *rest)

    monkeypatch.setattr(bulk, "merge", recording_merge)
    return ran


TABLES = ["store_meta", "warnings", "sources", "source_authors", "actors", "aliases", "demonyms", "names", "roles",
          "events", "event_rows", "event_actors", "event_tags", "tags", "citations", "files"]  # fmt: skip


def rows(ix) -> dict:
    """Every row of the index but when it was written (and the search tables, which are
    contentless: their answers are compared instead)."""
    dump = {table: ix.rows(f"SELECT * FROM {table} ORDER BY 1, 2") for table in TABLES}
    dump["meta"] = ix.rows("SELECT * FROM meta WHERE key != 'written_ns' ORDER BY key")
    return dump


def read_both(paths, tmp_path, monkeypatch):
    """(index, its rows) read in parallel, then the same read the ordinary way."""
    fast = index_for(paths, tmp_path / "bulk")
    monkeypatch.setattr(bulk, "load", lambda *a: None)
    slow = index_for(paths, tmp_path / "ordinary")
    return fast, rows(fast), slow, rows(slow)


def test_the_parallel_read_builds_the_ordinary_index(generated, tmp_path, monkeypatch, parallel):
    fast, fast_rows, slow, slow_rows = read_both([generated], tmp_path, monkeypatch)
    assert parallel == [3]  # three chunks, merged
    assert fast_rows == slow_rows and len(fast_rows["events"]) == 1500
    assert fast.path.parent == tmp_path / "bulk"  # written to the cache folder
    assert list((tmp_path / "bulk").iterdir()) == [fast.path]  # the spill files are gone
    everything = iq.TimelineQuery()
    assert iq.timeline(fast, everything) == iq.timeline(slow, everything)
    for needle in ("pakistan", "jf 17", "a", "garabagh"):
        assert iq.search(fast, needle) == iq.search(slow, needle)


def prefixed(doc: dict, prefix: str) -> dict:
    """A generated store with every id (and every reference) prefixed: a second store."""

    def cite(c: dict) -> dict:
        return {**c, "source": prefix + c["source"]}

    def role(r: dict) -> dict:
        return {
            **r,
            **({"of": prefix + r["of"]} if "of" in r else {}),
            "citations": [cite(c) for c in r.get("citations", [])],
        }

    return {
        "meta": doc["meta"],
        "sources": [{**s, "id": prefix + s["id"]} for s in doc["sources"]],
        "actors": [
            {**a, "id": prefix + a["id"], **({"country": prefix + a["country"]} if "country" in a else {}),
             "roles": [role(r) for r in a.get("roles", [])]}
            for a in doc["actors"]
        ],
        "events": [
            {**e, "id": prefix + e["id"], "actors": [prefix + x for x in e["actors"]],
             **({"implied_actors": [prefix + x for x in e["implied_actors"]]} if "implied_actors" in e else {}),
             "citations": [cite(c) for c in e["citations"]]}
            for e in doc["events"]
        ],
    }  # fmt: skip


def test_several_files(generated, tmp_path, monkeypatch, parallel):
    import tomli_w

    second = tmp_path / "second.toml"
    second.write_text(tomli_w.dumps(prefixed(generate.build(900, seed=7), "b-")), encoding="utf-8")
    _, fast_rows, _, slow_rows = read_both([generated, second], tmp_path, monkeypatch)
    assert parallel == [6]
    assert fast_rows == slow_rows
    assert len(fast_rows["events"]) == 1500 + 900


def padded(text: str) -> str:
    """Many sources before the first event: the first chunk then holds no event."""
    at = text.index("[[events]]\n")
    pad = "".join(f'[[sources]]\nid = "pad-{i}"\ntitle = "Padding {i}"\n\n' for i in range(20000))
    return text[:at] + pad + text[at:]


def damage(text: str, old: str, new: str, after: int = 0) -> str:
    """`old` replaced by `new` once, at its first place after `after` characters."""
    at = text.index(old, after)
    return text[:at] + new + text[at + len(old) :]


def renamed_event(text: str, ident: str, after: int) -> str:
    """The first event after `after` characters given the id `ident`."""
    found = re.compile(r'\nid = "event-[0-9]+"\n').search(text, after)
    return text[: found.start()] + f'\nid = "{ident}"\n' + text[found.end() :]


def fulfils_itself(text: str) -> str:
    """The last event that fulfils a plan made to fulfil itself (in the last chunk)."""
    at = text.rindex("\nfulfils = ")
    ident = re.findall(r'\nid = "([^"]*)"', text[:at])[-1]
    end = text.index("\n", at + 1)
    return text[:at] + f'\nfulfils = "{ident}"' + text[end:]


@pytest.mark.parametrize(
    "change",
    [
        lambda t: damage(t, 'status = "', 'status = "sometimes', len(t) * 3 // 4),  # an error in a late chunk
        lambda t: damage(t, 'status = "', 'stauts = "', len(t) * 3 // 4),  # a warning only
        lambda t: damage(t, '"pakistan",', '"pakistann",', len(t) * 3 // 4),  # unknown actor
        lambda t: damage(t, 'source = "src-', 'source = "nosuch-', len(t) * 3 // 4),  # unknown source
        lambda t: damage(t, 'id = "event-', 'id = "event-0', len(t) * 3 // 4) + "",  # maybe a duplicate
        lambda t: (
            t
            + '\n[[events]]\nid = "event-7"\ndate = "2020"\ntitle = "Again"\ncitations = [{ source = "src-1", quote = "q" }]\n'
        ),
        lambda t: t.replace("[meta]\nschema = 1\n", "") + "\n[meta]\nschema = 1\n",  # [meta] last
        lambda t: t + "\n[meta]\nschema = 1\n",  # [meta] twice
        lambda t: "events = []\n" + padded(t),  # `events = []` in the first chunk, [[events]] in the others
        lambda t: damage(
            t, "[[events]]\n", "[[events]]\ndate_note = 3\n", len(t) // 5
        ),  # a mistyped field, first chunk
        lambda t: "events = 0\n" + padded(t),  # not an array of tables
        lambda t: damage(t, 'title = "', 'title = "NUL \\u0000 ', len(t) // 2),
        lambda t: damage(t, "[[events]]\n", "[[events]]\n# a comment\n", len(t) // 2),  # outside the fast reader
        lambda t: re.sub(r'fulfils = "[^"]*"', 'fulfils = "nowhere"', t, count=1),  # an unknown plan
        fulfils_itself,
        lambda t: renamed_event(t, "src-1", len(t) * 3 // 4),  # an event's id is a source's
        lambda t: renamed_event(t, "pakistan", len(t) // 2),  # an event's id is an actor's
        lambda t: t + '\n[[sources]]\nid = "turkiye"\ntitle = "Same id as an actor"\n',  # in the last chunk
        lambda t: t + '\n[[sources]]\nid = "src-2"\ntitle = "Same id as an earlier source"\n',
    ],
    ids=[
        "error",
        "warning",
        "actor",
        "source",
        "id",
        "duplicate",
        "meta-last",
        "meta-twice",
        "inline",
        "type",
        "not-tables",
        "nul",
        "comment",
        "fulfils-unknown",
        "fulfils-itself",
        "event-is-source",
        "event-is-actor",
        "source-is-actor",
        "source-twice",
    ],
)
def test_anything_unusual_is_read_the_ordinary_way(change, generated, tmp_path, monkeypatch, parallel):
    path = tmp_path / "store.toml"
    path.write_text(change(generated.read_text()), encoding="utf-8")

    def outcome(folder):
        try:
            ix = index_for([path], folder)
        except StoreError as err:
            return "error", str(err), err.problems
        return "store", [str(w) for w in iq.warnings(ix)], iq.timeline(ix, iq.TimelineQuery())

    fast = outcome(tmp_path / "bulk")
    monkeypatch.setattr(bulk, "load", lambda *a: None)
    assert fast == outcome(tmp_path / "ordinary")


def test_a_failing_worker_means_the_ordinary_read(generated, tmp_path, monkeypatch, parallel):
    parent = os.getpid()
    read_chunk = bulk.read_chunk

    def fail_in_a_child(*args):
        if os.getpid() != parent:
            raise MemoryError
        return read_chunk(*args)

    monkeypatch.setattr(bulk, "read_chunk", fail_in_a_child)
    ix = index_for([generated], tmp_path / "cache")
    assert not parallel  # never merged
    assert list((tmp_path / "cache").iterdir()) == [ix.path]  # the chunks spilled before are gone
    assert len(iq.timeline(ix, iq.TimelineQuery())) == 1500
    assert open_index(ix.path, [generated]) is not None  # indexed the ordinary way


def test_no_more_processes_means_the_ordinary_read(generated, tmp_path, monkeypatch, parallel):
    """The second child cannot be made: the first is stopped and waited for, nothing spilled
    is left, and the store is read the ordinary way."""
    fork, made = os.fork, []

    def second_fails():
        if made:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        made.append(fork())
        return made[-1]

    monkeypatch.setattr(os, "fork", second_fails)
    ix = index_for([generated], tmp_path / "cache")
    monkeypatch.undo()
    assert not parallel and len(made) == 1
    if made[0]:  # in this process (a child would have ended in procs.fork)
        with pytest.raises(ChildProcessError):
            os.waitpid(made[0], os.WNOHANG)  # reaped already
    assert list((tmp_path / "cache").iterdir()) == [ix.path]
    assert len(iq.timeline(ix, iq.TimelineQuery())) == 1500


def test_cut_starts_chunks_at_event_headers_and_counts_lines(generated, monkeypatch):
    data = generated.read_bytes()
    monkeypatch.setattr(bulk, "CHUNK_MIN", 50_000)
    monkeypatch.setattr(bulk, "BLOCK", 4096)  # headers found across blocks
    chunks = bulk.cut(0, generated, 4)
    assert len(chunks) == 4
    monkeypatch.setattr(bulk, "CHUNK_MAX", len(data) // 9)
    assert len(bulk.cut(0, generated, 4)) == 10  # none larger than CHUNK_MAX
    assert chunks[0].start == 0 and chunks[-1].end == len(data)
    for before, after in itertools.pairwise(chunks):
        assert before.end == after.start and data[after.start :].startswith(b"[[events]]\n")
        assert after.lines_before == data[: after.start].count(b"\n")


def test_workers_are_the_usable_cpus():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert bulk.workers() == max(1, min(bulk.MAX_WORKERS, usable))


def test_an_index_in_memory_spills_to_a_temporary_folder_and_removes_it(generated, tmp_path, monkeypatch, parallel):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    ix = index_for([generated], None)
    assert parallel == [3] and ix.path is None
    assert len(iq.timeline(ix, iq.TimelineQuery())) == 1500
    assert list((tmp_path / "tmp").iterdir()) == []


def test_spill_files_of_a_killed_build_are_swept(generated, tmp_path, parallel):
    from geotie.index.db import index_path, sweep

    folder = tmp_path / "cache"
    folder.mkdir()
    child = os.fork()
    if child == 0:  # a build that dies once its chunks are spilled, before the index is written
        try:
            bulk.load([generated], None, f"{index_path(folder, [generated])}.tmp-")
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 3 and all(f"-{child}" in name for name in left)
    sweep(folder)
    assert list(folder.iterdir()) == []


def test_an_interrupted_read_leaves_no_spill_file(generated, tmp_path, monkeypatch, parallel):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(bulk, "merge", interrupted)
    folder = tmp_path / "cache"
    folder.mkdir()
    with pytest.raises(KeyboardInterrupt):
        bulk.load([generated], None, f"{folder}/x.sqlite.tmp-")
    assert list(folder.iterdir()) == []
