"""What reaches a real terminal: no control sequence from data, arguments or messages; and a
reader that leaves early (`| head -1`) ends every command quietly."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PINNED_ENV

#: Every character a terminal may obey: C0, DEL, C1 (U+009B is CSI on its own) and the
#: bidirectional embeddings, overrides and isolates.
CONTROLS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
#: Payloads as an attacker would write them.
PAYLOADS = ["\x1b[2J", "\x1b]0;OWNED\x07", "\x9b31m", "\u202eevil\u202c", "\u2067x\u2069", "\x1b]8;;http://x\x1b\\"]

#: What may reach the screen: printable text and line feeds. Nothing else, with TERM=dumb
#: (Rich writes no styling then); with colours on, Rich's own SGR sequences are taken out first.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")

#: Runs each command line in a child forked from one Python that has imported geotie already
#: (a fresh interpreter per command would cost ~0.15 s each); the child calls the console entry
#: point with stdin, stdout and stderr on the pseudo-terminal. A marker line before each command
#: tells whose output is whose; the exit statuses go to a file.
DRIVER = r"""
import json, os, sys
spec, results = sys.argv[1], sys.argv[2]
from geotie.cli import main
import geotie.cli.reading, geotie.cli.authoring, geotie.cli.checking, geotie.render.terminal, geotie.store
codes = []
for i, argv in enumerate(json.load(open(spec))):
    os.write(1, b"@@@ %d @@@\n" % i)
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            sys.argv = ["geotie", *argv]
            main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
json.dump(codes, open(results, "w"))
"""


def terminal() -> tuple[int, int]:
    """A new pseudo-terminal (master, slave), 100 columns wide. Output post-processing is off,
    so the master reads exactly the bytes written; echo is off, so nothing else is on it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    return master, slave


def screen_of(master: int, proc: subprocess.Popen, timeout: float) -> str:
    """Everything the terminal receives until every process has closed it; fails (and ends the
    processes) after `timeout` seconds, e.g. when a command waits for input."""
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"still running after {timeout} s (waiting for input?): {b''.join(chunks)[-2000:]!r}")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every process has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait(timeout=10)
    raw = b"".join(chunks)
    try:
        return raw.decode("utf-8")  # strict: no stray bytes either (a lone 0x9b is CSI)
    except UnicodeDecodeError as err:
        pytest.fail(f"not UTF-8: {raw[max(0, err.start - 300) : err.end + 100]!r}")


def on_terminal(tmp: Path, commands: list[list[str]], env: dict[str, str], timeout: float = 60) -> list[tuple]:
    """Run each command line on a new pseudo-terminal; for each: (argv, exit status, what the
    terminal received)."""
    master, slave = terminal()
    spec, results = tmp / "commands.json", tmp / "statuses.json"
    spec.write_text(json.dumps(commands))
    results.unlink(missing_ok=True)
    full_env = {k: v for k, v in {**os.environ, **PINNED_ENV, "COLUMNS": "100", **env}.items() if v is not None}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(spec), str(results)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        cwd=tmp,
        start_new_session=True,  # its own process group, the forked commands too
    )
    os.close(slave)
    screen = screen_of(master, proc, timeout)
    parts = re.split(r"@@@ (\d+) @@@\n", screen)
    statuses = json.loads(results.read_text())
    assert parts[0] == "" and len(parts) == 2 * len(commands) + 1, screen[:2000]
    return [(commands[i], statuses[i], parts[2 * i + 2]) for i in range(len(commands))]


def assert_nothing_obeyed(runs: list[tuple], colour: bool) -> None:
    for argv, status, out in runs:
        assert status not in (70, 99) and status >= 0, (argv, status, out)
        assert out.strip(), (argv, "printed nothing")  # each command shows what it did, or why not
        shown = RICH_SGR.sub("", out) if colour else out
        if "tsv" in argv:
            shown = shown.replace("\t", " ")  # the separator (a tab in the data is written as `\t`)
        if "csv" in argv:
            shown = shown.replace("\r\n", "\n")  # RFC 4180's line end
        bad = UNSAFE.search(shown)
        assert bad is None, f"{argv!r} put {bad.group()!r} on the terminal: {shown[max(0, bad.start() - 80) :][:200]!r}"


