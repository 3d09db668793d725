"""Traps (spec §7): each one is true of this calculator, and each is tied to its items."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from learn.quiz import catalogue
from learn.traps import SCORES, TRAPS, traps_concerning, traps_for
from scoring import bauer, katagiri, sins, tokuhashi, tomita
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD, LabUnit
from scoring.levels import SinsLocation, VertebralLevel
from tests.support.cases import make_case

BY_ID = {t.spec_id: t for t in TRAPS}


def test_ids_are_unique_and_name_the_spec() -> None:
    assert len(BY_ID) == len(TRAPS)
    for trap in TRAPS:
        assert re.fullmatch(r"A-(?:[TKSG]|TM|MB)\d+|§\d+(\.\d+)?", trap.spec_id)
        assert trap.score in SCORES
        assert trap.statement
        assert trap.reading
        assert trap.sources
        assert "\n" not in trap.statement


def test_the_traps_the_issue_names_are_there() -> None:
    for spec_id in ("A-T6", "§8", "A-S1", "A-K8", "A-K7", "A-G1", "A-K5"):
        assert spec_id in BY_ID


def test_every_concerned_item_is_a_quiz_item() -> None:
    keys = {spec.answer_key for spec in catalogue()}
    for trap in TRAPS:
        assert set(trap.concerns) <= keys, trap.spec_id


def test_every_score_has_traps_and_general_ones_are_shared() -> None:
    for score in ("tokuhashi", "katagiri", "sins", "tomita", "bauer"):
        assert traps_for(score)
    assert BY_ID["A-G1"] in traps_for("tokuhashi")
    assert BY_ID["A-G1"] in traps_for("katagiri")
    assert BY_ID["A-G1"] not in traps_for("sins")
    assert traps_concerning("tokuhashi_palsy") == (BY_ID["A-T6"],)


def test_frankel_b_is_complete_palsy() -> None:
    """A-T6: the calculator scores Frankel B as complete palsy, as the trap says."""
    result = tokuhashi.score(make_case(frankel="B"))
    palsy = next(i for i in result.items if i.key == "palsy")
    assert palsy.option is tokuhashi.Palsy.COMPLETE
    assert "Frankel A and B" in BY_ID["A-T6"].statement
    assert FrankelGrade.B.definition.rstrip(".").lower() in BY_ID["A-T6"].reading


def test_katagiri_scores_growth_not_organ() -> None:
    """§8: breast scores 0 or 2 by hormone dependence, lung 2 or 3 by targeted therapy."""
    points = {
        tumor: katagiri.score(make_case(primary_tumor=tumor)).items[0].points
        for tumor in (
            "breast_hormone_dependent",
            "breast_hormone_independent",
            "lung_targeted",
            "lung_untargeted",
        )
    }
    assert points == {
        "breast_hormone_dependent": 0,
        "breast_hormone_independent": 2,
        "lung_targeted": 2,
        "lung_untargeted": 3,
    }
    assert "0 (hormone-dependent) or 2" in BY_ID["§8"].statement


def test_c7_to_t2_is_junctional() -> None:
    """A-S1: T2 junctional (3), T3 semi-rigid (1)."""
    assert VertebralLevel.T2.sins_location is SinsLocation.JUNCTIONAL
    assert VertebralLevel.T3.sins_location is SinsLocation.SEMI_RIGID
    for level, points in (("T2", 3), ("T3", 1), ("C7", 3)):
        assert sins.score(make_case(lesion_level=level)).items[0].points == points
    assert "T2 is junctional (3)" in BY_ID["A-S1"].statement
    assert "C7, T1, T2" in BY_ID["A-S1"].reading


def test_unmeasured_labs_widen_the_item() -> None:
    """A-K8 as read here: an unmeasured value is not assumed normal."""
    lab = katagiri.laboratory_item(make_case(calcium=None))
    assert (lab.points_min, lab.points_max) == (0, 2)
    assert lab.missing == ("calcium",)
    critical = katagiri.laboratory_item(
        make_case(crp=None, platelets={"value": "80", "unit": "10^9/L"})
    )
    assert critical.points == 2
    assert "not assumed normal" in BY_ID["A-K8"].reading


@pytest.mark.parametrize(
    ("field", "value", "unit"),
    [("calcium", "2.57", "mmol/L"), ("bilirubin", "24", "umol/L")],
)
def test_si_rounding_trap(field: str, value: str, unit: str) -> None:
    """A-K7: a value at the rounded SI cut-off is at or above the exact cut-off."""
    spec = ANALYTE_BY_FIELD[field]
    assert spec.is_flagged(Decimal(value), LabUnit.parse(unit))
    statement = BY_ID["A-K7"].statement
    assert "2.56986… mmol/L" in statement
    assert "23.9456 µmol/L" in statement


def test_multiple_skeletal_counts_the_spine() -> None:
    """A-K5 with spec §9: one extraspinal focus plus the spinal lesion is multiple."""
    result = katagiri.score(make_case(extraspinal_bone_mets=1, vertebral_body_mets=1))
    assert result.items[-1].points == 1
    assert "extraspinal foci ≥ 1 or vertebral bodies ≥ 2" in BY_ID["A-K5"].reading


def test_kps_and_ecog_are_read_natively() -> None:
    """A-G1: KPS 50 with ECOG 2 and with ECOG 3 keeps Tokuhashi's item, moves Katagiri's."""
    low, high = make_case(kps=50, ecog=2), make_case(kps=50, ecog=3)
    assert tokuhashi.score(low).items[0].points == tokuhashi.score(high).items[0].points == 1
    assert (katagiri.score(low).items[3].points, katagiri.score(high).items[3].points) == (0, 1)


def test_band_traps_quote_the_bands() -> None:
    assert "0–8: Predicted survival < 6 months" in BY_ID["A-T5"].reading
    assert BY_ID["A-S5"].reading.startswith("0–6: Stable")
    assert "Low risk is 0–3" in BY_ID["A-K6"].reading


def test_tomita_treatable_is_not_removable() -> None:
    """A-TM5: an unremovable organ metastasis judged treatable scores 2, not 4."""
    case = make_case(
        major_organ_mets="unremovable", visceral_mets="nodular", visceral_mets_treatable=True
    )
    assert tomita.score(case).items[1].option is tomita.TomitaVisceral.TREATABLE
    assert "scores 2, not 4" in BY_ID["A-TM5"].statement


def test_two_vertebral_bodies_are_multiple_for_tomita_and_bauer() -> None:
    """A-TM3: two bodies and no other focus are not solitary, in both scores."""
    case = make_case(extraspinal_bone_mets=0, vertebral_body_mets=2)
    assert tomita.score(case).items[2].option is tomita.TomitaBone.MULTIPLE
    assert bauer.score(case).items[1].option is bauer.SolitarySkeletalMet.NO
    assert set(BY_ID["A-TM3"].concerns) == {"tomita_bone_mets", "bauer_solitary_skeletal_met"}


def test_tomita_scores_the_organ() -> None:
    """A-TM4: hormone-independent breast is slow (1) for Tomita, moderate for Katagiri."""
    case = make_case(primary_tumor="breast_hormone_independent")
    assert tomita.score(case).items[0].points == 1
    assert katagiri.score(case).items[0].option.value == "moderate"
    assert "(1) in Tomita" in BY_ID["A-TM4"].statement
    lung = make_case(primary_tumor="lung_targeted")
    assert tomita.score(lung).items[0].points == 4
    assert "stays 4 points" in BY_ID["A-TM4"].statement


def test_tomita_lower_is_better_and_groups_are_goals() -> None:
    trap = BY_ID["A-TM6"]
    assert "2 is the best prognosis, 10 the worst" in trap.statement
    assert not tomita.score(make_case()).higher_is_better
    assert "long-term local control" in trap.reading
    assert "month" not in trap.reading.replace("poorly", "")


def test_bauer_modified_bands_and_unknown_primary() -> None:
    assert (
        "0–1: Survival < 6 months; 2: Survival > 6 months; 3–4: Survival > 12 months"
        in BY_ID["A-MB1"].reading
    )
    case = make_case(primary_tumor="unknown_primary")
    assert bauer.score(case).items[2].points == 1
    assert BY_ID["A-MB4"].statement.endswith("still scores 1.")
