"""Download each case report format from the calculator page in a real browser.

A short complete case is entered by taps, a case label is typed, and each of the three
buttons is pressed; the downloaded bytes are then read as a person's software would:
the PDF by poppler (one page, its text), the HTML as text (label, scores, no outside
address), the FHIR JSON by the R4B models. The case label must be in every file and
nowhere in the server's log. The download helper is called by the calculator page with
``key_prefix="calc"`` (keys ``calc_report_label``, ``calc_download_pdf|html|fhir``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.R4B.riskassessment import RiskAssessment
from playwright.sync_api import Browser, expect

from models.predict import PROVENANCE
from scoring import score_case
from tests.browser.conftest import (
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


def download(app: AppPage, fmt: str, target: Path) -> tuple[str, bytes]:
    """Press the format's button and return (suggested file name, bytes)."""
    button = app.widget(f"calc_download_{fmt}").get_by_role("button")
    expect(button).to_be_enabled()
    with app.page.expect_download(timeout=60_000) as info:
        button.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    path = target / dl.suggested_filename
    dl.save_as(path)
    return dl.suggested_filename, path.read_bytes()


def expected_scores() -> list[str]:
    scores = score_case(CASE)
    return [f"{r.name} {r.total} / {max(b.high for b in r.bands)}" for r in scores.scores]


def test_pdf_download(session, tmp_path):
    name, data = download(session, "pdf", tmp_path)
    assert re.fullmatch(r"case-report-\d{4}-\d{2}-\d{2}\.pdf", name)
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
        assert re.search(r"\d+\.\d % \(95% CI \d+\.\d–\d+\.\d %\)", text)


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
    }
    scores = score_case(CASE)
    assert values == {r.name: r.total for r in scores.scores}
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
