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
    "Estimates the probability of a poor outcome after palliative posterior decompression "
    "and stabilisation for a metastasis of the cervical spine (main lesion C1–T1), as the "
    "source study defined that outcome (see Outcome).",
    "It is decision support: it informs a discussion of the case, beside the published "
    "scores and the team's judgment. It does not decide whether to operate.",
    "It applies to adults like the study's patients: a symptomatic cervical spine "
    "metastasis considered for surgery because of neurological deficit, instability or "
    "intractable pain.",
)
INTENDED_USERS: Final[tuple[str, ...]] = (
    "Spine surgeons and tumor boards reviewing palliative surgery for cervical spine metastasis.",
    "Trainees learning how the revised Tokuhashi and new Katagiri scores, lesion level and "
    "Frankel grade relate to outcome.",
    "Departments checking, with their own cohort, how far the model's estimates hold for "
    "their patients (the upload on this page).",
)

#: The source study's design, as stated in its Methods and Results. :mod:`models.published`
#: holds the tables (n, events, counts); these descriptive facts are not part of any
#: table, so they are transcribed here, each with the passage it comes from.
STUDY_DESIGN: Final[tuple[tuple[str, str], ...]] = (
    ("Design", "Prospective cohort study (Methods: 'We prospectively analyzed …')."),
    ("Setting", "One institution (Methods: 'consecutive patients … in our institution')."),
    ("Enrolment period", "January 2013 to December 2018."),
    (
        "Participants",
        "Consecutive patients with surgical indications for symptomatic cervical spine "
        "metastasis (progressive neurological deficit, SINS ≥ 13, or intractable pain "
        "resistant to conservative care); 50 enrolled, 4 excluded (3 contraindications, 1 "
        "primary osteosarcoma); no loss to follow-up.",
    ),
    (
        "Surgery",
        "Single-stage posterior decompression with partial tumour removal and posterior "
        "fixation in every patient; no anterior or combined approach.",
    ),
    (
        "Analysis",
        "Variables with P < 0.10 in the univariate analysis entered a multivariable "
        "backward logistic regression (SPSS 23.0); Table 4 reports its five predictors.",
    ),
)

#: The paper's own wording of the outcome (Methods), before any reading of it.
PAPER_OUTCOME_WORDING: Final = (
    "'a poor surgical outcome was defined as no improvement or deterioration after "
    "improvement of the ECOGPS or EQ5D score within 3 months'; improvement and "
    "deterioration were 'a ≥ 1-level change in the PS and a ≥ 10% change in the EQ5D "
    "score, respectively'."
)

PSEUDO_COHORT_MADE: Final[tuple[str, ...]] = (
    "The study published aggregates only (Tables 1, 3 and 4), not patient rows. A "
    "deterministic search (simulated annealing with restarts, from fixed random starting "
    "points, so it gives the same pseudo-patients every time it is run) built 46 "
    "integer-valued pseudo-patients that reproduce, to the printed digit, every count, "
    "mean and SD of Tables 1 and 3, every reproducible Table 3 P value, and Table "
    "4's odds ratios, intervals and P values when the model below is fitted to them.",
    "Clinical coherence is enforced: each pseudo-patient's revised Tokuhashi contains the "
    "palsy points of their Frankel group, and each new Katagiri the ECOG 3–4 point and "
    "the previous-chemotherapy point.",
)
PSEUDO_COHORT_CAN: Final = (
    "It can stand for the published aggregates: what the tables print, the model's "
    "coefficients and their Wald intervals (because Table 4 was part of the target), and "
    "the coding evidence below."
)
PSEUDO_COHORT_CANNOT: Final = (
    "It cannot stand for the patients. Joint distributions beyond the printed margins "
    "(which Tokuhashi goes with which level in which patient) are not identified by the "
    "paper: many different cohorts reproduce every printed number. The intercept, the "
    "apparent AUC and the Brier score depend on that unidentified part, so they are "
    "reported below as a range over independent pseudo-cohorts, and the ROC curve and "
    "calibration plot on this page describe one such cohort, not the study."
)

