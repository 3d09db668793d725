"""Case report downloads (PDF, HTML, FHIR) for the calculator and the tumor board.

Why the files are built only on a click: ``st.download_button`` accepts a callable for its
data, which Streamlit runs when the button is pressed. So a page run costs nothing for
the report, and fpdf2 (with fontTools) is imported only when someone asks for a PDF, not
on the app's cold start. ``on_click="ignore"`` keeps a download from rerunning the page.

Why the filing fields are handled this way: the case label, patient identifier,
clinician and date of the imaging and laboratory data are what a surgeon needs to file the
report, and they may identify a patient. Their values are read from their widgets on each
run and passed straight into the report builder as arguments; this module never writes
them to disk, to a log or to the shared case dict (``case_state``). Only the label (cleaned
to letters, digits and dashes) goes into the file name, after the date and time, so two
reports of one day get two names. The widgets' session-state keys are
``<prefix>_report_label``, ``<prefix>_report_identifier``, ``<prefix>_report_clinician`` and
``<prefix>_report_date`` (:func:`report_field_keys`); a new case empties them with the rest
of the case (``case_state.replace_case``).

Why every button builds from the page's *latest* run (``_LatestReport``): a button's file
is built by a function registered when the button was drawn. A value typed into a field
is committed (and the page rerun) when the field loses focus, which on a tablet is the
moment the download button is tapped: that tap reaches the function of the run *before*
the value, whose file would lack what the field shows. So the functions read the report
of the newest run from a per-session holder, and wait (briefly) for a run still going.
The typed fields also commit after a short pause in typing (``inputs.LIVE``, also used
for the filing fields here), so the
page and its files have the value well before a finger reaches the button.

Why downloads are one-time: the bytes are built on the click, over this session's
WebSocket, and the browser fetches them once from ``/media``; the router's
``server_guard`` deletes the entry as it is served and refuses it after a minute, so the
URL does not outlive the download (see ``SECURITY.md``).
Everything else in the files comes from :func:`reports.case_report.build_report`, the single
source of the three formats.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

import streamlit as st

from app_pages.ui.inputs import LIVE
from app_pages.ui.language import current as current_language
from app_pages.ui.language import session_translator
from i18n import N_

if TYPE_CHECKING:
    from models.manifest import Manifest
    from models.predict import Prediction
    from reports.case_report import CaseReport
    from scoring import CaseScores, PatientCase

LABEL_TEXT: Final = N_("Case label for the report (optional)")
LABEL_HELP: Final = N_(
    "Free text to recognise the file later, e.g. 'Tumor board, case 2'. It appears in the "
    "downloaded files and their names; the app does not save or log it."
)
IDENTIFIER_TEXT: Final = N_("Patient identifier (optional)")
CLINICIAN_TEXT: Final = N_("Clinician (optional)")
DATE_TEXT: Final = N_("Date of imaging and laboratory data (optional)")
FILING_HELP: Final = N_(
    "Written into the downloaded files only, to file the report; not saved, not logged, "
    "not in the file name, and cleared with the case."
)
#: The filing fields' key suffixes, in the order they are drawn.
FIELD_SUFFIXES: Final = ("report_label", "report_identifier", "report_clinician", "report_date")


def report_field_keys(key_prefix: str = "calc") -> tuple[str, ...]:
    """The session-state keys of the report's filing fields for one page's prefix."""
    return tuple(f"{key_prefix}_{suffix}" for suffix in FIELD_SUFFIXES)


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
    N_(
        "One A4 page: inputs, scores, probability with its interval and definition, caveats, "
        "the indications checklist, provenance."
    ),
)
HTML: Final = ReportFormat(
    "html",
    "HTML",
    ".html",
    "text/html",
    ":material/description:",
    N_("A self-contained page that prints like the PDF."),
)
FHIR: Final = ReportFormat(
    "fhir",
    "FHIR",
    ".fhir.json",
    "application/fhir+json",
    ":material/data_object:",
    N_(
        "A FHIR R4 RiskAssessment: inputs (LOINC-coded where a code exists) and the three "
        "scores as contained Observations."
    ),
)
NO_PDF_HELP: Final = N_(
    "The PDF needs the DejaVu Sans font (fonts-dejavu-core), which is not installed here; "
    "the HTML report prints the same content."
)


#: How long a download first waits for the press's own commit to start a page run, and
#: at most for a run in progress to finish (then the newest finished run is used).
COMMIT_GRACE_SECONDS: Final = 0.25
RUN_WAIT_SECONDS: Final = 5.0


@dataclass(slots=True)
class _LatestReport:
    """This session's newest report builder for one page, and whether a run is going."""

    build: Callable[[], CaseReport] | None = None
    idle: threading.Event = field(default_factory=threading.Event)

    def report(self, fallback: Callable[[], CaseReport]) -> CaseReport:
        """The newest finished run's report (``fallback``: the drawing run's own)."""
        time.sleep(COMMIT_GRACE_SECONDS)
        self.idle.wait(RUN_WAIT_SECONDS)
        return (self.build or fallback)()


