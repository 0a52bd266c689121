"""The benchmark: whole commands as fresh processes, against `python -c pass` and jq.

    python bench/run.py                      # 1k, 10k and 100k events; prints Markdown tables
    python bench/run.py --sizes 1000 --runs 3

Each command runs once to warm up (and fill geotie's cache), then --runs times; the table gives
the median, the spread (min-max) and the peak memory (max RSS) of those runs, and ratios to
`python -c pass` and to jq measured in the same run. "first run" is a run with an empty cache.
Stores are generated (bench/generate.py) in a temporary folder; nothing else is touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

PY = sys.executable
GEOTIE_BIN = str(Path(PY).parent / "geotie")  # the installed entry point, as a user runs it


def run_once(cmd: list[str], env: dict, stdout=subprocess.DEVNULL, shell: bool = False) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB and exit status of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, shell=shell)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode not in (0, 141):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err}")
    return elapsed, usage.ru_maxrss // 1024, proc.returncode


BASELINE = [PY, "-c", "pass"]
FIRST_RUNS = 3  # runs with an empty cache, each building it


def measure(cmd, env: dict, runs: int, warmup: int = 1, shell: bool = False) -> dict:
    """Runs of `cmd`, each right after a run of `python -c pass`, so that the ratio of each
    pair is measured under the same load (this machine is shared and its speed drifts)."""
    for _ in range(warmup):
        run_once(cmd, env, shell=shell)
    samples, ratios = [], []
    for _ in range(runs):
        base = run_once(BASELINE, env)[0]
        sample = run_once(cmd, env, shell=shell)
        samples.append(sample)
        ratios.append(sample[0] / base)
    times = [s[0] for s in samples]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss": max(s[1] for s in samples),
        "ratio": statistics.median(ratios),
    }


def fmt(m: dict, jq: float | None = None) -> list[str]:
    cells = [f"{m['median'] * 1000:.0f} ms", f"{m['min'] * 1000:.0f}–{m['max'] * 1000:.0f}", f"{m['rss']} MB"]
    cells.append(f"{m['ratio']:.1f}×" if m.get("ratio") else "")
    cells.append(f"{m['median'] / jq:.2f}×" if jq else "")
    return cells


def table(rows: list[list[str]]) -> str:
    head = ["command", "median", "spread", "peak memory", "× python -c pass", "× jq"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of whole numbers, e.g. 1000,10000") from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"'{text}': each size must be at least 1")
    return sizes


def _runs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10000, 100000], help="event counts, comma-separated")
    parser.add_argument("--runs", type=_runs, default=5, help="timed runs of each command (after 1 warm-up)")
    args = parser.parse_args()
    sizes = args.sizes
    work = Path(tempfile.mkdtemp(prefix="geotie-bench-"))
    env = {
        **os.environ,
        "GEOTIE_CACHE": str(work / "cache"),
        "XDG_DATA_HOME": str(work / "data"),
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    env.pop("GEOTIE_DATA", None)
    env.pop("GEOTIE_STORE", None)
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}; {args.runs} runs after 1 warm-up\n")  # fmt: skip
        import geotie

        where = Path(geotie.__file__).parent
        compiled = any((where / "__pycache__").glob("cli.*.pyc"))
        print(f"geotie {geotie.__version__} from {where} (bytecode {'compiled' if compiled else 'NOT compiled'})\n")
        base = measure(BASELINE, env, args.runs * 2)
        rows = [["`python -c pass`", *fmt(base)]]
        bundled = Path(geotie.__file__).parent / "_bundled" / "facts.toml"
        typer_app = [PY, str(Path(__file__).resolve().parent / "typer_baseline.py"), "pakistan", "azerbaijan"]
        m = measure([*typer_app, str(bundled)], env, args.runs * 4)
        rows.append(["for reference: a minimal Typer app, tomllib, TSV (`bench/typer_baseline.py`)", *fmt(m)])
        m = measure([*typer_app, str(bundled), "--table"], env, args.runs * 4)
        rows.append(["for reference: the same with a Rich table (`bench/typer_baseline.py --table`)", *fmt(m)])
        for label, extra in (("tsv", ["--format", "tsv"]), ("table", ["--format", "table"])):
            m = measure([GEOTIE_BIN, "timeline", "pakistan", "azerbaijan", *extra], env, args.runs * 4)
            rows.append([f"bundled store: `geotie timeline pakistan azerbaijan --format {label}`", *fmt(m)])
        print("## Bundled store\n")
        print(table(rows))
        growth = []
        for n in sizes:
            folder = work / f"store-{n}"
            # in a child process: a fork inherits the parent's peak RSS, so the parent stays small
            subprocess.run(
                [PY, str(Path(generate.__file__)), str(n), str(folder)], check=True, stdout=subprocess.DEVNULL
            )
            store = folder / "facts.toml"
            size_mb = store.stat().st_size / 1e6
            data = ["--no-default", "--data", str(store)]
            firsts = []
            for _ in range(FIRST_RUNS):
                shutil.rmtree(work / "cache", ignore_errors=True)
                firsts.append(run_once([GEOTIE_BIN, *data, "timeline", "pakistan", "azerbaijan", "-f", "tsv"], env))
            times = [f[0] for f in firsts]
            first = (statistics.median(times), max(f[1] for f in firsts))
            once = {
                "median": first[0],
                "min": min(times),
                "max": max(times),
                "rss": first[1],
                "ratio": first[0] / base["median"],
            }
            rows = [[f"first run (empty cache, {FIRST_RUNS} runs): `timeline pakistan azerbaijan`", *fmt(once)]]
            export = folder / "events.json"
            with export.open("w") as out:
                run_once([GEOTIE_BIN, *data, "timeline", "-f", "json"], env, stdout=out)
            jq_filter = '[.[] | select((.actors | index("pakistan")) and (.actors | index("azerbaijan")))]'
            jq = measure(["jq", jq_filter, str(export)], env, args.runs)
            rows.append(["jq on the same events as a JSON array", *fmt(jq, jq["median"])])
            commands = [
                ("timeline pakistan azerbaijan --format tsv", ["timeline", "pakistan", "azerbaijan", "-f", "tsv"]),
                ("timeline pakistan azerbaijan --format json", ["timeline", "pakistan", "azerbaijan", "-f", "json"]),
                ("who vugar-mustafayev", ["who", "vugar-mustafayev", "-f", "tsv"]),
                ("search mustafayev", ["search", "mustafayev", "-f", "tsv"]),
                ("search pipeline (matches 1 event in 9)", ["search", "pipeline", "-f", "tsv"]),
            ]
            results = {}
            for label, cmd in commands:
                results[label] = measure([GEOTIE_BIN, *data, *cmd], env, args.runs)
                rows.append([f"`{label}`", *fmt(results[label], jq["median"])])
            head = measure(" ".join([GEOTIE_BIN, *data, "timeline", "|", "head", "-1"]), env, args.runs, shell=True)
            rows.append(["`timeline | head -1` (all events)", *fmt(head)])
            print(f"\n## {n:,} events ({size_mb:.1f} MB of TOML)\n")
            print(table(rows))
            growth.append((n, first, results))
        if len(growth) > 1:
            print("\n## Growth\n")
            print("| events | first run | first-run memory | warm timeline | warm who | warm search | warm memory |")
            print("|---|---|---|---|---|---|---|")
            for n, first, results in growth:
                t = results["timeline pakistan azerbaijan --format tsv"]
                print(f"| {n:,} | {first[0]:.2f} s | {first[1]} MB | {t['median'] * 1000:.0f} ms | "
                      f"{results['who vugar-mustafayev']['median'] * 1000:.0f} ms | "
                      f"{results['search mustafayev']['median'] * 1000:.0f} ms | {t['rss']} MB |")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
