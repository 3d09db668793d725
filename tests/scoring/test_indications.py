"""Indications and cautions of the two seed papers (seed 000 Methods; seed 004)."""

from __future__ import annotations

import pytest

from scoring import score_case
from scoring.indications import Status
from tests.support.cases import make_case


def _status(key: str, **changes: object) -> Status:
    criteria = {c.key: c for c in score_case(make_case(**changes)).criteria}
    return criteria[key].status


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("progressive_neurological_deficit", "progressive_neurological_deficit"),
        ("intractable_pain", "intractable_pain"),
        ("impaired_consciousness_cerebral_mets", "impaired_consciousness_cerebral_mets"),
    ],
)
@pytest.mark.parametrize(
    ("value", "status"), [(True, Status.MET), (False, Status.NOT_MET), (None, Status.UNKNOWN)]
)
def test_recorded_criteria(key: str, field: str, value: bool | None, status: Status) -> None:
    """Seed 000 Methods: the indications and the contraindication as recorded."""
    assert _status(key, **{field: value}) is status


def test_sins_13_both_sides_of_the_cut() -> None:
    """Seed 000 Methods: 'remarkable spinal instability (SINS ≥ 13)'."""
    # complete case at C5: 2+3+2+0+2+1 = 10; subluxation adds 4 → 14; C7 junctional +1
    assert _status("sins_13_or_more") is Status.NOT_MET
    assert _status("sins_13_or_more", sins_alignment="subluxation", lesion_level="C5") is (
        Status.MET
    )
    assert _status("sins_13_or_more", sins_alignment="deformity", lesion_level="C7") is (
        Status.MET
    )  # 3+3+2+2+2+1 = 13
    assert _status("sins_13_or_more", sins_alignment="deformity", lesion_level="C5") is (
        Status.NOT_MET
    )  # 12
    assert _status("sins_13_or_more", sins_alignment=None) is Status.UNKNOWN  # 10–14


def test_life_expectancy_from_score_bands() -> None:
    """Seed 004: life expectancy ≥ 3 months; established by Tokuhashi ≥ 9 or Katagiri 0–3."""
    assert _status("life_expectancy_3_months") is Status.MET  # Tokuhashi 13
    poor = {
        "kps": 30,
        "primary_tumor": "liver",
        "frankel": "B",
        "extraspinal_bone_mets": 5,
        "visceral_mets": "disseminated",
    }
    assert _status("life_expectancy_3_months", **poor) is Status.UNKNOWN


@pytest.mark.parametrize(
    ("changes", "named", "not_named"),
    [
        # Tokuhashi 9, Katagiri 4: only Tokuhashi's band establishes it
        ({"primary_tumor": "liver"}, "Revised Tokuhashi score 9: in the band", "98 %"),
        # Tokuhashi 7, Katagiri 2: only Katagiri's band
        (
            {"kps": 30, "frankel": "B", "extraspinal_bone_mets": 5, "vertebral_body_mets": 5},
            "New Katagiri score 2: in the band with 98 % 6-month survival",
            "Tokuhashi",
        ),
    ],
)
def test_life_expectancy_names_only_the_score_that_establishes_it(
    changes: dict[str, object], named: str, not_named: str
) -> None:
    """Seed 004's life expectancy ≥ 3 months, read through the published bands (revised
    Tokuhashi ≥ 9: ≥ 6 months, Tokuhashi 2005; new Katagiri 0–3: 98 % at 6 months,
    Katagiri 2014). Both scores named beside both bands read as if this patient's
    Katagiri 4 carried "98 % 6-month survival": the reason names the band that met it."""
    criteria = {c.key: c for c in score_case(make_case(**changes)).criteria}
    life = criteria["life_expectancy_3_months"]
    assert life.status is Status.MET
    assert named in life.explanation
    assert not_named not in life.explanation


def test_radical_resection_criteria() -> None:
    """Seed 004: solitary metastasis, life expectancy > 1 year, slowly growing tumor."""
    assert _status("solitary_metastasis") is Status.MET
    assert _status("solitary_metastasis", extraspinal_bone_mets=1) is Status.NOT_MET
    assert _status("solitary_metastasis", visceral_mets=None) is Status.UNKNOWN
    assert _status("life_expectancy_1_year") is Status.MET  # Tokuhashi 13
    assert _status("life_expectancy_1_year", primary_tumor="liver") is Status.NOT_MET  # 9
    assert _status("slow_growing_tumor") is Status.MET  # thyroid
    assert _status("slow_growing_tumor", primary_tumor="kidney") is Status.MET  # review example
    assert _status("slow_growing_tumor", primary_tumor="melanoma") is Status.NOT_MET
    assert _status("slow_growing_tumor", primary_tumor=None) is Status.UNKNOWN


def test_no_criterion_is_phrased_as_an_instruction() -> None:
    for criterion in score_case(make_case()).criteria:
        text = (criterion.label + " " + criterion.explanation).lower()
        assert "should operate" not in text
        assert "do not operate" not in text
        assert "recommend" not in text
