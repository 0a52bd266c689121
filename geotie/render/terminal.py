"""Rich views for a terminal. Every data string goes in as `Text` (never markup) after
`visible()`, so data cannot style the output or drive the terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.text import Text

from ..answers import CitingFact, Hit, Lookups, Profile, RowEvent, cited_sources
from ..dates import describe
from ..model import Actor, Citation, Event, Role, Source
from ..text import visible
from .richtable import Table
from .rows import _role_dates, actor_name, snippet

STATUS_STYLE = {"planned": "yellow", "ongoing": "cyan", "reported": "magenta", "cancelled": "red strike"}


class _Console(Console):
    """Rich's Console, except that a reader who stops reading (`| head -1`) raises
    BrokenPipeError for geotie's own edge to handle (status 0, nothing on stderr): Rich's own
    handling exits with status 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is written by this console
        raise BrokenPipeError


def console(out: IO[str]) -> Console:
    return _Console(file=out, highlight=False, markup=False, emoji=False)


def panel(body: Text, **options) -> Any:
    """A rounded Rich panel (rich.panel imported here: a timeline or a list never draws one)."""
    from rich.panel import Panel

    return Panel(body, box=box.ROUNDED, **options)


def t(value: str, style: str = "") -> Text:
    return Text(visible(value), style=style)


def when(e: Event | RowEvent) -> Text:
    text = t(describe(e.date))
    if e.date.approximate or e.date.uncertain:
        text.stylize("italic")
    return text


def status(e: Event | RowEvent) -> Text:
    return t(e.status, STATUS_STYLE.get(e.status, "dim"))


def event_title(e: Event | RowEvent) -> Text:
    """The title, with any status other than "occurred" in front of it: "planned: ..."."""
    if e.status == "occurred":
        return t(e.title, "bold")
    text = status(e)
    text.append(": ")
    text.append_text(t(e.title))
    return text


