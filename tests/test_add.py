"""geotie add: flags, prompts, dry runs, validation before writing, and safe writes."""

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
import tomllib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, PINNED_ENV, write
from geotie import add as adding
from geotie.errors import StoreError
from geotie.store import bundled_store, load_paths
from geotie.store.write import NEW_STORE_HEADER

EVENT = ["--date", "2025-03", "--title", "Alpha minister visits Beta", "-a", "alpha", "-a", "Betaland"]
CITE = ["--source", "src", "--quote", "A verbatim passage"]


@pytest.fixture
def target(tmp_path):
    return write(tmp_path, MINIMAL, "mine.toml")


def add(cli, target, *args):
    return cli("--no-default", "--data", str(target), "add", *args, "--to", str(target))


def test_add_event_appends_and_reads_back(cli, target):
    before = target.read_bytes()
    result = add(cli, target, "event", *EVENT, *CITE, "--tag", "diplomacy", "--summary", "Short.")
    assert result.exit_code == 0, result.stderr
    new_id = result.stdout.strip()
    assert new_id == "2025-03-alpha-minister-visits-beta"
    assert f"added event '{new_id}' to {target}" in result.stderr
    after = target.read_bytes()
    assert after.startswith(before) and b"[[events]]" in after[len(before) :]
    event = load_paths([target]).event_index[new_id]
    assert (event.date.text, event.title, event.actors, event.tags, event.summary) == (
        "2025-03",
        "Alpha minister visits Beta",
        ("alpha", "beta"),
        ("diplomacy",),
        "Short.",
    )
    assert event.citations[0].quote == "A verbatim passage"


def test_ids_stay_unique(cli, target):
    first = add(cli, target, "event", *EVENT, *CITE).stdout.strip()
    second = add(cli, target, "event", *EVENT, *CITE).stdout.strip()
    assert (first, second) == ("2025-03-alpha-minister-visits-beta", "2025-03-alpha-minister-visits-beta-2")


def test_dry_run_prints_toml_and_writes_nothing(cli, target):
    before = target.read_bytes()
    result = add(cli, target, "event", *EVENT, *CITE, "--dry-run")
    assert result.exit_code == 0 and result.stdout.startswith("[[events]]\n")
    assert tomllib.loads(result.stdout)["events"][0]["actors"] == ["alpha", "beta"]
    assert target.read_bytes() == before and "nothing was written" in result.stderr


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_written_entries_hold_no_control_character_a_terminal_obeys(name):
    """tomli-w leaves tabs, C1 controls and bidi overrides as they are; they are written as
    escapes, so neither the file nor --dry-run holds them, and the value reads back the same."""
    assume(not any("\ud800" <= c <= "\udfff" for c in name))
    entry = {"id": "x", "name": name, "aliases": [name], "roles": [{"title": name, "citations": [{"quote": name}]}]}
    text = adding.to_toml("actors", entry)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    read = tomllib.loads(text)["actors"][0]
    assert (read["name"], read["aliases"], read["roles"][0]["title"]) == (name, [name], name)


def test_a_value_that_is_not_utf8_is_refused_not_an_internal_error(cli, target):
    before = target.read_bytes()
    result = add(cli, target, "actor", "--name", "Gamma", "--kind", "country", "--note", "bad \udcff byte")
    assert result.exit_code == 2 and "the note holds bytes that are not UTF-8" in result.stderr
    assert target.read_bytes() == before


def test_default_target_is_the_user_store_created_with_a_header(cli, tmp_path):
    result = cli(
        "add",
        "event",
        "--date",
        "2025",
        "--title",
        "T",
        "-a",
        "pakistan",
        "--source",
        "azernews-2025-02-23",
        "--quote",
        "q",
    )
    assert result.exit_code == 0, result.stderr
    created = tmp_path / "xdg-data" / "geotie" / "facts.toml"
    assert created.read_text().startswith(NEW_STORE_HEADER)
    assert "2025-t" in cli("timeline", "pakistan", "-f", "tsv").stdout  # the user store is read by default
    assert "2025-t" not in cli("--no-default", "--data", str(bundled_store()), "timeline", "-f", "tsv").stdout


