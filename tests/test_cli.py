"""The CLI through the real Typer app (in-process, pinned environment)."""

import csv
import io
import json

import pytest

from conftest import MINIMAL, write
from geotie.render.rows import ACTOR_COLUMNS, EVENT_COLUMNS, PROFILE_COLUMNS, SEARCH_COLUMNS, SOURCE_COLUMNS

FORMATS = ["table", "tsv", "csv", "json", "jsonl", "md"]
COMMANDS = [
    ["timeline", "pakistan", "azerbaijan"],
    ["who", "Vugar Mustafayev"],
    ["event", "jf17-block3-delivered"],
    ["source", "azernews-2025-02-23"],
    ["sources"],
    ["actors"],
    ["search", "JF-17"],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_every_command_in_every_format(cli, args, fmt):
    result = cli(*args, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr == ""
    out = result.stdout
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        assert all(json.loads(line) for line in out.splitlines())
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len({len(r) for r in rows}) == 1  # header and records have the same width
    elif fmt == "md":
        assert out.splitlines()[1].startswith("|---")
    elif fmt == "tsv":
        widths = {len(line.split("\t")) for line in out.splitlines()}
        assert len(widths) == 1
    else:
        assert "\x1b[" not in out  # NO_COLOR


def test_piped_default_is_tsv_with_documented_columns(cli):
    result = cli("timeline", "pakistan", "azerbaijan")
    lines = result.stdout.splitlines()
    first = dict(zip(EVENT_COLUMNS, lines[0].split("\t"), strict=True))
    assert first["id"] == "pakistan-recognizes-azerbaijan" and first["date"] == "1991"
    assert first["start"] == "1991-01-01" and first["precision"] == "year"
    assert "pakistan" in first["actors"].split(",")


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (["who", "pakistan"], PROFILE_COLUMNS),
        (["actors"], ACTOR_COLUMNS),
        (["sources"], SOURCE_COLUMNS),
        (["search", "kashmir"], SEARCH_COLUMNS),
    ],
)
def test_csv_headers_are_the_documented_columns(cli, args, columns):
    header = next(csv.reader(io.StringIO(cli(*args, "-f", "csv").stdout)))
    assert tuple(header) == columns


def test_timeline_json_contract(cli):
    events = json.loads(cli("timeline", "pakistan", "turkey", "--format", "json").stdout)
    assert isinstance(events, list) and events
    required = {
        "id",
        "date",
        "date_text",
        "start",
        "end",
        "precision",
        "title",
        "summary",
        "actors",
        "tags",
        "status",
        "citations",
    }
    for e in events:
        assert required <= set(e)
        assert {"pakistan", "turkiye"} <= set(e["actors"])
        assert all({"source", "quote"} <= set(c) for c in e["citations"])
    # the documented order: by the earliest possible day; an open start ("by 2016") sorts at its end
    anchors = [e["start"] or e["end"] for e in events]
    assert anchors == sorted(anchors)


def test_who_json_is_one_profile(cli):
    profile = json.loads(cli("who", "Vugar Mustafayev", "-f", "json").stdout)
    assert profile["id"] == "vugar-mustafayev" and profile["kind"] == "person" and profile["country"] == "azerbaijan"
    assert profile["roles"][0]["title"] == "Minister of Defence Industry" and profile["roles"][0]["of"] == "azerbaijan"
    assert [e["id"] for e in profile["events"]][-1] == "sharif-meets-mustafayev"


def test_timeline_options(cli):
    def ids(*args):
        out = cli("timeline", *args, "-f", "jsonl").stdout
        return [json.loads(line)["id"] for line in out.splitlines()]

    january = ids("pakistan", "azerbaijan", "--since", "January 2025", "--until", "2025-01")
    assert "malik-visits-socar" in january and "sharif-meets-mustafayev" in january
    assert "jf17-block3-delivered" not in january and "sharif-visit-to-azerbaijan-announced" not in january
    planned = ids("--status", "planned", "pakistan")
    assert "sharif-visit-to-azerbaijan-announced" in planned and "erdogan-visit-to-pakistan-planned" in planned
    assert ids("pakistan", "azerbaijan", "--limit", "1") == ["pakistan-recognizes-azerbaijan"]
    story = ids("pakistan", "azerbaijan")
    assert ids("pakistan", "azerbaijan", "--reverse") == story[::-1]
    assert ids("pakistan", "azerbaijan", "--reverse", "-n", "1") == story[-1:]
    assert ids("pakistan", "azerbaijan", "--status", "planned", "--reverse", "-n", "1") == [
        "sharif-visit-to-azerbaijan-announced"
    ]
    assert ids("--tag", "transport", "india") == ["azal-new-delhi-route"]
    union = ids("armenia", "russia", "--any")
    assert "russia-pakistan-first-joint-exercise" in union and "pakistan-does-not-recognize-armenia" in union
    assert ids("erdogan") == ids("Recep Tayyip Erdoğan") == ids("ErdoÄŸan")


