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
from decimal import Decimal
from enum import Enum
from functools import cache
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

from scoring import PatientCase, ScoreResult, score_case
from scoring.bilsky import BilskyGrade
from scoring.case import FIELD_NAMES
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD, LabValue
from scoring.performance import ECOG_DEFINITIONS, KPS_DEFINITIONS
from tests.support.ui_text import (
    KATAGIRI,
    LAB_FIELDS,
    PROBABILITY,
    SINS,
    TOKUHASHI,
    WHOLE_NUMBER_FIELDS,
    percent_text,
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
EXPECT_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 30_000
SERVER_START_TIMEOUT_S = 60.0
TABLET = (1024, 768)
PROJECTOR = (1920, 1080)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


# --------------------------------------------------------------------------- server


@dataclass
class AppServer:
    """A running ``streamlit run`` subprocess and where to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    #: What each widget key rendered as; it never changes while the server runs.
    widget_kinds: dict[str, str] = field(default_factory=dict)

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
def run_streamlit(
    script: str, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[AppServer]:
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
            command,
            cwd=REPO,
            env=server_env() | (extra_env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
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
    #: Touches and key presses the helpers made, as a user entering the case would.
    taps: int = 0
    keystrokes: int = 0
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    # ---- navigation and waiting

    def open(self, path: str = "", wait: bool = True) -> None:
        """Load the app; ``wait=False`` returns once the response starts arriving, so
        several sessions can load at once (call :meth:`wait_for_app` on each after)."""
        self.page.goto(f"{self.server.url}/{path}", wait_until="load" if wait else "commit")
        if wait:
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
        """What Streamlit rendered for ``key``: selectbox, number, radio, buttons, toggle, text.

        Widget components load lazily: the keyed container can exist a moment before its
        control does, so wait for a control first. The answer is kept per server.
        """
        if key in self.server.widget_kinds:
            return self.server.widget_kinds[key]
        container = self.widget(key)
        controls = "[role=combobox], input, textarea, [role=radiogroup], button"
        expect(container.locator(controls).first).to_be_attached()
        kind = container.evaluate(
            """(el) => {
                if (el.querySelector('[role=combobox]')) return 'selectbox';
                if (el.querySelector('input[type=number]')) return 'number';
                if (el.querySelector('[data-testid=stButtonGroup]')) return 'buttons';
                if (el.querySelector('[role=radiogroup]')) return 'radio';
                if (el.querySelector('input[type=checkbox]')) return 'toggle';
                if (el.querySelector('input[type=text], textarea')) return 'text';
                if (el.querySelector('button')) return 'button';
                return 'unknown';
            }"""
        )
        self.server.widget_kinds[key] = str(kind)
        return str(kind)

    def type_number(self, key: str, value: float | int | str, settle: bool = True) -> None:
        """Tap the number input, type the value and confirm it as a tablet's keyboard would."""
        box = self.widget(key).locator("input")
        box.tap()
        box.fill(str(value))
        box.press("Enter")
        self.taps += 1
        self.keystrokes += len(str(value)) + 1
        expect(box).to_have_value(re.compile(rf"^{re.escape(str(value))}(\.0+)?$"))
        if settle:
            self.wait_for_app()

    def pick_option(self, key: str, option: str, settle: bool = True) -> None:
        """Choose ``option`` (its exact visible text) in the selectbox, radio or buttons of ``key``.

        A selectbox is tapped open and the option tapped; a long list is virtualised (only
        the options near the top are in the DOM), so when the option is not there the
        option's text is typed into the box first, as a user would to filter it.
        """
        kind = self.widget_kind(key)
        container = self.widget(key)
        if kind == "selectbox":
            combo = container.get_by_role("combobox")
            combo.tap()
            listbox = self.page.get_by_role("listbox")
            expect(listbox).to_be_visible()
            choice = listbox.get_by_role("option", name=option, exact=True)
            if choice.count() == 0:
                combo.fill(option)
                self.keystrokes += len(option)
            choice.tap()
            self.taps += 2
            expect(combo).to_have_value(option)
        elif kind == "radio":
            container.locator("label").filter(
                has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")
            ).tap()
            self.taps += 1
            expect(container.get_by_role("radio", name=option, exact=True)).to_be_checked()
        elif kind == "buttons":
            # Segmented control: buttons with the radio role; pills: plain buttons.
            # The group's buttons load lazily: wait for them before asking which kind.
            expect(container.locator("button").first).to_be_attached()
            segment = container.get_by_role("radio", name=option, exact=True)
            if segment.count():
                if segment.get_attribute("aria-checked") != "true":
                    segment.tap()
                    self.taps += 1
                expect(segment).to_have_attribute("aria-checked", "true")
            else:
                container.get_by_role("button", name=option, exact=True).tap()
                self.taps += 1
        else:
            raise AssertionError(f"{key} is a {kind}, not a choice widget")
        if settle:
            self.wait_for_app()

    def set_toggle(self, key: str, on: bool) -> None:
        """Set a checkbox or toggle to ``on`` by tapping its label when it differs."""
        container = self.widget(key)
        box = container.locator("input[type=checkbox]")
        if box.is_checked() != on:
            container.locator("label").first.tap()
            self.taps += 1
        expect(box).to_be_checked(checked=on)
        self.wait_for_app()

    def tap_button(self, key: str) -> None:
        self.widget(key).get_by_role("button").first.tap()
        self.taps += 1
        self.wait_for_app()

    def shown_option(self, key: str) -> Locator:
        """The element showing the chosen option of a choice widget (its text is the option):
        the checked segment or pill, or the selectbox's combobox (whose value is the text)."""
        if self.widget_kind(key) == "selectbox":
            return self.widget(key).get_by_role("combobox")
        return self.widget(key).locator("[role=radio][aria-checked=true]")

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
        # The last interaction may have scrolled the main container: start from its top.
        self.main_container().evaluate("(el) => el.scrollTo(0, 0)")
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


def open_session(
    browser: Browser,
    server: AppServer,
    viewport: tuple[int, int] = TABLET,
    path: str = "",
    wait: bool = True,
) -> tuple[BrowserContext, AppPage]:
    """A new browser session on the app: its own context, hence its own Streamlit session."""
    server.assert_alive()
    context = new_context(browser, viewport)
    app = AppPage(context.new_page(), server)
    attach(context, app)
    app.open(path, wait=wait)
    return context, app


OpenApp = Callable[..., AppPage]


@pytest.fixture
def open_app(
    browser: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[OpenApp]:
    """Factory of sessions on the app, closed after the test.

    On a failing test each page's screenshot is saved under test-artifacts/browser/failures.
    """
    opened: list[tuple[BrowserContext, AppPage]] = []

    def _open(viewport: tuple[int, int] = TABLET, path: str = "") -> AppPage:
        context, app = open_session(browser, app_server, viewport, path)
        opened.append((context, app))
        return app

    yield _open

    report = getattr(request.node, "report_call", None)
    for index, (context, app) in enumerate(opened):
        if report is not None and report.failed:
            save_failure_screenshot(app, f"{request.node.name}-{index}")
        context.close()


def save_failure_screenshot(app: AppPage, name: str) -> None:
    """Best effort: a failing test's page as it was, for the person reading the failure."""
    target = ARTIFACTS / "failures" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        app.page.screenshot(path=str(target))


# --------------------------------------------------------------------------- cases

#: A complete case in conventional units: every field of the calculator has a value.
FULL_CASE = PatientCase.model_validate(
    {
        "sex": "male",
        "age_years": 67,
        "lesion_level": "C5",
        "escc_grade": "1b",
        "frankel": "D",
        "kps": 70,
        "ecog": 2,
        "primary_tumor": "breast_hormone_independent",
        "previous_chemotherapy": True,
        "extraspinal_bone_mets": 2,
        "vertebral_body_mets": 3,
        "major_organ_mets": "removable",
        "visceral_mets": "nodular",
        "visceral_mets_treatable": True,
        "crp": {"value": "0.3", "unit": "mg/dL"},
        "ldh": {"value": "262", "unit": "U/L"},
        "albumin": {"value": "3.9", "unit": "g/dL"},
        "platelets": {"value": "210", "unit": "10^9/L"},
        "calcium": {"value": "9.4", "unit": "mg/dL"},
        "bilirubin": {"value": "0.7", "unit": "mg/dL"},
        "sins_pain": "mechanical",
        "sins_bone_lesion": "lytic",
        "sins_alignment": "deformity",
        "sins_collapse": "lt50",
        "sins_posterolateral": "unilateral",
        "progressive_neurological_deficit": True,
        "intractable_pain": False,
        "impaired_consciousness_cerebral_mets": False,
    }
)
#: The case the benchmarks enter before timing changes.
BENCH_CASE = FULL_CASE


def _brief(**values: Any) -> PatientCase:
    """A case with just enough for all three scores and the model (one decisive lab value)."""
    return PatientCase.model_validate(values)


#: Five different cases for five concurrent sessions (pairwise different results).
SESSION_CASES: tuple[PatientCase, ...] = (
    _brief(
        sex="female",
        lesion_level="C3",
        frankel="E",
        kps=90,
        ecog=0,
        primary_tumor="thyroid",
        previous_chemotherapy=False,
        extraspinal_bone_mets=0,
        vertebral_body_mets=1,
        major_organ_mets="none",
        visceral_mets="none",
        platelets={"value": "80", "unit": "10^9/L"},
        sins_pain="none",
        sins_bone_lesion="blastic",
        sins_alignment="normal",
        sins_collapse="none",
        sins_posterolateral="none",
    ),
    _brief(
        sex="male",
        lesion_level="C7",
        frankel="C",
        kps=50,
        ecog=3,
        primary_tumor="liver",
        previous_chemotherapy=True,
        extraspinal_bone_mets=5,
        vertebral_body_mets=4,
        major_organ_mets="unremovable",
        visceral_mets="disseminated",
        platelets={"value": "80", "unit": "10^9/L"},
        sins_pain="mechanical",
        sins_bone_lesion="lytic",
        sins_alignment="subluxation",
        sins_collapse="gt50",
        sins_posterolateral="bilateral",
    ),
    _brief(
        sex="male",
        lesion_level="C2",
        frankel="D",
        kps=70,
        ecog=1,
        primary_tumor="kidney",
        previous_chemotherapy=False,
        extraspinal_bone_mets=1,
        vertebral_body_mets=1,
        major_organ_mets="removable",
        visceral_mets="nodular",
        calcium={"value": "2.7", "unit": "mmol/L"},
        sins_pain="occasional",
        sins_bone_lesion="mixed",
        sins_alignment="normal",
        sins_collapse="lt50",
        sins_posterolateral="unilateral",
    ),
    _brief(
        sex="female",
        lesion_level="T1",
        frankel="B",
        kps=30,
        ecog=4,
        primary_tumor="lung_untargeted",
        previous_chemotherapy=True,
        extraspinal_bone_mets=3,
        vertebral_body_mets=2,
        major_organ_mets="none",
        visceral_mets="none",
        platelets={"value": "80", "unit": "10^9/L"},
        sins_pain="mechanical",
        sins_bone_lesion="lytic",
        sins_alignment="deformity",
        sins_collapse="none_gt50_involved",
        sins_posterolateral="none",
    ),
    _brief(
        sex="male",
        lesion_level="C5",
        frankel="E",
        kps=80,
        ecog=1,
        primary_tumor="prostate_hormone_dependent",
        previous_chemotherapy=False,
        extraspinal_bone_mets=0,
        vertebral_body_mets=2,
        major_organ_mets="none",
        visceral_mets="none",
        platelets={"value": "80", "unit": "10^9/L"},
        sins_pain="occasional",
        sins_bone_lesion="blastic",
        sins_alignment="normal",
        sins_collapse="none",
        sins_posterolateral="unilateral",
    ),
)

# The visible option text of the choices whose text is not simply the vocabulary's label.
_OPTION_TEXT: dict[str, Callable[[Any], str]] = {
    "sex": lambda v: {"male": "Male", "female": "Female"}[v.value],
    "lesion_level": lambda v: str(v.value),
    "escc_grade": lambda v: f"{v.value}: {BilskyGrade(v).definition}",
    "frankel": lambda v: f"{v.value}: {FrankelGrade(v).grade_name}",
    "kps": lambda v: f"{v} %: {KPS_DEFINITIONS[v]}",
    "ecog": lambda v: f"{v}: {ECOG_DEFINITIONS[v]}",
}


def option_text(name: str, value: Any) -> str:
    """The text the calculator shows for ``value`` of the choice ``name``."""
    if name in _OPTION_TEXT:
        return _OPTION_TEXT[name](value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value.label)


def unit_system(case: PatientCase) -> str:
    """'si' when a lab value of ``case`` is in a unit other than its conventional one."""
    for name in LAB_FIELDS:
        lab: LabValue | None = getattr(case, name)
        if lab is not None and lab.unit is not ANALYTE_BY_FIELD[name].conventional:
            return "si"
    return "conventional"


def number_text(value: Decimal | int) -> str:
    """A number as typed: no trailing zeros, no exponent."""
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


def _lab_widget_value(lab: LabValue) -> float:
    return float(lab.value)


def case_widget_state(case: PatientCase) -> dict[str, Any]:
    """The calculator's widget values for ``case`` by key (codes, whole numbers, booleans)."""
    state: dict[str, Any] = {"calc_lab_units": unit_system(case)}
    for name in FIELD_NAMES:
        value = getattr(case, name)
        if value is None:
            continue
        if isinstance(value, LabValue):
            state[f"calc_{name}"] = _lab_widget_value(value)
        elif isinstance(value, Enum):
            state[f"calc_{name}"] = value.value
        else:
            state[f"calc_{name}"] = value
    return state


Step = Callable[[AppPage, bool], None]


def case_steps(case: PatientCase) -> list[Step]:
    """The interactions that enter ``case``, in the calculator's order, one per field.

    Each step takes the session and whether to wait for the rerun it causes, so the same
    steps can fill one session (waiting) or be interleaved across several (not waiting).
    Laboratory values are typed after choosing the case's unit system, and each lab input
    must show the case's unit in its label: a number is never typed into another unit.
    """
    steps: list[Step] = []
    if unit_system(case) == "si":
        steps.append(lambda app, settle: app.pick_option("calc_lab_units", "SI", settle=settle))
    for name in FIELD_NAMES:
        value = getattr(case, name)
        if value is None:
            continue
        key = f"calc_{name}"
        if isinstance(value, LabValue):
            steps.append(_lab_step(key, value))
        elif name in WHOLE_NUMBER_FIELDS:
            steps.append(_number_step(key, number_text(value)))
        else:
            steps.append(_option_step(key, option_text(name, value)))
    return steps


def _lab_step(key: str, lab: LabValue) -> Step:
    def step(app: AppPage, settle: bool) -> None:
        expect(app.widget(key)).to_contain_text(f"({lab.unit.label})")
        app.type_number(key, number_text(lab.value), settle=settle)

    return step


def _number_step(key: str, text: str) -> Step:
    return lambda app, settle: app.type_number(key, text, settle=settle)


def _option_step(key: str, text: str) -> Step:
    return lambda app, settle: app.pick_option(key, text, settle=settle)


def fill_case(app: AppPage, case: PatientCase, settle: bool = True) -> None:
    """Enter every recorded field of ``case`` on the calculator by taps and typing."""
    for step in case_steps(case):
        step(app, settle)
    app.wait_for_app()


def score_text(result: ScoreResult) -> str:
    """The metric text of a complete score: its total (the test cases are complete)."""
    assert result.total is not None, f"{result.name} incomplete: {result.missing}"
    return str(result.total)


@cache
def poor_outcome_model() -> Any:
    """The shipped model through the domain API, or None while it has not landed yet."""
    from models.artifact import MANIFEST_NAME, SHIPPED_DIR
    from models.predict import load_model

    if not (SHIPPED_DIR / MANIFEST_NAME).exists():
        return None

    return load_model()


def expected_results(case: PatientCase) -> dict[str, str]:
    """Metric label → text the screen must show for ``case``, from the domain API alone."""
    scores = score_case(case)
    expected = {
        TOKUHASHI: score_text(scores.tokuhashi),
        KATAGIRI: score_text(scores.katagiri),
        SINS: score_text(scores.sins),
    }
    model = poor_outcome_model()
    if model is not None:
        prediction = model.predict(case, scores)
        assert prediction.probability is not None, prediction.reason
        expected[PROBABILITY] = percent_text(prediction.probability)
    return expected


def expect_results(app: AppPage, expected: dict[str, str]) -> None:
    """Every expected metric shows exactly its expected text (polling until it does)."""
    for label, text in expected.items():
        expect(app.metric_value(label), f"{label} on {app.page.url}").to_have_text(text)
