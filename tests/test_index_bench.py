"""bench/index_bench.py is user-facing: help, one-line errors, and a table whose answers agree."""

import subprocess
import sys

from conftest import ROOT

BENCH = [sys.executable, str(ROOT / "bench" / "index_bench.py")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*BENCH, *args], capture_output=True, text=True, timeout=120)


def test_help():
    result = run("--help")
    assert result.returncode == 0
    assert "sqlite3 module" in result.stdout


def test_bad_arguments_say_what_is_wrong_in_one_line():
    for args, message in [(["abc"], "'abc' is not a whole number"), (["0"], "must be at least 1"),
                          (["--runs", "x"], "'x' is not a whole number")]:  # fmt: skip
        result = run(*args)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr


def test_a_small_run_prints_the_tables_and_the_answers_agree():
    result = run("300", "--runs", "1")
    assert result.returncode == 0, result.stderr
    assert "| 300 | `timeline pakistan azerbaijan` |" in result.stdout
    assert "DIFFERENT" not in result.stdout
