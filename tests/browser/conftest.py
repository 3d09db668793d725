"""Fixtures for the real-browser tests: ``streamlit run`` on a free port, Debian's Chromium.

Why a plain Playwright sync fixture and not pytest-playwright: pytest-playwright needs its
launch arguments overridden to use ``/usr/bin/chromium`` (``playwright install`` cannot
download a browser here) and its ``base_url`` fixture trips pytest's warnings-as-errors
(see ``/work/shared/TESTING-NOTES.md``). One server per test module keeps the suite quick on
a 2-core machine; one Chromium per session is shared by every module.

The helpers locate widgets the way the pages promise to render them: every calculator
widget has the key ``calc_<PatientCase field>`` and Streamlit puts ``st-key-<key>`` on its
container, so a test never depends on a label's wording to find an input. Interactions are
touch-like (``tap`` on a context with ``has_touch``) because the app is used on a tablet.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    Request,
    WebSocket,
    expect,
    sync_playwright,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
# TESTING-NOTES: GPU and /dev/shm are unavailable or small in containers; QUIC, background
# networking, component updates and sync would make Chromium itself reach outside hosts, and
# the resolver rule maps every name but localhost to nothing so nothing can leave by accident.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# A cold first script run imports the whole app (several seconds on 2 shared cores);
# Playwright's 5 s default expect timeout is too tight for it (TESTING-NOTES).
EXPECT_TIMEOUT_MS = 20_000
NAVIGATION_TIMEOUT_MS = 30_000
SERVER_START_TIMEOUT_S = 60.0
TABLET = (1024, 768)
PROJECTOR = (1920, 1080)

# Result metric labels, exactly as the calculator and the tumor board render them.
TOKUHASHI = "Revised Tokuhashi"
KATAGIRI = "New Katagiri"
SINS = "SINS"
PROBABILITY = "Poor-outcome probability"

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


# --------------------------------------------------------------------------- server


@dataclass
class AppServer:
    """A running ``streamlit run`` subprocess and where to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def assert_alive(self) -> None:
        code = self.process.poll()
        assert code is None, f"streamlit exited with {code}; log tail:\n{self.log_tail()}"


