"""Every combination of every item category, through the full case → score path.

For each score: the total is the sum of the items' published points, lies within the
score's range, falls in the band the source assigns, and every total of the range is
reachable (a table that silently lost a row would leave a gap).
"""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import ValidationError

from scoring import PatientCase, bauer, katagiri, sins, tokuhashi, tomita
from tests.support.cases import make_case


def _band(total: int, cuts: list[tuple[int, int, str]]) -> str:
    return next(code for low, high, code in cuts if low <= total <= high)


def test_tokuhashi_all_combinations() -> None:
    """Tokuhashi 2005 (S1): item points retyped from spec §1; bands 0–8, 9–11, 12–15."""
    kps = {40: 0, 60: 1, 90: 2}
    foci = {3: 0, 1: 1, 0: 2}
    bodies = {3: 0, 2: 1, 1: 2}
    organs = {"unremovable": 0, "removable": 1, "none": 2}
    primary = {"lung_untargeted": 0, "liver": 1, "other": 2, "kidney": 3, "rectum": 4, "thyroid": 5}
    frankel = {"B": 0, "C": 1, "E": 2}
    cuts = [(0, 8, "under_6_months"), (9, 11, "6_months_or_more"), (12, 15, "1_year_or_more")]
    seen = set()
    for k, f, b, o, p, fr in itertools.product(kps, foci, bodies, organs, primary, frankel):
        case = make_case(
            kps=k,
            extraspinal_bone_mets=f,
            vertebral_body_mets=b,
            major_organ_mets=o,
            visceral_mets="none" if o == "none" else "nodular",  # else a contradiction
            primary_tumor=p,
            frankel=fr,
        )
        result = tokuhashi.score(case)
        expected = kps[k] + foci[f] + bodies[b] + organs[o] + primary[p] + frankel[fr]
        assert result.total == expected
        assert result.band is not None
        assert result.band.code == _band(expected, cuts)
        seen.add(expected)
    assert seen == set(range(16))


def test_katagiri_all_combinations() -> None:
    """Katagiri 2014 (S4): points retyped from spec §2.1; bands 0–3, 4–6, 7–10 (S5, S6)."""
    growth = {"thyroid": 0, "kidney": 2, "liver": 3}
    visceral = {"none": 0, "nodular": 1, "disseminated": 2}
    labs: dict[str, tuple[dict[str, Any], int]] = {
        "normal": ({}, 0),
        "abnormal": ({"crp": {"value": "2", "unit": "mg/dL"}}, 1),
        "critical": ({"platelets": {"value": "50", "unit": "10^9/L"}}, 2),
    }
    ecog = {2: 0, 4: 1}
    chemo = {False: 0, True: 1}
    skeletal = {(0, 1): 0, (2, 1): 1}
    cuts = [(0, 3, "low"), (4, 6, "intermediate"), (7, 10, "high")]
    seen = set()
    for g, v, lab, e, c, s in itertools.product(growth, visceral, labs, ecog, chemo, skeletal):
        lab_fields, lab_points = labs[lab]
        case = make_case(
            primary_tumor=g,
            visceral_mets=v,
            ecog=e,
            previous_chemotherapy=c,
            extraspinal_bone_mets=s[0],
            vertebral_body_mets=s[1],
            **lab_fields,
        )
        result = katagiri.score(case)
        expected = growth[g] + visceral[v] + lab_points + ecog[e] + chemo[c] + skeletal[s]
        assert result.total == expected
        assert result.band is not None
        assert result.band.code == _band(expected, cuts)
        seen.add(expected)
    assert seen == set(range(11))


def test_sins_all_combinations() -> None:
    """Fisher 2010 (S8): points retyped from spec §3; bands 0–6, 7–12, 13–18."""
    level = {"C7": 3, "C4": 2, "T6": 1, "S3": 0}
    pain = {"mechanical": 3, "occasional": 1, "none": 0}
    lesion = {"lytic": 2, "mixed": 1, "blastic": 0}
    alignment = {"subluxation": 4, "deformity": 2, "normal": 0}
    collapse = {"gt50": 3, "lt50": 2, "none_gt50_involved": 1, "none": 0}
    postero = {"bilateral": 3, "unilateral": 1, "none": 0}
    cuts = [(0, 6, "stable"), (7, 12, "indeterminate"), (13, 18, "unstable")]
    seen = set()
    for lv, p, le, a, c, po in itertools.product(level, pain, lesion, alignment, collapse, postero):
        case = make_case(
            lesion_level=lv,
            sins_pain=p,
            sins_bone_lesion=le,
            sins_alignment=a,
            sins_collapse=c,
            sins_posterolateral=po,
        )
        result = sins.score(case)
        expected = level[lv] + pain[p] + lesion[le] + alignment[a] + collapse[c] + postero[po]
        assert result.total == expected
        assert result.band is not None
        assert result.band.code == _band(expected, cuts)
        seen.add(expected)
    assert seen == set(range(19))


