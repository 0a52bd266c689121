"""geotie check: load rules plus lints, compiler-style output, exit codes."""

import json

import pytest

from conftest import MINIMAL, SEEDS, write

#: MINIMAL as the new lints want it: quotes that name the actors and date what they claim,
#: roles attested rather than started, a source published after what it reports.
CLEAN = (
    MINIMAL.replace('published = "2024-02-23"', 'published = "2024-08-01"')
    .replace('start = "2024-01"', 'attested = ["2024-01"]')
    .replace('quote = "all year"', 'quote = "Alphaland and Betaland traded all year"')
    .replace('quote = "in July"', 'quote = "Alfa, Betaland and Jo Smith met on 15 July 2024"')
    .replace('quote = "next month"', 'quote = "Alphaland plans a visit in February 2025"')
)


def check(cli, path, *args):
    return cli("--no-default", "--data", str(path), "check", "--today", "2026-11-24", *args)


def codes(result):
    return [line.split(": ")[2] for line in result.stdout.splitlines()]


def test_bundled_store_is_clean_and_check_is_silent(cli):
    result = cli("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert json.loads(cli("check", "--format", "json").stdout) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no archived articles: {SEEDS} is not beside the checkout")
def test_bundled_store_passes_strict_check_against_the_archive(cli):
    """CI: every lint, and every quote character for character in its article (issue #10)."""
    result = cli("check", "--strict", "--archive", str(SEEDS))
    assert (result.exit_code, result.stdout) == (0, "")


def test_bundled_store_loads_and_its_quotes_are_in_the_archive(cli):
    """What the bundled store must pass meanwhile: no errors, no quote missing from its article."""
    args = ["check", "--format", "json"] + (["--archive", str(SEEDS)] if SEEDS.is_dir() else [])
    problems = json.loads(cli(*args).stdout)
    assert [p for p in problems if p["severity"] == "error" or p["code"] == "quote-not-in-source"] == []


def test_minimal_store_lints(cli, tmp_path):
    result = check(cli, write(tmp_path, CLEAN))
    # 'third' was planned for 2025-02 and nothing followed it
    assert codes(result) == ["stale-plan"] and result.exit_code == 0
    assert "2 file" not in result.stderr and "0 error(s), 1 warning(s)" in result.stderr
    assert check(cli, write(tmp_path, CLEAN), "--strict").exit_code == 1


def test_outcome_or_a_later_event_settles_a_plan(cli, tmp_path):
    settled = CLEAN.replace('status = "planned"', 'status = "planned"\noutcome = "Not reported."')
    assert check(cli, write(tmp_path, settled)).stdout == ""
    assert check(cli, write(tmp_path, CLEAN), "--today", "2025-02-15").stdout == ""  # not yet passed


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda t: (
                t.replace('title = "A day in July"', 'title = "A year-long thing!"')
                .replace('date = "2024-07-15"', 'date = "2024-07"')
                .replace('["alpha", "beta", "jo-smith"]', '["alpha", "beta"]')
            ),
            "duplicate-event",
        ),
        (lambda t: t + '\n[[actors]]\nid = "lonely"\nname = "Lonely"\nkind = "country"\n', "unused-actor"),
        (lambda t: t + '\n[[sources]]\nid = "uncited"\ntitle = "Nobody cites me"\n', "unused-source"),
        (lambda t: t.replace('citations = [{ source = "src", quote = "Jo Smith, minister" }]', ""), "uncited-role"),
        (lambda t: t.replace('tags = ["trade"]', 'tags = ["trdae"]'), "unknown-tag"),
    ],
)
def test_each_lint(cli, tmp_path, change, code):
    text = change(CLEAN.replace('status = "planned"', 'status = "planned"\noutcome = "x"'))
    result = check(cli, write(tmp_path, text))
    assert code in codes(result), result.stdout
    line = result.stdout.splitlines()[0]
    file, number = line.split(":")[:2]
    assert file == str(tmp_path / "store.toml") and int(number) > 0


def test_quotes_checked_against_archive(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "src.txt").write_text(
        "Alphaland and Betaland traded all year. Jo Smith, minister. Alfa, Betaland and Jo Smith met on 15 July 2024."
    )
    text = CLEAN.replace('title = "A source"', 'title = "A source"\narchive = "src.txt"').replace(
        'status = "planned"', 'status = "planned"\noutcome = "x"'
    )
    result = check(cli, write(tmp_path, text), "--archive", str(archive))
    assert codes(result) == ["quote-not-in-source"] and "February 2025" in result.stdout
    assert check(cli, write(tmp_path, text), "--archive", str(tmp_path / "none")).exit_code == 2


def test_an_archive_name_with_a_nul_is_a_file_that_cannot_be_read(cli, tmp_path):
    (tmp_path / "archive").mkdir()
    text = MINIMAL.replace('title = "A source"', 'title = "A source"\narchive = "x\\u0000\\u001b.txt"')
    result = check(cli, write(tmp_path, text), "--archive", str(tmp_path / "archive"))
    assert "archive-missing" in codes(result) and "x\\x00\\x1b.txt" in result.stdout


