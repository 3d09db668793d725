"""AppTest: the calculator page renders, and shows exactly what the domain API computes.

Widgets are found by key (``calc_`` + PatientCase field); expected values come from
``scoring.score_case`` and ``models.predict`` on the case the test builds itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.ui import evaluate
from app_pages.ui.case_state import build_case
from models.predict import PROVENANCE, load_model
from scoring.case import FIELD_NAMES, field_title
from tests.support.app import (
    BOARD,
    CALCULATOR,
    FULL,
    OTHER,
    PROBABILITY,
    SI_UNITS,
    expected_case,
    expected_score_metrics,
    field_value,
    fill,
    interval_bar_label,
    metrics,
    new_app,
    plotly_charts,
    texts,
    widget,
    write_synthetic_model,
)
from tests.support.ui_text import (
    CONDITIONAL_FIELDS,
    NUMBER_FIELDS,
    OUTCOME_DEFINITION,
    SELECT_FIELDS,
)

LAB_LABELS_CONVENTIONAL = {
    "crp": "CRP (mg/dL)",
    "ldh": "LDH (U/L)",
    "albumin": "Albumin (g/dL)",
    "platelets": "Platelets (× 10⁹/L)",
    "calcium": "Calcium (mg/dL)",
    "bilirubin": "Total bilirubin (mg/dL)",
}
LAB_LABELS_SI = {
    "crp": "CRP (mg/L)",
    "ldh": "LDH (U/L)",
    "albumin": "Albumin (g/L)",
    "platelets": "Platelets (× 10⁹/L)",
    "calcium": "Calcium (mmol/L)",
    "bilirubin": "Total bilirubin (µmol/L)",
}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_model(tmp_path_factory.mktemp("model"))


@pytest.fixture
def app(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = new_app().run()
    assert not at.exception
    return at


def _percent(p: float) -> str:
    return f"{p * 100:.0f} %"


def _expected_probability(model_dir: Path, values: dict) -> tuple[str, str, object]:
    case = expected_case(values)
    _, scores = expected_score_metrics(case)
    prediction = load_model(model_dir).predict(case, scores)
    assert prediction.probability is not None
    assert prediction.ci_low is not None
    assert prediction.ci_high is not None
    interval = f"95% CI {prediction.ci_low * 100:.0f}–{prediction.ci_high * 100:.0f} %"
    return _percent(prediction.probability), interval, prediction


def test_empty_page_renders_six_metrics_with_nothing_known(app: AppTest) -> None:
    assert metrics(app) == {
        "Revised Tokuhashi": "—",
        "New Katagiri": "—",
        "SINS": "—",
        "Tomita": "—",
        "Modified Bauer": "—",
        PROBABILITY: "—",
    }
    assert "No probability" in texts(app)
    assert not app.get("form"), "results update live: no form, no submit button"


def test_every_case_field_has_its_widget_key_and_title(app: AppTest) -> None:
    for name in FIELD_NAMES:
        key = f"calc_{name}"
        widgets = [w for w in (*app.selectbox, *app.text_input, *app.button_group) if w.key == key]
        if name in CONDITIONAL_FIELDS:
            assert widgets == [], f"{key} is asked only when it applies"
            continue
        assert len(widgets) == 1, key
        label = widgets[0].label
        if name in LAB_LABELS_CONVENTIONAL:
            assert label == LAB_LABELS_CONVENTIONAL[name]
        else:
            assert label == field_title(name)
        assert widgets[0].value in (None, ""), f"{key} must start as not recorded"
    # small vocabularies are one tap (pills or segmented control), numbers are typed
    assert {w.key for w in app.selectbox} == {"calc_example"} | {f"calc_{n}" for n in SELECT_FIELDS}
    assert {w.key for w in app.text_input} >= {f"calc_{n}" for n in NUMBER_FIELDS}
    assert not app.number_input, "a number input keeps a refused value on screen"
    assert app.button(key="calc_reset")
    assert app.selectbox(key="calc_example").value is None
    assert app.button_group(key="calc_lab_units").value == "conventional"


def test_full_case_shows_the_domain_api_scores_and_probability(
    app: AppTest, model_dir: Path
) -> None:
    fill(app, FULL)
    assert not app.exception
    expected, scores = expected_score_metrics(expected_case(FULL))
    probability, interval, prediction = _expected_probability(model_dir, FULL)
    assert metrics(app) == expected | {PROBABILITY: probability}
    said = texts(app)
    assert interval in said
    assert PROVENANCE in said or prediction.provenance in said
    for warning in prediction.warnings:
        assert warning in said
    assert len(plotly_charts(app)) == 1, "the contribution chart"
    assert interval_bar_label(prediction) in said, "the interval bar (HTML) with its numbers"
    for criterion in scores.criteria:
        assert criterion.label in said


def test_a_different_case_changes_every_number_to_its_own(app: AppTest, model_dir: Path) -> None:
    fill(app, FULL)
    first = metrics(app)
    fill(app, {k: v for k, v in OTHER.items() if FULL[k] != v})
    expected, _ = expected_score_metrics(expected_case(OTHER))
    probability, interval, _ = _expected_probability(model_dir, OTHER)
    assert metrics(app) == expected | {PROBABILITY: probability}
    assert interval in texts(app)
    assert metrics(app) != first


def test_incomplete_case_shows_ranges_and_names_what_is_missing(app: AppTest) -> None:
    partial = {"sex": "female", "lesion_level": "C3", "primary_tumor": "kidney", "kps": 80}
    fill(app, partial)
    expected, scores = expected_score_metrics(expected_case(partial))
    shown = metrics(app)
    assert {k: shown[k] for k in expected} == expected
    assert "–" in shown["Revised Tokuhashi"]
    said = texts(app)
    for result in scores.scores:
        for name in result.missing:
            assert field_title(name) in said
    assert shown[PROBABILITY] == "—"
    assert "Still needed" in said


def test_si_units_relabel_the_lab_inputs_and_score_in_the_unit_entered(app: AppTest) -> None:
    app.button_group(key="calc_lab_units").set_value("si").run()
    labels = {n: app.text_input(key=f"calc_{n}").label for n in SI_UNITS}
    assert labels == LAB_LABELS_SI
    # 2.57 mmol/L of calcium is critical (cut-off 10.3 mg/dL = 2.5698… mmol/L, exactly)
    si_values = FULL | {"crp": 1.0, "albumin": 40.0, "calcium": 2.57, "bilirubin": 10.0}
    fill(app, si_values)
    expected, scores = expected_score_metrics(expected_case(si_values, SI_UNITS))
    assert scores.katagiri.items[2].points == 2
    assert {k: metrics(app)[k] for k in expected} == expected


def test_switching_units_clears_lab_values_instead_of_converting(app: AppTest) -> None:
    fill(app, {"albumin": 3.5, "crp": 0.3})
    app.button_group(key="calc_lab_units").set_value("si").run()
    assert field_value(app, "albumin") is None
    assert field_value(app, "crp") is None
    notice = " ".join(w.value for w in app.warning)
    assert "Albumin 3.5 g/dL" in notice
    assert "not converted" in notice
    assert app.session_state["case_inputs"]["albumin"] is None


@pytest.mark.parametrize(
    ("code", "values"),
    [
        (
            "fig6",
            {"sex": "male", "age_years": 67, "primary_tumor": "thyroid", "lesion_level": "C5"},
        ),
        ("fig7", {"sex": "male", "age_years": 69, "primary_tumor": "liver", "lesion_level": "C7"}),
    ],
)
def test_example_cases_fill_only_what_the_paper_states(
    app: AppTest, code: str, values: dict
) -> None:
    fill(app, {"kps": 90})  # loading an example replaces the whole case
    app.selectbox(key="calc_example").set_value(code).run()
    assert not app.exception
    app.button(key="calc_confirm_replace").click().run()  # the case held data: confirm
    for name in FIELD_NAMES:
        if name not in CONDITIONAL_FIELDS:
            assert field_value(app, name) == values.get(name), name
    expected, _ = expected_score_metrics(expected_case(values))
    assert {k: metrics(app)[k] for k in expected} == expected
    said = texts(app)
    assert "not recorded" in said
    assert "Fig. 6" in said if code == "fig6" else "Fig. 7" in said
    assert app.selectbox(key="calc_example").value is None, "chooser is ready for another use"


def test_reset_clears_every_field(app: AppTest) -> None:
    fill(app, FULL)
    app.button(key="calc_reset").click().run()
    app.button(key="calc_confirm_replace").click().run()
    assert all(v is None for k, v in app.session_state["case_inputs"].items() if k != "lab_units")
    assert field_value(app, "sex") is None
    assert field_value(app, "crp") is None
    assert set(metrics(app).values()) == {"—"}


def test_case_survives_a_visit_to_the_tumor_board(app: AppTest) -> None:
    fill(app, FULL)
    before = metrics(app)
    app.switch_page(BOARD).run()
    assert not app.exception
    app.switch_page(CALCULATOR).run()
    assert not app.exception
    assert app.selectbox(key="calc_primary_tumor").value == "thyroid"
    assert field_value(app, "calcium") == pytest.approx(9.2)
    assert metrics(app) == before


def test_sessions_do_not_share_a_case(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    first, second = new_app().run(), new_app().run()
    fill(first, FULL)
    fill(second, OTHER)
    first.run()
    assert first.selectbox(key="calc_primary_tumor").value == "thyroid"
    assert second.selectbox(key="calc_primary_tumor").value == "liver"
    assert metrics(first) != metrics(second)


def test_an_out_of_range_value_stays_shown_and_is_named_not_used(app: AppTest) -> None:
    app.text_input(key="calc_age_years").set_value("5").run()
    assert not app.exception
    assert app.text_input(key="calc_age_years").value == "5", "the field shows what was typed"
    assert app.session_state["case_inputs"]["age_years"] == "5"
    assert "Age (years): 5 is outside 18–120." in [e.value for e in app.error]


def test_invalid_values_are_named_and_left_out_not_guessed() -> None:
    build = build_case({"sex": "male", "age_years": "5", "kps": 55, "lab_units": "si"})
    assert build.case.sex is not None
    assert build.case.age_years is None
    assert build.case.kps is None
    assert set(build.rejected) == {"age_years", "kps"}
    joined = " ".join(build.errors)
    assert "Age (years): 5 is outside 18–120." in joined
    assert "Karnofsky performance status (%) (kps)" in joined


def test_validation_errors_are_shown_above_the_scores(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = {"sex": "male", "kps": 55, "primary_tumor": "thyroid"}
    monkeypatch.setattr(evaluate, "current_case", lambda: build_case(invalid))
    app.run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "Karnofsky performance status (%) (kps)" in errors
    assert "treated as not recorded" in errors
    expected, _ = expected_score_metrics(expected_case({"sex": "male", "primary_tumor": "thyroid"}))
    assert {k: metrics(app)[k] for k in expected} == expected


def test_refused_model_keeps_the_scores_and_says_why(
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    artifact = broken / "poor_outcome.json"
    artifact.write_bytes(artifact.read_bytes() + b"tampered")
    monkeypatch.setenv("CALC_MODEL_DIR", str(broken))
    at = fill(new_app().run(), FULL)
    assert not at.exception
    expected, _ = expected_score_metrics(expected_case(FULL))
    assert metrics(at) == expected | {PROBABILITY: "—"}
    errors = " ".join(e.value for e in at.error)
    assert "refused" in errors
    # The loader's own words (file, check, rebuild command) go to the server log only.
    assert "not a valid model" not in errors
    assert "not a valid model" in caplog.text
    assert not plotly_charts(at)


def test_missing_model_is_reported_before_the_case_is_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(tmp_path / "nowhere"))
    at = new_app().run()
    assert not at.exception
    assert metrics(at)[PROBABILITY] == "—"
    errors = " ".join(e.value for e in at.error)
    assert "refused" in errors
    assert "cli.py" not in errors
    assert "No model file" in caplog.text


def test_level_outside_the_cohort_keeps_scores_and_says_why_no_probability(app: AppTest) -> None:
    values = FULL | {"lesion_level": "T5"}
    fill(app, values)
    expected, _ = expected_score_metrics(expected_case(values))
    assert metrics(app) == expected | {PROBABILITY: "—"}
    assert "outside C1–T1" in texts(app)


def test_shipped_model_loads_and_its_probability_is_what_the_domain_api_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped model must load: a missing or refused model fails here, never skips."""
    monkeypatch.delenv("CALC_MODEL_DIR", raising=False)
    at = fill(new_app().run(), FULL)
    assert not at.exception
    case = expected_case(FULL)
    expected, scores = expected_score_metrics(case)
    prediction = load_model().predict(case, scores)
    assert prediction.probability is not None
    assert metrics(at) == expected | {PROBABILITY: _percent(prediction.probability)}
    assert PROVENANCE in texts(at) or prediction.provenance in texts(at)