def test_bundled_store_is_never_written(cli):
    digest = hashlib.sha256(bundled_store().read_bytes()).hexdigest()
    result = cli("add", "source", "--title", "X", "--to", str(bundled_store()))
    assert result.exit_code == 2 and "never written to" in result.stderr
    assert hashlib.sha256(bundled_store().read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--date", "2025-13", "--title", "T", "-a", "alpha", *CITE], "month 13 is out of range", 2),
        (["--date", "2025", "--title", "T", "-a", "alpah", *CITE], "did you mean 'alpha'?", 3),
        (
            ["--date", "2025", "--title", "T", "-a", "alpha", "--source", "srx", "--quote", "q"],
            "did you mean 'src'?",
            3,
        ),
        (["--date", "2025", "--title", "T", "-a", "alpha", "--source", "src"], "missing --quote", 2),
        (["--date", "2025", "--title", "T", "-a", "alpha", *CITE, "--id", "first"], "already used", 2),
        (["--date", "2025", "--title", "  ", "-a", "alpha", *CITE], "--title is empty", 2),
    ],
)
def test_bad_additions_change_nothing(cli, target, args, message, code):
    before = target.read_bytes()
    result = add(cli, target, "event", *args)
    assert result.exit_code == code and message in result.stderr and "Traceback" not in result.stderr
    assert target.read_bytes() == before


def test_addition_that_breaks_the_store_changes_nothing(cli, target, monkeypatch):
    before = target.read_bytes()
    real = adding.event_entry
    monkeypatch.setattr(adding, "event_entry", lambda st, e: {**real(st, e), "actors": ["ghost"]})
    result = add(cli, target, "event", *EVENT, *CITE)
    assert (
        result.exit_code == 1
        and "would make the store invalid" in result.stderr
        and "unknown actor 'ghost'" in result.stderr
    )
    assert target.read_bytes() == before


def test_add_actor_with_a_role_and_a_source(cli, target):
    result = add(
        cli,
        target,
        "actor",
        "--name",
        "Gamma Person",
        "--kind",
        "person",
        "--country",
        "alfa",
        "--alias",
        "G. Person",
        "--role",
        "Envoy",
        "--of",
        "beta",
        "--start",
        "2025-01",
        "--source",
        "src",
        "--quote",
        "Gamma, the envoy",
    )
    assert result.exit_code == 0, result.stderr
    actor = load_paths([target]).actors["gamma-person"]
    assert actor.country == "alpha" and actor.aliases == ("G. Person",)
    assert actor.roles[0].of == "beta" and actor.roles[0].start.text == "2025-01"
    result = add(
        cli,
        target,
        "source",
        "--title",
        "A report",
        "--publisher",
        "Agency",
        "--published",
        "2025-02-23",
        "--author",
        "A. Writer",
    )
    assert result.stdout.strip() == "agency-2025-02-23"
    assert load_paths([target]).sources["agency-2025-02-23"].authors == ("A. Writer",)


def test_prompts_for_missing_fields_and_validates_each_answer(cli, target, monkeypatch):
    from geotie.cli import authoring as cli_module

    monkeypatch.setattr(cli_module, "can_prompt", lambda: True)
    answers = (
        "\n".join(["2025-13", "2025-04", "A prompted event", "alpah", "alpha, beta", "nope", "src", "A passage"]) + "\n"
    )
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        cli_module.app,
        ["--no-default", "--data", str(target), "add", "event", "--to", str(target)],
        input=answers,
        env=PINNED_ENV,
    )
    assert result.exit_code == 0, result.stderr
    assert "month 13 is out of range" in result.stderr
    assert "did you mean 'alpha'?" in result.stderr
    assert "unknown source 'nope'" in result.stderr
    event = load_paths([target]).event_index[result.stdout.splitlines()[-1]]  # the runner echoes input
    assert (event.date.text, event.title, event.actors) == ("2025-04", "A prompted event", ("alpha", "beta"))


