"""The store cache: same answers as the files, never stale, safe to load."""

import json
import os

import pytest

from conftest import MINIMAL, write
from geotie.store import load_paths
from geotie.store.cache import FORMAT, cache_dir, cache_file


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "xdg-cache" / "geotie"


def run(cli, store, *args):
    result = cli("--no-default", "--data", str(store), *args)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "-f", "json"],
        ["timeline", "alpha", "beta", "-f", "tsv"],
        ["who", "alpha", "-f", "json"],
        ["search", "july", "-f", "tsv"],
        ["actors", "-f", "jsonl"],
        ["sources", "-f", "json"],
        ["event", "second", "-f", "json"],
    ],
)
def test_cached_answers_equal_fresh_ones(cli, store_file, cache, args):
    fresh = run(cli, store_file, "--no-cache", *args).stdout
    assert not cache.exists()
    first = run(cli, store_file, *args).stdout  # builds the cache
    assert list(cache.glob("*.cache"))
    second = run(cli, store_file, *args).stdout  # reads it
    assert fresh == first == second


def test_bundled_store_through_the_cache(cli, cache):
    fresh = cli("--no-cache", "timeline", "pakistan", "azerbaijan", "-f", "json").stdout
    cli("timeline", "pakistan", "azerbaijan", "-f", "json")
    assert cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout == fresh
    assert (
        cli("who", "Vugar Mustafayev", "-f", "json").stdout
        == cli("--no-cache", "who", "Vugar Mustafayev", "-f", "json").stdout
    )


def test_an_edit_within_the_same_second_is_seen(cli, tmp_path):
    path = write(tmp_path, MINIMAL)
    assert "A day in July" in run(cli, path, "timeline", "-f", "tsv").stdout
    st = path.stat()
    path.write_text(MINIMAL.replace("A day in July", "A day in Junе"))  # same size? not needed
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old timestamp
    out = run(cli, path, "timeline", "-f", "tsv").stdout
    assert "A day in Junе" in out and "A day in July" not in out


