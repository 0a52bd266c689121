"""The fields of issue #10: roles' `attested` dates, actors' `demonyms`, events' `implied_actors`:
read, validated, cached, resolved, searched and shown."""

import json
from pathlib import Path

import pytest

from conftest import MINIMAL, write
from geotie.errors import StoreError
from geotie.store import load_paths

STORE = (
    MINIMAL.replace('aliases = ["Alfa", "Älphä Republic"]', 'aliases = ["Alfa", "Älphä Republic"]\ndemonyms = ["Alphan"]')
    .replace('kind = "country"\n\n[[actors]]\nid = "jo-smith"', 'kind = "country"\ndemonyms = ["Betan"]\n\n[[actors]]\nid = "jo-smith"')
    .replace('start = "2024-01"', 'attested = ["2024-01", "2024-02-23"]')
    .replace('actors = ["alpha", "beta"]', 'actors = ["alpha", "beta"]\nimplied_actors = ["beta"]')
)  # fmt: skip


def load(tmp_path: Path, text: str = STORE):
    return load_paths([write(tmp_path, text)])


def only_error(tmp_path: Path, text: str):
    with pytest.raises(StoreError) as info:
        load(tmp_path, text)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert len(errors) == 1, errors
    return errors[0]


def line_of(text: str, problem) -> str:
    return text.splitlines()[problem.origin.line - 1]


def test_new_fields_are_read(tmp_path):
    store = load(tmp_path)
    role = store.actors["jo-smith"].roles[0]
    assert [d.text for d in role.attested] == ["2024-01", "2024-02-23"]
    assert role.start is None and role.end is None
    assert store.actors["alpha"].demonyms == ("Alphan",)
    assert store.event_index["first"].implied_actors == ("beta",)
    assert store.event_index["second"].implied_actors == ()
    assert store.warnings == ()


def test_new_fields_survive_the_cache(tmp_path):
    path = write(tmp_path, STORE)
    fresh = load_paths([path])
    load_paths([path], tmp_path / "cache")
    cached = load_paths([path], tmp_path / "cache")
    assert type(cached.events).__name__ == "LazyEvents"  # really read from the cache
    assert list(cached.events) == list(fresh.events)
    assert cached.event_index["first"].implied_actors == ("beta",)
    assert dict(cached.actors) == fresh.actors
    assert cached.actors["jo-smith"].roles[0].attested == fresh.actors["jo-smith"].roles[0].attested
    assert cached.names["alphan"] == ["alpha"]


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ('attested = ["2024-01", "2024-02-23"]', 'attested = "2024-01"', "bad-type", "attested"),
        ('attested = ["2024-01", "2024-02-23"]', 'attested = ["2024-01", "2024-13"]', "bad-date", "attested"),
        ('attested = ["2024-01", "2024-02-23"]', 'attested = ["2023"]\nstart = "2024-01"', "attested-outside-tenure",
         "attested[0]"),
        ('attested = ["2024-01", "2024-02-23"]', 'attested = ["2025"]\nend = "2024-06"', "attested-outside-tenure",
         "attested[0]"),
        ('demonyms = ["Alphan"]', 'demonyms = "Alphan"', "bad-type", "demonyms"),
        ('demonyms = ["Alphan"]', 'demonyms = ["Alphan", " "]', "empty-field", "demonyms"),
        ('implied_actors = ["beta"]', 'implied_actors = ["jo-smith"]', "implied-not-actor", "implied_actors"),
        ('implied_actors = ["beta"]', 'implied_actors = "beta"', "bad-type", "implied_actors"),
    ],
)  # fmt: skip
def test_new_fields_are_validated_with_their_line(tmp_path, old, new, code, field):
    text = STORE.replace(old, new)
    p = only_error(tmp_path, text)
    assert (p.code, p.field) == (code, field)
    assert line_of(text, p).startswith(field.split("[")[0] + " = ")


def test_attested_inside_the_tenure_is_fine(tmp_path):
    text = STORE.replace('attested = ["2024-01", "2024-02-23"]', 'start = "2023"\nattested = ["2024-01"]\nend = "2024"')
    assert load(tmp_path, text).actors["jo-smith"].roles[0].attested[0].text == "2024-01"


