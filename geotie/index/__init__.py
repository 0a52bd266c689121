"""The derived index: what is worked out from the store, kept in SQLite (issue #11).

The TOML files stay the only truth; the index can be deleted at any time and is built again.
Core layer: the standard library's sqlite3, no typer or rich.

Modules
    schema   the DDL, FORMAT (PRAGMA user_version), APPLICATION_ID, the search table
    build    Builder (written aside, renamed into place), build_index, memory_index
    db       index_path, open_index (ours? whole? fresh?), Index, IndexDamaged, sweep
    queries  geotie.query's reading queries over an Index, same objects and order
    fresh    the cache folder, its safety, each store file's stat and content hash
    use      index_for (the one way a command gets its index), the folder's bound, describe, clear
    progress what a build tells whoever watches it (the CLI draws it on a terminal: render.status)

Schema (see schema.py): `meta` (format, program and store-schema versions, the paths,
written_ns, the search kind), `files` (each store file's inode, size, mtime_ns and hash),
`store_meta`, `warnings`, `sources` + `source_authors`, `actors` (with the count of their
events) + `aliases` + `roles`, `names` (folded id, name and alias -> actor, for name lookup),
`events` (pos = timeline order = rowid; `lo`/`hi` = first/last possible day as ordinals,
indexed, so --since/--until are range conditions `hi >= since.lo AND lo <= until.hi`),
`event_actors` (indexed on actor, pos: an actor's events are one index range, in order),
`event_tags` (indexed on tag, pos), `tags`, `citations` (of events and of roles, indexed on
source too), and the folded search text of every event (`event_search`, rowid = pos) and of
every actor and source (`actor_search`, `source_search`, rowid = their seq). Search text is
geotie.text.fold'ed and indexed with FTS5's trigram tokenizer, contentless and without
positions (small: 1/6 of the index); a needle is looked up as the AND of its trigrams (a
superset of the entries holding it) and each field of the entries found is then matched as
geotie.query does: today's semantics exactly (phrases, accents, case, `JF-17` = `jf 17`,
`istan`). FTS5 `unicode61 remove_diacritics 2` matches tokens or prefixes only and folds
fewer letters (ı, ə, ø), so it would change answers. Where there is no FTS5 trigram (SQLite
< 3.34) the same tables are plain and searched with instr() (same answers, a scan). Needles
shorter than 3 characters are matched against every entry.

Freshness (db.open_index, with index.fresh): same paths in the same order; each file's
inode, size and mtime_ns as recorded; a file modified within RACY_NS before the index was
written also compared by hash; a file the process may not read is never answered from the
index. A missing, foreign (application_id), other-format, other-version, truncated or
extended file opens as None: the caller builds again. Damage met later by a query raises
errors.IndexDamaged; cli.base then discards the file, builds again and runs the command
once more (exit 0). Writes: `<index>.tmp-<pid>` then fsync and os.replace; a failed build
removes its file, a killed one leaves it and `sweep` removes it once its process is gone.
A build refuses to record a file modified after it was read (it changed meanwhile).

The flow of a reading command (cli.base.load -> use.index_for): store paths -> open the
index in the cache folder if whole and fresh -> else sweep, read (index.bulk in parallel
for a large store, else store.load_paths) and check, build aside, rename, open; prune the
folder (use.MAX_INDEXES, use.UNUSED_DAYS) -> queries -> render (the renderers look names up
through queries.lookups). Without a usable cache folder (--no-cache, GEOTIE_NO_CACHE, a
folder that is not safe) the same index is built in memory. `check` and `add` read the TOML
files (store.inspect, store.load_paths) and never the index.

Left to do: at a million events the first run is bound by the parallel read and then the
build; SQLite alone, building the same index from its own rows, takes about a third of it
(bench/floor.py); decoding rows into Events is most of a whole-store export's time (see
the README's Performance section).
"""
