"""The SQLite schema of the derived index: DDL, its format version, and the search table.

Dates are stored as day ordinals (`date.toordinal()`): `lo`/`hi` are the first and last day
an entry may cover (an open or unknown end is 1 or MAX_DAY, as DateSpan.lo/.hi), so
`--since/--until` overlap is `hi >= since.lo AND lo <= until.hi`. Events are numbered `pos`
in timeline order (the rowid), so the timeline order is a rowid scan and each actor's events
are one range of the (actor, pos) index, already in order.

Search text is geotie's own folding (geotie.text.fold: case, accents, punctuation, and the
letters NFKD leaves alone such as ı, ə, ø) of each entry, indexed with FTS5's `trigram`
tokenizer: the entries holding every trigram of the folded needle are a superset of those
holding it as a substring, and each of their fields is then matched as geotie.query does --
today's search semantics exactly (`istan`, `jf 17`, `alpha republic`). FTS5's `unicode61
remove_diacritics 2` tokenizer matches whole tokens (or prefixes) only and folds fewer
letters, so it would change what `geotie search` finds; it is not used. Where FTS5 (or its
trigram tokenizer, SQLite >= 3.34) is missing, the same tables are plain ones holding the
text, and search scans them with instr() -- same answers, linear time. Needles shorter than
a trigram are matched against every entry.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from ..dates import sort_key
from ..model import DateSpan

#: Bump when the tables or what they hold change: an index of another format is rebuilt.
FORMAT = 8
#: PRAGMA application_id of a geotie index ("gtix"): a foreign SQLite file is not ours.
APPLICATION_ID = 0x67746978
MAX_DAY = date.max.toordinal()

TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (
    file INTEGER PRIMARY KEY,           -- position in the store paths
    path TEXT NOT NULL,
    ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL                  -- index.fresh.file_hash
);
CREATE TABLE store_meta (               -- each file's [meta] table
    file INTEGER PRIMARY KEY, schema INTEGER NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
    as_of TEXT, line INTEGER NOT NULL
);
CREATE TABLE warnings (
    seq INTEGER PRIMARY KEY, severity TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
    file TEXT NOT NULL, line INTEGER NOT NULL, entry TEXT NOT NULL, field TEXT NOT NULL, hint TEXT NOT NULL
);
CREATE TABLE sources (
    seq INTEGER PRIMARY KEY,            -- order in the store
    id TEXT NOT NULL, title TEXT NOT NULL, publisher TEXT NOT NULL,
    published TEXT, published_lo INTEGER, published_hi INTEGER, published_note TEXT NOT NULL,
    url TEXT NOT NULL, kind TEXT NOT NULL, archive TEXT NOT NULL,
    file TEXT NOT NULL, line INTEGER NOT NULL,
    crc INTEGER NOT NULL,               -- checksum.source_crc
    sort_day INTEGER NOT NULL           -- the first day of dates.sort_key(published), MAX_DAY + 1 if undated
);
CREATE TABLE source_authors (source TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (source, seq)) WITHOUT ROWID;
CREATE TABLE actors (
    seq INTEGER PRIMARY KEY,            -- order in the store
    id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT NOT NULL,
    note TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL,
    events INTEGER NOT NULL,            -- how many events list the actor
    crc INTEGER NOT NULL,               -- checksum.actor_crc
    name_crc INTEGER NOT NULL,          -- checksum.text_crc of (id, name): the name read alone
    sort_name TEXT NOT NULL             -- text.fold(name): `actors` lists by kind, then this
);
CREATE TABLE aliases (actor TEXT NOT NULL, seq INTEGER NOT NULL, alias TEXT NOT NULL,
    PRIMARY KEY (actor, seq)) WITHOUT ROWID;
CREATE TABLE demonyms (actor TEXT NOT NULL, seq INTEGER NOT NULL, demonym TEXT NOT NULL,
    PRIMARY KEY (actor, seq)) WITHOUT ROWID;
CREATE TABLE names (                    -- folded id, name and alias of each actor, for lookups
    seq INTEGER PRIMARY KEY,            -- store order (suggestions prefer the first spelling)
    folded TEXT NOT NULL, actor TEXT NOT NULL, name TEXT NOT NULL
);
CREATE TABLE roles (
    actor TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL, of TEXT NOT NULL,
    start TEXT, "end" TEXT, lo INTEGER NOT NULL, hi INTEGER NOT NULL, note TEXT NOT NULL,
    attested TEXT NOT NULL,             -- JSON list of the attested dates' texts
    PRIMARY KEY (actor, seq)
) WITHOUT ROWID;
CREATE TABLE events (
    pos INTEGER PRIMARY KEY,            -- timeline order, from 0
    id TEXT NOT NULL,
    date TEXT NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL,
    anchor INTEGER NOT NULL,            -- the sort key's first day (dates.sort_key)
    title TEXT NOT NULL, summary TEXT NOT NULL, date_text TEXT NOT NULL, date_note TEXT NOT NULL,
    status TEXT NOT NULL, outcome TEXT NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL,
    implied TEXT NOT NULL,              -- implied_actors: ids (slugs) joined by single spaces
    fulfils TEXT NOT NULL,              -- the id of the plan it carries out, "" if none
    type TEXT NOT NULL, mode TEXT NOT NULL, -- PLOVER event type and mode ('' when none)
    context TEXT NOT NULL,              -- PLOVER contexts joined by single spaces
    recipients TEXT NOT NULL,           -- ids (slugs) joined by single spaces
    crc INTEGER NOT NULL                -- checksum.crc of the event as decoded (checksum.event_crc)
);
CREATE TABLE event_rows (               -- each event's timeline row, ready to print
    pos INTEGER PRIMARY KEY, lo INTEGER NOT NULL, hi INTEGER NOT NULL, status TEXT NOT NULL,
    line TEXT NOT NULL,                 -- text.tsv_line of fields.timeline_row: the tsv record
    crc INTEGER NOT NULL                -- checksum.text_crc of the line
);
CREATE TABLE event_actors (pos INTEGER NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL,
    PRIMARY KEY (pos, seq)) WITHOUT ROWID;
CREATE TABLE event_tags (pos INTEGER NOT NULL, seq INTEGER NOT NULL, tag TEXT NOT NULL,
    PRIMARY KEY (pos, seq)) WITHOUT ROWID;
CREATE TABLE tags (tag TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE citations (                -- of an event (event = its pos) or of a role (actor, role)
    event INTEGER, actor TEXT, role INTEGER, seq INTEGER NOT NULL,
    source TEXT NOT NULL, quote TEXT NOT NULL, note TEXT NOT NULL
);
"""

