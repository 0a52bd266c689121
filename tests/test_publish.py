"""Publishing: timelinejs, csljson, bibtex, timeline --cite -f md, ties, activity, the page (static checks;
the browser checks are in test_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
from datetime import date

import pytest
import tomli_w

from conftest import ROOT, write
from geotie.activity import MAX_SPREAD, activity
from geotie.dates import parse_edtf
from geotie.model import Event
from geotie.render.timelinejs import tl_dates
from geotie.ties import ties


def ev(id_: str, when: str, actors=("a", "b"), tags=("trade",), status="occurred") -> Event:
    return Event(id=id_, date=parse_edtf(when), title=id_, actors=tuple(actors), tags=tuple(tags), status=status)


HOSTILE = {
    "script": "</script><script>document.body.dataset.pwned='script'</script>",
    "img": "<img src=x onerror=\"document.body.dataset.pwned='img'\">",
    "js_url": "javascript:document.body.dataset.pwned='url'",
}


def hostile_store() -> dict:
    s = HOSTILE["script"]
    return {
        "meta": {"schema": 1, "title": "hostile"},
        "sources": [
            {"id": "src", "title": HOSTILE["img"], "url": HOSTILE["js_url"], "published": "2024-02-23"},
            {"id": "ok", "title": "A fine source", "url": "https://example.org/a?b=1&c=2", "published": "2024"},
        ],
        "actors": [
            {"id": "alpha", "name": s, "kind": "country"},
            {"id": "beta", "name": HOSTILE["img"], "kind": "country"},
        ],
        "events": [
            {
                "id": "e1",
                "date": "2024-07-15",
                "title": s,
                "summary": HOSTILE["img"],
                "actors": ["alpha", "beta"],
                "tags": ["trade"],
                "citations": [{"source": "src", "quote": s + HOSTILE["img"]}, {"source": "ok", "quote": "fine"}],
            },
            {
                "id": "e2",
                "date": "2025-02?",
                "title": "}{\\input{/etc/passwd}} | [x](javascript:alert(1)) <b>",
                "actors": ["alpha"],
                "tags": ["defence"],
                "status": "planned",
                "citations": [{"source": "src", "quote": "q"}],
            },
        ],
    }


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(tomli_w.dumps(hostile_store()), encoding="utf-8")
    return str(path)


# --- TimelineJS ------------------------------------------------------------------------------

#: What TimelineJS3 reads (src/js/core/TimelineConfig.js, src/js/date/TLDate.js, src/js/slider/Slide.js).
TL_EVENT_KEYS = {
    "start_date",
    "end_date",
    "text",
    "media",
    "group",
    "display_date",
    "background",
    "autolink",
    "unique_id",
}
TL_DATE_KEYS = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date", "format"}


def check_timelinejs(doc: dict) -> None:
    """The checks TimelineJS3 makes (a start_date per event, numeric date parts, valid and
    distinct unique_ids), and that no key is one TimelineJS would ignore."""
    assert set(doc) <= {"title", "events", "eras", "scale"}
    assert set(doc["title"]["text"]) <= {"headline", "text"}
    ids = [e["unique_id"] for e in doc["events"]]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    for e in doc["events"]:
        assert set(e) <= TL_EVENT_KEYS, e
        assert set(e["text"]) <= {"headline", "text"}
        for key in ("start_date", "end_date"):
            if key not in e:
                assert key == "end_date"
                continue
            d = e[key]
            assert set(d) <= TL_DATE_KEYS and isinstance(d["year"], int), d
            if "month" in d:
                assert 1 <= d["month"] <= 12
            if "day" in d:
                assert "month" in d
                date(d["year"], d["month"], d["day"])
        if "end_date" in e:
            start, end = e["start_date"], e["end_date"]
            as_tuple = lambda d: (d["year"], d.get("month", 1), d.get("day", 1))  # noqa: E731
            assert as_tuple(start) <= as_tuple(end), e
        assert isinstance(e["group"], str) and e["display_date"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", {"year": 2024}, None),
        ("2024-09", {"year": 2024, "month": 9}, None),
        ("2024-09-30", {"year": 2024, "month": 9, "day": 30}, None),
        ("2020-05?", {"year": 2020, "month": 5}, None),
        ("201X", {"year": 2010}, {"year": 2019}),
        ("15XX", {"year": 1500}, {"year": 1599}),
        ("2024-09-21/2024-09-30", {"year": 2024, "month": 9, "day": 21}, {"year": 2024, "month": 9, "day": 30}),
        ("2019-09/2019-12", {"year": 2019, "month": 9}, {"year": 2019, "month": 12}),
        ("2016-09/2016-11-20?", {"year": 2016, "month": 9}, {"year": 2016, "month": 11, "day": 20}),
        ("../2016-11-20?", {"year": 2016, "month": 11, "day": 20}, None),
        ("2024/..", {"year": 2024}, None),
    ],
)
def test_timelinejs_dates_keep_their_precision(text, start, end):
    assert tl_dates(parse_edtf(text)) == (start, end)


def test_timelinejs_of_the_bundled_store_is_what_timelinejs_reads(cli):
    r = cli("timeline", "-f", "timelinejs")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    check_timelinejs(doc)
    by_id = {e["unique_id"]: e for e in doc["events"]}
    every = json.loads(cli("timeline", "-f", "json").stdout)
    assert list(by_id) == [e["id"] for e in every]
    for e in every:  # the human wording is the display date; the status the group
        assert by_id[e["id"]]["display_date"] == e["display_date"] == by_id[e["id"]]["start_date"]["display_date"]
        assert by_id[e["id"]]["group"] == e["status"]
        for c in e["citations"]:  # every quote, escaped as HTML
            assert f"<blockquote>{html.escape(c['quote'])}</blockquote>" in by_id[e["id"]]["text"]["text"]


def test_timelinejs_escapes_store_text(cli, hostile):
    r = cli("--no-default", "--data", hostile, "timeline", "-f", "timelinejs")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    check_timelinejs(doc)
    text = json.dumps(doc)
    assert "<script" not in text and "<img" not in text and 'href=\\"javascript' not in text
    e1 = doc["events"][0]
    assert e1["text"]["headline"].startswith("&lt;/script&gt;")
    assert '<a href="https://example.org/a?b=1&amp;c=2">A fine source</a>' in e1["text"]["text"]
    assert 'href="javascript' not in e1["text"]["text"]


# --- citations for papers ---------------------------------------------------------------------


def test_csljson_of_every_bundled_source_renders_in_citeproc_py(cli):
    citeproc = pytest.importorskip("citeproc", reason="citeproc-py is a test extra: pip install -e '.[test]'")
    from citeproc.source.json import CiteProcJSON

    r = cli("sources", "-f", "csljson")
    assert r.exit_code == 0, r.stderr
    items = json.loads(r.stdout)
    listed = json.loads(cli("sources", "-f", "json").stdout)
    assert [i["id"] for i in items] == [s["id"] for s in listed]
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
    for item in items:
        bib.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bib.bibliography()]
    assert len(rendered) == len(items)
    for item in items:  # each title in some rendered entry
        assert any(item["title"] in text for text in rendered)
    azernews = next(i for i in items if i["id"] == "azernews-2025-02-23")
    assert azernews["issued"] == {"date-parts": [[2025, 2, 23]]}  # a known day, no circa
    assert azernews["author"] == [{"family": "Ashirov", "given": "Qabil"}]
    assert azernews["type"] == "article-magazine" and azernews["container-title"] == "Azernews"


@pytest.mark.parametrize(
    ("text", "issued"),
    [
        ("2020-05?", {"date-parts": [[2020, 5]], "circa": True}),
        ("2024", {"date-parts": [[2024]]}),
        ("2016-11-14?/2016-11-20?", {"date-parts": [[2016, 11]], "circa": True}),
        ("2025-05-21?/2025-12?", {"date-parts": [[2025, 5, 21], [2025, 12]], "circa": True}),
        ("201X", {"date-parts": [[2010], [2019]], "circa": True}),
        ("../2016", {"date-parts": [[2016]]}),
    ],
)
def test_csl_dates_are_never_more_precise_than_the_store(text, issued):
    from geotie.render.citations import csl_date

    assert csl_date(parse_edtf(text)) == issued


def test_source_csljson_and_bibtex_of_one_source(cli):
    r = cli("source", "azernews-2025-02-23", "-f", "csljson")
    assert [i["id"] for i in json.loads(r.stdout)] == ["azernews-2025-02-23"]
    r = cli("source", "azernews-2025-02-23", "-f", "bibtex")
    assert r.stdout.startswith("@article{azernews-2025-02-23,\n")
    assert "  author = {Qabil Ashirov},\n" in r.stdout and "  date = {2025-02-23},\n" in r.stdout


def test_csljson_and_bibtex_are_written_as_made(cli, hostile):
    """The list written an item at a time is the text of the whole list, byte for byte; the
    items are made as they are written (a generator of sources is gone through once)."""
    import io

    from geotie.render.citations import bib_entry, csl_item, write_bibtex, write_csljson
    from geotie.store import load_paths

    for store in (load_paths([ROOT / "data" / "facts.toml"]), load_paths([hostile])):
        sources = list(store.sources.values())
        for items in (sources, sources[:1], []):
            out = io.StringIO()
            write_csljson(iter(items), out)
            assert out.getvalue() == json.dumps([csl_item(s) for s in items], ensure_ascii=False, indent=2) + "\n"
            out = io.StringIO()
            write_bibtex(iter(items), out)
            assert out.getvalue() == "\n".join(bib_entry(s) for s in items)


def balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and (i == 0 or text[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_bibtex_escapes_every_special(cli, hostile, tmp_path):
    store = hostile_store()
    store["sources"][0]["title"] = "}{\\input{/etc/passwd}} 100% & $x$ #1 a_b ^ ~"
    store["sources"][0]["authors"] = ["WEBDESK", "Saima Ali"]
    path = write(tmp_path, tomli_w.dumps(store), "bib.toml")
    r = cli("--no-default", "--data", str(path), "sources", "-f", "bibtex")
    assert r.exit_code == 0, r.stderr
    entries = r.stdout.split("\n\n")
    assert len(entries) == 2 and all(balanced(e) for e in entries)
    assert (
        "title = {\\}\\{\\textbackslash{}input\\{/etc/passwd\\}\\} 100\\% \\& \\$x\\$ \\#1 a\\_b "
        "\\textasciicircum{} \\textasciitilde{}}" in r.stdout
    )
    assert "author = {{WEBDESK} and Saima Ali}" in r.stdout
    assert "@online{" in r.stdout or "@article{" in r.stdout


@pytest.mark.skipif(
    not shutil.which("pandoc"), reason="pandoc is not installed: its biblatex reader checks the entries"
)
def test_bibtex_loads_in_a_real_consumer_when_there_is_one(cli, tmp_path, hostile):
    path = tmp_path / "s.bib"
    path.write_text(cli("sources", "-f", "bibtex").stdout)
    out = subprocess.run(["pandoc", "-f", "biblatex", "-t", "csljson", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 5
    path.write_text(cli("--no-default", "--data", hostile, "sources", "-f", "bibtex").stdout)
    out = subprocess.run(["pandoc", "-f", "biblatex", "-t", "csljson", str(path)], capture_output=True, text=True)
    items = {i["id"]: i for i in json.loads(out.stdout)}
    same = lambda text: text.casefold().replace("’", "'")  # noqa: E731 - pandoc's title case and smart quotes
    assert same(items["src"]["title"]) == same(HOSTILE["img"])  # read back as the same text, escapes undone


needs_pandoc = pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed (apt-get install pandoc)")


@needs_pandoc
def test_pandoc_reads_the_footnotes_and_cites_the_csljson(cli, tmp_path):
    md = cli("timeline", "pakistan", "azerbaijan", "--cite", "-f", "md").stdout
    table = md.split("\n\n")[0]
    refs = re.findall(r"\[\^\d+\]", table)
    out = subprocess.run(["pandoc", "-f", "markdown", "-t", "html"], input=md, capture_output=True, text=True)
    assert out.returncode == 0 and not out.stderr, out.stderr
    # pandoc numbers a note at each reference, a passage cited by two events is noted twice
    assert len(re.findall(r'<li id="fn\d+"', out.stdout)) == len(refs) > len(set(refs)) > 20
    assert "[^" not in out.stdout  # every reference has its note
    assert (
        out.stdout.count("<tr") == len(json.loads(cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout)) + 1
    )
    bib = tmp_path / "sources.json"
    bib.write_text(cli("sources", "-f", "csljson").stdout)
    doc = '---\nnocite: "@*"\n---\n\nText.\n'
    out = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", str(bib), "-t", "plain"], input=doc, capture_output=True, text=True
    )
    assert out.returncode == 0 and not out.stderr, out.stderr
    for title in ("Fortifying Relations with Azerbaijan", "Deepening Mutual Benefit Relations", "Azernews"):
        assert title in " ".join(out.stdout.split())


def test_timeline_cite_md_has_real_footnotes(cli):
    r = cli("timeline", "pakistan", "azerbaijan", "--cite", "-f", "md")
    assert r.exit_code == 0, r.stderr
    table, notes = r.stdout.split("\n\n")
    refs = re.findall(r"\[\^(\d+)\]", table)
    defined = re.findall(r"^\[\^(\d+)\]: “(.+)” — (.+)$", notes, re.M)
    assert refs and sorted(set(map(int, refs))) == [int(n) for n, _, _ in defined] == list(range(1, len(defined) + 1))
    every = json.loads(cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout)
    quotes = {c["quote"] for e in every for c in e["citations"]}
    assert len(defined) == len(quotes)  # each distinct passage once
    assert "Pakistan was the third country which immediately recognized Azerbaijan in 1991." in notes
    assert table.count("\n") == len(every) + 1  # header, rule, one row per event


def test_timeline_cite_md_does_not_link_or_run_store_text(cli, hostile):
    r = cli("--no-default", "--data", hostile, "timeline", "--cite", "-f", "md")
    assert r.exit_code == 0, r.stderr
    assert re.findall(r"(?<!\\)[<>]", r.stdout) == ["<", ">"]  # only the link's own brackets
    assert not re.search(r"(?<!\\)\]\(<?javascript", r.stdout)  # no link to it: the brackets are escaped
    assert "[A fine source](<https://example.org/a?b=1&c=2>)" in r.stdout
    assert "\\[x\\](javascript:alert(1))" in r.stdout  # the title's Markdown link is text


def test_plain_md_is_unchanged_without_cite(cli):
    assert cli("timeline", "pakistan", "-f", "md").stdout.startswith("| date | start | end |")


# --- ties --------------------------------------------------------------------------------------


def by_actor(events):
    return lambda a: [e for e in events if a in e.actors]


def test_ties_count_shared_events_with_first_last_and_tags():
    events = [
        ev("e1", "2020", ("a", "b")),
        ev("e2", "2024-05", ("a", "b", "c"), tags=("defence", "trade")),
        ev("e3", "2019", ("b", "d")),
        ev("e4", "2018", ("c", "b")),
        ev("e5", "2030", ("d", "x")),
    ]
    one = ties("a", by_actor(events), 1)
    assert [(t.near, t.far, t.depth, t.events) for t in one] == [("a", "b", 1, ["e1", "e2"]), ("a", "c", 1, ["e2"])]
    assert (one[0].first.text, one[0].last.text, one[0].tags) == ("2020", "2024-05", {"trade": 2, "defence": 1})
    two = ties("a", by_actor(events), 2)
    assert [(t.near, t.far, t.depth, t.weight) for t in two] == [
        ("a", "b", 1, 2),
        ("a", "c", 1, 1),
        ("b", "c", 2, 2),  # found at step 2, counted once (e2, e4), not from both sides
        ("b", "d", 2, 1),
    ]
    assert [t.far for t in ties("a", by_actor(events), 3)][-1] == "x"
    assert ties("x", by_actor([]), 2) == []


def test_ties_cli_formats(cli):
    rows = json.loads(cli("ties", "pakistan", "-f", "json").stdout)
    first = rows[0]
    assert set(first) == {
        "actor",
        "actor_name",
        "other",
        "other_name",
        "depth",
        "events",
        "first",
        "last",
        "tags",
        "event_ids",
    }
    assert (first["actor"], first["other"], first["depth"]) == ("pakistan", "azerbaijan", 1)
    both = json.loads(cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout)
    assert first["events"] == len(both) == len(first["event_ids"])
    assert [r["events"] for r in rows] == sorted((r["events"] for r in rows), reverse=True)
    tsv = cli("ties", "pakistan", "--depth", "2", "-f", "tsv").stdout.splitlines()
    assert {line.split("\t")[2] for line in tsv} == {"1", "2"}
    table = cli("ties", "pakistan", "-f", "table")
    assert table.exit_code == 0 and "Azerbaijan (azerbaijan)" in table.stdout


def test_the_graphs_go_through_the_ties_twice():
    """The ties of a large walk are read from the index each time they are gone through: a
    graph reads them once for its nodes (and the heaviest edge) and once for its edges."""
    from geotie.render.graph import write_dot, write_mermaid

    events = [ev("e1", "2020", ("a", "b")), ev("e2", "2021", ("a", "b", "c")), ev("e3", "2022", ("c", "d"))]
    found = ties("a", by_actor(events), 2)

    class Counted:
        passes = 0

        def __iter__(self):
            Counted.passes += 1
            return iter(found)

    for writer in (write_mermaid, write_dot):
        Counted.passes = 0
        out = io.StringIO()
        writer("a", Counted(), {}, out)
        assert Counted.passes == 2 and out.getvalue().count("n0") >= 2
    out = io.StringIO()
    write_mermaid("a", found, {}, out)
    assert "linkStyle 0 stroke-width:5px" in out.getvalue()  # the heaviest (2 events) is widest


def test_ties_of_an_unknown_actor_is_one_line(cli):
    r = cli("ties", "nobody-at-all")
    assert r.exit_code == 3 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_ties_graphs_quote_hostile_labels(cli, hostile):
    dot = cli("--no-default", "--data", hostile, "ties", "alpha", "-f", "dot").stdout
    assert dot.startswith("graph ties {") and '  n0 -- n1 [label="1", weight=1, penwidth=2];' in dot
    assert "label=\"</script><script>document.body.dataset.pwned='script'</script>\"" in dot
    mermaid = cli("--no-default", "--data", hostile, "ties", "alpha", "-f", "mermaid").stdout
    assert "<" not in mermaid and ">" not in mermaid.replace("-->", "")
    assert '  n1["#60;img src=x onerror=#61;' not in mermaid  # '=' needs no escape
    assert '  n1["#60;img src=x onerror=\\"' not in mermaid and "#34;" in mermaid


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz 'dot' is not installed (apt-get install graphviz)")
def test_dot_output_renders_in_graphviz(cli, hostile):
    for args in (["ties", "pakistan", "--depth", "2"], ["--no-default", "--data", hostile, "ties", "alpha"]):
        text = cli(*args[:-3], *args[-3:], "-f", "dot").stdout if args[0] == "ties" else cli(*args, "-f", "dot").stdout
        out = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True)
        assert out.returncode == 0 and not out.stderr, out.stderr
        assert out.stdout.count('class="edge"') == text.count(" -- ")


@pytest.mark.skipif(not shutil.which("mmdc"), reason="the mermaid CLI (mmdc) is not installed")
def test_mermaid_output_renders_in_the_mermaid_cli(cli, hostile, tmp_path):
    config = tmp_path / "puppeteer.json"  # the system's Chromium, which runs as root only without its sandbox
    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    config.write_text(json.dumps({"args": ["--no-sandbox"], **({"executablePath": browser} if browser else {})}))
    for args in (["ties", "pakistan", "--depth", "2"], ["--no-default", "--data", hostile, "ties", "alpha"]):
        src, svg = tmp_path / "t.mmd", tmp_path / "t.svg"
        text = cli(*args, "-f", "mermaid").stdout
        src.write_text(text)
        out = subprocess.run(
            ["mmdc", "-p", str(config), "-i", str(src), "-o", str(svg)], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        drawn = svg.read_text()
        assert "Syntax error" not in drawn and "<img" not in drawn
        assert len(re.findall(r'class="node[ "]', drawn)) == len(re.findall(r'^  n\d+\["', text, re.M))
    assert "pwned=&#39;img&#39;" in drawn or "pwned='img'" in drawn  # the label, shown as text


# --- activity ----------------------------------------------------------------------------------


def test_activity_places_only_dates_inside_one_period():
    events = [
        ev("y", "2024"),
        ev("d", "2024-07-15", status="planned"),
        ev("two", "2024-05-18?/2025-05-18?"),
        ev("open", "../2016-11-20?"),
        ev("since", "2023/.."),
        ev("century", "15XX"),
        ev("late", "2026-12"),
    ]
    act = activity(events, "year")
    assert [p.key for p in act.periods] == ["2024", "2025", "2026"]
    (y24, y25, y26) = act.periods
    assert (y24.events, y24.spanning) == ({"occurred": 1, "planned": 1}, {"occurred": 1})
    assert (y25.events, y25.spanning) == ({}, {"occurred": 1})  # an empty year in the range is listed
    assert y26.events == {"occurred": 1}
    assert act.unplaced == {"occurred": 3}
    months = activity(events, "month")
    assert months.periods[0].key == "2024-01" and months.periods[-1].key == "2026-12"
    may = next(p for p in months.periods if p.key == "2024-05")
    assert may.spanning == {"occurred": 1} and may.events == {}
    assert next(p for p in months.periods if p.key == "2024-01").spanning == {"occurred": 1}  # the year
    assert months.unplaced == {"occurred": 4}  # the 13 months of "two" are too many
    assert activity([ev("t", "2024", tags=("a", "b")), ev("u", "2024", tags=())], split="tag").periods[0].events == {
        "a": 1,
        "b": 1,
        "untagged": 1,
    }


def test_activity_spread_limit():
    wide = f"2000/{2000 + MAX_SPREAD - 1}"
    assert activity([ev("w", wide)]).periods[-1].spanning == {"occurred": 1}
    assert activity([ev("w", f"2000/{2000 + MAX_SPREAD}")]).unplaced == {"occurred": 1}


def test_activity_cli_numbers(cli, store_file):
    d = ["--no-default", "--data", str(store_file)]
    assert cli(*d, "activity", "-f", "tsv").stdout.splitlines() == [
        "2024\t2024-01-01\t2024-12-31\toccurred\t2\t0",
        "2025\t2025-01-01\t2025-12-31\tplanned\t1\t0",
    ]
    doc = json.loads(cli(*d, "activity", "alpha", "--by", "month", "--split", "tag", "-f", "json").stdout)
    assert doc["by"] == "month" and doc["split"] == "tag" and doc["unplaced"] == {}
    assert [p["period"] for p in doc["periods"]][0::13] == ["2024-01", "2025-02"]
    july = doc["periods"][6]
    assert (july["period"], july["events"], july["spanning"]) == ("2024-07", {"defence": 1}, {"trade": 1})
    assert (doc["periods"][-1]["events"], doc["periods"][-2]["events"]) == ({"diplomacy": 1}, {})
    csv = cli(*d, "activity", "beta", "--tag", "defence", "-f", "csv").stdout.splitlines()
    assert csv == ["period,start,end,group,events,spanning", "2024,2024-01-01,2024-12-31,occurred,1,0"]
    chart = cli(*d, "activity", "-f", "table").stdout
    assert "2024 ██ 2" in chart and "2025 █ 1" in chart


def test_activity_of_the_bundled_store_counts_every_event(cli):
    """Each event is placed once, or unplaced once, or spans 2 to MAX_SPREAD years."""
    doc = json.loads(cli("activity", "-f", "json").stdout)
    every = json.loads(cli("timeline", "-f", "json").stdout)
    placed = sum(sum(p["events"].values()) for p in doc["periods"])
    spanning = [
        e for e in every if e["start"] and e["end"] and 0 < int(e["end"][:4]) - int(e["start"][:4]) < MAX_SPREAD
    ]
    assert spanning and placed + sum(doc["unplaced"].values()) + len(spanning) == len(every)
    assert sum(sum(p["spanning"].values()) for p in doc["periods"]) == sum(
        int(e["end"][:4]) - int(e["start"][:4]) + 1 for e in spanning
    )


# --- the page (static) ------------------------------------------------------------------------


def csp_hashes(page: str) -> tuple[str, list[str], list[str]]:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    return csp, styles, scripts


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_is_self_contained_with_a_strict_policy(cli, tmp_path):
    out = tmp_path / "p.html"
    r = cli("page", "pakistan", "azerbaijan", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.startswith(f"geotie: wrote {out} (")
    page = out.read_text()
    csp, styles, scripts = csp_hashes(page)
    assert csp.startswith("default-src 'none'; ") and "'unsafe-inline'" not in csp
    assert len(styles) == len(scripts) == 1
    assert f"style-src {sha(styles[0])};" in csp and f"script-src {sha(scripts[0])};" in csp
    assert page.count("<script") == 1 and " style=" not in page and "src=" not in page
    assert not re.search(r"(?:href|src)=\"(?!https?://|#)", page)  # no other scheme, no relative fetch
    assert len(re.findall(r'<li class="event ', page)) == 39
    assert 'data-status="planned"' in page and 'class="span vague doubt open"' in page


def test_page_escapes_hostile_text(cli, hostile, tmp_path):
    r = cli("--no-default", "--data", hostile, "page", "-o", str(tmp_path / "h.html"))
    assert r.exit_code == 0, r.stderr
    page = (tmp_path / "h.html").read_text()
    _, _, scripts = csp_hashes(page)
    assert len(scripts) == 1 and "pwned" not in scripts[0]
    assert "<img" not in page and "</script><script>" not in page
    assert "&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned=&#x27;script&#x27;&lt;/script&gt;" in page
    assert 'href="javascript' not in page.lower()
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">A fine source</a>' in page


def test_page_replaces_only_its_own_file(cli, tmp_path):
    mine = tmp_path / "notes.html"
    mine.write_text("<p>my notes</p>")
    r = cli("page", "pakistan", "-o", str(mine))
    assert r.exit_code == 2 and "is not a page geotie wrote; nothing was written" in r.stderr
    assert mine.read_text() == "<p>my notes</p>"
    assert cli("page", "pakistan", "-o", str(mine), "--force").exit_code == 0
    assert "<!DOCTYPE html>" in mine.read_text()
    assert cli("page", "turkiye", "-o", str(mine)).exit_code == 0  # geotie's own page: replaced
    assert "<h1>Türkiye</h1>" in mine.read_text()
    r = cli("page", "-o", str(tmp_path / "no" / "p.html"))
    assert r.exit_code == 2 and "does not exist" in r.stderr
    r = cli("page", "-o", str(tmp_path))
    assert r.exit_code == 2 and "is a folder" in r.stderr


def test_page_on_stdout_and_timeline_html_agree(cli):
    page = cli("page", "pakistan", "turkiye").stdout
    assert page == cli("timeline", "pakistan", "turkiye", "-f", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "<h1>Pakistan &amp; Türkiye</h1>" in page


def test_page_cut_at_the_page_limit_says_so(cli, monkeypatch):
    monkeypatch.setattr("geotie.render.page.PAGE_MAX", 5)
    r = cli("page", "pakistan")
    assert r.exit_code == 0
    assert len(re.findall(r'<li class="event ', r.stdout)) == 5
    total = len(json.loads(cli("timeline", "pakistan", "-f", "json").stdout))
    assert f"Showing the first 5 of {total} matching events." in r.stdout
    assert f"warning: the page shows the first 5 of {total} matching events" in r.stderr
    r = cli("page", "pakistan", "--limit", "7")  # an explicit limit is obeyed, silently
    assert len(re.findall(r'<li class="event ', r.stdout)) == 7 and not r.stderr


# --- properties --------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DATES = st.sampled_from(
    [
        "2024",
        "2024-07",
        "2024-07-15",
        "2023-12-31/2024-01-01",
        "2024-05-18?/2025-05-18?",
        "../2024-03",
        "2022/..",
        "201X",
        "2019-11~",
        "2020-01/2020-12",
        "2018/2031",
    ]
)
EVENTS = st.lists(
    st.tuples(DATES, st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True)), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(EVENTS, st.sampled_from(["year", "month"]))
def test_activity_counts_each_event_once_or_in_each_period_it_may_fall_in(specs, by):
    events = [ev(f"e{i}", when, actors) for i, (when, actors) in enumerate(specs)]
    act = activity(events, by)
    placed = sum(sum(p.events.values()) for p in act.periods)
    spread = spanning = 0
    for e in events:
        span = e.date
        if span.start and span.end:
            first, last = ((d.year, d.month if by == "month" else 0) for d in (span.start, span.end))
            n = (last[0] - first[0]) * (12 if by == "month" else 1) + last[1] - first[1] + 1
            if 1 < n <= MAX_SPREAD:
                spread, spanning = spread + n, spanning + 1
    assert placed + sum(act.unplaced.values()) + spanning == len(events)  # each event one way only
    assert sum(sum(p.spanning.values()) for p in act.periods) == spread
    keys = [p.key for p in act.periods]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@settings(max_examples=60, deadline=None)
@given(EVENTS)
def test_ties_at_depth_one_count_every_shared_event(specs):
    events = [ev(f"e{i}", when, actors) for i, (when, actors) in enumerate(specs)]
    found = ties("a", by_actor(events), 1)
    for t in found:
        assert t.near == "a" and t.events == [e.id for e in events if "a" in e.actors and t.far in e.actors]
    assert {t.far for t in found} == {x for e in events if "a" in e.actors for x in e.actors} - {"a"}
    deeper = ties("a", by_actor(events), 3)
    pairs = [frozenset((t.near, t.far)) for t in deeper]
    assert len(pairs) == len(set(pairs))  # each pair once
    for t in deeper:  # and with every event the two share
        assert t.events == [e.id for e in events if t.near in e.actors and t.far in e.actors]


def test_the_page_axis_is_to_scale():
    from geotie.render.page import Axis, lane

    events = [ev("a", "2020"), ev("b", "2029"), ev("c", "2025-01-01")]
    axis = Axis(events)
    assert axis.x(date(2020, 1, 1), 0) == 0 and round(axis.x(date(2025, 1, 1), 0), 1) == 50.0
    assert [label for _, label in axis.ticks()] == [str(y) for y in range(2021, 2030)]
    day = lane(parse_edtf("2025-01-01"), axis)  # a known day: solid, narrow, at its place
    assert 'class="span" x="50.014%" y="2" width="0.4%"' in day
    year = lane(parse_edtf("2029"), axis)  # a year: hatched, the whole tenth of the axis
    assert 'class="span vague" x="90.008%" y="2" width="9.992%"' in year
    assert 'class="span vague"' in lane(parse_edtf("2025-01-01/2025-01-02"), axis)  # two days: which, or both?
    doubt = lane(parse_edtf("2020-05?"), axis)
    assert 'class="span vague doubt"' in doubt
    open_start = lane(parse_edtf("../2025-01-01"), axis)  # from the edge, with a mark at its known end
    assert 'class="span vague open" x="0%"' in open_start and 'class="end"' in open_start


@pytest.mark.parametrize("count", [0, 1, 2, None])
@pytest.mark.parametrize("group_by", ["status", "tag"])
def test_streamed_timelinejs_is_the_document_byte_for_byte(count, group_by):
    """`timeline -f timelinejs` streams an event at a time; what it writes is exactly the
    whole document written at once (empty, one, several events; a hostile title)."""
    import io

    from geotie.render.timelinejs import stream_timelinejs, timelinejs, write_timelinejs
    from geotie.store import load

    store = load()
    events = list(store.events)[:count]
    title = 'Pakistan & "Azerbaijan" </script>\u202e'
    whole, streamed = io.StringIO(), io.StringIO()
    write_timelinejs(timelinejs(events, store.sources.get, title, group_by), whole)
    stream_timelinejs(iter(events), store.sources.get, title, streamed, group_by)
    assert streamed.getvalue() == whole.getvalue()
    assert len(json.loads(streamed.getvalue())["events"]) == len(events)


DATES = st.sampled_from(
    ["2024", "2024-03", "2024-03-05", "2023/2025", "2024-11/2025-02", "2024~", "2020?", "201X", "2024/..", "../2016",
     "2000/2013", "2019-12-31", "2021-06/2021-06-30"]
)  # fmt: skip


@given(
    st.lists(st.tuples(DATES, st.sampled_from(["occurred", "planned"]), st.lists(st.sampled_from("abc"))), max_size=30)
)
def test_activity_counts_as_one_entry_per_event_would(specs):
    """activity counts the events of each span of periods (not one entry kept per event): the
    counts are those of adding each event to each period it may fall in, one at a time."""
    from geotie.activity import _index, groups_of

    events = [ev(f"e{i}", d, status=s, tags=tuple(t)) for i, (d, s, t) in enumerate(specs)]
    for by, split in (("year", "status"), ("month", "tag")):
        act = activity(events, by, split)
        want: dict[tuple[str, str], dict[str, int]] = {}
        unplaced: dict[str, int] = {}
        for e in events:
            groups = groups_of(e, split)
            if (
                e.date.start is None
                or e.date.end is None
                or _index(e.date.end, by) - _index(e.date.start, by) >= MAX_SPREAD
            ):
                for g in groups:
                    unplaced[g] = unplaced.get(g, 0) + 1
                continue
            a, b = _index(e.date.start, by), _index(e.date.end, by)
            for i in range(a, b + 1):
                bucket = want.setdefault((str(i), "events" if a == b else "spanning"), {})
                for g in groups:
                    bucket[g] = bucket.get(g, 0) + 1
        got = {}
        for i, p in enumerate(act.periods, _index(act.periods[0].start, by) if act.periods else 0):
            for kind in ("events", "spanning"):
                if getattr(p, kind):
                    got[(str(i), kind)] = getattr(p, kind)
        assert got == want and act.unplaced == unplaced
