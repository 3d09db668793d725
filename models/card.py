"""The model card's content, assembled from the manifest and the published tables.

Why a module apart from the page: every number on the card must come from the model's
manifest (``models/artifacts/poor_outcome.json``), the transcribed tables
(:mod:`models.published`), the outcome definitions (:mod:`models.outcome_definition`) or the
reconstruction's JSON summaries (``models/data/*.json``), never be retyped into the page.
Assembling the content here, without Streamlit, lets the tests compare it with those
sources directly and lets the page only choose layout.

The card follows the items TRIPOD asks a prediction-model report to state (Collins GS et
al., BMJ 2015;350:g7594, :data:`TRIPOD_CITATION`): intended use and users, source of data
and participants, outcome, predictors and their coding, sample size (events per
variable), the full model equation, performance (apparent and optimism-corrected),
calibration, and limitations.

Nothing here is phrased as an instruction to operate or not to operate.

:func:`validate_upload` is the own-cohort validation the page runs on an uploaded CSV:
bytes in, a :class:`~models.validate.ValidationResult` or a plain-language error out,
entirely in memory (nothing is written, cached or logged).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from i18n import N_, Message, TranslatableError
from models import published as pub
from models import upload as _upload
from models.artifact import DATA_DIR
from models.manifest import Manifest

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel
    from models.validate import ValidationResult

PSEUDO_COHORT_CSV: Final = DATA_DIR / "pseudo_cohort.csv"
CODING_EVIDENCE_JSON: Final = DATA_DIR / "coding_evidence.json"
ENSEMBLE_SUMMARY_JSON: Final = DATA_DIR / "ensemble_summary.json"

TRIPOD_CITATION: Final = (
    "Collins GS, Reitsma JB, Altman DG, Moons KGM. Transparent reporting of a multivariable "
    "prediction model for individual prognosis or diagnosis (TRIPOD): the TRIPOD statement. "
    "BMJ. 2015;350:g7594. doi:10.1136/bmj.g7594"
)
PEDUZZI_CITATION: Final = (
    "Peduzzi P, Concato J, Kemper E, Holford TR, Feinstein AR. A simulation study of the "
    "number of events per variable in logistic regression analysis. J Clin Epidemiol. "
    "1996;49(12):1373-1379. doi:10.1016/S0895-4356(96)00236-3"
)
RILEY_CITATION: Final = (
    "Riley RD, Ensor J, Snell KIE, et al. Calculating the sample size required for "
    "developing a clinical prediction model. BMJ. 2020;368:m441. doi:10.1136/bmj.m441"
)
#: The rule of thumb against which the events per variable are read (Peduzzi 1996).
EPV_RULE_OF_THUMB: Final = 10

#: The one upload limit, shared by the page's upload widget and the server check (see
#: :mod:`models.upload`, which also bounds columns, field length and rows while reading).
MAX_UPLOAD_MB: Final = _upload.MAX_UPLOAD_MB
MAX_UPLOAD_BYTES: Final = _upload.MAX_UPLOAD_BYTES

# --------------------------------------------------------------------------------------
# Intended use, source study, limitations (words; the numbers come from the sources)
# --------------------------------------------------------------------------------------

INTENDED_USE: Final[tuple[str, ...]] = (
    N_(
        "Estimates the probability of a poor outcome after palliative posterior decompression "
        "and stabilisation for a metastasis of the cervical spine (main lesion C1–T1), as the "
        "source study defined that outcome (see Outcome)."
    ),
    N_(
        "It is decision support: it informs a discussion of the case, beside the published "
        "scores and the team's judgment. It does not decide whether to operate."
    ),
    N_(
        "It applies to adults like the study's patients: a symptomatic cervical spine "
        "metastasis considered for surgery because of neurological deficit, instability or "
        "intractable pain."
    ),
)
INTENDED_USERS: Final[tuple[str, ...]] = (
    N_(
        "Spine surgeons and tumor boards reviewing palliative surgery for cervical spine "
        "metastasis."
    ),
    N_(
        "Trainees learning how the revised Tokuhashi and new Katagiri scores, lesion level and "
        "Frankel grade relate to outcome."
    ),
    N_(
        "Departments checking, with their own cohort, how far the model's estimates hold for "
        "their patients (the upload on this page)."
    ),
)

#: The source study's design, as stated in its Methods and Results. :mod:`models.published`
#: holds the tables (n, events, counts); these descriptive facts are not part of any
#: table, so they are transcribed here, each with the passage it comes from.
STUDY_DESIGN: Final[tuple[tuple[str, str], ...]] = (
    (N_("Design"), N_("Prospective cohort study (Methods: 'We prospectively analyzed …').")),
    (
        N_("Setting"),
        N_("One institution (Methods: 'consecutive patients … in our institution')."),
    ),
    (N_("Enrolment period"), N_("January 2013 to December 2018.")),
    (
        N_("Participants"),
        N_(
            "Consecutive patients with surgical indications for symptomatic cervical spine "
            "metastasis (progressive neurological deficit, SINS ≥ 13, or intractable pain "
            "resistant to conservative care); 50 enrolled, 4 excluded (3 contraindications, 1 "
            "primary osteosarcoma); no loss to follow-up."
        ),
    ),
    (
        N_("Surgery"),
        N_(
            "Single-stage posterior decompression with partial tumour removal and posterior "
            "fixation in every patient; no anterior or combined approach."
        ),
    ),
    (
        N_("Analysis"),
        N_(
            "Variables with P < 0.10 in the univariate analysis entered a multivariable "
            "backward logistic regression (SPSS 23.0); Table 4 reports its five predictors."
        ),
    ),
)

#: The paper's own wording of the outcome (Methods), before any reading of it.
PAPER_OUTCOME_WORDING: Final = N_(
    "'a poor surgical outcome was defined as no improvement or deterioration after "
    "improvement of the ECOGPS or EQ5D score within 3 months'; improvement and "
    "deterioration were 'a ≥ 1-level change in the PS and a ≥ 10% change in the EQ5D "
    "score, respectively'."
)

PSEUDO_COHORT_MADE: Final[tuple[str, ...]] = (
    N_(
        "The study published aggregates only (Tables 1, 3 and 4), not patient rows. A "
        "deterministic search (simulated annealing with restarts, from fixed random starting "
        "points, so it gives the same pseudo-patients every time it is run) built 46 "
        "integer-valued pseudo-patients that reproduce, to the printed digit, every count, "
        "mean and SD of Tables 1 and 3, every reproducible Table 3 P value, and Table "
        "4's odds ratios, intervals and P values when the model below is fitted to them."
    ),
    N_(
        "Clinical coherence is enforced: each pseudo-patient's revised Tokuhashi contains the "
        "palsy points of their Frankel group, and each new Katagiri the ECOG 3–4 point and "
        "the previous-chemotherapy point."
    ),
)
PSEUDO_COHORT_CAN: Final = N_(
    "It can stand for the published aggregates: what the tables print, the model's "
    "coefficients and their Wald intervals (because Table 4 was part of the target), and "
    "the coding evidence below."
)
PSEUDO_COHORT_CANNOT: Final = N_(
    "It cannot stand for the patients. Joint distributions beyond the printed margins "
    "(which Tokuhashi goes with which level in which patient) are not identified by the "
    "paper: many different cohorts reproduce every printed number. The intercept, the "
    "apparent AUC and the Brier score depend on that unidentified part, so they are "
    "reported below as a range over independent pseudo-cohorts, and the ROC curve and "
    "calibration plot on this page describe one such cohort, not the study."
)

MISSING_DATA: Final = N_(
    "Missing data: the study reports no loss to follow-up and the pseudo-cohort has no "
    "empty values. In an uploaded cohort, a row with an empty predictor or outcome is "
    "excluded and listed by row number, never imputed; in the calculator, a predictor that "
    "is not recorded gives no probability rather than an assumed value."
)

LIMITATIONS: Final[tuple[str, ...]] = (
    N_("Single centre: one institution's patients, indications and surgeons."),
    N_(
        "Posterior approach only: no patient had an anterior or combined approach, so the "
        "estimates say nothing about those operations."
    ),
    N_(
        "Small sample: %(events)s poor outcomes in %(n)s patients for %(predictors)s predictors "
        "(%(epv)s events per variable). The coefficients are unstable and the apparent "
        "performance is optimistic."
    ),
    N_(
        "No external validation: the model has not been tested on patients from another "
        "centre or period. The upload below lets a department do that with its own cohort."
    ),
    N_(
        "Pseudo-data: the model is fitted to a reconstructed pseudo-cohort, not to the study's "
        "patient rows; only the published aggregates are reproduced."
    ),
    N_(
        "Outcome horizon of 3 months and a composite of ECOG PS and EQ-5D: survival, pain, "
        "neurological recovery and complications are not predicted."
    ),
    N_(
        "Lesion level is coded C1–T1 only; a main lesion outside the cervical spine and "
        "cervicothoracic junction gets no probability."
    ),
)


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------


#: What the card shows for a number that cannot be estimated (a msgid: translated on screen).
NOT_ESTIMABLE: Final = N_("not estimable")


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for the card, or "not estimable" (a missing value is never shown as 0)."""
    if value is None or not math.isfinite(value):
        return NOT_ESTIMABLE
    if round(value, digits) == 0:
        value = 0.0  # no "−0.00"
    return f"{value:.{digits}f}".replace("-", "−")