#: Made after the rows are in (faster than keeping them up to date row by row).
INDEXES = """
CREATE UNIQUE INDEX sources_id ON sources (id);
CREATE UNIQUE INDEX actors_id ON actors (id);
CREATE INDEX actors_order ON actors (kind, sort_name, seq);
CREATE INDEX sources_order ON sources (sort_day, published_hi, id);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_lo ON events (lo);
CREATE INDEX events_hi ON events (hi);
CREATE INDEX events_fulfils ON events (fulfils) WHERE fulfils != '';
CREATE INDEX events_type ON events (type, pos);
CREATE INDEX event_actors_actor ON event_actors (actor, pos);
CREATE INDEX event_tags_tag ON event_tags (tag, pos);
CREATE INDEX names_folded ON names (folded);
CREATE INDEX roles_of ON roles (of);
CREATE INDEX citations_event ON citations (event, seq) WHERE event IS NOT NULL;
CREATE INDEX citations_role ON citations (actor, role, seq) WHERE actor IS NOT NULL;
CREATE INDEX citations_source ON citations (source);
"""

#: Folded search text, one row per event (rowid = pos), actor and source (rowid = their seq).
#: Contentless (the text is not kept: each field is matched again on the entries found) and
#: without positions (detail = none): a needle is looked up as the AND of its trigrams, a
#: superset of the entries holding it.
SEARCH_FTS = """
CREATE VIRTUAL TABLE event_search USING fts5 (text, tokenize = 'trigram', detail = 'none', content = '');
CREATE VIRTUAL TABLE actor_search USING fts5 (text, tokenize = 'trigram', detail = 'none', content = '');
CREATE VIRTUAL TABLE source_search USING fts5 (text, tokenize = 'trigram', detail = 'none', content = '');
"""
SEARCH_PLAIN = """
CREATE TABLE event_search (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE actor_search (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE source_search (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL);
"""
SEARCH_TABLES = ("event_search", "actor_search", "source_search")

#: The shortest needle the trigram index can find; shorter ones are found by scanning.
TRIGRAM_MIN = 3


def has_trigram_fts() -> bool:
    """Whether this Python's SQLite has FTS5 with the trigram tokenizer."""
    try:
        with sqlite3.connect(":memory:") as db:
            db.execute("CREATE VIRTUAL TABLE probe USING fts5 (text, tokenize = 'trigram')")
        return True
    except sqlite3.Error:
        return False


def _run(db: sqlite3.Connection, script: str) -> None:
    """Each statement of `script` (executescript would commit the transaction the build is in)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def create(db: sqlite3.Connection, fts: bool) -> None:
    """The tables of an empty index (the indexes come later: `create_indexes`)."""
    _run(db, TABLES + (SEARCH_FTS if fts else SEARCH_PLAIN))
    if fts:  # while rows go in: 64 MB of terms held before a segment is written, no merging but
        # in a crisis; one merge at the end (`merge_search`). A third faster at 500,000 events.
        for table in SEARCH_TABLES:
            for option, value in (("automerge", 0), ("crisismerge", 64), ("hashsize", 64 << 20)):
                db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('{option}', {value})")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {FORMAT}")


def create_indexes(db: sqlite3.Connection) -> None:
    _run(db, INDEXES)


def merge_search(db: sqlite3.Connection, tables: tuple[str, ...] = SEARCH_TABLES) -> None:
    """Each full-text table of `tables` merged into one segment, FTS5's usual settings back."""
    for table in tables:
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        for option, value in (("automerge", 4), ("crisismerge", 16), ("hashsize", 1 << 20)):  # the defaults
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('{option}', {value})")


def sort_day(published: DateSpan | None) -> int:
    """`sources.sort_day` of a source published on `published`: with (published_hi, id), the
    order of answers.source_order (dated by dates.sort_key, undated last)."""
    return sort_key(published)[0].toordinal() if published is not None else MAX_DAY + 1


def trigrams(needle: str) -> str:
    """An FTS5 query for the rows holding every trigram of `needle` (at least TRIGRAM_MIN
    characters of folded text: letters, digits and single spaces, nothing to escape)."""
    grams = dict.fromkeys(needle[i : i + TRIGRAM_MIN] for i in range(len(needle) - TRIGRAM_MIN + 1))
    return " AND ".join(f'"{gram}"' for gram in grams)
