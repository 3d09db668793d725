"""Case report downloads (PDF, HTML, FHIR) for the calculator and the tumor board.

Why the files are built only on a click: ``st.download_button`` accepts a callable for its
data, which Streamlit runs when the button is pressed. So a page run costs nothing for
the report, and fpdf2 (with fontTools) is imported only when someone asks for a PDF, not
on the app's cold start. ``on_click="ignore"`` keeps a download from rerunning the page.

Why the case label is handled this way: it is free text the user may use to recognise
the file later. Its value is read from its widget on each run and passed straight into
the report builder; this module never writes it to disk, to a log or to the shared case
dict (``case_state``), and it is not part of any file name (names carry the date only).
Everything else in the files comes from :func:`reports.case_report.build_report`, the single
source of the three formats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import streamlit as st

if TYPE_CHECKING:
    from models.predict import Prediction
    from reports.case_report import CaseReport
    from scoring import CaseScores, PatientCase

LABEL_TEXT: Final = "Case label for the report (optional)"
LABEL_HELP: Final = (
    "Free text to recognise the file later, e.g. 'Tumor board, case 2'. It appears only in "
    "the downloaded files; the app does not save or log it. The reports add no other "
    "identifier."
)


@dataclass(frozen=True, slots=True)
class ReportFormat:
    """One download button: what it is called, how its file is named and typed."""

    code: str
    label: str
    suffix: str
    mime: str
    icon: str
    help: str


PDF: Final = ReportFormat(
    "pdf",
    "PDF",
    ".pdf",
    "application/pdf",
    ":material/picture_as_pdf:",
    "One A4 page: inputs, scores, probability with its interval, provenance.",
)
HTML: Final = ReportFormat(
    "html",
    "HTML",
    ".html",
    "text/html",
    ":material/description:",
    "A self-contained page that prints like the PDF.",
)
FHIR: Final = ReportFormat(
    "fhir",
    "FHIR",
    ".fhir.json",
    "application/fhir+json",
    ":material/data_object:",
    "A FHIR R4 RiskAssessment with the three scores as contained Observations.",
)
NO_PDF_HELP: Final = (
    "The PDF needs the DejaVu Sans font (fonts-dejavu-core), which is not installed here; "
    "the HTML report prints the same content."
)


def render_report_downloads(
    case: PatientCase,
    scores: CaseScores,
    prediction: Prediction | None,
    manifest: Mapping[str, Any] | None,
    key_prefix: str,
    *,
    input_errors: Sequence[str] = (),
    with_label: bool = True,
) -> None:
    """A case-label input and three download buttons (PDF, HTML, FHIR) for this case.

    ``prediction`` None (no model, or the model refused) still gives all three files,
    which then say why there is no probability. ``input_errors`` (optional) are the
    page's messages for values it could not accept, listed in the report so a rejected
    value is not read as "not recorded". ``with_label`` False leaves out the label input,
    for the tumor board, which has no input widgets.
    """
    from reports.case_report import (
        LABEL_MAX_CHARS,
        app_version,
        build_report,
        file_stem,
        model_version,
    )
    from reports.pdf import pdf_available

    with st.container(key=f"{key_prefix}_report"):
        st.markdown("**Case report**")
        label = (
            st.text_input(
                LABEL_TEXT,
                key=f"{key_prefix}_report_label",
                max_chars=LABEL_MAX_CHARS,
                placeholder="e.g. Tumor board, case 2",
                help=LABEL_HELP,
            )
            if with_label
            else ""
        )
        generated = date.today()
        errors = tuple(input_errors)

        def report() -> CaseReport:
            return build_report(
                case,
                scores,
                prediction,
                manifest,
                generated=generated,
                app_version=app_version(),
                model_version=model_version(manifest),
                label=label,
                input_errors=errors,
            )

        def pdf_bytes() -> bytes:
            from reports.pdf import render_pdf

            return render_pdf(report())

        def html_bytes() -> bytes:
            from reports.html import render_html

            return render_html(report()).encode("utf-8")

        def fhir_bytes() -> bytes:
            from reports.fhir import render_fhir

            return render_fhir(report()).encode("utf-8")

        stem = file_stem(generated)
        has_pdf = pdf_available()
        files = ((PDF, pdf_bytes, has_pdf), (HTML, html_bytes, True), (FHIR, fhir_bytes, True))
        for column, (fmt, data, available) in zip(st.columns(3), files, strict=True):
            with column:
                st.download_button(
                    fmt.label,
                    data=data,
                    file_name=f"{stem}{fmt.suffix}",
                    mime=fmt.mime,
                    key=f"{key_prefix}_download_{fmt.code}",
                    on_click="ignore",
                    icon=fmt.icon,
                    disabled=not available,
                    help=fmt.help if available else NO_PDF_HELP,
                    width="stretch",
                )
