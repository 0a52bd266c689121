"""Who an actor is tied to through shared events: a breadth-first walk over co-occurrence.

Pure: it takes a function giving the events of an actor (the query layer's answer), so it
does not care how the events are stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .answers import RowEvent
from .dates import sort_key
from .model import DateSpan, Event


@dataclass
class Tie:
    """Two actors and the events they share. `near` is the actor closer to the root (found
    first); `far` is at `depth` steps from the root."""

    near: str
    far: str
    depth: int
    events: list[str] = field(default_factory=list)  # event ids, timeline order (where asked for)
    first: DateSpan | None = None  # the date of the first shared event (see `add`)
    last: DateSpan | None = None  # and of the last
    tags: dict[str, int] = field(default_factory=dict)  # tag -> shared events with it
    count: int = 0  # shared events
    _span: tuple = field(default=(), repr=False, compare=False)  # sort keys of first and last

    def add(self, e: Event | RowEvent) -> None:
        """One more shared event. `first`/`last`: the earliest and latest by sort key; of
        events with equal keys, the one added first is first and the one added last is last
        (added in timeline order: the first and last in it)."""
        self.count += 1
        self.events.append(e.id)
        key = sort_key(e.date)  # once per event: a walk two steps out adds events by the 100,000
        if self.first is None:
            self.first = self.last = e.date
            self._span = (key, key)
        else:
            lo, hi = self._span
            if key < lo:
                self.first, lo = e.date, key
            if key >= hi:
                self.last, hi = e.date, key
            self._span = (lo, hi)
        for tag in e.tags:
            self.tags[tag] = self.tags.get(tag, 0) + 1

    @property
    def weight(self) -> int:
        return self.count


def ties(root: str, events_of: Callable[[str], Iterable[Event | RowEvent]], depth: int = 1) -> list[Tie]:
    """The ties found walking `depth` steps out from `root`: at step 1 every actor sharing an
    event with the root; at step n, every actor sharing an event with one found at step n-1.
    Each pair of actors appears once (a tie between two actors found at the same step is kept,
    with the depth of that step). Ordered by depth, then most shared events, then id."""
    seen = {root: 0}
    found: dict[frozenset[str], Tie] = {}
    frontier = [root]
    for step in range(1, depth + 1):
        nxt: list[str] = []
        for actor in frontier:
            for e in events_of(actor):
                for other in dict.fromkeys(e.actors):
                    if other == actor:
                        continue
                    if other not in seen:
                        seen[other] = step
                        nxt.append(other)
                    if seen[other] < seen[actor]:
                        continue  # the tie was recorded from the nearer side
                    key = frozenset((actor, other))
                    tie = found.get(key)
                    if tie is None:
                        tie = found[key] = Tie(actor, other, seen[other] if seen[other] > seen[actor] else step)
                    elif tie.near != actor:
                        continue  # both actors at the same step: count each shared event once
                    tie.add(e)
        frontier = nxt
    return sorted(found.values(), key=lambda t: (t.depth, -t.weight, t.near, t.far))
