"""The FHIR case report: a RiskAssessment that the R4B models of fhir.resources accept.

R4's ``prediction.probability[x]`` is a choice element (decimal *or* Range), so the 95%
interval rides in an extension of the prediction beside ``probabilityDecimal``; the
tests check that the validator would reject both choices at once, so nobody "fixes" the
resource back into an invalid one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.riskassessment import RiskAssessment
from pydantic import ValidationError

from models.predict import PROVENANCE
from reports.case_report import OUTCOME_TEXT, CaseReport
from reports.fhir import (
    INSTABILITY_EXTENSION,
    INTERVAL_EXTENSION,
    LOINC_SYSTEM,
    PUBLISHED_ID,
    RECONSTRUCTION_EXTENSION,
    build_risk_assessment,
    render_fhir,
)
from reports.wording import OUTCOME_DEFINITION
from tests.reports.test_report import (
    CLINICIAN,
    DATA_DATE,
    IDENTIFIER,
    INSTABILITY,
    LABEL,
    MODEL_VERSION,
    PUBLISHED,
    RECONSTRUCTION,
    UNCERTAINTY_SENTENCES,
    bare_report,
    filed_report,
    full_report,
    worst_report,
)


def validated(report: CaseReport) -> tuple[RiskAssessment, dict[str, Any]]:
    text = render_fhir(report)
    data = json.loads(text)
    return RiskAssessment.model_validate_json(text), data


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}", value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def interval(resource: RiskAssessment) -> tuple[Decimal, Decimal]:
    prediction = resource.prediction[0]
    (extension,) = [e for e in prediction.extension or () if e.url == INTERVAL_EXTENSION]
    return extension.valueRange.low.value, extension.valueRange.high.value


def test_full_report_validates_with_probability_and_interval():
    resource, data = validated(full_report())
    assert resource.status == "final"
    prediction = resource.prediction[0]
    assert prediction.outcome.text == OUTCOME_TEXT
    assert prediction.probabilityDecimal == Decimal("0.234")
    low, high = interval(resource)
    assert (low, high) == (Decimal("0.081"), Decimal("0.512"))
    assert low < prediction.probabilityDecimal < high
    units = {
        data["prediction"][0]["extension"][0]["valueRange"][end]["code"] for end in ("low", "high")
    }
    assert units == {"1"}
    assert "23 % (95% CI 8–51 %)" in prediction.rationale
    assert OUTCOME_DEFINITION in prediction.rationale
    assert resource.occurrenceDateTime.isoformat() == "2026-03-14"


def test_both_probability_choices_at_once_are_invalid_fhir():
    data = build_risk_assessment(full_report())
    data["prediction"][0]["probabilityRange"] = {"low": {"value": 0.08}, "high": {"value": 0.5}}
    with pytest.raises(ValidationError, match="probabilityDecimal"):
        RiskAssessment.model_validate(data)


def test_method_and_basis_name_the_model_and_the_scores():
    resource, data = validated(full_report())
    assert "Poor-outcome logistic model" in resource.method.text
    assert MODEL_VERSION in resource.method.text
    contained = {r["id"]: r for r in data["contained"]}
    references = [b.reference for b in resource.basis]
    assert references[:5] == ["#tokuhashi", "#katagiri", "#sins", "#tomita", "#bauer"]
    inputs = [r["id"] for r in data["contained"] if r["id"].startswith("input-")]
    assert references[5:] == [*(f"#{i}" for i in inputs), f"#{PUBLISHED_ID}"]
    for reference in (b.reference for b in resource.basis):
        assert reference[1:] in contained


def test_scores_are_contained_observations():
    _, data = validated(full_report())
    observations = [
        r
        for r in data["contained"]
        if r["resourceType"] == "Observation"
        and not r["id"].startswith("input-")
        and r["id"] != PUBLISHED_ID
    ]
    assert [o["code"]["text"] for o in observations] == [
        "Revised Tokuhashi score",
        "New Katagiri score",
        "SINS",
        "Tomita score",
        "Modified Bauer score",
    ]
    assert [o["valueInteger"] for o in observations][:4] == [13, 1, 10, 2]
    for observation in observations:
        Observation.model_validate(observation)
        assert observation["status"] == "final"
        assert observation["interpretation"][0]["text"].startswith("Band: ")
        assert (
            sum(c["valueInteger"] for c in observation["component"]) == observation["valueInteger"]
        )
    sins = observations[2]
    assert "Indeterminate (possibly impending) instability" in sins["interpretation"][0]["text"]
    tomita = observations[3]["interpretation"][0]["text"]
    assert "Treatment goal set by the 2001 paper" in tomita
    assert "long-term local control" in tomita


def test_ranges_and_as_published_figure():
    resource, data = validated(full_report())
    prediction = data["prediction"][0]
    extensions = {e["url"]: e["valueRange"] for e in prediction["extension"]}
    ranges = {
        RECONSTRUCTION_EXTENSION: RECONSTRUCTION,
        INSTABILITY_EXTENSION: INSTABILITY,
    }
    for url, (low, high) in ranges.items():
        assert extensions[url]["low"]["value"] == low
        assert extensions[url]["high"]["value"] == high
        assert extensions[url]["low"]["code"] == "1"
    published = {r["id"]: r for r in data["contained"]}[PUBLISHED_ID]
    Observation.model_validate(published)
    assert published["code"]["text"] == "As published (not adjusted for optimism)"
    assert published["valueQuantity"]["value"] == PUBLISHED[0]
    interval = published["component"][0]["valueRange"]
    assert (interval["low"]["value"], interval["high"]["value"]) == PUBLISHED[1:]
    notes = [n.text for n in resource.note]
    for sentence in UNCERTAINTY_SENTENCES:
        assert any(n.startswith(sentence) for n in notes), sentence


def test_no_ranges_without_a_probability():
    _, data = validated(bare_report())
    assert "extension" not in data["prediction"][0]
    assert PUBLISHED_ID not in {r["id"] for r in data["contained"]}


def test_incomplete_score_is_a_value_range_naming_what_is_missing():
    _, data = validated(bare_report())
    observations = {r["id"]: r for r in data["contained"] if r["resourceType"] == "Observation"}
    tokuhashi = observations["tokuhashi"]
    assert "valueInteger" not in tokuhashi
    assert tokuhashi["valueRange"]["low"]["value"] == 12
    assert tokuhashi["valueRange"]["high"]["value"] == 14
    notes = [n["text"] for n in tokuhashi["note"]]
    assert "Incomplete: missing Karnofsky performance status (%)." in notes
    component = tokuhashi["component"][0]
    assert component["valueRange"]["low"]["value"] == 0
    assert component["valueRange"]["high"]["value"] == 2


def test_report_without_prediction_validates_and_says_why():
    resource, data = validated(bare_report())
    prediction = data["prediction"][0]
    assert prediction["outcome"]["text"] == OUTCOME_TEXT
    assert "probabilityDecimal" not in prediction
    assert "extension" not in prediction
    assert prediction["rationale"].startswith("No probability is reported")
    notes = [n.text for n in resource.note]
    assert PROVENANCE in notes


def test_no_identifier_anywhere_and_no_empty_patient_and_label_only_in_a_note():
    for report in (full_report(), bare_report(), worst_report()):
        _, data = validated(report)
        keys = {path.rsplit(".", 1)[-1] for path, _ in walk(data)}
        assert "identifier" not in keys
        assert "performer" not in data
        patients = [r for r in data["contained"] if r["resourceType"] == "Patient"]
        assert patients == []
        assert data["subject"] == {"display": "Patient not identified in this report"}
        assert not any("subject" in r for r in data["contained"])
    _, data = validated(full_report())
    hits = [path for path, value in walk(data) if isinstance(value, str) and LABEL in value]
    assert hits == [".note[" + str(len(data["note"]) - 1) + "].text"]
    _, data = validated(full_report(label=None))
    assert not any("Case label" in str(v) for _, v in walk(data))


def test_notes_carry_provenance_intended_use_and_versions():
    resource, _ = validated(full_report())
    notes = [n.text for n in resource.note]
    assert notes[0] == PROVENANCE
    assert notes[1].startswith("Intended use: Decision support")
    assert any(n.startswith("Caveat: The model was fitted to a pseudo-cohort") for n in notes)
    assert any(n.startswith("Indications checklist.") for n in notes)
    assert any("Impaired consciousness due to cerebral metastasis: Unknown" in n for n in notes)
    assert any(n.startswith("Warning: Frankel grade at baseline") for n in notes)
    assert any(n.startswith("App version 0.1.0; model version") for n in notes)


def test_json_is_utf8_text_with_clinical_characters():
    text = render_fhir(full_report())
    assert "Band: ≥ 1 year: Predicted survival ≥ 1 year" in text
    assert json.loads(text)["resourceType"] == "RiskAssessment"


def _inputs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["id"].removeprefix("input-"): r
        for r in data["contained"]
        if r["resourceType"] == "Observation" and r["id"].startswith("input-")
    }


def test_inputs_are_contained_observations_with_loinc_where_it_exists():
    _, data = validated(full_report())
    inputs = _inputs(data)
    report = full_report()
    assert len(inputs) == len(report.inputs)
    for observation in inputs.values():
        Observation.model_validate(observation)
    loinc = {
        name: o["code"]["coding"][0]["code"] for name, o in inputs.items() if "coding" in o["code"]
    }
    assert loinc == {
        "age-years": "30525-0",
        "kps": "89243-0",
        "ecog": "89247-1",
        "crp": "1988-5",
        "ldh": "2532-0",
        "albumin": "1751-7",
        "platelets": "26515-7",
        "calcium": "17861-6",
        "bilirubin": "1975-2",
    }
    assert all(
        o["code"]["coding"][0]["system"] == LOINC_SYSTEM
        for o in inputs.values()
        if "coding" in o["code"]
    )
    # No code is made up: the rest are named by text only.
    assert inputs["frankel"]["code"] == {"text": "Frankel grade"}
    assert inputs["kps"]["valueQuantity"] == {
        "value": 60,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert inputs["ecog"]["valueInteger"] == 3
    assert inputs["platelets"]["valueQuantity"]["value"] == 220
    assert inputs["platelets"]["valueQuantity"]["code"] == "10*9/L"
    assert inputs["crp"]["valueQuantity"]["value"] == 0.1
    assert inputs["previous-chemotherapy"]["valueBoolean"] is False
    assert inputs["primary-tumor"]["valueCodeableConcept"] == {"text": "Thyroid cancer"}
    assert not any("effectiveDateTime" in o for o in inputs.values())


def test_molar_units_take_the_molar_loinc_codes():
    from datetime import date

    from reports.case_report import build_report
    from scoring import score_case
    from tests.support.cases import make_case

    case = make_case(
        calcium={"value": "2.4", "unit": "mmol/L"}, bilirubin={"value": "12", "unit": "umol/L"}
    )
    report = build_report(
        case,
        score_case(case),
        None,
        None,
        generated=date(2026, 3, 14),
        app_version="x",
        model_version="y",
    )
    _, data = validated(report)
    inputs = _inputs(data)
    assert inputs["calcium"]["code"]["coding"][0]["code"] == "2000-8"
    assert inputs["calcium"]["valueQuantity"]["code"] == "mmol/L"
    assert inputs["bilirubin"]["code"]["coding"][0]["code"] == "14631-6"
    assert inputs["bilirubin"]["valueQuantity"]["code"] == "umol/L"


def test_filing_fields_fill_patient_performer_and_dates():
    resource, data = validated(filed_report())
    (patient,) = [r for r in data["contained"] if r["resourceType"] == "Patient"]
    assert patient == {
        "resourceType": "Patient",
        "id": "patient",
        "identifier": [{"value": IDENTIFIER}],
    }
    assert data["subject"] == {"reference": "#patient"}
    assert data["performer"] == {"display": CLINICIAN}
    for observation in _inputs(data).values():
        assert observation["subject"] == {"reference": "#patient"}
        assert observation["effectiveDateTime"] == DATA_DATE.isoformat()
    assert resource.performer.display == CLINICIAN


def test_free_text_survives_lone_surrogates_and_loses_bidi_controls():
    text = render_fhir(full_report(label="case\u202e 2 \ud800", identifier="id\u200b7"))
    text.encode("utf-8")  # a lone surrogate would raise UnicodeEncodeError here
    data = json.loads(text)
    assert "Case label: case 2 \ufffd" in [n["text"] for n in data["note"]]
    assert "\u202e" not in text
    assert "\u200b" not in text
