"""``cli.py score`` with the model columns: same numbers as the single-case path."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import cli
from models.artifact import MANIFEST_NAME
from models.batch import MODEL_COLUMNS
from models.predict import load_model
from scoring import score_case
from tests.support.cases import COMPLETE, make_case
from tests.support.model import train_synthetic

LAB_COLUMN = {
    "crp": "crp_mg_dl",
    "ldh": "ldh_u_l",
    "albumin": "albumin_g_dl",
    "platelets": "platelets_10e9_l",
    "calcium": "calcium_mg_dl",
    "bilirubin": "bilirubin_mg_dl",
}
VARIANTS = [
    {},
    {"sex": "female", "lesion_level": "C7", "frankel": "E"},
    {"lesion_level": "C1", "frankel": "A", "ecog": 4},
    {"lesion_level": "T1", "kps": 30, "primary_tumor": "lung_untargeted"},
    {"lesion_level": "L3"},
    {"crp": None},
    {"sex": None},
]


def csv_row(changes):
    data = {**COMPLETE, **changes}
    row = {}
    for key, value in data.items():
        if key in LAB_COLUMN:
            row[LAB_COLUMN[key]] = "" if value is None else value["value"]
        elif isinstance(value, bool):
            row[key] = "yes" if value else "no"
        else:
            row[key] = "" if value is None else value
    return row


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("batch"))


def write_input(path, variants, extra_rows=()):
    rows = [csv_row(v) for v in variants] + list(extra_rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_score_route_adds_the_model_columns_matching_the_single_case_path(model_dir, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    bad = csv_row({}) | {"sex": "unknown"}
    write_input(source, VARIANTS, [bad])
    args = ["score", str(source), "-o", str(target), "--model-dir", str(model_dir), "--quiet"]
    assert cli.main(args) == 0
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(out.columns[-len(MODEL_COLUMNS) :]) == list(MODEL_COLUMNS)
    model = load_model(model_dir)
    for i, changes in enumerate(VARIANTS):
        case = make_case(**changes)
        prediction = model.predict(case, score_case(case))
        cells = out.iloc[i]
        if prediction.applicable:
            # these three columns are the unadjusted ("as published") model
            published = prediction.published_probability
            assert float(cells["poor_outcome_probability"]) == round(published, 4)
            assert float(cells["poor_outcome_ci_low"]) == round(prediction.published_ci_low, 4)
            assert float(cells["poor_outcome_ci_high"]) == round(prediction.published_ci_high, 4)
            # the headline model adjusted for optimism, and its two ranges (issue 12)
            for column, figure in (
                ("poor_outcome_adjusted_probability", prediction.probability),
                ("poor_outcome_adjusted_ci_low", prediction.ci_low),
                ("poor_outcome_adjusted_ci_high", prediction.ci_high),
                ("poor_outcome_reconstruction_low", prediction.reconstruction_low),
                ("poor_outcome_reconstruction_high", prediction.reconstruction_high),
                ("poor_outcome_instability_low", prediction.instability_low),
                ("poor_outcome_instability_high", prediction.instability_high),
            ):
                if figure is None:
                    assert cells[column] == "", column
                else:
                    assert float(cells[column]) == round(figure, 4), column
            low = float(cells["poor_outcome_instability_low"])
            high = float(cells["poor_outcome_instability_high"])
            assert low <= float(cells["poor_outcome_adjusted_probability"]) <= high
            assert cells["model_warnings"] == " | ".join(prediction.warnings)
        else:
            assert cells["poor_outcome_probability"] == ""
            assert cells["model_warnings"].startswith("no probability")
    assert "C1–T1" in out.iloc[4]["model_warnings"]
    assert "range" in out.iloc[5]["model_warnings"]
    rejected = out.iloc[len(VARIANTS)]
    assert rejected["error"] != ""
    assert all(rejected[c] == "" for c in MODEL_COLUMNS)


def test_score_refuses_a_tampered_model_and_writes_nothing(model_dir, tmp_path, capsys):
    copy = tmp_path / "m"
    shutil.copytree(model_dir, copy)
    (copy / MANIFEST_NAME).write_bytes(b"x" + (copy / MANIFEST_NAME).read_bytes()[1:])
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:1])
    args = ["score", str(source), "-o", str(target), "--model-dir", str(copy), "--quiet"]
    assert cli.main(args) == 2
    assert not target.exists()
    assert "not a valid model" in capsys.readouterr().err


def test_many_rows_are_vectorized(model_dir, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS * 300)
    args = ["score", str(source), "-o", str(target), "--model-dir", str(model_dir), "--quiet"]
    assert cli.main([*args, "--chunk-size", "500"]) == 0
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert len(out) == len(VARIANTS) * 300
    first = out["poor_outcome_probability"].iloc[0]
    assert (out["poor_outcome_probability"].iloc[:: len(VARIANTS)] == first).all()


def test_without_model_files_the_columns_say_why(tmp_path):
    from models.batch import NO_MODEL, ModelColumns
    from scoring.batch import run_batch

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:2])
    run_batch(source, target, quiet=True, extra_columns=ModelColumns(None))
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(out["model_warnings"]) == [NO_MODEL, NO_MODEL]
    assert list(out["poor_outcome_probability"]) == ["", ""]


def heavy_modules_imported(args: list[str]) -> list[str]:
    """Which of scikit-learn, pandas and joblib a fresh ``cli.py`` process with ``args``
    imported (the command must succeed)."""
    code = (
        "import sys, cli; status = cli.main(sys.argv[1:]); "
        "print(','.join(sorted(m for m in ('sklearn', 'pandas', 'joblib') if m in sys.modules))); "
        "sys.exit(status)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return [m for m in done.stdout.strip().split(",") if m]


def test_no_model_flag_writes_scores_only_and_imports_no_model(tmp_path):
    """``--no-model``: no model columns, and neither scikit-learn nor pandas is imported."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:2])
    args = ["score", str(source), "-o", str(target), "--no-model", "--quiet"]
    assert heavy_modules_imported(args) == []
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert not set(MODEL_COLUMNS) & set(out.columns)
    assert list(out.columns[-2:]) == ["missing", "error"]


def test_a_model_dir_without_files_is_refused(tmp_path, capsys):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:1])
    args = ["score", str(source), "-o", str(target), "--model-dir", str(tmp_path / "none")]
    assert cli.main([*args, "--quiet"]) == 2
    assert "No model files" in capsys.readouterr().err


def test_with_the_model_neither_scikit_learn_nor_pandas_is_imported(tmp_path, model_dir):
    """The model columns read the model's JSON with NumPy; pyarrow would import pandas if
    an Arrow array were made before the run blocks that (0.15 s and 30 MiB of a small
    run)."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:2])
    args = ["score", str(source), "-o", str(target), "--model-dir", str(model_dir), "--quiet"]
    assert heavy_modules_imported(args) == []
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert out["poor_outcome_probability"].str.len().gt(0).all()
