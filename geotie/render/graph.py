"""Ties as a graph: Mermaid (`graph LR`) and Graphviz DOT. Plain text, never through Rich.

Nodes are numbered (`n0`, `n1`...), so no store string is ever an identifier; labels are
quoted with every character that could end or change them written as an entity (Mermaid)
or escaped (DOT). Edges are weighted by shared events: the count is the label and sets the
width."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from ..text import visible


def _nodes(root: str, ties: Iterable) -> tuple[dict[str, str], int]:
    """Each actor's node id, numbered in the order the ties name them, and the heaviest tie's
    weight (1 if none): one pass over the ties (the edges are a second one)."""
    ids: dict[str, str] = {root: "n0"}
    heaviest = 1
    for t in ties:
        for a in (t.near, t.far):
            ids.setdefault(a, f"n{len(ids)}")
        heaviest = max(heaviest, t.weight)
    return ids, heaviest


def _mermaid_label(text: str) -> str:
    """Mermaid label text inside double quotes: `"`, `#`, `<`, `>`, `&` and the brackets as
    `#code;` entities, which Mermaid decodes for display."""
    text = visible(" ".join(text.splitlines()))
    return "".join(f"#{ord(ch)};" if ch in '"#<>&[](){}|`;' else ch for ch in text)


def write_mermaid(root: str, ties: Iterable, names: dict[str, str], out: IO[str]) -> None:
    """`ties`: gone through twice (nodes, then edges)."""
    ids, heaviest = _nodes(root, ties)
    out.write("graph LR\n")
    for actor, node in ids.items():
        out.write(f'  {node}["{_mermaid_label(names.get(actor, actor))}"]\n')
    for i, t in enumerate(ties):
        out.write(f"  {ids[t.near]} ---|{t.weight}| {ids[t.far]}\n")
        width = 1 + round(4 * t.weight / heaviest)
        out.write(f"  linkStyle {i} stroke-width:{width}px\n")
    out.write(f"  style {ids[root]} stroke-width:3px\n")


def _dot_label(text: str) -> str:
    text = visible(" ".join(text.splitlines()))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(root: str, ties: Iterable, names: dict[str, str], out: IO[str]) -> None:
    """`ties`: gone through twice (nodes, then edges)."""
    ids, _ = _nodes(root, ties)
    out.write("graph ties {\n  node [shape=box];\n")
    for actor, node in ids.items():
        extra = ", penwidth=3" if actor == root else ""
        out.write(f"  {node} [label={_dot_label(names.get(actor, actor))}, tooltip={_dot_label(actor)}{extra}];\n")
    for t in ties:
        attrs = f'label="{t.weight}", weight={t.weight}, penwidth={1 + t.weight}'
        out.write(f"  {ids[t.near]} -- {ids[t.far]} [{attrs}];\n")
    out.write("}\n")