def fmt_p(value: float | None) -> str:
    """A P value as Table 4 prints it (three decimals; "< 0.001" below that)."""
    if value is None or not math.isfinite(value):
        return NOT_ESTIMABLE
    return "< 0.001" if value < 0.0005 else f"{value:.3f}"


def fmt_signed(value: float, digits: int = 4) -> str:
    """A coefficient with its sign as an operator: "+ 1.2345" or "− 0.2744"."""
    return f"{'−' if value < 0 else '+'} {abs(value):.{digits}f}"


# --------------------------------------------------------------------------------------
# Source study and outcome
# --------------------------------------------------------------------------------------


def study_rows() -> list[tuple[str, str]]:
    """The source study as (item, statement) rows, counts read from :mod:`models.published`."""
    percent = pub.TEXT_COUNTS["poor_outcome"].percent
    return [
        (N_("Source"), pub.CITATION),
        *STUDY_DESIGN,
        (N_("Patients analysed"), f"n = {pub.N_PATIENTS}"),
        (
            N_("Poor outcomes"),
            Message(
                N_("%(poor)s of %(n)s (%(percent)s %%); %(good)s good outcomes"),
                poor=pub.N_POOR,
                n=pub.N_PATIENTS,
                percent=f"{percent:.1f}",
                good=pub.N_GOOD,
            ),
        ),
    ]


def outcome_rows() -> list[tuple[str, str]]:
    """The outcome: the paper's wording and the readings :mod:`models.outcome_definition` makes."""
    from models.outcome_definition import EQ5D_READING, POOR_OUTCOME_DEFINITION, PS_READING

    return [
        (N_("Paper's definition"), PAPER_OUTCOME_WORDING),
        (N_("As used here"), POOR_OUTCOME_DEFINITION),
        (N_("Reading of '≥ 10% EQ-5D change'"), EQ5D_READING),
        (N_("Reading of the PS change"), PS_READING),
    ]


# --------------------------------------------------------------------------------------
# Predictors, equation, odds ratios
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Predictor:
    """One predictor as the model codes it."""

    name: str
    label: str
    coding: str


def predictors(manifest: Manifest | None) -> list[Predictor]:
    """Each predictor with its coding: the manifest's when a model is loaded, otherwise the
    published coding (the same source the manifest was written from)."""
    if manifest is not None:
        return [Predictor(f.name, f.label, f.coding) for f in manifest.features]
    labels = {row.feature: row.label for row in pub.TABLE4}
    return [Predictor(n, labels[n], pub.FEATURE_CODING[n]) for n in pub.FEATURES]


