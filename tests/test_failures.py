"""Failure paths end cleanly: bounded numbers, empty or reversed arguments, odd files (looping
links, FIFOs, unreadable folders, folders named *.toml), every problem of an entry, and
writes that meet a protected file, an impossible lock or a killed writer's leftovers."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, PINNED_ENV, run_geotie, write
from geotie.errors import StoreError
from geotie.store import convert, files, load_paths
from geotie.store import write as writer

EVENT = ["--date", "2025-03", "--title", "Alpha minister visits Beta", "-a", "alpha", "-a", "Betaland"]
CITE = ["--source", "src", "--quote", "A verbatim passage"]
AS_ROOT = os.geteuid() == 0


@pytest.fixture
def target(tmp_path):
    return write(tmp_path, MINIMAL, "mine.toml")


def add(cli, target, *args):
    return cli("--no-default", "--data", str(target), "add", *args, "--to", str(target))


# --- numbers and arguments --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9223372036854775808", "1000000001", "-1"])
def test_limit_out_of_range_is_a_usage_error_naming_the_range(cli, value):
    result = cli("timeline", "--limit", value)
    assert result.exit_code == 2
    assert "--limit" in result.stderr and "0<=x<=1000000000" in result.stderr


def test_limit_at_its_bound_works(cli):
    result = cli("timeline", "--limit", "1000000000", "-f", "jsonl")
    assert result.exit_code == 0 and result.stdout


def test_since_after_until_is_a_usage_error(cli):
    result = cli("timeline", "--since", "2025", "--until", "2024")
    assert result.exit_code == 2
    assert result.stderr == "geotie: --since 2025 is after --until 2024: no date is in that range; swap them\n"
    assert result.stdout == ""
    assert cli("timeline", "--since", "2024-07", "--until", "2024-06").exit_code == 2
    assert cli("timeline", "--since", "2024", "--until", "2024", "-f", "tsv").exit_code == 0  # one year: not empty


@pytest.mark.parametrize("path", ["", " "])
def test_empty_data_path_is_a_usage_error(cli, path, tmp_path, monkeypatch):
    write(tmp_path, MINIMAL)  # what `--data ""` used to read: the current folder
    monkeypatch.chdir(tmp_path)
    for args in (["actors"], ["check"], ["add", "source", "--title", "T", "--to", "x.toml"]):
        result = cli("--data", path, *args)
        assert result.exit_code == 2, args
        assert "--data" in result.stderr and "the path is empty" in result.stderr
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([""], "the text is empty"),
        (["  "], "the text is empty"),
        (["", " "], "the text is empty"),
        (["!?"], "no letters or digits"),
    ],
)
def test_search_for_nothing_is_a_usage_error(cli, words, message):
    result = cli("search", *words)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


# --- odd files --------------------------------------------------------------------------------


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_a_link_that_loops_onto_itself(cli, tmp_path, cache):
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    flags = [] if cache else ["--no-cache"]
    result = cli(*flags, "--data", str(loop), "actors")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"geotie: {loop}: is a symbolic link that loops (it leads back to itself); fix or remove the link\n"
    )
    checked = cli(*flags, "--data", str(loop), "check")
    assert checked.exit_code == 1 and "symbolic link that loops" in checked.stdout


def test_a_looping_link_inside_a_data_folder(cli, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder, MINIMAL)
    (folder / "b.toml").symlink_to(folder / "c.toml")
    (folder / "c.toml").symlink_to(folder / "b.toml")
    result = cli("--no-default", "--data", str(folder), "actors")
    assert result.exit_code == 1 and "symbolic link that loops" in result.stderr
    assert "internal error" not in result.stderr


def test_adding_to_a_looping_link_is_refused(cli, tmp_path, target):
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    result = cli("--no-default", "--data", str(target), "add", "source", "--title", "T", "--to", str(loop))
    assert result.exit_code == 1 and "symbolic link" in result.stderr and "loops back to itself" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder, MINIMAL)
    os.mkfifo(folder / "x.toml")
    for data in (fifo, folder):
        for extra in ([], ["--no-cache"]):
            # a hang ends in subprocess.TimeoutExpired (run_geotie waits 60 s): the test fails
            result = run_geotie(*extra, "--data", str(data), "actors")
            assert result.returncode == 1, result.stderr
            assert "is not a regular file" in result.stderr and "internal error" not in result.stderr
    result = run_geotie("--data", str(fifo), "check")
    assert result.returncode == 1 and "is not a regular file" in result.stdout
    store = write(tmp_path, MINIMAL)
    for dry in ([], ["--dry-run"]):
        result = run_geotie("--data", str(store), "add", "source", "--title", "T", "--to", str(fifo), *dry)
        assert result.returncode == 1 and "is not a regular file" in result.stderr


def test_read_text_refuses_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        files.read_text(tmp_path)


def test_an_unreadable_folder_is_reported_as_such(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    (folder / "sub").mkdir(parents=True)
    write(folder, MINIMAL)
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == folder / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(StoreError) as err:
        files.expand([str(folder)])
    assert str(err.value) == (
        f"{folder / 'sub'}: cannot read the folder: permission denied; make it readable (chmod u+rx) "
        "or leave it out of --data"
    )


@pytest.mark.skipif(AS_ROOT, reason="root reads any folder")
def test_a_folder_made_unreadable(cli, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder, MINIMAL)
    folder.chmod(0)
    try:
        result = cli("--no-default", "--data", str(folder), "actors")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1 and "cannot read the folder: permission denied" in result.stderr
    assert "holds no .toml files" not in result.stderr


def test_a_folder_named_x_toml_is_searched_not_read(cli, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder, MINIMAL)
    (folder / "empty.toml").mkdir()
    inner = folder / "more.toml"
    inner.mkdir()
    write(inner, '[meta]\nschema = 1\n\n[[actors]]\nid = "gamma"\nname = "Gammaland"\nkind = "country"\n', "g.toml")
    result = cli("--no-default", "--data", str(folder), "actors", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert "Gammaland" in result.stdout and "Alphaland" in result.stdout
    assert files.expand([str(folder)]) == [inner / "g.toml", folder / "store.toml"]


# --- every problem of an entry ----------------------------------------------------------------

FIVE_WRONG = """\
[meta]
schema = 1

