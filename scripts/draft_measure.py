"""Measure `geotie draft` on the seed articles against the bundled store: for each source
with an archived article, how many of the store's events citing it a draft would have
proposed (a candidate's sentence quotes them), how many of those with the store's date or a
wider one containing it, and how many candidates the store has no event for.

    python scripts/draft_measure.py [SEEDS_DIR]    # a Markdown table, as in the README
"""

from __future__ import annotations

import sys
from pathlib import Path

from geotie.draft.measure import measure
from geotie.draft.propose import draft
from geotie.store import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"no articles: {seeds} is not a folder", file=sys.stderr)
        return 1
    store = load()
    rows = []
    for source in store.sources.values():
        if not source.archive or not (seeds / source.archive).is_file() or source.published is None:
            continue
        text = (seeds / source.archive).read_text(encoding="utf-8")
        rows.append(measure(store, source.id, draft(text, store, source.id, source.published)))
    print("| source (published) | store events | proposed | same or wider date | candidates | not in the store |")
    print("|---|---|---|---|---|---|")
    for m in rows:
        when = store.sources[m.source].published.text
        print(f"| `{m.source}` ({when}) | {m.events} | {len(m.proposed)} | {len(m.dated)} | {m.candidates} | {m.new} |")
    counts = [(m.events, len(m.proposed), len(m.dated), m.candidates, m.new) for m in rows]
    total = [sum(column) for column in zip(*counts, strict=True)]
    print(f"| all | {' | '.join(str(t) for t in total)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
