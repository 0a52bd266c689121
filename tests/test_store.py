from pathlib import Path

import pytest

from conftest import MINIMAL, write
from geotie.errors import StoreError
from geotie.store import load, load_paths, store_paths


def problems_of(tmp_path: Path, text: str) -> list:
    path = write(tmp_path, text)
    with pytest.raises(StoreError) as info:
        load_paths([path])
    return info.value.problems


def only_error(tmp_path: Path, text: str):
    errors = [p for p in problems_of(tmp_path, text) if p.severity == "error"]
    assert len(errors) == 1, errors
    return errors[0]


def test_minimal_store_loads(tmp_path):
    store = load_paths([write(tmp_path, MINIMAL)])
    assert [e.id for e in store.events] == ["first", "second", "third"]
    assert store.actors["jo-smith"].roles[0].of == "alpha"
    assert store.warnings == ()


def test_events_are_sorted_whatever_the_file_order(tmp_path):
    text = MINIMAL.replace('date = "2024"\n', 'date = "2026"\n')
    store = load_paths([write(tmp_path, text)])
    assert [e.id for e in store.events] == ["second", "third", "first"]


def test_duplicate_id_across_kinds(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('id = "first"', 'id = "beta"'))
    assert p.code == "duplicate-id" and "beta" in p.message and p.origin.line > 0


def test_unknown_actor_suggests_the_nearest(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('actors = ["alpha", "beta"]', 'actors = ["alpah", "beta"]'))
    assert p.code == "unknown-actor" and p.field == "actors"
    assert "did you mean 'alpha'" in p.hint
    assert "events 'first'" in p.entry
    assert str(p).startswith(f"{tmp_path / 'store.toml'}:")
    assert MINIMAL.splitlines()[p.origin.line - 1].startswith("actors = ")  # the field's own line


def test_unknown_source(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('source = "src", quote = "in July"', 'source = "scr", quote = "in July"'))
    assert p.code == "unknown-source" and "did you mean 'src'" in p.hint
    assert 'quote = "in July"' in MINIMAL.splitlines()[p.origin.line - 1]


def test_unknown_role_target(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('of = "alpha"', 'of = "gamma"'))
    assert p.code == "unknown-actor" and p.field == "of"


def test_unknown_country(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('country = "alpha"', 'country = "alfa"'))
    assert p.code == "unknown-actor" and p.field == "country"


def test_bad_date_names_line_and_field(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('date = "2024-07-15"', 'date = "2024-07-32"'))
    assert p.code == "bad-date" and p.field == "date"
    lines = MINIMAL.splitlines()
    assert lines[p.origin.line - 1].startswith("date = ")


def test_interval_ending_before_start(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('date = "2024-07-15"', 'date = "2024-07/2024-01"'))
    assert p.code == "bad-date" and "ends before it starts" in p.message


def test_role_ending_before_start(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('start = "2024-01"', 'start = "2024-01"\nend = "2023"'))
    assert p.code == "end-before-start"


def test_event_without_citation(tmp_path):
    text = MINIMAL.replace('citations = [{ source = "src", quote = "next month" }]', "")
    p = only_error(tmp_path, text)
    assert p.code == "no-citation" and "third" in p.entry


def test_empty_quote(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('quote = "in July"', 'quote = " "'))
    assert p.code == "empty-field" and p.field == "quote"


def test_unknown_schema_is_refused(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace("schema = 1", "schema = 2"))
    assert p.code == "bad-schema" and "schema 1" in p.message


def test_missing_schema(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace("schema = 1\n", ""))
    assert p.code == "no-schema"


def test_missing_meta(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace("[meta]\nschema = 1\n", ""))
    assert p.code == "no-meta"


def test_bad_status_and_kind(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('status = "planned"', 'status = "planed"'))
    assert p.code == "bad-value" and "did you mean 'planned'" in p.hint
    p = only_error(tmp_path, MINIMAL.replace('kind = "person"', 'kind = "people"'))
    assert p.code == "bad-value" and p.field == "kind"