def test_bands_tile_each_score_range() -> None:
    for bands, top in ((tokuhashi.BANDS, 15), (katagiri.BANDS, 10), (sins.BANDS, 18)):
        covered = [t for b in bands for t in range(b.low, b.high + 1)]
        assert covered == list(range(top + 1))


def test_tomita_all_combinations() -> None:
    """Tomita 2001: growth 1/2/4, visceral 0/2/4, bone 1/2; groups 2–3, 4–5, 6–7, 8–10."""
    growth = {"thyroid": 1, "kidney": 2, "stomach": 4}
    visceral: dict[str, tuple[dict[str, Any], int]] = {
        "none": ({"visceral_mets": "none"}, 0),
        "treatable": ({"visceral_mets": "nodular", "visceral_mets_treatable": True}, 2),
        "untreatable": ({"visceral_mets": "disseminated", "visceral_mets_treatable": False}, 4),
    }
    bone = {(0, 1): 1, (1, 1): 2}
    cuts = [
        (2, 3, "long_term_local_control"),
        (4, 5, "middle_term_local_control"),
        (6, 7, "short_term_palliation"),
        (8, 10, "terminal_care"),
    ]
    seen = set()
    for g, v, b in itertools.product(growth, visceral, bone):
        fields, visceral_points = visceral[v]
        case = make_case(
            primary_tumor=g,
            major_organ_mets=None,
            extraspinal_bone_mets=b[0],
            vertebral_body_mets=b[1],
            **fields,
        )
        result = tomita.score(case)
        expected = growth[g] + visceral_points + bone[b]
        assert result.total == expected
        assert 2 <= expected <= 10
        assert result.band is not None
        assert result.band.code == _band(expected, cuts)
        seen.add(expected)
    assert seen == set(range(2, 11))
    assert [(b.low, b.high) for b in tomita.BANDS] == [(low, high) for low, high, _ in cuts]


def test_bauer_all_combinations() -> None:
    """Modified Bauer (Leithner 2008): four factors of 1 point; bands 0–1, 2, 3–4."""
    visceral = {"none": 1, "nodular": 0}
    skeletal = {(0, 1): 1, (0, 2): 0}
    primary = {"lung_untargeted": (0, 0), "stomach": (1, 0), "kidney": (1, 1)}
    cuts = [(0, 1, "lt_6_months"), (2, 2, "gt_6_months"), (3, 4, "gt_12_months")]
    seen = set()
    for v, s, p in itertools.product(visceral, skeletal, primary):
        case = make_case(
            visceral_mets=v,
            major_organ_mets=None,
            extraspinal_bone_mets=s[0],
            vertebral_body_mets=s[1],
            primary_tumor=p,
        )
        result = bauer.score(case)
        expected = visceral[v] + skeletal[s] + sum(primary[p])
        assert result.total == expected
        assert 0 <= expected <= 4
        assert result.band is not None
        assert result.band.code == _band(expected, cuts)
        seen.add(expected)
    assert seen == set(range(5))
    assert [(b.low, b.high) for b in bauer.BANDS] == [(low, high) for low, high, _ in cuts]


_DOMAINS: dict[str, tuple[Any, ...]] = {
    "primary_tumor": (None, "thyroid", "kidney", "lung_untargeted", "lymphoma"),
    "visceral_mets": (None, "none", "nodular", "disseminated"),
    "major_organ_mets": (None, "none", "removable"),
    "visceral_mets_treatable": (None, True, False),
    "extraspinal_bone_mets": (None, 0, 1),
    "vertebral_body_mets": (None, 1, 2),
}


def _valid(values: dict[str, Any]) -> PatientCase | None:
    try:
        return PatientCase(**values)
    except ValidationError:
        return None


def test_new_score_ranges_are_exactly_the_totals_of_their_completions() -> None:
    """Every partial case over the inputs of Tomita and Bauer: the range shown is the lowest
    and highest total of the complete cases it could become (no narrower, and no wider), and
    the band is given exactly when all those totals share it.

    No exception: a treatability answer given while the visceral answers are empty states
    a present metastasis (a case saying "none" beside it is refused), so the range is exact.
    """
    names = list(_DOMAINS)
    cases = {}
    for combo in itertools.product(*_DOMAINS.values()):
        case = _valid(dict(zip(names, combo, strict=True)))
        if case is not None:
            cases[combo] = case
    totals = {
        combo: (tomita.score(case).total, bauer.score(case).total) for combo, case in cases.items()
    }
    complete = {combo: t for combo, t in totals.items() if None not in t}
    for combo, case in cases.items():
        completions = [
            t
            for other, t in complete.items()
            if all(a is None or a == b for a, b in zip(combo, other, strict=True))
        ]
        assert completions, combo
        for index, result in enumerate((tomita.score(case), bauer.score(case))):
            reachable = {t[index] for t in completions}
            shown = set(range(result.total_min, result.total_max + 1))
            assert reachable <= shown, (combo, result.key)
            assert (result.total_min, result.total_max) == (min(reachable), max(reachable)), (
                combo,
                result.key,
            )
            bands = {next(b.code for b in result.bands if b.holds(t)) for t in reachable}
            assert (result.band is not None) == (len(bands) == 1), (combo, result.key)
