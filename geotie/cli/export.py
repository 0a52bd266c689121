"""Publishing outputs of the reading commands: the HTML page and TimelineJS JSON of a
timeline, Markdown with footnotes (`timeline --cite -f md`), CSL-JSON and biblatex of sources.
Written to stdout, or for the page to a file (`geotie page -o FILE`)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, query
from ..errors import UsageError
from ..model import Actor
from .base import heading_for, say

if TYPE_CHECKING:
    from ..index.facts import Facts


def page_events(facts: Facts, q: query.TimelineQuery, explicit_limit: bool):
    """The events for a page and how many matched: without --limit, at most PAGE_MAX."""
    from ..render.page import PAGE_MAX

    if explicit_limit:
        events = facts.timeline(q)
        return events, len(events)
    events, matched = [], 0
    for event in facts.iter_timeline(q._replace(limit=None)):  # the rest only counted, not kept
        if matched < PAGE_MAX:
            events.append(event)
        matched += 1
    return events, matched


MORE_HINT = (
    "Narrow the query (actors, --tag, --status, --since/--until) or give --limit N to put more on one page; "
    "the other formats (-f tsv, -f json) list every event."
)


def page_text(facts: Facts, q: query.TimelineQuery, resolved: list[Actor], explicit_limit: bool) -> str:
    from ..render.page import write_page

    events, matched = page_events(facts, q, explicit_limit)
    if matched > len(events):
        say(f"warning: the page shows the first {len(events):,} of {matched:,} matching events. {MORE_HINT}")
    out = io.StringIO()
    write_page(
        out,
        events,
        facts.actors,
        facts.source,
        heading_for(resolved),
        matched,
        generated=f"made by geotie {__version__}",
        more_hint=MORE_HINT,
    )
    return out.getvalue()


def publish_timeline(fmt: str, facts: Facts, q: query.TimelineQuery, resolved: list[Actor], explicit_limit: bool):
    """`timeline -f html|timelinejs`, `timeline --cite -f md`, on stdout."""
    if fmt == "html":
        sys.stdout.write(page_text(facts, q, resolved, explicit_limit))
        return
    if fmt == "timelinejs":
        from ..render.timelinejs import stream_timelinejs

        stream_timelinejs(facts.iter_timeline(q), facts.source, heading_for(resolved), sys.stdout)
    else:
        from ..render.citations import write_md_cited

        write_md_cited(facts.timeline(q), facts.source, sys.stdout)


def publish_sources(fmt: str, sources) -> None:
    from ..render import citations

    (citations.write_csljson if fmt == "csljson" else citations.write_bibtex)(sources, sys.stdout)


def write_page_file(target: Path, text: str, force: bool) -> None:
    """Write the page to `target`, replacing a file only when geotie wrote it (or `force`):
    whatever else is there is the user's."""
    from ..render.page import GENERATOR
    from ..store.write import _signature, _write_atomically

    if target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name, e.g. {target / 'timeline.html'}")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent} does not exist; create the folder first or write elsewhere")
    if target.exists() and not force:
        try:
            with target.open("rb") as f:
                head = f.read(2048)
        except OSError as err:
            raise UsageError(f"cannot read {target}: {err.strerror}") from None
        if GENERATOR.encode() not in head:
            raise UsageError(
                f"{target} exists and is not a page geotie wrote; nothing was written. "
                "Choose another name, or give --force to replace it"
            )
    try:
        _write_atomically(target, text, 0o644 & ~_umask(), _signature(target))
    except OSError as err:
        raise UsageError(f"cannot write {target}: {err.strerror}; nothing was written") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
