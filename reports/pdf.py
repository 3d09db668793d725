"""The case report as a one-page A4 PDF (fpdf2), laid out from a :class:`CaseReport`.

Why DejaVu Sans from Debian's ``fonts-dejavu-core``: the PDF's core fonts (Helvetica …)
are Latin-1 only, and the report needs µ, ≥, ×, –, superscript digits (× 10⁹/L) and the
user's free-text label. DejaVu Sans covers them, is in the base image and is installed by
``make chromium`` (which the test target runs); the font is embedded (subset) in the PDF,
so the file shows the same everywhere. No pip package of this project ships a TTF.

Why a fallback font: a case label or a clinician's name may be typed in Japanese, Chinese,
Korean or another script DejaVu lacks. IPAexGothic (Debian's ``fonts-ipaexfont-gothic``,
also installed by ``make chromium``) covers the Japanese character set, kana and the common
kanji shared with Chinese, and NanumGothic (``fonts-nanum``) covers Korean Hangul; fpdf2
switches to them, in that order, for any character DejaVu has no glyph for.
A character that no installed font has (an emoji, a rare script) is drawn as U+FFFD, the
replacement character, so the reader sees that something was there, instead of fpdf2
dropping it silently. Because every character is checked against the fonts first, fpdf2
never has a missing glyph to report; its logger is also held at ERROR, since its warnings
quote the text being drawn, and that text may identify a patient (no patient value in logs).

Why fpdf2 is imported inside :func:`render_pdf`: the app imports this module's caller on
every page run; fpdf2 (with fontTools) is loaded only when someone asks for a PDF.

Why a shrink loop: a case with many warnings or long item texts can outgrow one page at
the normal size. The report is rendered at decreasing scales until it fits on one page;
nothing is cut, because a report that silently drops a warning would be worse than a
small font. Only if even the smallest scale overflows does the PDF get a second page.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from i18n import translator
from reports.case_report import CHECKLIST_INTRO, INPUT_ERRORS_HEADING, CaseReport, ScoreSection
from reports.text import REPLACEMENT

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIRS: Final[tuple[Path, ...]] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
REGULAR: Final = "DejaVuSans.ttf"
BOLD: Final = "DejaVuSans-Bold.ttf"
FAMILY: Final = "DejaVu"
#: Fonts tried, in order, for a character DejaVu Sans lacks (regular style only; fpdf2
#: uses it for bold text too). Missing files are skipped.
FALLBACK_FONTS: Final[tuple[tuple[str, Path], ...]] = (
    ("IPAexGothic", Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")),
    ("IPAexGothic", Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf")),
    ("NanumGothic", Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")),
)
#: Scales tried in turn until the report fits on one page.
SCALES: Final[tuple[float, ...]] = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)
BASE_PT: Final = 8.0
MARGIN_MM: Final = 10.0
GAP_MM: Final = 6.0
GREY: Final = (90, 90, 90)
BLACK: Final = (0, 0, 0)
RULE: Final = (170, 170, 170)


# fpdf2's warnings quote the text being laid out (a missing glyph lists the characters of
# the label): none of them may reach the server log.
logging.getLogger("fpdf").setLevel(logging.ERROR)
# fontTools (which fpdf2 subsets fonts with) warns about tables it drops from a subset:
# no patient text, but noise in the server log on every PDF.
logging.getLogger("fontTools").setLevel(logging.ERROR)


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


def fallback_fonts() -> tuple[tuple[str, Path], ...]:
    """The installed fallback fonts, one file per family, in the order they are tried."""
    found: dict[str, Path] = {}
    for family, path in FALLBACK_FONTS:
        if family not in found and path.is_file():
            found[family] = path
    return tuple(found.items())


@cache
def _covered(paths: tuple[Path, ...]) -> frozenset[int]:
    """The code points the given fonts have glyphs for (read once per process)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in paths:
        # From bytes, so no file handle stays open behind the lazily read tables.
        with TTFont(io.BytesIO(path.read_bytes()), lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def _report_chars(value: object) -> set[str]:
    """Every character of every string in a report (its dataclasses, tuples and strings)."""
    if isinstance(value, str):
        return set(value)
    if isinstance(value, tuple | list):
        return set().union(*(_report_chars(v) for v in value)) if value else set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return set().union(
            *(_report_chars(getattr(value, f.name)) for f in dataclasses.fields(value))
        )
    return set()


def _fallbacks_needed(report: CaseReport) -> tuple[tuple[str, Path], ...]:
    """The fallback fonts that draw a character of this report DejaVu Sans lacks.

    Loading a font costs fpdf2 about 0.1-0.2 s per render (IPAexGothic has 12,000
    glyphs), so a report in Latin script, most of them, loads none.
    """
    directory = font_dir()
    base = _covered((directory / REGULAR, directory / BOLD))
    missing = {ord(ch) for ch in _report_chars(report)} - base
    chosen: list[tuple[str, Path]] = []
    for family, path in fallback_fonts():
        covered = missing & _covered((path,))
        if covered:
            chosen.append((family, path))
            missing -= covered
    return tuple(chosen)


def drawable(text: str) -> str:
    """``text`` with every character no report font can draw replaced by U+FFFD."""
    directory = font_dir()
    covered = _covered(
        (directory / REGULAR, directory / BOLD, *(path for _, path in fallback_fonts()))
    )
    return "".join(ch if ord(ch) in covered or ch in "\n\t" else REPLACEMENT for ch in text)


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
        # A line drawn partly in a fallback font (Japanese) leaves that font selected in the
        # page, while fpdf2 believes DejaVu still is and skips re-selecting it: the next line
        # of the same style would be measured in DejaVu and drawn in the fallback, and
        # overflow. Selecting the font again on the page each time avoids that.
        self.pdf.current_font_is_set_on_page = False
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
        self.pdf.multi_cell(
            w, self.line_h(pt), drawable(text), align=align, new_x="LEFT", new_y="NEXT"
        )

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
        self.pdf.cell(right_w, self.line_h(pt), drawable(right), align="R")
        self.pdf.set_y(y1)

    # -- sections --------------------------------------------------------------------------
    def header(self, report: CaseReport) -> None:
        _ = translator(report.language)
        x, w = MARGIN_MM, self.width
        self.para(x, w, report.title, BASE_PT + 6, bold=True)
        if report.label:
            self.para(
                x, w, _("Case label: %(label)s", label=report.label), BASE_PT + 1.5, bold=True
            )
        for title, value in report.filing_lines:
            self.para(x, w, _.labelled(title, value), BASE_PT, bold=True)
        generated = _(
            "Generated %(date)s · %(versions)s",
            date=report.generated_text,
            versions=report.versions_text,
        )
        self.para(x, w, generated, BASE_PT - 0.5, color=GREY)
        self.para(x, w, report.intended_use, BASE_PT - 0.5, color=GREY)

    def inputs(self, report: CaseReport, x: float, w: float) -> None:
        _ = translator(report.language)
        self.heading(x, w, _("Inputs"))
        pt = BASE_PT - 0.5
        for line in report.inputs:
            self.para(x, w, _.labelled(line.title, line.value), pt)
        if report.input_errors:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            self.para(x, w, _(INPUT_ERRORS_HEADING), pt, bold=True)
            for error in report.input_errors:
                self.para(x, w, f"• {error}", pt)
        if report.not_recorded:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            fields = _.join_items(report.not_recorded)
            not_recorded = _("Not recorded: %(fields)s", fields=fields)
            self.para(x, w, not_recorded, pt, color=GREY)

    def score(self, section: ScoreSection, x: float, w: float) -> None:
        _ = translator(section.language)
        self.pdf.set_y(self.pdf.get_y() + self.size(1.0))
        self.row(x, w, section.name, section.total_text, BASE_PT + 0.5)
        pt = BASE_PT - 0.8
        if section.status_text:
            self.para(x, w, section.status_text, pt, bold=True)
        self.para(x, w, _("Band: %(band)s", band=section.band_text), pt)
        if section.survival:
            figures = _.join_items(section.survival)
            survival = _("Published survival: %(figures)s", figures=figures)
            self.para(x, w, survival, pt, color=GREY)
        for item in section.items:
            text = _.labelled(item.label, item.finding) if item.finding else item.label
            self.row(x + self.size(2), w - self.size(2), text, item.points_text, pt)

    def scores(self, report: CaseReport, x: float, w: float) -> None:
        _ = translator(report.language)
        self.heading(x, w, _("Scores"))
        for section in report.scores:
            self.score(section, x, w)

    def model(self, report: CaseReport) -> None:
        _ = translator(report.language)
        x, w = MARGIN_MM, self.width
        self.heading(x, w, _("Poor-outcome probability"))
        self.para(
            x,
            w,
            report.probability_text,
            BASE_PT + 3 if report.has_probability else BASE_PT,
            bold=True,
        )
        for line in report.uncertainty_lines:
            self.para(x, w, line, BASE_PT - 0.5)
        self.para(x, w, report.outcome_definition, BASE_PT, bold=True)
        self.para(x, w, report.provenance, BASE_PT, bold=True)
        if report.warnings:
            self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
            self.para(x, w, _("Warnings"), BASE_PT - 0.5, bold=True)
            for warning in report.warnings:
                self.para(x + self.size(2), w - self.size(2), f"• {warning}", BASE_PT - 0.8)
        self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
        self.para(x, w, _("Caveats"), BASE_PT - 0.5, bold=True)
        for caveat in report.caveats:
            self.para(x + self.size(2), w - self.size(2), f"• {caveat}", BASE_PT - 0.8)
        if report.contributions:
            self._contributions(report, x, w)
        if report.reference:
            reference = _("Reference patient: %(reference)s", reference=report.reference)
            self.para(x, w, reference, BASE_PT - 1, color=GREY)

    def checklist(self, report: CaseReport) -> None:
        _ = translator(report.language)
        x, w = MARGIN_MM, self.width
        self.heading(x, w, _("Indications checklist"))
        self.para(x, w, _(CHECKLIST_INTRO), BASE_PT - 0.8, color=GREY)
        pt = BASE_PT - 0.8
        for heading, lines in report.criteria_groups:
            self.para(x, w, heading, BASE_PT - 0.5, bold=True)
            for line in lines:
                why = f" {line.explanation}" if line.explanation else ""
                sentence = _("%(sentence)s.", sentence=line.label) + why
                self.row(
                    x + self.size(2),
                    w - self.size(2),
                    _.bracketed(sentence, line.sources),
                    line.status_text,
                    pt,
                )

    def _contributions(self, report: CaseReport, x: float, w: float) -> None:
        _ = translator(report.language)
        self.pdf.set_y(self.pdf.get_y() + self.size(0.8))
        title = _("Contributions (log-odds against the reference patient)")
        self.para(x, w, title, BASE_PT - 0.5, bold=True)
        pt = BASE_PT - 0.8
        widths = (0.26, 0.2, 0.2, 0.22, 0.12)
        header = (_("Predictor"), _("This case"), _("Reference"), _("Effect"), _("Log-odds"))
        rows: list[Sequence[str]] = [header]
        rows += [
            (c.label, c.value, c.reference, c.direction_text, c.log_odds_text)
            for c in report.contributions
        ]
        for index, cells in enumerate(rows):
            self.font(pt, bold=index == 0)
            self.pdf.set_x(x)
            for cell, share in zip(cells, widths, strict=True):
                align = "R" if share == widths[-1] else "L"
                self.pdf.cell(w * share, self.line_h(pt), drawable(cell), align=align)
            self.pdf.ln(self.line_h(pt))

    def footer(self, report: CaseReport) -> None:
        _ = translator(report.language)
        x, w = MARGIN_MM, self.width
        self.heading(x, w, _("Provenance"))
        pt = BASE_PT - 1.5
        model = _(
            "Model: %(name)s; version %(version)s",
            name=report.model_name,
            version=report.model_version,
        )
        self.para(x, w, model, pt)
        for line in report.model_details:
            self.para(x, w, line, pt, color=GREY)
        self.para(x, w, _("Source study: %(source)s", source=report.source_study), pt, color=GREY)
        sources = _.join_items(_.labelled(s.name, s.source) for s in report.scores)
        self.para(x, w, _("Score sources: %(sources)s", sources=sources), pt, color=GREY)


def _render_at(report: CaseReport, scale: float) -> FPDF:
    from fpdf import FPDF

    directory = font_dir()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.add_font(FAMILY, "", directory / REGULAR)
    pdf.add_font(FAMILY, "B", directory / BOLD)
    fallbacks = _fallbacks_needed(report)
    for family, path in fallbacks:
        pdf.add_font(family, "", path)
    if fallbacks:
        pdf.set_fallback_fonts([family for family, _ in fallbacks], exact_match=False)
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
    layout.checklist(report)
    layout.footer(report)
    return pdf


def _close_fonts(pdf: FPDF) -> None:
    """Close the font files fpdf2 reads lazily (it leaves them to the garbage collector,
    which would report each open file as a ResourceWarning)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def render_pdf(report: CaseReport) -> bytes:
    """The report as PDF bytes: one A4 page, shrunk to fit if the case needs it."""
    pdf = _render_at(report, SCALES[0])
    for scale in SCALES[1:]:
        if pdf.pages_count <= 1:
            break
        _close_fonts(pdf)
        pdf = _render_at(report, scale)
    try:
        return bytes(pdf.output())
    finally:
        _close_fonts(pdf)
