"""PatientCase validation: tables of valid and invalid inputs, and arbitrary dictionaries."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring import PatientCase, describe_errors
from scoring.case import FIELD_NAMES, field_bounds, field_title
from scoring.labs import ANALYTE_BY_FIELD, LabUnit
from tests.support.cases import COMPLETE, make_case

ROOT = Path(__file__).resolve().parents[2]

VALID = [
    {},
    COMPLETE,
    {"kps": 10},
    {"kps": 100},
    {"ecog": 0},
    {"ecog": 4},
    {"age_years": 18},
    {"age_years": 120},
    {"extraspinal_bone_mets": 0},
    {"vertebral_body_mets": 1},
    {"vertebral_body_mets": 29},
    {"lesion_level": "S5"},
    {"escc_grade": "1c"},
    {"previous_chemotherapy": True},
    {"crp": {"value": 0, "unit": "mg/L"}},
    {"albumin": {"value": "70", "unit": "g/L"}},
    {"calcium": {"value": 2.5, "unit": "mmol/L"}},
    {"platelets": {"value": "12.5", "unit": "10^4/uL"}},
    {"bilirubin": {"value": "855", "unit": "umol/L"}},
    # the Tomita treatability answer, with or without a visceral metastasis recorded
    {"visceral_mets": "nodular", "visceral_mets_treatable": True},
    {"visceral_mets": "disseminated", "visceral_mets_treatable": "no"},
    {"major_organ_mets": "unremovable", "visceral_mets_treatable": "yes"},
    {"visceral_mets_treatable": False},  # presence not recorded: not a contradiction
    {"visceral_mets": "none", "major_organ_mets": "none"},
    {"visceral_mets": "disseminated", "major_organ_mets": "none"},  # peritoneum, not organs
    {"visceral_mets": "none", "visceral_mets_treatable": None},
    # numbers at the written-size limits: 30 decimals, 40 digits
    {"crp": {"value": "0." + "0" * 29 + "1", "unit": "mg/dL"}},
    {"ldh": {"value": "1" + "0" * 3 + "." + "0" * 30, "unit": "U/L"}},
    {"ldh": {"value": "1E+3", "unit": "U/L"}},
]


@pytest.mark.parametrize("data", VALID)
def test_valid_inputs(data: dict[str, Any]) -> None:
    PatientCase(**data)


# (input, field named in the error, text the message must contain)
INVALID = [
    ({"kps": 0}, "kps", "greater than or equal to 10"),
    ({"kps": 55}, "kps", "multiple of 10"),
    ({"kps": 110}, "kps", "less than or equal to 100"),
    ({"ecog": 5}, "ecog", "less than or equal to 4"),
    ({"ecog": True}, "ecog", "valid integer"),
    ({"ecog": 2.5}, "ecog", "valid integer"),
    ({"age_years": 17}, "age_years", "greater than or equal to 18"),
    ({"extraspinal_bone_mets": -1}, "extraspinal_bone_mets", "greater than or equal to 0"),
    ({"vertebral_body_mets": 0}, "vertebral_body_mets", "greater than or equal to 1"),
    ({"lesion_level": "C0"}, "lesion_level", "C1"),
    ({"lesion_level": "Co1"}, "lesion_level", "C1"),
    ({"frankel": "F"}, "frankel", "'A'"),
    ({"primary_tumor": "colorectal"}, "primary_tumor", "'rectum'"),
    ({"sex": "m"}, "sex", "'male'"),
    ({"sins_collapse": "eq50"}, "sins_collapse", "'gt50'"),
    ({"crp": {"value": 1, "unit": "g/L"}}, "crp", "not a unit of CRP"),
    ({"crp": {"value": -1, "unit": "mg/L"}}, "crp", "greater than or equal to 0"),
    ({"crp": {"value": "nan", "unit": "mg/L"}}, "crp", "finite number"),
    ({"crp": 0.5}, "crp", "valid dictionary"),
    ({"albumin": {"value": 35, "unit": "g/dL"}}, "albumin", "outside the accepted range"),
    ({"calcium": {"value": 10, "unit": "mmol/L"}}, "calcium", "0.5–6.25 mmol/L"),
    ({"platelets": {"value": 250, "unit": "10^4/uL"}}, "platelets", "0–200"),
    ({"ldh": {"value": 100, "unit": "U/L", "flag": "H"}}, "ldh", "Extra inputs"),
    ({"kps_percent": 50}, "kps_percent", "Extra inputs"),
    # bounded before any arithmetic: length and exponent of every number
    ({"crp": {"value": "1e-99999999", "unit": "mg/dL"}}, "crp", "at most 30 decimal places"),
    ({"crp": {"value": "0E-99999999", "unit": "mg/dL"}}, "crp", "at most 30 decimal places"),
    ({"crp": {"value": "1e+99999999", "unit": "mg/dL"}}, "crp", "exponent 99999999"),
    ({"crp": {"value": 1e-300, "unit": "mg/dL"}}, "crp", "at most 30 decimal places"),
    ({"ldh": {"value": 10**5000, "unit": "U/L"}}, "ldh", "more than 40 digits"),
    ({"ldh": {"value": "9" * 41, "unit": "U/L"}}, "ldh", "more than 40 digits"),
    ({"ldh": {"value": "1" * 65, "unit": "U/L"}}, "ldh", "longer than 64 characters"),
    ({"ldh": {"value": Decimal("1E-31"), "unit": "U/L"}}, "ldh", "30 decimal places"),
    ({"age_years": 10**5000}, "age_years", "more than 18 digits"),
    ({"kps": -(10**18)}, "kps", "more than 18 digits"),
    # the decimal comma is refused, never read as another number
    ({"albumin": {"value": "3,5", "unit": "g/dL"}}, "albumin", "(3.5, not 3,5)"),
    ({"ldh": {"value": "1,250", "unit": "U/L"}}, "ldh", "no thousands separator"),
    # contradictory pairs: the later field is refused, and the message names the other
    (
        {"major_organ_mets": "removable", "visceral_mets": "none"},
        "visceral_mets",
        "contradicts Major internal organ metastases (major_organ_mets) = removable",
    ),
    (
        {"visceral_mets": "none", "major_organ_mets": "unremovable"},
        "visceral_mets",
        "contradicts Major internal organ metastases (major_organ_mets) = unremovable",
    ),
    (
        {"visceral_mets": "none", "visceral_mets_treatable": True},
        "visceral_mets_treatable",
        "contradicts Visceral metastases (visceral_mets) = none",
    ),
    (
        {"visceral_mets": "none", "visceral_mets_treatable": "no"},
        "visceral_mets_treatable",
        "contradicts Visceral metastases (visceral_mets) = none",
    ),
    ({"visceral_mets_treatable": "maybe"}, "visceral_mets_treatable", "valid boolean"),
]


@pytest.mark.parametrize(("data", "field", "text"), INVALID)
def test_invalid_inputs_name_the_field(data: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as info:
        PatientCase(**data)
    errors = info.value.errors()
    assert [e["loc"][0] for e in errors] == [field]
    assert text in str(info.value)
    message = describe_errors(info.value)[0]
    assert field in message


@pytest.mark.parametrize(
    ("data", "first", "second"),
    [
        (
            {"major_organ_mets": "removable", "visceral_mets": "none"},
            "visceral_mets",
            "major_organ_mets",
        ),
        (
            {"major_organ_mets": "unremovable", "visceral_mets": "none"},
            "visceral_mets",
            "major_organ_mets",
        ),
        (
            {"visceral_mets": "none", "visceral_mets_treatable": True},
            "visceral_mets_treatable",
            "visceral_mets",
        ),
        (
            {"visceral_mets": "none", "visceral_mets_treatable": False},
            "visceral_mets_treatable",
            "visceral_mets",
        ),
    ],
)
def test_contradiction_message_names_both_fields(
    data: dict[str, Any], first: str, second: str
) -> None:
    with pytest.raises(ValidationError) as info:
        PatientCase(**data)
    (line,) = describe_errors(info.value)
    assert line.startswith(
        f"{field_title(first)} ({first}): contradicts {field_title(second)} ({second})"
    )


def test_described_error_states_allowed_values() -> None:
    with pytest.raises(ValidationError) as info:
        PatientCase(kps=55)
    assert describe_errors(info.value) == [
        "Karnofsky performance status (%) (kps): Input should be a multiple of 10 (got 55). "
        "Allowed: 10–100 in steps of 10."
    ]


def test_case_is_frozen() -> None:
    case = make_case()
    with pytest.raises(ValidationError):
        case.kps = 90  # type: ignore[misc]


def test_lab_keeps_its_unit_and_exact_value() -> None:
    case = make_case(calcium={"value": "2.5699", "unit": "mmol/L"})
    assert case.calcium is not None
    assert case.calcium.value == Decimal("2.5699")
    assert case.calcium.unit is LabUnit.MMOL_L


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 1200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["male", "C7", "T1", "E", "thyroid", "none", "lytic", "gt50", "1a"]),
    st.fixed_dictionaries(
        {
            "value": st.one_of(st.integers(-5, 3000), st.text(max_size=6)),
            "unit": st.sampled_from([u.value for u in LabUnit] + ["mg", ""]),
        }
    ),
)
_keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=8))
def test_arbitrary_input_validates_or_names_the_field(data: dict[str, Any]) -> None:
    """Property: any dictionary either validates or raises ValidationError whose every error
    names a key of the input; nothing else escapes."""
    error: ValidationError | None = None
    try:
        PatientCase(**data)
    except ValidationError as raised:
        error = raised
    if error is not None:
        for err in error.errors():
            assert err["loc"], err
            assert err["loc"][0] in data
        assert all(line for line in describe_errors(error))


def test_cli_schema_prints_json_schema() -> None:
    out = subprocess.run(
        [sys.executable, "cli.py", "schema"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    schema = json.loads(out)
    assert set(schema["properties"]) == set(FIELD_NAMES)
    kps = schema["properties"]["kps"]
    assert kps["allowed"] == "10–100 in steps of 10"
    assert "Karnofsky" in kps["title"]
    assert all(p.get("description") for p in schema["properties"].values())


@pytest.mark.parametrize(
    ("field", "bounds"),
    [
        ("age_years", (18, 120, 1)),
        ("kps", (10, 100, 10)),
        ("ecog", (0, 4, 1)),
        ("extraspinal_bone_mets", (0, 999, 1)),
        ("vertebral_body_mets", (1, 29, 1)),
    ],
)
def test_field_bounds_are_the_declared_limits(field: str, bounds: tuple[int, int, int]) -> None:
    """The limits the page's number inputs and the batch reader use are the ones validation
    enforces: the low and high bounds are accepted, one step beyond each is refused."""
    assert field_bounds(field) == bounds
    low, high, step = bounds
    assert getattr(make_case(**{field: low}), field) == low
    assert getattr(make_case(**{field: high}), field) == high
    for outside in (low - step, high + step):
        with pytest.raises(ValidationError):
            make_case(**{field: outside})


def test_field_bounds_refuses_a_field_without_bounds() -> None:
    with pytest.raises(TypeError, match="no bounds"):
        field_bounds("sex")


@pytest.mark.parametrize(
    ("field", "si"),
    [
        ("crp", LabUnit.MG_L),
        ("ldh", LabUnit.U_L),
        ("albumin", LabUnit.G_L),
        ("platelets", LabUnit.E9_PER_L),
        ("calcium", LabUnit.MMOL_L),
        ("bilirubin", LabUnit.UMOL_L),
    ],
)
def test_si_unit_of_each_analyte(field: str, si: LabUnit) -> None:
    """Spec §2.3's conversions: LDH (U/L) and platelets (× 10⁹/L) are the same in both
    systems; the other four change unit."""
    assert ANALYTE_BY_FIELD[field].si_unit is si
