"""Rich views of ties (a tree) and activity (a bar chart). Data strings go in as Text."""

from __future__ import annotations

from typing import IO

from rich.text import Text
from rich.tree import Tree

from ..dates import describe
from .terminal import STATUS_STYLE, console, t

BAR_WIDTH = 50
GROUP_STYLES = ("green", "yellow", "cyan", "magenta", "red", "blue", "bright_green", "bright_yellow")


def _tie_label(tie, names: dict[str, str]) -> Text:
    text = t(names.get(tie.far, tie.far), "bold")
    text.append_text(t(f" ({tie.far})", "dim"))
    n = tie.weight
    text.append(f"  {n} event{'s' if n != 1 else ''}")
    if tie.first is not None and tie.last is not None:
        first, last = describe(tie.first), describe(tie.last)
        text.append_text(t(f", {first}" if last == first else f", first {first}, last {last}", "dim"))
    if tie.tags:
        tags = sorted(tie.tags, key=lambda g: (-tie.tags[g], g))
        text.append_text(t("  " + ", ".join(tags), "italic"))
    return text


def print_ties(out: IO[str], root: str, ties: list, names: dict[str, str]) -> None:
    """A tree: each actor under the one through which it was first reached; a tie between two
    actors already in the tree is listed under the nearer one, marked "also"."""
    label = t(names.get(root, root), "bold")
    label.append_text(t(f" ({root})", "dim"))
    tree = Tree(label)
    nodes = {root: tree}
    for tie in ties:
        parent = nodes.get(tie.near)
        if parent is None:  # pragma: no cover - ties come nearer first
            continue
        if tie.far in nodes:
            also = Text("also ↔ ", style="dim")
            also.append_text(_tie_label(tie, names))
            parent.add(also)
        else:
            nodes[tie.far] = parent.add(_tie_label(tie, names))
    console(out).print(tree)


def print_activity(out: IO[str], act, heading: str) -> None:
    """One line per period: a bar per group (solid: events dated inside the period; light:
    events that may fall in it or elsewhere), then the numbers; then the unplaced events."""
    periods = act.periods
    groups = sorted({g for p in periods for g in (*p.events, *p.spanning)} | set(act.unplaced))
    styles = {g: STATUS_STYLE.get(g, GROUP_STYLES[i % len(GROUP_STYLES)]) for i, g in enumerate(groups)}
    for g in groups:
        if styles[g] == "red strike":
            styles[g] = "red"
    most = max((sum(p.events.values()) + sum(p.spanning.values()) for p in periods), default=0) or 1
    scale = min(1.0, BAR_WIDTH / most)
    c = console(out)
    c.print(t(heading, "bold"))
    legend = Text("█ dated in the period  ░ may fall in it or elsewhere   ")
    for g in groups:
        legend.append_text(t(f"■ {g} ", styles[g]))
    c.print(legend)
    width = max((len(p.key) for p in periods), default=4)
    for p in periods:
        line = Text(p.key.ljust(width) + " ")
        for counts, char in ((p.events, "█"), (p.spanning, "░")):
            for g in groups:
                n = counts.get(g, 0)
                if n:
                    line.append(char * max(1, round(n * scale)), style=styles[g])
        inside, maybe = sum(p.events.values()), sum(p.spanning.values())
        line.append(f" {inside}" + (f" (+{maybe} spanning)" if maybe else ""), style="dim")
        present = [g for g in groups if g in p.events or g in p.spanning]
        if len(present) > 1:  # the split in words too, for a screen without colour
            parts = [f"{g} {p.events.get(g, 0)}" + (f"+{p.spanning[g]}" if g in p.spanning else "") for g in present]
            line.append_text(t(": " + ", ".join(parts), "dim"))
        c.print(line, overflow="ellipsis", no_wrap=True)
    if act.unplaced:
        n = sum(act.unplaced.values())
        unit = "periods" if not periods else ("years" if len(periods[0].key) == 4 else "months")
        groups_text = ", ".join(f"{g} {k}" for g, k in sorted(act.unplaced.items()))
        c.print(t(f"unplaced: {n} (an open end or a date over more than 12 {unit}: {groups_text})", "dim"))