# --- a store with control characters in every field -------------------------------------------


def hostile_store(junk: list[str]) -> dict:
    """A valid store whose every free-text field, tag and list item holds control characters
    (`junk[i]`, used in turn); names start with "Land" and texts hold "zeta", so that name
    lookups are ambiguous and searches find them."""
    it = itertools.cycle(junk)

    def j(word: str = "zeta") -> str:
        return f"{word} {next(it)}x{next(it)}"

    def cite(source: str) -> dict:
        return {"source": source, "quote": j(), "note": j()}

    return {
        "meta": {"schema": 1, "title": j(), "description": j(), j("key"): 1},  # an unknown key: a warning
        "sources": [
            {
                "id": f"s{i}",
                "title": j(),
                "publisher": j(),
                "authors": [j(), j()],
                "published": "2024-02-23",
                "published_note": j(),
                "url": j("https://example.org/"),
                "kind": "news",
                "archive": j("file"),
            }
            for i in range(2)
        ],
        "actors": [
            {"id": "a0", "name": j("Land"), "kind": "country", "aliases": [j("Land"), j()], "note": j()},
            {
                "id": "a1",
                "name": j("Land"),
                "kind": "person",
                "country": "a0",
                "aliases": [j()],
                "note": j(),
                "roles": [
                    {"title": j(), "of": "a0", "start": "2024", "note": j(), "citations": [cite("s0")]},
                ],
            },
            {"id": "a2", "name": j("Land"), "kind": "organization", "country": "a0"},
        ],
        "events": [
            {
                "id": f"e{i}",
                "date": date,
                "date_text": j(),
                "date_note": j(),
                "title": j(),
                "summary": j(),
                "actors": ["a0", "a1", "a2"][: i + 1],
                "tags": [j("tag"), "trade"],
                "status": status,
                "outcome": j() if status == "planned" else "",
                "citations": [cite("s0"), cite("s1")],
                **({"fulfils": "e1"} if i == 2 else {}),  # `event` and `plans` show the link both ways
                **({"type": "consult", "mode": "Visit", "recipients": ["a1"]} if i == 1 else {}),
            }
            for i, (date, status) in enumerate([("2024", "occurred"), ("2024-07~", "planned"), ("2025-01", "reported")])
        ],
    }


def bad_store(junk: list[str]) -> str:
    """A store that does not load: an event names an unknown actor id and an unknown source
    holding control characters, and an id is not a slug."""
    store = hostile_store(junk)
    store["events"][0]["actors"] = [f"x{junk[0]}]0;OWNED\x07"]
    store["events"][1]["citations"][0]["source"] = f"s{junk[-1]}"
    store["events"][2]["id"] = f"e{junk[0]}2"
    return tomli_w.dumps(store)


