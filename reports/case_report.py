"""A case report's content: one :class:`CaseReport`, the single source of three formats.

Why one data object: the PDF, the HTML page and the FHIR RiskAssessment must never
disagree about a number or a sentence. :func:`build_report` turns a case, its scores, the
model's prediction (or its absence) and the model's manifest into plain text and numbers
once; ``reports.pdf``, ``reports.html`` and ``reports.fhir`` only lay
that content out. Nothing here imports Streamlit, fpdf2 or fhir.resources.

Honesty rules this module enforces, so no renderer can forget them:

- the probability never appears without its 95% interval (:attr:`CaseReport.probability_text`)
  and the model's provenance line is always present, also when there is no probability;
- a report without a probability still renders and says why there is none;
- each score carries its band's published meaning; an incomplete score is shown as the
  range of totals it could have and names the fields that are missing;
- the intended use is stated (decision support, not a decision) and no sentence tells the
  reader to operate or not;
- the report adds no patient identifier of its own: the only identifying text is what the
  user typed into the optional fields (case label, patient identifier, clinician, date of
  the imaging and laboratory data), passed in as arguments, cleaned of invisible and
  direction-changing characters (:mod:`reports.text`), and written into the downloaded file
  and nowhere else;
- every number is written by :mod:`reports.format`, the rule the screen also uses (a
  whole-percent probability; entered values as entered);
- the outcome's one-sentence definition stands beside the probability, and the model's
  caveats and the papers' indications checklist are part of every format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from i18n import N_, Message, Translator, translator
from models.predict import PROVENANCE
from models.wording import frequency_text, range_text, whole_percent
from reports.format import KANDA_2021, number, probability_text, signed, source_name
from reports.text import clean_free_text
from reports.wording import INTENDED_USE, MODEL_CAVEATS, OUTCOME_DEFINITION, OUTCOME_NAME
from scoring.case import PatientCase, field_title
from scoring.indications import Kind, Status
from scoring.labs import LabValue

if TYPE_CHECKING:
    from models.manifest import Manifest
    from models.predict import Prediction
    from scoring import CaseScores, Criterion
    from scoring.result import ScoreResult, SurvivalFigure

TITLE: Final = N_("Cervical spine metastasis: case report")
#: The outcome the model predicts, in the words the FHIR ``prediction.outcome`` carries.
OUTCOME_TEXT: Final = OUTCOME_NAME
MODEL_NAME: Final = N_("Poor-outcome logistic model (predictors of Kanda et al. 2021)")
SOURCE_STUDY: Final = KANDA_2021
CHECKLIST_INTRO: Final = N_(
    "What the two papers state, checked against this case: a checklist for the discussion, "
    "not a recommendation."
)
#: How each kind of criterion is headed, and how its status reads: an *absent*
#: contraindication must not read like a failed requirement.
KIND_HEADINGS: Final = {
    Kind.INDICATION: N_("Indications stated in the papers"),
    Kind.CONTRAINDICATION: N_("Contraindication stated in the cohort study"),
    Kind.RADICAL_RESECTION: N_("Conditions the review states for considering radical resection"),
}
STATUS_WORDS: Final = {
    Kind.INDICATION: {
        Status.MET: N_("Met"),
        Status.NOT_MET: N_("Not met"),
        Status.UNKNOWN: N_("Unknown"),
    },
    Kind.CONTRAINDICATION: {
        Status.MET: N_("Present"),
        Status.NOT_MET: N_("Absent"),
        Status.UNKNOWN: N_("Unknown"),
    },
    Kind.RADICAL_RESECTION: {
        Status.MET: N_("Met"),
        Status.NOT_MET: N_("Not met"),
        Status.UNKNOWN: N_("Unknown"),
    },
}
NO_MODEL_REASON: Final = N_(
    "No probability is reported: the poor-outcome model was not available or was refused "
    "when this report was generated. The scores are unaffected."
)
NOT_RECORDED: Final = N_("not recorded")
#: The one line that says which model the headline probability is.
HEADLINE_LINE: Final = N_(
    "Headline: the optimism-adjusted model (the published model's predictions are too "
    "extreme for new patients, so its coefficients are shrunk)."
)
#: What the two ranges beside the 95% interval mean, in plain words.
RECONSTRUCTION_MEANING: Final = N_(
    "(the lowest and highest probability across reconstructions of the study's patients "
    "that fit its tables equally well)"
)
INSTABILITY_MEANING: Final = N_(
    "(95% range when the model is refitted to resampled patients: instability)"
)
#: Codes a report shows as words (a vocabulary without labels): translated, never changed.
CODE_WORDS: Final = (N_("male"), N_("female"))
#: A band whose range of totals all lies in it (the total itself is not known).
IN_THIS_BAND: Final = N_("%(band)s (every total in the range lies in this band)")
INPUT_ERRORS_HEADING: Final = N_("Values not accepted (left out of this report):")
#: A label longer than this is cut: it is a case label, not a place for notes.
LABEL_MAX_CHARS: Final = 80
#: The optional patient identifier and clinician name are one short line each.
FIELD_MAX_CHARS: Final = 64
#: An input problem is the page's own sentence, which may quote what was typed.
ERROR_MAX_CHARS: Final = 300
#: How much of the label a file name keeps.
STEM_LABEL_CHARS: Final = 40
_REFERENCE_PREFIX = re.compile(r"^\s*reference patient\s*:\s*", re.IGNORECASE)
_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")
_PYPROJECT: Final = Path(__file__).resolve().parents[1] / "pyproject.toml"


@dataclass(frozen=True, slots=True)
class InputLine:
    """One recorded field of the case as the reader sees it."""

    name: str
    title: str
    value: str
    #: The entered number (labs, counts, scales), for the FHIR ``valueQuantity``.
    number: Decimal | None = None
    #: The lab unit's code (``"mg/dL"``, ``"10^9/L"``) when the value is a lab value.
    unit: str | None = None
    #: True/False for yes/no facts, for the FHIR ``valueBoolean``.
    flag: bool | None = None


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One item of a score: what was found, its points (or range) and what is missing."""

    label: str
    finding: str
    points_min: int
    points_max: int
    missing: tuple[str, ...]
    source: str

    @property
    def points(self) -> int | None:
        return self.points_min if self.points_min == self.points_max else None

    @property
    def points_text(self) -> str:
        return str(self.points_min) if self.points is not None else _range(self)


