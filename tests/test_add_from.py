"""`geotie add --from FILE`: a file of reviewed entries (TOML in the store format, or JSON Lines
of event objects) added all at once or not at all, every problem reported where it is."""

import json

import pytest

from conftest import MINIMAL, SEEDS, write
from geotie.store import load_paths

BATCH = """\
# reviewed from a draft
[[sources]]
id = "new-article"
title = "A new article"
published = "2025-03"

[[actors]]
name = "Gammaland"
kind = "country"

[[events]]
date = "2025-02"
date_text = "last month"
date_note = "\\"Last month\\" of the article of March 2025."
title = "Alphaland and Betaland sign a deal"
actors = ["alpha", "beta"]
status = "occurred"
citations = [
    { source = "new-article", quote = "Last month, Alphaland and Betaland signed a deal." },
]

[[events]]
id = "gamma-joins"
date = "2025-03"
title = "Gammaland joins"
actors = ["gammaland", "alpha"]
citations = [{ source = "new-article", quote = "Gammaland joins Alphaland." }]
"""


@pytest.fixture
def target(tmp_path):
    return write(tmp_path, "# my notes, kept as they are\n" + MINIMAL, "mine.toml")


def add_from(cli, target, batch, *args):
    return cli("--no-default", "--data", str(target), "add", "--from", str(batch), "--to", str(target), *args)


def test_a_toml_batch_is_added_whole(cli, target, tmp_path):
    before = target.read_text("utf-8")
    batch = write(tmp_path, BATCH, "batch.toml")
    r = add_from(cli, target, batch)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.split() == ["new-article", "gammaland", "2025-02-alphaland-and-betaland-sign-a-deal", "gamma-joins"]
    assert "added 4 entries" in r.stderr
    after = target.read_text("utf-8")
    assert after.startswith(before)  # comments and everything else kept, byte for byte
    store = load_paths([target])
    assert store.event_index["gamma-joins"].actors == ("gammaland", "alpha")
    assert store.event_index["2025-02-alphaland-and-betaland-sign-a-deal"].date_note.startswith('"Last month"')


def test_one_bad_entry_and_nothing_is_written_every_problem_reported(cli, target, tmp_path):
    before = target.read_bytes()
    bad = BATCH.replace('date = "2025-02"', 'date = "2025-02-30"').replace(
        'actors = ["gammaland", "alpha"]', 'actors = ["gammaland", "alpah"]\nstatuss = "planned"'
    )
    batch = write(tmp_path, bad, "batch.toml")
    r = add_from(cli, target, batch)
    assert r.exit_code == 1
    assert target.read_bytes() == before
    lines = r.stderr.splitlines()
    assert any(line.startswith(f"{batch}:12: error: bad-date") and "field 'date'" in line for line in lines)
    assert any(f"{batch}:" in line and "unknown-actor" in line and "'alpah'" in line for line in lines)
    assert any(f"{batch}:" in line and "unknown-key" in line and "statuss" in line for line in lines)
    assert "3 problem(s) in the entries to add" in r.stderr


def test_an_event_without_actors_is_refused(cli, target, tmp_path):
    batch = write(tmp_path, '[[events]]\ndate = "2025"\ntitle = "t"\nactors = []\n'
                  'citations = [{ source = "src", quote = "q" }]\n', "b.toml")  # fmt: skip
    r = add_from(cli, target, batch)
    assert r.exit_code == 1 and "no-actor" in r.stderr and f"{batch}:4:" in r.stderr


def test_ids_clash_with_the_store(cli, target, tmp_path):
    batch = write(tmp_path, BATCH.replace('id = "gamma-joins"', 'id = "first"'), "b.toml")
    r = add_from(cli, target, batch)
    assert r.exit_code == 1 and "'first'" in r.stderr