[[sources]]
id = "src"
title = "A source"

[[events]]
id = "five"
date = 2024
title = 7
actors = "alpha"
tags = [1]
status = "maybe"
citations = [{ source = "src", quote = "q" }]
"""


def test_every_problem_of_an_entry_is_found():
    content = convert.convert_file("x.toml", FIVE_WRONG, __import__("tomllib").loads(FIVE_WRONG))
    assert [(p.origin.line, p.field) for p in content.problems] == [
        (10, "date"),
        (11, "title"),
        (12, "actors"),
        (13, "tags"),
        (14, "status"),
    ]
    assert content.events == [] and content.broken_ids == {"five"}


def test_every_problem_in_reading_commands_and_check(cli, tmp_path):
    path = write(tmp_path, FIVE_WRONG)
    result = cli("--no-default", "--data", str(path), "timeline")
    lines = result.stderr.splitlines()
    assert result.exit_code == 1
    assert [line.split(": error:")[0] for line in lines[:-1]] == [f"{path}:{n}" for n in range(10, 15)]
    assert lines[-1] == "geotie: the store has 5 error(s); fix the lines above (nothing was changed)"
    checked = cli("--no-default", "--data", str(path), "check")
    assert checked.exit_code == 1 and checked.stdout.splitlines() == lines[:-1]


def test_every_problem_of_roles_and_citations(tmp_path):
    path = write(
        tmp_path,
        MINIMAL.replace('title = "Minister"', "title = 5").replace('start = "2024-01"', 'start = "2024-13"')
        + '\n[[events]]\nid = "x"\ndate = "2024"\ntitle = "X"\ncitations = [{ source = 1, quote = " " }]\n',
    )
    with pytest.raises(StoreError) as err:
        load_paths([path])
    found = {(p.entry, p.field) for p in err.value.problems}
    assert found == {
        ("actors[2] 'jo-smith' roles[0]", "title"),
        ("actors[2] 'jo-smith' roles[0]", "start"),
        ("events[3] 'x' citations[0]", "source"),
        ("events[3] 'x' citations[0]", "quote"),
    }


# --- writes -----------------------------------------------------------------------------------


def test_a_write_protected_store_is_not_replaced(cli, target):
    target.chmod(0o444)
    try:
        result = add(cli, target, "event", *EVENT, *CITE)
        assert result.exit_code == 1
        assert "write-protected (mode 0444)" in result.stderr and f"chmod u+w {target}" in result.stderr
        assert target.read_text() == MINIMAL and target.stat().st_mode & 0o777 == 0o444
        dry = add(cli, target, "event", *EVENT, *CITE, "--dry-run")  # a dry run says what the add would say
        assert dry.exit_code == 1 and "write-protected" in dry.stderr and dry.stdout == ""
    finally:
        target.chmod(0o644)
    assert add(cli, target, "event", *EVENT, *CITE).exit_code == 0


@pytest.mark.parametrize(
    ("mode", "uid", "gid", "protected"),
    [(0o644, "me", "other", False), (0o444, "me", "other", True), (0o464, "other", "mine", False),
     (0o644, "other", "mine", True), (0o646, "other", "other", False), (0o644, "other", "other", True)],
)  # fmt: skip
def test_write_protection_is_read_from_the_mode_bits(tmp_path, monkeypatch, mode, uid, gid, protected):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "getegid", lambda: 1000)
    monkeypatch.setattr(os, "getgroups", lambda: [1000])
    st = os.stat_result(
        (0o100000 | mode, 0, 0, 1, 1000 if uid == "me" else 2000, 1000 if gid == "mine" else 2000, 0, 0, 0, 0)
    )
    assert writer._write_protected(tmp_path, st) is protected


def test_root_honours_a_file_nobody_may_write(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    st = lambda mode: os.stat_result((0o100000 | mode, 0, 0, 1, 2000, 2000, 0, 0, 0, 0))  # noqa: E731
    assert writer._write_protected(tmp_path, st(0o444)) and not writer._write_protected(tmp_path, st(0o644))


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc")
def test_a_lock_file_in_proc_fails_at_once(cli, target):
    started = time.monotonic()
    result = cli("--no-default", "--data", str(target), "add", "source", "--title", "T", "--to", "/proc/geotie.toml")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "/proc/geotie.toml.lock: cannot create the lock file" in result.stderr
    assert "still writing" not in result.stderr


@pytest.mark.parametrize(
    ("errno_", "reason"),
    [(13, "permission denied"), (30, "the file system is read-only"), (2, "the folder does not accept new files")],
)
def test_a_lock_file_that_cannot_be_created_says_why_at_once(cli, target, monkeypatch, errno_, reason):
    real_open = os.open

    def refuse_locks(path, *a, **k):
        if str(path).endswith(".lock"):
            raise OSError(errno_, os.strerror(errno_), str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", refuse_locks)
    monkeypatch.setattr(writer, "LOCK_TIMEOUT_SECONDS", 3.0)
    started = time.monotonic()
    result = add(cli, target, "event", *EVENT, *CITE)
    assert time.monotonic() - started < 2
    assert result.exit_code == 1
    assert f"{target}.lock: cannot create the lock file ({reason}" in result.stderr
    assert target.read_text() == MINIMAL


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_killed_adds_are_removed_and_nothing_else(cli, target):
    folder, dead = target.parent, _dead_pid()
    leftover = folder / f".mine.toml.geotie-{dead}-abcd_123.tmp"
    keep = [
        folder / f".mine.toml.geotie-{os.getpid()}-abcd_123.tmp",  # a live process
        folder / f".mine.toml.geotie-{dead}-abcd_123.tmp.bak",  # not the exact name
        folder / ".mine.toml.abcd_123.tmp",  # not geotie's name
        folder / f".other.toml.geotie-{dead}-abcd_123.tmp",  # another file's
        folder / f"mine.toml.geotie-{dead}-abcd_123.tmp",
    ]
    for path in [leftover, *keep]:
        path.write_text("half a store")
    link = folder / f".mine.toml.geotie-{dead}-linkto12.tmp"
    link.symlink_to(keep[2])
    assert add(cli, target, "event", *EVENT, *CITE).exit_code == 0
    assert not leftover.exists()
    assert all(p.read_text() == "half a store" for p in keep) and link.is_symlink()


def test_a_writer_killed_mid_write_leaves_a_leftover_the_next_add_removes(cli, target):
    """A real `kill -9` while the temporary file is being written (fsync made slow)."""
    script = (
        "import os, sys, time\n"
        "os.fsync = lambda fd: time.sleep(60)\n"
        "from geotie.cli.base import main\n"
        "sys.argv = ['geotie'] + sys.argv[1:]\n"
        "main()\n"
    )
    args = ["--no-default", "--data", str(target), "add", "event", *EVENT, *CITE, "--to", str(target)]
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], env={**os.environ, **PINNED_ENV}, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while not list(target.parent.glob(".mine.toml.geotie-*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    leftovers = list(target.parent.glob(".mine.toml.geotie-*.tmp"))
    assert [p.name for p in leftovers] == [f".mine.toml.geotie-{proc.pid}-{leftovers[0].name[-12:-4]}.tmp"]
    assert target.read_text() == MINIMAL
    assert add(cli, target, "event", *EVENT, *CITE).exit_code == 0
    assert not list(target.parent.glob(".mine.toml.geotie-*.tmp"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_the_archive_is_not_read(tmp_path):
    store = write(tmp_path, MINIMAL.replace('published = "2024-02-23"', 'published = "2024-02-23"\narchive = "a.txt"'))
    archive = tmp_path / "archive"
    archive.mkdir()
    os.mkfifo(archive / "a.txt")
    result = run_geotie("--no-default", "--data", str(store), "check", "--archive", str(archive))
    assert "archive-missing" in result.stdout and "internal error" not in result.stderr


def test_many_problems_are_counted_and_check_lists_them_all(cli, tmp_path):
    entries = "".join(f'\n[[events]]\nid = "e{i}"\ndate = {i}\ntitle = {i}\n' for i in range(15))
    path = write(tmp_path, "[meta]\nschema = 1\n" + entries)
    result = cli("--no-default", "--data", str(path), "timeline")
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == 22  # 20 shown, how many more, the summary
    assert lines[20] == "geotie: ... and 25 more errors ('geotie check' lists every one)"
    assert lines[21] == "geotie: the store has 45 error(s); fix the lines above (nothing was changed)"
    checked = cli("--no-default", "--data", str(path), "check")
    assert len(checked.stdout.splitlines()) == 45  # no citation, date and title, for each of 15 events


INDEPENDENT_FIELDS = ["id", "date", "title", "summary", "date_text", "date_note", "outcome", "actors", "tags", "status"]


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(INDEPENDENT_FIELDS)), st.sampled_from([3, 2.5, True, {"a": 1}]))
def test_each_mistyped_field_is_its_own_problem(broken, wrong):
    raw = {
        "id": "an-event",
        "date": "2024-09",
        "title": "A visit",
        "actors": ["alpha"],
        "tags": ["diplomacy"],
        "citations": [{"source": "src", "quote": "They met."}],
        **dict.fromkeys(broken, wrong),
    }
    content = convert.convert_file("x.toml", "", {"meta": {"schema": 1}, "events": [raw]}, {})
    assert sorted(p.field for p in content.problems) == sorted(broken)
    assert (content.events == []) == bool(broken)