def test_reset_asks_first_then_clears_the_label_and_report_fields_with_one_undo(
    app: AppTest,
) -> None:
    fill(app, FULL)
    app.text_input(key="calc_report_label").set_value("Bed 4").run()
    app.session_state["calc_report_clinician"] = "Dr Y"  # any report field, by its prefix
    app.button(key="calc_reset").click().run()
    assert field_value(app, "sex") == "male", "nothing is cleared before the answer"
    app.button(key="calc_cancel_replace").click().run()
    assert field_value(app, "sex") == "male"
    assert app.text_input(key="calc_report_label").value == "Bed 4"

    app.button(key="calc_reset").click().run()
    app.button(key="calc_confirm_replace").click().run()
    assert field_value(app, "sex") is None
    assert app.text_input(key="calc_report_label").value == ""
    assert app.session_state["calc_report_clinician"] == ""

    app.button(key="calc_undo").click().run()
    assert field_value(app, "sex") == "male"
    assert field_value(app, "platelets") == FULL["platelets"]
    assert app.text_input(key="calc_report_label").value == "Bed 4"
    assert app.session_state["calc_report_clinician"] == "Dr Y"
    assert not [b for b in app.button if b.key == "calc_undo"], "one step only"


def test_reset_of_an_empty_case_needs_no_question_and_undo_goes_after_an_edit(
    app: AppTest,
) -> None:
    app.button(key="calc_reset").click().run()
    assert not [b for b in app.button if b.key == "calc_confirm_replace"]
    fill(app, {"sex": "female"})
    app.selectbox(key="calc_example").set_value("fig6").run()
    app.button(key="calc_confirm_replace").click().run()
    assert field_value(app, "age_years") == 67
    assert [b for b in app.button if b.key == "calc_undo"]
    fill(app, {"kps": 80})
    assert not [b for b in app.button if b.key == "calc_undo"], (
        "undo would silently drop what was entered since"
    )


