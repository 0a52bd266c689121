"""The benchmark: whole commands as fresh processes, against `python -c pass`, the sqlite3
shell and jq, with the targets of issue #11 checked at the end.

    python bench/run.py                          # bundled store, 10k and 100k events
    python bench/run.py --sizes 1000000 --runs 3 # a million (minutes)
    python bench/run.py --features 100000        # also the analysts' and publishing commands

Each command runs once to warm up (and build geotie's index), then --runs times (whole-store
exports at most 3 times); the tables give the median, the spread (min-max) and the peak
memory (max RSS) of those runs, and the ratio to `python -c pass` measured right before each
run (at 100k, the targeted queries are also paired with the same query on the bundled store:
the ratio issue #11 sets a target for). "first run" is a run with an empty cache folder (the
store read, checked and indexed). The sqlite3 rows run the same query as geotie on geotie's
own index file, in the sqlite3 shell. The two floor rows (bench/floor.py) are what a first run
cannot do without, measured without geotie's reader: SQLite alone building the same index again
from its own rows, and Python alone splitting the TOML into lines. Stores are generated
(bench/generate.py) in a temporary folder; nothing else is touched.
"""

from __future__ import annotations

import argparse
import json
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
FLOOR = str(Path(__file__).resolve().parent / "floor.py")


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


def measure(cmd, env: dict, runs: int, warmup: int = 1, shell: bool = False, against: list[str] = BASELINE) -> dict:
    """Runs of `cmd`, each right after a run of `against` (`python -c pass`), so that the ratio
    of each pair is measured under the same load (this machine is shared and its speed drifts)."""
    for _ in range(warmup):
        run_once(cmd, env, shell=shell)
        if against is not BASELINE:  # e.g. the bundled store's index, removed with the cache folder
            run_once(against, env)
    samples, ratios, bases = [], [], []
    for _ in range(runs):
        base = run_once(against, env)[0]
        bases.append(base)
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
        "base": statistics.median(bases),  # the median of `against`'s runs
    }


def fmt(m: dict) -> list[str]:
    cells = [f"{m['median'] * 1000:.0f} ms", f"{m['min'] * 1000:.0f}–{m['max'] * 1000:.0f}", f"{m['rss']} MB"]
    cells.append(f"{m['ratio']:.1f}×" if m.get("ratio") else "")
    return cells


def table(rows: list[list[str]], head: list[str] | None = None) -> str:
    head = head or ["command", "median", "spread", "peak memory", "× python -c pass"]
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


QUERIES = {  # label: (geotie arguments, SQL for the sqlite3 shell on the index)
    "timeline A B": (
        ["timeline", "pakistan", "azerbaijan", "-f", "tsv"],
        "SELECT e.* FROM event_actors a JOIN events e ON e.pos = a.pos WHERE a.actor = 'pakistan' AND EXISTS "
        "(SELECT 1 FROM event_actors x WHERE x.actor = 'azerbaijan' AND x.pos = a.pos) ORDER BY a.pos",
    ),
    "who X": (
        ["who", "vugar-mustafayev", "-f", "tsv"],
        "SELECT e.* FROM event_actors a JOIN events e ON e.pos = a.pos WHERE a.actor = 'vugar-mustafayev' "
        "ORDER BY a.pos",
    ),
    "search WORD": (
        ["search", "mustafayev", "-f", "tsv"],
        "SELECT e.* FROM event_search s JOIN events e ON e.pos = s.rowid WHERE event_search MATCH {fts} ORDER BY e.pos",
    ),
    "plans": (
        ["plans", "--today", "2026-01-01", "-f", "tsv"],
        "SELECT p.*, f.id FROM events p LEFT JOIN events f ON f.fulfils != '' AND f.fulfils = p.id "
        "WHERE p.status = 'planned' ORDER BY p.pos",
    ),
}
#: The queries issue #11 sets targets for (their answers have about the same size at every store
#: size, but for timeline A B's); `plans` is measured, its answer grows with the store.
TARGETED = ("timeline A B", "who X", "search WORD")
EXPORT_RUNS = 3  # whole-store exports take seconds to minutes


