"""The real entry point as separate processes: pipes, exit codes, import budgets."""

import json
import os
import subprocess
import sys

import pytest

from conftest import PINNED_ENV, ROOT, run_geotie

CORE = ["geotie.model", "geotie.dates", "geotie.store", "geotie.query", "geotie.render.rows", "geotie.render.writers"]
CORE += ["geotie.draft.propose", "geotie.draft.output", "geotie.draft.measure", "geotie.add"]


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; seen = sorted(sys.modules)\nimport json; print(json.dumps(seen))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **PINNED_ENV},
    ).stdout.splitlines()[-1]
    return set(json.loads(out))


def heavy(mods: set[str], *names: str) -> set[str]:
    return {m for m in mods if m.split(".")[0] in names}


def test_core_never_imports_typer_or_rich():
    mods = modules_after("; ".join(f"import {m}" for m in CORE) + "\nfrom geotie.store import load; load()")
    assert heavy(mods, "typer", "rich", "click", "dateutil") == set()


def test_core_sources_do_not_mention_ui_libraries():
    for path in (ROOT / "geotie").rglob("*.py"):
        if "cli" in path.parts or path.name in ("terminal.py", "richtable.py", "charts.py"):  # the CLI, the Rich views
            continue
        text = path.read_text()
        assert "import typer" not in text and "from rich" not in text and "import rich" not in text, path


RUN = """
import sys
from geotie.cli.base import run
sys.argv = ["geotie", *{args!r}]
try:
    run()
except SystemExit:
    pass
"""


def test_machine_formats_import_no_rich_and_no_dateutil():
    mods = modules_after(RUN.format(args=["timeline", "pakistan", "azerbaijan", "--format", "tsv"]))
    assert heavy(mods, "rich", "dateutil", "pydantic") == set()


@pytest.mark.parametrize(
    "args",
    [
        ["page", "pakistan"],
        ["timeline", "pakistan", "-f", "timelinejs"],
        ["sources", "-f", "bibtex"],
        ["ties", "pakistan", "-f", "dot"],
        ["activity", "-f", "json"],
    ],
)
def test_publishing_formats_import_no_rich(args):
    mods = modules_after(RUN.format(args=args))
    assert "geotie.cli.publishing" in mods or "geotie.cli.export" in mods
    assert heavy(mods, "rich", "dateutil", "pydantic") == set()


def test_a_cached_command_imports_only_what_it_needs():
    run = RUN.format(args=["timeline", "pakistan", "azerbaijan", "--format", "tsv"])
    modules_after(run)  # fills the cache
    mods = modules_after(run)
    assert heavy(mods, "rich", "dateutil", "tomllib", "filelock", "hashlib", "calendar", "tomli_w") == set()
    assert not {"geotie.store.convert", "geotie.store.rules", "geotie.store.lines", "geotie.add", "geotie.lint"} & mods
    # start-up: what a tsv timeline printed from the index never needs
    assert heavy(mods, "json", "dataclasses", "decimal", "fractions") == set()
    assert not {"geotie.plans", "geotie.plover", "geotie.index.build", "geotie.index.bulk"} & mods


def test_free_form_dates_load_dateutil_only_when_needed():
    mods = modules_after(RUN.format(args=["timeline", "--since", "July 2024", "--format", "json"]))
    assert "dateutil" in {m.split(".")[0] for m in mods} and not heavy(mods, "rich")
    mods = modules_after(RUN.format(args=["timeline", "--since", "2024-07", "--format", "json"]))
    assert not heavy(mods, "dateutil", "rich")


def test_python_dash_m_and_version():
    result = run_geotie("--version")
    assert result.returncode == 0 and result.stdout.startswith("geotie ")


def big_store(tmp_path, n=4000):
    parts = [
        '[meta]\nschema = 1\n[[sources]]\nid = "s"\ntitle = "S"\n[[actors]]\nid = "a"\nname = "A"\nkind = "country"\n'
    ]
    for i in range(n):
        parts.append(
            f'[[events]]\nid = "e{i}"\ndate = "2024-01-{i % 28 + 1:02d}"\ntitle = "Event {i}, long enough to fill a pipe"\n'
            'actors = ["a"]\ncitations = [{ source = "s", quote = "q" }]\n'
        )
    path = tmp_path / "big.toml"
    path.write_text("\n".join(parts))
    return path


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "json", "table"])
def test_pipe_to_head_ends_quietly(tmp_path, fmt):
    store = big_store(tmp_path)
    cmd = f'{sys.executable} -m geotie --no-default --data {store} timeline -f {fmt} | head -1; echo "rc=${{PIPESTATUS[0]}}"'
    result = subprocess.run(
        ["bash", "-c", cmd], capture_output=True, text=True, env={**os.environ, **PINNED_ENV}, timeout=60
    )
    assert result.stdout.count("\n") == 2 and result.stdout.endswith("rc=0\n")
    assert result.stderr == ""


