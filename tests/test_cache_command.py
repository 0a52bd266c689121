"""`geotie cache` and the cache folder's bound."""

from __future__ import annotations

import os
import time

from conftest import MINIMAL, write
from geotie.index import use
from geotie.index.db import index_path


def run_on(cli, store, folder, *args):
    return cli("--no-default", "--data", str(store), *args, env={"GEOTIE_CACHE": str(folder)})


def test_cache_lists_each_index_with_its_store_files_and_clear_removes_them(cli, tmp_path):
    store, other = write(tmp_path, MINIMAL), write(tmp_path, MINIMAL, "other.toml")
    folder = tmp_path / "cache"
    env = {"GEOTIE_CACHE": str(folder)}
    empty = cli("cache", env=env)
    assert empty.exit_code == 0 and "0 index file(s)" in empty.stdout
    run_on(cli, store, folder, "timeline")
    run_on(cli, other, folder, "timeline")
    (folder / f"{'0' * 16}.sqlite.tmp-999999999").write_bytes(b"left by a killed build")
    (folder / "ffffffffffffffff.sqlite").write_bytes(b"not sqlite")
    shown = cli("cache", env=env)
    assert shown.exit_code == 0 and shown.stderr == ""
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(f"{folder}: 3 index file(s)") and "used last" in lines[0]
    assert any(index_path(folder, [store]).name in line and f"3 events from {store}" in line for line in lines)
    assert any(index_path(folder, [other]).name in line and str(other) in line for line in lines)
    assert any(line.startswith("ffffffffffffffff.sqlite") and "not a readable geotie index" in line for line in lines)
    cleared = cli("cache", "--clear", env=env)
    assert cleared.exit_code == 0 and "removed 4 file(s)" in cleared.stderr
    assert not list(folder.iterdir())
    again = run_on(cli, store, folder, "timeline", "-f", "tsv")  # built again when needed
    assert again.exit_code == 0 and index_path(folder, [store]).exists()


def test_cache_of_a_missing_folder_a_file_and_a_folder_others_can_write(cli, tmp_path):
    got = cli("cache", env={"GEOTIE_CACHE": str(tmp_path / "none")})
    assert got.exit_code == 0 and "0 index file(s)" in got.stdout
    assert cli("cache", "--clear", env={"GEOTIE_CACHE": str(tmp_path / "none")}).exit_code == 0
    a_file = write(tmp_path, "not a folder", "a-file")
    got = cli("cache", env={"GEOTIE_CACHE": str(a_file)})
    assert got.exit_code == 0 and "(not a folder: indexes are built in memory)" in got.stdout
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    got = cli("cache", env={"GEOTIE_CACHE": str(shared)})
    assert got.exit_code == 0 and "others can write to it" in got.stdout


def test_the_folder_is_bounded_when_an_index_is_built(cli, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    now = time.time()
    recent = []
    for i in range(use.MAX_INDEXES + 3):  # more than the bound, each used a minute apart
        path = folder / f"{i:016x}.sqlite"
        path.write_bytes(b"")
        os.utime(path, (now - 60 * i, now - 60 * i))
        recent.append(path)
    stale = folder / f"{'a' * 16}.sqlite"
    stale.write_bytes(b"")
    os.utime(stale, (now - (use.UNUSED_DAYS + 1) * 86400,) * 2)
    old_cache = folder / f"{'b' * 16}.cache"  # the JSON cache of earlier versions
    old_cache.write_bytes(b"")
    store = write(tmp_path, MINIMAL)
    assert run_on(cli, store, folder, "timeline").exit_code == 0
    built = index_path(folder, [store])
    left = set(folder.iterdir())
    assert built in left and len(left) == use.MAX_INDEXES
    assert left - {built} == set(recent[: use.MAX_INDEXES - 1])  # the ones used last
    assert not stale.exists() and not old_cache.exists()


def test_an_index_in_use_is_kept_however_old(cli, tmp_path):
    folder = tmp_path / "cache"
    store = write(tmp_path, MINIMAL)
    run_on(cli, store, folder, "timeline")
    built = index_path(folder, [store])
    os.utime(built, (0, 0))
    assert run_on(cli, store, folder, "timeline").exit_code == 0  # opened: it counts as used now
    assert time.time() - built.stat().st_mtime < 60