@dataclass(frozen=True, slots=True)
class ScoreSection:
    """One score: total or range, band with its published meaning, items, missing fields."""

    key: str
    name: str
    total: int | None
    total_min: int
    total_max: int
    max_points: int
    incomplete: bool
    band_label: str | None
    band_meaning: str | None
    survival: tuple[str, ...]
    missing: tuple[str, ...]
    items: tuple[ItemLine, ...]
    source: str
    #: The language the texts above are in (``reports`` write each report in one).
    language: str = "en"

    @property
    def total_text(self) -> str:
        """``"12 / 15"`` when known, else ``"12–14 / 15 (range)"``."""
        if self.total is not None:
            return f"{self.total} / {self.max_points}"
        _ = translator(self.language)
        return _("%(range)s / %(max)s (range)", range=_range(self), max=self.max_points)

    @property
    def status_text(self) -> str:
        """Why a total is a range, naming what is missing; empty when the total is known."""
        if self.total is not None:
            return ""
        _ = translator(self.language)
        missing = _.join(self.missing) or _("an item")
        if self.incomplete:
            return _("Incomplete: missing %(missing)s.", missing=missing)
        return _("Total known only as a range: missing %(missing)s.", missing=missing)

    @property
    def band_text(self) -> str:
        """The band and its meaning, or why no band can be given."""
        _ = translator(self.language)
        if self.band_label is None:
            return _("No band: the range of possible totals spans more than one band.")
        text = self.band_label
        if self.band_meaning:
            text = _.labelled(text, self.band_meaning)
        if self.total is None:
            text = _(IN_THIS_BAND, band=text)
        return text


@dataclass(frozen=True, slots=True)
class ContributionLine:
    """One predictor's share of the log-odds against the model's reference patient."""

    label: str
    value: str
    reference: str
    log_odds: float
    language: str = "en"

    @property
    def log_odds_text(self) -> str:
        """Signed, never ``-0.00``: ``"+0.42"``, ``"−1.20"`` or ``"0.00"``."""
        return signed(self.log_odds)

    @property
    def direction_text(self) -> str:
        """The contribution in clinical words, for a reader who does not think in log-odds."""
        _ = translator(self.language)
        if self.log_odds_text == signed(0.0):
            return _("no change against the reference patient")
        return _("raises the risk") if self.log_odds > 0 else _("lowers the risk")


@dataclass(frozen=True, slots=True)
class CriterionLine:
    """One criterion of the papers' checklist, in words that read the right way round."""

    kind: str
    heading: str
    label: str
    status: str
    status_text: str
    explanation: str
    sources: str


