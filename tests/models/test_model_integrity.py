"""A model file is data, never code: pinned, read once, validated, rebuilt (issue 10).

Each attack below worked on the pickle-based loader: a malicious pickle with a consistent
manifest ran its payload (also through ``cli.py score --model-dir``), swapping the file
between the hash check and the load ran it too, and edited covariance, observed ranges,
provenance or a NaN covariance changed what users saw.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import cli
from models import artifact
from models.artifact import LEGACY_ARTIFACT_NAME, MANIFEST_NAME, ModelIntegrityError
from models.predict import load_model
from tests.batch.test_model_batch import VARIANTS, write_input
from tests.support.model import train_synthetic


@pytest.fixture(scope="module")
def own_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("integrity"))


class _Payload:
    """Unpickling this creates the marker file (it stands for arbitrary code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def _malicious_dir(tmp_path: Path) -> tuple[Path, Path]:
    """A model directory as the pickle-based loader expected it: a joblib artifact whose
    SHA-256 its manifest states correctly, copying the shipped model's numbers."""
    import sklearn

    marker = tmp_path / "payload-ran"
    directory = tmp_path / "evil"
    directory.mkdir()
    blob = pickle.dumps(_Payload(marker))
    (directory / LEGACY_ARTIFACT_NAME).write_bytes(blob)
    manifest = json.loads((artifact.SHIPPED_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["artifact"] = {
        "file": LEGACY_ARTIFACT_NAME,
        "sha256": hashlib.sha256(blob).hexdigest(),
    }
    manifest["schema_version"] = 1
    manifest["versions"] = {"scikit-learn": sklearn.__version__}
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    return directory, marker


def test_malicious_pickle_with_a_consistent_manifest_does_not_run(tmp_path):
    directory, marker = _malicious_dir(tmp_path)
    with pytest.raises(ModelIntegrityError, match="never loads one") as info:
        load_model(directory)
    assert "cli.py fit" in str(info.value)
    assert not marker.exists()


def test_score_with_a_malicious_model_dir_runs_nothing_and_writes_nothing(tmp_path, capsys):
    directory, marker = _malicious_dir(tmp_path)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, VARIANTS[:1])
    args = ["score", str(source), "-o", str(target), "--model-dir", str(directory), "--quiet"]
    assert cli.main(args) == 2
    assert not marker.exists()
    assert not target.exists()
    assert "pickle" in capsys.readouterr().err


def test_a_pickle_named_like_the_model_file_is_refused_as_invalid(tmp_path):
    marker = tmp_path / "payload-ran"
    directory = tmp_path / "evil"
    directory.mkdir()
    (directory / MANIFEST_NAME).write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ModelIntegrityError, match="not a valid model"):
        load_model(directory)
    assert not marker.exists()


@pytest.mark.parametrize("source", ["own", "shipped"])
def test_swapping_the_file_after_it_was_read_changes_nothing(
    source, own_dir, tmp_path, monkeypatch
):
    directory = tmp_path / "m"
    shutil.copytree(own_dir if source == "own" else artifact.SHIPPED_DIR, directory)
    path = directory / MANIFEST_NAME
    original = load_model(directory)
    tampered = json.loads(path.read_text(encoding="utf-8"))
    tampered["adjusted"]["fit"]["covariance"] = [
        [v * 1e-6 for v in row] for row in tampered["adjusted"]["fit"]["covariance"]
    ]
    marker = tmp_path / "payload-ran"
    real_read = artifact._read_once
    swaps = []

    def read_then_swap(p: Path) -> bytes:
        data = real_read(p)
        p.write_text(json.dumps(tampered), encoding="utf-8")  # the swap, after the read
        (p.parent / LEGACY_ARTIFACT_NAME).write_bytes(pickle.dumps(_Payload(marker)))
        swaps.append(p)
        return data

    monkeypatch.setattr(artifact, "_read_once", read_then_swap)
    loaded = load_model(directory)
    assert swaps
    np.testing.assert_array_equal(loaded.adjusted_cov, original.adjusted_cov)
    assert not marker.exists()


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _scale_cov(d):
    for block in ("published", "adjusted"):
        d[block]["fit"]["covariance"] = [
            [v * 1e-6 for v in row] for row in d[block]["fit"]["covariance"]
        ]


def _widen_ranges(d):
    for r in d["observed"]["ranges"]:
        r["min"], r["max"] = 0.0, 15.0


def _provenance(d):
    d["provenance"] = "Externally validated in 12,000 patients."


def _reference(d):
    d["reference_patient"]["probability"] = 0.01


def _metric(d):
    d["metrics"]["optimism_corrected_auc"] = 0.95


def _odds_ratio(d):
    d["published"]["odds_ratios"][0]["ci_low"] = 1.5


def _coefficient(d):
    d["adjusted"]["fit"]["params"][4] += 0.5


def _reconstructions(d):
    d["reconstructions"] = {
        "source": "x",
        "sha256": "0" * 64,
        "method": "m",
        "fits": [
            {
                "label": "a",
                "published": d["published"]["fit"]["params"],
                "shrinkage": 1.0,
                "adjusted": d["published"]["fit"]["params"],
            }
        ],
    }


TAMPERING = [
    pytest.param(_scale_cov, id="covariance-times-1e-6"),
    pytest.param(_widen_ranges, id="observed-ranges-widened"),
    pytest.param(_provenance, id="provenance-rewritten"),
    pytest.param(_reference, id="reference-patient"),
    pytest.param(_metric, id="metric"),
    pytest.param(_odds_ratio, id="odds-ratio"),
    pytest.param(_coefficient, id="adjusted-coefficient"),
    pytest.param(_reconstructions, id="reconstructions-added"),
]


@pytest.mark.parametrize("change", TAMPERING)
def test_tampered_own_cohort_model_is_refused(change, own_dir, tmp_path):
    directory = tmp_path / "m"
    shutil.copytree(own_dir, directory)
    _edit(directory / MANIFEST_NAME, change)
    with pytest.raises(ModelIntegrityError, match=r"edited after fitting|not a valid model"):
        load_model(directory)


@pytest.mark.parametrize("change", TAMPERING)
def test_tampered_copy_of_the_shipped_model_is_refused(change, tmp_path):
    directory = tmp_path / "m"
    shutil.copytree(artifact.SHIPPED_DIR, directory)
    _edit(directory / MANIFEST_NAME, change)
    with pytest.raises(ModelIntegrityError, match="pinned"):
        load_model(directory)


def test_shipped_file_changed_in_place_fails_loudly_with_what_to_do(tmp_path, monkeypatch):
    directory = tmp_path / "artifacts"
    shutil.copytree(artifact.SHIPPED_DIR, directory)
    path = directory / MANIFEST_NAME
    path.write_bytes(path.read_bytes().replace(b'"provenance": "', b'"provenance": "X'))
    monkeypatch.setattr(artifact, "SHIPPED_DIR", directory.resolve())
    with pytest.raises(ModelIntegrityError) as info:
        load_model(directory)
    text = str(info.value)
    assert "python cli.py train" in text
    assert "SHIPPED_SHA256" in text


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_covariance_is_refused(token, own_dir, tmp_path):
    directory = tmp_path / "m"
    shutil.copytree(own_dir, directory)
    path = directory / MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["adjusted"]["fit"]["covariance"][0][0] = "__X__"
    path.write_text(json.dumps(data).replace('"__X__"', token), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="not a valid model"):
        load_model(directory)


def test_unknown_keys_and_an_oversized_file_are_refused(own_dir, tmp_path, monkeypatch):
    directory = tmp_path / "m"
    shutil.copytree(own_dir, directory)
    _edit(directory / MANIFEST_NAME, lambda d: d.update(note="hello"))
    with pytest.raises(ModelIntegrityError, match="not a valid model"):
        load_model(directory)
    monkeypatch.setattr(artifact, "MAX_MODEL_BYTES", 1000)
    with pytest.raises(ModelIntegrityError, match="larger than"):
        load_model(directory)


def test_the_cached_model_cannot_be_changed_by_a_session():
    model = load_model()
    with pytest.raises(ValueError, match="read-only"):
        model.adjusted[0] = 0.0
    with pytest.raises(AttributeError, match="read-only"):
        model.adjusted = np.zeros(6)
    with pytest.raises(Exception, match="frozen"):
        model.manifest.provenance = "changed"  # type: ignore[misc]
    with pytest.raises(Exception, match="frozen"):
        model.manifest.adjusted.fit.params = (0.0,) * 6  # type: ignore[misc]


def test_the_runtime_model_never_imports_pickle_loaders_or_research():
    import subprocess
    import sys

    code = (
        "import sys; from models.predict import load_model; m = load_model(); "
        "import models.card, models.validate; "
        "bad = [n for n in ('joblib', 'sklearn', 'research', 'skops') if n in sys.modules]; "
        "assert not bad, bad; print('ok')"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_app_with_a_malicious_model_dir_runs_nothing(tmp_path, monkeypatch, caplog):
    from tests.support.app import FULL, fill, new_app

    directory, marker = _malicious_dir(tmp_path)
    monkeypatch.setenv("CALC_MODEL_DIR", str(directory))
    at = fill(new_app().run(), FULL)
    assert not at.exception
    # The page says the model was refused; the loader's reason is in the server log.
    assert "refused" in " ".join(e.value for e in at.error)
    assert "never loads one" in caplog.text
    assert not marker.exists()