def commands(store: str, bad: str, arg: str, to: str) -> list[list[str]]:
    """Every command, on the store and with arguments holding control characters (`arg`)."""
    d = ["--no-default", "--data", store]
    more = ["--summary", arg, "--tag", arg, "--note", arg, "--dry-run", "--to", to]
    reading = [
        ["timeline"],
        ["timeline", "a0", "a1", "--cite"],
        ["timeline", "a0", "--reverse", "--any", "a2"],
        ["timeline", "land"],  # fits several actors: the names are listed
        ["timeline", arg],
        ["timeline", "--tag", arg],
        ["timeline", "--since", arg],
        ["timeline", "--status", arg],
        ["timeline", "--type", arg],
        ["timeline", "--type", "consult", "-f", "plover"],
        ["timeline", "-f", "plover", "--with-roles"],
        ["event", "e1", "-f", "plover"],
        ["event", "e0", "-f", "plover"],  # no type: refused, saying why
        ["search", "zeta", "--type", arg],
        ["search", "zeta", "--type", "CONSULT"],
        ["timeline", "-f", arg],
        ["timeline", f"--{arg}"],
        ["who", "a1"],
        ["who", "a0"],
        ["who", "land"],
        ["who", arg],
        ["event", "e1"],
        ["event", arg],
        ["source", "s0"],
        ["source", arg],
        ["sources"],
        ["actors"],
        ["actors", "--kind", arg],
        ["search", "zeta"],
        ["search", arg],
        ["plans"],
        ["plans", "a0", "--today", "2024-03"],
        ["plans", arg],
        ["plans", "--today", arg],
        ["plans", "--state", arg],
        *(["plans", "-f", fmt] for fmt in ("tsv", "csv", "json", "jsonl", "md")),
        ["check"],
        ["check", "--format", arg],
        ["check", "--archive", arg],
        ["check", "--archive", str(Path(store).parent)],  # the sources' archive names are read
        ["check", "--today", arg],
        ["cache"],
        ["cache", "--clear"],
        [arg],
        *(["timeline", "-f", fmt] for fmt in ("tsv", "csv", "json", "jsonl", "md", "timelinejs")),
        ["timeline", "--cite", "-f", "md"],
        ["page", "a0"],  # HTML is not for a terminal: refused, with the way to write it
        ["page", "a0", "-o", to + ".html"],
        ["page", "-o", to + arg + ".html"],
        ["page", "--tag", arg, "-o", to + ".html"],
        *(["sources", "-f", fmt] for fmt in ("csljson", "bibtex")),
        *(["source", "s0", "-f", fmt] for fmt in ("csljson", "bibtex")),
        ["ties", "a0"],
        ["ties", "a1", "--depth", "2"],
        ["ties", arg],
        *(["ties", "a0", "-f", fmt] for fmt in ("tsv", "md", "json", "mermaid", "dot")),
        ["activity"],
        ["activity", "a0", "--by", "month", "--split", "tag"],
        ["activity", "--tag", arg],
        ["activity", "--type", arg],
        ["page", "--type", arg, "-o", to + ".html"],
        *(["activity", "-f", fmt] for fmt in ("tsv", "csv", "json", "md")),
        *(["who", "a1", "-f", fmt] for fmt in ("tsv", "csv", "md")),
        *(["source", "s0", "-f", fmt] for fmt in ("tsv", "csv", "md")),
        ["add", "actor", "--name", arg, "--kind", "country", "--alias", arg, "--note", arg, "--dry-run", "--to", to],
        ["add", "source", "--title", arg, "--publisher", arg, "--author", arg, "--url", arg, "--dry-run", "--to", to],
        ["add", "source", "--title", "t", "--kind", arg, "--dry-run", "--to", to],
        ["add", "event", "--date", "2024", "--title", arg, "--actor", "a0", "--source", "s0", "--quote", arg, *more],
        [
            "add",
            "event",
            "--date",
            "2024",
            "--title",
            "t",
            "--actor",
            "a0",
            "--source",
            "s0",
            "--quote",
            "q",
            "--fulfils",
            arg,
            "--dry-run",
            "--to",
            to,
        ],
        [
            "add",
            "event",
            "--date",
            "2024",
            "--title",
            "t",
            "--actor",
            arg,
            "--source",
            "s0",
            "--quote",
            "q",
            "--to",
            to,
        ],
        ["add", "event", "--date", arg, "--title", "t", "--actor", "a0", "--source", arg, "--quote", "q", "--to", to],
        ["add", "actor", "--name", "n", "--kind", "country", "--to", to + arg],
    ]
    broken = [["--no-default", "--data", bad, *c] for c in (["timeline"], ["who", "a0"], ["check"])]
    missing = [["--no-default", "--data", store + arg, "timeline"], ["--data", arg, "check"]]
    return [d + c for c in reading] + broken + missing


def write_stores(tmp: Path, junk: list[str]) -> tuple[str, str]:
    store, bad = tmp / "hostile.toml", tmp / "bad.toml"
    store.write_text(tomli_w.dumps(hostile_store(junk)), encoding="utf-8")
    bad.write_text(bad_store(junk), encoding="utf-8")
    return str(store), str(bad)


