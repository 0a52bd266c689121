"""Roles on a date: geotie.tenure and `who NAME --on DATE`."""

import json

import pytest

from geotie.dates import parse_edtf
from geotie.model import Citation, Role
from geotie.tenure import ATTESTED, IN_OFFICE, UNKNOWN, state_on

CITE = (Citation("s", "q"),)


def role(start=None, end=None, attested=()) -> Role:
    d = lambda text: parse_edtf(text) if text else None  # noqa: E731
    return Role("Minister", "x", d(start), d(end), CITE, "", tuple(parse_edtf(a) for a in attested))


@pytest.mark.parametrize(
    ("r", "on", "state"),
    [
        (role(attested=["2025-01-21/2025-01-31"]), "2025-01-25", ATTESTED),
        (role(attested=["2025-01-21/2025-01-31"]), "2025-01", UNKNOWN),  # January is wider than the attested days
        (role(attested=["2025-01"]), "2025-01-25", ATTESTED),
        (role(attested=["2025-05-20?/2025-12?"]), "2025-12-31", ATTESTED),  # vague: its widest reading
        (role(attested=["2025-05-20?/2025-12?"]), "2026-01-01", UNKNOWN),
        (role(attested=["2016-10"]), "2025", UNKNOWN),  # no end: not read as "still in office"
        (role(start="2020-03", end="2024"), "2022-06-01", IN_OFFICE),
        (role(start="2020-03", end="2024"), "2020-03-15", UNKNOWN),  # may be before the start
        (role(start="2020-03", end="2024"), "2020-04", IN_OFFICE),
        (role(start="2020-03", end="2024"), "2024-06", UNKNOWN),  # may be after the end
        (role(start="2020-03", end="2024"), "2020-02", None),  # surely before the start
        (role(start="2020-03", end="2024"), "2025", None),  # surely after the end
        (role(start="2020-03"), "2030", UNKNOWN),
        (role(end="2020"), "2019", UNKNOWN),
        (role(), "2020", UNKNOWN),
        (role(start="2020", end="2024", attested=["2022-05"]), "2022-05-03", ATTESTED),
    ],
)
def test_state_on(r, on, state):
    assert state_on(r, parse_edtf(on)) == state


def test_who_person_on_a_date(cli):
    got = json.loads(cli("who", "Shehbaz Sharif", "--on", "2025-01-25", "-f", "json").stdout)
    assert got["on"]["date"] == "2025-01-25"
    assert [(r["actor"], r["title"], r["state"]) for r in got["roles"]] == [
        ("shehbaz-sharif", "Prime Minister", ATTESTED)
    ]
    got = json.loads(cli("who", "Shehbaz Sharif", "--on", "2024", "-f", "json").stdout)
    assert [r["state"] for r in got["roles"]] == [UNKNOWN]


def test_who_country_on_a_date(cli):
    got = json.loads(cli("who", "pakistan", "--on", "2025-06", "-f", "json").stdout)
    states = {r["actor"]: r["state"] for r in got["roles"]}
    assert states["ishaq-dar"] == ATTESTED and states["shehbaz-sharif"] == ATTESTED
    assert states["nawaz-sharif"] == UNKNOWN
    got = json.loads(cli("who", "pakistan", "--on", "2025-01-25", "-f", "json").stdout)
    assert {r["actor"]: r["state"] for r in got["roles"]}["ishaq-dar"] == UNKNOWN


@pytest.mark.parametrize("fmt", ["tsv", "csv", "md", "jsonl"])
def test_who_on_in_every_format(cli, fmt):
    result = cli("who", "pakistan", "--on", "2025-06", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "ishaq-dar" in result.stdout and "attested in office" in result.stdout


def test_who_on_table(cli):
    result = cli("who", "turkey", "--on", "2025-06-01", "-f", "table")
    assert result.exit_code == 0, result.stderr
    assert "Türkiye on 1 Jun 2025" in result.stdout and "Hakan Fidan" in result.stdout
    empty = cli("who", "suleiman", "--on", "2025", "-f", "table")
    assert "Suleiman" in empty.stdout and "unknown" in empty.stdout


def test_who_on_with_as_of(cli):
    got = json.loads(cli("who", "pakistan", "--on", "2025-06", "--as-of", "2025-03", "-f", "json").stdout)
    assert "ishaq-dar" not in {r["actor"] for r in got["roles"]}  # only the later article names him


def test_who_on_bad_date(cli):
    result = cli("who", "pakistan", "--on", "whenever")
    assert result.exit_code == 2 and "--on: 'whenever' is not a date" in result.stderr


def test_who_on_with_no_role(cli):
    assert "no role known then" in cli("who", "jf-17", "--on", "2025", "-f", "table").stdout
    assert json.loads(cli("who", "jf-17", "--on", "2025", "-f", "json").stdout)["roles"] == []


def test_event_shows_each_persons_role_then(cli):
    got = json.loads(cli("event", "sharif-meets-mustafayev", "-f", "json").stdout)
    assert [(r["actor"], r["title"], r["state"]) for r in got["roles"]] == [
        ("shehbaz-sharif", "Prime Minister", ATTESTED),
        ("vugar-mustafayev", "Minister of Defence Industry", ATTESTED),
    ]
    table = cli("event", "sharif-meets-mustafayev", "-f", "table").stdout
    assert "Roles" in table and "attested in office" in table
    # Erdoğan, attested in 2019-12?/2020-03? and early 2025, on an event of a vague 2019-20 date
    got = json.loads(cli("event", "erdogan-likens-kashmir-to-turkish-independence-war", "-f", "json").stdout)
    assert [(r["actor"], r["state"]) for r in got["roles"]] == [("recep-tayyip-erdogan", ATTESTED)]


def test_event_roles_as_of_only_cited_then(cli):
    got = json.loads(cli("event", "sharif-meets-mustafayev", "-f", "json", "--as-of", "2025-02-10").stdout)
    assert {c["source"] for c in got["citations"]} == {"strengthens-ties-2025"}
    assert [r["actor"] for r in got["roles"]] == ["shehbaz-sharif", "vugar-mustafayev"]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "md", "json", "jsonl", "table"])
def test_timeline_with_roles(cli, fmt):
    result = cli("timeline", "Vugar Mustafayev", "--with-roles", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "attested in office" in result.stdout.replace("\n", " ").replace("  ", " ") or fmt == "table"
    assert "attested in office" not in cli("timeline", "Vugar Mustafayev", "-f", fmt).stdout
    if fmt == "json":
        events = json.loads(result.stdout)
        assert all("roles" in e for e in events)
        assert {"actor": "vugar-mustafayev", "name": "Vugar Mustafayev", "title": "Minister of Defence Industry",
                "of": "azerbaijan", "state": ATTESTED} in events[0]["roles"]  # fmt: skip
    if fmt == "tsv":
        assert result.stdout.splitlines()[0].split("\t")[-1].startswith("Vugar Mustafayev: Minister of Defence")
    if fmt == "table":
        assert "Roles then" in result.stdout


def test_timeline_with_roles_not_in_publishing_formats(cli):
    result = cli("timeline", "--with-roles", "-f", "html")
    assert result.exit_code == 2 and "--with-roles is not shown in -f html" in result.stderr
