"""AppTest: the tumor board shows the session's case, read-only, with the same numbers.

The case is entered on the calculator (widgets by key), then the test switches pages;
expected values come from ``scoring.score_case`` and ``models.predict``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models.predict import load_model
from tests.support.app import (
    BOARD,
    CALCULATOR,
    FULL,
    OTHER,
    PROBABILITY,
    expected_case,
    expected_score_metrics,
    fill,
    interval_bar_label,
    metrics,
    new_app,
    plotly_charts,
    texts,
    write_synthetic_model,
)
from tests.support.ui_text import OUTCOME_DEFINITION, typed_text

INPUT_KINDS = (
    "selectbox",
    "number_input",
    "text_input",
    "text_area",
    "checkbox",
    "radio",
    "multiselect",
    "slider",
    "toggle",
    "button",
    "button_group",
    "date_input",
    "file_uploader",
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_model(tmp_path_factory.mktemp("model"))


def _board_with(values: dict, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = fill(new_app().run(), values)
    at.switch_page(BOARD).run()
    assert not at.exception
    return at


def _no_inputs(at: AppTest) -> None:
    """No case input on the board (the app-wide language switch, key ``lang``, is not one)."""
    for kind in INPUT_KINDS:
        widgets = [w for w in at.get(kind) if getattr(w, "key", None) != "lang"]
        assert not widgets, f"the tumor board has a {kind}"


def test_board_without_a_case_says_so(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = new_app().run().switch_page(BOARD).run()
    assert not at.exception
    assert "No case has been entered" in texts(at)
    assert not at.metric
    _no_inputs(at)


@pytest.mark.parametrize("values", [FULL, OTHER], ids=["thyroid-C5", "liver-C7"])
def test_board_shows_the_domain_api_numbers_for_the_case(
    values: dict, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _board_with(values, model_dir, monkeypatch)
    case = expected_case(values)
    expected, scores = expected_score_metrics(case)
    prediction = load_model(model_dir).predict(case, scores)
    assert prediction.probability is not None
    assert prediction.ci_low is not None
    assert prediction.ci_high is not None
    assert metrics(at) == expected | {PROBABILITY: f"{prediction.probability * 100:.0f} %"}
    said = texts(at)
    low, high = prediction.ci_low * 100, prediction.ci_high * 100
    assert f"95% CI {low:.0f}–{high:.0f} %" in said
    assert prediction.provenance in said
    for result in scores.scores:
        if result.band is not None:
            assert result.band.meaning in said
    top = sorted(prediction.contributions, key=lambda c: abs(c.log_odds), reverse=True)[:3]
    for contribution in top:
        label = "Sex" if contribution.feature == "male" else contribution.label
        assert f"{label}: {contribution.value_text}, " in said
        assert "the risk (compared with" in said
    assert "log-odds" not in said, "clinical words on the board, not log-odds"
    assert said.count(f"95% CI {low:.0f}–{high:.0f} %") == 1, "the interval is said once"
    assert OUTCOME_DEFINITION in said
    for warning in prediction.warnings:
        assert warning in said
    assert interval_bar_label(prediction) in texts(at), "the interval bar (HTML)"
    assert not plotly_charts(at), "the board draws no Plotly figure"
    _no_inputs(at)


def test_board_and_calculator_agree_and_the_case_survives_both_ways(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = fill(new_app().run(), FULL)
    on_calculator = metrics(at)
    at.switch_page(BOARD).run()
    assert metrics(at) == on_calculator
    at.switch_page(CALCULATOR).run()
    fill(at, {"frankel": "E"})
    changed = metrics(at)
    at.switch_page(BOARD).run()
    assert metrics(at) == changed
    assert "Frankel E" in texts(at)


def test_board_with_an_incomplete_case_shows_ranges_and_why_no_probability(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    partial = {"sex": "male", "age_years": 69, "primary_tumor": "liver", "lesion_level": "C7"}
    at = _board_with(partial, model_dir, monkeypatch)
    expected, _ = expected_score_metrics(expected_case(partial))
    assert metrics(at) == expected | {PROBABILITY: "—"}
    assert "No probability" in texts(at)


def test_board_with_a_refused_model_keeps_the_scores(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "poor_outcome.json").write_text("{not json", encoding="utf-8")
    at = _board_with(FULL, broken, monkeypatch)
    expected, _ = expected_score_metrics(expected_case(FULL))
    assert metrics(at) == expected | {PROBABILITY: "—"}
    assert "refused" in " ".join(e.value for e in at.error)


def test_board_has_the_findings_checklist_and_labs(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _board_with(FULL, model_dir, monkeypatch)
    case = expected_case(FULL)
    _, scores = expected_score_metrics(case)
    said = texts(at)
    for heading in (
        "Surgical indications checklist",
        "SINS findings",
        "Spinal cord compression",
        "Laboratory values",
    ):
        assert f"#### {heading}" in said
    for criterion in scores.criteria:
        assert criterion.label in said
    for item in scores.sins.items:
        assert item.option is not None
        assert item.option.label in said
    assert case.escc_grade is not None
    assert f"ESCC (Bilsky) grade: **{case.escc_grade.value}**" in said
    for name in ("crp", "ldh", "albumin", "platelets", "calcium", "bilirubin"):
        lab = getattr(case, name)
        assert f"| {typed_text(lab.value)} {lab.unit.label} |" in said, "as typed, no 180.0"