def test_since_until_filter_by_overlap(cli):
    out = cli(
        "timeline", "pakistan", "azerbaijan", "--since", "2025-01-20", "--until", "2025-01-22", "-f", "jsonl"
    ).stdout
    got = {json.loads(line)["id"] for line in out.splitlines()}
    assert "azerbaijani-delegation-visits-pakistan" in got  # late January may include the 20th-22nd
    assert "malik-visits-socar" not in got  # 18 January
    assert "sharif-meets-mustafayev" not in got  # 25 January


def test_cite_numbers_citations_under_the_table(cli):
    out = cli(
        "timeline", "pakistan", "azerbaijan", "--since", "2024-09", "--until", "2024-09", "--cite", "-f", "table"
    ).stdout
    assert "[1][2]" in out
    assert "[1] “In late September 2024, Azerbaijan received the Pakistani-made military aircraft" in out


def test_planned_and_uncertain_are_marked_in_the_table(cli):
    out = cli("timeline", "shehbaz sharif", "-f", "table", env={"COLUMNS": "200"}).stdout
    assert "planned: Shehbaz Sharif to visit Azerbaijan" in out
    assert "25 Jan 2025?" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["who", "Mustafayev"], 4, "'Mustafayev' fits 2 actors: shahin-mustafayev"),
        (["who", "azerbijan"], 3, "did you mean 'azerbaijan'?"),
        (["timeline", "pakistan", "nowhere"], 3, "unknown actor 'nowhere'"),
        (["event", "jf17-delivery"], 3, "unknown event 'jf17-delivery'"),
        (["source", "nope"], 3, "unknown source 'nope'"),
        (["timeline", "--since", "someday"], 2, "--since: 'someday' is not a date"),
        (["timeline", "--until", "July"], 2, "--until: 'July' has no year"),
    ],
)
def test_errors_are_one_line_with_exit_codes(cli, args, code, message):
    result = cli(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_empty_results(cli):
    result = cli("timeline", "armenia", "russia", "-f", "table")
    assert result.exit_code == 0 and result.stdout == "" and "no events match" in result.stderr
    assert cli("timeline", "armenia", "russia", "-f", "json").stdout.strip() == "[]"
    assert cli("timeline", "armenia", "russia", "-f", "tsv").stdout == ""
    result = cli("timeline", "--tag", "nosuchtag")
    assert "no event has the tag 'nosuchtag'" in result.stderr


def test_markup_and_control_characters_in_data_are_inert(cli, tmp_path):
    text = MINIMAL.replace(
        'title = "A day in July"', 'title = "[bold]x[/] :smile: \\u001b[31mred\\u001b[0m\\ttab\\u202e"'
    )
    path = write(tmp_path, text)
    table = cli("--no-default", "--data", str(path), "event", "second", "-f", "table").stdout
    assert "[bold]x[/] :smile:" in table
    assert "\x1b" not in table and "\u202e" not in table and "\\x1b[31mred" in table
    tsv = cli("--no-default", "--data", str(path), "timeline", "-f", "tsv").stdout
    assert "\x1b" not in tsv and "\\x1b[31mred\\x1b[0m\\ttab\\u202e" in tsv
    assert all(len(line.split("\t")) == len(EVENT_COLUMNS) for line in tsv.splitlines())
    data = cli("--no-default", "--data", str(path), "timeline", "-f", "json").stdout
    assert "\x1b" not in data and "\u202e" not in data
    assert json.loads(data)[1]["title"] == "[bold]x[/] :smile: \x1b[31mred\x1b[0m\ttab\u202e"


def test_tsv_escapes_newlines_and_backslashes(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace('title = "A day in July"', 'title = "two\\nlines \\\\ back"'))
    line = cli("--no-default", "--data", str(path), "event", "second", "-f", "tsv").stdout
    assert line.count("\n") == 1 and "two\\nlines \\\\ back" in line


def test_invalid_store_fails_with_every_error_and_exit_1(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace('"alpha", "beta"]', '"alpah", "beta"]').replace('"2025-02"', '"2025-13"'))
    result = cli("--data", str(path), "timeline")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert any(f"{path}:" in ln and "unknown actor 'alpah'" in ln and "did you mean 'alpha'?" in ln for ln in lines)
    assert any("bad-date" in ln for ln in lines)
    assert lines[-1].startswith("geotie: the store has 2 error(s)")


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"[meta\n", "invalid TOML"), (b"\xef\xbb\xbf[meta]\n", "byte-order mark"), (b'x = "\xff"\n', "invalid UTF-8")],
)
def test_unreadable_store_files(cli, tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    result = cli("--data", str(path), "actors")
    assert result.exit_code == 1 and expected in result.stderr and str(path) in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_missing_data_path_and_env(cli, tmp_path):
    result = cli("--data", str(tmp_path / "missing.toml"), "actors")
    assert result.exit_code == 1 and "no such file or folder" in result.stderr
    result = cli("actors", env={"GEOTIE_DATA": str(tmp_path / "gone")})
    assert result.exit_code == 1 and "gone" in result.stderr


def test_data_merges_with_bundled_unless_no_default(cli, store_file):
    merged = cli("--data", str(store_file), "actors", "-f", "tsv").stdout
    assert "alpha\t" in merged and "pakistan\t" in merged
    alone = cli("--no-default", "--data", str(store_file), "actors", "-f", "tsv").stdout
    assert "alpha\t" in alone and "pakistan\t" not in alone
    via_env = cli("--no-default", "actors", "-f", "tsv", env={"GEOTIE_DATA": str(store_file)}).stdout
    assert via_env == alone


def test_unknown_keys_warn_on_stderr(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace('title = "A day in July"', 'title = "A day in July"\nsumary = "x"'))
    result = cli("--no-default", "--data", str(path), "event", "second", "-f", "tsv")
    assert (
        result.exit_code == 0 and "warning: unknown-key" in result.stderr and "did you mean 'summary'" in result.stderr
    )


def test_actors_kind_filter_and_search_shows_where(cli):
    out = cli("actors", "--kind", "region", "-f", "tsv").stdout
    assert [line.split("\t")[0] for line in out.splitlines()] == ["kashmir", "nagorno-karabakh"]
    hits = [line.split("\t")[:3] for line in cli("search", "garabagh").stdout.splitlines()]
    assert ["actor", "nagorno-karabakh", "alias[2]"] in hits
    assert ["event", "azerbaijan-supports-kashmir-stance", "quote[5]"] in hits


def test_version_and_help(cli):
    assert cli("--version").stdout.startswith("geotie ")
    assert "timeline" in cli("--help").stdout


def test_a_100_kb_title_prints_whole_in_tsv_and_fits_a_table(cli, tmp_path):
    path = write(tmp_path, MINIMAL.replace("A day in July", "x" * 100_000))
    tsv = cli("--no-default", "--data", str(path), "timeline", "-f", "tsv").stdout
    assert "x" * 100_000 in tsv
    table = cli("--no-default", "--data", str(path), "timeline", "-f", "table")
    assert table.exit_code == 0 and "A year-long thing" in table.stdout
    hits = cli("--no-default", "--data", str(path), "search", "xxxx", "-f", "tsv").stdout
    assert hits.count("\n") == 1 and len(hits) < 400  # a snippet, not the whole title


def test_deeply_nested_brackets_give_a_clear_message(cli, tmp_path):
    path = tmp_path / "nested.toml"
    path.write_text("[meta]\nschema = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    result = cli("--no-default", "--data", str(path), "timeline")
    assert result.exit_code == 1 and "nested too deeply" in result.stderr and "Traceback" not in result.stderr
