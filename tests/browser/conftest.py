"""Browser tests: Playwright for Python driving Debian's Chromium (``apt-get install -y chromium``;
Playwright's own browser download does not work offline). Every test here skips, with the reason,
when Playwright is not importable or no Chromium is found, and only then.

The fixtures build one small demo per test module (``simulate`` + ``run``, as ``make demo`` does,
in a temporary folder), start ``make ui``'s launcher and the dbt docs server on it, and save
screenshots for review in ``TICKET_BROWSER_SCREENSHOTS`` (default ``.data/browser-screenshots``).
Module scope, not session: Playwright's sync API keeps an asyncio loop running in the worker's
thread until it stops, which breaks any later test there that calls ``asyncio.run`` (Dagster's
GraphQL test client does), and the UI's daemon would keep ticking through the rest of the run."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.cli_run import REPO, CliRun
from helpers.dagster_graphql import DagsterGraphQL
from helpers.ui_session import Server, build_small_demo, start_docs_server, start_ui

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
SCREENSHOTS_ENV = "TICKET_BROWSER_SCREENSHOTS"
DEMO_TICKETS, DEMO_DAYS = 60, 2
# The landing and automation sensors tick every 15 s by default (TICKET_SENSOR_INTERVAL_SECONDS);
# 5 s (the setting's minimum) lets each tick twice while the pages are checked. A test setting:
# the product default is unchanged.
SENSOR_INTERVAL_SECONDS = "5"
_SESSION_STARTED = time.time()


def chromium_executable() -> str | None:
    """``TICKET_CHROMIUM``, else Debian's Chromium, else ``chromium`` on PATH."""
    explicit = os.environ.get("TICKET_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def screenshot_folder() -> Path:
    return Path(os.environ.get(SCREENSHOTS_ENV) or REPO / ".data" / "browser-screenshots")


@pytest.fixture(scope="module")
def chromium() -> str:
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    path = chromium_executable()
    if path is None:
        pytest.skip(
            "Chromium not found (/usr/bin/chromium or TICKET_CHROMIUM): `apt-get install -y "
            "chromium` (.ci/run installs it); Playwright cannot download its own browser here"
        )
    return path


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(30_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def screenshots(chromium: str) -> Path:
    """The folder of this session's screenshots (emptied of older ones first)."""
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture(autouse=True)
def _name_the_screenshot_folder(request: pytest.FixtureRequest) -> None:
    """A failing test's report names the screenshot folder (also under pytest-xdist, which
    shows neither prints nor this conftest's terminal summary)."""
    request.node.add_report_section("call", "browser screenshots", str(screenshot_folder()))


@pytest.fixture(scope="module")
def demo(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """A small demo (60 tickets over 2 days, with help-desk events) run once for the session.
    A failed ``run`` is ``test_the_demo_runs``' failure; the pages are still checked (they
    show what a person would see after it)."""
    base = tmp_path_factory.mktemp("browser-demo")
    started = time.monotonic()
    run = build_small_demo(base, tickets=DEMO_TICKETS, days=DEMO_DAYS)
    print(
        f"\ndemo of {DEMO_TICKETS} tickets: `run` exited {run.returncode} after "
        f"{time.monotonic() - started:.0f} s"
    )
    return run


@pytest.fixture(scope="module")
def ui(demo: CliRun) -> Iterator[Server]:
    """``make ui`` on the demo, its code location loaded."""
    started = time.monotonic()
    server = start_ui(demo.base, TICKET_SENSOR_INTERVAL_SECONDS=SENSOR_INTERVAL_SECONDS)
    try:
        client = DagsterGraphQL(server.url)
        deadline = time.monotonic() + 180
        loaded, errors = False, []
        while time.monotonic() < deadline:
            loaded, errors = client.location_errors()
            if loaded or errors:
                break
            time.sleep(1)
        assert not errors, f"the code location failed to load: {errors}"
        assert loaded, f"the code location did not load in 180 s:\n{server.log_tail()}"
        print(f"\nmake ui ready in {time.monotonic() - started:.0f} s at {server.url}")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def graphql(ui: Server) -> DagsterGraphQL:
    return DagsterGraphQL(ui.url)


@pytest.fixture(scope="module")
def docs_server(demo: CliRun) -> Iterator[Server]:
    server = start_docs_server(demo.base, demo.base / "data" / "dbt_docs")
    try:
        yield server
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    folder = screenshot_folder()
    shots = [
        shot
        for shot in (folder.glob("*.png") if folder.is_dir() else [])
        if shot.stat().st_mtime >= _SESSION_STARTED
    ]
    if shots:
        terminalreporter.write_line(f"browser screenshots ({len(shots)}): {folder}")