def test_units_notice_goes_once_every_cleared_value_is_re_entered(app: AppTest) -> None:
    fill(app, {"albumin": 3.5, "crp": 0.3})
    app.button_group(key="calc_lab_units").set_value("si").run()
    assert any("not converted" in w.value for w in app.warning)
    fill(app, {"albumin": 35})
    assert any("not converted" in w.value for w in app.warning)
    fill(app, {"crp": 3})
    assert not any("not converted" in w.value for w in app.warning)


def test_probability_carries_its_definition(app: AppTest) -> None:
    fill(app, FULL)
    assert OUTCOME_DEFINITION in texts(app)


def test_checklist_reads_an_absent_contraindication_as_reassuring(app: AppTest) -> None:
    fill(app, FULL | {"impaired_consciousness_cerebral_mets": False})
    said = texts(app)
    assert "✓ Absent**: Impaired consciousness" in said
    assert "✗" not in said
    fill(app, {"impaired_consciousness_cerebral_mets": True})
    assert "⚠ Present**: Impaired consciousness" in texts(app)


def test_checklist_keeps_the_provisional_tag_of_katagiri_survival(app: AppTest) -> None:
    fill(app, FULL | {"kps": 80, "ecog": 0})
    said = texts(app)
    assert "6-month survival (provisional)" in said