def test_hand_written_comments_and_layout_survive(cli, tmp_path):
    text = "# My notes; keep this comment\n" + MINIMAL.replace(
        "[[events]]", "# an event I care about\n[[events]]  # trailing comment", 1
    )
    text = text.replace('title = "A source"', "title    =   'A source'   # odd spacing")
    path = tmp_path / "hand.toml"
    path.write_bytes(text.encode())
    assert add(cli, path, "event", *EVENT, *CITE).exit_code == 0
    assert path.read_bytes().startswith(text.encode())


def test_crlf_files_keep_their_line_endings(cli, tmp_path):
    path = tmp_path / "crlf.toml"
    path.write_bytes(MINIMAL.replace("\n", "\r\n").encode())
    assert add(cli, path, "event", *EVENT, *CITE).exit_code == 0
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")


def test_file_mode_is_kept(cli, target):
    os.chmod(target, 0o640)
    add(cli, target, "event", *EVENT, *CITE)
    assert target.stat().st_mode & 0o777 == 0o640


def test_symlinked_store_is_refused(cli, tmp_path, target):
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    before = target.read_bytes()
    result = cli("--no-default", "--data", str(target), "add", "event", *EVENT, *CITE, "--to", str(link))
    assert result.exit_code == 1 and "symbolic link" in result.stderr and str(target) in result.stderr
    assert link.is_symlink() and target.read_bytes() == before


def test_inline_array_store_gets_a_clear_message(cli, tmp_path):
    inline = 'events = [{ id = "e", date = "2024", title = "E", actors = ["alpha"], citations = [{ source = "src", quote = "q" }] }]\n'
    text = inline + MINIMAL.split("[[events]]")[0]
    path = tmp_path / "inline.toml"
    path.write_text(text)
    result = add(cli, path, "event", *EVENT, *CITE)
    assert result.exit_code == 1 and "inline array" in result.stderr
    assert path.read_text() == text


def test_read_only_folder(cli, target, monkeypatch):
    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied", str(target.parent))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    before = target.read_bytes()
    result = add(cli, target, "event", *EVENT, *CITE)
    assert result.exit_code == 1 and "permission denied; nothing was changed" in result.stderr
    assert target.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_really_read_only_folder(cli, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = write(folder, MINIMAL)
    folder.chmod(0o555)
    try:
        result = add(cli, path, "event", *EVENT, *CITE)
        assert result.exit_code == 1 and "permission denied" in result.stderr
        assert path.read_text() == MINIMAL
    finally:
        folder.chmod(0o755)


def test_file_edited_between_read_and_write(cli, target, monkeypatch):
    from geotie.store import write as writer

    real_joined = writer.joined

    def edit_meanwhile(old, addition):
        target.write_text(old + "\n# saved by an editor meanwhile\n")
        return real_joined(old, addition)

    monkeypatch.setattr(writer, "joined", edit_meanwhile)
    result = add(cli, target, "event", *EVENT, *CITE)
    assert result.exit_code == 1 and "changed while geotie was adding" in result.stderr
    assert target.read_text().endswith("# saved by an editor meanwhile\n")  # the editor's save is kept
    assert not list(target.parent.glob(".mine.toml.*.tmp"))


# --- round trip -------------------------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).map(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=texts, quote=texts, name=texts)
def test_round_trip_of_awkward_strings(tmp_path_factory, title, quote, name):
    assume(title and quote and name)
    folder = tmp_path_factory.mktemp("rt")
    path = write(folder, MINIMAL)
    paths = [path]
    actor_id, _ = adding.add_entry(
        paths, path, "actors", lambda s: adding.actor_entry(s, adding.ActorIn(name=name, kind="person"))
    )
    event = adding.EventIn(date="2025", title=title, actors=[actor_id], sources=["src"], quotes=[quote])
    event_id, _ = adding.add_entry(paths, path, "events", lambda s: adding.event_entry(s, event))
    store = load_paths([path])
    assert store.actors[actor_id].name == name
    assert store.event_index[event_id].title == title
    assert store.event_index[event_id].citations[0].quote == quote
    assert path.read_text().startswith(MINIMAL)


# --- many processes -----------------------------------------------------------------------------


def add_process(target, title):
    cmd = [sys.executable, "-m", "geotie", "--no-default", "--data", str(target), "add", "event", "--to", str(target)]
    cmd += ["--date", "2025", "--title", title, "-a", "alpha", "--source", "src", "--quote", "q"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **PINNED_ENV})