def test_every_control_character_in_every_field_stays_off_the_screen(tmp_path):
    """All the control characters at once, in every field and argument, with and without colour;
    and the payloads are shown (escaped), not dropped."""
    junk = ["".join(CONTROLS), *PAYLOADS]
    store, bad = write_stores(tmp_path, junk)
    arg = "Land" + "".join(PAYLOADS)
    to = str(tmp_path / "mine.toml")
    odd = arg + "\udcff"  # and a byte that is not UTF-8, as a file name or argument may hold
    cmds = commands(store, bad, arg, to) + [
        ["--no-default", "--data", store, *c]
        for c in (["who", odd], ["add", "actor", "--name", odd, "--kind", "country", "--to", to], ["check", odd])
    ]
    cmds.append(["--no-default", "--data", store + odd, "check"])
    syntax = tmp_path / "syntax.toml"  # raw control characters: not TOML at all
    syntax.write_bytes(b'[meta]\nschema = 1\ntitle = "\x1b]0;X\x07"\n\xe2\x80\xae\x9b = 3\n')
    cmds += [["--no-default", "--data", str(syntax), c] for c in ("timeline", "check")]
    dumb = on_terminal(tmp_path, cmds, {"TERM": "dumb"})
    assert_nothing_obeyed(dumb, colour=False)
    colour = on_terminal(tmp_path, cmds, {"TERM": "xterm-256color", "NO_COLOR": None, "FORCE_COLOR": None})
    assert any(RICH_SGR.search(out) for _, _, out in colour)  # the colour run is styled
    assert_nothing_obeyed(colour, colour=True)
    by_command = {" ".join(argv[3:]): out for argv, _, out in dumb}
    escaped = re.compile(r"\\(x1b|x07|x9b|u001b|u009b|u202e|u2067)")
    for shown_escaped in (
        "timeline a0 a1 --cite",  # the heading names the actors; the citation list quotes
        "who land",  # the names the word fits
        "who a1",
        "event e1",
        "source s0",
        "search zeta",
        "timeline " + arg,  # the argument, echoed back
        "add actor --name " + arg + " --kind",  # the block, in TOML escapes
    ):
        matches = [out for command, out in by_command.items() if command.startswith(shown_escaped)]
        assert matches and all(escaped.search(out) for out in matches), shown_escaped
    assert escaped.search(by_command["timeline a0 a1 --cite"].splitlines()[0])  # the heading
    loaded = [out for argv, _, out in dumb if bad in argv]
    assert all("unknown actor 'x\\x00" in out for out in loaded)  # the load error and `check` line


@st.composite
def junk_lists(draw) -> list[str]:
    piece = st.text(st.sampled_from(CONTROLS) | st.sampled_from("[];02J\\ é"), min_size=1)
    return draw(st.lists(piece.map(lambda s: s[:12]), min_size=1, max_size=6))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=junk_lists(), arg=st.text(st.sampled_from(CONTROLS[1:]), min_size=1, max_size=8), pick=st.randoms())
