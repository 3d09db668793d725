"""The PDF case report: one A4 page whose text (pdftotext) and picture (pdftoppm) are right.

Why poppler: reading the PDF back with the same tools a reader's viewer is built on
checks what a person sees (the glyphs drawn, the page count), not what we meant to draw.
``make chromium`` installs poppler-utils and the DejaVu font.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from models.predict import PROVENANCE
from reports import pdf as report_pdf
from reports.case_report import CaseReport
from reports.pdf import ReportFontMissingError, pdf_available, render_pdf
from reports.wording import MODEL_CAVEATS, OUTCOME_DEFINITION
from tests.reports.test_report import (
    CLINICIAN,
    FREQUENCY_SENTENCE,
    GENERATED,
    IDENTIFIER,
    LABEL,
    MODEL_VERSION,
    UNCERTAINTY_SENTENCES,
    bare_report,
    filed_report,
    full_report,
    worst_report,
)

REPO = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `make chromium` (installs poppler-utils)")
    return path


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def pdf_file(report: CaseReport, tmp_path: Path, name: str = "report") -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_pdf(report))
    return path


def pdf_text(path: Path, *, layout: bool = False) -> str:
    """The page's text with whitespace folded, so wrapped lines read as one sentence.

    ``layout`` keeps each printed line whole (a score's name and its total share a line),
    at the price of joining the two columns' lines side by side.
    """
    mode = ("-layout",) if layout else ()
    raw = _run(_tool("pdftotext"), *mode, "-enc", "UTF-8", str(path), "-")
    return " ".join(raw.split())


def page_info(path: Path) -> dict[str, str]:
    lines = _run(_tool("pdfinfo"), str(path)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def test_full_report_is_one_a4_page_with_everything(tmp_path):
    path = pdf_file(full_report(), tmp_path)
    info = page_info(path)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("595.28 x 841.89 pts (A4)")
    rows = pdf_text(path, layout=True)
    for expected in (
        "Revised Tokuhashi score 13 / 15",
        "New Katagiri score 1 / 10",
        "SINS 10 / 18",
        "Sex (male) male female raises the risk +0.41",
        "Tomita score 2 / 10",
    ):
        assert expected in rows, expected
    assert re.search(r"Modified Bauer score \d ?/ ?4", rows)
    assert re.search(r"carcinoid tumor (\(Thyroid cancer\) )?5", rows)
    text = pdf_text(path)
    for expected in (
        f"Case label: {LABEL}",
        "Generated 2026-03-14",
        f"App version 0.1.0; model version {MODEL_VERSION}",
        "Decision support for reviewing palliative surgery",
        "Indeterminate (possibly impending) instability",
        "Predicted survival ≥ 1 year",
        f"23 % (95% CI 8–51 %) {FREQUENCY_SENTENCE}",
        *UNCERTAINTY_SENTENCES,
        OUTCOME_DEFINITION,
        "Long-term local control",
        PROVENANCE,
        *MODEL_CAVEATS,
        "Indications checklist",
        "Reference patient: female, Tokuhashi 9",
        "Frankel A–B was seen in 2 of 46 training patients",
        "Platelets: 220 × 10⁹/L",
        "Primary tumor: Thyroid cancer",
    ):
        assert expected in text, expected


def test_unicode_glyphs_are_drawn_not_dropped(tmp_path):
    """µ, ≥, × and – must come back out of the PDF (a Latin-1 core font would drop them)."""
    text = pdf_text(pdf_file(full_report(label="µ ≥ × – ⁹"), tmp_path))
    assert "Case label: µ ≥ × – ⁹" in text


CJK_LABEL = "頸椎転移 症例2"


def test_cjk_label_is_in_the_text_layer(tmp_path):
    """The label is drawn with the embedded Japanese fallback font, not dropped to "2"."""
    text = pdf_text(pdf_file(full_report(label=CJK_LABEL), tmp_path))
    assert f"Case label: {CJK_LABEL}" in text


def test_cjk_label_is_drawn_in_the_fallback_font(tmp_path):
    path = pdf_file(full_report(label=CJK_LABEL), tmp_path)
    fonts = _run(_tool("pdffonts"), str(path))
    assert "IPAexGothic" in fonts
    assert "DejaVuSans" in fonts


def test_latin_report_loads_no_fallback_font(tmp_path):
    """The fallback fonts are loaded only for a report that has characters DejaVu lacks."""
    fonts = _run(_tool("pdffonts"), str(pdf_file(full_report(), tmp_path)))
    assert "IPAexGothic" not in fonts
    assert "NanumGothic" not in fonts


def test_korean_label_is_in_the_text_layer(tmp_path):
    text = pdf_text(pdf_file(full_report(label="경추 전이 2"), tmp_path))
    assert "Case label: 경추 전이 2" in text


def test_glyphs_no_font_has_become_the_replacement_character(tmp_path):
    """An Egyptian hieroglyph is in no report font: it is marked, not silently dropped."""
    text = pdf_text(pdf_file(full_report(label="case \U00013000 2"), tmp_path))
    assert "Case label: case \ufffd 2" in text


def test_no_library_warning_carries_the_label_to_the_log(caplog):
    """fpdf2 logs missing glyphs with the characters themselves: no warning may be logged,
    and no record at any level may quote the label."""
    label = f"{CJK_LABEL} \U00013000 ᚠᛇᚻ \U0001d11e 경추"
    with caplog.at_level(logging.DEBUG):
        render_pdf(full_report(label=label))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    for record in caplog.records:
        message = record.getMessage()
        assert not any(ch in message for ch in "頸椎転移症例ᚠᛇᚻ경추\U00013000"), message


def test_bidi_and_zero_width_controls_are_stripped(tmp_path):
    text = pdf_text(pdf_file(full_report(label="case\u202e 2\u200b\u2066x\u2069"), tmp_path))
    assert "Case label: case 2x" in text


def test_lone_surrogate_survives(tmp_path):
    text = pdf_text(pdf_file(full_report(label="case \ud800 2"), tmp_path))
    assert "Case label: case \ufffd 2" in text


def test_filing_fields_on_the_page(tmp_path):
    path = pdf_file(filed_report(), tmp_path)
    assert page_info(path)["Pages"] == "1"
    text = pdf_text(path)
    assert f"Patient identifier: {IDENTIFIER}" in text
    assert f"Clinician: {CLINICIAN}" in text
    assert "Date of imaging and laboratory data: 2026-03-12" in text


def test_png_render_shows_ink(tmp_path):
    path = pdf_file(full_report(), tmp_path)
    _run(_tool("pdftoppm"), "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "page"))
    png = tmp_path / "page.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
    # Text covers a few per cent of a full page; a blank or broken render has almost none.
    assert dark > 0.01 * width * height


def test_incomplete_case_without_model_renders_and_says_why(tmp_path):
    path = pdf_file(bare_report(), tmp_path)
    assert page_info(path)["Pages"] == "1"
    text = pdf_text(path)
    assert "No probability is reported: the poor-outcome model was not available" in text
    assert PROVENANCE in text
    assert "Incomplete: missing Karnofsky performance status (%)." in text
    assert "Total known only as a range: missing CRP, LDH, Albumin." in text
    assert "/ 15 (range)" in text
    rows = pdf_text(path, layout=True)
    assert re.search(r"General condition \(Karnofsky %\): missing: Karnofsky [\w ]+ 0–2", rows)
    assert "Case label" not in text
    assert "Generated 2026-03-14" in text


def test_longest_report_still_fits_one_page(tmp_path):
    report = worst_report()
    path = pdf_file(report, tmp_path)
    assert page_info(path)["Pages"] == "1"
    text = pdf_text(path)
    for warning in report.warnings:
        assert warning in text
    assert "Values not accepted (left out of this report):" in text
    assert "Calcium 40 mg/dL is outside the accepted range" in text


def test_same_report_same_bytes():
    """No clock time or random id in the file: the report's date is its only date."""
    assert render_pdf(full_report()) == render_pdf(full_report())
    assert GENERATED.isoformat() == "2026-03-14"


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(report_pdf, "FONT_DIRS", ())
    assert not pdf_available()
    with pytest.raises(ReportFontMissingError, match="fonts-dejavu-core"):
        render_pdf(full_report())


def test_fpdf_is_imported_only_when_a_pdf_is_made():
    code = (
        "import sys\n"
        "import reports.pdf, reports.case_report\n"
        "assert 'fpdf' not in sys.modules, 'fpdf2 imported eagerly'\n"
        "from tests.reports.test_report import full_report\n"
        "reports.pdf.render_pdf(full_report())\n"
        "assert 'fpdf' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=REPO, check=True, timeout=120)
