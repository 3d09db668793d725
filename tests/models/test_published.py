"""The transcription of Tables 1, 3 and 4 and every correction claimed about them.

Each correction in ``CORRECTIONS`` is an argument from the printed numbers; these tests
re-derive the argument, so a transcription error or a wrong claim fails here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2, chi2_contingency, fisher_exact, norm

from models import published as pub


def _table(variable: str, counts: object = None) -> np.ndarray:
    rows = (counts or pub.TABLE3_COUNTS)[variable]  # type: ignore[index]
    return np.array([[r.good, r.poor] for r in rows.values()])


def _pearson(table: np.ndarray) -> float:
    return float(chi2_contingency(table, correction=False)[1])


@pytest.mark.parametrize(
    "decimals_case",
    [
        (0.0125, 3, 0.013),
        (2.675, 2, 2.68),
        (0.0135, 3, 0.014),
        (7.45, 1, 7.5),
        (-0.0125, 3, -0.013),
    ],
)
def test_round_half_up_rounds_like_a_printed_table(decimals_case: tuple[float, int, float]) -> None:
    value, decimals, expected = decimals_case
    assert pub.round_half_up(value, decimals) == expected


def test_matches_printed_uses_the_printed_digit() -> None:
    assert pub.matches_printed(0.0386, 0.039, 3)
    assert not pub.matches_printed(0.0384, 0.039, 3)
    assert pub.matches_printed(6.565, 6.6, 1)
    assert not pub.matches_printed(6.549, 6.6, 1)


def test_group_sizes() -> None:
    assert pub.N_GOOD + pub.N_POOR == pub.N_PATIENTS == 46
    for variable, rows in pub.TABLE3_COUNTS.items():
        assert sum(r.good for r in rows.values()) == pub.N_GOOD, variable
        assert sum(r.poor for r in rows.values()) == pub.N_POOR, variable


@pytest.mark.parametrize(
    "variable", [v for v, p in pub.TABLE3_P.items() if p.test == "pearson_chi2"]
)
def test_categorical_p_values_are_pearson_without_continuity_correction(variable: str) -> None:
    printed = pub.TABLE3_P[variable]
    p = _pearson(_table(variable))
    assert pub.matches_printed(p, printed.value, printed.decimals), (variable, p)


def test_level_p_is_not_reproducible_and_the_stated_alternatives_are_right() -> None:
    printed = pub.TABLE3_P["lesion_group"]
    assert printed.exempt
    table = _table("lesion_group")
    ctj_vs_rest = np.array([table[2], table[0] + table[1]])
    assert pub.round_half_up(_pearson(table), 3) == 0.014
    assert pub.round_half_up(_pearson(ctj_vs_rest), 3) == 0.005
    yates = float(chi2_contingency(ctj_vs_rest, correction=True)[1])
    assert pub.round_half_up(yates, 3) == 0.013
    assert pub.round_half_up(float(fisher_exact(ctj_vs_rest)[1]), 3) == 0.007
    # Linear-by-linear association (Mantel–Haenszel trend), M² = (n − 1) r².
    x = np.repeat([1, 2, 3], table.sum(axis=1))
    y = np.concatenate([np.r_[np.zeros(g), np.ones(p)] for g, p in table])
    m2 = (len(x) - 1) * np.corrcoef(x, y)[0, 1] ** 2
    assert pub.round_half_up(float(chi2.sf(m2, 1)), 3) == 0.005
    for p in (_pearson(table), _pearson(ctj_vs_rest), yates, fisher_exact(ctj_vs_rest)[1]):
        assert pub.round_half_up(float(p), 3) != printed.value


def test_sex_rows_are_swapped_against_table_1() -> None:
    printed = pub.TABLE3_COUNTS_PRINTED["sex"]
    corrected = pub.TABLE3_COUNTS["sex"]
    men_table1 = pub.TABLE1_COUNTS["sex"]["male"].n
    assert printed["male"].good + printed["male"].poor != men_table1
    assert corrected["male"].good + corrected["male"].poor == men_table1 == 30
    assert (corrected["male"].good, corrected["male"].poor) == (15, 15)
    assert (corrected["female"].good, corrected["female"].poor) == (13, 3)
    # Poor-outcome share is higher in men after the swap, as Table 4's OR 2.83 says.
    assert 15 / 30 > 3 / 16
    assert pub.TABLE4[0].feature == "male"
    assert pub.TABLE4[0].odds_ratio > 1
    # Every other Table 3 variable is unchanged by the correction.
    for variable in pub.TABLE3_COUNTS:
        if variable != "sex":
            assert pub.TABLE3_COUNTS[variable] == pub.TABLE3_COUNTS_PRINTED[variable]


def test_table_3_margins_agree_with_table_1_except_ecog() -> None:
    pairs = {
        "escc_group": "escc_group",
        "lesion_group": "lesion_group",
        "frankel_group": "frankel_group",
        "sex": "sex",
    }
    for t3, t1 in pairs.items():
        for cat, row in pub.TABLE3_COUNTS[t3].items():
            if cat in pub.TABLE1_COUNTS[t1]:
                assert row.good + row.poor == pub.TABLE1_COUNTS[t1][cat].n, (t3, cat)


def test_ecog_choice_follows_table_3_and_differs_from_table_1_by_one() -> None:
    t1 = {int(k): v.n for k, v in pub.TABLE1_COUNTS["ecog"].items()}
    used = dict(pub.ECOG_COUNTS_USED)
    assert sum(used.values()) == 46
    assert t1[3] + t1[4] == 34  # Table 1 and the text
    rows = pub.TABLE3_COUNTS["ecog_group"]
    assert rows["3-4"].good + rows["3-4"].poor == 33 == used[3] + used[4]
    assert rows["1-2"].good + rows["1-2"].poor == 13 == used[1] + used[2]
    for ps in (1, 2, 3, 4):
        assert abs(used[ps] - t1[ps]) <= pub.ECOG_TABLE1_ALLOWED_DIFFERENCE[ps]
    # Only Table 3's counts reproduce the printed P; the two ways to reach 34 do not.
    assert pub.matches_printed(_pearson(np.array([[20, 13], [8, 5]])), 0.953, 3)
    assert pub.round_half_up(_pearson(np.array([[21, 13], [7, 5]])), 3) == 0.834
    assert pub.round_half_up(_pearson(np.array([[20, 14], [8, 4]])), 3) == 0.632


def test_table_1_percentages_are_counts_over_46() -> None:
    for variable, cats in pub.TABLE1_COUNTS.items():
        for cat, count in cats.items():
            assert pub.round_half_up(100 * count.n / 46, 1) == count.percent, (variable, cat)
    for name, count in pub.TEXT_COUNTS.items():
        assert pub.round_half_up(100 * count.n / 46, 1) == count.percent, name


def test_table_3_percentages_except_the_two_documented_misprints() -> None:
    misprints = set(pub.TABLE3_PERCENT_MISPRINTS)
    found = set()
    for variable, cats in pub.TABLE3_COUNTS.items():
        for cat, row in cats.items():
            for group, n, percent in (
                ("good", row.good, row.good_percent),
                ("poor", row.poor, row.poor_percent),
            ):
                if pub.round_half_up(100 * n / 46, 1) != percent:
                    found.add((variable, cat, group))
                    # Truncated instead of rounded.
                    assert math.floor(1000 * n / 46) / 10 == percent
    assert found == misprints


def test_table_4_rows_are_internally_consistent_wald_results() -> None:
    # OR = geometric midpoint of the CI, and P = 2Φ(−|log OR| / SE) with SE from the CI.
    for row in pub.TABLE4:
        log_or = math.log(row.odds_ratio)
        mid = (math.log(row.ci_low) + math.log(row.ci_high)) / 2
        assert abs(mid - log_or) < 0.05, row.feature
        se = (math.log(row.ci_high) - math.log(row.ci_low)) / (2 * 1.959964)
        p = 2 * norm.sf(abs(log_or) / se)
        assert abs(p - row.p_value) < 0.01, (row.feature, p)
    assert tuple(r.feature for r in pub.TABLE4) == pub.FEATURES


def test_ci_tolerance_is_the_larger_of_two_percent_and_the_rounding() -> None:
    assert pub.ci_tolerance(20.32) == pytest.approx(0.4064)
    assert pub.ci_tolerance(0.08) == pytest.approx(0.005)


def test_eq5d_value_set_and_the_range_argument() -> None:
    vs = pub.EQ5D_VALUE_SET
    assert vs.index((1, 1, 1, 1, 1)) == 1.0
    assert vs.index((3, 3, 3, 3, 3)) == pytest.approx(-0.594)
    assert vs.index((2, 2, 2, 2, 2)) == pytest.approx(0.516)
    assert vs.index((1, 1, 2, 1, 1)) == pytest.approx(0.883)
    assert vs.minimum == -0.594
    assert vs.maximum == 1.0
    with pytest.raises(ValueError, match="five levels"):
        vs.index((1, 1, 1, 1, 4))
    mean = pub.TABLE1_MEANS["eq5d_baseline"]
    # Japanese 3L set: the largest SD possible at this mean is far below 0.487.
    assert pub.max_sd_on_range(mean.mean, pub.EQ5D_JAPAN_3L_MINIMUM, 1.0) < 0.43
    assert pub.max_sd_on_range(mean.mean, vs.minimum, vs.maximum) > mean.sd
    assert pub.eq5d_minimum_needed() == pytest.approx(-0.174, abs=0.001)


def test_corrections_name_every_decision() -> None:
    text = " ".join(pub.CORRECTIONS)
    for needle in (
        "swapped",
        "33",
        "34",
        "0.006",
        "0.014",
        "0.005",
        "−0.594",
        "−0.111",
        "Dolan",
        "28.2",
        "17.3",
        "continuity",
        "ordinal",
    ):
        assert needle in text, needle
    assert "Kanda" in pub.CITATION
    assert "10.1186/s13018-021-02562-8" in pub.CITATION
    assert "10.1186/s13018-021-02562-8" in (pub.__doc__ or "")


def test_published_data_is_read_only() -> None:
    with pytest.raises(TypeError):
        pub.TABLE3_COUNTS["sex"] = pub.TABLE3_COUNTS["age_group"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        pub.TABLE4[0].odds_ratio = 3.0  # type: ignore[misc]
