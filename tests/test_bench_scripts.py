"""The benchmark scripts are user-facing: --help works, and bad arguments give a clear message
and a non-zero status, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

BENCH = ROOT / "bench"


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "script", ["generate.py", "run.py", "index_bench.py", "completion.py", "typer_baseline.py", "floor.py"]
)
def test_help(script):
    got = run(script, "--help")
    assert got.returncode == 0 and "Traceback" not in got.stderr and got.stdout.strip()


@pytest.mark.parametrize(
    "script, args, says",
    [
        ("generate.py", [], "required"),
        ("generate.py", ["--help-me"], "events"),
        ("generate.py", ["many", "out"], "'many' is not a whole number"),
        ("generate.py", ["-5", "out"], ""),
        ("generate.py", ["5", "/dev/null/x"], "cannot write"),
        ("run.py", ["--sizes", "10k"], "'10k' is not a list of whole numbers"),
        ("run.py", ["--runs", "0"], "must be at least 1"),
        ("run.py", ["--features", "many"], "is not a whole number"),
        ("completion.py", ["lots"], "RUNS a whole number"),
        ("completion.py", ["--against"], "--against needs a folder"),
        ("floor.py", [], "required"),
        ("floor.py", ["index", "/no/such/index.sqlite", "/tmp/floor-out.sqlite"], "no such index file"),
        ("floor.py", ["index", __file__, "/tmp/floor-out.sqlite"], "file is not a database"),
        ("floor.py", ["lines", "/no/such/facts.toml"], "No such file"),
    ],
)
def test_bad_arguments(script, args, says):
    got = run(script, *args)
    assert got.returncode != 0 and "Traceback" not in got.stderr and says in got.stderr


def test_generate_writes_a_store(tmp_path):
    got = run("generate.py", "1_000", str(tmp_path / "out"))
    assert got.returncode == 0 and got.stdout.strip() == str(tmp_path / "out" / "facts.toml")
    assert (tmp_path / "out" / "facts.toml").stat().st_size > 0


@pytest.mark.parametrize("script", ["generate.py", "run.py"])
def test_a_python_without_the_dependencies_is_told_which_to_use(script, tmp_path):
    """`python3 bench/run.py` with a Python that has no tomli-w: a message, not a traceback."""
    blocker = tmp_path / "tomli_w.py"
    blocker.write_text("raise ImportError('not installed here')\n")
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    got = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True, env=env)
    assert got.returncode != 0 and "Traceback" not in got.stderr and "virtual environment" in got.stderr


def test_features_runs_every_command_it_lists(tmp_path, capsys):
    """bench/run.py --features: each command of FEATURES runs (a failing one stops the
    benchmark with its message) and gets a row with the lines it wrote."""
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench
    finally:
        sys.path.remove(str(BENCH))
    env = {**os.environ, "GEOTIE_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    bench.bench_features(400, 1, tmp_path, env)
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(bench.FEATURES) and (tmp_path / "page.html").stat().st_size > 0
    assert all(row.rstrip(" |").split("| ")[-1].replace(",", "").isdigit() for row in rows)


def _m(seconds: float, ratio: float | None = None, rss: int = 20) -> dict:
    return {"median": seconds, "min": seconds, "max": seconds, "rss": rss, "ratio": ratio, "base": seconds}


def test_the_targets_are_judged_on_the_figures(capsys):
    """report_targets: the 100k ratio is the paired one (not the quotient of medians measured
    minutes apart), and each verdict follows its bound."""
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench
    finally:
        sys.path.remove(str(BENCH))
    bundled = {"tsv": _m(0.07, 6.2), "table": _m(0.11, 9.4)}
    bundled |= {label: _m(0.07) for label in bench.TARGETED}
    at_100k = {"n": 100_000, **{label: _m(0.2) for label in bench.TARGETED}}  # medians 2.9x apart...
    at_100k |= {"paired " + label: _m(0.2, 1.4) for label in bench.TARGETED}  # ...but 1.4x when paired
    at_100k["paired who X"] = _m(0.2, 1.6)
    at_1m = {"n": 1_000_000, "first": _m(20.0, rss=900), "jq": _m(40.0)}
    at_1m |= {"floor index": _m(12.5), "floor lines": _m(3.25)}
    at_1m |= {label: _m(0.1) for label in bench.TARGETED} | {"sqlite3 " + label: _m(0.01) for label in bench.TARGETED}
    at_1m |= {"json": _m(39.0, rss=50), "jsonl": _m(41.0, rss=50)}
    bench.report_targets(bundled, _m(0.07), [at_100k, at_1m])
    lines = capsys.readouterr().out.splitlines()

    def verdict(start: str) -> str:
        (line,) = [x for x in lines if start in x]
        return line.rsplit("|", 2)[1].strip()

    assert verdict("--format tsv` ≤ 6×") == "**not met**" and verdict("`--format table` ≤ 9.5×") == "met"
    assert verdict("100k: warm `timeline A B`") == "met" and verdict("100k: warm `who X`") == "**not met**"
    assert verdict("1M: warm `search WORD`") == "met"  # 0.1 s <= 2 x (0.01 + 0.07)
    assert verdict("whole-store `-f json`") == "met" and verdict("whole-store `-f jsonl`") == "**not met**"
    assert verdict("1M: first run") == "**not met**"
    assert "12.5 s and 3.2 s" in next(x for x in lines if "1M: first run" in x)  # the floors beside it


def _floor(*args: str) -> dict:
    got = run("floor.py", *args)
    assert got.returncode == 0, got.stderr
    return json.loads(got.stdout)


def test_floor_index_builds_the_same_index_again_inside_sqlite(tmp_path):
    """bench/floor.py index: every table of geotie's index filled again (row counts compared by
    the script), the full-text table about the size of geotie's, the copy removed."""
    assert run("generate.py", "2000", str(tmp_path / "store")).returncode == 0
    env = {**os.environ, "GEOTIE_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    store = tmp_path / "store" / "facts.toml"
    cmd = [sys.executable, "-m", "geotie", "--no-default", "-d", str(store), "timeline", "-f", "tsv"]
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    (index,) = (tmp_path / "cache").glob("*.sqlite")
    found = _floor("index", str(index), str(tmp_path / "copy.sqlite"))
    assert found["events"] == 2000 and found["seconds"] >= sum(found["steps"].values()) > 0
    assert set(found["steps"]) == {"rows", "full-text rows", "indexes", "merge and counts"}
    assert 0.5 < found["search_bytes"] / found["geotie_search_bytes"] < 2
    assert not (tmp_path / "copy.sqlite").exists()


def test_floor_index_says_when_a_table_came_out_different(tmp_path, monkeypatch):
    """The row counts are compared: a table filled short is an error, not a floor."""
    sys.path.insert(0, str(BENCH))
    try:
        import floor
    finally:
        sys.path.remove(str(BENCH))
    env = {**os.environ, "GEOTIE_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "geotie", "timeline", "-f", "tsv"], check=True, capture_output=True, env=env)
    (index,) = (tmp_path / "cache").glob("*.sqlite")
    assert floor.index_floor(index, tmp_path / "copy.sqlite")["events"] > 0
    monkeypatch.setattr(floor, "_tables", lambda db, name: ["events", "actors"] if name == "old" else [])
    real = floor.schema.create_indexes
    monkeypatch.setattr(floor.schema, "create_indexes", lambda db: (db.execute("DELETE FROM actors"), real(db)))
    with pytest.raises(SystemExit, match="actors has 0 rows"):
        floor.index_floor(index, tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()


@pytest.mark.parametrize("block", [1, 3, 7, 1 << 24])
def test_floor_lines_counts_every_line_across_blocks(tmp_path, monkeypatch, block):
    """bench/floor.py lines: lines as `wc -l` counts them (and one more for a last line without a
    newline), pairs as lines holding " = ", whatever the block size."""
    sys.path.insert(0, str(BENCH))
    try:
        import floor
    finally:
        sys.path.remove(str(BENCH))
    monkeypatch.setattr(floor, "BLOCK", block)
    path = tmp_path / "facts.toml"
    path.write_text('[meta]\nschema = 1\n\n[[events]]\nid = "a"\ntitle = "Ağdam = x"\nlast = 2')
    found = floor.lines_floor(path)
    assert (found["lines"], found["pairs"]) == (7, 4)
    path.write_text("a = 1\n\n")
    assert (floor.lines_floor(path)["lines"], floor.lines_floor(path)["pairs"]) == (2, 1)


def test_the_growth_table_has_the_floors(capsys):
    """report_growth: each size's row carries its two floors beside its first run."""
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench
    finally:
        sys.path.remove(str(BENCH))
    rows = []
    for n, first, sqlite_floor, lines_floor in ((10_000, 0.9, 0.19, 0.04), (100_000, 6.9, 2.17, 0.47)):
        row = {"n": n, "first": _m(first), "floor index": _m(sqlite_floor), "floor lines": _m(lines_floor)}
        rows.append(row | {label: _m(0.1) for label in bench.TARGETED} | {"json": _m(0.4)})
    bench.report_growth(rows)
    lines = capsys.readouterr().out.splitlines()
    head = next(x for x in lines if x.startswith("| events"))
    assert head.split(" | ")[3] == "floors: SQLite, lines"
    assert [x.split(" | ")[3] for x in lines if x.startswith("| 10")] == ["0.19 s, 0.04 s", "2.17 s, 0.47 s"]