def test_random_control_characters_stay_off_the_screen(tmp_path_factory, junk, arg, pick):
    """Random control characters among text in every field and argument (but NUL, which no
    command line can hold); a random third of the command lines each time (the test above runs
    them all)."""
    tmp = tmp_path_factory.mktemp("pty")
    store, bad = write_stores(tmp, junk)
    every = commands(store, bad, "Land" + arg, str(tmp / "mine.toml"))
    runs = on_terminal(tmp, pick.sample(every, len(every) // 3), {"TERM": "dumb"})
    assert_nothing_obeyed(runs, colour=False)


def test_a_prompt_answer_is_echoed_back_escaped(tmp_path):
    """`add` asks on a terminal; a refused answer is named in the message, escaped."""
    master, slave = terminal()
    env = {k: v for k, v in {**os.environ, **PINNED_ENV}.items() if v is not None}
    args = ["--no-default", "add", "actor", "--name", "n", "--dry-run", "--to", str(tmp_path / "m.toml")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "geotie", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    os.close(slave)
    os.write(master, "\x1b]0;OWNED\x07\u202e\n".encode() + b"country\n")
    screen = screen_of(master, proc, 30)
    assert proc.returncode == 0, screen
    assert "kind '\\x1b]0;OWNED\\x07\\u202e' is not one of" in screen
    assert UNSAFE.search(screen) is None


# --- a reader that leaves early ------------------------------------------------------------------

FORMATS = ("table", "tsv", "csv", "json", "jsonl", "md")


def test_every_command_and_format_ends_quietly_when_the_reader_is_gone(tmp_path):
    """stdout is a pipe whose reader has already gone: the first write fails. Exit 0, nothing on
    stderr, for every command in every format, buffered or not (Rich's and Typer's own handling
    would exit 1)."""
    store = tmp_path / "s.toml"
    data = {**hostile_store(["ab"]), "meta": {"schema": 1, "title": "t"}}  # no warning on stderr
    store.write_text(tomli_w.dumps(data), encoding="utf-8")
    d = ["--no-default", "--data", str(store)]
    lines = [["timeline"], ["timeline", "--cite"], ["who", "a1"], ["event", "e1"], ["source", "s0"]]
    lines += [["sources"], ["actors"], ["search", "zeta"]]
    add = ["add", "actor", "--name", "N", "--kind", "country", "--dry-run", "--to", str(tmp_path / "m.toml")]
    runs = [(d + c + ["-f", "table"], buffered) for c in lines for buffered in (True, False)]
    runs += [(d + c + ["-f", fmt], True) for c in (["who", "a1"], ["event", "e1"]) for fmt in FORMATS[1:]]
    runs += [(c, buffered) for c in (["--version"], ["--help"]) for buffered in (True, False)]
    runs += [([*d, "check"], True), (d + add, True)]
    env = {k: v for k, v in {**os.environ, **PINNED_ENV}.items() if v is not None}

    def run(args_buffered: tuple[list[str], bool]) -> tuple[list[str], int, str]:
        args, buffered = args_buffered
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "geotie", *args],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                env={**env, "PYTHONUNBUFFERED": "" if buffered else "1"},
                timeout=60,
            )
        finally:
            os.close(write_end)
        return args, proc.returncode, proc.stderr

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for args, status, err in pool.map(run, runs):
            # check's count of problems and add's report are messages, written unless it stopped first
            err = re.sub(
                r"^geotie: (0 error\(s\), \d+ warning\(s\) in 1 file\(s\)|dry run: nothing was .*)\n$", "", err
            )
            assert (status, err) == (0, ""), (args, err)


def many_events_store(tmp_path: Path, n: int = 1500) -> Path:
    """One actor and one source in every event, and titles long enough that every table,
    profile and citation list is larger than a pipe's buffer."""
    store = {
        "meta": {"schema": 1, "title": "big"},
        "sources": [{"id": "src", "title": "The source", "published": "2024"}],
        "actors": [{"id": "pakistan", "name": "Pakistan", "kind": "country"}],
        "events": [
            {
                "id": f"e{i}",
                "date": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                "title": f"Event {i}, with a title long enough to fill a pipe sooner",
                "summary": "word " * 4000 if i == 0 else "",
                "actors": ["pakistan"],
                "citations": [{"source": "src", "quote": f"quote number {i}"}],
            }
            for i in range(n)
        ],
    }
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps(store), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [["who", "pakistan"], ["source", "src"], ["timeline", "--cite"], ["event", "e0"], ["search", "event"]],
)
def test_head_1_after_a_table_larger_than_the_pipe(tmp_path, args):
    """`geotie who pakistan -f table | head -1` (and the others): head reads one line and
    leaves while geotie is still writing; geotie stops quietly with status 0."""
    store = many_events_store(tmp_path)
    geotie = [sys.executable, "-m", "geotie", "--no-default", "--data", str(store), *args, "-f", "table"]
    script = 'set -o pipefail; "$@" | head -1 >/dev/null; echo "status=${PIPESTATUS[0]}"'
    env = {k: v for k, v in {**os.environ, **PINNED_ENV}.items() if v is not None}
    result = subprocess.run(
        ["bash", "-c", script, "bash", *geotie], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout == "status=0\n" and result.stderr == ""
