"""Download each case report format from the calculator page in a real browser.

A short complete case is entered by taps, a case label is typed, and each of the three
buttons is pressed; the downloaded bytes are then read as a person's software would:
the PDF by poppler (one page, its text), the HTML as text (label, scores, no outside
address), the FHIR JSON by the R4B models. The case label must be in every file and
nowhere in the server's log. The download helper is called by the calculator page with
``key_prefix="calc"`` (keys ``calc_report_label``, ``calc_report_identifier``,
``calc_report_clinician``, ``calc_report_date``, ``calc_download_pdf|html|fhir``).

The last tests are about what leaves the session: a CJK label and the filing fields reach
the files and no log line, and a download's ``/media`` URL answers only the one fetch the
session's own browser makes (the server's one-time downloads; see ``SECURITY.md``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.R4B.riskassessment import RiskAssessment
from playwright.sync_api import Browser, expect

from models.predict import PROVENANCE
from scoring import score_case
from tests.support.browser import (
    SESSION_CASES,
    AppPage,
    AppServer,
    fill_case,
    is_local,
    open_session,
    poor_outcome_model,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser

CASE = SESSION_CASES[0]
LABEL = "Tumor board µ≥ case 2"
FORMATS = ("pdf", "html", "fhir")


@pytest.fixture(scope="module")
def session(browser: Browser, app_server: AppServer) -> Iterator[AppPage]:
    """One tablet session on the calculator with CASE entered and the label typed."""
    context, app = open_session(browser, app_server)
    try:
        fill_case(app, CASE)
        box = app.widget("calc_report_label").locator("input")
        box.fill(LABEL)
        box.press("Enter")
        expect(box).to_have_value(LABEL)
        app.wait_for_app()
        yield app
    except BaseException:
        save_failure_screenshot(app, "report-downloads-fill")
        raise
    finally:
        context.close()


def download_with_url(app: AppPage, fmt: str, target: Path) -> tuple[str, bytes, str]:
    """Press the format's button and return (suggested file name, bytes, its URL)."""
    button = app.widget(f"calc_download_{fmt}").get_by_role("button")
    expect(button).to_be_enabled()
    with app.page.expect_download(timeout=60_000) as info:
        button.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    path = target / dl.suggested_filename
    dl.save_as(path)
    return dl.suggested_filename, path.read_bytes(), dl.url


def download(app: AppPage, fmt: str, target: Path) -> tuple[str, bytes]:
    """Press the format's button and return (suggested file name, bytes)."""
    name, data, _ = download_with_url(app, fmt, target)
    return name, data


def type_into(app: AppPage, key: str, text: str) -> None:
    box = app.widget(key).locator("input")
    box.fill(text)
    box.press("Enter")
    app.wait_for_app()


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "run `make chromium` (poppler-utils)"
    raw = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


def expected_scores() -> list[str]:
    scores = score_case(CASE)
    return [f"{r.name} {r.total} / {max(b.high for b in r.bands)}" for r in scores.scores]


def test_pdf_download(session, tmp_path):
    name, data = download(session, "pdf", tmp_path)
    # Date and time to the second, then the label made safe for a file name.
    assert re.fullmatch(r"case-report-\d{4}-\d{2}-\d{2}-\d{6}-Tumor-board-µ-case-2\.pdf", name)
    assert data.startswith(b"%PDF-")
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    assert pdfinfo, "run `make chromium` (poppler-utils)"
    assert pdftotext, "run `make chromium` (poppler-utils)"
    path = tmp_path / name
    info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    raw = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(raw.split())
    assert f"Case label: {LABEL}" in text
    for score in expected_scores():
        assert score in text
    assert PROVENANCE in " ".join(
        subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def test_html_download(session, tmp_path):
    name, data = download(session, "html", tmp_path)
    assert name.endswith(".html")
    html = data.decode("utf-8")
    assert not re.search(r"https?:", html)
    assert "<script" not in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html.split("</style>")[1]).split())
    assert f"Case label: {LABEL}" in text
    for score in expected_scores():
        assert score in text
    assert PROVENANCE in text
    model = poor_outcome_model()
    if model is not None:
        # The screen's rule: whole percentages.
        assert re.search(r"\d+ % \(95% CI \d+–\d+ %\)", text)
        assert "Poor outcome means no improvement, or re-deterioration" in text