@pytest.mark.parametrize(
    ("field", "typo", "near"),
    [("attested", "attest", "attested"), ("demonyms", "demonym", "demonyms"), ("implied_actors", "implied", None)],
)
def test_misspelt_new_fields_are_still_unknown_keys(tmp_path, field, typo, near):
    text = STORE.replace(f"{field} = [", f"{typo} = [")
    warnings = [p for p in load(tmp_path, text).warnings if p.code == "unknown-key"]
    assert warnings and {p.field for p in warnings} == {typo}
    if near:
        assert f"did you mean '{near}'" in warnings[0].hint


def test_fast_and_checked_paths_agree_on_implied_actors(tmp_path, monkeypatch):
    from geotie.store import convert

    text = STORE.replace('implied_actors = ["beta"]', 'implied_actors = ["gamma"]')
    p = only_error(tmp_path, text)
    monkeypatch.setattr(convert, "_fast_event", lambda *a: None)
    assert only_error(tmp_path, text) == p
    assert p.code == "implied-not-actor"


def cli_on(cli, tmp_path, *args):
    return cli("--no-default", "--data", str(write(tmp_path, STORE)), *args)


def test_demonyms_resolve_as_names(cli, tmp_path):
    result = cli_on(cli, tmp_path, "timeline", "alphan", "BETAN", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [e["id"] for e in json.loads(result.stdout)] == ["first", "second"]


def test_a_demonym_shared_by_two_actors_is_ambiguous(cli, tmp_path):
    text = STORE.replace('demonyms = ["Betan"]', 'demonyms = ["Alphan"]')
    result = cli("--no-default", "--data", str(write(tmp_path, text)), "timeline", "alphan")
    assert result.exit_code != 0
    assert "fits 2 actors" in result.stderr and "alpha" in result.stderr and "beta" in result.stderr
    assert "Traceback" not in result.stderr


def test_demonyms_are_searchable(cli, tmp_path):
    hits = json.loads(cli_on(cli, tmp_path, "search", "betan", "-f", "json").stdout)
    assert {"kind": "actor", "id": "beta", "field": "demonym[0]"}.items() <= hits[0].items()


def test_json_contract_has_the_new_fields(cli, tmp_path):
    who = json.loads(cli_on(cli, tmp_path, "who", "jo-smith", "-f", "json").stdout)
    assert who["roles"][0]["attested"] == ["2024-01", "2024-02-23"]
    assert who["roles"][0]["start"] is None
    assert who["demonyms"] == []
    actors = {a["id"]: a for a in json.loads(cli_on(cli, tmp_path, "actors", "-f", "json").stdout)}
    assert actors["alpha"]["demonyms"] == ["Alphan"]
    assert actors["jo-smith"]["roles"][0]["attested"] == ["2024-01", "2024-02-23"]
    holders = json.loads(cli_on(cli, tmp_path, "who", "alpha", "-f", "json").stdout)["office_holders"]
    assert holders[0]["attested"] == ["2024-01", "2024-02-23"]
    event = json.loads(cli_on(cli, tmp_path, "event", "first", "-f", "json").stdout)
    assert event["implied_actors"] == ["beta"]
    lines = cli_on(cli, tmp_path, "timeline", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(x)["implied_actors"] for x in lines] == [["beta"], [], []]


@pytest.mark.parametrize(
    ("dates", "shown"),
    [
        ('attested = ["2024-01", "2024-02-23"]', "in office Jan 2024, 23 Feb 2024"),
        ('start = "2025"', "since 2025"),
        ('start = "2019"\nend = "2024"', "2019 – 2024"),
        ('end = "2024"', "until 2024"),
        ('start = "2020"\nattested = ["2024-01"]', "since 2020; in office Jan 2024"),
        ("", "undated"),
    ],
)
def test_who_shows_tenure_bounds_apart_from_attested_dates(cli, tmp_path, dates, shown):
    text = STORE.replace('attested = ["2024-01", "2024-02-23"]', dates)
    out = cli("--no-default", "--data", str(write(tmp_path, text)), "who", "jo-smith", "-f", "table").stdout
    assert shown in out
    holders = cli("--no-default", "--data", str(write(tmp_path, text)), "who", "alpha", "-f", "table").stdout
    assert shown in holders


def test_who_tsv_gives_bounds_then_attested_dates(cli, tmp_path):
    text = STORE.replace('attested = ["2024-01", "2024-02-23"]', 'start = "2020"\nattested = ["2024-01", "2024-02"]')
    rows = cli("--no-default", "--data", str(write(tmp_path, text)), "who", "jo-smith", "-f", "tsv").stdout
    assert "role\talpha\t2020,2024-01,2024-02\tMinister\tsrc" in rows.splitlines()
    rows = cli_on(cli, tmp_path, "who", "alpha", "-f", "tsv").stdout.splitlines()
    assert "demonym\talpha\t\tAlphan\t" in rows


def test_roles_are_ordered_by_their_earliest_known_date(tmp_path):
    from geotie.query import profile

    text = STORE.replace(
        'citations = [{ source = "src", quote = "Jo Smith, minister" }]',
        'citations = [{ source = "src", quote = "Jo Smith, minister" }]\n\n[[actors.roles]]\ntitle = "Envoy"\n'
        'of = "beta"\nattested = ["2019"]\ncitations = [{ source = "src", quote = "Jo Smith, envoy" }]\n\n'
        '[[actors.roles]]\ntitle = "Adviser"\nof = "beta"\ncitations = [{ source = "src", quote = "adviser" }]',
        1,
    )
    store = load(tmp_path, text)
    assert [r.title for r in profile(store, store.actors["jo-smith"]).roles] == ["Envoy", "Minister", "Adviser"]


def test_a_role_citing_a_source_is_dated_by_its_first_attested_date(cli, tmp_path):
    facts = json.loads(cli_on(cli, tmp_path, "source", "src", "-f", "json").stdout)["cited_by"]
    assert {"kind": "role", "id": "jo-smith", "date": "2024-01"}.items() <= facts[-1].items()


def add(cli, target, *args):
    return cli("--no-default", "--data", str(target), "add", *args, "--to", str(target))


def test_add_actor_with_demonyms_and_attested_dates(cli, tmp_path):
    target = write(tmp_path, MINIMAL, "mine.toml")
    result = add(
        cli, target, "actor", "--name", "Gammaland", "--kind", "country", "--demonym", "Gamman", "--demonym", "Gammish",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    role = ["--role", "Envoy", "--of", "alpha", "--source", "src", "--quote", "Gamma, the envoy"]
    result = add(cli, target, "actor", "--name", "G P", "--kind", "person", *role, "--attested", "2025-01",
                 "--attested", "2025-02~", "--start", "2024")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    store = load_paths([target])
    assert store.actors["gammaland"].demonyms == ("Gamman", "Gammish")
    r = store.actors["g-p"].roles[0]
    assert [d.text for d in r.attested] == ["2025-01", "2025-02~"] and r.start.text == "2024"


def test_add_actor_refuses_a_bad_attested_date_or_one_without_a_role(cli, tmp_path):
    target = write(tmp_path, MINIMAL, "mine.toml")
    before = target.read_bytes()
    bad = add(cli, target, "actor", "--name", "G P", "--kind", "person", "--role", "Envoy", "--attested", "2025-13")
    assert bad.exit_code != 0 and "2025-13" in bad.stderr and "Traceback" not in bad.stderr
    lone = add(cli, target, "actor", "--name", "G P", "--kind", "person", "--attested", "2025")
    assert lone.exit_code != 0 and "--attested" in lone.stderr and "--role" in lone.stderr
    assert target.read_bytes() == before


def test_add_event_with_an_implied_actor(cli, tmp_path):
    target = write(tmp_path, MINIMAL, "mine.toml")
    result = add(cli, target, "event", "--date", "2025-03", "--title", "Talks", "-a", "alpha",
                 "--implied-actor", "Betaland", "--source", "src", "--quote", "the two countries")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    event = load_paths([target]).event_index[result.stdout.strip()]
    assert event.actors == ("alpha", "beta") and event.implied_actors == ("beta",)


def test_well_formed_implied_actors_take_the_fast_path():
    from geotie.store.convert import checked_event

    raw = {"id": "e", "date": "2024", "title": "T", "actors": ["a", "b"], "implied_actors": ["b"],
           "citations": [{"source": "s", "quote": "q"}]}  # fmt: skip
    assert checked_event(raw).implied_actors == ("b",)
    assert checked_event({**raw, "implied_actors": ["c"]}) is None  # the checks then report it
