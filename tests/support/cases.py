"""A complete case that every scoring test can vary one field of."""

from __future__ import annotations

from typing import Any

from scoring import PatientCase

COMPLETE: dict[str, Any] = {
    "sex": "male",
    "age_years": 67,
    "lesion_level": "C5",
    "frankel": "D",
    "kps": 60,
    "ecog": 3,
    "primary_tumor": "thyroid",
    "previous_chemotherapy": False,
    "extraspinal_bone_mets": 0,
    "vertebral_body_mets": 1,
    "major_organ_mets": "none",
    "visceral_mets": "none",
    "crp": {"value": "0.1", "unit": "mg/dL"},
    "ldh": {"value": "180", "unit": "U/L"},
    "albumin": {"value": "4.0", "unit": "g/dL"},
    "platelets": {"value": "220", "unit": "10^9/L"},
    "calcium": {"value": "9.2", "unit": "mg/dL"},
    "bilirubin": {"value": "0.6", "unit": "mg/dL"},
    "sins_pain": "mechanical",
    "sins_bone_lesion": "lytic",
    "sins_alignment": "normal",
    "sins_collapse": "lt50",
    "sins_posterolateral": "unilateral",
}


def make_case(**changes: Any) -> PatientCase:
    """The complete case with ``changes`` applied (a value of None empties a field)."""
    return PatientCase(**{**COMPLETE, **changes})
