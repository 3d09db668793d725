"""Rendering the domain API's answers: score metrics, breakdowns, probability, checklist.

Every number shown here comes from ``scoring.score_case`` or ``models.predict``; these
helpers only choose words and layout. The metric labels are fixed strings shared by the
calculator, the tumor board and the browser tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import streamlit as st

from app_pages.ui import charts
from app_pages.ui.language import session_translator
from i18n import N_
from scoring.case import field_title
from scoring.indications import Criterion, Kind, Status
from scoring.katagiri import BANDS as KATAGIRI_BANDS
from scoring.katagiri import SURVIVAL_NOTE
from scoring.result import Band, ScoreResult, band_for
from scoring.score_id import ScoreId

if TYPE_CHECKING:
    from app_pages.ui.model import ModelStatus
    from models.predict import Contribution, Prediction
    from scoring import CaseScores, PatientCase

#: Each score's short label by its key (read from :class:`scoring.score_id.ScoreId`).
SCORE_LABELS: Final = {score.value: score.label for score in ScoreId}
PROBABILITY_LABEL: Final = N_("Poor-outcome probability")
#: What the probability is the probability of, said where the number is (one sentence).
OUTCOME_DEFINITION: Final = N_(
    "Poor outcome: no improvement, or re-deterioration, of ECOG PS or EQ-5D within 3 months "
    "of surgery."
)
NOTHING: Final = "—"
# An indication met is a reason for surgery; a contraindication is read the other way
# round: absent is the reassuring answer, present the one to act on. Words carry the
# meaning, the symbols only repeat it.
_STATUS_TEXT: Final = {
    Kind.INDICATION: {
        Status.MET: N_("✓ Met"),
        Status.NOT_MET: N_("○ Not met"),
        Status.UNKNOWN: N_("? Not recorded"),
    },
    Kind.CONTRAINDICATION: {
        Status.MET: N_("⚠ Present"),
        Status.NOT_MET: N_("✓ Absent"),
        Status.UNKNOWN: N_("? Not recorded"),
    },
    Kind.RADICAL_RESECTION: {
        Status.MET: N_("✓ Met"),
        Status.NOT_MET: N_("○ Not met"),
        Status.UNKNOWN: N_("? Not recorded"),
    },
}
_KIND_HEADINGS: Final = {
    Kind.INDICATION: N_("Indications stated in the papers"),
    Kind.CONTRAINDICATION: N_("Contraindication stated in the cohort study"),
    Kind.RADICAL_RESECTION: N_("Conditions the review states for considering radical resection"),
}


# -- words for numbers -------------------------------------------------------------------
def score_value(result: ScoreResult) -> str:
    """The metric value: the total, a range "5–6", or "—" when no item is known."""
    if all(item.missing and item.option is None for item in result.items):
        return NOTHING
    if result.total is not None:
        return str(result.total)
    low, high = result.total_min, result.total_max
    return str(low) if low == high else f"{low}–{high}"


def percent(probability: float) -> str:
    """A probability as a whole percentage, e.g. "34 %": the reports' one rule
    (``reports.format``), which the frequency sentence uses too (``models.wording``)."""
    from reports.format import percent as _percent

    return _percent(probability)


def interval_text(low: float, high: float) -> str:
    """The 95% interval in the words the screen uses, e.g. "95% CI 12–61 %"."""
    from reports.format import interval_text as english_interval

    return session_translator().gettext(english_interval(low, high))


#: What each range on the bar means, in plain words (the legend under the probability).
RANGE_LEGEND: Final = N_(
    "Headline: the optimism-adjusted model. Shaded band: 95 % interval (chance in a sample "
    "of 46). Thin line above: the range across reconstructions of the study's patients that "
    "fit its tables equally well. Thin line below: the range when the model is refitted to "
    "resampled patients (instability)."
)


def _frequency_sentence(probability: float) -> str:
    """The natural frequency as a sentence, in the session's language: the report's own
    sentence (one wording and rounding for screen and files)."""
    from reports.case_report import frequency_sentence

    return frequency_sentence(probability, session_translator())


def uncertainty(prediction: Prediction) -> None:
    """The frequency sentence, the three ranges in words and the unadjusted model one tap
    away (shared by the calculator and the tumor board)."""
    from models.wording import range_text

    if prediction.probability is None:
        return
    _ = session_translator()
    st.markdown(f"**{_frequency_sentence(prediction.probability)}**")
    lines = []
    if prediction.reconstruction_low is not None and prediction.reconstruction_high is not None:
        span = range_text(prediction.reconstruction_low, prediction.reconstruction_high)
        lines.append(_("Across reconstructions: %(span)s", span=span))
    if prediction.instability_low is not None and prediction.instability_high is not None:
        span = range_text(prediction.instability_low, prediction.instability_high)
        lines.append(_("Refitted to resampled patients: %(span)s", span=span))
    if lines:
        st.markdown(" · ".join(lines))
    st.caption(_(RANGE_LEGEND))
    if prediction.published_probability is not None:
        with st.expander(_("As published (not adjusted for optimism)")):
            published = percent(prediction.published_probability)
            low, high = prediction.published_ci_low, prediction.published_ci_high
            if low is not None and high is not None:
                published = _.bracketed(published, interval_text(low, high))
            st.markdown(
                _(
                    "**%(published)s**: the model as it reproduces the paper's Table 4. Its "
                    "predictions are too extreme for new patients (too high when high, too low "
                    "when low), which is why the headline is adjusted.",
                    published=published,
                )
            )


def missing_text(result: ScoreResult) -> str:
    """The fields a score still needs, by their on-screen titles."""
    _ = session_translator()
    return _.join(_(field_title(name)) for name in result.missing)


def band_text(result: ScoreResult) -> str:
    """The band and its published meaning, or why there is no band yet."""
    _ = session_translator()
    if score_value(result) == NOTHING:
        return _("Nothing recorded for this score yet.")
    band = result.band
    if band is not None:
        return _.bracketed(_(band.meaning), f"{band.low}–{band.high}")
    low = _(band_for(result.bands, result.total_min).label)
    high = _(band_for(result.bands, result.total_max).label)
    return _("Band not determined: the range spans %(low)s to %(high)s.", low=low, high=high)


def top_contributions(prediction: Prediction, count: int = 3) -> tuple[Contribution, ...]:
    """The predictors that move this patient's log-odds most, largest first."""
    ranked = sorted(prediction.contributions, key=lambda c: abs(c.log_odds), reverse=True)
    return tuple(ranked[:count])