def test_exit_codes_and_streams():
    ok = run_geotie("timeline", "pakistan", "azerbaijan")
    assert ok.returncode == 0 and ok.stderr == "" and "\t" in ok.stdout
    missing = run_geotie("who", "nobody-at-all")
    assert missing.returncode == 3 and missing.stdout == "" and missing.stderr.startswith("geotie: unknown actor")
    usage = run_geotie("timeline", "--limit", "x")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_bad_store_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"[meta]\nschema = 1\n[[events]\n")
    result = run_geotie("--data", str(bad), "timeline")
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"geotie: {bad}:3:")
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    result = run_geotie("--data", str(folder), "timeline")
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_runs_from_any_directory(tmp_path):
    result = run_geotie("timeline", "pakistan", "azerbaijan", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0 and len(json.loads(result.stdout)) > 20


def test_table_on_a_forced_format_and_no_color():
    result = run_geotie("who", "pakistan", "-f", "table", env={"NO_COLOR": "1", "FORCE_COLOR": ""})
    assert result.returncode == 0 and "\x1b[" not in result.stdout and "Pakistan" in result.stdout


def test_only_the_command_run_is_built():
    code = (
        RUN.format(args=["timeline", "--limit", "1", "-f", "tsv"])
        + "\nfrom geotie.cli.base import app\nprint([c.name for c in app.registered_commands], [g.name for g in app.registered_groups],"
        + " sorted(m for m in sys.modules if m.startswith('geotie.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **PINNED_ENV}
    ).stdout
    # only the module of the command that runs is imported, and only its command is built
    assert out.splitlines()[-1] == "['timeline'] [] ['geotie.cli.base', 'geotie.cli.reading']"
    for args in (["--help"], ["--data", "x.toml", "--help"], ["nosuchcommand"]):
        code = (
            RUN.format(args=args)
            + "\nfrom geotie.cli.base import app\nprint(len(app.registered_commands), len(app.registered_groups))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **PINNED_ENV}
        ).stdout
        assert (
            out.splitlines()[-1] == "14 1"
        )  # every command (draft, page, ties, activity, cache too) and the add group


def test_help_and_typos_still_list_every_command():
    assert all(name in run_geotie("--help").stdout for name in ("timeline", "who", "add", "check", "search", "draft"))
    typo = run_geotie("timelin")
    assert typo.returncode == 2 and "timeline" in typo.stderr
    assert "--date" in run_geotie("add", "event", "--help").stdout
    assert "--since" in run_geotie("--data", "x.toml", "timeline", "--help").stdout


def test_readme_examples_are_true():
    """Every `$ geotie ...` example in the README prints what the README shows."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_examples.py")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout


def test_no_color_removes_colours_even_when_forced():
    import re

    args = ("timeline", "pakistan", "azerbaijan", "--status", "planned", "--reverse", "-n", "1", "-f", "table")
    forced = run_geotie(*args, env={"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}).stdout
    assert re.search(r"\x1b\[3[0-7]m", forced)  # planned is yellow when colours are on
    plain = run_geotie(*args, env={"NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color"}).stdout
    assert not re.search(r"\x1b\[(3[0-7]|9[0-7]|38;)", plain) and "planned" in plain
    heading = re.sub(r"\x1b\[[0-9;]*m", "", plain.splitlines()[0]).rstrip()
    assert heading == "Pakistan & Azerbaijan: 1 event"


def test_the_process_ends_without_the_interpreter_teardown_once_its_output_is_flushed():
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('teardown ran\\n'))\n"
        "from geotie.cli import main\n"
        "sys.argv = ['geotie'] + sys.argv[1:]\n"
        "main()\n"
    )
    env = {**os.environ, **PINNED_ENV}
    done = subprocess.run(
        [sys.executable, "-c", code, "timeline", "-f", "json"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "teardown ran" not in done.stderr
    assert len(json.loads(done.stdout)) > 10  # everything written was flushed first
    failed = subprocess.run(
        [sys.executable, "-c", code, "who", "nobody-at-all"], capture_output=True, text=True, env=env
    )
    assert failed.returncode == 3 and "unknown actor" in failed.stderr and "teardown ran" not in failed.stderr