def ms(m: dict) -> str:
    return f"{m['median'] * 1000:.0f} ms" if m["median"] < 10 else f"{m['median']:.1f} s"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[10000, 100000], help="event counts, comma-separated")
    parser.add_argument("--runs", type=_runs, default=5, help="timed runs of each command (after 1 warm-up)")
    parser.add_argument(
        "--features", type=_runs, metavar="EVENTS", default=None,
        help="also time the commands of FEATURES (as-of, roles on a date, corroboration, event types, "
        "publishing) on a store of EVENTS events, at most 3 runs each",
    )  # fmt: skip
    args = parser.parse_args()
    for tool in ("sqlite3", "jq"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench/run.py: the {tool} command is needed (it is measured against)")
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
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores (load {load:.1f} at the start), Python "
              f"{platform.python_version()}, {platform.system()} {platform.release()}; {args.runs} runs after 1 "
              "warm-up\n")  # fmt: skip
        import geotie

        where = Path(geotie.__file__).parent
        print(f"geotie {geotie.__version__} from {where}\n")
        base = measure(BASELINE, env, args.runs * 2)
        rows = [["`python -c pass`", *fmt(base)]]
        bundled_store = Path(geotie.__file__).parent / "_bundled" / "facts.toml"
        if not bundled_store.exists():
            bundled_store = where.parent / "data" / "facts.toml"
        typer_app = [PY, str(Path(__file__).resolve().parent / "typer_baseline.py"), "pakistan", "azerbaijan"]
        m = measure([*typer_app, str(bundled_store)], env, args.runs * 4)
        rows.append(["for reference: a minimal Typer app, tomllib, TSV (`bench/typer_baseline.py`)", *fmt(m)])
        m = measure([*typer_app, str(bundled_store), "--table"], env, args.runs * 4)
        rows.append(["for reference: the same with a Rich table (`bench/typer_baseline.py --table`)", *fmt(m)])
        bundled = {}
        for label, extra in (("tsv", ["--format", "tsv"]), ("table", ["--format", "table"])):
            bundled[label] = measure([GEOTIE_BIN, "timeline", "pakistan", "azerbaijan", *extra], env, args.runs * 4)
            rows.append([f"`geotie timeline pakistan azerbaijan --format {label}`", *fmt(bundled[label])])
        for label, (cmd, _) in QUERIES.items():
            if label != "timeline A B":
                bundled[label] = measure([GEOTIE_BIN, *cmd], env, args.runs * 2)
                rows.append([f"`geotie {' '.join(cmd)}`", *fmt(bundled[label])])
        bundled["timeline A B"] = bundled["tsv"]
        startup = measure([GEOTIE_BIN, "--version"], env, args.runs * 2)
        rows.append(["geotie's start-up: `geotie --version`", *fmt(startup)])
        print("## Bundled store\n")
        print(table(rows))
        growth = []
        for n in sizes_of(args):
            growth.append(bench_size(n, args.runs, work, env))
        report_growth(growth)
        report_targets(bundled, startup, growth)
        if args.features:
            bench_features(args.features, args.runs, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sizes_of(args) -> list[int]:
    return args.sizes


def bench_size(n: int, runs: int, work: Path, env: dict) -> dict:
    from geotie.index.db import index_path
    from geotie.index.schema import trigrams
    from geotie.text import fold

    folder = work / f"store-{n}"
    # in a child process: a fork inherits the parent's peak RSS, so the parent stays small
    subprocess.run([PY, str(Path(generate.__file__)), str(n), str(folder)], check=True, stdout=subprocess.DEVNULL)
    store = folder / "facts.toml"
    size_mb = store.stat().st_size / 1e6
    data = ["--no-default", "--data", str(store)]
    firsts = []
    for _ in range(FIRST_RUNS if n < 1_000_000 else 1):
        shutil.rmtree(work / "cache", ignore_errors=True)
        firsts.append(run_once([GEOTIE_BIN, *data, "timeline", "pakistan", "azerbaijan", "-f", "tsv"], env))
    times = [f[0] for f in firsts]
    first = {"median": statistics.median(times), "min": min(times), "max": max(times),
             "rss": max(f[1] for f in firsts), "ratio": None}  # fmt: skip
    runs_said = f"{len(firsts)} run" + "s" * (len(firsts) > 1)
    rows = [[f"first run (empty cache, {runs_said}): `timeline pakistan azerbaijan`", *fmt(first)]]
    index = index_path(work / "cache", [store])
    result: dict = {"n": n, "first": first, "toml_mb": size_mb, "index_mb": index.stat().st_size / 1e6}
    result["floor index"] = floor(["index", str(index), str(work / "floor.sqlite")], env, len(firsts))
    rows.append(["floor: SQLite alone building the same index again, one process (`bench/floor.py index`)",
                 *fmt(result["floor index"])])  # fmt: skip
    result["floor lines"] = floor(["lines", str(store)], env, len(firsts))
    rows.append(["floor: Python alone splitting the TOML into lines, one process (`bench/floor.py lines`)",
                 *fmt(result["floor lines"])])  # fmt: skip
    for label, (cmd, sql) in QUERIES.items():
        result[label] = measure([GEOTIE_BIN, *data, *cmd], env, runs)
        rows.append([f"`geotie {' '.join(cmd)}`", *fmt(result[label])])
        if n == 100_000 and label in TARGETED:  # the target's ratio, each run paired with the bundled store's
            result["paired " + label] = measure([GEOTIE_BIN, *data, *cmd], env, runs, against=[GEOTIE_BIN, *cmd])
        sql = sql.format(fts="'" + trigrams(fold("mustafayev")) + "'")
        result["sqlite3 " + label] = measure(["sqlite3", str(index), sql], env, runs)
        rows.append([f"sqlite3 shell, same query on the index (`{label}`)", *fmt(result["sqlite3 " + label])])
    export = folder / "events.json"
    with export.open("w") as out:
        run_once([GEOTIE_BIN, *data, "timeline", "-f", "json"], env, stdout=out)
    some = min(runs, EXPORT_RUNS)
    for fmt_name in ("json", "jsonl"):
        result[fmt_name] = measure([GEOTIE_BIN, *data, "timeline", "-f", fmt_name], env, some, warmup=0)
        rows.append([f"`geotie timeline -f {fmt_name}` (whole store)", *fmt(result[fmt_name])])
    result["jq"] = measure(["jq", ".", str(export)], env, some, warmup=0)
    rows.append(["`jq .` on that JSON export", *fmt(result["jq"])])
    result["sqlite3 -json"] = measure(["sqlite3", "-json", str(index), "SELECT * FROM events"], env, some, warmup=0)
    rows.append(["`sqlite3 -json` of the events table", *fmt(result["sqlite3 -json"])])
    head = measure(" ".join([GEOTIE_BIN, *data, "timeline", "|", "head", "-1"]), env, runs, shell=True)
    rows.append(["`timeline | head -1` (all events)", *fmt(head)])
    print(f"\n## {n:,} events ({size_mb:.0f} MB of TOML, index {result['index_mb']:.0f} MB)\n")
    print(table(rows))
    export.unlink()
    return result


def floor(args: list[str], env: dict, runs: int) -> dict:
    """`bench/floor.py ARGS` run `runs` times as a fresh process: the seconds of the work it
    reports (not its interpreter's start), and its peak memory."""
    seconds, rss = [], []
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            rss.append(run_once([PY, FLOOR, *args], env, stdout=out)[1])
            out.seek(0)
            seconds.append(json.loads(out.read())["seconds"])
    return {"median": statistics.median(seconds), "min": min(seconds), "max": max(seconds), "rss": max(rss),
            "ratio": None}  # fmt: skip


#: The commands the README's feature paragraphs quote figures for (label: geotie arguments).
#: `{out}` is a file in the benchmark's folder.
FEATURES = {
    "every event, tsv": ["timeline", "-f", "tsv"],
    "--as-of 2030 (every event kept)": ["timeline", "--as-of", "2030", "-f", "tsv"],
    "--as-of 2015": ["timeline", "--as-of", "2015", "-f", "tsv"],
    "actors": ["actors", "-f", "tsv"],
    "actors --as-of 2015": ["actors", "--as-of", "2015", "-f", "tsv"],
    "who china": ["who", "china", "-f", "tsv"],
    "who china --on 2010": ["who", "china", "--on", "2010", "-f", "tsv"],
    "timeline china": ["timeline", "china", "-f", "tsv"],
    "timeline china --with-roles": ["timeline", "china", "--with-roles", "-f", "tsv"],
    "every event --with-roles": ["timeline", "--with-roles", "-f", "tsv"],
    "--min-sources 2": ["timeline", "--min-sources", "2", "-f", "tsv"],
    "--type CONSULT": ["timeline", "--type", "CONSULT", "-f", "tsv"],
    "pakistan azerbaijan --type AGREE": ["timeline", "pakistan", "azerbaijan", "--type", "AGREE", "-f", "tsv"],
    "--type CONSULT -f plover": ["timeline", "--type", "CONSULT", "-f", "plover"],
    "every event -f plover": ["timeline", "-f", "plover"],
    "search pipeline --type CONSULT": ["search", "pipeline", "--type", "CONSULT", "-f", "tsv"],
    "timeline pakistan azerbaijan, table": ["timeline", "pakistan", "azerbaijan", "-f", "table"],
    "page -o FILE": ["page", "-o", "{out}"],
    "timeline -f timelinejs": ["timeline", "-f", "timelinejs"],
    "ties pakistan": ["ties", "pakistan", "-f", "tsv"],
    "ties pakistan --depth 2 -f dot": ["ties", "pakistan", "--depth", "2", "-f", "dot"],
    "activity": ["activity", "-f", "tsv"],
    "timeline pakistan azerbaijan --cite -f md": ["timeline", "pakistan", "azerbaijan", "--cite", "-f", "md"],
    "sources -f csljson": ["sources", "-f", "csljson"],
}


def bench_features(n: int, runs: int, work: Path, env: dict) -> None:
    """FEATURES on a store of `n` events (generated unless the sizes made it already), its index
    built first; the lines each command writes are counted in its warm-up run."""
    folder = work / f"store-{n}"
    store = folder / "facts.toml"
    if not store.exists():
        subprocess.run([PY, str(Path(generate.__file__)), str(n), str(folder)], check=True, stdout=subprocess.DEVNULL)
    data = ["--no-default", "--data", str(store)]
    run_once([GEOTIE_BIN, *data, "timeline", "-f", "tsv"], env)  # the index, built once
    rows = []
    some = min(runs, EXPORT_RUNS)
    for label, args in FEATURES.items():
        cmd = [GEOTIE_BIN, *data, *(a.format(out=work / "page.html") for a in args)]
        with (work / "out.txt").open("w") as out:
            run_once(cmd, env, stdout=out)
        with (work / "out.txt").open("rb") as out:
            lines = sum(block.count(b"\n") for block in iter(lambda: out.read(1 << 20), b""))
        m = measure(cmd, env, some, warmup=0)
        rows.append([f"`{' '.join(args)}` ({label})", *fmt(m)[:3], f"{lines:,}"])
    print(f"\n## Features, {n:,} events ({some} runs each)\n")
    print(table(rows, ["command", "median", "spread", "peak memory", "lines out"]))


def report_growth(growth: list[dict]) -> None:
    if len(growth) < 2:
        return
    print("\n## Growth\n")
    print("| events | first run | first-run memory | floors: SQLite, lines | warm timeline A B | warm who X "
          "| warm search WORD | whole-store json | json memory |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in growth:
        print(f"| {r['n']:,} | {r['first']['median']:.2f} s | {r['first']['rss']} MB "
              f"| {r['floor index']['median']:.2f} s, {r['floor lines']['median']:.2f} s | {ms(r['timeline A B'])} "
              f"| {ms(r['who X'])} | {ms(r['search WORD'])} | {ms(r['json'])} | {r['json']['rss']} MB |")  # fmt: skip


def report_targets(bundled: dict, startup: dict, growth: list[dict]) -> None:
    """Issue #11's targets, each with the figures it is judged on."""
    print("\n## Targets\n")
    print("| target | measured | verdict |")
    print("|---|---|---|")
    t = bundled["tsv"]["ratio"]
    print(f"| bundled store: `timeline pakistan azerbaijan --format tsv` ≤ 6× `python -c pass` | {t:.1f}× "
          f"| {verdict(t <= 6)} |")  # fmt: skip
    t = bundled["table"]["ratio"]
    print(f"| bundled store: `--format table` ≤ 9.5× `python -c pass` | {t:.1f}× | {verdict(t <= 9.5)} |")
    for r in growth:
        n = r["n"]
        if n == 100_000:
            for label in TARGETED:
                ratio = r["paired " + label]["ratio"]
                paired = r["paired " + label]
                medians = f"{ms(paired)} and {ms({'median': paired['base']})}"
                print(f"| 100k: warm `{label}` ≤ 1.5× the bundled store's (median of runs each paired with a "
                      f"bundled-store run) | {ratio:.2f}× (paired medians {medians}) "
                      f"| {verdict(ratio <= 1.5)} |")  # fmt: skip
        if n < 1_000_000:
            continue
        for label in TARGETED:
            bound = 2 * (r["sqlite3 " + label]["median"] + startup["median"])
            ok = r[label]["median"] <= bound and r[label]["rss"] <= 100
            sqlite = ms(r["sqlite3 " + label])
            print(f"| 1M: warm `{label}` ≤ 2× (sqlite3 {sqlite} + start-up {ms(startup)}) = {bound * 1000:.0f} ms, "
                  f"≤ 100 MB | {ms(r[label])}, {r[label]['rss']} MB | {verdict(ok)} |")  # fmt: skip
        for fmt_name in ("json", "jsonl"):
            ok = r[fmt_name]["median"] < r["jq"]["median"] and r[fmt_name]["rss"] <= 150
            print(f"| 1M: whole-store `-f {fmt_name}` faster than `jq .` ({ms(r['jq'])}), ≤ 150 MB "
                  f"| {ms(r[fmt_name])}, {r[fmt_name]['rss']} MB | {verdict(ok)} |")  # fmt: skip
        ok = r["first"]["median"] <= 15 and r["first"]["rss"] <= 1024
        floors = f"{r['floor index']['median']:.1f} s and {r['floor lines']['median']:.1f} s"
        print(f"| 1M: first run ≤ 15 s and ≤ 1 GB | {r['first']['median']:.1f} s, {r['first']['rss']} MB (floors in "
              f"one process each, SQLite building the index and Python splitting the TOML into lines: {floors}) "
              f"| {verdict(ok)} |")  # fmt: skip
    if not any(r["n"] >= 1_000_000 for r in growth):
        print("| 1M targets | not measured in this run (`--sizes 1000000`) | |")


if __name__ == "__main__":
    main()
