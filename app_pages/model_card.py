"""Model card: what the poor-outcome model is, where every number comes from, how far it goes.

Why this page: a surgeon who sees a probability on the calculator must be able to check
exactly what produced it. It is written for a surgeon first: a one-screen plain summary
(what it predicts, from what, how good, how sure, when not to use it), then the statistics
with one AUC and one calibration slope per meaning, the model's own uncertainty
(shrinkage distribution, prediction- and calibration-instability plots, MAPE; Riley &
Collins 2023), then what TRIPOD and TRIPOD+AI ask a prediction-model report to state.
Every number is read from the model file, the transcribed tables (:mod:`models.published`),
the outcome definitions and the committed reconstruction files; :mod:`models.card`
assembles that content without Streamlit. A department can upload its own cohort and see
the same measures on it; the file is validated in memory and dropped.

If the model file is refused (not the pinned shipped file, invalid, or its numbers do not
follow from its own data), the page says so and still shows the published tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import streamlit as st

from app_pages.ui import model_card_parts as parts
from app_pages.ui.language import session_translator, uploader_texts
from i18n import N_
from models import card
from models import published as pub

if TYPE_CHECKING:
    from models.manifest import Manifest
    from models.predict import PoorOutcomeModel
    from models.validate import ValidationResult


#: What the provenance line says when the model code itself could not be imported.
NO_PROVENANCE: Final = N_("not available: the model module could not be imported.")


@st.cache_data(show_spinner=False, max_entries=4)
def _pseudo_cohort_validation(
    csv_sha256: str, artifact_sha256: str, _model: PoorOutcomeModel
) -> ValidationResult:
    """The model on its committed pseudo-cohort (apparent performance), once per file pair.

    Keyed by both SHA-256 values, so a retrained model or a new cohort file is never
    served an old result. Only the committed file is cached here, never an upload. The
    spinner is the caller's (its text is in the session's language).
    """
    import pandas as pd

    from models.validate import validate_frame

    del artifact_sha256  # part of the cache key only
    frame = pd.read_csv(card.PSEUDO_COHORT_CSV)
    return validate_frame(_model, frame, training_sha256=csv_sha256, published=True)


def _bullets(lines: Iterable[str]) -> str:
    """A Markdown list of ``lines``, each in the session's language."""
    _ = session_translator()
    return "\n".join(f"- {_(line)}" for line in lines)


def _section_summary(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("In one screen"))
    if manifest is None:
        st.info(_("The summary needs a verified model (see the message above)."))
        return
    lines = [
        (_("%(sentence)s.", sentence=_(item)), _(text))
        for item, text in card.surgeon_summary(manifest)
    ]
    st.markdown("\n".join(f"- **{item}** {text}" for item, text in lines))
    st.caption(_(card.HEADLINE_LINE))