def test_bad_id(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('id = "third"', 'id = "Third Event"'))
    assert p.code == "bad-id"


def test_wrong_type(tmp_path):
    p = only_error(tmp_path, MINIMAL.replace('title = "A day in July"', "title = 2024"))
    assert p.code == "bad-type" and p.field == "title"


def test_unknown_key_is_a_warning_with_a_suggestion(tmp_path):
    store = load_paths(
        [write(tmp_path, MINIMAL.replace('title = "A planned visit"', 'title = "A planned visit"\ntilte = "x"'))]
    )
    (w,) = store.warnings
    assert w.severity == "warning" and w.code == "unknown-key" and "did you mean 'title'" in w.hint
    assert MINIMAL.count("\n") > 0 and w.origin.line > 0


def test_inline_arrays_of_tables_are_read(tmp_path):
    text = """\
    [meta]
    schema = 1
    sources = [{ id = "s", title = "S" }]
    """
    # sources inside [meta] is a misplaced key: warned, not silently used
    path = write(tmp_path, text)
    store = load_paths([path])
    assert store.sources == {} and store.warnings[0].code == "unknown-key"


def test_top_level_inline_array_store_loads(tmp_path):
    text = 'sources = [{ id = "s", title = "S" }]\nactors = [{ id = "a", name = "A", kind = "country" }]\n'
    text += 'events = [{ id = "e", date = "2024", title = "E", actors = ["a"], citations = [{ source = "s", quote = "q" }] }]\n'
    text += "[meta]\nschema = 1\n"
    store = load_paths([write(tmp_path, text)])
    assert list(store.event_index) == ["e"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[meta\nschema = 1\n", "invalid TOML"),
        (b"\xef\xbb\xbf[meta]\nschema = 1\n", "byte-order mark"),
        (b'[meta]\nschema = 1\ntitle = "\xff"\n', "invalid UTF-8"),
    ],
)
def test_unreadable_files_give_one_clear_message(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        load_paths([path])
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_toml_error_has_line_and_column(tmp_path):
    path = write(tmp_path, MINIMAL + "\n[[events]\n")
    with pytest.raises(StoreError, match=r"store\.toml:\d+:\d+: invalid TOML"):
        load_paths([path])


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        load([str(tmp_path / "nope.toml")], no_default=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match=r"holds no \.toml files"):
        load([str(tmp_path / "empty")], no_default=True)
    with pytest.raises(StoreError, match="is a folder"):
        load_paths([tmp_path / "empty"])


def test_folder_and_env_paths_merge_with_the_bundled_store(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, MINIMAL, "a.toml")
    paths = store_paths([], str(folder), no_default=False)
    assert paths[0].name == "facts.toml" and paths[1] == folder / "a.toml"
    store = load([], str(folder))
    assert "first" in store.event_index and "pakistan" in store.actors


def test_references_across_files(tmp_path):
    write(tmp_path, MINIMAL, "a.toml")
    write(
        tmp_path,
        """\
        [meta]
        schema = 1
        [[events]]
        id = "elsewhere"
        date = "2023"
        title = "Defined in another file"
        actors = ["alpha"]
        citations = [{ source = "src", quote = "q" }]
        """,
        "b.toml",
    )
    store = load([str(tmp_path)], no_default=True)
    assert store.event_index["elsewhere"].actors == ("alpha",)


def test_id_clash_across_files_names_both(tmp_path):
    a = write(tmp_path, MINIMAL, "a.toml")
    b = write(tmp_path, MINIMAL.replace("test store", "copy"), "b.toml")
    with pytest.raises(StoreError) as info:
        load_paths([a, b])
    clash = [p for p in info.value.problems if p.code == "duplicate-id"]
    assert clash and str(a) in clash[0].message and str(b) in str(clash[0])


def test_same_file_twice_is_read_once(store_file):
    assert len(store_paths([str(store_file), str(store_file)], None, no_default=True)) == 1