def _latest(key_prefix: str) -> _LatestReport:
    """The holder of ``key_prefix``'s page in this session (made on first use)."""
    key = f"_latest_report_{key_prefix}"  # not a ``calc_`` key: those are the case
    holder = st.session_state.get(key)
    if not isinstance(holder, _LatestReport):
        holder = _LatestReport()
        holder.idle.set()
        st.session_state[key] = holder
    return holder


def begin_run(key_prefix: str) -> None:
    """Mark a page run as started: a download pressed now waits for its report (the page
    calls this first; ``render_report_downloads`` marks the run finished)."""
    _latest(key_prefix).idle.clear()


def render_report_downloads(
    case: PatientCase,
    scores: CaseScores,
    prediction: Prediction | None,
    manifest: Manifest | None,
    key_prefix: str,
    *,
    input_errors: Sequence[str] = (),
    with_label: bool = True,
) -> None:
    """The filing fields and three download buttons (PDF, HTML, FHIR) for this case.

    ``prediction`` None (no model, or the model refused) still gives all three files,
    which then say why there is no probability. ``input_errors`` (optional) are the
    page's messages for values it could not accept, listed in the report so a rejected
    value is not read as "not recorded". ``with_label`` False leaves out the filing
    fields, for the tumor board, which has no input widgets.
    """
    from reports.case_report import (
        FIELD_MAX_CHARS,
        LABEL_MAX_CHARS,
        app_version,
        build_report,
        file_stem,
        model_version,
    )
    from reports.pdf import pdf_available

    _ = session_translator()
    with st.container(key=f"{key_prefix}_report"):
        st.markdown("**" + _("Case report") + "**")
        label = identifier = clinician = ""
        data_date: date | None = None
        if with_label:
            label_key, identifier_key, clinician_key, date_key = report_field_keys(key_prefix)
            label = st.text_input(
                _(LABEL_TEXT),
                key=label_key,
                live=LIVE,
                max_chars=LABEL_MAX_CHARS,
                placeholder=_("e.g. Tumor board, case 2"),
                help=_(LABEL_HELP),
            )
            identifier = st.text_input(
                _(IDENTIFIER_TEXT),
                key=identifier_key,
                live=LIVE,
                max_chars=FIELD_MAX_CHARS,
                help=_(FILING_HELP),
            )
            clinician = st.text_input(
                _(CLINICIAN_TEXT),
                key=clinician_key,
                live=LIVE,
                max_chars=FIELD_MAX_CHARS,
                help=_(FILING_HELP),
            )
            picked = st.date_input(
                _(DATE_TEXT),
                value=None,
                key=date_key,
                min_value=date(1900, 1, 1),
                max_value=date.today(),
                help=_(FILING_HELP),
                format="YYYY-MM-DD",
            )
            data_date = picked if isinstance(picked, date) else None
        generated = date.today()
        errors = tuple(input_errors)

        language = current_language()

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
                identifier=identifier,
                clinician=clinician,
                data_date=data_date,
                input_errors=errors,
                language=language,
            )

        latest = _latest(key_prefix)
        latest.build = report
        latest.idle.set()

        def pdf_bytes() -> bytes:
            from reports.pdf import render_pdf

            return render_pdf(latest.report(report))

        def html_bytes() -> bytes:
            from reports.html import render_html

            return render_html(latest.report(report)).encode("utf-8")

        def fhir_bytes() -> bytes:
            from reports.fhir import render_fhir

            return render_fhir(latest.report(report)).encode("utf-8")

        stem = file_stem(datetime.now(), label)
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
                    help=_(fmt.help) if available else _(NO_PDF_HELP),
                    width="stretch",
                )