class Citations:
    """Numbers each distinct (source, quote) once, for --cite footnotes."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}

    def refs(self, citations: tuple[Citation, ...]) -> str:
        out = []
        for c in citations:
            key = (c.source, c.quote)
            self.numbers.setdefault(key, len(self.numbers) + 1)
            out.append(f"[{self.numbers[key]}]")
        return "".join(out)

    def render(self, store: Lookups) -> Text:
        text = Text()
        for (source_id, quote), n in self.numbers.items():
            s = store.sources[source_id]
            when = describe(s.published) if s.published else "undated"
            text.append(f"[{n}] ", style="bold")
            text.append(visible(f"“{quote}”"))
            text.append(visible(f" — {s.id}, {when}") + "\n", style="dim")
        text.rstrip()
        return text


def actor_names(
    store: Lookups, ids: tuple[str, ...], hide: set[str], most: int = 4, named: Mapping[str, str] | None = None
) -> str:
    """Names of the actors not already named by the query, at most `most` of them. `named`:
    id -> name, read beforehand (index.queries.actor_labels); else each is looked up in `store`."""
    if named is not None:
        names = [named.get(a, a) for a in ids if a not in hide]
    else:
        names = [actor_name(store, a) for a in ids if a not in hide]
    if len(names) > most:
        names = [*names[:most], f"+{len(names) - most} more"]
    return ", ".join(names)


def events_table(
    store: Lookups,
    events: list[Event] | list[RowEvent],
    cite: Citations | None,
    title: str = "",
    hide: set[str] | None = None,
    roles_of=None,
    corroboration_of=None,
    named: Mapping[str, str] | None = None,
) -> Table:
    """`roles_of` (timeline --with-roles): event -> geotie.tenure.event_roles, a "Roles then"
    column; `corroboration_of` (timeline): event -> independent sources, an "Indep" column.
    Events, or RowEvents where neither `cite` nor `roles_of` is given; `named`: see actor_names."""
    heading = t(title, "table.title") if title else None  # Text: Rich would take a str title as it is
    table = Table(title=heading, box=box.SIMPLE_HEAD, show_lines=False, title_justify="left")
    table.add_column("When", no_wrap=True, max_width=20)
    table.add_column("Event", ratio=4, min_width=24)
    table.add_column("With" if hide else "Actors", ratio=2, min_width=12)
    if roles_of is not None:
        table.add_column("Roles then", ratio=2, min_width=12)
    if corroboration_of is not None:
        table.add_column("Indep", justify="right", width=5)
    table.add_column("Cites" if cite else "Sources", ratio=2 if not cite else None, min_width=5, overflow="fold")
    for e in events:
        refs = cite.refs(e.citations) if cite else ", ".join(cited_sources(e))  # type: ignore[union-attr]
        cells = [when(e), event_title(e), t(actor_names(store, e.actors, hide or set(), named=named), "dim")]
        if roles_of is not None:
            cells.append(t("; ".join(f"{r.holder.name}: {r.role.title} ({r.state})" for r in roles_of(e))))
        if corroboration_of is not None:
            cells.append(t(str(corroboration_of(e))))
        cells.append(t(refs, "dim"))
        table.add_row(*cells)
    return table


#: Rows of a table laid out at a time: a longer table is printed a part at a time (print_in_parts).
TABLE_PART = 1000


def print_in_parts(c: Console, items: Iterable, table_for: Callable[[list], Table]) -> None:
    """The table `table_for(items)` makes. Up to TABLE_PART items: that table, as Rich lays it
    out. More: a part of TABLE_PART items at a time, so that neither the items nor Rich's
    drawing of them are all held (a country of a million-event store has hundreds of
    thousands of rows): the first part laid out by Rich, each later one with the first
    one's column widths and no title or header, the parts joined where their edges meet --
    the text of one table of every row with those widths."""
    found = iter(items)
    table = table_for(list(islice(found, TABLE_PART)))
    following = list(islice(found, TABLE_PART))
    if not following:
        c.print(table)
        return
    lines = c.render_lines(table, pad=False, new_lines=True)
    _print_lines(c, lines[:-1])  # but its bottom edge
    widths = table.widths
    while following:
        part = table_for(following)
        following = list(islice(found, TABLE_PART))
        part.title, part.show_header = None, False
        part.fix_widths(widths)
        lines = c.render_lines(part, pad=False, new_lines=True)
        _print_lines(c, lines[1:-1] if following else lines[1:])  # but its top edge (and bottom)


def _print_lines(c: Console, lines: list) -> None:
    from rich.segment import Segments

    c.print(Segments([segment for line in lines for segment in line]), end="")


def print_timeline(
    out: IO[str],
    store: Lookups,
    events: Iterable[Event] | Iterable[RowEvent],
    cite: bool,
    heading: str,
    hide: set[str],
    roles_of=None,
    corroboration_of=None,
    names_of: Callable[[list], Mapping[str, str]] | None = None,
) -> None:
    """`names_of(part)`: the names of a part's events' actors (print_in_parts; see
    actor_names), read once per part; None: each is looked up in `store`."""
    c = console(out)
    numbers = Citations() if cite else None

    def table_for(part: list) -> Table:
        named = names_of(part) if names_of is not None else None
        return events_table(store, part, numbers, heading, hide, roles_of, corroboration_of, named)

    print_in_parts(c, events, table_for)
    if numbers:
        c.print(numbers.render(store))


def print_event(
    out: IO[str],
    store: Lookups,
    e: Event,
    roles: list | None = None,
    corroboration: int | None = None,
    titles: dict[str, str] | None = None,
    fulfilled_by: list[Event] | None = None,
) -> None:
    """`roles`: geotie.tenure.event_roles(e, ...), shown as a Roles line; `corroboration`:
    how many independent sources back it, a Backed line; `titles`: event id -> title, for the
    Fulfils line; `fulfilled_by`: the events carrying it out, a "Fulfilled by" line."""
    lines = Text(end="")
    width = 14 if fulfilled_by else 9  # the labels' column: wider only for "Fulfilled by"

    def field(label: str, value: str, style: str = "") -> None:
        if value:
            lines.append(f"{label:<{width}}", style="bold")
            lines.append(visible(value) + "\n", style=style)

    field("When", f"{describe(e.date)}   ({e.date.text})")
    field("Wording", e.date_text)
    field("Dating", e.date_note, "dim")
    lines.append(f"{'Status':<{width}}", style="bold")
    lines.append_text(status(e))
    lines.append("\n")
    field("Actors", ", ".join(f"{actor_name(store, a)} ({a})" for a in e.actors))
    if roles:
        field("Roles", "; ".join(f"{r.holder.name}: {r.role.title} ({r.state})" for r in roles))
    field("Tags", ", ".join(e.tags))
    field("Type", plover_type(e))
    field("Summary", e.summary)
    field("Outcome", e.outcome)
    if e.fulfils:
        title = (titles or {}).get(e.fulfils)
        field("Fulfils", f"{title} ({e.fulfils})" if title else e.fulfils)
    if fulfilled_by:
        field("Fulfilled by", "; ".join(f"{f.title} ({f.id}, {describe(f.date)})" for f in fulfilled_by))
    if corroboration is not None:
        field("Backed", f"by {corroboration} independent source" + ("" if corroboration == 1 else "s"))
    field("Id", e.id, "dim")
    numbers = Citations()
    numbers.refs(e.citations)
    c = console(out)
    lines.rstrip()
    c.print(panel(lines, title=t(e.title, "bold"), title_align="left"))
    c.print(numbers.render(store))


def plover_type(e: Event) -> str:
    """`CONSULT (mode visit; context diplomatic)`: the event's PLOVER type, "" when it has none."""
    if not e.type:
        return ""
    more = ([f"mode {e.mode}"] if e.mode else []) + ([f"context {', '.join(e.context)}"] if e.context else [])
    return e.type + (f" ({'; '.join(more)})" if more else "")