def effect_words(log_odds: float) -> str:
    """A contribution's direction and size in clinical words, not log-odds.

    "Strongly" when the predictor at least doubles or halves the odds (|log-odds| ≥ 0.7),
    "slightly" under a third of that; the exact numbers stay on the calculator's chart.
    """
    _ = session_translator()
    size = abs(log_odds)
    if size < 0.005:
        return _("does not change the risk")
    if log_odds > 0:
        if size >= 0.7:
            return _("strongly raises the risk")
        return _("slightly raises the risk") if size < 0.25 else _("raises the risk")
    if size >= 0.7:
        return _("strongly lowers the risk")
    return _("slightly lowers the risk") if size < 0.25 else _("lowers the risk")


def contribution_sentence(contribution: Contribution) -> str:
    """One contribution in clinical words, direction explicit (colour alone must not carry
    it): "Level of the main lesion: cervicothoracic junction (C7–T1), raises the risk
    (compared with middle cervical (C3–C6))"."""
    _ = session_translator()
    return _(
        "%(label)s: %(value)s, %(effect)s (compared with %(reference)s)",
        label=charts.contribution_label(contribution),
        value=_(contribution.value_text),
        effect=effect_words(contribution.log_odds),
        reference=_(contribution.reference_text),
    )


def table_cell(text: object) -> str:
    """Text safe inside a Markdown table cell (no column break, no line break)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


# -- scores ------------------------------------------------------------------------------
def score_metric(result: ScoreResult) -> None:
    """The score's metric with its band, or the fields it is missing, right under it."""
    _ = session_translator()
    st.metric(_(SCORE_LABELS[result.key]), score_value(result), border=True)
    st.markdown(f"**{table_cell(band_text(result))}**")
    if result.missing:
        st.caption(_("Missing: %(fields)s", fields=missing_text(result)))


def score_breakdown(result: ScoreResult) -> None:
    """Item table (item, answer, points, source), the band's published meaning, notes."""
    _ = session_translator()
    header = (_("Item"), _("Answer"), _("Points"), _("Source"))
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|---|"]
    for item in result.items:
        detail = _(item.detail)
        if item.option is not None:
            answer = _(item.option.label)
            if detail and detail not in answer:
                answer = _.bracketed(answer, detail)
        else:
            answer = _(
                "Not recorded: %(fields)s",
                fields=_.join(_(field_title(n)) for n in item.missing),
            )
            if detail:
                answer = _.join_items((detail, answer))
        points = (
            str(item.points)
            if item.points is not None
            else (f"{item.points_min}–{item.points_max}")
        )
        label, shown = table_cell(_(item.label)), table_cell(answer)
        rows.append(f"| {label} | {shown} | {points} | {_(item.source.key)} |")
    total = score_value(result)
    total_label = _("Total")
    rows.append(f"| **{total_label}** | | **{total}** | |")
    st.markdown("\n".join(rows))
    st.markdown(band_text(result))
    band = result.band
    if band is not None and band.survival:
        figures = survival_text(band)
        st.markdown(_("Published survival in this band: %(figures)s.", figures=figures))
        st.caption(_(SURVIVAL_NOTE))
    for note in result.notes:
        st.caption(_("Published note: %(note)s", note=_(note)))
    sources = {item.source for item in result.items} | {result.source}
    st.caption(_("Sources: %(sources)s", sources=" · ".join(sorted(str(s) for s in sources))))


