"""The shared facts are one rule read by every score: their answers never disagree."""

from __future__ import annotations

import itertools

import pytest

from scoring import PatientCase, bauer, indications, katagiri, tomita
from scoring.derived import CONTRADICTIONS, solitary_skeletal, visceral_present
from scoring.metastases import MajorOrganMets, VisceralMets

COUNTS = list(itertools.product([None, 0, 1, 5], [None, 1, 2, 29]))


@pytest.mark.parametrize(("extraspinal", "bodies"), COUNTS)
def test_solitary_skeletal_is_one_fact_for_tomita_bauer_and_katagiri(extraspinal, bodies):
    case = PatientCase(extraspinal_bone_mets=extraspinal, vertebral_body_mets=bodies)
    fact = solitary_skeletal(extraspinal, bodies)
    katagiri_item = katagiri.score(case).items[5]
    tomita_item = tomita.score(case).items[2]
    bauer_item = bauer.score(case).items[1]
    if fact.value is None:
        assert katagiri_item.option is tomita_item.option is bauer_item.option is None
        assert katagiri_item.missing == tomita_item.missing == bauer_item.missing == fact.missing
    else:
        assert (katagiri_item.option is katagiri.MultipleSkeletalMets.NO) is fact.value
        assert (tomita_item.option is tomita.TomitaBone.SOLITARY) is fact.value
        assert (bauer_item.option is bauer.SolitarySkeletalMet.YES) is fact.value
    # decided as soon as one count shows more than one metastasis
    assert (fact.value is False) == ((extraspinal or 0) >= 1 or (bodies or 0) >= 2)


_ORGAN_PRESENT = (MajorOrganMets.REMOVABLE, MajorOrganMets.UNREMOVABLE)
VISCERAL = [  # every pair the case accepts (none with an organ metastasis is refused)
    (v, o)
    for v, o in itertools.product([None, *VisceralMets], [None, *MajorOrganMets])
    if not (v is VisceralMets.NONE and o in _ORGAN_PRESENT)
]


@pytest.mark.parametrize(("visceral", "organs"), VISCERAL)
def test_visceral_presence_is_one_fact_for_tomita_and_bauer(visceral, organs):
    case = PatientCase(visceral_mets=visceral, major_organ_mets=organs)
    fact = visceral_present(visceral, organs)
    tomita_item = tomita.score(case).items[1]
    bauer_item = bauer.score(case).items[0]
    if fact.value is None:
        assert bauer_item.option is None
        assert bauer_item.missing == ("visceral_mets",)
        assert tomita_item.points_min == 0  # "none" still possible
    else:
        assert (bauer_item.option is bauer.NoVisceralMets.NO) is fact.value
        assert (tomita_item.points_min > 0) is fact.value
    # only visceral_mets decides absence; the major organs alone never do
    assert (fact.value is False) == (visceral is VisceralMets.NONE)


def test_contradictions_are_data_over_case_fields() -> None:
    for rule in CONTRADICTIONS:
        assert rule.earlier in PatientCase.model_fields
        assert rule.later in PatientCase.model_fields
        assert rule.why
        assert "spec" not in rule.why


def test_indications_solitary_reads_the_shared_facts() -> None:
    solitary = PatientCase(
        extraspinal_bone_mets=0,
        vertebral_body_mets=1,
        visceral_mets="none",
        major_organ_mets="none",
    )
    statuses = {c.key: c.status for c in indications.assess(solitary, *_three(solitary))}
    assert statuses["solitary_metastasis"] is indications.Status.MET
    peritoneal = solitary.model_copy(update={"visceral_mets": VisceralMets.DISSEMINATED})
    statuses = {c.key: c.status for c in indications.assess(peritoneal, *_three(peritoneal))}
    assert statuses["solitary_metastasis"] is indications.Status.NOT_MET


def _three(case: PatientCase):
    from scoring import sins, tokuhashi

    return tokuhashi.score(case), katagiri.score(case), sins.score(case)