MISSING_DATA: Final = (
    "Missing data: the study reports no loss to follow-up and the pseudo-cohort has no "
    "empty values. In an uploaded cohort, a row with an empty predictor or outcome is "
    "excluded and listed by row number, never imputed; in the calculator, a predictor that "
    "is not recorded gives no probability rather than an assumed value."
)

LIMITATIONS: Final[tuple[str, ...]] = (
    "Single centre: one institution's patients, indications and surgeons.",
    "Posterior approach only: no patient had an anterior or combined approach, so the "
    "estimates say nothing about those operations.",
    "Small sample: {events} poor outcomes in {n} patients for {predictors} predictors "
    "({epv} events per variable). The coefficients are unstable and the apparent "
    "performance is optimistic.",
    "No external validation: the model has not been tested on patients from another "
    "centre or period. The upload below lets a department do that with its own cohort.",
    "Pseudo-data: the model is fitted to a reconstructed pseudo-cohort, not to the study's "
    "patient rows; only the published aggregates are reproduced.",
    "Outcome horizon of 3 months and a composite of ECOG PS and EQ-5D: survival, pain, "
    "neurological recovery and complications are not predicted.",
    "Lesion level is coded C1–T1 only; a main lesion outside the cervical spine and "
    "cervicothoracic junction gets no probability.",
)


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for the card, or "not estimable" (a missing value is never shown as 0)."""
    if value is None or not math.isfinite(value):
        return "not estimable"
    if round(value, digits) == 0:
        value = 0.0  # no "−0.00"
    return f"{value:.{digits}f}".replace("-", "−")


def fmt_p(value: float | None) -> str:
    """A P value as Table 4 prints it (three decimals; "< 0.001" below that)."""
    if value is None or not math.isfinite(value):
        return "not estimable"
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
        ("Source", pub.CITATION),
        *STUDY_DESIGN,
        ("Patients analysed", f"n = {pub.N_PATIENTS}"),
        (
            "Poor outcomes",
            f"{pub.N_POOR} of {pub.N_PATIENTS} ({percent:.1f} %); {pub.N_GOOD} good outcomes",
        ),
    ]


def outcome_rows() -> list[tuple[str, str]]:
    """The outcome: the paper's wording and the readings :mod:`models.outcome_definition` makes."""
    from models.outcome_definition import EQ5D_READING, POOR_OUTCOME_DEFINITION, PS_READING

    return [
        ("Paper's definition", PAPER_OUTCOME_WORDING),
        ("As used here", POOR_OUTCOME_DEFINITION),
        ("Reading of '≥ 10% EQ-5D change'", EQ5D_READING),
        ("Reading of the PS change", PS_READING),
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
    "male": "male",
    "revised_tokuhashi": "Tokuhashi",
    "new_katagiri": "Katagiri",
    "lesion_level": "level",
    "frankel_grade": "Frankel",
}


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
    terms = " ".join(
        f"{fmt_signed(b, digits)} × {EQUATION_SYMBOLS.get(n, n)}" for n, b in coefficients
    )
    lp = f"log-odds(poor outcome) = {fmt(intercept, digits)} {terms}"
    return Equation(
        intercept, coefficients, lp, "probability = 1 / (1 + exp(−log-odds(poor outcome)))"
    )


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
    return (
        f"An odds ratio reproduces Table 4 when it rounds half up to the printed "
        f"{pub.TABLE4_OR_DECIMALS} decimals; each interval bound when it lies within the "
        f"larger of {pub.TABLE4_CI_RELATIVE:.0%} and the printed rounding "
        f"({pub.TABLE4_CI_ROUNDING}); each P when within {pub.TABLE4_P_TOLERANCE}."
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
    widest = f"{labels.get(wide_name, wide_name)}, {fmt(low)}–{fmt(high)}"
    spread = high / low
    implications = [
        f"{value:.1f} events per variable is well below the rule of thumb of "
        f"{EPV_RULE_OF_THUMB} (Peduzzi 1996) and far below what current sample-size criteria "
        "for a prediction model ask (Riley 2020).",
        "Overfitting: the model fits the noise of 46 patients as well as the signal, so its "
        "estimates are too extreme for new patients (high risks too high, low too low).",
        "Unstable coefficients: the wide Wald intervals mean a few patients more or less "
        f"could change the odds ratios markedly (the widest here, {widest}, spans a factor "
        f"of {spread:.0f} from its lower to its upper bound).",
        "Optimism: the apparent AUC, measured on the patients the model was fitted to, "
        "overstates discrimination; the optimism-corrected AUC below estimates the loss.",
    ]
    if slope is not None and math.isfinite(float(slope)):
        implications.append(
            f"The bootstrap estimate of the unadjusted model's calibration slope in new "
            f"patients is {fmt(float(slope))} (1 is ideal): its predictions need shrinking "
            "toward the average by about that factor on the log-odds scale, which is what "
            "the headline (optimism-adjusted) model does."
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
    training = manifest.training_data
    versions = ", ".join(f"{k} {v}" for k, v in manifest.versions)
    return [
        ("Provenance", manifest.provenance),
        ("Training data", f"{training.file}: {training.description}"),
        ("Training data SHA-256", training.sha256),
        ("Patients / poor outcomes", f"{training.rows} / {training.events}"),
        ("Headline model", manifest.adjusted.method),
        ("As published (not adjusted for optimism)", manifest.published.method),
        ("Model file SHA-256", manifest.file_sha256),
        ("Library versions", versions),
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
        text.format(events=events, n=n, predictors=k, epv=f"{value:.1f}") for text in LIMITATIONS
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


def _problem(message: str) -> UploadOutcome:
    return UploadOutcome(None, message)


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
        return _problem(str(exc))
    absent = [c for c in needed if c not in table.columns]
    if absent:
        hint = ""
        if len(table.header) == 1 and ";" in table.header[0]:
            hint = " The header looks semicolon-separated; this page reads commas."
        return _problem(
            f"Missing column(s): {', '.join(absent)}. The file needs {', '.join(needed)} "
            f"(the pseudo-cohort's columns; others are ignored).{hint}"
        )
    frame = table.frame()
    if len(frame) == 0:
        return _problem("The file has a header but no patient rows.")
    try:
        result = validate_frame(
            model,
            frame,
            reps=AUC_BOOTSTRAP_REPS if reps is None else reps,
            seed=BOOTSTRAP_SEED if seed is None else seed,
            training_sha256=sha256_bytes(data),
        )
    except CohortError as exc:
        text = str(exc).rstrip(". ")
        end = "" if text.endswith("…") else "."
        return UploadOutcome(None, f"Bad values: {text}{end}", len(frame))
    return UploadOutcome(result, None, len(frame))


# --------------------------------------------------------------------------------------
# Published tables for display (as data; the page only lays them out)
# --------------------------------------------------------------------------------------


def table1_rows() -> list[dict[str, str]]:
    """Table 1 rows the model card shows: continuous as mean ± SD, categories as n (%)."""
    rows = [
        {"Variable": name, "Value": f"{m.mean:.{m.decimals}f} ± {m.sd:.{m.decimals}f}"}
        for name, m in pub.TABLE1_MEANS.items()
    ]
    for name, counts in pub.TABLE1_COUNTS.items():
        for category, count in counts.items():
            rows.append(
                {"Variable": f"{name}: {category}", "Value": f"{count.n} ({count.percent:.1f} %)"}
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
                    "Variable": f"{name}: {category}",
                    "Good outcome": str(count.good),
                    "Poor outcome": str(count.poor),
                    "P (printed)": "" if p is None else f"{p.value:.{p.decimals}f}",
                    "Test": "" if p is None else pub.TEST_DESCRIPTIONS[p.test],
                }
            )
    for name, means in pub.TABLE3_MEANS.items():
        p = pub.TABLE3_P[name]
        rows.append(
            {
                "Variable": name,
                "Good outcome": f"{means.good.mean:.1f} ± {means.good.sd:.1f}",
                "Poor outcome": f"{means.poor.mean:.1f} ± {means.poor.sd:.1f}",
                "P (printed)": f"{p.value:.{p.decimals}f}",
                "Test": pub.TEST_DESCRIPTIONS[p.test],
            }
        )
    return rows


def table4_rows() -> list[dict[str, str]]:
    """Table 4 as printed (shown alone when no verified model is available)."""
    return [
        {
            "Predictor": row.label,
            "Coding": pub.FEATURE_CODING[row.feature],
            "OR (paper)": f"{row.odds_ratio:.2f}",
            "95% CI (paper)": f"{row.ci_low:.2f}–{row.ci_high:.2f}",
            "P (paper)": f"{row.p_value:.3f}",
        }
        for row in pub.TABLE4
    ]


def odds_ratio_display(rows: Sequence[OddsRatioRow]) -> list[dict[str, str]]:
    """The OR comparison as display strings (two decimals, as Table 4 prints)."""
    return [
        {
            "Predictor": r.label,
            "Coding": r.coding,
            "Coefficient": fmt(r.coefficient, 4),
            "OR (model)": fmt(r.model_or),
            "95% CI (model)": f"{fmt(r.model_ci_low)}–{fmt(r.model_ci_high)}",
            "P (model)": fmt_p(r.model_p),
            "OR (paper)": f"{r.paper_or:.2f}",
            "95% CI (paper)": f"{r.paper_ci_low:.2f}–{r.paper_ci_high:.2f}",
            "P (paper)": f"{r.paper_p:.3f}",
            "Reproduces Table 4": "yes" if r.reproduces else "no",
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
        return [(prefix, f"{len(value)} values")]
    return [(prefix, str(value))]


#: Fewer independent pseudo-cohorts than this and the ranges are flagged as thin (issue 3
#: asks for at least 20).
MIN_ENSEMBLE: Final = 20


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
            "intercept": "Intercept (log-odds)",
            "apparent_auc": "Apparent AUC",
            "brier": "Apparent Brier score",
        }
        rows = []
        for key, label in labels.items():
            stats = summary.get(key)
            if not stats:
                continue
            rows.append(
                {
                    "Quantity": label,
                    "Minimum": _num(stats["min"]),
                    "Median": _num(stats["median"]),
                    "Maximum": _num(stats["max"]),
                    "Shipped model's cohort": _num(committed.get(key)),
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
                    "Quantity": f"Odds ratio: {labels_or.get(name, name)}",
                    "Minimum": _num(min(values), 2),
                    "Median": _num(sorted(values)[(len(values) - 1) // 2], 2),
                    "Maximum": _num(max(values), 2),
                    "Shipped model's cohort": _num(shipped, 2),
                }
            )
    except (KeyError, TypeError, ValueError):
        flat = [{"Quantity": k, "Value": v} for k, v in _flatten(summary)]
        return JsonSummary("The ensemble summary has an unexpected layout; as stored:", flat)
    failed = summary.get("failed_seeds") or []
    budget = (summary.get("search") or {}).get("time_budget_s")
    within = f"within the search's {float(budget):g} s budget" if budget else "in time"
    tried = (
        f"{n + len(failed)} searches from different random starting points, "
        f"{len(failed)} found none {within}"
        if failed
        else f"of {requested} searched from different random starting points"
    )
    sentence = (
        f"{n} independent pseudo-cohort{'s' if n != 1 else ''} ({tried}), each reproducing "
        "every printed number of Tables 1, 3 and 4. The odds ratios vary little "
        "because Table 4 was part of the target; the intercept, apparent AUC and Brier score "
        "are not pinned down by the paper, and their range is the honest statement of them."
    )
    if n < MIN_ENSEMBLE:
        sentence += f" Fewer than {MIN_ENSEMBLE} cohorts finished: the range is thin."
    return JsonSummary(sentence, rows)


#: How the coding evidence was searched for, in the card's own words. Why not the stored
#: summary's "method" text: that is written for whoever reruns the search and names its
#: bookkeeping (the random seed), which a reader of the card has no use for.
CODING_SEARCH_METHOD: Final = (
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
            rows.append(
                {
                    "Coding of level": f"{coding}: {descriptions.get(coding, '')}".rstrip(": "),
                    "Best OR found": _num(best.get("odds_ratio"), 2),
                    "95% CI": f"{_num(best.get('ci_low'), 2)}–{_num(best.get('ci_high'), 2)}",
                    "P": fmt_p(None if best.get("p_value") is None else float(best["p_value"])),
                    "Largest error (tolerance units; < 1 reproduces)": _num(
                        entry.get("worst_error_in_tolerance_units"), 2
                    ),
                    "Search": f"{entry.get('search_steps', '?')} steps, "
                    f"{entry.get('search_seconds', '?')} s",
                    "Reaches Table 4's level row": "yes" if ok else "no",
                }
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        flat = [{"Quantity": k, "Value": v} for k, v in _flatten(evidence)]
        return JsonSummary("The coding evidence has an unexpected layout; as stored:", flat)
    target = (
        f"OR {_num(printed['odds_ratio'], 2)}, 95% CI {_num(printed['ci_low'], 2)}–"
        f"{_num(printed['ci_high'], 2)}, P {fmt_p(float(printed['p_value']))}"
    )
    budget = evidence.get("budget_seconds_per_coding")
    within = "Within the same search budget" + (f" ({budget:g} s per coding)" if budget else "")
    verdict = (
        f"{within}, only {', '.join(reached)} reached it."
        if len(reached) == 1
        else (
            f"{within}, none reached it."
            if not reached
            else f"{within}, these reached it: {', '.join(reached)}."
        )
    )
    sentence = (
        f"Table 4's level row is {target}. {CODING_SEARCH_METHOD} Tolerances: "
        f"{evidence.get('tolerances', table4_tolerance_text())}. {verdict} The Frankel coding "
        "cannot be told apart by the data (see the corrections below)."
    )
    return JsonSummary(sentence, rows)


# --------------------------------------------------------------------------------------
# For a surgeon first: the one-screen summary, then one number per meaning
# --------------------------------------------------------------------------------------

HEADLINE_LINE: Final = (
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
            "What it predicts",
            "The chance of a poor outcome within 3 months of palliative posterior surgery "
            "for a cervical spine metastasis: no improvement, or a relapse after "
            "improvement, of performance status or quality of life.",
        ),
        (
            "From what",
            "Five facts: sex, revised Tokuhashi score, new Katagiri score, level of the main "
            "lesion (C1–T1) and Frankel grade. It was fitted to a reconstruction of one "
            f"centre's {t.rows} patients ({t.events} poor outcomes), not to real patient "
            "records, and has never been tested in other patients.",
        ),
        (
            "How good",
            f"It ranks patients fairly well: of two patients, one with and one without a "
            f"poor outcome, it gives the higher risk to the right one about "
            f"{round(m.optimism_corrected_auc * 100)} times in 100 (optimism-corrected "
            "estimate; 50 would be chance).",
        ),
        (
            "How sure",
            f"Not very. {t.events} events for 5 predictors is far too few: the published "
            f"model's risks are too extreme, so the headline shrinks them by a factor of "
            f"{fmt(manifest.adjusted.shrinkage)} (itself uncertain: "
            f"{fmt(low)}–{fmt(high)}). Each probability comes with three ranges: sampling "
            "(95 % interval), reconstruction (the same model fitted to other equally valid "
            "reconstructions) and instability (the model refitted to resampled patients).",
        ),
        (
            "When not to use it",
            "Not for a main lesion outside C1–T1, not for anterior or combined surgery, not "
            "as a threshold for operating, and not when a score is only known as a range. "
            "It informs a discussion; it does not decide.",
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
            "AUC, apparent",
            fmt(m.apparent_auc),
            "on the pseudo-cohort the model was fitted to (flattering)",
        ),
        Measure(
            "AUC, optimism-corrected",
            fmt(m.optimism_corrected_auc),
            f"apparent minus the bootstrap optimism ({m.bootstrap.usable_reps} refits): "
            "the estimate for new patients like the study's",
        ),
    ]
    try:
        auc = summary["apparent_auc"]
        rows.append(
            Measure(
                "AUC, range across reconstructions",
                f"{fmt(float(auc['min']))}–{fmt(float(auc['max']))}",
                f"apparent AUC of each of the {int(summary['n_cohorts'])} other "
                "pseudo-cohorts that reproduce the paper's tables",
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
            "Calibration slope, published model, apparent",
            fmt(1.0),
            "on its own training data, 1 by construction (says nothing)",
        ),
        Measure(
            "Calibration slope, published model, optimism-corrected",
            fmt(manifest.metrics.optimism_corrected_calibration_slope),
            f"expected in new patients (bootstrap; 95 % of refits {fmt(low)}–{fmt(high)}); "
            "this is the shrinkage factor of the headline model",
        ),
        Measure(
            "Calibration slope, headline (adjusted) model, on bootstrap refits",
            fmt(manifest.instability.mean_calibration_slope),
            "the adjusted procedure repeated on resampled patients and tested on the "
            "original ones: close to 1, as intended",
        ),
        *(
            []
            if manifest.reconstructions is None
            else [
                Measure(
                    "Reconstructions behind the reconstruction range",
                    str(len(manifest.reconstructions.fits) + 1),
                    "the pseudo-cohort the model uses and "
                    f"{len(manifest.reconstructions.fits)} others that reproduce the paper's "
                    "tables, each refitted and adjusted the same way; a patient's "
                    "reconstruction range is the lowest to highest of their probabilities",
                )
            ]
        ),
        Measure(
            "Brier score, optimism-corrected",
            fmt(manifest.metrics.optimism_corrected_brier, 3),
            f"mean squared error of the published model's probabilities in new patients "
            f"(apparent {fmt(manifest.metrics.apparent_brier, 3)}); 0 is perfect",
        ),
        Measure(
            "Mean absolute prediction error (MAPE)",
            fmt(manifest.instability.mape, 3),
            "average change of a patient's probability when the model is refitted to "
            "resampled patients (Riley & Collins 2023); 0.10 is 10 percentage points",
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
            "Intended users and place in the care pathway",
            "Spine surgeons and tumor boards, after imaging, neurological examination and "
            "laboratory tests, when palliative posterior surgery is being considered; before "
            "the decision, as one input to the discussion with the patient.",
        ),
        (
            "Output and why no threshold",
            "A probability with three ranges, not a class. No cut-off is given: the paper "
            "proposed none, and where to act depends on the patient's goals and the "
            "alternatives, not on the model.",
        ),
        (
            "Performance in subgroups (CTJ vs subaxial, women vs men)",
            "Not estimable: the study reports no subgroup performance, and in the "
            "pseudo-cohort the joint distribution of level or sex with the outcome beyond "
            "Table 3 is not identified by the paper, so any subgroup AUC would describe the "
            "reconstruction, not patients.",
        ),
        (
            "Missing and out-of-range inputs",
            "A predictor that is not recorded gives no probability (never imputed); a "
            "Katagiri score known only as a range gives none; a level outside C1–T1 gives "
            "none; a score outside the training range or a category seen in fewer than 3 "
            "training patients is shown with a warning.",
        ),
        (
            "Expertise the inputs need",
            "The revised Tokuhashi score needs a staging CT or bone scan (extraspinal and "
            "vertebral metastases) and knowledge of the primary tumor; the new Katagiri "
            "score needs laboratory values and performance status; the Frankel grade needs "
            "a neurological examination; the level needs spinal imaging.",
        ),
        (
            "Code and data availability",
            "The program, the pseudo-cohort, the other reconstructions and the model file "
            "are distributed together and checked on loading; the study's patient data "
            "were not published.",
        ),
    ]