#: The symbol each predictor has in the equation (names, not codes, so it reads aloud).
EQUATION_SYMBOLS: Final[Mapping[str, str]] = {
    "male": N_("male"),
    "revised_tokuhashi": "Tokuhashi",
    "new_katagiri": "Katagiri",
    "lesion_level": N_("level"),
    "frankel_grade": "Frankel",
}
#: Terms of the equation, one after the other (a space in every language).
EQUATION_TERMS: Final = N_("%(terms)s %(term)s")
#: Between the definitions of the equation's symbols.
SYMBOL_SEPARATOR: Final = N_("; ")
#: The equation's left-hand sides (msgids: the page shows them in its language).
LOG_ODDS_EQUATION: Final = N_("log-odds(poor outcome) = %(intercept)s %(terms)s")
PROBABILITY_EQUATION: Final = N_("probability = 1 / (1 + exp(−log-odds(poor outcome)))")


@dataclass(frozen=True, slots=True)
class Equation:
    """The full model equation: intercept and one coefficient per predictor."""

    intercept: float
    coefficients: tuple[tuple[str, float], ...]
    linear_predictor: str
    probability: str


def equation(manifest: Manifest, digits: int = 4, *, published: bool = False) -> Equation:
    """The equation in plain text, with every coefficient as the model file stores it:
    the headline (optimism-adjusted) model, or with ``published`` the unadjusted one."""
    fit = manifest.published.fit if published else manifest.adjusted.fit
    coefficients = tuple(zip(manifest.feature_names, fit.slopes, strict=True))
    intercept = fit.intercept
    terms: str = ""
    for n, b in coefficients:
        term = Message(
            N_("%(coefficient)s × %(symbol)s"),
            coefficient=fmt_signed(b, digits),
            symbol=EQUATION_SYMBOLS.get(n, n),
        )
        terms = term if not terms else Message(EQUATION_TERMS, terms=terms, term=term)
    lp = Message(LOG_ODDS_EQUATION, intercept=fmt(intercept, digits), terms=terms)
    return Equation(intercept, coefficients, lp, PROBABILITY_EQUATION)


@dataclass(frozen=True, slots=True)
class OddsRatioRow:
    """The model's odds ratio for one predictor beside Table 4's printed one."""

    feature: str
    label: str
    coding: str
    coefficient: float
    model_or: float
    model_ci_low: float
    model_ci_high: float
    model_p: float
    paper_or: float
    paper_ci_low: float
    paper_ci_high: float
    paper_p: float

    @property
    def or_matches(self) -> bool:
        """The model's OR rounds half up to Table 4's printed two decimals."""
        return pub.matches_printed(self.model_or, self.paper_or, pub.TABLE4_OR_DECIMALS)

    @property
    def ci_matches(self) -> bool:
        """Both interval bounds lie within Table 4's tolerance of the printed bounds."""
        return abs(self.model_ci_low - self.paper_ci_low) <= pub.ci_tolerance(
            self.paper_ci_low
        ) and abs(self.model_ci_high - self.paper_ci_high) <= pub.ci_tolerance(self.paper_ci_high)

    @property
    def p_matches(self) -> bool:
        """The Wald P lies within Table 4's P tolerance of the printed P."""
        return abs(self.model_p - self.paper_p) <= pub.TABLE4_P_TOLERANCE

    @property
    def reproduces(self) -> bool:
        """OR, interval and P all reproduce Table 4."""
        return self.or_matches and self.ci_matches and self.p_matches


def odds_ratio_rows(manifest: Manifest) -> list[OddsRatioRow]:
    """One row per predictor, in Table 4's order: the manifest's OR, 95% CI and P beside
    the paper's."""
    coding = {p.name: p for p in predictors(manifest)}
    rows = []
    for printed in pub.TABLE4:
        model = manifest.odds_ratio(printed.feature)
        rows.append(
            OddsRatioRow(
                feature=printed.feature,
                label=printed.label,
                coding=coding[printed.feature].coding,
                coefficient=manifest.coefficient(printed.feature),
                model_or=model.odds_ratio,
                model_ci_low=model.ci_low,
                model_ci_high=model.ci_high,
                model_p=model.p_value,
                paper_or=printed.odds_ratio,
                paper_ci_low=printed.ci_low,
                paper_ci_high=printed.ci_high,
                paper_p=printed.p_value,
            )
        )
    return rows


def table4_tolerance_text() -> str:
    """How "reproduces Table 4" is judged, in words, from the published tolerances."""
    return Message(
        N_(
            "An odds ratio reproduces Table 4 when it rounds half up to the printed "
            "%(decimals)s decimals; each interval bound when it lies within the larger of "
            "%(relative)s and the printed rounding (%(rounding)s); each P when within "
            "%(p)s."
        ),
        decimals=pub.TABLE4_OR_DECIMALS,
        relative=f"{pub.TABLE4_CI_RELATIVE:.0%}",
        rounding=f"{pub.TABLE4_CI_ROUNDING}",
        p=f"{pub.TABLE4_P_TOLERANCE}",
    )


# --------------------------------------------------------------------------------------
# Sample size and performance
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventsPerVariable:
    """Events per candidate predictor, and what that number implies."""

    events: int
    non_events: int
    predictors: int
    value: float
    implications: tuple[str, ...]


