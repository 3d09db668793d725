"""The case report's content (``reports.case_report``), independent of its three formats.

The builders here (a prediction, a manifest, full, worst-case and bare reports) are
imported by the PDF, HTML and FHIR tests so that all formats are checked on the same
reports. The prediction is built by hand from the fixed ``models.predict`` interface, so
these tests do not depend on the shipped artifact; one test also runs the real model
when it is present.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models.predict import PROVENANCE, Contribution, Prediction, load_model
from reports.case_report import (
    LABEL_MAX_CHARS,
    NO_MODEL_REASON,
    OUTCOME_TEXT,
    CaseReport,
    app_version,
    build_report,
    clean_label,
    file_stem,
    model_version,
)
from reports.wording import INTENDED_USE, MODEL_CAVEATS, OUTCOME_DEFINITION
from scoring import PatientCase, score_case
from tests.support.cases import make_case

GENERATED = date(2026, 3, 14)
LABEL = "Tumor board µ≥×– case 2"
# the typed model file of the shipped model (reports read it by attribute)
MANIFEST = load_model().manifest
SHA_ARTIFACT = MANIFEST.file_sha256
SHA_TRAINING = MANIFEST.training_data.sha256
MODEL_VERSION = model_version(MANIFEST)
WARNING = (
    "Frankel grade at baseline: Frankel A–B was seen in 2 of 46 training patients; the "
    "estimate for it rests on the model's coding, not on patients like this one."
)


#: The unadjusted model (probability, 95% interval) and the two further ranges.
PUBLISHED = (0.153, 0.041, 0.424)
RECONSTRUCTION = (0.212, 0.268)
INSTABILITY = (0.118, 0.377)
#: How the report words them (English), each once in every format.
FREQUENCY_SENTENCE = "About 23 of 100 patients like this one would have a poor outcome."
HEADLINE_SENTENCE = "Headline: the optimism-adjusted model"
RECONSTRUCTION_SENTENCE = "Across reconstructions: 21–27 %"
INSTABILITY_SENTENCE = "Refitted to resampled patients: 12–38 %"
PUBLISHED_SENTENCE = "As published (not adjusted for optimism): 15 % (95% CI 4–42 %)"
UNCERTAINTY_SENTENCES = (
    FREQUENCY_SENTENCE,
    HEADLINE_SENTENCE,
    RECONSTRUCTION_SENTENCE,
    INSTABILITY_SENTENCE,
    PUBLISHED_SENTENCE,
)


def make_prediction(
    probability: float = 0.234, low: float = 0.081, high: float = 0.512, warnings: int = 1
) -> Prediction:
    contributions = (
        Contribution("male", "Sex (male)", "male", "female", 0.41),
        Contribution("revised_tokuhashi", "Revised Tokuhashi score", "13", "9", -0.63),
        Contribution("new_katagiri", "New Katagiri score", "1", "3", -0.2),
        Contribution(
            "lesion_level", "Level of the main lesion", "middle cervical (C3–C6)", "same", 0.0
        ),
        Contribution("frankel_grade", "Frankel grade at baseline", "Frankel C–D", "same", 0.0),
    )
    return Prediction(
        probability,
        low,
        high,
        contributions,
        "female, Tokuhashi 9, Katagiri 3, middle cervical, Frankel C–D",
        tuple(f"{WARNING} ({i + 1})" for i in range(warnings)),
        None,
        PROVENANCE,
        published_probability=PUBLISHED[0],
        published_ci_low=PUBLISHED[1],
        published_ci_high=PUBLISHED[2],
        reconstruction_low=RECONSTRUCTION[0],
        reconstruction_high=RECONSTRUCTION[1],
        instability_low=INSTABILITY[0],
        instability_high=INSTABILITY[1],
    )


def not_applicable() -> Prediction:
    return Prediction(
        None,
        None,
        None,
        (),
        "",
        (),
        "The revised Tokuhashi score is incomplete (missing: kps).",
        PROVENANCE,
        ("kps",),
    )


IDENTIFIER = "MRN 0012345"
CLINICIAN = "Dr A. Surgeon"
DATA_DATE = date(2026, 3, 12)


def full_report(label: str | None = LABEL, **filing: Any) -> CaseReport:
    """A complete case with a probability, one warning and a label."""
    case = make_case()
    return build_report(
        case,
        score_case(case),
        make_prediction(),
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
        label=label,
        **filing,
    )


def filed_report() -> CaseReport:
    """The full report with every optional filing field filled in."""
    return full_report(identifier=IDENTIFIER, clinician=CLINICIAN, data_date=DATA_DATE)


def incomplete_case() -> PatientCase:
    return make_case(kps=None, crp=None, ldh=None, albumin=None, sins_pain=None)


def bare_report(language: str = "en") -> CaseReport:
    """No model at all (prediction and manifest None) on an incomplete case, no label."""
    case = incomplete_case()
    return build_report(
        case,
        score_case(case),
        None,
        None,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=model_version(None),
        language=language,
    )


def worst_report() -> CaseReport:
    """The longest report a case can give: every field, many warnings, errors, long label."""
    case = make_case(
        escc_grade="1c",
        progressive_neurological_deficit=True,
        intractable_pain=True,
        impaired_consciousness_cerebral_mets=False,
        primary_tumor="breast_hormone_independent",
        major_organ_mets="removable",
        visceral_mets="nodular",
    )
    return build_report(
        case,
        score_case(case),
        make_prediction(warnings=5),
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
        label="W" * 200,
        input_errors=(
            "Calcium (calcium): Calcium 40 mg/dL is outside the accepted range 2–25 mg/dL.",
            "Albumin (albumin): Albumin 35 g/dL is outside the accepted range 0.5–7 g/dL.",
        ),
    )


def report_text(report: CaseReport) -> str:
    """Every sentence the report holds, for content checks that do not depend on format."""
    parts: list[str] = [report.title, report.intended_use, report.probability_text]
    parts += report.uncertainty_lines
    parts += [report.provenance, report.reference, *report.warnings, *report.model_details]
    parts += [report.outcome_definition, *report.caveats]
    parts += [f"{c.label}: {c.status_text}. {c.explanation}" for c in report.criteria]
    for section in report.scores:
        parts += [section.total_text, section.status_text, section.band_text]
        parts += [f"{i.label}: {i.finding}" for i in section.items]
    return "\n".join(parts)


# ------------------------------------------------------------------- probability


def test_probability_always_with_its_interval():
    report = full_report()
    assert report.has_probability
    # The screen's rule: whole percentages (it shows "23 %", so the report may not say 23.4).
    assert report.probability_text == "23 % (95% CI 8–51 %)"
    assert report.provenance == PROVENANCE
    assert report.outcome == OUTCOME_TEXT
    assert report.outcome_definition == OUTCOME_DEFINITION
    assert report.caveats == MODEL_CAVEATS
    assert [c.log_odds_text for c in report.contributions] == [
        "+0.41",
        "−0.63",
        "−0.20",
        "0.00",
        "0.00",
    ]
    assert [c.direction_text for c in report.contributions][:2] == [
        "raises the risk",
        "lowers the risk",
    ]
    assert report.warnings == (f"{WARNING} (1)",)


def test_uncertainty_beside_the_headline():
    """Frequency, which model the headline is, the two further ranges and the unadjusted
    figure with its interval: in reading order, worded as the calculator words them."""
    report = full_report()
    lines = report.uncertainty_lines
    assert len(lines) == 5
    for line, expected in zip(lines, UNCERTAINTY_SENTENCES, strict=True):
        assert line.startswith(expected), (line, expected)
    assert "reconstructions of the study's patients" in lines[2]
    assert "instability" in lines[3]
    assert (report.reconstruction_low, report.reconstruction_high) == RECONSTRUCTION
    assert (report.instability_low, report.instability_high) == INSTABILITY
    published = (report.published_probability, report.published_ci_low, report.published_ci_high)
    assert published == PUBLISHED


@pytest.mark.parametrize(
    ("probability", "sentence"),
    [
        (0.004, "Fewer than 1 of 100 patients like this one would have a poor outcome."),
        (0.155, "About 16 of 100 patients like this one would have a poor outcome."),
        (0.996, "More than 99 of 100 patients like this one would have a poor outcome."),
    ],
)
def test_frequency_sentence_rounds_like_the_percentage(probability, sentence):
    case = make_case()
    prediction = make_prediction(probability, probability / 2, (1 + probability) / 2)
    report = build_report(
        case,
        score_case(case),
        prediction,
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
    )
    assert report.frequency_text == sentence


def test_no_uncertainty_lines_without_a_probability():
    assert bare_report().uncertainty_lines == ()
    case = make_case(kps=None)
    report = build_report(
        case,
        score_case(case),
        not_applicable(),
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
    )
    assert report.uncertainty_lines == ()
    assert report.published_probability is None


def test_probability_without_interval_is_refused():
    case = make_case()
    broken = Prediction(0.2, None, None, (), "", (), None, PROVENANCE)
    with pytest.raises(ValueError, match="interval"):
        build_report(
            case,
            score_case(case),
            broken,
            MANIFEST,
            generated=GENERATED,
            app_version="0.1.0",
            model_version=MODEL_VERSION,
        )


def test_no_model_still_reports_why_and_provenance():
    report = bare_report()
    assert not report.has_probability
    assert report.probability_text == NO_MODEL_REASON
    assert report.provenance == PROVENANCE
    assert report.contributions == ()
    assert report.model_details == ()
    assert report.model_version == "none (no model loaded)"


def test_model_not_applicable_gives_its_reason():
    case = incomplete_case()
    report = build_report(
        case,
        score_case(case),
        not_applicable(),
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
    )
    assert report.probability is None
    assert report.probability_text.startswith("No probability is reported.")
    assert "Tokuhashi score is incomplete" in report.probability_text
    assert report.provenance == PROVENANCE


def test_no_negative_zero_in_contributions():
    prediction = make_prediction()
    tiny = tuple(
        Contribution(c.feature, c.label, c.value_text, c.reference_text, -0.001)
        for c in prediction.contributions
    )
    case = make_case()
    report = build_report(
        case,
        score_case(case),
        Prediction(0.2, 0.1, 0.3, tiny, "", (), None, PROVENANCE),
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
    )
    assert {c.log_odds_text for c in report.contributions} == {"0.00"}
    assert "no change" in report.contributions[0].direction_text


def test_reference_patient_is_not_doubled():
    prediction = make_prediction()
    doubled = Prediction(
        prediction.probability,
        prediction.ci_low,
        prediction.ci_high,
        prediction.contributions,
        "Reference patient: female, Frankel C–D",
        (),
        None,
        PROVENANCE,
    )
    case = make_case()
    report = build_report(
        case,
        score_case(case),
        doubled,
        MANIFEST,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=MODEL_VERSION,
    )
    assert report.reference == "female, Frankel C–D"


# ------------------------------------------------------------------- scores


def test_complete_scores_with_items_and_band_meaning():
    report = full_report()
    scores = score_case(make_case())
    assert [s.key for s in report.scores] == ["tokuhashi", "katagiri", "sins", "tomita", "bauer"]
    for section, result in zip(report.scores, scores.all_scores, strict=True):
        assert section.total == result.total
        assert section.total_text == f"{result.total} / {section.max_points}"
        assert section.status_text == ""
        assert result.band is not None
        assert section.band_text.startswith(f"{result.band.label}: {result.band.meaning}")
        assert len(section.items) == len(result.items)
        assert sum(i.points or 0 for i in section.items) == result.total
    assert report.score("tokuhashi").max_points == 15
    assert report.score("katagiri").max_points == 10
    assert report.score("sins").max_points == 18
    assert report.score("tomita").max_points == 10
    # Tomita's group reads as the paper's treatment goal, attributed, never an instruction
    tomita = report.score("tomita")
    assert scores.tomita.band is not None
    assert tomita.band_meaning == scores.tomita.band.meaning


def test_incomplete_score_is_a_range_naming_what_is_missing():
    report = bare_report()
    tokuhashi = report.score("tokuhashi")
    assert tokuhashi.total is None
    assert tokuhashi.incomplete
    assert tokuhashi.total_text == f"{tokuhashi.total_min}–{tokuhashi.total_max} / 15 (range)"
    assert tokuhashi.status_text == "Incomplete: missing Karnofsky performance status (%)."
    item = next(i for i in tokuhashi.items if i.missing)
    assert item.points is None
    assert item.points_text == f"{item.points_min}–{item.points_max}"
    assert item.finding == "missing: Karnofsky performance status (%)"
    katagiri = report.score("katagiri")
    assert not katagiri.incomplete
    assert katagiri.status_text == "Total known only as a range: missing CRP, LDH, Albumin."
    assert report.score("sins").status_text == "Incomplete: missing SINS pain."


def test_band_spanning_range_says_no_band():
    case = make_case(kps=None, primary_tumor=None)
    report = build_report(
        case,
        score_case(case),
        None,
        None,
        generated=GENERATED,
        app_version="x",
        model_version="y",
    )
    section = report.score("tokuhashi")
    assert section.band_label is None
    assert section.band_text.startswith("No band")


# ------------------------------------------------------------------- inputs, label, ids


def test_inputs_read_as_labels_with_units():
    report = full_report()
    values = {line.name: line.value for line in report.inputs}
    assert values["primary_tumor"] == "Thyroid cancer"
    assert values["platelets"] == "220 × 10⁹/L"
    assert values["crp"] == "0.1 mg/dL"
    assert values["previous_chemotherapy"] == "no"
    assert values["kps"] == "60"
    assert values["lesion_level"] == "C5"
    assert "Bilsky ESCC grade" in report.not_recorded
    assert len(report.inputs) + len(report.not_recorded) == len(PatientCase.model_fields)


@pytest.mark.parametrize(
    ("entered", "shown"),
    [(Decimal("240.0"), "240 U/L"), (Decimal("240"), "240 U/L"), (Decimal("249.50"), "249.50 U/L")],
)
def test_lab_values_read_as_entered(entered, shown):
    case = make_case(ldh={"value": entered, "unit": "U/L"})
    report = build_report(
        case,
        score_case(case),
        None,
        None,
        generated=GENERATED,
        app_version="x",
        model_version="y",
    )
    line = next(line for line in report.inputs if line.name == "ldh")
    assert line.value == shown
    assert line.number == entered
    assert line.unit == "U/L"


def test_input_errors_are_listed():
    report = worst_report()
    assert len(report.input_errors) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   \n\t ", None),
        ("Bed 4\nline two\r\x00x", "Bed 4 line two x"),
        ("  µ ≥ × –  ", "µ ≥ × –"),
        ("a" * 200, "a" * (LABEL_MAX_CHARS - 1) + "…"),
        # bidi overrides, isolates, zero-width characters and the BOM are removed
        ("case\u202e 2\u202c", "case 2"),
        ("\u2067ab\u2069\u200bc\u200d\ufeff", "abc"),
        ("頸椎転移 症例2", "頸椎転移 症例2"),
        # a lone surrogate (UTF-8 cannot encode it) becomes the replacement character
        ("case \ud800 2", "case \ufffd 2"),
    ],
)
def test_clean_label(raw, expected):
    assert clean_label(raw) == expected


def test_label_only_where_typed():
    assert full_report().label == LABEL
    assert full_report(label=None).label is None


@pytest.mark.parametrize(
    ("label", "stem"),
    [
        (None, "case-report-2026-03-14-093005"),
        ("", "case-report-2026-03-14-093005"),
        ("Tumor board, case 2", "case-report-2026-03-14-093005-Tumor-board-case-2"),
        ("../../etc/passwd", "case-report-2026-03-14-093005-etc-passwd"),
        ("頸椎転移 症例2", "case-report-2026-03-14-093005-頸椎転移-症例2"),
        ("\u202e<>:*?|", "case-report-2026-03-14-093005"),
        ("x" * 100, "case-report-2026-03-14-093005-" + "x" * 40),
    ],
)
def test_file_stem_carries_time_and_sanitised_label(label, stem):
    assert file_stem(datetime(2026, 3, 14, 9, 30, 5), label) == stem


def test_two_reports_of_one_day_get_two_names():
    morning, later = datetime(2026, 3, 14, 9, 30, 5), datetime(2026, 3, 14, 9, 30, 6)
    assert file_stem(morning) != file_stem(later)
    assert file_stem(morning, "case 1") != file_stem(morning, "case 2")


def test_filing_fields_only_when_given_and_cleaned():
    plain = full_report()
    assert (plain.identifier, plain.clinician, plain.data_date) == (None, None, None)
    assert plain.filing_lines == ()
    filed = full_report(
        identifier=" MRN\u202e 0012345\n", clinician="Dr\u200b A. Surgeon", data_date=DATA_DATE
    )
    assert filed.identifier == "MRN 0012345"
    assert filed.clinician == "Dr A. Surgeon"
    assert filed.filing_lines == (
        ("Patient identifier", "MRN 0012345"),
        ("Clinician", "Dr A. Surgeon"),
        ("Date of imaging and laboratory data", "2026-03-12"),
    )


def test_checklist_reads_the_right_way_round():
    case = make_case(impaired_consciousness_cerebral_mets=False, intractable_pain=True)
    report = build_report(
        case,
        score_case(case),
        None,
        None,
        generated=GENERATED,
        app_version="x",
        model_version="y",
    )
    by_key = {c.label: c for c in report.criteria}
    assert len(report.criteria) == len(score_case(case).criteria)
    absent = by_key["Impaired consciousness due to cerebral metastasis"]
    assert absent.status_text == "Absent"
    assert (
        by_key["Intractable pain despite conservative care (opioids, radiotherapy)"].status_text
        == "Met"
    )
    assert [heading for heading, _ in report.criteria_groups] == [
        "Indications stated in the papers",
        "Contraindication stated in the cohort study",
        "Conditions the review states for considering radical resection",
    ]
    for line in report.criteria:
        assert "seed" not in line.sources
        assert re.fullmatch(
            r"[A-Z][\w-]+ et al\.( \d{4})?(, [A-Z][\w-]+ et al\.( \d{4})?)*", line.sources
        )


def test_versions_and_date():
    report = full_report()
    assert report.generated_text == "2026-03-14"
    assert report.versions_text == (
        f"App version 0.1.0; model version poor_outcome (model file SHA-256 {SHA_ARTIFACT[:12]})"
    )
    pyproject = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8")
    )
    assert app_version() == pyproject["project"]["version"]
    details = "\n".join(report.model_details)
    assert SHA_TRAINING in details
    assert SHA_ARTIFACT in details
    corrected = MANIFEST.metrics.optimism_corrected_auc
    assert f"optimism-corrected AUC {corrected:.2f}" in details
    assert "events per variable 3.6" in details


# ------------------------------------------------------------------- wording


INSTRUCTION = re.compile(
    r"\b(should|must|recommend\w*|advis\w*|indicated for|do not operate|operate on)\b", re.I
)


def test_intended_use_and_no_instruction_to_operate():
    assert "Decision support" in INTENDED_USE
    assert "does not decide whether to operate" in INTENDED_USE
    for report in (full_report(), bare_report(), worst_report()):
        assert report.intended_use == INTENDED_USE
        assert not INSTRUCTION.search(report_text(report)), INSTRUCTION.findall(report_text(report))


# ------------------------------------------------------------------- the real model


def test_real_model_report_when_shipped():
    model = load_model()
    case = make_case()
    scores = score_case(case)
    prediction = model.predict(case, scores)
    report = build_report(
        case,
        scores,
        prediction,
        model.manifest,
        generated=GENERATED,
        app_version=app_version(),
        model_version=model_version(model.manifest),
    )
    assert report.has_probability
    assert report.ci_low is not None
    assert report.ci_high is not None
    assert report.ci_low <= (report.probability or 0) <= report.ci_high
    assert model.sha256[:12] in report.model_version
    assert len(report.contributions) == 5
    # the shipped model's ranges reach the report unchanged
    assert report.published_probability == prediction.published_probability
    assert report.reconstruction_low == prediction.reconstruction_low
    assert report.instability_high == prediction.instability_high
    assert report.published_text is not None
    assert any(line.startswith("Refitted to resampled patients") for line in report.range_lines)


# ------------------------------------------------------------------- the Streamlit helper


def _helper_page() -> None:
    from app_pages.ui.report_downloads import render_report_downloads
    from scoring import PatientCase, score_case

    case = PatientCase(sex="male", age_years=67, lesion_level="C5")
    render_report_downloads(case, score_case(case), None, None, key_prefix="t")


def test_download_helper_widgets_and_keys():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_helper_page, default_timeout=30)
    at.run()
    assert not at.exception
    assert [box.key for box in at.text_input] == [
        "t_report_label",
        "t_report_identifier",
        "t_report_clinician",
    ]
    assert [box.key for box in at.date_input] == ["t_report_date"]
    assert at.date_input(key="t_report_date").value is None
    buttons = at.get("download_button")
    assert len(buttons) == 3
    at.text_input(key="t_report_label").input("Board µ case 2").run()
    assert not at.exception
    assert at.text_input(key="t_report_label").value == "Board µ case 2"
