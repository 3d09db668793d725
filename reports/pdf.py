"""The case report as a one-page A4 PDF (fpdf2), laid out from a :class:`CaseReport`.

Why DejaVu Sans from Debian's ``fonts-dejavu-core``: the PDF's core fonts (Helvetica …)
are Latin-1 only, and the report needs µ, ≥, ×, –, superscript digits (× 10⁹/L) and the
user's free-text label. DejaVu Sans covers them, is in the base image and is installed by
``make chromium`` (which the test target runs); the font is embedded (subset) in the PDF,
so the file shows the same everywhere. No pip package of this project ships a TTF.

Why fpdf2 is imported inside :func:`render_pdf`: the app imports this module's caller on
every page run; fpdf2 (with fontTools) is loaded only when someone asks for a PDF.

Why a shrink loop: a case with many warnings or long item texts can outgrow one page at
the normal size. The report is rendered at decreasing scales until it fits on one page;
nothing is cut, because a report that silently drops a warning would be worse than a
small font. Only if even the smallest scale overflows does the PDF get a second page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from reports.case_report import INPUT_ERRORS_HEADING, CaseReport, ScoreSection

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIRS: Final[tuple[Path, ...]] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
REGULAR: Final = "DejaVuSans.ttf"
BOLD: Final = "DejaVuSans-Bold.ttf"
FAMILY: Final = "DejaVu"
#: Scales tried in turn until the report fits on one page.
SCALES: Final[tuple[float, ...]] = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)
BASE_PT: Final = 8.0
MARGIN_MM: Final = 10.0
GAP_MM: Final = 6.0
GREY: Final = (90, 90, 90)
BLACK: Final = (0, 0, 0)
RULE: Final = (170, 170, 170)


class ReportFontMissingError(RuntimeError):
    """DejaVu Sans is not installed, so a PDF with µ, ≥ and × cannot be made."""


def font_dir() -> Path:
    """The directory holding DejaVu Sans regular and bold, or a clear error."""
    for directory in FONT_DIRS:
        if (directory / REGULAR).is_file() and (directory / BOLD).is_file():
            return directory
    raise ReportFontMissingError(
        "The PDF report needs the DejaVu Sans font (Debian package fonts-dejavu-core; "
        "`make chromium` installs it). The HTML and FHIR reports do not need it."
    )


def pdf_available() -> bool:
    """Whether :func:`render_pdf` can run here (the font is present)."""
    try:
        font_dir()
    except ReportFontMissingError:
        return False
    return True


class _Layout:
    """Writes the report at one scale; every size is the base size times ``scale``."""

    def __init__(self, pdf: FPDF, scale: float) -> None:
        self.pdf = pdf
        self.s = scale
        self.width = pdf.w - 2 * MARGIN_MM

    # -- primitives ------------------------------------------------------------------------
    def size(self, pt: float) -> float:
        return pt * self.s

    def line_h(self, pt: float) -> float:
        return self.size(pt) * 0.3528 * 1.3

    def font(self, pt: float, bold: bool = False, color: tuple[int, int, int] = BLACK) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", self.size(pt))
        self.pdf.set_text_color(*color)

    def para(
        self,
        x: float,
        w: float,
        text: str,
        pt: float = BASE_PT,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = BLACK,
        align: str = "L",
    ) -> None:
        self.font(pt, bold, color)
        self.pdf.set_x(x)
        self.pdf.multi_cell(w, self.line_h(pt), text, align=align, new_x="LEFT", new_y="NEXT")

    def heading(self, x: float, w: float, text: str) -> None:
        self.pdf.set_y(self.pdf.get_y() + self.size(1.2))
        self.para(x, w, text, BASE_PT + 1.5, bold=True)
        y = self.pdf.get_y()
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.2)
        self.pdf.line(x, y, x + w, y)
        self.pdf.set_y(y + self.size(0.8))

    def row(self, x: float, w: float, left: str, right: str, pt: float = BASE_PT) -> None:
        """Wrapped text on the left, a short right-aligned value on its first line."""
        right_w = self.size(16)
        y0 = self.pdf.get_y()
        self.para(x, w - right_w, left, pt)
        y1 = self.pdf.get_y()
        self.font(pt, bold=True)
        self.pdf.set_xy(x + w - right_w, y0)
        self.pdf.cell(right_w, self.line_h(pt), right, align="R")
        self.pdf.set_y(y1)

    # -- sections --------------------------------------------------------------------------
    def header(self, report: CaseReport) -> None:
        x, w = MARGIN_MM, self.width
        self.para(x, w, report.title, BASE_PT + 6, bold=True)
        if report.label:
            self.para(x, w, f"Case label: {report.label}", BASE_PT + 1.5, bold=True)
        self.para(
            x,
            w,
            f"Generated {report.generated_text} · {report.versions_text}",
            BASE_PT - 0.5,
            color=GREY,
        )
        self.para(x, w, report.intended_use, BASE_PT - 0.5, color=GREY)

    def inputs(self, report: CaseReport, x: float, w: float) -> None:
        self.heading(x, w, "Inputs")
        pt = BASE_PT - 0.5
        for line in report.inputs:
            self.para(x, w, f"{line.title}: {line.value}", pt)
        if report.input_errors:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            self.para(x, w, INPUT_ERRORS_HEADING, pt, bold=True)
            for error in report.input_errors:
                self.para(x, w, f"• {error}", pt)
        if report.not_recorded:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            self.para(x, w, "Not recorded: " + "; ".join(report.not_recorded), pt, color=GREY)

    def score(self, section: ScoreSection, x: float, w: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + self.size(1.0))
        self.row(x, w, section.name, section.total_text, BASE_PT + 0.5)
        pt = BASE_PT - 0.8
        if section.status_text:
            self.para(x, w, section.status_text, pt, bold=True)
        self.para(x, w, "Band: " + section.band_text, pt)
        if section.survival:
            self.para(x, w, "Published survival: " + "; ".join(section.survival), pt, color=GREY)
        for item in section.items:
            finding = f": {item.finding}" if item.finding else ""
            self.row(
                x + self.size(2), w - self.size(2), f"{item.label}{finding}", item.points_text, pt
            )

    def scores(self, report: CaseReport, x: float, w: float) -> None:
        self.heading(x, w, "Scores")
        for section in report.scores:
            self.score(section, x, w)

    def model(self, report: CaseReport) -> None:
        x, w = MARGIN_MM, self.width
        self.heading(x, w, "Poor-outcome probability")
        self.para(x, w, f"Outcome: {report.outcome}", BASE_PT - 0.5)
        self.para(
            x,
            w,
            report.probability_text,
            BASE_PT + 3 if report.has_probability else BASE_PT,
            bold=True,
        )
        self.para(x, w, report.provenance, BASE_PT, bold=True)
        if report.contributions:
            self._contributions(report, x, w)
        if report.reference:
            self.para(x, w, f"Reference patient: {report.reference}", BASE_PT - 1, color=GREY)
        if report.warnings:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            self.para(x, w, "Warnings", BASE_PT - 0.5, bold=True)
            for warning in report.warnings:
                self.para(x + self.size(2), w - self.size(2), f"• {warning}", BASE_PT - 0.8)

    def _contributions(self, report: CaseReport, x: float, w: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
        self.para(
            x, w, "Contributions (log-odds against the reference patient)", BASE_PT - 0.5, bold=True
        )
        pt = BASE_PT - 0.8
        widths = (0.34, 0.26, 0.26, 0.14)
        header = ("Predictor", "This case", "Reference", "Log-odds")
        rows: list[Sequence[str]] = [header]
        rows += [(c.label, c.value, c.reference, c.log_odds_text) for c in report.contributions]
        for index, cells in enumerate(rows):
            self.font(pt, bold=index == 0)
            self.pdf.set_x(x)
            for cell, share in zip(cells, widths, strict=True):
                align = "R" if share == widths[-1] else "L"
                self.pdf.cell(w * share, self.line_h(pt), cell, align=align)
            self.pdf.ln(self.line_h(pt))

    def footer(self, report: CaseReport) -> None:
        x, w = MARGIN_MM, self.width
        self.heading(x, w, "Provenance")
        pt = BASE_PT - 1.5
        self.para(x, w, f"Model: {report.model_name}; version {report.model_version}", pt)
        for line in report.model_details:
            self.para(x, w, line, pt, color=GREY)
        self.para(x, w, f"Source study: {report.source_study}", pt, color=GREY)
        sources = "; ".join(f"{s.name}: {s.source}" for s in report.scores)
        self.para(x, w, f"Score sources: {sources}", pt, color=GREY)


def _render_at(report: CaseReport, scale: float) -> FPDF:
    from fpdf import FPDF

    directory = font_dir()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.add_font(FAMILY, "", directory / REGULAR)
    pdf.add_font(FAMILY, "B", directory / BOLD)
    pdf.set_title(report.title)
    pdf.set_creator(f"Cervical spine metastasis calculator {report.app_version}")
    # The report's date, not the clock: the same report gives the same bytes.
    pdf.set_creation_date(datetime.combine(report.generated, time(), tzinfo=UTC))
    pdf.add_page()
    layout = _Layout(pdf, scale)
    layout.header(report)
    top = pdf.get_y()
    left_w = layout.width * 0.42
    right_x = MARGIN_MM + left_w + GAP_MM
    right_w = layout.width - left_w - GAP_MM
    layout.inputs(report, MARGIN_MM, left_w)
    left_end, left_page = pdf.get_y(), pdf.page
    pdf.set_y(top)
    layout.scores(report, right_x, right_w)
    if pdf.page == left_page:
        pdf.set_y(max(left_end, pdf.get_y()))
    layout.model(report)
    layout.footer(report)
    return pdf


def render_pdf(report: CaseReport) -> bytes:
    """The report as PDF bytes: one A4 page, shrunk to fit if the case needs it."""
    pdf = _render_at(report, SCALES[0])
    for scale in SCALES[1:]:
        if pdf.pages_count <= 1:
            break
        pdf = _render_at(report, scale)
    return bytes(pdf.output())