def _section_statistics(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Statistics: one number per meaning"))
    if manifest is None:
        st.info(_("The statistics need a verified model (see the message at the top)."))
        return
    st.subheader(_("Discrimination (AUC)"))
    parts.measures_table(card.discrimination(manifest, card.read_json(card.ENSEMBLE_SUMMARY_JSON)))
    st.subheader(_("Calibration and stability"))
    parts.measures_table(card.calibration_measures(manifest))


@st.cache_data(show_spinner=False, max_entries=4)
def _instability(file_sha256: str, _manifest: Manifest) -> card.Instability:
    """The plots' inputs, once per model file (keyed by its verified SHA-256)."""
    del file_sha256  # the cache key only
    return card.instability(_manifest)


def _section_model_uncertainty(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("How stable the model is"))
    if manifest is None:
        st.info(_("These plots need a verified model (see the message at the top)."))
        return
    st.markdown(
        _(
            "The shrinkage factor is itself an estimate (Riley et al. 2021): the histogram "
            "shows the bootstrap calibration slopes whose mean it is. The instability plots "
            "refit the whole adjusted procedure to resampled patients (Riley & Collins 2023): "
            "the vertical spread is how much a patient's probability depends on which "
            "patients the model saw."
        )
    )
    parts.shrinkage_chart(
        manifest.metrics.shrinkage_bootstrap, manifest.adjusted.shrinkage, key="card_shrinkage"
    )
    data = _instability(manifest.file_sha256, manifest)
    left, right = st.columns(2)
    with left:
        parts.prediction_instability_chart(data.original, data.refits, key="card_pred_instab")
    with right:
        parts.calibration_instability_chart(data.grid, data.curves, key="card_cal_instab")


def _section_tripod_ai(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Use, inputs and availability (TRIPOD+AI)"))
    parts.pairs_table(card.tripod_ai_rows(manifest), (N_("Item"), N_("Statement")))


def _section_intended_use() -> None:
    _ = session_translator()
    st.header(_("Intended use and users"))
    st.markdown(_bullets(card.INTENDED_USE))
    users = _("Users")
    st.markdown(f"**{users}**")
    st.markdown(_bullets(card.INTENDED_USERS))


def _section_source_study() -> None:
    _ = session_translator()
    st.header(_("Source study"))
    parts.pairs_table(card.study_rows(), (N_("Item"), N_("Source study")))
    st.subheader(_("Outcome"))
    parts.pairs_table(card.outcome_rows(), (N_("Item"), N_("Outcome definition")))


def _section_pseudo_cohort(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("The pseudo-cohort: how it was made, what it can and cannot stand for"))
    for paragraph in card.PSEUDO_COHORT_MADE:
        st.markdown(_(paragraph))
    can, cannot = _("What it can stand for."), _("What it cannot stand for.")
    st.markdown(f"**{can}** {_(card.PSEUDO_COHORT_CAN)}")
    st.markdown(f"**{cannot}** {_(card.PSEUDO_COHORT_CANNOT)}")
    summary = card.read_json(card.ENSEMBLE_SUMMARY_JSON)
    st.subheader(_("Across independent pseudo-cohorts"))
    if summary is None:
        st.info(
            _(
                "The summary of the independent reconstructions is not in this "
                "installation, so the range of the intercept, AUC and Brier score over "
                "independent pseudo-cohorts cannot be shown."
            )
        )
    else:
        ensemble = card.ensemble_ranges(summary, manifest)
        st.markdown(_(ensemble.sentence))
        parts.rows_table(ensemble.rows)


def _section_equation(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Predictors and equation"))
    column = N_("Column")
    parts.rows_table(
        [
            {N_("Predictor"): p.label, column: p.name, N_("Coding"): p.coding}
            for p in card.predictors(manifest)
        ],
        verbatim=(column,),
    )
    st.caption(_(card.MISSING_DATA))
    if manifest is None:
        return
    eq = card.equation(manifest)
    st.markdown(
        _(
            "The headline (optimism-adjusted) model, with every coefficient as stored in the "
            "model file (published slopes × %(shrinkage)s, intercept re-estimated so the mean "
            "predicted risk equals the observed %(events)s/%(rows)s):",
            shrinkage=card.fmt(manifest.adjusted.shrinkage),
            events=manifest.training_data.events,
            rows=manifest.training_data.rows,
        )
    )
    st.code(f"{_(eq.linear_predictor)}\n{_(eq.probability)}", language=None, wrap_lines=True)
    published = card.equation(manifest, published=True)
    with st.expander(_("As published (not adjusted for optimism)")):
        st.code(
            f"{_(published.linear_predictor)}\n{_(published.probability)}",
            language=None,
            wrap_lines=True,
        )
    symbols = [
        _(
            "**%(symbol)s** = %(label)s (%(coding)s)",
            symbol=_(card.EQUATION_SYMBOLS.get(p.name, p.name)),
            label=_(p.label),
            coding=_(p.coding),
        )
        for p in card.predictors(manifest)
    ]
    st.markdown(_("where %(symbols)s.", symbols=_(card.SYMBOL_SEPARATOR).join(symbols)))
    st.caption(
        _(
            "Each ordinal predictor has one coefficient per step: one step of lesion level "
            "(upper → middle → CTJ) or of Frankel group (A/B → C/D → E) multiplies the odds "
            "by the same odds ratio. Scores enter as points."
        )
    )


def _section_odds_ratios(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Odds ratios beside the paper's Table 4"))
    if manifest is None:
        st.markdown(_("Table 4 as printed (no verified model to compare with):"))
        parts.rows_table(card.table4_rows())
        return
    rows = card.odds_ratio_rows(manifest)
    parts.rows_table(card.odds_ratio_display(rows))
    reproduced = sum(r.reproduces for r in rows)
    st.caption(
        _(
            "%(reproduced)s of %(rows)s rows reproduce Table 4. %(tolerance)s Model intervals "
            "are Wald intervals from the manifest's covariance matrix (inverse Fisher "
            "information), as the paper's SPSS output is.",
            reproduced=reproduced,
            rows=len(rows),
            tolerance=_(card.table4_tolerance_text()),
        )
    )


def _section_coding_evidence() -> None:
    _ = session_translator()
    st.header(_("Why this coding: the evidence"))
    evidence = card.read_json(card.CODING_EVIDENCE_JSON)
    if evidence is None:
        st.info(
            _(
                "The search results for the coding of lesion level are not in this "
                "installation; the conclusion is stated in the last correction below."
            )
        )
        return
    summary = card.coding_evidence(evidence)
    st.markdown(_(summary.sentence))
    parts.rows_table(summary.rows)


def _section_sample_size(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Sample size: events per variable"))
    if manifest is None:
        events, k = pub.N_POOR, len(pub.FEATURES)
        st.metric(_("Events per variable (paper)"), f"{events / k:.1f}")
        return
    epv = card.events_per_variable(manifest)
    smaller = min(epv.events, epv.non_events)
    st.metric(
        _("Events per variable"),
        f"{epv.value:.1f}",
        help=_(
            "%(smaller)s in the smaller outcome group / %(predictors)s predictors",
            smaller=smaller,
            predictors=epv.predictors,
        ),
    )
    st.markdown(
        _(
            "%(events)s poor outcomes and %(non_events)s good outcomes for %(predictors)s "
            "predictors: %(smaller)s / %(predictors)s = %(epv)s. What that implies:",
            events=epv.events,
            non_events=epv.non_events,
            predictors=epv.predictors,
            smaller=smaller,
            epv=f"{epv.value:.1f}",
        )
    )
    st.markdown(_bullets(epv.implications))


def _section_performance(model: PoorOutcomeModel | None) -> None:
    _ = session_translator()
    st.header(_("Performance"))
    if model is None:
        st.info(_("Performance needs a verified model (see the message at the top)."))
        return
    perf = card.performance(model.manifest)
    st.caption(
        _(
            "Optimism of the AUC: %(optimism)s. Optimism correction: %(method)s, %(usable)s "
            "of %(reps)s bootstrap refits usable, from a fixed random starting point (so the "
            "numbers are the same on every run). Apparent values are measured on the "
            "committed pseudo-cohort the model was fitted to.",
            optimism=card.fmt(perf.optimism_auc, 3),
            method=_(perf.method),
            usable=perf.usable_reps,
            reps=perf.bootstrap_reps,
        )
    )
    st.subheader(_("On the pseudo-cohort (apparent performance)"))
    if not card.PSEUDO_COHORT_CSV.is_file():
        st.info(_("The pseudo-cohort file is not in this installation; no plots can be drawn."))
        return
    data = card.PSEUDO_COHORT_CSV.read_bytes()
    csv_sha = card.sha256_bytes(data)
    if csv_sha != model.manifest.training_data.sha256:
        st.warning(
            _(
                "The pseudo-cohort file in this installation is not the file the model was "
                "trained on (their SHA-256 differ); the plots below describe that file."
            )
        )
    with st.spinner(_("Validating the model on the pseudo-cohort…")):
        result = _pseudo_cohort_validation(csv_sha, model.sha256, model)
    st.markdown(
        _(
            "As published (not adjusted for optimism), on its own training data; the "
            "headline model's calibration slope there is 1 / %(shrinkage)s by construction.",
            shrinkage=card.fmt(model.manifest.adjusted.shrinkage),
        )
    )
    st.caption(
        _(
            "These plots describe one pseudo-cohort, the one the model was fitted to: they "
            "show how the fitted equation behaves on it, not how it would do on new patients. "
            "On its own training data a maximum-likelihood logistic model has calibration "
            "intercept 0 and slope 1 by construction."
        )
    )
    parts.validation_summary(result, key="card_pseudo")


def _section_corrections() -> None:
    _ = session_translator()
    st.header(_("Corrections made to the printed tables"))
    st.markdown("\n".join(f"{i}. {_(text)}" for i, text in enumerate(pub.CORRECTIONS, start=1)))


def _section_published_tables() -> None:
    _ = session_translator()
    st.header(_("The published tables"))
    with st.expander(_("Table 1: patients at surgery (as printed)")):
        parts.rows_table(card.table1_rows())
    with st.expander(_("Table 3: univariate analysis, as reproduced (sex rows corrected)")):
        parts.rows_table(card.table3_rows())
    with st.expander(_("Table 3 exactly as printed")):
        parts.rows_table(card.table3_rows(printed=True))
    with st.expander(_("Table 4: multivariable logistic regression (as printed)")):
        parts.rows_table(card.table4_rows())


def _section_limitations(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("Limitations"))
    st.markdown(_bullets(card.limitations(manifest)))


def _section_upload(model: PoorOutcomeModel | None) -> None:
    _ = session_translator()
    st.header(_("Validate on your own cohort"))
    st.markdown(
        _(
            "Upload a CSV of your department's patients with the pseudo-cohort's columns "
            "(needed: %(columns)s; other columns are ignored). The model is validated on it "
            "in this session's memory: AUC with a bootstrap 95%% interval, calibration "
            "intercept and slope, Brier score and a calibration plot. The file is not "
            "stored, cached or logged, and it is gone when you remove it or close the page.",
            columns=", ".join(f"`{c}`" for c in card.required_columns()),
        )
    )
    st.download_button(
        _("Column template (CSV header)"),
        card.template_csv(),
        file_name="cohort_template.csv",
        mime="text/csv",
        key="card_template",
    )
    if model is None:
        st.info(_("Validation needs a verified model (see the message at the top)."))
        return
    uploader_texts("card_upload", _, card.MAX_UPLOAD_MB)
    upload = st.file_uploader(
        _("Cohort CSV"), type=["csv"], key="card_upload", max_upload_size=card.MAX_UPLOAD_MB
    )
    if upload is None:
        return
    try:
        with st.spinner(_("Validating…")):
            outcome = card.validate_upload(upload.getvalue(), model)
    except Exception as exc:  # a bad file must never show a traceback
        st.error(
            _(
                "The file could not be validated (%(error)s). Check that it is a "
                "comma-separated file with the columns above.",
                error=type(exc).__name__,
            )
        )
        return
    if outcome.error is not None or outcome.result is None:
        reason = _(outcome.error) if outcome.error else ""
        st.error(_("%(file)s: %(error)s", file=upload.name, error=reason))
        return
    st.success(_("%(file)s: %(rows)s rows read.", file=upload.name, rows=outcome.rows_read))
    parts.validation_summary(outcome.result, key="card_upload_result")


def _section_references(manifest: Manifest | None) -> None:
    _ = session_translator()
    st.header(_("References"))
    refs = [pub.CITATION, card.TRIPOD_CITATION, card.PEDUZZI_CITATION, card.RILEY_CITATION]
    if manifest is not None:
        refs.extend(v for k, v in manifest.citations if k != "source_study")
    st.markdown("\n".join(f"- {ref}" for ref in refs))


_ = session_translator()
st.title(_("Model card: poor-outcome model"))
status = parts.card_model()
model = status.model
manifest = None if model is None else model.manifest
if status.message is not None:
    st.error(_(status.message))
    st.markdown(
        _(
            "The published tables, the study description and the corrections are shown "
            "below; sections that need the fitted model say so."
        )
    )
_section_summary(manifest)
st.markdown(
    _(
        "**Provenance.** %(provenance)s",
        provenance=_(status.provenance) if status.provenance else _(NO_PROVENANCE),
    )
)
st.caption(_("Reported following TRIPOD: %(citation)s", citation=card.TRIPOD_CITATION))
if manifest is not None:
    with st.expander(_("Model file and versions")):
        parts.pairs_table(card.provenance_rows(manifest), (N_("Item"), N_("Value")))
_section_statistics(manifest)
_section_model_uncertainty(manifest)
_section_tripod_ai(manifest)
_section_intended_use()
_section_source_study()
_section_pseudo_cohort(manifest)
_section_equation(manifest)
_section_odds_ratios(manifest)
_section_coding_evidence()
_section_sample_size(manifest)
_section_performance(model)
_section_corrections()
_section_published_tables()
_section_limitations(manifest)
_section_upload(model)
_section_references(manifest)
