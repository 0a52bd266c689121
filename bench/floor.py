"""Floors of the first run: work any build of geotie's index must do, measured without geotie's reader.

    python bench/floor.py index INDEX OUT    # SQLite alone building the index INDEX again, at OUT
    python bench/floor.py lines STORE        # Python alone splitting a store file into lines

`index`: a new file with geotie's schema and build settings (index.schema, index.build.PRAGMAS),
each table filled from INDEX by `INSERT ... SELECT ... WHERE 1` (the WHERE keeps SQLite from
copying whole records, so each row is decoded and encoded again, as inserts fed by any reader
would be), the full-text table fed with each event's title, summary and quotes, lowercased
(geotie's own folded text is not stored: this text makes a table of about its size, and both
sizes are printed), then the indexes, the full-text merge and the counts geotie's build makes,
in one transaction and one process: SQLite's own work, no Python per row. The new tables'
row counts are compared with INDEX's, and OUT is removed afterwards.

`lines`: the store file read, decoded, split into lines, and each line partitioned once at
" = ": the least a TOML reader written in Python does for each line, in one process.

Each prints one line of JSON: what it did and how long each step took, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

try:
    from geotie.index import schema
    from geotie.index.build import PRAGMAS
except ImportError:  # a Python without geotie
    sys.exit(
        "bench: geotie is not installed for this Python; run the benchmark with the Python of geotie's"
        " virtual environment (the one 'pip install .' installed geotie into)"
    )

BLOCK = 16 << 20  # bytes of a store file read at a time by `lines`

#: What the full-text table is fed with (rowid = pos), in place of geotie's folded text.
SEARCH_TEXT = """
INSERT INTO event_search (rowid, text)
SELECT e.pos, lower(e.title || ' ' || e.summary || ' ' ||
       coalesce((SELECT group_concat(c.quote, ' ') FROM old.citations c WHERE c.event = e.pos), ''))
FROM old.events e
"""


def _tables(db: sqlite3.Connection, schema_name: str) -> list[str]:
    """The ordinary tables of geotie's schema (not the full-text ones, not those the build counts)."""
    query = f"SELECT name FROM {schema_name}.sqlite_master WHERE type = 'table' ORDER BY name"
    derived = {"meta", "tags"}
    return [
        name
        for (name,) in db.execute(query)
        if name not in derived and not any(name.startswith(t) for t in schema.SEARCH_TABLES)
    ]


def _size(db: sqlite3.Connection, schema_name: str, table: str) -> int:
    """Bytes of a table's pages (SQLite's dbstat)."""
    (size,) = db.execute(
        f"SELECT coalesce(sum(pgsize), 0) FROM dbstat('{schema_name}') WHERE name = ?", (table,)
    ).fetchone()
    return size


def index_floor(old: Path, out: Path) -> dict:
    """Build geotie's index again from `old`'s rows, inside SQLite; the seconds of each step."""
    if not old.is_file():
        raise SystemExit(f"bench/floor.py: {old}: no such index file")
    out.unlink(missing_ok=True)
    db = sqlite3.connect(out, isolation_level=None)
    steps: dict[str, float] = {}
    try:
        for pragma in PRAGMAS:
            db.execute(f"PRAGMA {pragma}")
        db.execute("ATTACH DATABASE ? AS old", (str(old),))
        tables = _tables(db, "old")
        if "events" not in tables:
            raise SystemExit(f"bench/floor.py: {old} is not a geotie index (no events table)")
        fts = db.execute("SELECT value FROM old.meta WHERE key = 'search'").fetchone() == ("fts5-trigram",)
        started = time.perf_counter()
        db.execute("BEGIN")
        schema.create(db, fts)
        mark = time.perf_counter()
        for table in tables:
            db.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table} WHERE 1")
        steps["rows"] = time.perf_counter() - mark
        mark = time.perf_counter()
        db.execute(SEARCH_TEXT)
        steps["full-text rows"] = time.perf_counter() - mark
        mark = time.perf_counter()
        schema.create_indexes(db)
        steps["indexes"] = time.perf_counter() - mark
        mark = time.perf_counter()
        if fts:
            schema.merge_search(db, ("event_search",))
        db.execute("INSERT INTO tags SELECT tag, count(DISTINCT pos) FROM event_tags GROUP BY tag")
        db.execute("UPDATE actors SET events = (SELECT count(*) FROM event_actors WHERE actor = actors.id)")
        db.execute("COMMIT")
        steps["merge and counts"] = time.perf_counter() - mark
        total = time.perf_counter() - started
        counts = {}
        for table in tables:
            mine, counts[table] = (
                db.execute(f"SELECT count(*) FROM {s}.{table}").fetchone()[0] for s in ("main", "old")
            )
            if mine != counts[table]:
                raise SystemExit(f"bench/floor.py: {table} has {mine} rows, {counts[table]} in {old}")
        search = "event_search_data" if fts else "event_search"
        sizes = {"search_bytes": _size(db, "main", search), "geotie_search_bytes": _size(db, "old", search)}
    finally:
        db.close()
        out.unlink(missing_ok=True)
    return {"floor": "index", "events": counts["events"], "seconds": total, "steps": steps, **sizes}


def lines_floor(store: Path) -> dict:
    """Read `store` 16 MB at a time (as geotie's reader takes chunks), decode each block and split
    it into lines, each partitioned once; the seconds it took."""
    started = time.perf_counter()
    count = pairs = 0
    rest = b""
    try:
        with store.open("rb") as f:
            while block := f.read(BLOCK):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                block, rest = block[:cut], block[cut:]
                lines = block.decode("utf-8", errors="replace").split("\n")
                count += len(lines) - 1  # the block ends with a newline: the last item is empty
                for line in lines:
                    if line.partition(" = ")[1]:
                        pairs += 1
    except OSError as e:
        raise SystemExit(f"bench/floor.py: {store}: {e.strerror or e}") from None
    if rest:  # a last line without a newline
        count += 1
        pairs += bool(rest.decode("utf-8", errors="replace").partition(" = ")[1])
    return {"floor": "lines", "lines": count, "pairs": pairs, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="floor", required=True)
    index = sub.add_parser("index", help="SQLite alone building a geotie index again")
    index.add_argument("index", type=Path, help="a geotie index file (in the cache folder)")
    index.add_argument("out", type=Path, help="where to build the copy (removed afterwards)")
    lines = sub.add_parser("lines", help="Python alone splitting a store file into lines")
    lines.add_argument("store", type=Path, help="a store file (TOML)")
    args = parser.parse_args()
    try:
        found = index_floor(args.index, args.out) if args.floor == "index" else lines_floor(args.store)
    except sqlite3.Error as e:
        raise SystemExit(f"bench/floor.py: {e}") from None
    print(json.dumps(found))
    sys.stdout.flush()
    os._exit(0)  # the interpreter's teardown is not part of the floor


if __name__ == "__main__":
    main()
