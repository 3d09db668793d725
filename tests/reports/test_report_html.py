"""The HTML case report: the same content as the PDF, self-contained and print-ready."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from models.predict import PROVENANCE
from reports.html import render_html
from reports.wording import MODEL_CAVEATS, OUTCOME_DEFINITION
from tests.reports.test_report import (
    CLINICIAN,
    FREQUENCY_SENTENCE,
    IDENTIFIER,
    LABEL,
    MODEL_VERSION,
    UNCERTAINTY_SENTENCES,
    bare_report,
    filed_report,
    full_report,
    worst_report,
)


class _Page(HTMLParser):
    """Collects visible text, tags and attributes; checks tags close in order."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.stack: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self.in_style = tag == "style"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed tags {page.stack}"
    return page


def visible(html: str) -> str:
    return " ".join(" ".join(parse(html).text).split())


def test_full_report_content():
    html = render_html(full_report())
    text = visible(html)
    for expected in (
        f"Case label: {LABEL}",
        "Generated 2026-03-14",
        f"App version 0.1.0; model version {MODEL_VERSION}",
        "Decision support for reviewing palliative surgery",
        "Revised Tokuhashi score 13 / 15",
        "New Katagiri score 1 / 10",
        "SINS 10 / 18",
        "Band: ≥ 1 year: Predicted survival ≥ 1 year",
        f"23 % (95% CI 8–51 %) {FREQUENCY_SENTENCE}",
        *UNCERTAINTY_SENTENCES,
        OUTCOME_DEFINITION,
        "Tomita score 2 / 10",
        "Long-term local control",
        "Modified Bauer score",
        PROVENANCE,
        "Sex (male) male female raises the risk +0.41",
        "Revised Tokuhashi score 13 9 lowers the risk −0.63",
        *MODEL_CAVEATS,
        "Indications checklist",
        "Reference patient: female, Tokuhashi 9",
        "Frankel A–B was seen in 2 of 46 training patients",
        "Platelets 220 × 10⁹/L",
        "Primary tumor Thyroid cancer",
        "Palsy (Frankel grade) Incomplete (Frankel C, D) (Frankel D) 1",
    ):
        assert expected in text, expected


def test_self_contained_and_print_ready():
    html = render_html(worst_report())
    page = parse(html)
    assert not re.search(r"https?:", html, re.I)
    assert "//" not in html.replace("<!DOCTYPE html>", "")
    assert "script" not in page.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not {name for name, _ in page.attrs} & {"src", "href", "srcset", "action"}
    assert "url(" not in html
    assert "@import" not in html
    assert re.search(r"@page\s*{\s*size:\s*A4", html)
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


def test_label_is_escaped():
    html = render_html(full_report(label='<script>alert("x")</script> & <b>'))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert 'Case label: <script>alert("x")</script> & <b>' in visible(html)


def test_report_without_prediction_renders():
    html = render_html(bare_report())
    text = visible(html)
    assert "No probability is reported: the poor-outcome model was not available" in text
    assert PROVENANCE in text
    assert "Incomplete: missing Karnofsky performance status (%)." in text
    assert "Revised Tokuhashi score 12–14 / 15 (range)" in text
    assert "General condition (Karnofsky %) missing: Karnofsky performance status (%) 0–2" in text
    assert "Case label" not in text
    assert "Contributions" not in text


def test_input_errors_and_warnings_listed():
    report = worst_report()
    text = visible(render_html(report))
    assert "Values not accepted (left out of this report):" in text
    for warning in report.warnings:
        assert warning in text


def test_filing_fields_in_the_header_only_when_given():
    text = visible(render_html(filed_report()))
    assert f"Patient identifier: {IDENTIFIER}" in text
    assert f"Clinician: {CLINICIAN}" in text
    assert "Date of imaging and laboratory data: 2026-03-12" in text
    plain = visible(render_html(full_report()))
    assert "Patient identifier" not in plain
    assert "Clinician" not in plain


def test_checklist_rows_read_the_right_way_round():
    from datetime import date

    from reports.case_report import build_report
    from scoring import score_case
    from tests.support.cases import make_case

    case = make_case(impaired_consciousness_cerebral_mets=False)
    report = build_report(
        case,
        score_case(case),
        None,
        None,
        generated=date(2026, 3, 14),
        app_version="x",
        model_version="y",
    )
    text = visible(render_html(report))
    assert "Impaired consciousness due to cerebral metastasis" in text
    assert re.search(r"Impaired consciousness due to cerebral metastasis .*? Absent", text)
    assert "Not met Impaired" not in text
    assert "seed" not in text


def test_free_text_controls_stripped_and_lone_surrogate_survives():
    html = render_html(full_report(label="case\u202e 2\u200b \ud800"))
    assert "\u202e" not in html
    assert "\u200b" not in html
    html.encode("utf-8")  # a lone surrogate would raise UnicodeEncodeError here
    assert "Case label: case 2 \ufffd" in visible(html)