def test_errors_fail_and_are_grouped_by_file(cli, tmp_path):
    good = write(tmp_path, CLEAN.replace('status = "planned"', 'status = "planned"\noutcome = "x"'), "a.toml")
    bad = write(
        tmp_path,
        '[meta]\nschema = 1\n[[events]]\nid = "x"\ndate = "2024-13"\ntitle = "t"\nactors = ["alpah"]\ncitations = [{ source = "src", quote = "q" }]\n',
        "b.toml",
    )
    result = cli("--no-default", "--data", str(bad), "--data", str(good), "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{bad}:") for line in lines)
    assert "error: bad-date" in lines[0]


def test_unreadable_file_is_reported_like_the_rest(cli, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[meta\n")
    result = cli("--no-default", "--data", str(bad), "check")
    assert result.exit_code == 1 and result.stdout.startswith(f"{bad}:1: error: bad-toml: invalid TOML")


def test_json_output(cli, tmp_path):
    result = check(cli, write(tmp_path, CLEAN), "--format", "json")
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "stale-plan" and problem["severity"] == "warning" and problem["line"] > 0
    assert problem["file"].endswith("store.toml") and problem["entry"] == "events 'third'"


# --- the lints of issue #10 ------------------------------------------------------------------------

SETTLED = CLEAN.replace('status = "planned"', 'status = "planned"\noutcome = "Not reported."')
FIRST_QUOTE = 'quote = "Alphaland and Betaland traded all year"'
SECOND_QUOTE = 'quote = "Alfa, Betaland and Jo Smith met on 15 July 2024"'


def problems(cli, tmp_path, text, *args):
    return json.loads(check(cli, write(tmp_path, text), "--format", "json", *args).stdout)


def test_the_clean_store_has_no_warning_but_the_stale_plan(cli, tmp_path):
    assert problems(cli, tmp_path, SETTLED) == []


@pytest.mark.parametrize(
    ("change", "code", "field", "line_starts"),
    [
        (lambda t: t.replace(FIRST_QUOTE, 'quote = "Alphaland traded all year"'), "actor-not-named", "actors",
         "actors = "),
        (lambda t: t.replace(FIRST_QUOTE, 'quote = "Alphaland and Betalandish folk traded all year"'),
         "actor-not-named", "actors", "actors = "),
        (lambda t: t.replace('published = "2024-08-01"', 'published = "2024?/.."'), "source-date-open", "published",
         "published = "),
        (lambda t: t.replace('published = "2024-08-01"\n', ""), "source-undated", "published", "[[sources]]"),
        (lambda t: t.replace('date = "2024-07-15"', 'date = "2024-09-01"').replace("15 July 2024", "1 September 2024"),
         "event-after-source", "date", "date = "),
        (lambda t: t.replace('attested = ["2024-01"]', 'attested = ["2024-09"]'), "event-after-source", "attested",
         "attested = "),
        (lambda t: t.replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met last week"'), "relative-date",
         "date_note", "citations = "),
        (lambda t: t.replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met on Tuesday"'), "relative-date",
         "date_note", "citations = "),
        (lambda t: t.replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met on July 15"'), "relative-date",
         "date_note", "citations = "),
        (lambda t: t.replace('date = "2024-07-15"', 'date = "2024-07-15"\ndate_text = "the following day"'),
         "relative-date", "date_note", "date_text = "),
        (lambda t: t.replace('published = "2024-08-01"', 'published = "2024-07"')
         .replace('date = "2024-07-15"', 'date = "2024-07-15"\ndate_note = "a week before publication"')
         .replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met last week"'),
         "relative-date-too-precise", "date", "date = "),
        (lambda t: t.replace('title = "A day in July"', 'title = "3 ministers meet on a day in July"'),
         "number-not-quoted", "title", "title = "),
        (lambda t: t.replace('title = "A day in July"', 'title = "A day in July"\nsummary = "Worth $1,200."'),
         "number-not-quoted", "summary", "summary = "),
        (lambda t: t.replace('attested = ["2024-01"]\n', ""), "undated-role", "attested", "[[actors.roles]]"),
        (lambda t: t.replace('attested = ["2024-01"]', 'start = "2024-01"'), "role-start-unquoted", "start",
         "start = "),
    ],
)  # fmt: skip
def test_each_new_lint_names_file_line_entry_and_field(cli, tmp_path, change, code, field, line_starts):
    text = change(SETTLED)
    found = [p for p in problems(cli, tmp_path, text) if p["code"] == code]
    assert len(found) == 1, problems(cli, tmp_path, text)
    (p,) = found
    assert p["severity"] == "warning" and p["field"] == field and p["entry"] and p["hint"]
    assert p["file"] == str(tmp_path / "store.toml")
    assert text.splitlines()[p["line"] - 1].startswith(line_starts)
    assert check(cli, write(tmp_path, text), "--strict").exit_code == 1
    assert check(cli, write(tmp_path, text)).exit_code == 0


@pytest.mark.parametrize(
    "change",
    [
        # named by an alias, accents and case aside; by a demonym; by a person's surname; in the summary
        lambda t: t.replace(FIRST_QUOTE, 'quote = "The ALPHA republic and Betaland traded all year"'),
        lambda t: t.replace(FIRST_QUOTE, 'quote = "Alphaland and Betan traders worked all year"').replace(
            'id = "beta"\nname = "Betaland"', 'id = "beta"\nname = "Betaland"\ndemonyms = ["Betan"]'
        ),
        lambda t: t.replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Minister Smith met on 15 July 2024"'),
        lambda t: t.replace(FIRST_QUOTE, 'quote = "Alphaland traded all year"').replace(
            'title = "A year-long thing"', 'title = "A year-long thing"\nsummary = "With Betaland."'
        ),
        # a deliberate exception
        lambda t: t.replace(FIRST_QUOTE, 'quote = "Alphaland and its neighbour traded all year"').replace(
            'actors = ["alpha", "beta"]', 'actors = ["alpha", "beta"]\nimplied_actors = ["beta"]'
        ),
        # a plan may lie after its source; a closed interval dates a source
        lambda t: t.replace('date = "2024-07-15"', 'date = "2024-09-01"\nstatus = "planned"\noutcome = "x"').replace(
            "met on 15 July 2024", "will meet on 1 September 2024"
        ),
        lambda t: t.replace('published = "2024-08-01"', 'published = "2024-07-20/2024-08-31?"'),
        # a relative date explained; resolved no finer than the source; date_text is what is read
        lambda t: t.replace(
            'date = "2024-07-15"', 'date = "2024-07-15"\ndate_note = "a week before 2024-07-22"'
        ).replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met last week"'),
        lambda t: (
            t.replace('published = "2024-08-01"', 'published = "2024-07"')
            .replace('date = "2024-07-15"', 'date = "2024-07"\ndate_note = "a week before publication, in July"')
            .replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met last week"')
        ),
        lambda t: (
            t.replace('published = "2024-08-01"', 'published = "2024-07"')
            .replace('date = "2024-07-15"', 'date = "2024-06/2024-07"\ndate_note = "last month, from July 2024"')
            .replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met in 2024, last month"')
        ),
        lambda t: t.replace('date = "2024-07-15"', 'date = "2024-07-15"\ndate_text = "15 July 2024"').replace(
            SECOND_QUOTE, 'quote = "Alfa, Betaland and Jo Smith met last week, on 15 July 2024"'
        ),
        # numbers: in words, with separators, of the date, of the source's year
        lambda t: t.replace('title = "A day in July"', 'title = "3 ministers meet on 15 July 2024"').replace(
            "Jo Smith met", "Jo Smith, three ministers, met"
        ),
        lambda t: t.replace('title = "A day in July"', 'title = "1200 traders meet"').replace(
            "Jo Smith met", "Jo Smith and 1,200 traders met"
        ),
        lambda t: t.replace('title = "A day in July"', 'title = "The 8th meeting, reported in 2024"').replace(
            "Jo Smith met", "Jo Smith met for the eighth time"
        ),
        # a start the quotes speak of
        lambda t: t.replace('attested = ["2024-01"]', 'start = "2024-01"').replace(
            '"Jo Smith, minister"', '"Jo Smith, appointed minister"'
        ),
    ],
)
def test_what_the_new_lints_let_pass(cli, tmp_path, change):
    assert problems(cli, tmp_path, change(SETTLED)) == []


def test_quote_matching_only_loosely_is_inexact(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    exact = (
        "Alphaland and Betaland traded all year. Jo Smith, minister. Alfa, Betaland and Jo Smith met on 15 July 2024."
    )
    text = SETTLED.replace('title = "A source"', 'title = "A source"\narchive = "src.txt"')
    (archive / "src.txt").write_text(exact + " Alphaland plans a visit in February 2025.", encoding="utf-8")
    assert problems(cli, tmp_path, text, "--archive", str(archive)) == []
    (archive / "src.txt").write_text(exact.replace("and Betaland", "and\u00a0Betaland") + " Alphaland plans a "
                                     "visit in February 2025.", encoding="utf-8")  # fmt: skip
    (p,) = problems(cli, tmp_path, text, "--archive", str(archive))
    assert (p["code"], p["field"], p["entry"]) == ("quote-inexact", "quote", "events 'first'")
    assert text.splitlines()[p["line"] - 1].startswith("citations = ")


def test_a_surname_names_a_person_only_when_no_other_person_has_it(cli, tmp_path):
    text = SETTLED.replace(SECOND_QUOTE, 'quote = "Alfa, Betaland and Minister Smith met on 15 July 2024"')
    assert problems(cli, tmp_path, text) == []
    twin = '\n[[actors]]\nid = "al-smith"\nname = "Al Smith"\nkind = "person"\n\n[[actors.roles]]\ntitle = "Envoy"\n'
    twin += 'attested = ["2024-01"]\ncitations = [{ source = "src", quote = "Al Smith, envoy" }]\n'
    (p,) = problems(cli, tmp_path, text + twin)
    assert (p["code"], p["entry"]) == ("actor-not-named", "events 'second'") and "jo-smith" in p["message"]
