"""Shared helpers of the AppTest page tests: a test model, cases, and expectations.

Expectations are computed through the domain API (``scoring.score_case`` and
``models.predict``), never retyped, and formatted by the conventions the browser tests
also rely on: a total "13", a range "5–6", nothing known "—", a probability "34 %".

The model used here is fitted at test time on the SYNTHETIC cohort of
``research.synthetic`` into a temporary directory that the app reads through
``CALC_MODEL_DIR``: the page tests must not depend on whether the shipped artifact has
been trained, and they must never write into ``models/artifacts``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from scoring import CaseScores, PatientCase, ScoreResult, score_case
from tests.support.cases import COMPLETE
from tests.support.ui_text import LABELS, NUMBER_FIELDS, SELECT_FIELDS, typed_text
from tests.support.ui_text import PROBABILITY as PROBABILITY  # re-exported for the page tests

APP = Path(__file__).resolve().parents[2] / "app.py"
BOARD = "app_pages/tumor_board.py"
CALCULATOR = "app_pages/calculator.py"
CONVENTIONAL_UNITS = {
    "crp": "mg/dL",
    "ldh": "U/L",
    "albumin": "g/dL",
    "platelets": "10^9/L",
    "calcium": "mg/dL",
    "bilirubin": "mg/dL",
}
SI_UNITS = {
    "crp": "mg/L",
    "ldh": "U/L",
    "albumin": "g/L",
    "platelets": "10^9/L",
    "calcium": "mmol/L",
    "bilirubin": "umol/L",
}

#: The complete case of the domain tests (``tests.support.cases.COMPLETE``) as the widgets hold
#: it (lab numbers without their unit, which is the page's unit system), plus the fields
#: only the page asks for.
FULL: dict[str, Any] = {
    name: float(value["value"]) if isinstance(value, dict) else value
    for name, value in COMPLETE.items()
} | {
    "escc_grade": "2",
    "progressive_neurological_deficit": True,
    "intractable_pain": False,
    "impaired_consciousness_cerebral_mets": False,
}
#: A second complete case that differs in every model predictor but sex.
OTHER: dict[str, Any] = FULL | {
    "lesion_level": "C7",
    "primary_tumor": "liver",
    "frankel": "C",
    "kps": 40,
    "ecog": 4,
    "extraspinal_bone_mets": 2,
    "vertebral_body_mets": 2,
    "major_organ_mets": "unremovable",
    "visceral_mets": "nodular",
    "crp": 1.2,
}


def write_synthetic_model(directory: Path) -> Path:
    """Fit the SYNTHETIC test model into ``directory`` (an own-cohort JSON model file)."""
    from models.artifact import save
    from models.build import Settings, TrainingFile
    from research.synthetic import synthetic_cohort
    from research.train import fit_model

    manifest = fit_model(
        synthetic_cohort(n=200, seed=1),
        TrainingFile("own_cohort", "synthetic.csv", "0" * 64),
        Settings(optimism_reps=10, seed=0, instability_reps=20),
    )
    save(manifest, directory)
    return directory


def new_app() -> AppTest:
    """The app from its entry point, with a timeout a cold first run fits in."""
    return AppTest.from_file(str(APP), default_timeout=30)


def widget(at: AppTest, name: str) -> Any:
    """The calculator widget of a case field: a text field for numbers, a selectbox for the
    primary tumor, pills or a segmented control (a button group) for every other choice."""
    key = f"calc_{name}"
    if name in NUMBER_FIELDS:
        return at.text_input(key=key)
    if name in SELECT_FIELDS:
        return at.selectbox(key=key)
    return at.button_group(key=key)


def set_field(at: AppTest, name: str, value: Any) -> None:
    """Set one field as a user would (numbers typed as text); no rerun."""
    typed = None if value is None or name not in NUMBER_FIELDS else typed_text(value)
    widget(at, name).set_value(typed if name in NUMBER_FIELDS else value)


def field_value(at: AppTest, name: str) -> Any:
    """What the field's widget holds, numbers read back as numbers (None when empty)."""
    value = widget(at, name).value
    if name in NUMBER_FIELDS:
        if value in (None, ""):
            return None
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def fill(at: AppTest, values: dict[str, Any]) -> AppTest:
    """Set calculator widgets by key (``calc_`` + field) and rerun once."""
    for name, value in values.items():
        set_field(at, name, value)
    return at.run()


def expected_case(values: dict[str, Any], units: dict[str, str] | None = None) -> PatientCase:
    """The PatientCase those widget values mean, each lab number with its unit stated here."""
    units = units or CONVENTIONAL_UNITS
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name in units:
            data[name] = {"value": Decimal(str(value)), "unit": units[name]}
        else:
            data[name] = value
    return PatientCase.model_validate(data)


def metric_value(result: ScoreResult) -> str:
    """The metric text the convention prescribes for a score result."""
    if all(item.option is None and item.missing for item in result.items):
        return "—"
    if result.total is not None:
        return str(result.total)
    return f"{result.total_min}–{result.total_max}"


def metrics(at: AppTest) -> dict[str, str]:
    """Displayed metrics by label (each label must appear once)."""
    shown = [(m.label, m.value) for m in at.metric]
    labels = [label for label, _ in shown]
    assert len(labels) == len(set(labels)), labels
    return dict(shown)


def expected_score_metrics(case: PatientCase) -> tuple[dict[str, str], CaseScores]:
    """The five score metrics the domain API gives for ``case``."""
    scores = score_case(case)
    return {LABELS[r.key]: metric_value(r) for r in scores.all_scores}, scores


def texts(at: AppTest) -> str:
    """All visible text of markdown, captions and alerts, for "is it said" checks."""
    parts = [e.value for e in at.markdown]
    parts += [e.value for e in at.caption]
    for alerts in (at.info, at.warning, at.error, at.success):
        parts += [e.value for e in alerts]
    return "\n".join(str(p) for p in parts)


def interval_bar_label(prediction: Any) -> str:
    """The accessible label the HTML interval bar carries (its numbers, in words)."""
    return (
        f"Estimate {prediction.probability * 100:.0f} %, 95% interval "
        f"{prediction.ci_low * 100:.0f} to {prediction.ci_high * 100:.0f} %"
    )


def plotly_charts(at: AppTest) -> list[Any]:
    """The Plotly charts on the page (AppTest shows them as unknown elements)."""
    return list(at.get("plotly_chart"))