def test_twenty_processes_adding_at_once(target):
    procs = [add_process(target, "Same title for everyone") for _ in range(20)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [e for _, e in outs]
    ids = {o.decode().strip() for o, _ in outs}
    assert len(ids) == 20
    store = load_paths([target])
    assert ids <= set(store.event_index) and len(store.events) == 3 + 20
    assert not list(target.parent.glob(".*.tmp"))


def test_killed_writer_leaves_old_or_new_file(target):
    rng = random.Random(7)
    count = 3
    for i in range(12):
        proc = add_process(target, f"Kill test {i}")
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        events = tomllib.loads(target.read_text())["events"]  # always parses: never a truncated file
        assert len(events) in (count, count + 1)
        count = len(events)
        assert target.read_text().startswith(MINIMAL)
    load_paths([target])


def test_add_to_store_with_errors_is_refused(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace('"alpha", "beta"]', '"alpah", "beta"]'))
    before = path.read_bytes()
    result = cli("--no-default", "add", "event", *EVENT, *CITE, "--to", str(path))
    assert (
        result.exit_code == 1 and "unknown actor 'alpah'" in result.stderr and "fix them before adding" in result.stderr
    )
    assert path.read_bytes() == before


def test_store_error_is_a_store_error():
    assert issubclass(StoreError, Exception)


def test_the_one_data_file_is_the_target(cli, target, tmp_path):
    result = cli("--no-default", "--data", str(target), "add", "event", *EVENT, *CITE)
    assert result.exit_code == 0 and f"to {target}" in result.stderr
    assert result.stdout.strip() in load_paths([target]).event_index
    new = tmp_path / "new.toml"
    result = cli("--data", str(new), "add", "source", "--title", "Fresh")
    assert result.exit_code == 0, result.stderr
    assert new.read_text().startswith(NEW_STORE_HEADER)
    result = cli("--data", str(target), "--data", str(new), "add", "source", "--title", "X")
    assert result.exit_code == 2 and "--to FILE" in result.stderr
    result = cli("--data", str(tmp_path), "add", "source", "--title", "X")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_add_reads_each_other_store_file_once(cli, target, monkeypatch):
    import geotie.store as store_module

    reads = []
    real = store_module.read_text
    monkeypatch.setattr(store_module, "read_text", lambda p: reads.append(p) or real(p))
    result = cli("--data", str(target), "add", "event", *EVENT, *CITE, "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert reads.count(bundled_store()) == 1  # checked before and after the addition, read once


def test_flags_alone_need_no_prompt_store(cli, target, monkeypatch):
    from geotie.cli import authoring as cli_module

    monkeypatch.setattr(cli_module, "add_store", lambda *a: pytest.fail("loaded the store for prompts"))
    assert add(cli, target, "source", "--title", "T").exit_code == 0
    assert add(cli, target, "actor", "--name", "N", "--kind", "person").exit_code == 0
    assert add(cli, target, "event", *EVENT, *CITE).exit_code == 0


def test_geotie_store_names_the_user_store(cli, tmp_path):
    mine = tmp_path / "elsewhere" / "mine.toml"
    env = {"GEOTIE_STORE": str(mine)}
    result = cli("add", "source", "--title", "Kept apart", env=env)
    assert result.exit_code == 0 and f"to {mine}" in result.stderr and mine.is_file()
    assert "Kept apart" in cli("sources", "-f", "tsv", env=env).stdout  # read by every command
    assert "Kept apart" not in cli("sources", "-f", "tsv").stdout