def test_fhir_download(session, tmp_path):
    name, data = download(session, "fhir", tmp_path)
    assert name.endswith(".fhir.json")
    resource = RiskAssessment.model_validate_json(data)
    assert resource.status == "final"
    notes = [n.text for n in resource.note]
    assert f"Case label: {LABEL}" in notes
    assert PROVENANCE in notes
    values = {
        c["code"]["text"]: c.get("valueInteger")
        for c in json.loads(data)["contained"]
        if c["resourceType"] == "Observation"
        and not c["id"].startswith("input-")
        and c["id"] != "as-published"
    }
    scores = score_case(CASE)
    assert values == {r.name: r.total for r in scores.all_scores}
    if poor_outcome_model() is not None:
        assert resource.prediction[0].probabilityDecimal is not None


def test_label_never_reaches_the_server_log_and_files_come_from_this_machine(session, app_server):
    """The three files were served by the local server; the label is in no log line.

    (Whether the page as a whole requests anything from outside is the smoke and
    calculator tests' concern; here only the report's own traffic is checked.)
    """
    session.page.wait_for_timeout(300)
    assert LABEL not in app_server.log_path.read_text(errors="replace")
    media = [url for url in session.requests if "/media/" in url]
    assert len(media) >= len(FORMATS)
    assert all(is_local(url) for url in media), media
    assert not session.page_errors


CJK_LABEL = "頸椎転移 症例2"
IDENTIFIER = "MRN 4471-Z"
CLINICIAN = "Dr Fujimori"


def test_cjk_label_and_filing_fields_reach_the_files_and_no_log(session, app_server, tmp_path):
    type_into(session, "calc_report_label", f"\u202e{CJK_LABEL}\u200b")
    type_into(session, "calc_report_identifier", IDENTIFIER)
    type_into(session, "calc_report_clinician", CLINICIAN)
    name, _ = download(session, "pdf", tmp_path)
    assert name.endswith(f"-{CJK_LABEL.replace(' ', '-')}.pdf"), name
    text = pdf_text(tmp_path / name)
    assert f"Case label: {CJK_LABEL}" in text
    assert f"Patient identifier: {IDENTIFIER}" in text
    assert f"Clinician: {CLINICIAN}" in text
    _, data = download(session, "fhir", tmp_path)
    resource = json.loads(data)
    (patient,) = [c for c in resource["contained"] if c["resourceType"] == "Patient"]
    assert patient["identifier"] == [{"value": IDENTIFIER}]
    assert resource["performer"] == {"display": CLINICIAN}
    session.page.wait_for_timeout(300)
    log = app_server.log_path.read_text(errors="replace")
    for secret in (CJK_LABEL, "頸椎", IDENTIFIER, CLINICIAN):
        assert secret not in log


def _fetch_status(url: str) -> int:
    """GET ``url`` as a client outside the session would: no cookie, no WebSocket."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_download_url_answers_only_the_sessions_own_fetch(session, tmp_path, fmt):
    _, data, url = download_with_url(session, fmt, tmp_path)
    assert data
    assert "/media/" in url
    assert is_local(url)
    # Streamlit's frontend fetches a download's URL twice (a check, then the download);
    # let both finish before fetching it as an outsider would.
    for _ in range(50):
        if session.requests.count(url) >= 2:
            break
        session.page.wait_for_timeout(100)
    session.page.wait_for_timeout(500)
    assert _fetch_status(url) == 404
    # A new click builds the file again under a fresh one-time entry.
    _, again, _ = download_with_url(session, fmt, tmp_path)
    assert again


def test_a_value_typed_just_before_a_download_is_in_the_file(browser, app_server, tmp_path):
    """A value typed and not confirmed with Enter is what the field shows: after a short
    pause the page and the report use it. (Before, the file was built by the run drawn
    before the value and left it out; the page then showed the new result.)"""
    context, app = open_session(browser, app_server)
    try:
        fill_case(app, CASE)
        box = app.widget("calc_age_years").locator("input")
        box.click()
        box.press_sequentially("71", delay=60)  # no Enter, the field keeps the focus
        app.page.wait_for_timeout(1_500)  # a person's pause before reaching the button
        _, data = download(app, "html", tmp_path)
        assert "<dt>Age (years)</dt><dd>71</dd>" in data.decode("utf-8")
        assert not app.page_errors
    except BaseException:
        save_failure_screenshot(app, "report-downloads-typed")
        raise
    finally:
        context.close()
