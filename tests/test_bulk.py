"""The parallel first read (store.bulk) writes the cache the ordinary read writes, byte for
byte, and gives way to the ordinary read whenever something is out of the ordinary, so that
problems are reported exactly as they would be."""

import itertools
import os
import sys

import pytest

from conftest import ROOT
from geotie.errors import StoreError
from geotie.store import bulk, load_paths
from geotie.store import cache as cache_module

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


def cache_body(folder):
    """The cache file without its head (which holds the time it was written)."""
    (path,) = folder.glob("*.cache")
    data = path.read_bytes()
    return data[: len(data) - 16 - int(data[-16:])]


def read_both(paths, tmp_path, monkeypatch):
    """(store, cache bytes) read in parallel, then the same read the ordinary way."""
    fast = load_paths(paths, tmp_path / "bulk")
    fast_body = cache_body(tmp_path / "bulk")
    monkeypatch.setattr(bulk, "load", lambda *a: None)
    slow = load_paths(paths, tmp_path / "ordinary")
    return fast, fast_body, slow, cache_body(tmp_path / "ordinary")


def test_the_parallel_read_writes_the_ordinary_cache(generated, tmp_path, monkeypatch, parallel):
    fast, fast_body, slow, slow_body = read_both([generated], tmp_path, monkeypatch)
    assert parallel == [3]  # three chunks, merged
    assert fast_body == slow_body
    assert list(fast.events) == list(slow.events)
    assert [e.origin for e in fast.events] == [e.origin for e in slow.events]


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
    fast, fast_body, slow, slow_body = read_both([generated, second], tmp_path, monkeypatch)
    assert parallel == [6]
    assert fast_body == slow_body
    assert len(fast.events) == len(slow.events) == 1500 + 900


def padded(text: str) -> str:
    """Many sources before the first event: the first chunk then holds no event."""
    at = text.index("[[events]]\n")
    pad = "".join(f'[[sources]]\nid = "pad-{i}"\ntitle = "Padding {i}"\n\n' for i in range(20000))
    return text[:at] + pad + text[at:]


def damage(text: str, old: str, new: str, after: int = 0) -> str:
    """`old` replaced by `new` once, at its first place after `after` characters."""
    at = text.index(old, after)
    return text[:at] + new + text[at + len(old) :]


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
    ],
)
def test_anything_unusual_is_read_the_ordinary_way(change, generated, tmp_path, monkeypatch, parallel):
    path = tmp_path / "store.toml"
    path.write_text(change(generated.read_text()), encoding="utf-8")

    def outcome(folder):
        try:
            store = load_paths([path], folder)
        except StoreError as err:
            return "error", str(err), err.problems
        return "store", [str(w) for w in store.warnings], list(store.events)

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
    store = load_paths([generated], tmp_path / "cache")
    assert not parallel  # never merged
    assert len(store.events) == 1500
    assert cache_module.load(tmp_path / "cache", [generated]) is not None  # cached the ordinary way


def test_cut_starts_chunks_at_event_headers_and_counts_lines(generated):
    text = generated.read_text()
    old = bulk.CHUNK_MIN
    try:
        bulk.CHUNK_MIN = 50_000
        chunks = bulk.cut(0, text, 4)
    finally:
        bulk.CHUNK_MIN = old
    assert len(chunks) == 4
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for before, after in itertools.pairwise(chunks):
        assert before.end == after.start and text[after.start :].startswith("[[events]]\n")
        assert after.lines_before == text[: after.start].count("\n")


def test_workers_are_the_usable_cpus():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert bulk.workers() == max(1, min(bulk.MAX_WORKERS, usable))