def test_treatable_visceral_metastases_asked_only_when_one_is_recorded(app: AppTest) -> None:
    fill(app, {"visceral_mets": "none"})
    assert not [w for w in app.button_group if w.key == "calc_visceral_mets_treatable"]
    fill(app, {"visceral_mets": "nodular"})
    assert widget(app, "visceral_mets_treatable").label == field_title("visceral_mets_treatable")
    fill(app, {"visceral_mets_treatable": True})
    assert app.session_state["case_inputs"]["visceral_mets_treatable"] is True
    # Back to none: the hidden answer is forgotten, never scored.
    fill(app, {"visceral_mets": "none"})
    assert app.session_state["case_inputs"]["visceral_mets_treatable"] is None
    assert not app.exception


def test_tomita_and_modified_bauer_beside_the_three(app: AppTest) -> None:
    values = FULL | {"visceral_mets": "nodular", "visceral_mets_treatable": False}
    fill(app, {"visceral_mets": "nodular"})
    fill(app, values)
    expected, scores = expected_score_metrics(expected_case(values))
    shown = metrics(app)
    assert {k: shown[k] for k in ("Tomita", "Modified Bauer")} == {
        k: expected[k] for k in ("Tomita", "Modified Bauer")
    }
    assert scores.tomita.total is not None
    assert [t.label for t in app.tabs][:5] == [
        "Revised Tokuhashi breakdown",
        "New Katagiri breakdown",
        "SINS breakdown",
        "Tomita breakdown",
        "Modified Bauer breakdown",
    ]


