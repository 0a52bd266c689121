"""Shell completion through the real entry point, as the completion scripts call it: the words
typed are in the environment (bash: COMP_WORDS and COMP_CWORD; zsh, fish: _TYPER_COMPLETE_ARGS),
the command line is empty."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, PINNED_ENV, write

BIN = Path(sys.executable).parent
SCRIPT = BIN / "geotie"
#: the console script when installed beside this interpreter, else the module
ENTRY = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "geotie"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in {**os.environ, **PINNED_ENV, **(env or {})}.items() if v is not None}
    for name in ("_GEOTIE_COMPLETE", "COMP_WORDS", "COMP_CWORD", "_TYPER_COMPLETE_ARGS"):
        if env is None or name not in env:
            full.pop(name, None)
    return subprocess.run([*ENTRY, *args], capture_output=True, text=True, env=full, timeout=60)


def bash(line: str, **env: str) -> list[str]:
    """The completions bash would be offered for `line` (the last word being completed)."""
    words = line.split(" ")
    result = run(
        env={"_GEOTIE_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1), **env}
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.strip("\n").splitlines()


def zsh(line: str) -> str:
    result = run(env={"_GEOTIE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})
    assert result.returncode == 0 and result.stderr == ""
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("geotie who vug", ["vugar-mustafayev"]),
        ("geotie who Sh", ["Shahin\\ Mustafayev", "Shehbaz\\ Sharif"]),  # names: spaces escaped for bash
        ("geotie timeline pakistan azerb", ["azerbaijan", "azerbaijan-customs-committee"]),
        ("geotie timeline --tag d", ["defence", "diplomacy"]),
        ("geotie timeline --type CO", ["CONSULT", "CONCEDE", "COOPERATE", "COERCE"]),  # PLOVER's types
        ("geotie search jf --type A", ["AGREE", "AID", "ACCUSE", "ASSAULT"]),
        ("geotie event jf", ["jf17-block3-delivered"]),
        ("geotie event baku-int", ["baku-interest-in-jf17"]),
        ("geotie source a", ["azernews-2025-02-23"]),
        ("geotie add event --actor shahin", ["shahin-mustafayev"]),
        ("geotie add event --source str", ["strengthens-ties-2025"]),
        ("geotie add actor --of paki", ["pakistan", "pakistan-customs", "pakistan-foreign-office"]),
        ("geotie sou", ["source", "sources"]),
        ("geotie --no-c", ["--no-cache"]),
        ("geotie --install", ["--install-completion"]),
    ],
)
def test_bash_completes_from_the_store(line, expected):
    assert bash(line) == expected


def test_zsh_gets_values_with_their_help():
    assert zsh("geotie event jf17-b") == (
        """_arguments '*: :(("jf17-block3-delivered":"Azerbaijan receives JF-17 Thunder Block III aircraft"))'"""
    )
    assert zsh("geotie who Vug") == """_arguments '*: :(("Vugar Mustafayev":"vugar-mustafayev"))'"""
    assert zsh("geotie who zzz") == "_files"


def test_fish_gets_values_and_says_whether_there_are_any():
    env = {"_GEOTIE_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = run(env={**env, "_TYPER_COMPLETE_ARGS": "geotie source "})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and lines[0].startswith("azernews-2025-02-23\tThe year 2024 witnessed")
    env["_TYPER_COMPLETE_FISH_ACTION"] = "is-args"
    assert run(env={**env, "_TYPER_COMPLETE_ARGS": "geotie who vug"}).returncode == 0
    assert run(env={**env, "_TYPER_COMPLETE_ARGS": "geotie who zzz"}).returncode == 1


def test_completion_reads_the_store_named_on_the_line(store_file):
    line = f"geotie --no-default --data {store_file} who "
    assert bash(line) == [
        "alpha",
        "beta",
        "jo-smith",
        "Alfa",
        "Alphaland",
        "Betaland",
        "Jo\\ Smith",
        "Älphä\\ Republic",
    ]
    assert bash(f"geotie --no-default --data {store_file} timeline --tag ") == ["defence", "diplomacy", "trade"]


def test_a_store_that_cannot_be_read_completes_nothing_quietly(tmp_path):
    bad = write(tmp_path, "[meta\n")
    assert bash(f"geotie --no-default --data {bad} who a") == []


def test_only_safe_values_are_offered_and_help_is_visible(tmp_path):
    hostile = MINIMAL.replace(
        'aliases = ["Alfa", "Älphä Republic"]', 'aliases = ["Alfa$(touch x)", "al`id`", "al\\u001b[2J"]'
    )
    hostile = hostile.replace('title = "A day in July"', 'title = "A day\\u001b]0;T\\u0007 in July"')
    path = write(tmp_path, hostile)
    assert bash(f"geotie --no-default --data {path} who al") == ["alpha"]
    assert bash(f"geotie --no-default --data {path} who Al") == ["Alphaland"]
    out = zsh(f"geotie --no-default --data {path} event sec")
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;T\\x07" in out


def test_completion_imports_only_the_command_named_and_ordinary_runs_pay_nothing():
    code = (
        "import sys\n"
        "from geotie.cli import base\n"
        "env = {'_GEOTIE_COMPLETE': 'complete_bash', 'COMP_WORDS': 'geotie who vug', 'COMP_CWORD': '2'}\n"
        "app = base.register([], env)\n"
        "print([c.name for c in app.registered_commands], 'geotie.cli.authoring' in sys.modules)\n"
        "print(all(info.autocompletion for info, _ in base.COMPLETED if info.help.startswith('An actor id')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "['who'] False\nTrue\n"
    code = (
        "import sys\n"
        "from typer.main import get_command\n"
        "from geotie.cli import base\n"
        "app = base.register(['timeline', 'pakistan'], {})\n"
        "names = [o for p in get_command(app).params for o in p.opts]\n"
        "print('--show-completion' in names, 'geotie.cli.complete' in sys.modules,\n"
        "      any(info.autocompletion for info, _ in base.COMPLETED))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "False False False\n"


def test_help_lists_the_completion_options():
    out = run("--help").stdout
    assert "--install-completion" in out and "--show-completion" in out


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "COMP_CWORD=$COMP_CWORD \\\n                   _GEOTIE_COMPLETE=complete_bash $1 ) )"),
        ("zsh", '_TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _GEOTIE_COMPLETE=complete_zsh geotie'),
        ("fish", "complete --command geotie --no-files --arguments"),
    ],
)
def test_show_completion_for_each_shell(shell, expected):
    if not SCRIPT.exists():
        pytest.skip("the geotie script is not installed beside this interpreter")
    # Typer's own switch: the shell is given rather than detected
    result = run("--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert result.returncode == 0 and expected in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None or not SCRIPT.exists(), reason="needs bash and the geotie script")
def test_the_bash_script_completes_in_bash(tmp_path):
    """The script `--show-completion` prints (the shell detected: bash), loaded into bash, and
    its function called as bash calls it on TAB."""
    script = (
        'eval "$(geotie --show-completion)"\n'
        "COMP_WORDS=(geotie who vug); COMP_CWORD=2; _geotie_completion geotie\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, **PINNED_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    env.pop("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", None)
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout == "vugar-mustafayev\n", result.stderr


@pytest.mark.skipif(shutil.which("bash") is None or not SCRIPT.exists(), reason="needs bash and the geotie script")
def test_install_completion_for_bash(tmp_path):
    env = {**os.environ, **PINNED_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    # `; exit $?`: bash stays geotie's parent (a lone command is exec'd), the shell Typer detects
    command = "geotie --install-completion; exit $?"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "bash completion installed in" in result.stdout
    assert "_GEOTIE_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "geotie.sh").read_text()
    assert f"source '{tmp_path}/.bash_completions/geotie.sh'" in (tmp_path / ".bashrc").read_text()


def test_python_dash_m_prints_the_script_for_the_geotie_command():
    env = {**os.environ, **PINNED_ENV, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "geotie", "--show-completion", "bash"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0
    assert result.stdout.rstrip().endswith("complete -o default -F _geotie_completion geotie")
