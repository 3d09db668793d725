"""The case report as a FHIR R4 ``RiskAssessment`` (plain JSON, no FHIR library at run time).

Why plain dicts: the resource is small and fixed in shape, and building it needs nothing
the app does not already have; the tests validate it against the R4B models of the
``fhir.resources`` package (a development dependency), which share RiskAssessment,
Observation and Patient with R4 for every element used here.

Shape, element by element:

- ``status`` ``final``; ``occurrenceDateTime`` the report's generation date;
- ``subject`` is 1..1 in R4, so it points to a *contained* ``Patient`` that carries
  nothing at all (no identifier, name, birth date or sex): the resource adds no patient
  identifier. The optional free-text case label travels only as a ``note``;
- the three scores are contained ``Observation`` resources (``code.text`` the score's
  name; ``valueInteger`` the total, or ``valueRange`` when the total is known only as a
  range, with a note naming the missing fields; ``interpretation.text`` the band and its
  published meaning; one ``component`` per item with its points), listed in ``basis``;
- ``method.text`` names the model and its version; ``prediction[0]`` carries the outcome
  text and ``probabilityDecimal`` (0–1). Without a probability the prediction keeps the
  outcome and its ``rationale`` says why there is none;
- the 95% interval: R4's ``prediction.probability[x]`` is a *choice* element, so a
  prediction holds ``probabilityDecimal`` or ``probabilityRange``, never both (the
  R4B models reject both, as any conformant validator would). The point estimate goes in
  ``probabilityDecimal`` as the standard expects, and the interval goes in an extension
  on the same prediction (:data:`INTERVAL_EXTENSION`, ``valueRange`` low/high on the same
  0–1 scale, UCUM unit ``1``). The ``rationale`` repeats both in words, so a receiver
  that ignores extensions still shows the interval beside the probability;
- ``note``: provenance, intended use, warnings, and the case label if one was typed.
"""

from __future__ import annotations

import json
from typing import Any, Final

from reports.case_report import INPUT_ERRORS_HEADING, CaseReport, ItemLine, ScoreSection

UCUM: Final = "http://unitsofmeasure.org"
#: The extension on ``prediction`` that carries the 95% interval (see the module docstring).
INTERVAL_EXTENSION: Final = "urn:cervical-mets-calculator:fhir:probability-95-interval"
PATIENT_ID: Final = "case"
#: Decimal places kept for probabilities (FHIR decimals; more would be false precision).
DIGITS: Final = 4


def _ratio(value: float) -> dict[str, Any]:
    return {"value": round(value, DIGITS), "unit": "probability", "system": UCUM, "code": "1"}


def _points(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "points"}


def _points_value(exact: int | None, low: int, high: int) -> dict[str, Any]:
    """``value[x]`` of a score or an item: the points when known, else the range they span."""
    if exact is not None:
        return {"valueInteger": exact}
    return {"valueRange": {"low": _points(low), "high": _points(high)}}


def _item_component(item: ItemLine) -> dict[str, Any]:
    component: dict[str, Any] = {"code": {"text": item.label}}
    component |= _points_value(item.points, item.points_min, item.points_max)
    if item.finding:
        component["interpretation"] = [{"text": item.finding}]
    return component


def _observation(section: ScoreSection, report: CaseReport) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": section.key,
        "status": "final",
        "code": {"text": section.name},
        "subject": {"reference": f"#{PATIENT_ID}"},
        "effectiveDateTime": report.generated_text,
    }
    observation |= _points_value(section.total, section.total_min, section.total_max)
    observation["interpretation"] = [{"text": f"Band: {section.band_text}"}]
    notes = [f"{section.total_text}"]
    if section.status_text:
        notes.append(section.status_text)
    if section.survival:
        notes.append("Published survival: " + "; ".join(section.survival))
    notes.append(f"Source: {section.source}")
    observation["note"] = [{"text": n} for n in notes]
    observation["component"] = [_item_component(item) for item in section.items]
    return observation


def build_risk_assessment(report: CaseReport) -> dict[str, Any]:
    """The report as a FHIR R4 RiskAssessment resource (a JSON-ready dict)."""
    prediction: dict[str, Any] = {"outcome": {"text": report.outcome}}
    if report.probability is not None and report.ci_low is not None and report.ci_high is not None:
        prediction["extension"] = [
            {
                "url": INTERVAL_EXTENSION,
                "valueRange": {"low": _ratio(report.ci_low), "high": _ratio(report.ci_high)},
            }
        ]
        prediction["probabilityDecimal"] = round(report.probability, DIGITS)
        prediction["rationale"] = (
            f"{report.probability_text}; 95% interval by the delta method on the logit scale. "
            f"{report.provenance}"
        )
    else:
        prediction["rationale"] = report.probability_text
    notes = [report.provenance, report.intended_use]
    notes += [f"Warning: {w}" for w in report.warnings]
    if report.input_errors:
        notes.append(INPUT_ERRORS_HEADING + " " + " ".join(report.input_errors))
    if report.contributions:
        notes.append(
            "Contributions (log-odds against the reference patient"
            + (f" {report.reference}" if report.reference else "")
            + "): "
            + "; ".join(
                f"{c.label} {c.value} vs {c.reference}: {c.log_odds_text}"
                for c in report.contributions
            )
        )
    notes += list(report.model_details)
    notes.append(f"Source study: {report.source_study}")
    notes.append(report.versions_text)
    if report.label:
        notes.append(f"Case label: {report.label}")
    return {
        "resourceType": "RiskAssessment",
        "contained": [
            {"resourceType": "Patient", "id": PATIENT_ID},
            *(_observation(s, report) for s in report.scores),
        ],
        "status": "final",
        "method": {"text": f"{report.model_name}, version {report.model_version}"},
        "code": {"text": "Risk of a poor outcome after palliative cervical spine surgery"},
        "subject": {"reference": f"#{PATIENT_ID}"},
        "occurrenceDateTime": report.generated_text,
        "basis": [{"reference": f"#{s.key}", "display": s.name} for s in report.scores],
        "prediction": [prediction],
        "note": [{"text": n} for n in notes],
    }


def render_fhir(report: CaseReport) -> str:
    """The RiskAssessment as pretty-printed JSON text (UTF-8, µ and ≥ kept as characters)."""
    return json.dumps(build_risk_assessment(report), indent=2, ensure_ascii=False) + "\n"