def more_scores(scores: CaseScores) -> None:
    """Tomita and the modified Bauer score, beside the cohort study's three: same metric
    convention, in a row of their own (they are not predictors of the model)."""
    extra = (scores.tomita, scores.bauer)
    for column, result in zip(st.columns(len(extra)), extra, strict=True):
        with column:
            score_metric(result)


def score_tabs(scores: CaseScores) -> None:
    """Each score's breakdown one tap away, in the order the metrics show them."""
    _ = session_translator()
    tabs = st.tabs(
        [_("%(score)s breakdown", score=_(SCORE_LABELS[s.key])) for s in scores.all_scores]
    )
    for tab, result in zip(tabs, scores.all_scores, strict=True):
        with tab:
            score_breakdown(result)


# -- probability -------------------------------------------------------------------------
def probability_metric(
    status: ModelStatus,
    prediction: Prediction | None,
    case: PatientCase,
    *,
    qualifiers: bool = True,
) -> None:
    """The probability with its interval text, or "—" with the reason beside it.

    The reason is said in field titles; a level outside the cohort's C1–T1 is said
    separately because completing the case would not give a probability either.
    """
    _ = session_translator()
    if status.message is not None or prediction is None:
        st.metric(_(PROBABILITY_LABEL), NOTHING, border=True)
        outcome_definition()
        st.error(_(status.message or N_("The poor-outcome model is not available.")))
    elif prediction.probability is None:
        st.metric(_(PROBABILITY_LABEL), NOTHING, border=True)
        outcome_definition()
        level = case.lesion_level
        if prediction.missing and level is not None and level.lesion_group is None:
            from models.features import OUTSIDE_C1_T1

            reason = _(OUTSIDE_C1_T1).format(level=level.value)
            st.info(_("No probability: %(reason)s", reason=reason))
        elif prediction.missing:
            st.info(
                _(
                    "No probability yet: the model needs all five of its predictors exactly "
                    "(sex, vertebral level, Frankel grade, and complete revised Tokuhashi and "
                    "new Katagiri totals). Still needed: %(fields)s.",
                    fields=_.join(_(field_title(n)) for n in prediction.missing),
                )
            )
        else:
            reason = _(prediction.reason) if prediction.reason else ""
            st.info(_("No probability: %(reason)s", reason=reason))
    else:
        st.metric(_(PROBABILITY_LABEL), percent(prediction.probability), border=True)
        outcome_definition()
    if qualifiers:
        probability_qualifiers(status, prediction)


def probability_number(
    status: ModelStatus, prediction: Prediction | None, case: PatientCase
) -> None:
    """The probability metric, its definition and why there is none, without the
    qualifiers (the tumor board lays those out beside it in a row of their own)."""
    if status.message is None and prediction is not None and prediction.probability is not None:
        st.metric(
            session_translator()(PROBABILITY_LABEL), percent(prediction.probability), border=True
        )
        outcome_definition()
        return
    probability_metric(status, prediction, case, qualifiers=False)


def probability_qualifiers(status: ModelStatus, prediction: Prediction | None) -> None:
    """What qualifies the number: its interval in words, the frequency and the ranges,
    the unadjusted model one tap away, and the model's provenance."""
    _ = session_translator()
    if prediction is not None and prediction.probability is not None:
        if prediction.ci_low is not None and prediction.ci_high is not None:
            interval = interval_text(prediction.ci_low, prediction.ci_high)
            st.markdown(f"**{interval}**")
        uncertainty(prediction)
    if status.provenance:
        st.caption(_("Model: %(provenance)s", provenance=_(status.provenance)))


def outcome_definition() -> None:
    """The outcome's definition, right under the number it defines."""
    _ = session_translator()
    with st.container(key="outcome_definition"):
        st.markdown(f"**{_(OUTCOME_DEFINITION)}**")


def model_quality(status: ModelStatus) -> None:
    """How sure the model can be, from its manifest, at the point of use."""
    if status.model is None:
        return
    _ = session_translator()
    manifest = status.model.manifest
    metrics, data = manifest.metrics, manifest.training_data
    parts = [
        _("%(rows)s patients, %(events)s poor outcomes", rows=data.rows, events=data.events),
        _("optimism-corrected AUC %(auc)s", auc=f"{metrics.optimism_corrected_auc:.2f}"),
        _("shrinkage factor applied %(factor)s", factor=f"{manifest.adjusted.shrinkage:.2f}"),
        _("events per variable %(epv)s", epv=f"{metrics.events_per_variable:.1f}"),
    ]
    if parts:
        st.caption(_("How sure (internal validation only): %(parts)s.", parts=_.join(parts)))