@pytest.mark.parametrize("sex", ["female", "male"])
def test_contribution_chart_names_sex_as_sex_beside_the_patients_value(
    app: AppTest, sex: str
) -> None:
    """Table 4's coded row name "Sex (male)" beside "female" read as a contradiction: the
    chart's row and its text alternative say "Sex", as the sentences do."""
    import json

    fill(app, FULL | {"sex": sex})
    assert not app.exception
    (chart,) = plotly_charts(app)
    figure = json.loads(chart.proto.spec)
    labels = figure["data"][0]["y"]
    assert f"Sex<br>{sex}" in labels
    assert not any("(male)" in label for label in labels)
    assert "Sex (male)" not in chart.proto.alt


def test_contradicting_answers_are_named_at_the_field_without_codes(app: AppTest) -> None:
    """A major-organ metastasis with "no visceral metastases": the later answer is refused
    and treated as not recorded; the sentence uses the option texts a person tapped, not
    the data codes, and is shown under that field."""
    fill(app, FULL | {"major_organ_mets": "removable", "visceral_mets": "none"})
    assert not app.exception
    sentence = (
        "Visceral metastases: “None” cannot go with Major internal organ metastases "
        "“Removable”: a lung, liver, kidney or brain metastasis is a visceral metastasis."
    )
    under_field = app.get("error")
    shown = [e.value for e in under_field]
    assert any(v == sentence for v in shown), shown
    assert any(sentence in v and v != sentence for v in shown), "the summary above results"
    assert not any("visceral_mets" in v or "major_organ_mets" in v for v in shown)
