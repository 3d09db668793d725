"""The case report as a FHIR R4 ``RiskAssessment`` (plain JSON, no FHIR library at run time).

Why plain dicts: the resource is small and fixed in shape, and building it needs nothing
the app does not already have; the tests validate it against the R4B models of the
``fhir.resources`` package (a development dependency), which share RiskAssessment,
Observation and Patient with R4 for every element used here.

Shape, element by element:

- ``status`` ``final``; ``occurrenceDateTime`` the report's generation date;
- ``subject`` (1..1 in R4): when the user typed a patient identifier, a *contained*
  ``Patient`` carrying only that identifier; otherwise a reference by ``display`` only
  ("patient not identified in this report"). No empty Patient is ever made, and the
  resource adds no identifier of its own. ``performer`` names the clinician by
  ``display`` when one was typed;
- every recorded input is a contained ``Observation`` (id ``input-<field>``): coded with
  LOINC where LOINC has a code for exactly that measurement (:data:`LOINC`: Karnofsky
  89243-0, ECOG 89247-1, age 30525-0 and the six laboratory values, the mass or molar
  code chosen by the unit entered), and by ``code.text`` alone where it has none (Frankel
  grade, Bilsky grade, SINS findings, tumor type and the other findings: no code is made
  up). Numbers are ``valueQuantity`` with their UCUM unit, yes/no facts ``valueBoolean``,
  choices ``valueCodeableConcept.text``; ``effectiveDateTime`` is the date of the imaging
  and laboratory data when the user gave one;
- the five scores (revised Tokuhashi, new Katagiri, SINS, Tomita, modified Bauer) are
  contained ``Observation`` resources (``code.text`` the score's name; ``valueInteger``
  the total, or ``valueRange`` when the total is known only as a range, with a note naming
  the missing fields; ``interpretation.text`` the band and its published meaning, which
  for Tomita is the paper's treatment goal; one ``component`` per item with its points;
  ``derivedFrom`` the inputs); inputs and scores are listed in ``basis``;
- ``method.text`` names the model and its version; ``prediction[0]`` carries the outcome
  text and ``probabilityDecimal`` (0–1). Without a probability the prediction keeps the
  outcome and its ``rationale`` says why there is none;
- the 95% interval: R4's ``prediction.probability[x]`` is a *choice* element, so a
  prediction holds ``probabilityDecimal`` or ``probabilityRange``, never both (the
  R4B models reject both, as any conformant validator would). The point estimate goes in
  ``probabilityDecimal`` as the standard expects, and the interval goes in an extension
  on the same prediction (:data:`INTERVAL_EXTENSION`, ``valueRange`` low/high on the same
  0–1 scale, UCUM unit ``1``). The ``rationale`` repeats both in words, with the
  outcome's definition, so a receiver that ignores extensions still shows the interval;
- the range across reconstructions and the instability range: two more extensions on the
  same prediction (:data:`RECONSTRUCTION_EXTENSION`, :data:`INSTABILITY_EXTENSION`, same
  shape as the interval); the unadjusted model ("as published, not adjusted for optimism")
  is a contained ``Observation`` (id :data:`PUBLISHED_ID`, ``valueQuantity`` 0–1, its 95%
  interval a ``component`` ``valueRange``), listed in ``basis`` so it is referenced;
- ``note``: provenance, intended use, the frequency sentence, which model the headline is,
  the ranges and the unadjusted figure in words, caveats, warnings, the indications
  checklist, and the case label if one was typed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

from i18n import N_, translator
from reports.case_report import (
    CHECKLIST_INTRO,
    INPUT_ERRORS_HEADING,
    CaseReport,
    InputLine,
    ItemLine,
    ScoreSection,
)

UCUM: Final = "http://unitsofmeasure.org"
LOINC_SYSTEM: Final = "http://loinc.org"
#: The extension on ``prediction`` that carries the 95% interval (see the module docstring).
INTERVAL_EXTENSION: Final = "urn:cervical-mets-calculator:fhir:probability-95-interval"
#: Extensions on ``prediction`` for the range across reconstructions and the instability range.
RECONSTRUCTION_EXTENSION: Final = "urn:cervical-mets-calculator:fhir:reconstruction-range"
INSTABILITY_EXTENSION: Final = "urn:cervical-mets-calculator:fhir:instability-95-range"
#: The contained Observation carrying the unadjusted (as published) probability.
PUBLISHED_ID: Final = "as-published"
PATIENT_ID: Final = "patient"
NO_PATIENT_DISPLAY: Final = N_("Patient not identified in this report")
#: Decimal places kept for probabilities (FHIR decimals; more would be false precision).
DIGITS: Final = 4

#: LOINC codes (code, display) for inputs measured exactly as LOINC defines them. A
#: laboratory value's code depends on its unit's property (mass or substance
#: concentration), so those are keyed by (field, unit code). Fields not listed have no
#: LOINC code and are sent with ``code.text`` only.
LOINC: Final[dict[str | tuple[str, str], tuple[str, str]]] = {
    "age_years": ("30525-0", "Age"),
    "kps": ("89243-0", "Karnofsky Performance Status score"),
    "ecog": ("89247-1", "ECOG Performance Status score"),
    ("crp", "mg/dL"): ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    ("crp", "mg/L"): ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    ("ldh", "U/L"): (
        "2532-0",
        "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma",
    ),
    ("albumin", "g/dL"): ("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    ("albumin", "g/L"): ("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    ("platelets", "10^9/L"): ("26515-7", "Platelets [#/volume] in Blood"),
    ("platelets", "10^4/uL"): ("26515-7", "Platelets [#/volume] in Blood"),
    ("calcium", "mg/dL"): ("17861-6", "Calcium [Mass/volume] in Serum or Plasma"),
    ("calcium", "mmol/L"): ("2000-8", "Calcium [Moles/volume] in Serum or Plasma"),
    ("bilirubin", "mg/dL"): ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    ("bilirubin", "umol/L"): ("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma"),
}
#: UCUM codes of the units the case accepts (the case's unit code → UCUM).
UCUM_CODES: Final[dict[str, str]] = {
    "mg/dL": "mg/dL",
    "mg/L": "mg/L",
    "g/dL": "g/dL",
    "g/L": "g/L",
    "mmol/L": "mmol/L",
    "umol/L": "umol/L",
    "U/L": "U/L",
    "10^9/L": "10*9/L",
    "10^4/uL": "10*4/uL",
}
#: Whole-number inputs that are not laboratory values: (display unit, UCUM code).
COUNT_UNITS: Final[dict[str, tuple[str, str]]] = {
    "age_years": ("years", "a"),
    "kps": ("%", "%"),
    "extraspinal_bone_mets": ("foci", "{foci}"),
    "vertebral_body_mets": ("vertebral bodies", "{vertebrae}"),
}


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


def _subject(report: CaseReport) -> dict[str, Any]:
    if report.identifier:
        return {"reference": f"#{PATIENT_ID}"}
    return {"display": translator(report.language).gettext(NO_PATIENT_DISPLAY)}


def _input_code(line: InputLine) -> dict[str, Any]:
    key: str | tuple[str, str] = (line.name, line.unit) if line.unit else line.name
    loinc = LOINC.get(key)
    if loinc is None:
        return {"text": line.title}
    code, display = loinc
    return {
        "coding": [{"system": LOINC_SYSTEM, "code": code, "display": display}],
        "text": line.title,
    }


def _input_value(line: InputLine) -> dict[str, Any]:
    if line.flag is not None:
        return {"valueBoolean": line.flag}
    if line.number is not None and line.name == "ecog":
        return {"valueInteger": int(line.number)}
    if line.number is not None:
        if line.unit is not None:
            unit_label = line.value.split(" ", 1)[1] if " " in line.value else line.unit
            unit, ucum = unit_label, UCUM_CODES.get(line.unit)
        else:
            unit, ucum = COUNT_UNITS.get(line.name, ("", None))
        quantity: dict[str, Any] = {"value": _json_number(line.number)}
        if unit:
            quantity["unit"] = unit
        if ucum:
            quantity |= {"system": UCUM, "code": ucum}
        return {"valueQuantity": quantity}
    return {"valueCodeableConcept": {"text": line.value}}


def _json_number(value: Decimal) -> int | float:
    """A JSON number with the entered value's digits (``240``, ``3.5``): an integral value
    as an int, otherwise the float whose shortest repr is those digits."""
    return int(value) if value == value.to_integral_value() else float(value)


def _input_observation(line: InputLine, report: CaseReport) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"input-{line.name}".replace("_", "-"),
        "status": "final",
        "code": _input_code(line),
    }
    if report.identifier:
        observation["subject"] = _subject(report)
    if report.data_date_text:
        observation["effectiveDateTime"] = report.data_date_text
    return observation | _input_value(line)


def _observation(
    section: ScoreSection, report: CaseReport, inputs: list[dict[str, Any]]
) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": section.key,
        "status": "final",
        "code": {"text": section.name},
    }
    if report.identifier:
        observation["subject"] = _subject(report)
    observation["effectiveDateTime"] = report.generated_text
    observation |= _points_value(section.total, section.total_min, section.total_max)
    _ = translator(section.language)
    observation["interpretation"] = [{"text": _("Band: %(band)s", band=section.band_text)}]
    notes = [f"{section.total_text}"]
    if section.status_text:
        notes.append(section.status_text)
    if section.survival:
        figures = _.join_items(section.survival)
        notes.append(_("Published survival: %(figures)s", figures=figures))
    notes.append(_("Source: %(source)s", source=section.source))
    observation["note"] = [{"text": n} for n in notes]
    if inputs:
        observation["derivedFrom"] = [{"reference": f"#{i['id']}"} for i in inputs]
    observation["component"] = [_item_component(item) for item in section.items]
    return observation


def _range_extension(url: str, low: float | None, high: float | None) -> list[dict[str, Any]]:
    if low is None or high is None:
        return []
    return [{"url": url, "valueRange": {"low": _ratio(low), "high": _ratio(high)}}]


def _published_observation(report: CaseReport) -> dict[str, Any] | None:
    """The unadjusted model's probability (``valueQuantity``, 0–1) with its 95% interval
    as a component (``valueRange``), or None when the report has none."""
    if (
        report.published_text is None
        or report.published_probability is None
        or report.published_ci_low is None
        or report.published_ci_high is None
    ):
        return None
    _ = translator(report.language)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": PUBLISHED_ID,
        "status": "final",
        "code": {"text": _("As published (not adjusted for optimism)")},
    }
    if report.identifier:
        observation["subject"] = _subject(report)
    observation["effectiveDateTime"] = report.generated_text
    observation["valueQuantity"] = _ratio(report.published_probability)
    observation["note"] = [{"text": report.published_text}]
    observation["component"] = [
        {
            "code": {"text": _("95% CI")},
            "valueRange": {
                "low": _ratio(report.published_ci_low),
                "high": _ratio(report.published_ci_high),
            },
        }
    ]
    return observation


def _checklist_notes(report: CaseReport) -> list[str]:
    _ = translator(report.language)
    notes = [_("Indications checklist. %(intro)s", intro=_(CHECKLIST_INTRO))]
    for heading, lines in report.criteria_groups:
        criteria = " ".join(
            _.bracketed(
                _("%(label)s: %(status)s.", label=line.label, status=line.status_text)
                + (f" {line.explanation}" if line.explanation else ""),
                line.sources,
            )
            for line in lines
        )
        notes.append(_.labelled(heading, criteria))
    return notes


def build_risk_assessment(report: CaseReport) -> dict[str, Any]:
    """The report as a FHIR R4 RiskAssessment resource (a JSON-ready dict).

    ``display``, ``text`` and ``note`` are in the report's language; codes, LOINC displays,
    numbers and units are not translated (they are a data contract).
    """
    _ = translator(report.language)
    prediction: dict[str, Any] = {"outcome": {"text": report.outcome}}
    if report.probability is not None and report.ci_low is not None and report.ci_high is not None:
        prediction["extension"] = [
            *_range_extension(INTERVAL_EXTENSION, report.ci_low, report.ci_high),
            *_range_extension(
                RECONSTRUCTION_EXTENSION, report.reconstruction_low, report.reconstruction_high
            ),
            *_range_extension(
                INSTABILITY_EXTENSION, report.instability_low, report.instability_high
            ),
        ]
        prediction["probabilityDecimal"] = round(report.probability, DIGITS)
        method = _("95% interval by the delta method on the logit scale.")
        stated = _.join_items((report.probability_text, method))
        prediction["rationale"] = f"{stated} {report.outcome_definition} {report.provenance}"
    else:
        prediction["rationale"] = f"{report.probability_text} {report.outcome_definition}"
    notes = [report.provenance, _("Intended use: %(text)s", text=report.intended_use)]
    notes += report.uncertainty_lines
    notes += [_("Caveat: %(text)s", text=c) for c in report.caveats]
    notes += [_("Warning: %(text)s", text=w) for w in report.warnings]
    if report.input_errors:
        notes.append(_(INPUT_ERRORS_HEADING) + " " + " ".join(report.input_errors))
    if report.not_recorded:
        notes.append(_("Not recorded: %(fields)s", fields=_.join_items(report.not_recorded)))
    if report.contributions:
        shares = _.join_items(
            _(
                "%(label)s %(value)s vs %(reference)s: %(log_odds)s (%(direction)s)",
                label=c.label,
                value=c.value,
                reference=c.reference,
                log_odds=c.log_odds_text,
                direction=c.direction_text,
            )
            for c in report.contributions
        )
        if report.reference:
            notes.append(
                _(
                    "Contributions (log-odds against the reference patient: %(reference)s): "
                    "%(shares)s",
                    reference=report.reference,
                    shares=shares,
                )
            )
        else:
            notes.append(
                _(
                    "Contributions (log-odds against the reference patient): %(shares)s",
                    shares=shares,
                )
            )
    notes += _checklist_notes(report)
    notes += list(report.model_details)
    notes.append(_("Source study: %(source)s", source=report.source_study))
    notes.append(report.versions_text)
    if report.label:
        notes.append(_("Case label: %(label)s", label=report.label))
    inputs = [_input_observation(line, report) for line in report.inputs]
    contained: list[dict[str, Any]] = []
    if report.identifier:
        contained.append(
            {
                "resourceType": "Patient",
                "id": PATIENT_ID,
                "identifier": [{"value": report.identifier}],
            }
        )
    scores = [_observation(s, report, inputs) for s in report.scores]
    contained += inputs + scores
    published = _published_observation(report)
    if published is not None:
        contained.append(published)
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "contained": contained,
        "status": "final",
        "method": {
            "text": _(
                "%(name)s, version %(version)s",
                name=report.model_name,
                version=report.model_version,
            )
        },
        "code": {"text": _("Risk of a poor outcome after palliative cervical spine surgery")},
        "subject": _subject(report),
        "occurrenceDateTime": report.generated_text,
    }
    if report.clinician:
        resource["performer"] = {"display": report.clinician}
    resource["basis"] = [
        *({"reference": f"#{s.key}", "display": s.name} for s in report.scores),
        *({"reference": f"#{i['id']}", "display": i["code"]["text"]} for i in inputs),
    ]
    if published is not None:
        # Referenced so the contained resource is not orphaned (FHIR dom-3).
        resource["basis"].append(
            {"reference": f"#{PUBLISHED_ID}", "display": published["code"]["text"]}
        )
    resource["prediction"] = [prediction]
    resource["note"] = [{"text": n} for n in notes]
    return resource


def render_fhir(report: CaseReport) -> str:
    """The RiskAssessment as pretty-printed JSON text (UTF-8, µ and ≥ kept as characters)."""
    return json.dumps(build_risk_assessment(report), indent=2, ensure_ascii=False) + "\n"