@dataclass(frozen=True, slots=True)
class CaseReport:
    """Everything a case report says, as plain text and numbers (format-independent)."""

    title: str
    label: str | None
    identifier: str | None
    clinician: str | None
    data_date: date | None
    generated: date
    app_version: str
    model_version: str
    intended_use: str
    inputs: tuple[InputLine, ...]
    not_recorded: tuple[str, ...]
    input_errors: tuple[str, ...]
    scores: tuple[ScoreSection, ...]
    criteria: tuple[CriterionLine, ...]
    outcome: str
    outcome_definition: str
    caveats: tuple[str, ...]
    model_name: str
    probability: float | None
    ci_low: float | None
    ci_high: float | None
    no_probability_reason: str | None
    contributions: tuple[ContributionLine, ...]
    reference: str
    warnings: tuple[str, ...]
    provenance: str
    source_study: str
    model_details: tuple[str, ...]
    #: The language every text of this report is in (``"en"`` or ``"ja"``).
    language: str = "en"
    #: The unadjusted model (the Table-4 reproduction) with its 95% interval.
    published_probability: float | None = None
    published_ci_low: float | None = None
    published_ci_high: float | None = None
    #: Lowest and highest probability across the equally valid reconstructions.
    reconstruction_low: float | None = None
    reconstruction_high: float | None = None
    #: The 95% range across bootstrap refits of the adjusted model (instability).
    instability_low: float | None = None
    instability_high: float | None = None

    @property
    def has_probability(self) -> bool:
        return self.probability is not None and self.ci_low is not None and self.ci_high is not None

    @property
    def probability_text(self) -> str:
        """The probability with its interval, always together; or why there is none."""
        _ = translator(self.language)
        if self.probability is None or self.ci_low is None or self.ci_high is None:
            return self.no_probability_reason or _(NO_MODEL_REASON)
        return _.gettext(probability_text(self.probability, self.ci_low, self.ci_high))

    @property
    def headline_text(self) -> str | None:
        """Which model the headline probability is (one line); None without a probability."""
        if not self.has_probability:
            return None
        return translator(self.language).gettext(HEADLINE_LINE)

    @property
    def frequency_text(self) -> str | None:
        """The headline as a natural frequency, the sentence the screen shows."""
        if self.probability is None or not self.has_probability:
            return None
        return frequency_sentence(self.probability, translator(self.language))

    @property
    def range_lines(self) -> tuple[str, ...]:
        """The two ranges beside the 95% interval, in the screen's words, each with what
        it means."""
        if not self.has_probability:
            return ()
        _ = translator(self.language)
        # Japanese full-width parentheses take no space before them.
        sep = "" if self.language == "ja" else " "
        lines: list[str] = []
        if self.reconstruction_low is not None and self.reconstruction_high is not None:
            span = range_text(self.reconstruction_low, self.reconstruction_high)
            lines.append(
                _("Across reconstructions: %(span)s", span=span) + sep + _(RECONSTRUCTION_MEANING)
            )
        if self.instability_low is not None and self.instability_high is not None:
            span = range_text(self.instability_low, self.instability_high)
            lines.append(
                _("Refitted to resampled patients: %(span)s", span=span)
                + sep
                + _(INSTABILITY_MEANING)
            )
        return tuple(lines)

    @property
    def published_text(self) -> str | None:
        """The unadjusted model's probability with its interval, labelled as such."""
        if (
            not self.has_probability
            or self.published_probability is None
            or self.published_ci_low is None
            or self.published_ci_high is None
        ):
            return None
        _ = translator(self.language)
        text = _.gettext(
            probability_text(
                self.published_probability, self.published_ci_low, self.published_ci_high
            )
        )
        return _("As published (not adjusted for optimism): %(probability)s", probability=text)

    @property
    def uncertainty_lines(self) -> tuple[str, ...]:
        """Everything the report says beside the headline probability, in reading order:
        the frequency, which model the headline is, the two other ranges, the unadjusted
        figure."""
        lines = (self.frequency_text, self.headline_text, *self.range_lines, self.published_text)
        return tuple(line for line in lines if line)

    @property
    def versions_text(self) -> str:
        _ = translator(self.language)
        return _(
            "App version %(app)s; model version %(model)s",
            app=self.app_version,
            model=self.model_version,
        )

    @property
    def generated_text(self) -> str:
        return self.generated.isoformat()

    @property
    def data_date_text(self) -> str | None:
        return self.data_date.isoformat() if self.data_date is not None else None

    @property
    def filing_lines(self) -> tuple[tuple[str, str], ...]:
        """The optional filing fields the user filled in, as (title, value) pairs."""
        _ = translator(self.language)
        pairs = (
            (_("Patient identifier"), self.identifier),
            (_("Clinician"), self.clinician),
            (_("Date of imaging and laboratory data"), self.data_date_text),
        )
        return tuple((title, value) for title, value in pairs if value)

    @property
    def criteria_groups(self) -> tuple[tuple[str, tuple[CriterionLine, ...]], ...]:
        """The checklist grouped under its headings, in the order a review reads them."""
        headings: dict[str, list[CriterionLine]] = {}
        for line in self.criteria:
            headings.setdefault(line.heading, []).append(line)
        return tuple((heading, tuple(lines)) for heading, lines in headings.items())

    def score(self, key: str) -> ScoreSection:
        for section in self.scores:
            if section.key == key:
                return section
        raise KeyError(key)


