"""The SQLite index against the same SQL run straight through the sqlite3 module.

    python bench/index_bench.py                     # 10,000 and 100,000 events
    python bench/index_bench.py 1000000 --runs 3 --no-compare   # a million (minutes)

For each size: a store is generated (bench/generate.py) in a temporary folder, read and
checked, and its index built, in one process (times, peak memory, index size). Then, in a
fresh process, each query is run --runs times warm and the median is reported three ways:
through geotie.index.queries (rows decoded into Events, as a command would print them),
the same SQL's rows fetched with the sqlite3 module (no decoding: the floor), and
geotie.query over the store in memory (today's path, for comparison; its read is not
counted). Nothing outside the temporary folder is touched, but for --keep's folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

QUERIES = {  # label: (kind, argument)
    "timeline pakistan azerbaijan": ("timeline", ("pakistan", "azerbaijan")),
    "who vugar-mustafayev": ("who", "Vugar Mustafayev"),
    "search mustafayev": ("search", "mustafayev"),
    "search pipeline": ("search", "pipeline"),
}


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def child_build(store_path: Path, target: Path) -> dict:
    from geotie.index.build import build_index
    from geotie.store import load_paths

    started = time.time_ns()
    t0 = time.perf_counter()
    store = load_paths([store_path])
    t1 = time.perf_counter()
    read_peak = peak_mb()
    if not build_index(store, target, [store_path], started):
        raise SystemExit("the index could not be written")
    t2 = time.perf_counter()
    return {"read_s": t1 - t0, "build_s": t2 - t1, "read_mb": read_peak, "peak_mb": peak_mb()}


def median_ms(fn, runs: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def child_query(store_path: Path, target: Path, runs: int, in_memory: bool) -> dict:
    import sqlite3

    from geotie import query
    from geotie.index import queries as iq
    from geotie.index.db import open_index

    ix = open_index(target, [store_path])
    if ix is None:
        raise SystemExit(f"the index {target} does not open")
    raw = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    store = None
    if in_memory:
        from geotie.store import load_paths

        store = load_paths([store_path])
    before_mb = peak_mb()
    out: dict = {}
    for label, (kind, arg) in QUERIES.items():
        if kind == "timeline":
            q = query.TimelineQuery(actors=arg)
            sql, params = iq.timeline_sql(q, iq._driver(ix, list(arg)))

            def ours(q=q):
                return iq.timeline(ix, q)

            def mem(q=q):
                return query.timeline(store, q)
        elif kind == "who":
            actor_id = iq.resolve_actor(ix, arg).id
            sql = f"SELECT {iq.EVENT_COLUMNS} FROM event_actors a JOIN events e ON e.pos = a.pos WHERE a.actor = ?"
            sql += " ORDER BY a.pos"
            params = [actor_id]

            def ours(arg=arg):
                return iq.profile(ix, iq.resolve_actor(ix, arg)).events

            def mem(arg=arg):
                return query.profile(store, query.resolve_actor(store, arg)).events
        else:
            where, params = iq._where_found(ix, "event_search", arg, "e.pos")
            sql = f"SELECT {iq.EVENT_COLUMNS} FROM events e{where} ORDER BY e.pos"

            def ours(arg=arg):
                return iq.search(ix, arg)

            def mem(arg=arg):
                return query.search(store, arg)

        ours_ms, rows = median_ms(ours, runs)
        sql_ms, raw_rows = median_ms(lambda sql=sql, params=params: raw.execute(sql, params).fetchall(), runs)
        row = {"index_ms": ours_ms, "sql_ms": sql_ms, "rows": len(rows), "sql_rows": len(raw_rows)}
        if store is not None:
            row["memory_ms"], expected = median_ms(mem, runs)
            row["same"] = list(expected) == list(rows)
        out[label] = row
    out["query_peak_mb"] = peak_mb() if store is None else None
    out["open_peak_mb"] = before_mb
    return out


def run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout)


def bench(size: int, runs: int, work: Path, in_memory: bool, keep: Path | None) -> dict:
    folder = (keep or work) / str(size)
    store_path = folder / "facts.toml"
    if not store_path.exists():  # generated in a process of its own: a child's peak memory starts from its parent's
        made = subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(folder)], capture_output=True)
        if made.returncode != 0:
            raise SystemExit(f"generating {size} events failed:\n{made.stderr.decode(errors='replace').strip()}")
    cache = work / f"cache-{size}"
    cache.mkdir(mode=0o700)
    from geotie.index.db import index_path

    target = index_path(cache, [store_path])
    built = run_child("--child", "build", str(store_path), str(target))
    queried = run_child("--child", "query", str(store_path), str(target), "--runs", str(runs))
    if in_memory:
        compared = run_child("--child", "query", str(store_path), str(target), "--runs", str(runs), "--in-memory")
        for label in QUERIES:
            queried[label]["memory_ms"] = compared[label]["memory_ms"]
            queried[label]["same"] = compared[label]["same"]
    return {
        "size": size,
        "toml_mb": store_path.stat().st_size / 2**20,
        "index_mb": target.stat().st_size / 2**20,
        **built,
        **queried,
    }


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def report(results: list[dict]) -> None:
    print("| events | TOML | read + check | index build | peak memory (read / +build) | index file |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['size']:,} | {r['toml_mb']:.0f} MB | {r['read_s']:.2f} s | {r['build_s']:.2f} s "
            f"| {r['read_mb']} / {r['peak_mb']} MB | {r['index_mb']:.0f} MB |"
        )
    print()
    print("| events | query (warm, median) | rows | geotie.index | same SQL, sqlite3 rows | ratio "
          "| geotie.query in memory |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in results:
        for label in QUERIES:
            q = r[label]
            if "memory_ms" in q:
                memory = ms(q["memory_ms"]) + ("" if q["same"] else " (DIFFERENT ANSWER)")
            else:
                memory = "not run"
            print(
                f"| {r['size']:,} | `{label}` | {q['rows']:,} | {ms(q['index_ms'])} | {ms(q['sql_ms'])} "
                f"| {q['index_ms'] / max(q['sql_ms'], 0.001):.1f}× | {memory} |"
            )
    print()
    print("Peak memory of a process that opens the index and runs every query: "
          + ", ".join(f"{r['size']:,}: {r['query_peak_mb']} MB" for r in results))  # fmt: skip


def positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=positive, default=[10_000, 100_000], help="events per store")
    parser.add_argument("--runs", type=positive, default=5, help="warm runs of each query (default 5)")
    parser.add_argument(
        "--no-compare", action="store_true", help="skip geotie.query over the store in memory (a second read)"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="generate the stores in DIR/<events>/facts.toml and reuse them there"
    )
    parser.add_argument("--child", nargs=3, metavar=("PHASE", "STORE", "INDEX"), help=argparse.SUPPRESS)
    parser.add_argument("--in-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        phase, store_path, target = args.child[0], Path(args.child[1]), Path(args.child[2])
        if phase == "build":
            result = child_build(store_path, target)
        elif phase == "query":
            result = child_query(store_path, target, args.runs, args.in_memory)
        else:
            parser.error(f"unknown phase '{phase}'")
        json.dump(result, sys.stdout)
        return
    if args.keep is not None and args.keep.exists() and not args.keep.is_dir():
        parser.error(f"--keep {args.keep}: not a folder")
    results = []
    with tempfile.TemporaryDirectory(prefix="geotie-index-bench-") as tmp:
        for size in args.sizes:
            print(f"{size:,} events...", file=sys.stderr, flush=True)
            results.append(bench(size, args.runs, Path(tmp), not args.no_compare, args.keep))
            os.sync()
    print(f"python {sys.version.split()[0]}, SQLite {__import__('sqlite3').sqlite_version}, {os.cpu_count()} CPUs")
    print()
    report(results)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
