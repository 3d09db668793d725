"""``python cli.py score``: the batch scorer plus the poor-outcome model's columns.

Why a wrapper: :mod:`scoring.batch` knows nothing about the model (scoring never imports
models); this module adds ``poor_outcome_probability``, ``poor_outcome_ci_low``,
``poor_outcome_ci_high`` and ``model_warnings`` through the scorer's ``extra_columns``
hook. Everything is vectorized: predictors come from :func:`models.features.feature_arrays`
(the array form of :func:`models.features.features`), probabilities and intervals from
:meth:`models.predict.PoorOutcomeModel.predict_rows`, and warning texts are built once per
distinct predictor row, not once per row. A row without a probability gets the reason in
``model_warnings``; a rejected row gets empty model cells (the scorer blanks them).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from models.features import ROW_OK, ROW_STATUS_TEXT, feature_arrays

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel
    from scoring.batch import ScoredChunk

MODEL_COLUMNS: Final[tuple[str, ...]] = (
    "poor_outcome_probability",
    "poor_outcome_ci_low",
    "poor_outcome_ci_high",
    "model_warnings",
)
#: Decimals written for probabilities (the model is far less precise than this).
DECIMALS: Final = 4
WARNING_SEPARATOR: Final = " | "


NO_MODEL: Final = (
    "no probability: the model files were not found (they are made by `python cli.py train`)"
)


def _distinct_rows(x: Any) -> tuple[Any, Any]:
    """Distinct rows and, per row, the index of its distinct row.

    Predictors are small whole numbers, so each row packs into one integer key and a 1-D
    ``np.unique`` suffices (several times faster than ``np.unique(axis=0)``); anything
    else falls back to the general form.
    """
    codes = x.astype(np.int64)
    if np.array_equal(codes, x) and codes.min() >= 0 and codes.max() < 64:
        key = codes @ (64 ** np.arange(codes.shape[1] - 1, -1, -1, dtype=np.int64))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return x[first], inverse.reshape(-1)
    unique, inverse = np.unique(x, axis=0, return_inverse=True)
    return unique, inverse.reshape(-1)


def _text(values: Any) -> Any:
    """Probabilities as fixed-decimal text (object array)."""
    return np.array([f"{v:.{DECIMALS}f}" for v in values], dtype=object)


class ModelColumns:
    """The ``extra_columns`` hook of :func:`scoring.batch.run_batch`.

    ``model`` None (no model files at all) keeps the output's columns and says why every
    row has no probability; a model that is present but fails verification is refused
    before anything is written (see :func:`run`).
    """

    def __init__(self, model: PoorOutcomeModel | None) -> None:
        self.model = model

    @property
    def names(self) -> Sequence[str]:
        return MODEL_COLUMNS

    def columns(
        self,
        cases: Any,  # pandas DataFrame of parsed PatientCase fields
        scores: Any,  # pandas DataFrame of score columns
    ) -> dict[str, Any]:
        """Model columns for parsed cases and their score columns (one entry per row)."""
        x, status = feature_arrays(
            cases["sex"],
            scores["tokuhashi_total"],
            scores["katagiri_min"],
            scores["katagiri_max"],
            cases["lesion_level"],
            cases["frankel"],
        )
        n = len(x)
        by_status = np.array([ROW_STATUS_TEXT[code] for code in range(len(ROW_STATUS_TEXT))])
        warnings = by_status.astype(object)[status]
        probability = np.full(n, "", dtype=object)
        ci_low = np.full(n, "", dtype=object)
        ci_high = np.full(n, "", dtype=object)
        if self.model is None:
            warnings[:] = NO_MODEL
        else:
            ok = status == ROW_OK
            if ok.any():
                # a cohort has few distinct predictor rows: compute and format each once
                unique, inverse = _distinct_rows(x[ok])
                p, lo, hi = self.model.predict_rows(unique)
                probability[ok] = _text(p)[inverse]
                ci_low[ok] = _text(lo)[inverse]
                ci_high[ok] = _text(hi)[inverse]
                texts = [WARNING_SEPARATOR.join(w) for w in self.model.warnings_rows(unique)]
                warnings[ok] = np.array(texts, dtype=object)[inverse]
        return {
            "poor_outcome_probability": probability,
            "poor_outcome_ci_low": ci_low,
            "poor_outcome_ci_high": ci_high,
            "model_warnings": warnings,
        }

    def __call__(self, chunk: ScoredChunk) -> Mapping[str, Any]:
        return self.columns(chunk.cases, chunk.scores)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The batch scorer's options plus ``--model-dir``."""
    from scoring import batch

    batch.add_arguments(parser)
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="model directory for the model columns (default: the shipped model)",
    )


def run(args: argparse.Namespace) -> int:
    """Load and verify the model, then score with the model columns added."""
    from models.artifact import LEGACY_ARTIFACT_NAME as ARTIFACT_NAME
    from models.artifact import MANIFEST_NAME, SHIPPED_DIR
    from models.predict import ModelIntegrityError, load_model
    from scoring import batch

    directory: Path | None = getattr(args, "model_dir", None)
    where = SHIPPED_DIR if directory is None else directory
    model: PoorOutcomeModel | None = None
    try:
        if (where / MANIFEST_NAME).exists() or (where / ARTIFACT_NAME).exists():
            model = load_model(directory)
        elif directory is not None:
            raise ModelIntegrityError(f"No model files in {directory}.")
        else:
            print(f"cli.py score: {NO_MODEL}; scoring without the model.", file=sys.stderr)
    except ModelIntegrityError as exc:
        print(f"cli.py score: {exc} Nothing was written.", file=sys.stderr)
        return 2
    return batch.run(args, extra_columns=ModelColumns(model))
