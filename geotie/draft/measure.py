"""How a draft compares with a curated store: which of the store's events citing the source
it would have proposed (a candidate's sentence holds the event's quote, or part of it), which
of those with the store's date or a wider one containing it, and how many candidates the
store has no event for."""

from __future__ import annotations

from typing import NamedTuple

from ..model import DateSpan, Store
from .propose import Candidate


class Measure(NamedTuple):
    source: str
    events: int  # the store's events citing the source
    proposed: list[str]  # of those, the ones a candidate's sentence quotes
    dated: list[str]  # of those, the ones a candidate also dates the same or wider
    candidates: int
    new: int  # candidates no store event cites


def contains(outer: DateSpan, inner: DateSpan) -> bool:
    """Every day `inner` may cover, `outer` may cover too (an open end covers all)."""
    return outer.lo <= inner.lo and inner.hi <= outer.hi


def measure(store: Store, source: str, candidates: list[Candidate]) -> Measure:
    events = [e for e in store.events if any(c.source == source for c in e.citations)]
    proposed, dated = [], []
    for e in events:
        mine = [c for c in candidates if e.id in c.cited_by]
        if mine:
            proposed.append(e.id)
            if any(contains(c.dating.span, e.date) for c in mine):
                dated.append(e.id)
    new = sum(1 for c in candidates if not c.cited_by)
    return Measure(source, len(events), proposed, dated, len(candidates), new)
