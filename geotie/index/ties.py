"""`geotie ties` answered in SQL: the walk of geotie.ties.ties over the index's event-actor
links, into temporary tables (on the connection, apart from the index file, which may be
open read-only), then read back a tie at a time in the answer's order.

At a million events a walk two steps out finds about half a million ties over millions of
shared listings: walked in Python it held every tie with its events (about 1 GB); here
SQLite sorts and groups them, spilling to its temporary files, and this process holds one
batch of ties. The walk is the one geotie.ties.ties takes (a property test compares them on
any valid store): step n goes out from the actors first reached at step n-1 (the frontier),
in the order they were reached; an actor is reached first through the frontier actor
reached first, then its earliest event, then its place in that event's actors; a tie
between two frontier actors is recorded from the one reached first; each event the two
share counts once.

Like a profile's "most together" counts, the walk and its counts trust the stored links,
dates, ids and tags; they are not checked against each event's checksum (that would mean
decoding every shared event, the cost this module removes).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from ..dates import parse_edtf
from ..ties import Tie
from .db import Index

TEMP_CACHE_KB = 8192  # pages of the temporary tables kept in memory (beyond: SQLite's temporary files)
MAIN_CACHE_KB = 32768  # and of the index (the walk reads events here and there: 8 MB made it 1.5x slower)
_SEP = " "  # between the ids of a tie's events (ids are slugs)

_TABLES = {  # name -> definition (Index.temp_table)
    # the walk these tables hold (a Ties reads only its own walk's)
    "tie_walk": "(walk INTEGER NOT NULL)",
    # each actor reached: its step (0: the root) and its order among those reached at that step
    "tie_reached": "(actor TEXT PRIMARY KEY, step INTEGER NOT NULL, rank INTEGER NOT NULL) WITHOUT ROWID",
    # a step's ties: one row per listing of a frontier actor (near) in an event with each listing
    # of another actor it ties to (far)
    "tie_step": "(rank INTEGER NOT NULL, near TEXT NOT NULL, pos INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " far TEXT NOT NULL, far_seq INTEGER NOT NULL, new INTEGER NOT NULL)",
    # the shared events of each tie, in timeline order
    "tie_events": "(near TEXT NOT NULL, far TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (near, far, pos))"
    " WITHOUT ROWID",
    "tie_found": "(near TEXT NOT NULL, far TEXT NOT NULL, depth INTEGER NOT NULL, weight INTEGER NOT NULL,"
    " first INTEGER NOT NULL, last INTEGER NOT NULL)",
}
_WALKS = itertools.count(1)  # each walk's number, unique in this process

_STEP = (  # the frontier's listings with each listing of another actor of the event that makes
    # a tie: one not reached yet, or one of the frontier reached later (one reached earlier
    # recorded the tie from its side); `new`: not reached yet
    "INSERT INTO temp.tie_step SELECT f.rank, a.actor, a.pos, a.seq, o.actor, o.seq, r.actor IS NULL"
    " FROM temp.tie_reached f JOIN event_actors a ON a.actor = f.actor"
    " JOIN event_actors o ON o.pos = a.pos AND o.actor != a.actor"
    " LEFT JOIN temp.tie_reached r ON r.actor = o.actor"
    " WHERE f.step = ? AND (r.actor IS NULL OR (r.step = f.step AND r.rank > f.rank))"
)
_REACHED = (  # the actors first reached at this step, in the order the walk meets them
    "INSERT INTO temp.tie_reached (actor, step, rank)"
    " SELECT far, ?, row_number() OVER (ORDER BY rank, pos, seq, far_seq) FROM"
    " (SELECT far, rank, pos, seq, far_seq,"
    "  row_number() OVER (PARTITION BY far ORDER BY rank, pos, seq, far_seq) AS n"
    "  FROM temp.tie_step WHERE new)"
    " WHERE n = 1"
)
_TIED = (  # two actors share an event once, however often it lists them: the key keeps one row
    "INSERT OR IGNORE INTO temp.tie_events SELECT near, far, pos FROM temp.tie_step"
    " ORDER BY near, far, pos"  # sorted first, then written in order: quicker
)
_LAST_REACHED = (  # at the last step the order in which actors are reached matters no more
    "INSERT INTO temp.tie_reached (actor, step, rank) SELECT DISTINCT far, ?, 0 FROM temp.tie_step WHERE new"
)
_FOUND = (  # each tie once, at the depth one step beyond its nearer actor, in the answer's order
    # (the rowid): sorted here, without the strings a tie is printed with
    "INSERT INTO temp.tie_found SELECT w.near, w.far, r.step + 1 AS depth, count(*) AS weight, min(w.pos),"
    " max(w.pos) FROM temp.tie_events w JOIN temp.tie_reached r ON r.actor = w.near GROUP BY w.near, w.far"
    " ORDER BY depth, weight DESC, w.near, w.far"
)
_ORDER = " ORDER BY t.rowid"


class Ties:
    """The ties of one walk, read from its temporary tables each time they are gone through
    (a graph goes through them twice). A new walk on the same connection replaces the tables:
    this one then refuses to be read (RuntimeError)."""

    def __init__(self, ix: Index, root: str, depth: int, detail: bool = True) -> None:
        """`detail`: each tie with its first and last date, tags and event ids (tsv, json,
        table); without it only the two actors, the depth and the weight (dot, mermaid)."""
        self._ix, self.root, self.detail = ix, root, detail
        self._walk = next(_WALKS)
        _walk(ix, root, depth, self._walk)

    def __iter__(self) -> Iterator[Tie]:
        self._check()
        return self._detailed() if self.detail else self._plain()

    def __bool__(self) -> bool:
        self._check()
        return bool(self._ix.rows("SELECT EXISTS (SELECT 1 FROM temp.tie_found)")[0][0])

    def actors(self) -> list[str]:
        """Every actor the walk reached (the root first)."""
        self._check()
        return [row[0] for row in self._ix.rows("SELECT actor FROM temp.tie_reached ORDER BY step, rank")]

    def _check(self) -> None:
        if self._ix.rows("SELECT walk FROM temp.tie_walk") != [(self._walk,)]:
            raise RuntimeError("another walk on this connection replaced these ties")

    def _plain(self) -> Iterator[Tie]:
        cursor = self._ix.cursor(f"SELECT t.near, t.far, t.depth, t.weight FROM temp.tie_found t{_ORDER}")
        while rows := self._ix.fetch(cursor, 1000):
            for near, far, depth, weight in rows:
                yield Tie(near, far, depth, count=weight)

    def _detailed(self) -> Iterator[Tie]:
        tags = (
            # each tag as `count:hex` (a tag may hold any character, NUL too)
            "(SELECT group_concat(n || ':' || hex(tag), ' ') FROM (SELECT g.tag, count(*) AS n"
            " FROM temp.tie_events w JOIN event_tags g ON g.pos = w.pos"
            " WHERE w.near = t.near AND w.far = t.far GROUP BY g.tag))"
        )
        ids = (  # in timeline order: SQLite does not flatten an ordered subquery into an aggregate
            f"(SELECT group_concat(id, '{_SEP}') FROM (SELECT e.id FROM temp.tie_events w"
            " JOIN events e ON e.pos = w.pos WHERE w.near = t.near AND w.far = t.far ORDER BY w.pos))"
        )
        sql = (
            f"SELECT t.near, t.far, t.depth, t.weight, f.date, l.date, {tags}, {ids} FROM temp.tie_found t"
            f" JOIN events f ON f.pos = t.first JOIN events l ON l.pos = t.last{_ORDER}"
        )
        dates: dict[str, object] = {}  # date text -> span: a store repeats its dates
        cursor = self._ix.cursor(sql)
        while rows := self._ix.fetch(cursor, 500):
            for near, far, depth, weight, first, last, tagged, listed in rows:
                for text in (first, last):
                    if text not in dates:
                        dates[text] = parse_edtf(text)
                events = listed.split(_SEP)
                if len(events) != weight:
                    raise self._ix.damaged(f"the tie {near} - {far} lost events")
                yield Tie(
                    near,
                    far,
                    depth,
                    events,
                    dates[first],
                    dates[last],
                    _tags(tagged) if tagged else {},
                    count=weight,
                )
            if len(dates) > 10_000:
                dates.clear()


def _tags(counted: str) -> dict[str, int]:
    """Tag -> count from `count:hex` items (the tag's UTF-8 in hex); most first."""
    found = []
    for item in counted.split(" "):
        n, tag = item.split(":")
        found.append((bytes.fromhex(tag).decode("utf-8"), int(n)))
    return dict(sorted(found, key=lambda p: (-p[1], p[0])))


def _walk(ix: Index, root: str, depth: int, walk: int) -> None:
    """The walk `depth` steps out from `root`, into the temporary tables (numbered `walk`)."""
    ix.work(f"PRAGMA temp.cache_size = -{TEMP_CACHE_KB}")
    ix.work(f"PRAGMA main.cache_size = -{MAIN_CACHE_KB}")
    for name, definition in _TABLES.items():
        ix.temp_table(name, definition)
    ix.work("INSERT INTO temp.tie_walk VALUES (?)", [walk])
    ix.work("INSERT INTO temp.tie_reached VALUES (?, 0, 0)", [root])
    for step in range(1, depth + 1):
        ix.work("DELETE FROM temp.tie_step")
        ix.work(_STEP, [step - 1])
        ix.work(_REACHED if step < depth else _LAST_REACHED, [step])
        ix.work(_TIED)
    ix.work("DELETE FROM temp.tie_step")
    ix.work(_FOUND)