def frequency_sentence(probability: float, _: Translator) -> str:
    """The natural-frequency sentence in ``_``'s language: the calculator's sentence, built
    from :func:`models.wording.frequency_text` and the same catalogue messages, so the
    report and the screen cannot word or round it differently."""
    if _.language == "en":
        return f"{frequency_text(probability).capitalize()} would have a poor outcome."
    n = whole_percent(probability)
    if n == 0:
        return _("Fewer than 1 of 100 patients like this one would have a poor outcome.")
    if n == 100:
        return _("More than 99 of 100 patients like this one would have a poor outcome.")
    return _("About %(count)s of 100 patients like this one would have a poor outcome.", count=n)


def _range(obj: ItemLine | ScoreSection) -> str:
    low = obj.points_min if isinstance(obj, ItemLine) else obj.total_min
    high = obj.points_max if isinstance(obj, ItemLine) else obj.total_max
    return f"{low}–{high}"


def clean_label(label: str | None) -> str | None:
    """The user's case label as one line of at most :data:`LABEL_MAX_CHARS` characters.

    Control characters and line breaks become spaces so the label cannot forge extra
    lines in a report; invisible and direction-changing characters are removed and a
    lone surrogate becomes U+FFFD (:func:`reports.text.clean_free_text`); an empty label
    is no label.
    """
    return clean_free_text(label, LABEL_MAX_CHARS)


def value_text(value: object, _: Translator | None = None) -> str:
    """How a case value reads in a report: vocabulary labels, lab values with units."""
    _ = _ or translator("en")
    if value is None:
        return _(NOT_RECORDED)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, LabValue):
        return f"{number(value.value)} {value.unit.label}"
    if isinstance(value, Enum):
        label = getattr(value, "label", None)
        return _(label) if isinstance(label, str) and label else _(str(value.value))
    if isinstance(value, Decimal | int | float):
        return number(value)
    return str(value)