def test_json_lines_in_the_json_contract(cli, target, tmp_path):
    first = {
        "date": "2025-02",
        "date_text": "",
        "date_note": "",
        "start": "2025-02-01",
        "end": "2025-02-28",
        "precision": "month",
        "approximate": False,
        "uncertain": False,
        "display_date": "Feb 2025",
        "title": "Alphaland meets Betaland",
        "summary": "",
        "actors": ["alpha", "beta"],
        "tags": [],
        "status": "planned",
        "citations": [{"source": "src", "quote": "They will meet.", "note": ""}],
        "outcome": "",
        "implied_actors": [],
        "draft": {"status_cue": "will"},
    }
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps(first) + "\n\n" + json.dumps({**first, "id": "second-meeting"}) + "\n", "utf-8")
    r = add_from(cli, target, batch, "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "summary" not in r.stdout and "start" not in r.stdout and "draft" not in r.stdout
    assert 'status = "planned"' in r.stdout and 'id = "second-meeting"' in r.stdout
    assert "nothing was written" in r.stderr
    bad = {**first, "date": "soon"}
    batch.write_text(json.dumps(first) + "\n" + json.dumps(bad) + "\n", "utf-8")
    r = add_from(cli, target, batch)
    assert r.exit_code == 1 and f"{batch}:2: error: bad-date" in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"date": "2025",\n', "b.jsonl:1: not JSON"),
        ("[1, 2]\n", "must be a JSON object"),
    ],
)
def test_unreadable_json_lines(cli, target, tmp_path, content, message):
    batch = tmp_path / "b.jsonl"
    batch.write_text(content, "utf-8")
    r = add_from(cli, target, batch)
    assert r.exit_code == 1 and message in r.stderr and "Traceback" not in r.stderr


def test_bad_toml_and_missing_file(cli, target, tmp_path):
    batch = write(tmp_path, "[[events]\n", "b.toml")
    r = add_from(cli, target, batch)
    assert r.exit_code == 1 and "b.toml:1" in r.stderr and "invalid TOML" in r.stderr
    r = add_from(cli, target, tmp_path / "none.toml")
    assert r.exit_code == 1 and "no such file" in r.stderr


def test_nothing_to_add_and_wrong_combinations(cli, target, tmp_path):
    batch = write(tmp_path, "# nothing yet\n", "b.toml")
    assert "no entries to add" in add_from(cli, target, batch).stderr
    r = cli("--no-default", "--data", str(target), "add", "--to", str(target))
    assert r.exit_code == 2 and "add --from FILE" in r.stderr
    r = cli("--no-default", "--data", str(target), "add", "--from", str(batch), "event", "--date", "2025")
    assert r.exit_code == 2 and "--from" in r.stderr


def test_the_bundled_store_and_the_batch_itself_are_never_written(cli, tmp_path):
    batch = write(tmp_path, BATCH, "b.toml")
    from geotie.store import bundled_store

    r = cli("add", "--from", str(batch), "--to", str(bundled_store()))
    assert r.exit_code == 2 and "never written" in r.stderr
    r = cli("add", "--from", str(batch), "--to", str(batch))
    assert r.exit_code == 2 and "add to another file" in r.stderr


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no archived articles: {SEEDS} is not beside the checkout")
def test_from_article_to_store_end_to_end(cli, tmp_path):
    """The README's walk-through: draft, review (here: keep the new candidates that name
    actors), add --from; the store reads back with the new events, quotes verbatim."""
    article = SEEDS / "004_2c982bdcbaac3a2e.txt"
    r = cli("draft", str(article), "--source", "azernews-2025-02-23", "--new-only", "-f", "toml")
    assert r.exit_code == 0, r.stderr
    reviewed = tmp_path / "reviewed.toml"
    reviewed.write_text(r.stdout, "utf-8")
    mine = tmp_path / "mine.toml"
    r = cli("add", "--from", str(reviewed), "--to", str(mine))
    assert r.exit_code == 0, r.stderr
    added = r.stdout.split()
    store = load_paths([__import__("geotie.store").store.bundled_store(), mine])
    text = article.read_text("utf-8")
    for ident in added:
        event = store.event_index[ident]
        assert event.citations[0].quote in text