def events_per_variable(manifest: Manifest) -> EventsPerVariable:
    """EPV = the smaller outcome group / predictors, from the manifest's training data.

    The smaller group limits the information a logistic model has (here the 18 poor
    outcomes against 28 good ones), which is why it, not n, is the numerator.
    """
    rows = manifest.training_data.rows
    events = manifest.training_data.events
    k = len(manifest.feature_names)
    value = min(events, rows - events) / k
    slope: float | None = manifest.metrics.optimism_corrected_calibration_slope
    intervals = {v.feature: (v.ci_low, v.ci_high) for v in manifest.published.odds_ratios}
    wide_name = max(intervals, key=lambda n: intervals[n][1] / intervals[n][0])
    low, high = intervals[wide_name]
    labels = {p.name: p.label for p in predictors(manifest)}
    widest = Message(
        N_("%(label)s, %(low)s–%(high)s"),
        label=labels.get(wide_name, wide_name),
        low=fmt(low),
        high=fmt(high),
    )
    spread = high / low
    implications: list[str] = [
        Message(
            N_(
                "%(epv)s events per variable is well below the rule of thumb of %(rule)s "
                "(Peduzzi 1996) and far below what current sample-size criteria for a "
                "prediction model ask (Riley 2020)."
            ),
            epv=f"{value:.1f}",
            rule=EPV_RULE_OF_THUMB,
        ),
        N_(
            "Overfitting: the model fits the noise of 46 patients as well as the signal, so "
            "its estimates are too extreme for new patients (high risks too high, low too low)."
        ),
        Message(
            N_(
                "Unstable coefficients: the wide Wald intervals mean a few patients more or "
                "less could change the odds ratios markedly (the widest here, %(widest)s, "
                "spans a factor of %(spread)s from its lower to its upper bound)."
            ),
            widest=widest,
            spread=f"{spread:.0f}",
        ),
        N_(
            "Optimism: the apparent AUC, measured on the patients the model was fitted to, "
            "overstates discrimination; the optimism-corrected AUC below estimates the loss."
        ),
    ]
    if slope is not None and math.isfinite(float(slope)):
        implications.append(
            Message(
                N_(
                    "The bootstrap estimate of the unadjusted model's calibration slope in new "
                    "patients is %(slope)s (1 is ideal): its predictions need shrinking toward "
                    "the average by about that factor on the log-odds scale, which is what "
                    "the headline (optimism-adjusted) model does."
                ),
                slope=fmt(float(slope)),
            )
        )
    return EventsPerVariable(events, rows - events, k, value, tuple(implications))


@dataclass(frozen=True, slots=True)
class Performance:
    """Apparent and optimism-corrected performance from the manifest."""

    apparent_auc: float
    corrected_auc: float
    optimism_auc: float
    apparent_brier: float
    corrected_brier: float | None
    corrected_slope: float | None
    bootstrap_reps: int
    usable_reps: int
    seed: int | None
    method: str


def performance(manifest: Manifest) -> Performance:
    """The model file's performance block, typed."""
    m = manifest.metrics
    return Performance(
        apparent_auc=m.apparent_auc,
        corrected_auc=m.optimism_corrected_auc,
        optimism_auc=m.optimism_auc,
        apparent_brier=m.apparent_brier,
        corrected_brier=m.optimism_corrected_brier,
        corrected_slope=m.optimism_corrected_calibration_slope,
        bootstrap_reps=m.bootstrap.reps,
        usable_reps=m.bootstrap.usable_reps,
        seed=m.bootstrap.seed,
        method=m.bootstrap.method,
    )


def provenance_rows(manifest: Manifest) -> list[tuple[str, str]]:
    """Where the model comes from: file hashes, methods and library versions."""
    from models.predict import provenance_text

    training = manifest.training_data
    versions = ", ".join(f"{k} {v}" for k, v in manifest.versions)
    return [
        (N_("Provenance"), provenance_text(manifest)),
        (
            N_("Training data"),
            Message(
                N_("%(file)s: %(description)s"),
                file=training.file,
                description=training.description,
            ),
        ),
        (N_("Training data SHA-256"), training.sha256),
        (N_("Patients / poor outcomes"), f"{training.rows} / {training.events}"),
        (N_("Headline model"), manifest.adjusted.method),
        (N_("As published (not adjusted for optimism)"), manifest.published.method),
        (N_("Model file SHA-256"), manifest.file_sha256),
        (N_("Library versions"), versions),
    ]


def limitations(manifest: Manifest | None) -> list[str]:
    """The limitations, with the sample-size numbers from the manifest (or the paper)."""
    if manifest is not None:
        epv = events_per_variable(manifest)
        events, n, k = epv.events, epv.events + epv.non_events, epv.predictors
        value = epv.value
    else:
        events, n, k = pub.N_POOR, pub.N_PATIENTS, len(pub.FEATURES)
        value = min(events, n - events) / k
    return [
        Message(text, events=events, n=n, predictors=k, epv=f"{value:.1f}")
        if "%(" in text
        else text
        for text in LIMITATIONS
    ]


# --------------------------------------------------------------------------------------
# Reconstruction summaries (models/data/*.json)
# --------------------------------------------------------------------------------------


def read_json(path: Path) -> Any:
    """A committed JSON summary, or None when it is not there (yet)."""
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes (to recognise the training file among uploads)."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------
# Own-cohort validation of an upload, in memory
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    """The validation of one uploaded file, or the message saying why there is none."""

    result: ValidationResult | None
    error: str | None
    rows_read: int = 0


#: A cohort file's values outside their coding (the problems end without a full stop).
BAD_VALUES: Final = N_("Bad values: %(problems)s.")


def _problem(message: str) -> UploadOutcome:
    return UploadOutcome(None, message)


def _message_of(error: TranslatableError) -> Message:
    """A refusal's text as a :class:`~i18n.Message` (English as ``str``, translatable)."""
    return Message(error.message, **error.values)


def required_columns() -> tuple[str, ...]:
    """The columns an uploaded cohort needs (the pseudo-cohort's model columns)."""
    from models.features import COHORT_COLUMNS

    return tuple(COHORT_COLUMNS)


def template_csv() -> str:
    """A header-only CSV with the required columns, for a department to fill in."""
    return ",".join(required_columns()) + "\n"