def role_span(r: Role) -> str:
    """What the sources say of the tenure: its bounds (`start`/`end`: "since 2025",
    "2019 – 2024"), then the dates it is attested on ("in office Jan 2025, Feb 2025")."""
    parts = []
    if r.start and r.end:
        parts.append(f"{describe(r.start)} – {describe(r.end)}")
    elif r.start:
        word = describe(r.start)
        parts.append(word if word.startswith("since ") else f"since {word}")
    elif r.end:
        parts.append(f"until {describe(r.end)}")
    if r.attested:
        parts.append("in office " + ", ".join(describe(d) for d in r.attested))
    return "; ".join(parts) or "undated"


def print_profile(
    out: IO[str], store: Lookups, p: Profile, names_of: Callable[[list], Mapping[str, str]] | None = None
) -> None:
    """`names_of(part)`: as print_timeline's, for the table of its events."""
    a = p.actor
    head = Text()
    head.append(visible(a.name), style="bold")
    head.append(f"  {a.kind}", style="dim")
    if a.country:
        head.append(visible(f"  of {actor_name(store, a.country)}"), style="dim")
    head.append(visible(f"  [{a.id}]") + "\n", style="dim")
    if a.aliases:
        head.append("Also: " + visible(", ".join(a.aliases)) + "\n")
    if a.demonyms:
        head.append("Demonyms: " + visible(", ".join(a.demonyms)) + "\n")
    if a.note:
        head.append(visible(a.note) + "\n", style="dim")
    head.rstrip()
    c = console(out)
    c.print(panel(head))
    numbers = Citations()
    for label, pairs in (("Roles", [(a, r) for r in p.roles]), ("Office holders", list(p.holders))):
        if not pairs:
            continue
        table = Table(title=label, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("When", "Title", "Of", "Cites"):
            table.add_column(col)
        for holder, r in pairs:
            span = role_span(r)
            title = r.title if holder is a else f"{holder.name}: {r.title}"
            table.add_row(
                t(span), t(title), t(actor_name(store, r.of) if r.of else ""), t(numbers.refs(r.citations), "dim")
            )
        c.print(table)
    if p.events:
        heading = f"Events ({len(p.events)})"

        def table_for(part: list) -> Table:
            named = names_of(part) if names_of is not None else None
            return events_table(store, part, numbers, heading, {a.id}, named=named)

        print_in_parts(c, p.events, table_for)
    if p.together:
        c.print(t("Appears most with: " + ", ".join(f"{o.name} ({n})" for o, n in p.together)))
    if numbers.numbers:
        c.print(numbers.render(store))


def print_actors(out: IO[str], items: Iterable[tuple[Actor, int]], id_width: int) -> None:
    """Each actor with its event count (a table in parts: print_in_parts); `id_width`: the
    longest id's length, so that every part's Id column holds every id whole."""

    def table_for(part: list) -> Table:
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("Id", no_wrap=True, min_width=max(id_width, 2))
        for col in ("Kind", "Name", "Country", "Also known as", "Events"):
            table.add_column(col, justify="right" if col == "Events" else "left")
        for a, n in part:
            table.add_row(t(a.id), t(a.kind, "dim"), t(a.name, "bold"), t(a.country), t(", ".join(a.aliases), "dim"),
                          t(str(n)))  # fmt: skip
        return table

    print_in_parts(console(out), items, table_for)


def print_sources(out: IO[str], items: Iterable[tuple[Source, int]], id_width: int) -> None:
    """Each source with how often it is cited, as print_actors."""

    def table_for(part: list) -> Table:
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("Id", no_wrap=True, min_width=max(id_width, 2))
        table.add_column("Published")
        table.add_column("Publisher", ratio=1)
        table.add_column("Title", ratio=2)
        table.add_column("Authors", ratio=1)
        table.add_column("Cited", justify="right")
        for s, n in part:
            table.add_row(t(s.id), t(describe(s.published) if s.published else "undated"), t(s.publisher),
                          t(s.title, "bold"), t(", ".join(s.authors)), t(str(n)))  # fmt: skip
        return table

    print_in_parts(console(out), items, table_for)


def print_source(out: IO[str], store: Lookups, s, facts: list[CitingFact]) -> None:
    lines = Text()
    for label, value in (
        ("Publisher", s.publisher),
        ("Authors", ", ".join(s.authors)),
        ("Published", f"{describe(s.published)}   ({s.published.text})" if s.published else "undated"),
        ("Evidence", s.published_note),
        ("Kind", s.kind),
        ("URL", s.url),
        ("Archive", s.archive),
        ("Id", s.id),
    ):
        if value:
            lines.append(f"{label:<10}", style="bold")
            lines.append(visible(value) + "\n")
    lines.rstrip()
    table = Table(title=f"Cited by {len(facts)} facts", box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("When", "Fact", "Quote"):
        table.add_column(col, ratio=None if col == "When" else 2)
    for f in facts:
        table.add_row(t(describe(f.date) if f.date else ""), t(f.title, "bold"), t(f"“{f.citation.quote}”"))
    c = console(out)
    c.print(panel(lines, title=t(s.title, "bold"), title_align="left"))
    c.print(table)


def print_search(out: IO[str], hits: Iterable[Hit]) -> None:
    """The hits in a table, a part at a time as they are found (print_in_parts)."""

    def table_for(part: list[Hit]) -> Table:
        table = Table(box=box.SIMPLE_HEAD)
        for col in ("Kind", "Id", "Field", "Match"):
            table.add_column(col)
        for h in part:
            text = t(snippet(h))
            match = visible(h.text[h.start : h.end])
            at = text.plain.find(match)
            if at >= 0:
                text.stylize("bold reverse", at, at + len(match))
            table.add_row(t(h.kind, "dim"), t(h.id), t(h.field, "dim"), text)
        return table

    print_in_parts(console(out), hits, table_for)


def print_draft(out: IO[str], candidates: list) -> None:
    """`geotie draft` on a terminal: one row per candidate (a draft.propose.Candidate): its
    date (as read and as EDTF), the status guessed (with the words that suggested it), the
    actors, the quote and notes under it; every string through `t` like all data."""
    from ..draft.output import notes

    con = console(out)
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("When", max_width=22)
    table.add_column("Status", max_width=14)
    table.add_column("Actors", ratio=1, overflow="fold")
    table.add_column("Quote, and what to check", ratio=2)
    for n, c in enumerate(candidates, 1):
        span = c.dating.span
        when_text = t(describe(span))
        when_text.append("\n")
        when_text.append_text(t(c.dating.date, "dim"))
        guess = t(c.status.status + "?", STATUS_STYLE.get(c.status.status, "dim"))
        if c.status.cue:
            guess.append("\n")
            guess.append_text(t(c.status.cue, "dim"))
        body = t(c.quote)
        for line in notes(c, brief=True):
            body.append("\n")
            body.append_text(t(line, "dim"))
        table.add_row(t(str(n)), when_text, guess, t(", ".join(c.named.actors)), body)
    con.print(table)


def print_roles_on(out: IO[str], store: Lookups, p: Profile, day, found) -> None:
    """`who NAME --on DATE`: `found` is geotie.tenure.roles_on(p, day)."""
    when = describe(day)
    if not found:
        console(out).print(t(f"{p.actor.name} on {when}: no role known then", "bold"))
        return
    table = Table(box=box.SIMPLE_HEAD, title=t(f"{p.actor.name} on {when}", "bold"), title_justify="left")
    for col in ("Who", "Role", "Of", "State", "Dates"):
        table.add_column(col)
    for r in found:
        of = actor_name(store, r.role.of) if r.role.of else ""
        table.add_row(t(r.holder.name, "bold"), t(r.role.title), t(of), t(r.state), t(_role_dates(r.role), "dim"))
    console(out).print(table)


PLAN_STYLE = {"fulfilled": "green", "cancelled": "red", "overdue": "yellow", "open": "cyan"}


def print_plans(
    out: IO[str], store: Lookups, plans: Iterable, heading: str, hide: set[str], linked: bool,
    names_of: Callable[[list], Mapping[str, str]] | None = None,
) -> None:  # fmt: skip
    """`geotie plans`: geotie.plans.Plan, one row each, the state in front of the title (a
    table in parts: print_in_parts); `linked`: whether some plan has a fulfilment (a column
    for them then); `names_of(part)`: as print_timeline's."""

    def table_for(part: list) -> Table:
        named = names_of(part) if names_of is not None else None
        table = Table(title=t(heading, "table.title"), box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column("When", no_wrap=True, max_width=20)
        table.add_column("State: plan", ratio=4, min_width=24)
        table.add_column("With" if hide else "Actors", ratio=2, min_width=12)
        table.add_column("Announced", ratio=2, min_width=12)
        if linked:
            table.add_column("Fulfilled by", ratio=3, min_width=12)
        for p in part:
            e = p.event
            title = t(p.state, PLAN_STYLE.get(p.state, ""))
            title.append(": ")
            title.append_text(t(e.title, "bold"))
            cells = [when(e), title, t(actor_names(store, e.actors, hide, named=named), "dim")]
            cells.append(t(describe(p.announced) if p.announced else "undated"))
            if linked:
                done = (f"{f.title} ({f.id}, {describe(f.date)}, {f.status})" for f in p.fulfilled_by)
                cells.append(t("; ".join(done)))
            table.add_row(*cells)
        return table

    print_in_parts(console(out), plans, table_for)
