"""geotie check: load rules plus lints, compiler-style output, exit codes."""

import json

import pytest

from conftest import MINIMAL, SEEDS, write


def check(cli, path, *args):
    return cli("--no-default", "--data", str(path), "check", "--today", "2026-11-24", *args)


def codes(result):
    return [line.split(": ")[2] for line in result.stdout.splitlines()]


def test_bundled_store_is_clean_and_check_is_silent(cli):
    result = cli("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_bundled_quotes_match_the_archive(cli):
    result = cli("check", "--strict", "--archive", str(SEEDS))
    assert (result.exit_code, result.stdout) == (0, "")


def test_minimal_store_lints(cli, tmp_path):
    result = check(cli, write(tmp_path, MINIMAL))
    # 'third' was planned for 2025-02 and nothing followed it
    assert codes(result) == ["stale-plan"] and result.exit_code == 0
    assert "2 file" not in result.stderr and "0 error(s), 1 warning(s)" in result.stderr
    assert check(cli, write(tmp_path, MINIMAL), "--strict").exit_code == 1


def test_outcome_or_a_later_event_settles_a_plan(cli, tmp_path):
    settled = MINIMAL.replace('status = "planned"', 'status = "planned"\noutcome = "Not reported."')
    assert check(cli, write(tmp_path, settled)).stdout == ""
    assert check(cli, write(tmp_path, MINIMAL), "--today", "2025-02-15").stdout == ""  # not yet passed


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
    text = change(MINIMAL.replace('status = "planned"', 'status = "planned"\noutcome = "x"'))
    result = check(cli, write(tmp_path, text))
    assert code in codes(result), result.stdout
    line = result.stdout.splitlines()[0]
    file, number = line.split(":")[:2]
    assert file == str(tmp_path / "store.toml") and int(number) > 0


def test_quotes_checked_against_archive(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "src.txt").write_text("It lasted all year. Jo Smith, minister, said so in July.")
    text = MINIMAL.replace('title = "A source"', 'title = "A source"\narchive = "src.txt"').replace(
        'status = "planned"', 'status = "planned"\noutcome = "x"'
    )
    result = check(cli, write(tmp_path, text), "--archive", str(archive))
    assert codes(result) == ["quote-not-in-source"] and "next month" in result.stdout
    assert check(cli, write(tmp_path, text), "--archive", str(tmp_path / "none")).exit_code == 2


def test_an_archive_name_with_a_nul_is_a_file_that_cannot_be_read(cli, tmp_path):
    (tmp_path / "archive").mkdir()
    text = MINIMAL.replace('title = "A source"', 'title = "A source"\narchive = "x\\u0000\\u001b.txt"')
    result = check(cli, write(tmp_path, text), "--archive", str(tmp_path / "archive"))
    assert "archive-missing" in codes(result) and "x\\x00\\x1b.txt" in result.stdout


def test_errors_fail_and_are_grouped_by_file(cli, tmp_path):
    good = write(tmp_path, MINIMAL.replace('status = "planned"', 'status = "planned"\noutcome = "x"'), "a.toml")
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
    result = check(cli, write(tmp_path, MINIMAL), "--format", "json")
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "stale-plan" and problem["severity"] == "warning" and problem["line"] > 0
    assert problem["file"].endswith("store.toml") and problem["entry"] == "events 'third'"
    assert json.loads(cli("check", "--format", "json").stdout) == []
