"""Reading and writing the model file: one JSON file, read once, hashed, validated, rebuilt.

Why no pickle: unpickling runs code, and a model is data. The model is one JSON file
(``poor_outcome.json``, typed by :class:`models.manifest.Manifest`); a directory holding a
pickled model (``poor_outcome.joblib``, the format of earlier versions) is refused with
what to do, and nothing in this program ever unpickles a file, so no flag can make it.

What is checked, in this order, on the bytes read **once** into memory (the file is never
opened a second time, so swapping it after the check changes nothing):

1. size at most :data:`MAX_MODEL_BYTES` (bounded work);
2. the shipped file's SHA-256 equals :data:`SHIPPED_SHA256`, pinned in this source; a
   file that claims to be the shipped model anywhere else must match it too;
3. strict validation of the JSON (exact keys, finite numbers, shapes);
4. the numbers are rebuilt from the file's own training patterns with the same code that
   trained it (:func:`models.build.build_manifest`) and must agree: covariance, odds
   ratios, observed ranges, reference patient, metrics, adjusted model, provenance. An
   own-cohort file is rebuilt in full (bootstraps included); the shipped file's bootstrap
   parts are covered by its pinned hash.

The file is written with sorted keys and no timestamp: training twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from models.manifest import Manifest

MANIFEST_NAME: Final = "poor_outcome.json"
#: The pickled artifact of earlier versions; refused, never loaded.
LEGACY_ARTIFACT_NAME: Final = "poor_outcome.joblib"
#: Where the shipped model lives (``python cli.py train`` writes here, nothing else does).
SHIPPED_DIR: Final = Path(__file__).resolve().parent / "artifacts"
#: The committed data the shipped model and the card are built from.
DATA_DIR: Final = Path(__file__).resolve().parent / "data"
#: SHA-256 of the shipped ``models/artifacts/poor_outcome.json``. After retraining on
#: purpose (``python cli.py train``), paste the hash the command prints here.
SHIPPED_SHA256: Final = "b1db52ed1f44a9ea4e76dbe27673f7a65a526357312502bfdd26128ff2a8d149"
#: Largest model file read (the shipped one is well under 1 MB).
MAX_MODEL_BYTES: Final = 8 * 1024 * 1024


class ModelIntegrityError(RuntimeError):
    """The model file cannot be trusted or used; the message says what to do."""


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (for training files, not for the model file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def dumps(manifest: Manifest) -> bytes:
    """The file's bytes: sorted keys, no NaN, a final newline."""
    text = json.dumps(
        manifest.model_dump(mode="json"),
        indent=1,
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")


def save(manifest: Manifest, directory: Path) -> tuple[Path, str]:
    """Write the model file to ``directory``; returns its path and SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    data = dumps(manifest)
    path = directory / MANIFEST_NAME
    path.write_bytes(data)
    return path, sha256_bytes(data)


def _is_shipped_dir(directory: Path) -> bool:
    return directory.resolve() == SHIPPED_DIR


def _read_once(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_MODEL_BYTES + 1)
    except OSError as exc:
        raise ModelIntegrityError(f"The model file {path} cannot be read ({exc}).") from exc
    if len(data) > MAX_MODEL_BYTES:
        raise ModelIntegrityError(
            f"The model file {path} is larger than {MAX_MODEL_BYTES // 2**20} MB; a model "
            "file is far smaller. It is not read."
        )
    return data


def _pinned(data: bytes, path: Path) -> None:
    actual = sha256_bytes(data)
    if actual != SHIPPED_SHA256:
        raise ModelIntegrityError(
            f"The shipped model file {path} is not the one this version was released with "
            f"(SHA-256 {actual[:12]}… on disk, {SHIPPED_SHA256[:12]}… pinned in "
            "models/artifact.py). Restore it from version control. If the model was "
            "retrained on purpose, run `python cli.py train` and set SHIPPED_SHA256 in "
            "models/artifact.py to the hash it prints."
        )


def parse(data: bytes, path: Path) -> Manifest:
    """Strictly validate the file's bytes; :class:`ModelIntegrityError` saying why not."""
    try:
        return Manifest.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise ModelIntegrityError(
            f"The model file {path} is not a valid model ({exc.error_count()} problem(s); "
            f"first: {where}: {first['msg']}). Regenerate it with `python cli.py train` "
            "(shipped model) or `python cli.py fit --cohort FILE.csv --out DIR` (own cohort)."
        ) from exc


def read_parsed(directory: Path) -> tuple[Manifest, bytes]:
    """Steps 1–3 of the verification (no rebuild): the parsed file and its bytes.

    Cheap enough for every rerun of a page that does not need the model yet.
    """
    path = directory / MANIFEST_NAME
    legacy = directory / LEGACY_ARTIFACT_NAME
    if legacy.exists():
        raise ModelIntegrityError(
            f"{directory} holds a pickled model ({LEGACY_ARTIFACT_NAME}). A pickle can run "
            "code when loaded, so this program never loads one. Refit the model with "
            "`python cli.py fit --cohort FILE.csv --out NEW_DIR` (it writes a JSON model "
            "file) and use NEW_DIR."
        )
    if not path.is_file():
        raise ModelIntegrityError(
            f"No model file at {path}. Regenerate it with `python cli.py train` (shipped "
            "model) or `python cli.py fit --cohort FILE.csv --out DIR` (own cohort), or "
            "restore it from version control."
        )
    data = _read_once(path)
    shipped_dir = _is_shipped_dir(directory)
    if shipped_dir:
        _pinned(data, path)
    manifest = parse(data, path)
    if manifest.kind == "shipped":
        _pinned(data, path)
    elif shipped_dir:  # pragma: no cover - the pinned hash already refused it
        raise ModelIntegrityError(f"{path} is not the shipped model.")
    return manifest, data


def read_verified(directory: Path) -> tuple[Manifest, str]:
    """The verified model file of ``directory`` and the SHA-256 of its bytes;
    :class:`ModelIntegrityError` otherwise."""
    from models import build

    path = directory / MANIFEST_NAME
    manifest, data = read_parsed(directory)
    try:
        rebuilt = build.build_manifest(
            build.patterns_of(manifest),
            build.TrainingFile(
                manifest.kind,
                manifest.training_data.file,
                manifest.training_data.sha256,
                manifest.training_data.excluded_rows,
            ),
            build.settings_of(manifest),
            recon=manifest.reconstructions if manifest.kind == "shipped" else None,
            versions=manifest.versions,
            stored=manifest if manifest.kind == "shipped" else None,
        )
    except (ValueError, ArithmeticError) as exc:
        raise ModelIntegrityError(
            f"The model file {path} cannot be rebuilt from its own training data ({exc}); "
            "it is not used. Regenerate it with `python cli.py fit`."
        ) from exc
    differ = build.differences(manifest, rebuilt)
    if differ:
        shown = ", ".join(differ[:5]) + (" …" if len(differ) > 5 else "")
        raise ModelIntegrityError(
            f"The model file {path} states numbers or text that its own training data do "
            f"not give ({len(differ)} field(s): {shown}). It was edited after fitting and "
            "is not used. Restore it, or regenerate it with `python cli.py train` (shipped "
            "model) or `python cli.py fit` (own cohort)."
        )
    digest = sha256_bytes(data)
    manifest._file_sha256 = digest
    return manifest, digest
