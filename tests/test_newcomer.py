"""A newcomer is never stuck: names typed without quotes, suggestions for ids."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, PINNED_ENV, write
from geotie import query
from geotie.errors import Ambiguous, NotFound
from geotie.store import bundled_store, load_paths
from geotie.text import did_you_mean, suggest_ids


@pytest.fixture
def store(store_file):
    return load_paths([store_file])


def test_who_takes_the_words_of_a_name_unquoted(cli):
    quoted = cli("who", "Vugar Mustafayev", "-f", "tsv")
    unquoted = cli("who", "Vugar", "Mustafayev", "-f", "tsv")
    assert unquoted.exit_code == 0 and unquoted.stderr == ""
    assert unquoted.stdout == quoted.stdout and "vugar-mustafayev" in unquoted.stdout


def test_who_still_needs_a_name(cli):
    result = cli("who")
    assert result.exit_code == 2 and "Missing argument" in result.stderr


def test_timeline_words_that_name_one_actor_together(cli):
    result = cli("timeline", "Vugar", "Mustafayev")
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr == (
        "geotie: 'Vugar' and 'Mustafayev' are read as 2 actors, and 'Mustafayev' fits 2 actors "
        "(shahin-mustafayev, vugar-mustafayev); together, 'Vugar Mustafayev' names Vugar Mustafayev: "
        'quote the name, as in geotie timeline "Vugar Mustafayev"\n'
    )
    # the suggested command works
    assert cli("timeline", "Vugar Mustafayev", "-f", "tsv").exit_code == 0


def test_timeline_regrouping_keeps_the_other_actors_and_marks_options(cli):
    result = cli("timeline", "Shahin", "Mustafayev", "pakistan", "--since", "2020")
    assert result.exit_code == 4
    assert "'Shahin', 'Mustafayev' and 'pakistan' are read as 3 actors" in result.stderr
    assert 'as in geotie timeline "Shahin Mustafayev" pakistan ...\n' in result.stderr


def test_timeline_word_that_names_no_actor_but_is_part_of_a_name(cli, store_file):
    # each word of a name fits that actor alone (or several); a word that is no name at all
    # can still be part of one
    result = cli("--no-default", "--data", str(store_file), "timeline", "Jo", "-", "Smith")
    assert result.exit_code == 3
    assert "'-' names no actor; together, 'Jo - Smith' names Jo Smith" in result.stderr
    assert 'geotie timeline "Jo - Smith"\n' in result.stderr


def test_timeline_without_a_regrouping_keeps_the_plain_error(cli):
    result = cli("timeline", "pakistan", "nowhere")
    assert (
        result.exit_code == 3 and result.stderr == "geotie: unknown actor 'nowhere'; run 'geotie actors' to list them\n"
    )


def test_words_of_one_actor_each_resolving_to_it_count_once(cli):
    both = cli("timeline", "Recep", "Erdogan", "-f", "table", env={"COLUMNS": "200"})
    one = cli("timeline", "erdogan", "-f", "table", env={"COLUMNS": "200"})
    assert both.exit_code == 0 and both.stdout == one.stdout
    assert both.stdout.startswith("Recep Tayyip Erdoğan: ")


def test_word_groups(store):
    assert query.word_groups(store, ["alpha", "beta"]) is None  # each word names an actor
    assert query.word_groups(store, ["alpha", "nowhere"]) is None  # no split works
    assert query.word_groups(store, ["alpha"]) is None
    groups = query.word_groups(store, ["Jo", "Smith", "beta"])
    assert [(text, actor.id) for text, actor in groups] == [("Jo Smith", "jo-smith"), ("beta", "beta")]
    groups = query.word_groups(store, ["beta", "Alpha", "Republic"])
    assert [(text, actor.id) for text, actor in groups] == [("beta", "beta"), ("Alpha Republic", "alpha")]


def test_resolve_actors_in_order_once_each(store):
    assert [a.id for a in query.resolve_actors(store, ["beta", "alpha", "alfa"])] == ["beta", "alpha"]
    with pytest.raises(NotFound):
        query.resolve_actors(store, ["beta", "nowhere"])


def test_suggest_ids_start_then_contain_folded():
    ids = ["baku-interest-in-jf17", "jf17-block3-delivered", "jf-17-thunder", "other", "pakistan-offers-jf17"]
    assert suggest_ids("jf17", ids) == (
        ["jf-17-thunder", "jf17-block3-delivered", "baku-interest-in-jf17", "pakistan-offers-jf17"],
        0,
    )
    assert suggest_ids("JF-17", ids)[0][0] == "jf-17-thunder"
    assert suggest_ids("jf17", ids, n=2) == (["jf-17-thunder", "jf17-block3-delivered"], 2)
    assert suggest_ids("othr", ids) == (["other"], 0)  # nothing contains it: the nearest spelling
    assert suggest_ids("zzzz", ids) == ([], 0)
    assert suggest_ids("--", ids) == ([], 0)


def test_did_you_mean():
    assert did_you_mean([]) == ""
    assert did_you_mean(["a"]) == "did you mean 'a'?"
    assert did_you_mean(["a", "b", "c"], 4) == "did you mean 'a', 'b' or 'c' (or 4 more)?"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["event", "jf17"],
            "unknown event 'jf17'; did you mean 'jf17-block3-delivered', 'baku-interest-in-jf17' or "
            "'pakistan-offers-jf17-mushshak'?",
        ),
        (["event", "JF-17 block"], "did you mean 'jf17-block3-delivered'?"),
        (["source", "azernews"], "unknown source 'azernews'; did you mean 'azernews-2025-02-23'?"),
        (["source", "Strengthens Ties"], "did you mean 'strengthens-ties-2025'?"),
    ],
)
def test_id_lookups_suggest_ids_containing_what_was_typed(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 3 and message in result.stderr


def test_store_reference_and_add_suggest_ids_containing_what_was_typed(cli, tmp_path):
    text = MINIMAL.replace('id = "src"', 'id = "daily-news-2024"').replace(
        'source = "src"', 'source = "daily-news-2024"'
    )
    path = write(
        tmp_path,
        text.replace('quote = "next month"', 'quote = "next month"').replace(
            '{ source = "daily-news-2024", quote = "next month" }', '{ source = "daily", quote = "next month" }'
        ),
    )
    result = cli("--no-default", "--data", str(path), "sources")
    assert result.exit_code == 1 and "did you mean 'daily-news-2024'?" in result.stderr
    good = write(tmp_path, text, "good.toml")
    result = cli(
        "--no-default",
        "--data",
        str(good),
        "add",
        "event",
        "--date",
        "2025",
        "--title",
        "T",
        "-a",
        "alpha",
        "--source",
        "daily",
        "--quote",
        "q",
        "--dry-run",
    )
    assert result.exit_code == 3 and "unknown source 'daily'; did you mean 'daily-news-2024'?" in result.stderr


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "archive-example"


def test_the_readme_check_archive_example_runs_as_written(tmp_path):
    """The README's `check --archive` example, run by a shell from the README's folder as a user
    would (its stores are the shipped example: no seeds needed)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```text\n\$ (geotie [^\n]*--archive docs/archive-example[^\n]*)\n(.*?)```", text, re.S)
    assert found, "the README has no check --archive example on docs/archive-example"
    command, shown = found.group(1), found.group(2)
    env = {**os.environ, **PINNED_ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = Path(sys.executable).parent / "geotie"
    if not script.exists():  # not installed beside this interpreter: run the same command through it
        command = command.replace("geotie ", f"{sys.executable} -m geotie ", 1)
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0 and result.stdout + result.stderr == shown


def test_the_archive_example_is_checked_against_its_article(cli, tmp_path):
    """The example is not vacuous: a quote changed by one word is found missing from the article."""
    shutil.copytree(EXAMPLE, tmp_path / "example")
    store = tmp_path / "example" / "store.toml"
    store.write_text(store.read_text(encoding="utf-8").replace("a daily ferry", "a weekly ferry"), encoding="utf-8")
    result = cli("--no-default", "--data", str(store), "check", "--strict", "--archive", str(tmp_path / "example"))
    assert result.exit_code == 1 and "quote-not-in-source" in result.stdout + result.stderr
    article = tmp_path / "example" / "harbour-gazette-2024-03-05.txt"
    article.unlink()
    result = cli("--no-default", "--data", str(store), "check", "--strict", "--archive", str(tmp_path / "example"))
    assert result.exit_code == 1 and "archive-missing" in result.stdout + result.stderr


def test_every_name_of_the_bundled_store_typed_unquoted_is_put_back_together():
    """For every name or alias of several words: either its words each name an actor (and the
    timeline runs), or they are put back together as that actor."""
    store = load_paths([bundled_store()])
    checked = 0
    for actor in store.actors.values():
        for name in (actor.name, *actor.aliases):
            words = name.split()
            if len(words) < 2 or query.resolve_actor(store, name).id != actor.id:
                continue  # one word, or a name that is not this actor's alone
            try:
                query.resolve_actors(store, words)
            except (NotFound, Ambiguous):
                assert [(text, a.id) for text, a in query.word_groups(store, words)] == [(name, actor.id)]
                checked += 1
    assert checked >= 5
