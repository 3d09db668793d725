"""AppTest of the model card page (app_pages/model_card.py).

Expected numbers are read from the manifest and :mod:`models.published`, never typed
here. Most tests run the page on a SYNTHETIC model and cohort (``tests.support.model``)
pointed to by ``CALC_MODEL_DIR``; the shipped-model test runs when the committed
artifact exists. Streamlit 1.67's AppTest supports ``file_uploader.set_value``, so the
upload is exercised through the page as well as directly (tests/test_card.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.ui.model import MODEL_DIR_ENV
from models import card
from models import published as pub
from models.artifact import MANIFEST_NAME
from models.predict import load_model
from research.synthetic import synthetic_cohort
from tests.models.test_card import made_up_ensemble, made_up_evidence
from tests.support.model import train_synthetic

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "model_card.py")
TIMEOUT = 30


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("card_app"), n=120, seed=8)


@pytest.fixture
def synthetic_page(synthetic_dir, monkeypatch, tmp_path):
    """The page on the synthetic model, its training CSV standing in for the pseudo-cohort
    and made-up reconstruction summaries (in research/cohort.py's layout) for the JSON files."""
    monkeypatch.setenv(MODEL_DIR_ENV, str(synthetic_dir))
    cohort = next(synthetic_dir.parent.glob("synthetic_*.csv"))
    monkeypatch.setattr(card, "PSEUDO_COHORT_CSV", cohort)
    evidence, ensemble = tmp_path / "evidence.json", tmp_path / "ensemble.json"
    evidence.write_text(json.dumps(made_up_evidence()), encoding="utf-8")
    ensemble.write_text(json.dumps(made_up_ensemble(24)), encoding="utf-8")
    monkeypatch.setattr(card, "CODING_EVIDENCE_JSON", evidence)
    monkeypatch.setattr(card, "ENSEMBLE_SUMMARY_JSON", ensemble)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [c.value for c in at.code]
    return "\n".join(parts)


def _table_with(at: AppTest, column: str):
    for table in at.table:
        frame = table.value
        if column in frame.columns or frame.index.name == column:
            return frame.reset_index()
    raise AssertionError(f"no table with column {column!r}")


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}"
    return values[0]


def test_page_renders_every_tripod_section(synthetic_page):
    headers = [h.value for h in synthetic_page.header]
    for expected in (
        "Intended use and users",
        "Source study",
        "Predictors and equation",
        "Odds ratios beside the paper's Table 4",
        "Sample size: events per variable",
        "Performance",
        "Corrections made to the printed tables",
        "Limitations",
        "Validate on your own cohort",
    ):
        assert expected in headers
    assert not synthetic_page.error


def test_page_shows_provenance_and_equation(synthetic_page, synthetic_dir):
    manifest = load_model(synthetic_dir).manifest
    text = _text(synthetic_page)
    assert manifest.provenance in text
    assert card.TRIPOD_CITATION in text
    assert card.equation(manifest).linear_predictor in text


def test_odds_ratio_table_has_model_and_paper_values(synthetic_page, synthetic_dir):
    manifest = load_model(synthetic_dir).manifest
    frame = _table_with(synthetic_page, "OR (model)").set_index("Predictor")
    for printed in pub.TABLE4:
        row = frame.loc[printed.label]
        fitted = manifest.odds_ratio(printed.feature)
        assert row["OR (model)"] == card.fmt(fitted.odds_ratio)
        assert row["95% CI (model)"] == f"{card.fmt(fitted.ci_low)}–{card.fmt(fitted.ci_high)}"
        assert row["OR (paper)"] == f"{printed.odds_ratio:.2f}"
        assert row["95% CI (paper)"] == f"{printed.ci_low:.2f}–{printed.ci_high:.2f}"
        assert row["P (paper)"] == f"{printed.p_value:.3f}"


def test_corrections_are_shown_verbatim(synthetic_page):
    text = _text(synthetic_page)
    for correction in pub.CORRECTIONS:
        assert correction in text


def test_events_per_variable_and_performance_from_the_manifest(synthetic_page, synthetic_dir):
    manifest = load_model(synthetic_dir).manifest
    epv = card.events_per_variable(manifest)
    assert _metric(synthetic_page, "Events per variable") == f"{epv.value:.1f}"
    m = manifest.metrics
    measures = _measures(synthetic_page)
    assert measures["AUC, apparent"] == card.fmt(m.apparent_auc)
    assert measures["AUC, optimism-corrected"] == card.fmt(m.optimism_corrected_auc)


def test_pseudo_cohort_calibration_and_roc_are_plotly_charts(synthetic_page):
    specs = [json.loads(chart.proto.spec) for chart in synthetic_page.get("plotly_chart")]
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert titles == [
        "Shrinkage factor: its own bootstrap distribution",
        "Prediction instability",
        "Calibration instability",
        "Calibration by risk group",
        "ROC curve",
    ]


