"""The committed pseudo-cohort reproduces every printed number; the search machinery works.

The parametrized test below re-derives each number of Tables 1, 3 and 4 from the committed
CSV on every run, one test per printed number, named by table and row.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

import cli
from models import published as pub
from research import cohort
from research.logit import fit_logit

COMMITTED = pd.read_csv(cohort.DEFAULT_OUT)
CHECKS = cohort.verify(COMMITTED)


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_committed_cohort_reproduces(check: cohort.Check) -> None:
    assert check.ok, (
        f"{check.name}: printed {check.printed}, reproduced {check.reproduced} ({check.rule})"
    )


def test_every_printed_number_has_a_check() -> None:
    names = {c.name for c in CHECKS}
    # Table 1: 13 printed category rows plus female (46 − 30), 5 mean ± SD rows.
    assert sum(n.startswith("Table 1 /") and n.endswith("/ n") for n in names) == 14
    assert sum(n.startswith("Table 1 /") and n.endswith(("/ mean", "/ SD")) for n in names) == 10
    # Table 3: 18 category rows × 2 groups, 3 × 2 × (mean, SD), 11 P values.
    assert sum(n.startswith("Table 3 /") and n.endswith(("/ good", "/ poor")) for n in names) == 36
    assert sum(n.startswith("Table 3 /") and n.endswith(("mean", "SD")) for n in names) == 12
    assert sum(n.startswith("Table 3 /") and n.endswith("/ P") for n in names) == 11
    # Table 4: 5 rows × (OR, CI low, CI high, P).
    assert sum(n.startswith("Table 4 /") for n in names) == 20
    exempt = [c for c in CHECKS if c.rule.startswith("exempt")]
    assert [c.name for c in exempt] == ["Table 3 / Level of the main lesion / P"]
    assert exempt[0].reproduced == pytest.approx(0.0139, abs=1e-4)


def test_committed_cohort_schema() -> None:
    assert tuple(COMMITTED.columns) == cohort.COLUMNS
    assert COMMITTED["case_id"].tolist() == list(range(1, 47))
    for column in (
        "age_years",
        "ecog",
        "revised_tokuhashi",
        "new_katagiri",
        "sins",
        "poor_outcome",
    ):
        assert pd.api.types.is_integer_dtype(COMMITTED[column]), column
    assert COMMITTED["revised_tokuhashi"].between(0, 15).all()
    assert COMMITTED["new_katagiri"].between(0, 10).all()
    assert COMMITTED["sins"].between(0, 18).all()
    assert COMMITTED["eq5d_baseline"].between(pub.EQ5D_VALUE_SET.minimum, 1.0).all()
    counts = COMMITTED["ecog"].value_counts().to_dict()
    assert counts == dict(pub.ECOG_COUNTS_USED)


def test_table_4_directions() -> None:
    x, y, names = cohort.model_matrix(COMMITTED)
    fit = fit_logit(x, y, feature_names=names)
    signs = dict(zip(names, np.sign(fit.coef), strict=True))
    assert signs == {
        "male": 1,
        "revised_tokuhashi": -1,
        "new_katagiri": 1,
        "lesion_level": 1,
        "frankel_grade": -1,
    }


def test_verifier_catches_a_corrupted_cohort() -> None:
    bad = cohort.verify(cohort._corrupt(COMMITTED))
    failed = {c.name for c in bad if not c.ok}
    assert "Text / poor outcome / n" in failed
    assert any(n.startswith("Table 4") for n in failed)


def test_verifier_catches_a_changed_score() -> None:
    bad = COMMITTED.copy()
    bad.loc[0, "revised_tokuhashi"] = int(bad.loc[0, "revised_tokuhashi"]) + 3
    failed = {c.name for c in cohort.verify(bad) if not c.ok}
    assert any(n.startswith("Table 3 / Revised Tokuhashi score /") for n in failed)


def test_verifier_rejects_a_wrong_schema() -> None:
    checks = cohort.verify(COMMITTED.drop(columns=["sins"]))
    assert not all(c.ok for c in checks)
    assert checks[0].name == "Schema / columns in order"
    swapped = COMMITTED.copy()
    swapped.loc[0, "sex"] = "M"
    assert not all(c.ok for c in cohort.verify(swapped))


def test_verifier_flags_incoherent_scores() -> None:
    bad = COMMITTED.copy()
    i = int(np.flatnonzero(bad["frankel_group"] == "E")[0])
    bad.loc[i, "revised_tokuhashi"] = 1  # below the 2 palsy points of Frankel E
    failed = {c.name for c in cohort.verify(bad) if not c.ok}
    assert "Coherence / Tokuhashi within palsy and general-condition bounds" in failed


def test_verifier_flags_complete_palsy_in_an_ambulatory_patient() -> None:
    bad = COMMITTED.copy()
    i = int(np.flatnonzero(bad["frankel_group"] == "AB")[0])
    assert bad.loc[i, "ecog"] == 4
    bad.loc[i, "ecog"] = 2
    failed = {c.name for c in cohort.verify(bad) if not c.ok}
    assert "Coherence / Frankel A/B (complete palsy) has ECOG 4" in failed


@pytest.mark.parametrize("seed", range(5))
def test_fast_mann_whitney_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 16, size=(3, 46))
    fast = cohort.mwu_p_batch(values)
    for k in range(3):
        ref = mannwhitneyu(
            values[k, :28], values[k, 28:], method="asymptotic", use_continuity=True
        ).pvalue
        assert fast[k] == pytest.approx(ref, rel=1e-10)


def _random_states(n: int) -> cohort.Core:
    rng = np.random.default_rng(11)
    states = [cohort._initial_core(rng) for _ in range(n)]
    return cohort.Core(
        *(np.concatenate([getattr(s, f) for s in states]) for f in cohort.CORE_FIELDS)
    )


def test_kernel_statistics_agree_with_the_vectorized_ones() -> None:
    # The kernel functions are plain Python until numba compiles them: test them as such.
    states = _random_states(30)
    rng = np.random.default_rng(3)
    feasible = cohort._make_feasible(cohort._initial_core(rng), rng)
    assert feasible is not None
    spec = cohort._spec_array(cohort.TOKUHASHI)
    kspec = cohort._spec_array(cohort.KATAGIRI)
    assert _py(cohort._k_stats_ok)(feasible.tok[0], 28, spec)
    assert _py(cohort._k_stats_ok)(feasible.kat[0], 28, kspec)
    for k in range(30):
        tok_ok = cohort.TOKUHASHI.distance(states.tok[k : k + 1])[0] == 0.0
        kat_ok = cohort.KATAGIRI.distance(states.kat[k : k + 1])[0] == 0.0
        assert _py(cohort._k_stats_ok)(states.tok[k], 28, spec) == tok_ok
        assert _py(cohort._k_stats_ok)(states.kat[k], 28, kspec) == kat_ok


def _py(func):
    """The plain-Python function behind a numba dispatcher (or the function itself)."""
    return getattr(func, "py_func", func)


def test_kernel_fit_matches_the_exact_fit() -> None:
    state = cohort._initial_core(np.random.default_rng(5))
    for coding in cohort.CODINGS:
        x = cohort.design(state, coding)[0]
        exact = fit_logit(x, cohort.Y)
        m = x.shape[1] + 1
        design = np.column_stack([np.ones(46), x])
        beta, se, work = np.zeros(m), np.zeros(m), np.zeros((2 * m + 4, m))
        assert _py(cohort._k_fit)(design, cohort.Y, beta, se, work)
        np.testing.assert_allclose(beta, exact.params, atol=1e-8)
        np.testing.assert_allclose(se, exact.se, rtol=1e-8)


def test_quick_screening_fit_is_close_to_the_exact_fit() -> None:
    # Warm start from the fit before one move (a Tokuhashi swap), as in the search.
    state = cohort._initial_core(np.random.default_rng(6))
    before = fit_logit(cohort.design(state)[0], cohort.Y)
    i, j = 0, int(np.flatnonzero(state.tok[0, :28] != state.tok[0, 0])[0])
    state.tok[0, [i, j]] = state.tok[0, [j, i]]
    x = np.column_stack([np.ones(46), cohort.design(state)[0]])
    exact = fit_logit(x[:, 1:], cohort.Y)
    beta, se, work = before.params.copy(), np.zeros(6), np.zeros((2 * 6 + 4, 6))
    assert _py(cohort._k_fit_quick)(x, cohort.Y, beta, se, work, 2)
    np.testing.assert_allclose(beta, exact.params, atol=1e-5)
    np.testing.assert_allclose(se, exact.se, rtol=1e-3)


def test_coherence_bounds() -> None:
    low, high = cohort.tokuhashi_bounds(np.array([0, 1, 2, 2]), np.array([3, 3, 3, 4]))
    assert low.tolist() == [0, 1, 2, 2]
    assert high.tolist() == [13, 14, 15, 13]
    low, high = cohort.katagiri_bounds(np.array([2, 3, 2, 4]), np.array([0, 0, 1, 1]))
    assert low.tolist() == [0, 1, 1, 2]
    assert high.tolist() == [8, 9, 9, 10]
    low, high = cohort.sins_bounds(np.array([1, 2, 3]))
    assert low.tolist() == [3, 2, 3]
    assert high.tolist() == [18, 17, 18]


def test_eq5d_values_are_coherent_with_ecog() -> None:
    # ECOG 4 means mobility, self-care and usual activities all at level 3: index ≤ 0.028.
    ecog4 = COMMITTED.loc[COMMITTED["ecog"] == 4, "eq5d_baseline"]
    assert (ecog4 <= 0.028 + 1e-9).all()


def test_coding_evidence_file() -> None:
    evidence = json.loads((cohort.DATA_DIR / "coding_evidence.json").read_text(encoding="utf-8"))
    results = evidence["results"]
    assert set(results) == set(cohort.CODINGS)
    # Level row alone (the fields the model card reads) and all of Table 4.
    assert results["ordinal"]["reached_table4_level_row"] is True
    assert results["ordinal"]["full_table4"]["reached"] is True
    for coding in ("binary_ctj", "two_dummies"):
        for entry in (results[coding], results[coding]["full_table4"]):
            assert entry.get("reached_table4_level_row", entry.get("reached")) is False, coding
            assert entry["worst_error_in_tolerance_units"] > 1.0
            row = entry["best_level_row"]
            assert row["ci_high"] / row["ci_low"] > 20.32 / 1.23  # wider than printed
    assert evidence["answer"].startswith("Only the ordinal coding")
    # The context numbers are the Woolf SEs of Table 3's counts.
    context = evidence["context_unadjusted_se"]
    assert context["two_dummies_ctj_vs_upper"] == pytest.approx(
        (1 / 12 + 1 / 7 + 1 / 1 + 1 / 8) ** 0.5, abs=1e-4
    )
    assert context["two_dummies_ctj_vs_upper"] > evidence["table4_level_row"]["se_log_or_implied"]


def test_ensemble_summary_file() -> None:
    summary = json.loads((cohort.DATA_DIR / "ensemble_summary.json").read_text(encoding="utf-8"))
    rows = summary["cohorts"]
    assert summary["n_cohorts"] == len(rows) >= 1
    seeds = [c["seed"] for c in rows] + summary["failed_seeds"]
    assert len(set(seeds)) == len(seeds)  # every seed tried once
    assert cohort.DEFAULT_SEED not in seeds  # independent of the committed cohort
    for key in ("intercept", "apparent_auc", "brier"):
        values = [c[key] for c in rows]
        s = summary[key]
        assert s["min"] == pytest.approx(min(values))
        assert s["max"] == pytest.approx(max(values))
        assert s["min"] <= s["median"] <= s["max"]
    assert 0.5 < summary["apparent_auc"]["min"] <= summary["apparent_auc"]["max"] < 1.0
    for part in summary["parts"]:
        assert part["n_cohorts"] <= len(part["seeds"])
    # The committed cohort's own metrics are recomputed from the CSV, not copied.
    assert summary["committed_cohort"] == pytest.approx(cohort.apparent_metrics(COMMITTED))


def test_regenerating_the_ensemble_from_found_cohorts_keeps_its_history(tmp_path: Path) -> None:
    """Cohorts found in earlier sittings (``done``) are reused, not searched again; the
    rewritten summary describes exactly those cohorts and keeps which seeds the original
    runs tried (``parts``) and which failed."""
    ensemble = pd.read_csv(cohort.DEFAULT_ENSEMBLE_COHORTS)
    seeds = sorted(ensemble["cohort"].unique())[:2]
    done = tmp_path / "done"
    done.mkdir()
    for seed in seeds:
        rows = ensemble[ensemble["cohort"] == seed].drop(columns=["cohort"])
        rows.to_csv(done / f"{seed}.csv", index=False)
    original = json.loads((cohort.DATA_DIR / "ensemble_summary.json").read_text(encoding="utf-8"))
    parts = [{"file": "first.json", "n_cohorts": 2, "seeds": [*map(int, seeds), 1]}]
    summary = tmp_path / "summary.json"
    summary.write_text(
        json.dumps(
            original
            | {
                "cohorts": [{"seed": int(s)} for s in seeds],
                "failed_seeds": [1],
                "parts": parts,
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "cohorts.csv"
    cohort.regenerate_ensemble(summary, out, done=done, search_missing=False)
    written = json.loads(summary.read_text(encoding="utf-8"))
    assert written["n_cohorts"] == 2
    assert written["failed_seeds"] == [1]
    assert written["parts"] == parts
    expected = ensemble[ensemble["cohort"].isin(seeds)].reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.read_csv(out), expected)


def _run_part(seeds: list[int], failed: list[int], budget: float = 240.0) -> dict[str, object]:
    rows = [
        {"seed": s, "intercept": -2.0 - s / 100, "apparent_auc": 0.8, "brier": 0.1} for s in seeds
    ]
    return {
        "n_cohorts": len(rows),
        "cohorts": rows,
        "failed_seeds": failed,
        "search": {"time_budget_s": budget},
    }


def _write(path: Path, data: dict[str, object]) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def test_merge_keeps_every_run_and_flattens_an_earlier_merge(tmp_path: Path) -> None:
    """Merging a merged summary with new runs keeps the original runs as parts, so the
    committed file always says which seeds were tried in which run."""
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    _write(a, _run_part([1, 2], [3]))
    _write(b, _run_part([4], [5, 6]))
    _write(c, _run_part([7, 8], []))
    first = cohort.merge_ensembles([a, b], tmp_path / "merged.json", committed=None)
    assert first["n_cohorts"] == 3
    assert first["failed_seeds"] == [3, 5, 6]
    again = cohort.merge_ensembles(
        [tmp_path / "merged.json", c], tmp_path / "merged2.json", committed=None
    )
    assert again["n_cohorts"] == 5
    assert [p["file"] for p in again["parts"]] == ["a.json", "b.json", "c.json"]
    assert again["intercept"]["min"] == pytest.approx(-2.08)


def test_merge_refuses_shared_seeds_and_different_settings(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    _write(a, _run_part([1, 2], [3]))
    _write(b, _run_part([3], []))
    _write(c, _run_part([9], [], budget=60.0))
    with pytest.raises(ValueError, match="share seeds"):
        cohort.merge_ensembles([a, b], tmp_path / "out.json", committed=None)
    with pytest.raises(ValueError, match="settings differ"):
        cohort.merge_ensembles([a, c], tmp_path / "out.json", committed=None)
    assert not (tmp_path / "out.json").exists()


def test_check_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["reconstruct", "--check", str(cohort.DEFAULT_OUT)]) == 0
    out = capsys.readouterr().out
    assert "Table 4 / Level of the main lesion / CI high" in out
    assert "0 failed" in out


@pytest.mark.research
def test_smoke_search() -> None:
    assert cohort.smoke(steps=5_000) == []


@pytest.mark.slow
def test_full_search_reproduces_the_committed_cohort() -> None:
    result = cohort.reconstruct(cohort.SearchConfig(time_budget_s=7200))
    assert result.frame is not None
    pd.testing.assert_frame_equal(result.frame, COMMITTED, check_dtype=False)