def validate_upload(
    data: bytes,
    model: PoorOutcomeModel,
    *,
    reps: int | None = None,
    seed: int | None = None,
) -> UploadOutcome:
    """Validate ``model`` on an uploaded CSV (bytes), in memory; never raises for a bad file.

    Why bytes in and a message out: the page must show a clear sentence naming what is
    wrong with a file (empty, not CSV, not UTF-8, a missing column, a value outside its
    coding) instead of a traceback, and the same function must be testable without a
    browser. The bytes are parsed from memory and dropped; nothing is written anywhere.
    """
    from models.features import CohortError
    from models.upload import UploadError, read_cohort_csv
    from models.validate import AUC_BOOTSTRAP_REPS, BOOTSTRAP_SEED, validate_frame

    needed = required_columns()
    try:
        table = read_cohort_csv(data, needed)
    except UploadError as exc:
        return _problem(_message_of(exc))
    absent = [c for c in needed if c not in table.columns]
    if absent:
        missing = Message(
            N_(
                "Missing column(s): %(absent)s. The file needs %(needed)s (the "
                "pseudo-cohort's columns; others are ignored)."
            ),
            absent=", ".join(absent),
            needed=", ".join(needed),
        )
        if len(table.header) == 1 and ";" in table.header[0]:
            hint = N_("The header looks semicolon-separated; this page reads commas.")
            missing = Message(N_("%(a)s %(b)s"), a=missing, b=hint)
        return _problem(missing)
    frame = table.frame()
    if len(frame) == 0:
        return _problem(N_("The file has a header but no patient rows."))
    try:
        result = validate_frame(
            model,
            frame,
            reps=AUC_BOOTSTRAP_REPS if reps is None else reps,
            seed=BOOTSTRAP_SEED if seed is None else seed,
            training_sha256=sha256_bytes(data),
        )
    except CohortError as exc:
        template = N_("Bad values: %(problems)s") if str(exc).endswith("…") else BAD_VALUES
        return UploadOutcome(None, Message(template, problems=_message_of(exc)), len(frame))
    return UploadOutcome(result, None, len(frame))


# --------------------------------------------------------------------------------------
# Published tables for display (as data; the page only lays them out)
# --------------------------------------------------------------------------------------


def table1_rows() -> list[dict[str, str]]:
    """Table 1 rows the model card shows: continuous as mean ± SD, categories as n (%)."""
    rows = [
        {N_("Variable"): name, N_("Value"): f"{m.mean:.{m.decimals}f} ± {m.sd:.{m.decimals}f}"}
        for name, m in pub.TABLE1_MEANS.items()
    ]
    for name, counts in pub.TABLE1_COUNTS.items():
        for category, count in counts.items():
            rows.append(
                {
                    N_("Variable"): f"{name}: {category}",
                    N_("Value"): f"{count.n} ({count.percent:.1f} %)",
                }
            )
    return rows


def table3_rows(*, printed: bool = False) -> list[dict[str, str]]:
    """Table 3 as the pseudo-cohort reproduces it (corrected) or exactly as printed."""
    source = pub.TABLE3_COUNTS_PRINTED if printed else pub.TABLE3_COUNTS
    rows = []
    for name, counts in source.items():
        p = pub.TABLE3_P.get(name)
        for category, count in counts.items():
            rows.append(
                {
                    N_("Variable"): f"{name}: {category}",
                    N_("Good outcome"): str(count.good),
                    N_("Poor outcome"): str(count.poor),
                    N_("P (printed)"): "" if p is None else f"{p.value:.{p.decimals}f}",
                    N_("Test"): "" if p is None else pub.TEST_DESCRIPTIONS[p.test],
                }
            )
    for name, means in pub.TABLE3_MEANS.items():
        p = pub.TABLE3_P[name]
        rows.append(
            {
                N_("Variable"): name,
                N_("Good outcome"): f"{means.good.mean:.1f} ± {means.good.sd:.1f}",
                N_("Poor outcome"): f"{means.poor.mean:.1f} ± {means.poor.sd:.1f}",
                N_("P (printed)"): f"{p.value:.{p.decimals}f}",
                N_("Test"): pub.TEST_DESCRIPTIONS[p.test],
            }
        )
    return rows


def table4_rows() -> list[dict[str, str]]:
    """Table 4 as printed (shown alone when no verified model is available)."""
    return [
        {
            N_("Predictor"): row.label,
            N_("Coding"): pub.FEATURE_CODING[row.feature],
            N_("OR (paper)"): f"{row.odds_ratio:.2f}",
            N_("95% CI (paper)"): f"{row.ci_low:.2f}–{row.ci_high:.2f}",
            N_("P (paper)"): f"{row.p_value:.3f}",
        }
        for row in pub.TABLE4
    ]