def test_upload_validates_in_memory(synthetic_page):
    at = synthetic_page
    data = synthetic_cohort(150, seed=31).to_csv(index=False).encode()
    at.file_uploader(key="card_upload").set_value(("mine.csv", data, "text/csv")).run()
    assert not at.exception
    assert not at.error
    assert any("mine.csv: 150 rows read" in s.value for s in at.success)
    auc_values = [m.value for m in at.metric if m.label == "AUC"]
    assert len(auc_values) == 2  # pseudo-cohort and upload
    summaries = [m.value for m in at.markdown if m.value.startswith("AUC ")]
    assert len(summaries) == 2
    assert summaries[1].startswith(f"AUC {auc_values[1]} (95% CI ")
    labels = {m.label for m in at.metric}
    assert {"Calibration intercept", "Calibration slope", "Brier score"} <= labels
    # nothing but the widgets themselves holds state: no copy of the upload
    assert set(at.session_state) <= {"card_upload", "card_template"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"sex,age\nmale,70\n", "Missing column(s)"),
        (
            b"sex,revised_tokuhashi,new_katagiri,lesion_group,frankel_group,poor_outcome\n"
            b"male,7,5,lumbar,CD,1\nfemale,9,3,upper,E,0\n",
            "Bad values: lesion_group",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    ],
)
def test_malformed_upload_gets_a_message_not_a_traceback(synthetic_page, content, expected):
    at = synthetic_page
    at.file_uploader(key="card_upload").set_value(("bad.csv", content, "text/csv")).run()
    assert not at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]


def test_refused_artifact_still_shows_the_published_tables(synthetic_dir, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    shutil.copytree(synthetic_dir, broken)
    artifact = broken / MANIFEST_NAME
    raw = bytearray(artifact.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    artifact.write_bytes(bytes(raw))
    monkeypatch.setenv(MODEL_DIR_ENV, str(broken))
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("refused" in e.value for e in at.error)
    frame = _table_with(at, "OR (paper)")
    assert "OR (model)" not in frame.columns
    assert list(frame["OR (paper)"]) == [f"{r.odds_ratio:.2f}" for r in pub.TABLE4]
    assert _metric(at, "Events per variable (paper)") == f"{pub.N_POOR / len(pub.FEATURES):.1f}"
    text = _text(at)
    for correction in pub.CORRECTIONS:
        assert correction in text
    assert not at.file_uploader  # no validation without a verified model


def test_shipped_model_card(monkeypatch):
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert not at.error
    manifest = load_model().manifest
    assert _metric(at, "Events per variable") == "3.6"
    frame = _table_with(at, "OR (model)")
    assert list(frame["Reproduces Table 4"]) == ["yes"] * len(pub.TABLE4)
    assert list(frame["OR (model)"]) == [
        card.fmt(manifest.odds_ratio(r.feature).odds_ratio) for r in pub.TABLE4
    ]
    assert manifest.provenance in _text(at)


def test_coding_evidence_and_ensemble_ranges_are_shown(synthetic_page):
    evidence = _table_with(synthetic_page, "Reaches Table 4's level row")
    assert list(evidence["Reaches Table 4's level row"]) == ["yes", "no"]
    assert "only ordinal reached it." in _text(synthetic_page)
    ensemble = _table_with(synthetic_page, "Shipped model's cohort").set_index("Quantity")
    assert {"Intercept (log-odds)", "Apparent AUC", "Apparent Brier score"} <= set(ensemble.index)
    assert "24 independent pseudo-cohorts" in _text(synthetic_page)


def _measures(at: AppTest) -> dict[str, str]:
    out: dict[str, str] = {}
    for table in at.table:
        frame = table.value.reset_index()
        if "What it means" in frame.columns:
            for name, value in zip(frame["Measure"], frame["Value"], strict=True):
                assert name not in out, f"{name} shown twice"
                out[name] = value
    return out


def test_card_opens_with_the_surgeon_summary(synthetic_page, synthetic_dir):
    headers = [h.value for h in synthetic_page.header]
    assert headers[0] == "In one screen"
    text = _text(synthetic_page)
    for item in ("What it predicts", "From what", "How good", "How sure", "When not to use it"):
        assert f"**{item}.**" in text
    assert card.HEADLINE_LINE in text
    assert "As published (not adjusted for optimism)" in [e.label for e in synthetic_page.expander]


def test_one_auc_and_one_calibration_slope_per_meaning(synthetic_page, synthetic_dir):
    manifest = load_model(synthetic_dir).manifest
    measures = _measures(synthetic_page)
    aucs = [name for name in measures if name.startswith("AUC")]
    assert aucs == [
        "AUC, apparent",
        "AUC, optimism-corrected",
        "AUC, range across reconstructions",
    ]
    slopes = [name for name in measures if name.startswith("Calibration slope")]
    assert len(slopes) == len(set(slopes)) == 3
    assert measures["Calibration slope, published model, optimism-corrected"] == card.fmt(
        manifest.adjusted.shrinkage
    )
    assert measures["Mean absolute prediction error (MAPE)"] == card.fmt(
        manifest.instability.mape, 3
    )


def test_shrinkage_and_instability_plots_and_tripod_ai_items(synthetic_page):
    alts = " ".join(str(c.proto.spec) for c in synthetic_page.get("plotly_chart"))
    for title in ("Shrinkage factor", "Prediction instability", "Calibration instability"):
        assert title in alts, title
    items = _table_with(synthetic_page, "Statement")
    joined = " ".join(items.astype(str).to_numpy().ravel())
    for item in (
        "Intended users and place in the care pathway",
        "Output and why no threshold",
        "Performance in subgroups",
        "Missing and out-of-range inputs",
        "Expertise the inputs need",
        "Code and data availability",
    ):
        assert item in joined, item
