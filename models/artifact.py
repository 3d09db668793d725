"""Saving and loading the fitted model: a joblib artifact beside a JSON manifest.

Why a manifest with the artifact's SHA-256: a joblib file is a pickle, and unpickling runs
code. The artifact is therefore treated as code: its SHA-256 is computed from the bytes on
disk and compared with the manifest *before* ``joblib.load`` is called, so a swapped or
corrupted file is refused without being executed. The manifest also records the
scikit-learn version that wrote the pickle; a different installed version is refused
before loading, and scikit-learn's ``InconsistentVersionWarning`` (raised while
unpickling) is turned into the same clear error. Finally the coefficients stated in the
manifest must equal the estimator's, so neither file can be edited without the other.

The manifest is written with sorted keys and no timestamp: training the same file twice
gives byte-identical files, which keeps the committed artifact reproducible.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any, Final

ARTIFACT_NAME: Final = "poor_outcome.joblib"
MANIFEST_NAME: Final = "poor_outcome.json"
#: Where the shipped model lives (``python cli.py train`` writes here, nothing else does).
SHIPPED_DIR: Final = Path(__file__).resolve().parent / "artifacts"
MANIFEST_SCHEMA: Final = 1


class ModelIntegrityError(RuntimeError):
    """The model files cannot be trusted or used; the message says what to do."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions that shape the artifact and its numbers (recorded in the manifest)."""
    import platform

    import joblib
    import numpy
    import sklearn

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def save(estimator: Any, manifest: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    """Write the artifact and its manifest (with the artifact's SHA-256) to ``directory``."""
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    artifact = directory / ARTIFACT_NAME
    manifest_path = directory / MANIFEST_NAME
    joblib.dump(estimator, artifact, compress=0)
    full = dict(manifest)
    full["artifact"] = {"file": ARTIFACT_NAME, "sha256": sha256_file(artifact)}
    full["schema_version"] = MANIFEST_SCHEMA
    text = json.dumps(full, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    manifest_path.write_text(text + "\n", encoding="utf-8")
    return artifact, manifest_path


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of ``directory``, or :class:`ModelIntegrityError` saying what to do."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise ModelIntegrityError(
            f"No model manifest at {path}. The model cannot be verified without it; "
            "regenerate both files with `python cli.py train` (shipped model) or "
            "`python cli.py fit --cohort FILE.csv --out DIR` (own cohort)."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(
            f"The model manifest {path} is not valid JSON ({exc}); regenerate it with "
            "`python cli.py train` or restore it from version control."
        ) from exc
    if not isinstance(data, dict) or data.get("schema_version") != MANIFEST_SCHEMA:
        raise ModelIntegrityError(
            f"The model manifest {path} has an unknown layout; regenerate it with "
            "`python cli.py train`."
        )
    return data


def verify_files(directory: Path) -> dict[str, Any]:
    """The manifest, once the artifact beside it is present and its SHA-256 is the
    manifest's; raises :class:`ModelIntegrityError` saying what to do otherwise.

    Cheap (no unpickling, no scikit-learn): the app runs it before a model is needed, and
    :func:`load` runs it first.
    """
    manifest = read_manifest(directory)
    artifact = directory / ARTIFACT_NAME
    if not artifact.is_file():
        raise ModelIntegrityError(
            f"The model artifact {artifact} is missing; regenerate it with "
            "`python cli.py train` or restore it from version control."
        )
    expected = str(manifest.get("artifact", {}).get("sha256", ""))
    actual = sha256_file(artifact)
    if actual != expected:
        raise ModelIntegrityError(
            f"The model artifact {artifact} does not match its manifest (SHA-256 "
            f"{actual[:12]}… on disk, {expected[:12] or 'none'}… expected). It was changed "
            "or replaced after training and is not loaded. Restore both files from version "
            "control, or regenerate them with `python cli.py train`."
        )
    return manifest


def load(directory: Path) -> tuple[Any, dict[str, Any]]:
    """Verify, then load: ``(estimator, manifest)``.

    Order matters: manifest present → artifact hash equals the manifest's → scikit-learn
    version equals the one that wrote it → unpickle (version warnings are errors) →
    the estimator's coefficients equal the manifest's.
    """
    manifest = verify_files(directory)
    artifact = directory / ARTIFACT_NAME
    import sklearn

    wrote = str(manifest.get("versions", {}).get("scikit-learn", "unknown"))
    if wrote != sklearn.__version__:
        raise ModelIntegrityError(
            f"The model was written by scikit-learn {wrote}, but {sklearn.__version__} is "
            f"installed. Install the pinned version (`pip install scikit-learn=={wrote}`, "
            "see requirements.txt) or retrain with `python cli.py train`."
        )
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            estimator = joblib.load(artifact)
        except InconsistentVersionWarning as exc:
            raise ModelIntegrityError(
                f"scikit-learn reports a version mismatch while loading {artifact} ({exc}). "
                "Install the scikit-learn version named in the manifest, or retrain with "
                "`python cli.py train`."
            ) from exc
    _check_coefficients(estimator, manifest, artifact)
    return estimator, manifest


def _check_coefficients(estimator: Any, manifest: dict[str, Any], artifact: Path) -> None:
    names = list(manifest["feature_names"])
    stated = [float(manifest["coefficients"][n]) for n in names]
    fitted = [float(v) for v in estimator.coef_.ravel()]
    same = stated == fitted and float(manifest["intercept"]) == float(estimator.intercept_[0])
    if not same or list(getattr(estimator, "feature_names_in_", names)) != names:
        raise ModelIntegrityError(
            f"The manifest's coefficients disagree with the artifact {artifact}: one of the "
            "two files was edited. Restore both from version control or regenerate them "
            "with `python cli.py train`."
        )