def model_warnings(prediction: Prediction | None) -> None:
    """Where this patient lies outside the cohort the model was fitted on."""
    _ = session_translator()
    for warning in prediction.warnings if prediction is not None else ():
        st.warning(_(warning))


def probability_details(prediction: Prediction | None, key_prefix: str) -> None:
    """The interval bar and the contribution chart, with the reference patient in words."""
    if prediction is None or prediction.probability is None:
        return
    if prediction.ci_low is not None and prediction.ci_high is not None:
        charts.interval_bar(
            prediction.probability,
            prediction.ci_low,
            prediction.ci_high,
            key=f"{key_prefix}_interval",
            reconstruction=(prediction.reconstruction_low, prediction.reconstruction_high),
            instability=(prediction.instability_low, prediction.instability_high),
        )
    if prediction.contributions:
        _ = session_translator()
        st.markdown("**" + _("What moves this estimate") + "**")
        charts.contribution_bars(prediction.contributions, key=f"{key_prefix}_contributions")
        st.caption(
            _(prediction.reference)
            + " "
            + _(
                "Each bar is the predictor's share of the log-odds of a poor outcome relative "
                "to that patient: to the right (orange) it raises the odds, to the left "
                "(blue) it lowers them."
            )
        )


# -- indications -------------------------------------------------------------------------
def criteria_checklist(criteria: Sequence[Criterion]) -> None:
    """The papers' indications and cautions as met / not met / unknown, with sources."""
    _ = session_translator()
    st.caption(
        _(
            "What the two papers state, checked against this case: a checklist for the "
            "discussion, not a recommendation."
        )
    )
    for kind, heading in _KIND_HEADINGS.items():
        group = [c for c in criteria if c.kind is kind]
        if not group:
            continue
        st.markdown(f"**{_(heading)}**")
        st.markdown("\n".join(_criterion_line(c) for c in group))


#: One criterion of the checklist as a Markdown list item (Japanese puts the sources in
#: full-width brackets, the emphasis inside them so that Markdown still sees it).
CRITERION_LINE: Final = N_("**%(status)s**: %(sentence)s%(why)s *(%(sources)s)*")


def _provisional_survival(text: str) -> str:
    """Tag a Katagiri survival figure quoted in a criterion as provisional, as the score's
    own breakdown does, when the band's figure for that horizon is not verified."""
    unverified = {
        figure.horizon.replace(" months", "-month").replace(" year", "-year")
        for band in KATAGIRI_BANDS
        for figure in band.survival
        if not figure.verified
    }

    def tag(match: re.Match[str]) -> str:
        return f"{match.group(0)} (provisional)" if match.group(1) in unverified else match.group(0)

    return re.sub(r"\d+(?:\.\d+)? % (\d+-(?:month|year)) survival", tag, text)


def status_text(criterion: Criterion) -> str:
    """The status in words, read the right way round for the criterion's kind."""
    _ = session_translator()
    return _(_STATUS_TEXT[criterion.kind][criterion.status])


def _criterion_line(criterion: Criterion) -> str:
    _ = session_translator()
    sources = _.join(_(s.key) for s in criterion.sources)
    english = str(criterion.explanation)
    tagged = _provisional_survival(english)
    if _.language == "en" or not english:
        shown = tagged
    else:
        shown = _(criterion.explanation)
        if tagged != english:
            shown = _("%(sentence)s (the survival figure is provisional)", sentence=shown)
    why = f" {shown}" if shown else ""
    label = _("%(sentence)s.", sentence=_(criterion.label))
    return "- " + _(
        CRITERION_LINE,
        status=status_text(criterion),
        sentence=table_cell(label),
        why=table_cell(why),
        sources=sources,
    )


def errors_box(errors: Iterable[str]) -> None:
    """Validation problems, above the results, with what was done about them."""
    lines = list(errors)
    if lines:
        _ = session_translator()
        st.error(
            _("Some values could not be used and are treated as not recorded until corrected:")
            + "\n"
            + "\n".join(f"- {line}" for line in lines)
        )


def survival_text(band: Band) -> str:
    """A band's published survival figures in the session's language, each unverified one
    tagged "(provisional)" (the breakdown and the learn page write them the same way)."""
    _ = session_translator()
    return _.join_items(
        _("%(horizon)s: %(percent)s %%", horizon=_(f.horizon), percent=f"{f.percent:g}")
        if f.verified
        else _(
            "%(horizon)s: %(percent)s %% (provisional)",
            horizon=_(f.horizon),
            percent=f"{f.percent:g}",
        )
        for f in band.survival
    )