def test_an_entry_with_a_bad_field_has_its_references_checked_too(cli, target, tmp_path):
    batch = write(tmp_path, '[[events]]\ndate = "2025-13"\ntitle = "t"\nactors = ["alpah"]\n'
                  'citations = [{ source = "nosuch", quote = "q" }]\n', "b.toml")  # fmt: skip
    r = add_from(cli, target, batch)
    assert r.exit_code == 1
    assert "b.toml:2: error: bad-date" in r.stderr
    assert "b.toml:4: error: unknown-actor: unknown actor 'alpah'" in r.stderr and "did you mean 'alpha'" in r.stderr
    assert "b.toml:5: error: unknown-source: unknown source 'nosuch'" in r.stderr


def test_a_draft_with_control_characters_and_mojibake_goes_in_verbatim(cli, tmp_path):
    """The quote of an article holding an escape character and a spoiled name reaches the
    store character for character, through draft's TOML and add --from."""
    quote = "Next month, ErdoÄŸan is set to visit Pakistan \x1b[31magain."
    article = tmp_path / "a.txt"
    article.write_text(quote + "\n", "utf-8")
    r = cli("draft", str(article), "--source", "azernews-2025-02-23", "-f", "toml")
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stdout.replace("\\u001b", "")  # escaped in the TOML string and in the comment
    draft_file = tmp_path / "d.toml"
    draft_file.write_text(r.stdout, "utf-8")
    mine = tmp_path / "mine.toml"
    r = cli("add", "--from", str(draft_file), "--to", str(mine))
    assert r.exit_code == 0, r.stderr
    from geotie.store import bundled_store

    store = load_paths([bundled_store(), mine])
    (event,) = (store.event_index[i] for i in r.stdout.split())
    assert event.citations[0].quote == quote
    assert "recep-tayyip-erdogan" in event.actors and event.status == "planned"


def test_a_json_array_as_timeline_prints_it(cli, target, tmp_path):
    """`timeline -f json` of one store, added to another: the events read back the same."""
    r = cli("--no-default", "--data", str(target), "timeline", "-f", "json")
    events = json.loads(r.stdout)
    other = write(tmp_path, "[meta]\nschema = 1\n" + MINIMAL.split("[[events]]")[0].split("schema = 1", 1)[1], "o.toml")
    batch = tmp_path / "b.json"
    batch.write_text(json.dumps([{**e, "id": e["id"] + "-copy"} for e in events], indent=2), "utf-8")
    r = cli("--no-default", "--data", str(other), "add", "--from", str(batch), "--to", str(other))
    assert r.exit_code == 0, r.stderr
    store = load_paths([other])
    assert sorted(store.event_index) == sorted(e["id"] + "-copy" for e in events)
    assert store.event_index["second-copy"].date.text == "2024-07-15"
    batch.write_text("[1]", "utf-8")
    r = cli("--no-default", "--data", str(other), "add", "--from", str(batch), "--to", str(other))
    assert r.exit_code == 1 and "item 0 of the array is not an event object" in r.stderr


def test_the_readme_session_entry_goes_in_and_check_finds_nothing(cli, tmp_path):
    """The reviewed entry the README shows is added by add --from, and check (with the seeds
    when they are there) says nothing about it."""
    import re
    from datetime import date

    from conftest import ROOT
    from geotie import lint
    from geotie.store import bundled_store

    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```toml\n(\[\[events\]\]\ndate = \"2025-02-23\".*?)```", readme, re.S).group(1)
    draft_file = write(tmp_path, block, "draft.toml")
    mine = tmp_path / "mine.toml"
    r = cli("add", "--from", str(draft_file), "--to", str(mine))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == "2025-02-23-azernews-expects-azerbaijan-pakistan-relations"
    problems = lint.check([bundled_store(), mine], date(2025, 3, 1), SEEDS if SEEDS.is_dir() else None)
    assert [p for p in problems if p.origin.file == str(mine)] == []