@cache
def app_version() -> str:
    """The calculator's version from ``pyproject.toml`` (the app is not pip-installed)."""
    try:
        data = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))
        return str(data["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def model_version(manifest: Manifest | None) -> str:
    """A model's version: its name and the first 12 hex digits of the model file's SHA-256.

    The file carries no version number; its hash identifies the fitted model exactly, and
    it is what the loader verified before predicting. A :class:`~i18n.Message`, so a
    Japanese report words the parts around the name and hash in Japanese.
    """
    if manifest is None:
        return Message(N_("none (no model loaded)"))
    return Message(
        N_("%(model)s (model file SHA-256 %(sha)s)"),
        model=manifest.model,
        sha=manifest.file_sha256[:12],
    )


def _inputs(case: PatientCase, _: Translator) -> tuple[tuple[InputLine, ...], tuple[str, ...]]:
    recorded: list[InputLine] = []
    empty: list[str] = []
    for name in PatientCase.model_fields:
        value = getattr(case, name)
        if value is None:
            empty.append(_(field_title(name)))
        else:
            recorded.append(_input_line(name, value, _))
    return tuple(recorded), tuple(empty)


def _input_line(name: str, value: object, _: Translator) -> InputLine:
    line = InputLine(name, _(field_title(name)), value_text(value, _))
    if isinstance(value, bool):
        return InputLine(line.name, line.title, line.value, flag=value)
    if isinstance(value, LabValue):
        return InputLine(line.name, line.title, line.value, value.value, value.unit.value)
    if isinstance(value, int):
        return InputLine(line.name, line.title, line.value, Decimal(value))
    return line


def _criterion_line(criterion: Criterion, _: Translator) -> CriterionLine:
    return CriterionLine(
        kind=criterion.kind.value,
        heading=_(KIND_HEADINGS[criterion.kind]),
        label=_(criterion.label),
        status=criterion.status.value,
        status_text=_(STATUS_WORDS[criterion.kind][criterion.status]),
        explanation=_(criterion.explanation),
        sources=_.join(source_name(s) for s in criterion.sources),
    )


def _item_finding(
    option_label: str | None, detail: str, missing: tuple[str, ...], _: Translator
) -> str:
    if missing:
        return _("missing: %(fields)s", fields=_.join(_(field_title(m)) for m in missing))
    option_label = _(option_label) if option_label else option_label
    detail = _(detail)
    parts = [p for p in (option_label, detail) if p]
    if len(parts) == 2 and parts[1] != parts[0]:
        return _.bracketed(parts[0], parts[1])
    return parts[0] if parts else ""


def _score_section(score: ScoreResult, _: Translator) -> ScoreSection:
    band = score.band
    items = tuple(
        ItemLine(
            label=_(item.label),
            finding=_item_finding(
                item.option.label if item.option is not None else None,
                item.detail,
                item.missing,
                _,
            ),
            points_min=item.points_min,
            points_max=item.points_max,
            missing=tuple(_(field_title(m)) for m in item.missing),
            source=_(item.source.key),
        )
        for item in score.items
    )
    return ScoreSection(
        key=score.key,
        name=_(score.name),
        total=score.total,
        total_min=score.total_min,
        total_max=score.total_max,
        max_points=max(b.high for b in score.bands),
        incomplete=score.incomplete,
        band_label=_(band.label) if band is not None else None,
        band_meaning=_(band.meaning) if band is not None else None,
        survival=tuple(_survival(s, _) for s in band.survival) if band is not None else (),
        missing=tuple(_(field_title(m)) for m in score.missing),
        items=items,
        source=_(score.source.key),
        language=_.language,
    )


def _survival(figure: SurvivalFigure, _: Translator) -> str:
    """A published survival figure, "(provisional)" when its decimal is not confirmed."""
    if _.language == "en":
        return str(figure)
    values = {"horizon": _(figure.horizon), "percent": f"{figure.percent:g}"}
    if figure.verified:
        return _("%(horizon)s: %(percent)s %%", **values)
    return _("%(horizon)s: %(percent)s %% (provisional)", **values)


def _model_details(manifest: Manifest | None, _: Translator) -> tuple[str, ...]:
    """A few facts from the model file that let a reader identify and weigh the model."""
    if manifest is None:
        return ()
    training, metrics = manifest.training_data, manifest.metrics
    internal = _(
        "Internal metrics: apparent AUC %(apparent)s; optimism-corrected AUC %(corrected)s; "
        "events per variable %(epv)s",
        apparent=f"{metrics.apparent_auc:.2f}",
        corrected=f"{metrics.optimism_corrected_auc:.2f}",
        epv=f"{metrics.events_per_variable:.1f}",
    )
    return (
        _(
            "Headline: %(method)s (shrinkage factor %(shrinkage)s)",
            method=_(manifest.adjusted.method),
            shrinkage=f"{manifest.adjusted.shrinkage:.2f}",
        ),
        _(
            "As published (not adjusted for optimism): %(method)s",
            method=_(manifest.published.method),
        ),
        _(
            "Training data: %(rows)s rows, %(events)s poor outcomes",
            rows=training.rows,
            events=training.events,
        ),
        _("Training data SHA-256: %(sha)s", sha=training.sha256),
        _("Model file SHA-256: %(sha)s", sha=manifest.file_sha256),
        internal,
        _("Fitted with %(versions)s", versions=_.join(f"{k} {v}" for k, v in manifest.versions)),
    )


def build_report(
    case: PatientCase,
    scores: CaseScores,
    prediction: Prediction | None,
    manifest: Manifest | None,
    *,
    generated: date,
    app_version: str,
    model_version: str,
    label: str | None = None,
    identifier: str | None = None,
    clinician: str | None = None,
    data_date: date | None = None,
    input_errors: Sequence[str] = (),
    language: str = "en",
) -> CaseReport:
    """The report of one case; ``prediction`` None (no model) still gives a full report.

    ``label``, ``identifier``, ``clinician`` and ``data_date`` are the optional filing
    fields the user typed: they go into the report (cleaned, one line each) and nowhere
    else; nothing in this package logs or stores them. ``input_errors`` are the problems
    of values the page could not accept (and so left out of ``case``); the report lists
    them so that a left-out value is never mistaken for one that was not recorded.
    ``language`` (``"en"`` or ``"ja"``) is the language of every text of the report;
    numbers, units, codes and citations do not change with it.
    """
    _ = translator(language)
    recorded, empty = _inputs(case, _)
    probability = ci_low = ci_high = None
    reason: str | None = _(NO_MODEL_REASON)
    contributions: tuple[ContributionLine, ...] = ()
    reference, provenance = "", _(PROVENANCE)
    warnings: tuple[str, ...] = ()
    if prediction is not None:
        # the program's own sentence is translated; a file's other wording stays as it is
        provenance = _(prediction.provenance or PROVENANCE)
        description = getattr(prediction.reference, "values", {}).get("reference")
        if isinstance(description, str):  # the model's Message: its description, translated
            reference = _(description)
        else:
            reference = _(_REFERENCE_PREFIX.sub("", prediction.reference))
        warnings = tuple(_(w) for w in prediction.warnings)
        if prediction.probability is not None:
            if prediction.ci_low is None or prediction.ci_high is None:
                raise ValueError("a probability without its 95% interval cannot be reported")
            probability, ci_low, ci_high = (
                prediction.probability,
                prediction.ci_low,
                prediction.ci_high,
            )
            reason = None
            contributions = tuple(
                ContributionLine(
                    _(c.label), _(c.value_text), _(c.reference_text), c.log_odds, language
                )
                for c in prediction.contributions
            )
        else:
            why = _(prediction.reason or N_("the model does not apply to this case"))
            reason = _("No probability is reported. %(why)s", why=why)
    return CaseReport(
        title=_(TITLE),
        label=clean_label(label),
        identifier=clean_free_text(identifier, FIELD_MAX_CHARS),
        clinician=clean_free_text(clinician, FIELD_MAX_CHARS),
        data_date=data_date,
        generated=generated,
        app_version=app_version,
        model_version=_.gettext(model_version),
        intended_use=_(INTENDED_USE),
        inputs=recorded,
        not_recorded=empty,
        input_errors=tuple(
            text for e in input_errors if (text := clean_free_text(e, ERROR_MAX_CHARS))
        ),
        scores=tuple(_score_section(s, _) for s in scores.all_scores),
        criteria=tuple(_criterion_line(c, _) for c in scores.criteria),
        outcome=_(OUTCOME_TEXT),
        outcome_definition=_(OUTCOME_DEFINITION),
        caveats=tuple(_(c) for c in MODEL_CAVEATS),
        model_name=_(MODEL_NAME),
        probability=probability,
        ci_low=ci_low,
        ci_high=ci_high,
        no_probability_reason=reason,
        contributions=contributions,
        reference=reference,
        warnings=warnings,
        provenance=provenance,
        source_study=SOURCE_STUDY,
        model_details=_model_details(manifest, _),
        language=language,
        **(_ranges(prediction) if reason is None and prediction is not None else {}),
    )


def _ranges(prediction: Prediction) -> dict[str, float | None]:
    """The unadjusted figure and the two further ranges the prediction carries."""
    return {
        "published_probability": prediction.published_probability,
        "published_ci_low": prediction.published_ci_low,
        "published_ci_high": prediction.published_ci_high,
        "reconstruction_low": prediction.reconstruction_low,
        "reconstruction_high": prediction.reconstruction_high,
        "instability_low": prediction.instability_low,
        "instability_high": prediction.instability_high,
    }


def file_stem(when: datetime, label: str | None = None) -> str:
    """A download file name without extension: the date and time to the second, then the
    case label if one was typed, reduced to letters, digits, ``.``, ``_`` and ``-`` (any
    script) so it is a safe name on every system. Two reports of one day therefore get two
    names. The patient identifier and the clinician never go into a file name (names end
    up in download histories).
    """
    stem = f"case-report-{when.strftime('%Y-%m-%d-%H%M%S')}"
    cleaned = clean_label(label)
    if cleaned:
        slug = _UNSAFE_IN_NAME.sub("-", cleaned).strip("-._")[:STEM_LABEL_CHARS].strip("-._")
        if slug:
            stem = f"{stem}-{slug}"
    return stem
