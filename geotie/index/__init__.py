"""The derived index: what is worked out from the store, kept in SQLite (issue #11).

The TOML files stay the only truth; the index can be deleted at any time and is built again.
Core layer: the standard library's sqlite3, no typer or rich.

Modules
    schema   the DDL, FORMAT (PRAGMA user_version), APPLICATION_ID, the search table
    build    Builder (written aside, renamed into place), build_index, memory_index
    db       index_path, open_index (ours? whole? fresh?), Index, IndexDamaged, sweep
    queries  geotie.query's reading queries over an Index, same objects and order

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

Freshness (db.open_index): the cache's rule, with its functions (store.cache: _stat,
file_hash, RACY_NS, _safe_dir): same paths in the same order; each file's inode, size and
mtime_ns as recorded; a file modified within RACY_NS before the index was written also
compared by hash; a file the process may not read is never answered from the index. A
missing, foreign (application_id), other-format, other-version, truncated or extended file
opens as None: the caller builds again. Damage met later by a query raises IndexDamaged.
Writes: `<index>.tmp-<pid>` then fsync and os.replace; a failed build removes its file, a
killed one leaves it and `sweep` removes it once its process is gone. build_index refuses to
record a file modified after `started_ns` (it changed while being read).

What remains to wire (next session):
- cli/base.load(ctx) returns an Index, not a Store: open_index(index_path(cache_dir, paths),
  paths); on None, sweep(folder), read and check (store.check_files, or bulk in parallel),
  build_index, open it; with --no-cache, GEOTIE_NO_CACHE or an unusable folder,
  memory_index(store). Warnings printed from queries.warnings(ix). On IndexDamaged during
  a command: ix.discard(), build again, run the command again once (exit 0).
- Reading commands, each query named as in geotie.query: timeline -> queries.resolve_actor,
  iter_timeline, tags (unknown-tag warning); who -> resolve_actor, profile; event ->
  get_event; source -> get_source, citing; sources -> sources, citation_counts; actors ->
  actors, event_counts; search -> search. (`sources`, `actors` and `citation_counts` read
  every row of their table: they print them all.)
- The renderers take a Store only for store.actors.get / store.sources[...] (actor names,
  source dates): pass queries.lookups(ix) instead (a test shows the terminal output is the
  same); the `store: Store` annotations in render/ become a small protocol.
- store/cache.py goes (Contents, save, load, the Lazy* views; its freshness helpers and
  cache_dir move to index/db.py); store/lazy.py goes with it (a Store is then only built
  for `check` and `add`, in memory); query.py loses the cache hooks (`take`, `search_text`).
  store/bulk.py feeds a Builder instead of cache.Contents: add_files, add_metas,
  add_warnings, add_sources, add_actors, then add_events in sorted batches of
  (store.convert.Checked, file index, line) with the search texts the workers folded --
  Builder.add_events already takes both (tested). At 1M events the build is ~53 s (read
  and check ~51 s more): ~18 s Python (rows, folding) that the workers could do, ~35 s
  SQLite (FTS insert + merge 12 s, event_actors + its index 9 s, events 3 s, citations
  4 s). Figures: bench/index_bench.py.
- `geotie cache` lists and clears `*.sqlite` (and sweeps); the folder's bound (e.g. keep
  the N indexes used last) is not written yet. Concurrent builds: each writes its own file
  aside and the last rename wins; readers keep the file they opened (tested).
- Model fields added meanwhile (role `attested`, actor `demonyms`, event
  `implied_actors`) need columns, decoding and a FORMAT bump; the property test in
  tests/test_index.py then covers them once its generator writes them.
"""