def test_same_size_same_timestamp_edit_is_seen(cli, tmp_path):
    path = write(tmp_path, MINIMAL)
    run(cli, path, "timeline", "-f", "tsv")
    st = path.stat()
    edited = MINIMAL.replace("A day in July", "A day in Juno")
    assert len(edited) == len(MINIMAL)
    with path.open("r+") as f:  # in place: same inode, same size
        f.write(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_ino == st.st_ino and path.stat().st_size == st.st_size
    assert "A day in Juno" in run(cli, path, "timeline", "-f", "tsv").stdout


def test_added_file_in_a_folder_changes_the_key(cli, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder, MINIMAL, "a.toml")
    run(cli, folder, "timeline", "-f", "tsv")
    write(
        folder,
        '[meta]\nschema = 1\n[[events]]\nid = "more"\ndate = "2023"\ntitle = "More"\ncitations = [{ source = "src", quote = "q" }]\n',
        "b.toml",
    )
    assert "\tmore\t" in run(cli, folder, "timeline", "-f", "tsv").stdout


@pytest.mark.parametrize("damage", [b"", b"{not json\n", b"garbage" * 100])
def test_corrupt_cache_is_ignored_and_rebuilt(cli, store_file, cache, damage):
    expected = run(cli, store_file, "timeline", "-f", "json").stdout
    (cached,) = cache.glob("*.cache")
    cached.write_bytes(damage)
    assert run(cli, store_file, "timeline", "-f", "json").stdout == expected
    assert cached.read_bytes() != damage  # rebuilt


def test_truncated_cache_is_ignored(cli, store_file, cache):
    expected = run(cli, store_file, "timeline", "-f", "json").stdout
    (cached,) = cache.glob("*.cache")
    cached.write_bytes(cached.read_bytes()[:-10])
    assert run(cli, store_file, "timeline", "-f", "json").stdout == expected


def test_cache_in_a_folder_others_can_write_is_not_used(cli, store_file, cache):
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    run(cli, store_file, "timeline")
    assert not list(cache.glob("*.cache"))
    cache.chmod(0o700)
    run(cli, store_file, "timeline")
    assert list(cache.glob("*.cache"))
    assert not list(cache.glob(".tmp-*"))


def test_cache_is_json_with_the_paths_it_covers(cli, store_file, cache):
    run(cli, store_file, "timeline")
    (cached,) = cache.glob("*.cache")
    data = cached.read_bytes()
    size = int(data[-16:])
    head = json.loads(data[-16 - size : -16])
    assert head["paths"] == [str(store_file)] and head["format"] == FORMAT
    assert sum(head["sizes"]) == len(data) - 16 - size
    assert cached == cache_file(cache, [store_file])
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_warnings_survive_the_cache(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace('title = "A day in July"', 'title = "A day in July"\nsumary = "x"'))
    for _ in range(2):
        result = cli("--no-default", "--data", str(path), "timeline")
        assert "did you mean 'summary'" in result.stderr


def test_cache_dir_follows_the_environment(tmp_path):
    assert cache_dir({"GEOTIE_CACHE": str(tmp_path / "c")}) == tmp_path / "c"
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "geotie"


def test_lazy_events_and_indexes_from_the_cache(store_file, tmp_path):
    folder = tmp_path / "c"
    fresh = load_paths([store_file], folder)  # writes
    cached = load_paths([store_file], folder)  # reads
    assert type(cached.events).__name__ == "LazyEvents"
    assert list(cached.events) == list(fresh.events)
    assert dict(cached.actor_events) == {k: list(v) for k, v in fresh.actor_events.items()}
    assert cached.event_index["third"] == fresh.event_index["third"]
    assert cached.actors == fresh.actors and cached.sources == fresh.sources


def test_events_made_from_the_cache_are_whole_frozen_dataclasses(store_file, tmp_path):
    import dataclasses

    folder = tmp_path / "c"
    fresh = load_paths([store_file], folder)
    cached = load_paths([store_file], folder)
    for a, b in zip(fresh.events, cached.events, strict=True):
        assert a == b and dataclasses.asdict(a) == dataclasses.asdict(b)
        with pytest.raises(dataclasses.FrozenInstanceError):
            b.title = "changed"


def test_geotie_no_cache_reads_the_files(cli, store_file, cache):
    result = cli("--no-default", "--data", str(store_file), "timeline", env={"GEOTIE_NO_CACHE": "1"})
    assert result.exit_code == 0 and not list(cache.glob("*.cache"))


def test_a_store_of_several_batches_reads_the_same_from_the_cache(tmp_path):
    """Events and search lines are written a batch at a time: every event, in order, across
    the batch boundaries."""
    import sys

    from conftest import ROOT
    from geotie.store.cache import BATCH

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    path = generate.write(BATCH + 300, tmp_path / "big")
    folder = tmp_path / "cache"
    fresh = load_paths([path])
    load_paths([path], folder)  # writes the cache
    cached = load_paths([path], folder)
    assert cached.search_text is not None  # really read from the cache
    assert list(cached.events) == list(fresh.events)
    assert [e.origin for e in cached.events] == [e.origin for e in fresh.events]
    lines = cached.search_text["events"]
    assert len(lines) == len(fresh.events) and all(lines)


def test_the_first_events_of_a_timeline_come_without_reading_them_all(tmp_path):
    """`timeline | head -1` on a large store: events are decoded a batch at a time, as the
    rows are written, so stopping early costs little."""
    import sys

    from conftest import ROOT
    from geotie import query

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    path = generate.write(6000, tmp_path / "big")
    load_paths([path], tmp_path / "cache")
    store = load_paths([path], tmp_path / "cache")
    first = next(query.iter_timeline(store, query.TimelineQuery()))
    assert first == store.events[0]
    assert len(store.events._made) <= 2048 < len(store.events)
