"""The page in a real browser: headless Chromium loads the generated file, the test reads the
rendered DOM (its script ran under the page's policy, the filters work, nothing hostile ran)
and takes a screenshot. CI installs Chromium (.ci/run); without it these tests skip."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tomli_w
from test_publish import HOSTILE, hostile_store

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium to load the page in (apt-get install chromium; .ci/run does it)"
)


def browse(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    """Chromium, headless, in its own profile, with the console logged to stderr."""
    cmd = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # tests may run as root (CI containers)
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def dom(tmp: Path, page: Path, fragment: str = "") -> tuple[str, str]:
    r = browse(tmp, page.as_uri() + fragment, "--dump-dom")
    assert r.returncode == 0 and "<body" in r.stdout, r.stderr[-2000:]
    return r.stdout, r.stderr


def assert_no_violation(log: str) -> None:
    """Chromium logs every blocked script, style or load ("... violates the following Content
    Security Policy directive ...") to stderr."""
    assert "Content Security Policy" not in log and "Refused" not in log, log[-2000:]


def events_shown(text: str) -> tuple[list[str], list[str]]:
    items = re.findall(r'<li class="event[^"]*" id="e-([^"]+)"[^>]*>', text)
    hidden = re.findall(r'<li class="event[^"]*" id="e-([^"]+)"[^>]*\bhidden=""[^>]*>', text)
    return [i for i in items if i not in hidden], hidden


@pytest.fixture
def page(cli, tmp_path) -> Path:
    path = tmp_path / "ties.html"
    r = cli("page", "pakistan", "azerbaijan", "-o", str(path))
    assert r.exit_code == 0, r.stderr
    return path


def test_the_page_renders_and_its_script_runs_under_its_policy(page, tmp_path, cli):
    text, log = dom(tmp_path, page)
    every = json.loads(cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout)
    shown, hidden = events_shown(text)
    assert shown == [e["id"] for e in every] and not hidden
    assert 'data-shown="39"' in text and ">39 of 39 events shown<" in text  # written by the page's script
    assert '<form id="filters">' in text  # the script showed the filters
    assert_no_violation(log)


@pytest.mark.parametrize(
    ("fragment", "keep"),
    [
        ("#tag=defence", lambda e: "defence" in e["tags"]),
        ("#actor=nawaz-sharif", lambda e: "nawaz-sharif" in e["actors"]),
        ("#status=planned", lambda e: e["status"] == "planned"),
        ("#hide=occurred&tag=diplomacy", lambda e: e["status"] != "occurred" and "diplomacy" in e["tags"]),
    ],
)
def test_filters_from_the_address_show_the_matching_events(page, tmp_path, cli, fragment, keep):
    every = json.loads(cli("timeline", "pakistan", "azerbaijan", "-f", "json").stdout)
    want = [e["id"] for e in every if keep(e)]
    assert 0 < len(want) < len(every)
    text, _ = dom(tmp_path, page, fragment)
    shown, hidden = events_shown(text)
    assert shown == want and len(hidden) == len(every) - len(want)
    assert f'data-shown="{len(want)}"' in text and f">{len(want)} of {len(every)} events shown<" in text


def test_nothing_hostile_runs_or_loads(cli, tmp_path):
    store = tmp_path / "hostile.toml"
    store.write_text(tomli_w.dumps(hostile_store()), encoding="utf-8")
    path = tmp_path / "hostile.html"
    assert cli("--no-default", "--data", str(store), "page", "-o", str(path)).exit_code == 0
    text, log = dom(tmp_path, path)
    assert "pwned" not in re.search(r"<body[^>]*>", text).group()  # no script of the store ran
    assert "<img" not in text and 'href="javascript' not in text
    assert text.count("<script") == 1  # the page's own
    assert "<title>hostile</title>" not in text and "&lt;/script&gt;&lt;script&gt;" in text  # shown as text
    shown, _ = events_shown(text)
    assert shown == ["e1", "e2"]
    assert_no_violation(log)  # nothing was even attempted
    assert re.findall(r'<a href="([^"]*)"', text) == ["https://example.org/a?b=1&amp;c=2"]
    assert HOSTILE["js_url"] not in text  # the javascript: URL is neither linked nor shown


def test_screenshot(page, tmp_path):
    shot = tmp_path / "page.png"
    r = browse(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1200,900", "--hide-scrollbars")
    assert r.returncode == 0, r.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000  # a page with content, not a blank one


def test_the_page_prints(page, tmp_path):
    """Printed (to PDF), the page runs over several pages: it is not cut to the screen."""
    pdf = tmp_path / "page.pdf"
    r = browse(tmp_path, page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert r.returncode == 0, r.stderr[-2000:]
    data = pdf.read_bytes()
    assert (
        data.startswith(b"%PDF-")
        and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 5
    )  # 39 events with their quotes take pages