def free_port() -> int:
    """A port the kernel has just handed out, so parallel runs never collide on 8501."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _health_ok(url: str) -> bool:
    # No proxy handler: a proxy from the environment must never see the health probe.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def server_env() -> dict[str, str]:
    """The environment of the server: headless, no usage statistics, no proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}
    }
    env.update(
        STREAMLIT_SERVER_HEADLESS="true",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextlib.contextmanager
def run_streamlit(script: str, log_path: Path) -> Iterator[AppServer]:
    """Serve ``script`` with ``streamlit run`` on a free port until the block ends.

    The server's output goes to a file, not a pipe: an unread pipe can fill and stall the
    server, and a pipe left open at exit is a ResourceWarning (an error under pytest here).
    The process is terminated and waited for on every exit path, so no server outlives a
    failing test.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=server_env(), stdout=log, stderr=subprocess.STDOUT
        )
        server = AppServer(url, process, log_path)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _health_ok(url):
                server.assert_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} not healthy in {SERVER_START_TIMEOUT_S} s")
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


# --------------------------------------------------------------------------- browser


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium with the flags above (Playwright adds --no-sandbox as root)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def app_server(request: pytest.FixtureRequest) -> Iterator[AppServer]:
    """``streamlit run app.py``, one per test module."""
    log = ARTIFACTS / "logs" / f"{request.module.__name__.rsplit('.', 1)[-1]}.log"
    with run_streamlit("app.py", log) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item so fixtures can save evidence of a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --------------------------------------------------------------------------- the app


@dataclass
class AppPage:
    """One browser session (its own context) on the app, with touch-like helpers."""

    page: Page
    server: AppServer
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    # ---- navigation and waiting

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.server.url}/{path}")
        self.wait_for_app()

    def wait_for_app(self) -> None:
        """Wait until the websocket is connected and no script run is in flight.

        A widget change is sent to the server a moment after the interaction; the short
        first wait gives that rerun the chance to start, so the second wait sees its end
        instead of the idle state before it.
        """
        app = self.page.get_by_test_id("stApp")
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
        with contextlib.suppress(AssertionError):
            expect(app).not_to_have_attribute("data-test-script-state", "notRunning", timeout=150)
        expect(app).to_have_attribute("data-test-script-state", "notRunning")

    def go_to_page(self, name: str) -> None:
        """Follow the navigation link named ``name`` (exact match of its visible text)."""
        link = self.page.get_by_role("link", name=name, exact=True)
        link.first.tap()
        self.wait_for_app()

    # ---- widgets by key

    def widget(self, key: str) -> Locator:
        container = self.page.locator(f".st-key-{key}")
        expect(container).to_have_count(1)
        return container

    def widget_kind(self, key: str) -> str:
        """What Streamlit rendered for ``key``: selectbox, number, radio, buttons, toggle, text."""
        kind = self.widget(key).evaluate(
            """(el) => {
                if (el.querySelector('[role=combobox]')) return 'selectbox';
                if (el.querySelector('input[type=number]')) return 'number';
                if (el.querySelector('[role=radiogroup]')) return 'radio';
                if (el.querySelector('[data-testid=stButtonGroup]')) return 'buttons';
                if (el.querySelector('input[type=checkbox]')) return 'toggle';
                if (el.querySelector('input[type=text], textarea')) return 'text';
                if (el.querySelector('button')) return 'button';
                return 'unknown';
            }"""
        )
        return str(kind)

    def type_number(self, key: str, value: float | int | str) -> None:
        """Tap the number input, type the value and confirm it as the on-screen keyboard would."""
        box = self.widget(key).locator("input")
        box.tap()
        box.fill(str(value))
        box.press("Enter")
        expect(box).to_have_value(re.compile(rf"^{re.escape(str(value))}(\.0+)?$"))
        self.wait_for_app()

    def pick_option(self, key: str, option: str) -> None:
        """Choose ``option`` (exact visible text) in the selectbox, radio or buttons of ``key``."""
        kind = self.widget_kind(key)
        container = self.widget(key)
        if kind == "selectbox":
            combo = container.get_by_role("combobox")
            combo.tap()
            # Long lists are virtualised: type to filter so the option is in the DOM.
            combo.fill(option)
            self.page.get_by_role("option", name=option, exact=True).first.tap()
            expect(container).to_contain_text(option)
        elif kind == "radio":
            container.locator("label").filter(
                has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")
            ).tap()
            expect(container.get_by_role("radio", name=option, exact=True)).to_be_checked()
        elif kind == "buttons":
            button = container.get_by_role("button", name=option, exact=True)
            button.tap()
        else:
            raise AssertionError(f"{key} is a {kind}, not a choice widget")
        self.wait_for_app()

    def set_toggle(self, key: str, on: bool) -> None:
        """Set a checkbox or toggle to ``on`` by tapping its label when it differs."""
        container = self.widget(key)
        box = container.locator("input[type=checkbox]")
        if box.is_checked() != on:
            container.locator("label").first.tap()
        expect(box).to_be_checked(checked=on)
        self.wait_for_app()

    def tap_button(self, key: str) -> None:
        self.widget(key).get_by_role("button").first.tap()
        self.wait_for_app()

    # ---- results

    def metric_value(self, label: str) -> Locator:
        """The value element of the ``st.metric`` whose label is exactly ``label``."""
        metric = self.page.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
        )
        return metric.get_by_test_id("stMetricValue")

    def main_container(self) -> Locator:
        return self.page.get_by_test_id("stMain")

    # ---- layout and artifacts

    def scroll_size(self) -> dict[str, int]:
        """Scroll and client sizes of the main container (Streamlit scrolls inside it)."""
        size = self.main_container().evaluate(
            "(el) => ({scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,"
            " scrollHeight: el.scrollHeight, clientHeight: el.clientHeight,"
            " docScrollWidth: document.documentElement.scrollWidth,"
            " docClientWidth: document.documentElement.clientWidth})"
        )
        return {k: int(v) for k, v in size.items()}

    def full_page_screenshot(self, name: str) -> Path:
        """Screenshot the whole page: enlarge the viewport to the main container's height.

        Streamlit scrolls inside ``stMain``, so Playwright's ``full_page`` stops at the window
        (TESTING-NOTES). The viewport is restored afterwards.
        """
        viewport = self.page.viewport_size
        assert viewport is not None
        height = self.scroll_size()["scrollHeight"]
        if height > viewport["height"]:
            self.page.set_viewport_size({"width": viewport["width"], "height": height})
            self.wait_for_app()
        path = ARTIFACTS / "screenshots" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(viewport)
        return path

    def outside_requests(self) -> list[str]:
        """Every recorded request or websocket whose URL is not on this machine."""
        return [url for url in self.requests + self.websockets if not is_local(url)]


def is_local(url: str) -> bool:
    """True for localhost/127.0.0.1 URLs and for data:/blob: URLs (never on the network)."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    match = re.match(r"^[a-z][a-z0-9+.-]*://(\[[^\]]*\]|[^/:?#]*)", url, re.IGNORECASE)
    return bool(match) and match.group(1).lower() in LOCAL_HOSTS


def new_context(browser: Browser, viewport: tuple[int, int]) -> BrowserContext:
    """A tablet-like context: touch events, the given viewport, no animations to wait for."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        has_touch=True,
        device_scale_factor=1,
        locale="en-GB",
        reduced_motion="reduce",
        service_workers="block",
    )
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


def attach(context: BrowserContext, app: AppPage) -> None:
    """Record every request, websocket and uncaught page error of ``context``."""

    def on_request(request: Request) -> None:
        app.requests.append(request.url)

    def on_websocket(ws: WebSocket) -> None:
        app.websockets.append(ws.url)

    context.on("request", on_request)
    app.page.on("websocket", on_websocket)
    app.page.on("pageerror", lambda error: app.page_errors.append(str(error)))


OpenApp = Callable[..., AppPage]


@pytest.fixture
def open_app(
    browser: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[OpenApp]:
    """Factory: a new browser session on the app (own context, so own Streamlit session).

    On a failing test each page's screenshot is saved under test-artifacts/browser/failures.
    """
    opened: list[tuple[BrowserContext, AppPage]] = []

    def _open(viewport: tuple[int, int] = TABLET, path: str = "") -> AppPage:
        app_server.assert_alive()
        context = new_context(browser, viewport)
        app = AppPage(context.new_page(), app_server)
        attach(context, app)
        opened.append((context, app))
        app.open(path)
        return app

    yield _open

    report = getattr(request.node, "report_call", None)
    for index, (context, app) in enumerate(opened):
        if report is not None and report.failed:
            target = ARTIFACTS / "failures" / f"{request.node.name}-{index}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                app.page.screenshot(path=str(target))
        context.close()