def odds_ratio_display(rows: Sequence[OddsRatioRow]) -> list[dict[str, str]]:
    """The OR comparison as display strings (two decimals, as Table 4 prints)."""
    return [
        {
            N_("Predictor"): r.label,
            N_("Coding"): r.coding,
            N_("Coefficient"): fmt(r.coefficient, 4),
            N_("OR (model)"): fmt(r.model_or),
            N_("95% CI (model)"): Message(
                N_("%(low)s–%(high)s"), low=fmt(r.model_ci_low), high=fmt(r.model_ci_high)
            ),
            N_("P (model)"): fmt_p(r.model_p),
            N_("OR (paper)"): f"{r.paper_or:.2f}",
            N_("95% CI (paper)"): f"{r.paper_ci_low:.2f}–{r.paper_ci_high:.2f}",
            N_("P (paper)"): f"{r.paper_p:.3f}",
            N_("Reproduces Table 4"): N_("yes") if r.reproduces else N_("no"),
        }
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class JsonSummary:
    """A committed JSON summary as one sentence and display rows."""

    sentence: str
    rows: list[dict[str, str]]


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out.extend(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, float):
        return [(prefix, f"{value:.4g}")]
    if isinstance(value, list) and len(value) > 8:
        return [(prefix, Message(N_("%(n)s values"), n=len(value)))]
    return [(prefix, str(value))]


#: Fewer independent pseudo-cohorts than this and the ranges are flagged as thin (issue 3
#: asks for at least 20).
MIN_ENSEMBLE: Final = 20


#: The first column of the reconstruction tables.
QUANTITY: Final = N_("Quantity")


def _num(value: Any, digits: int = 3) -> str:
    return fmt(None if value is None else float(value), digits)


def ensemble_ranges(summary: Any, manifest: Manifest | None = None) -> JsonSummary:
    """Intercept, apparent AUC and Brier score over independent pseudo-cohorts.

    Why a range: the paper pins none of the three down (they depend on the joint
    distribution of the predictors, which the tables do not give), so one pseudo-cohort's
    values would overstate how well they are known. The committed cohort's values (the
    shipped model's) are shown beside the range. An unexpected layout falls back to a
    plain listing rather than hiding the file.
    """
    try:
        n = int(summary["n_cohorts"])
        requested = int(summary.get("n_requested", n))
        committed = summary.get("committed_cohort") or {}
        if manifest is not None:
            committed = {
                "intercept": manifest.published.fit.intercept,
                "apparent_auc": manifest.metrics.apparent_auc,
                "brier": manifest.metrics.apparent_brier,
            }
        labels = {
            "intercept": N_("Intercept (log-odds)"),
            "apparent_auc": N_("Apparent AUC"),
            "brier": N_("Apparent Brier score"),
        }
        rows = []
        for key, label in labels.items():
            stats = summary.get(key)
            if not stats:
                continue
            rows.append(
                {
                    QUANTITY: label,
                    N_("Minimum"): _num(stats["min"]),
                    N_("Median"): _num(stats["median"]),
                    N_("Maximum"): _num(stats["max"]),
                    N_("Shipped model's cohort"): _num(committed.get(key)),
                }
            )
        cohorts = summary.get("cohorts") or []
        present = {str(k) for c in cohorts for k in c if str(k).startswith("coef_")}
        order = [f"coef_{n}" for n in pub.FEATURES if f"coef_{n}" in present]
        labels_or = {row.feature: row.label for row in pub.TABLE4}
        for key in order + sorted(present - set(order)):
            values = [math.exp(float(c[key])) for c in cohorts if key in c]
            name = key.removeprefix("coef_")
            shipped = None
            if manifest is not None and name in manifest.feature_names:
                shipped = manifest.odds_ratio(name).odds_ratio
            rows.append(
                {
                    QUANTITY: Message(N_("Odds ratio: %(label)s"), label=labels_or.get(name, name)),
                    N_("Minimum"): _num(min(values), 2),
                    N_("Median"): _num(sorted(values)[(len(values) - 1) // 2], 2),
                    N_("Maximum"): _num(max(values), 2),
                    N_("Shipped model's cohort"): _num(shipped, 2),
                }
            )
    except (KeyError, TypeError, ValueError):
        flat = [{QUANTITY: k, N_("Value"): v} for k, v in _flatten(summary)]
        return JsonSummary(N_("The ensemble summary has an unexpected layout; as stored:"), flat)
    failed = summary.get("failed_seeds") or []
    budget = (summary.get("search") or {}).get("time_budget_s")
    within: str = (
        Message(N_("within the search's %(budget)s s budget"), budget=f"{float(budget):g}")
        if budget
        else N_("in time")
    )
    tried: str = (
        Message(
            N_(
                "%(tried)s searches from different random starting points, %(failed)s found "
                "none %(within)s"
            ),
            tried=n + len(failed),
            failed=len(failed),
            within=within,
        )
        if failed
        else Message(
            N_("of %(requested)s searched from different random starting points"),
            requested=requested,
        )
    )
    sentence: str = Message(
        N_(
            "%(n)s independent pseudo-cohorts (%(tried)s), each reproducing every printed "
            "number of Tables 1, 3 and 4. The odds ratios vary little because Table 4 was "
            "part of the target; the intercept, apparent AUC and Brier score are not pinned "
            "down by the paper, and their range is the honest statement of them."
        )
        if n != 1
        else N_(
            "%(n)s independent pseudo-cohort (%(tried)s), each reproducing every printed "
            "number of Tables 1, 3 and 4. The odds ratios vary little because Table 4 was "
            "part of the target; the intercept, apparent AUC and Brier score are not pinned "
            "down by the paper, and their range is the honest statement of them."
        ),
        n=n,
        tried=tried,
    )
    if n < MIN_ENSEMBLE:
        thin = Message(
            N_("Fewer than %(min)s cohorts finished: the range is thin."), min=MIN_ENSEMBLE
        )
        sentence = Message(N_("%(a)s %(b)s"), a=sentence, b=thin)
    return JsonSummary(sentence, rows)


#: How the coding evidence was searched for, in the card's own words. Why not the stored
#: summary's "method" text: that is written for whoever reruns the search and names its
#: bookkeeping (the random seed), which a reader of the card has no use for.
CODING_SEARCH_METHOD: Final = N_(
    "Simulated annealing over pseudo-cohorts that keep every Table 1/3 constraint; for each "
    "coding, one search on the level row alone and one on all of Table 4, from the same "
    "random starting point and with the same time budget."
)


def coding_evidence(evidence: Any) -> JsonSummary:
    """Which coding of lesion level can reproduce Table 4's level row, as the search found.

    Why shown: the paper does not say how level was coded. The coding decides the model's
    structure, so the card shows the evidence for the choice, not only the choice.
    """
    try:
        printed = evidence["table4_level_row"]
        descriptions = evidence.get("codings", {})
        rows = []
        reached = []
        for coding, entry in evidence["results"].items():
            best = entry.get("best_level_row") or {}
            ok = bool(entry["reached_table4_level_row"])
            if ok:
                reached.append(coding)
            description = descriptions.get(coding, "")
            rows.append(
                {
                    N_("Coding of level"): Message(
                        N_("%(coding)s: %(description)s"), coding=coding, description=description
                    )
                    if description
                    else coding,
                    N_("Best OR found"): _num(best.get("odds_ratio"), 2),
                    N_("95% CI"): Message(
                        N_("%(low)s–%(high)s"),
                        low=_num(best.get("ci_low"), 2),
                        high=_num(best.get("ci_high"), 2),
                    ),
                    "P": fmt_p(None if best.get("p_value") is None else float(best["p_value"])),
                    N_("Largest error (tolerance units; < 1 reproduces)"): _num(
                        entry.get("worst_error_in_tolerance_units"), 2
                    ),
                    N_("Search"): Message(
                        N_("%(steps)s steps, %(seconds)s s"),
                        steps=str(entry.get("search_steps", "?")),
                        seconds=str(entry.get("search_seconds", "?")),
                    ),
                    N_("Reaches Table 4's level row"): N_("yes") if ok else N_("no"),
                }
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        flat = [{QUANTITY: k, N_("Value"): v} for k, v in _flatten(evidence)]
        return JsonSummary(N_("The coding evidence has an unexpected layout; as stored:"), flat)
    target = Message(
        N_("OR %(or)s, 95%% CI %(low)s–%(high)s, P %(p)s"),
        **{"or": _num(printed["odds_ratio"], 2)},
        low=_num(printed["ci_low"], 2),
        high=_num(printed["ci_high"], 2),
        p=fmt_p(float(printed["p_value"])),
    )
    budget = evidence.get("budget_seconds_per_coding")
    within: str = (
        Message(N_("Within the same search budget (%(budget)s s per coding)"), budget=f"{budget:g}")
        if budget
        else N_("Within the same search budget")
    )
    if len(reached) == 1:
        verdict = Message(
            N_("%(within)s, only %(codings)s reached it."), within=within, codings=reached[0]
        )
    elif not reached:
        verdict = Message(N_("%(within)s, none reached it."), within=within)
    else:
        verdict = Message(
            N_("%(within)s, these reached it: %(codings)s."),
            within=within,
            codings=", ".join(reached),
        )
    sentence = Message(
        N_(
            "Table 4's level row is %(target)s. %(method)s Tolerances: %(tolerances)s. "
            "%(verdict)s The Frankel coding cannot be told apart by the data (see the "
            "corrections below)."
        ),
        target=target,
        method=CODING_SEARCH_METHOD,
        tolerances=evidence.get("tolerances", table4_tolerance_text()),
        verdict=verdict,
    )
    return JsonSummary(sentence, rows)


#: Sentences of the committed search results (``coding_evidence.json``) that the card
#: shows: marked here so the page can show them in its language (a file saying anything
#: else is shown as it is).
EVIDENCE_TEXTS: Final = (
    N_("OR rounds half up to 2 decimals; CI bounds within max(2 %, 0.005); P within 0.002"),
    N_("upper 1 < middle 2 < CTJ 3, one odds ratio per step"),
    N_("CTJ (C7–T1) = 1 against upper and middle cervical = 0"),
    N_(
        "middle and CTJ dummies against upper cervical; the level row is compared with the "
        "CTJ dummy"
    ),
)


# --------------------------------------------------------------------------------------
# For a surgeon first: the one-screen summary, then one number per meaning
# --------------------------------------------------------------------------------------

HEADLINE_LINE: Final = N_(
    "The probability shown is the optimism-adjusted model (shrunk toward the average, "
    "because the published model's predictions are too extreme for new patients); the "
    "published model's own number is shown beside it, labelled 'as published (not "
    "adjusted for optimism)'."
)


def _spread(values: Sequence[float]) -> tuple[float, float]:
    import numpy as np

    low, high = np.quantile(np.asarray(values, dtype=float), [0.025, 0.975])
    return float(low), float(high)


def surgeon_summary(manifest: Manifest) -> tuple[tuple[str, str], ...]:
    """What it predicts, from what, how good, how sure, when not to use it: plain words."""
    t, m = manifest.training_data, manifest.metrics
    low, high = _spread(m.shrinkage_bootstrap)
    return (
        (
            N_("What it predicts"),
            N_(
                "The chance of a poor outcome within 3 months of palliative posterior surgery "
                "for a cervical spine metastasis: no improvement, or a relapse after "
                "improvement, of performance status or quality of life."
            ),
        ),
        (
            N_("From what"),
            Message(
                N_(
                    "Five facts: sex, revised Tokuhashi score, new Katagiri score, level of "
                    "the main lesion (C1–T1) and Frankel grade. It was fitted to a "
                    "reconstruction of one centre's %(rows)s patients (%(events)s poor "
                    "outcomes), not to real patient records, and has never been tested in "
                    "other patients."
                ),
                rows=t.rows,
                events=t.events,
            ),
        ),
        (
            N_("How good"),
            Message(
                N_(
                    "It ranks patients fairly well: of two patients, one with and one without "
                    "a poor outcome, it gives the higher risk to the right one about %(n)s "
                    "times in 100 (optimism-corrected estimate; 50 would be chance)."
                ),
                n=round(m.optimism_corrected_auc * 100),
            ),
        ),
        (
            N_("How sure"),
            Message(
                N_(
                    "Not very. %(events)s events for 5 predictors is far too few: the "
                    "published model's risks are too extreme, so the headline shrinks them by "
                    "a factor of %(shrinkage)s (itself uncertain: %(low)s–%(high)s). Each "
                    "probability comes with three ranges: sampling (95 %% interval), "
                    "reconstruction (the same model fitted to other equally valid "
                    "reconstructions) and instability (the model refitted to resampled "
                    "patients)."
                ),
                events=t.events,
                shrinkage=fmt(manifest.adjusted.shrinkage),
                low=fmt(low),
                high=fmt(high),
            ),
        ),
        (
            N_("When not to use it"),
            N_(
                "Not for a main lesion outside C1–T1, not for anterior or combined surgery, "
                "not as a threshold for operating, and not when a score is only known as a "
                "range. It informs a discussion; it does not decide."
            ),
        ),
    )


@dataclass(frozen=True, slots=True)
class Measure:
    """One number with the one meaning it has."""

    name: str
    value: str
    meaning: str


def discrimination(manifest: Manifest, summary: Any) -> list[Measure]:
    """One AUC per meaning: apparent, optimism-corrected, range across reconstructions."""
    m = manifest.metrics
    rows = [
        Measure(
            N_("AUC, apparent"),
            fmt(m.apparent_auc),
            N_("on the pseudo-cohort the model was fitted to (flattering)"),
        ),
        Measure(
            N_("AUC, optimism-corrected"),
            fmt(m.optimism_corrected_auc),
            Message(
                N_(
                    "apparent minus the bootstrap optimism (%(refits)s refits): the estimate "
                    "for new patients like the study's"
                ),
                refits=m.bootstrap.usable_reps,
            ),
        ),
    ]
    try:
        auc = summary["apparent_auc"]
        rows.append(
            Measure(
                N_("AUC, range across reconstructions"),
                Message(
                    N_("%(low)s–%(high)s"),
                    low=fmt(float(auc["min"])),
                    high=fmt(float(auc["max"])),
                ),
                Message(
                    N_(
                        "apparent AUC of each of the %(n)s other pseudo-cohorts that reproduce "
                        "the paper's tables"
                    ),
                    n=int(summary["n_cohorts"]),
                ),
            )
        )
    except (KeyError, TypeError, ValueError):
        pass
    return rows


def calibration_measures(manifest: Manifest) -> list[Measure]:
    """One calibration slope per meaning (1 is ideal; below 1: predictions too extreme)."""
    low, high = _spread(manifest.metrics.shrinkage_bootstrap)
    return [
        Measure(
            N_("Calibration slope, published model, apparent"),
            fmt(1.0),
            N_("on its own training data, 1 by construction (says nothing)"),
        ),
        Measure(
            N_("Calibration slope, published model, optimism-corrected"),
            fmt(manifest.metrics.optimism_corrected_calibration_slope),
            Message(
                N_(
                    "expected in new patients (bootstrap; 95 %% of refits %(low)s–%(high)s); "
                    "this is the shrinkage factor of the headline model"
                ),
                low=fmt(low),
                high=fmt(high),
            ),
        ),
        Measure(
            N_("Calibration slope, headline (adjusted) model, on bootstrap refits"),
            fmt(manifest.instability.mean_calibration_slope),
            N_(
                "the adjusted procedure repeated on resampled patients and tested on the "
                "original ones: close to 1, as intended"
            ),
        ),
        *(
            []
            if manifest.reconstructions is None
            else [
                Measure(
                    N_("Reconstructions behind the reconstruction range"),
                    str(len(manifest.reconstructions.fits) + 1),
                    Message(
                        N_(
                            "the pseudo-cohort the model uses and %(others)s others that "
                            "reproduce the paper's tables, each refitted and adjusted the same "
                            "way; a patient's reconstruction range is the lowest to highest of "
                            "their probabilities"
                        ),
                        others=len(manifest.reconstructions.fits),
                    ),
                )
            ]
        ),
        Measure(
            N_("Brier score, optimism-corrected"),
            fmt(manifest.metrics.optimism_corrected_brier, 3),
            Message(
                N_(
                    "mean squared error of the published model's probabilities in new "
                    "patients (apparent %(apparent)s); 0 is perfect"
                ),
                apparent=fmt(manifest.metrics.apparent_brier, 3),
            ),
        ),
        Measure(
            N_("Mean absolute prediction error (MAPE)"),
            fmt(manifest.instability.mape, 3),
            N_(
                "average change of a patient's probability when the model is refitted to "
                "resampled patients (Riley & Collins 2023); 0.10 is 10 percentage points"
            ),
        ),
    ]


@dataclass(frozen=True)
class Instability:
    """Inputs of the prediction- and calibration-instability plots (Riley & Collins 2023)."""

    original: tuple[float, ...]  # the headline probability of each training patient
    refits: tuple[tuple[float, ...], ...]  # per training patient, one probability per refit
    grid: tuple[float, ...]
    curves: tuple[tuple[float, ...], ...]  # per refit, observed risk over the grid


#: Patients drawn in the prediction-instability plot (all of them in the pseudo-cohort).
MAX_PLOTTED: Final = 300


def instability(manifest: Manifest, points: int = 41) -> Instability:
    """The training patients' probabilities under every stored refit, and each refit's
    logistic calibration curve on the training data."""
    import numpy as np

    from models import build
    from models import development as dev

    x, y = build.patterns_of(manifest).rows()
    refits = np.array(manifest.instability.params)
    # at most MAX_PLOTTED patients in the scatter (spread over the risk range)
    order = np.argsort(dev.probabilities(np.array(manifest.adjusted.fit.params), x))
    shown = order[np.linspace(0, len(order) - 1, min(len(order), MAX_PLOTTED)).astype(int)]
    original = dev.probabilities(np.array(manifest.adjusted.fit.params), x[shown])
    under = dev.probabilities(refits, x[shown])
    grid = np.linspace(0.01, 0.99, points)
    logit_grid = np.log(grid / (1.0 - grid))
    curves = []
    for r in refits:
        lp = r[0] + x @ r[1:]
        try:
            a, b = dev.fit(lp[:, None], y, refuse_separation=False)
        except dev.DevelopmentError:
            continue
        curves.append(tuple(float(v) for v in dev.logistic(a + b * logit_grid)))
    return Instability(
        tuple(float(v) for v in original),
        tuple(tuple(float(v) for v in row) for row in under),
        tuple(float(v) for v in grid),
        tuple(curves),
    )


def tripod_ai_rows(manifest: Manifest | None) -> list[tuple[str, str]]:
    """The TRIPOD+AI (BMJ 2024) items a card for this model must state, in plain words."""
    return [
        (
            N_("Intended users and place in the care pathway"),
            N_(
                "Spine surgeons and tumor boards, after imaging, neurological examination and "
                "laboratory tests, when palliative posterior surgery is being considered; before "
                "the decision, as one input to the discussion with the patient."
            ),
        ),
        (
            N_("Output and why no threshold"),
            N_(
                "A probability with three ranges, not a class. No cut-off is given: the paper "
                "proposed none, and where to act depends on the patient's goals and the "
                "alternatives, not on the model."
            ),
        ),
        (
            N_("Performance in subgroups (CTJ vs subaxial, women vs men)"),
            N_(
                "Not estimable: the study reports no subgroup performance, and in the "
                "pseudo-cohort the joint distribution of level or sex with the outcome beyond "
                "Table 3 is not identified by the paper, so any subgroup AUC would describe the "
                "reconstruction, not patients."
            ),
        ),
        (
            N_("Missing and out-of-range inputs"),
            N_(
                "A predictor that is not recorded gives no probability (never imputed); a "
                "Katagiri score known only as a range gives none; a level outside C1–T1 gives "
                "none; a score outside the training range or a category seen in fewer than 3 "
                "training patients is shown with a warning."
            ),
        ),
        (
            N_("Expertise the inputs need"),
            N_(
                "The revised Tokuhashi score needs a staging CT or bone scan (extraspinal and "
                "vertebral metastases) and knowledge of the primary tumor; the new Katagiri "
                "score needs laboratory values and performance status; the Frankel grade needs "
                "a neurological examination; the level needs spinal imaging."
            ),
        ),
        (
            N_("Code and data availability"),
            N_(
                "The program, the pseudo-cohort, the other reconstructions and the model file "
                "are distributed together and checked on loading; the study's patient data "
                "were not published."
            ),
        ),
    ]
