"""``python cli.py score``: the batch scorer plus the poor-outcome model's columns.

Why a wrapper: :mod:`scoring.batch` knows nothing about the model (scoring never imports
models); this module adds the model's columns (``PROBABILITY_COLUMNS``: the model as
published, the headline model adjusted for optimism with its interval, reconstruction
range and instability range) and ``model_warnings`` through the scorer's ``ExtraColumns``
hook. A cohort has few distinct predictor rows (sex, the two totals, level, Frankel), so
each chunk is reduced to its distinct rows first (one packed integer key per row, NumPy
``unique``); predictors come from :func:`models.features.feature_arrays` (the array form of
:func:`models.features.features`), every figure from
:meth:`models.predict.PoorOutcomeModel.predict_arrays`, and warning texts from
``warnings_rows``, each once per distinct row. A row without a probability gets the reason
in ``model_warnings``; a rejected row gets empty model cells (the scorer empties them).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pyarrow as pa

from i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from models.features import ROW_OK, ROW_STATUS_TEXT, feature_arrays
from scoring.batch import arrays
from scoring.batch.output import Encoded

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel
    from scoring.batch import ScoredChunk

#: Decimals written for probabilities (the model is far less precise than this).
DECIMALS: Final = 4
WARNING_SEPARATOR: Final = " | "
_PROBABILITY = {b"decimals": str(DECIMALS).encode()}
#: Probability columns, each with the ``PredictionArrays`` field it is read from: the
#: model as published (unadjusted, Table 4) keeps the original three names; the headline
#: model adjusted for optimism, its reconstruction range and its instability range follow.
PROBABILITY_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("poor_outcome_probability", "published_probability"),
    ("poor_outcome_ci_low", "published_ci_low"),
    ("poor_outcome_ci_high", "published_ci_high"),
    ("poor_outcome_adjusted_probability", "probability"),
    ("poor_outcome_adjusted_ci_low", "ci_low"),
    ("poor_outcome_adjusted_ci_high", "ci_high"),
    ("poor_outcome_reconstruction_low", "reconstruction_low"),
    ("poor_outcome_reconstruction_high", "reconstruction_high"),
    ("poor_outcome_instability_low", "instability_low"),
    ("poor_outcome_instability_high", "instability_high"),
)
MODEL_FIELDS: Final[tuple[pa.Field, ...]] = (
    *(pa.field(name, pa.float64(), metadata=_PROBABILITY) for name, _ in PROBABILITY_COLUMNS),
    pa.field("model_warnings", pa.string()),
)
MODEL_COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in MODEL_FIELDS)

NO_MODEL: Final = N_(
    "no probability: the model files were not found (they are made by `python cli.py train`)"
)
#: The inputs of the model's row, as (scored-chunk accessor, output column or field).
_CODED = ("sex", "lesion_level", "frankel")
_TOTALS = ("tokuhashi_total", "katagiri_min", "katagiri_max")


@functools.cache
def _same_features(name: str) -> Any:
    """Per code of a coded predictor (index in its vocabulary, -1 = empty, read at
    ``[code + 1]``), the first code that ``feature_arrays`` treats identically.

    ``feature_arrays`` reads each coded field through a per-member table (e.g. levels only
    through their lesion group), so members with the same outputs there are
    interchangeable: asking it once about every member, with the other predictors fixed,
    groups them. Grouping before numbering the distinct rows leaves about a tenth of them
    (a 25,000-row chunk: ~1,500 instead of ~13,500), and each distinct row is then
    computed and formatted once.
    """
    from scoring.case import Sex
    from scoring.frankel import FrankelGrade
    from scoring.levels import VertebralLevel

    vocabulary: list[Any] = [
        None,
        *{"sex": Sex, "lesion_level": VertebralLevel, "frankel": FrankelGrade}[name],
    ]
    n = len(vocabulary)
    fixed = {
        "sex": [Sex.MALE] * n,
        "lesion_level": [VertebralLevel.parse("C4")] * n,
        "frankel": [FrankelGrade.parse("E")] * n,
    }
    fixed[name] = vocabulary
    x, status = feature_arrays(
        np.array(fixed["sex"], dtype=object),
        np.full(n, 10.0),
        np.full(n, 5.0),
        np.full(n, 5.0),
        np.array(fixed["lesion_level"], dtype=object),
        np.array(fixed["frankel"], dtype=object),
    )
    outputs = [
        (tuple(np.nan_to_num(row, nan=-99.0).tolist()), int(s))
        for row, s in zip(x, status, strict=True)
    ]
    first: dict[Any, int] = {}
    return np.array([first.setdefault(o, i) for i, o in enumerate(outputs)], dtype=np.int64)


def _distinct(chunk: ScoredChunk, totals: Sequence[Any]) -> tuple[Any, Any, Any]:
    """Row indices of the distinct predictor inputs, per row which one it is, and each
    distinct input's key (one integer; codes that ``feature_arrays`` treats identically
    count as one, see ``_same_features``). ``totals``: the ``_TOTALS`` columns as floats."""
    key = np.zeros(len(chunk.valid), dtype=np.int64)
    for name in _CODED:
        codes = _same_features(name)[chunk.parsed.codes[name] + 1]
        key = key * 64 + codes
    low, high = totals[1], totals[2]
    # Katagiri known only as a range: ``feature_arrays`` uses neither end (no probability),
    # so every such range is one key
    ranged = ~np.isnan(low) & ~np.isnan(high) & (low != high)
    for i, numbers in enumerate(totals):
        digit = np.where(np.isnan(numbers), 0, numbers + 1).astype(np.int64)
        key = key * 64 + (np.where(ranged, 63, digit) if i else digit)
    inverse, first = arrays.numbered(key)
    return first, inverse, key[first]


class ModelColumns:
    """The ``ExtraColumns`` hook of :func:`scoring.batch.run_batch`.

    ``model`` None (no model files at all) keeps the output's columns and says why every
    row has no probability; a model that is present but fails verification is refused
    before anything is written (see :func:`run`).
    """

    def __init__(self, model: PoorOutcomeModel | None) -> None:
        self.model = model
        #: Per distinct predictor input met in the run (its key, see ``_distinct``), the
        #: position of its figures and warning text below: each is computed once per run.
        self._slot: dict[int, int] = {}
        self._values = np.zeros((len(PROBABILITY_COLUMNS), 0))
        self._texts: list[str | None] = []
        # made at the first chunk: an Arrow array made here, before the run blocks it,
        # would make pyarrow import pandas (see ``scoring.batch.command``)
        self._warnings: pa.Array | None = None

    def _learn(
        self, chunk: ScoredChunk, rows: Any, totals: Sequence[Any]
    ) -> tuple[Any, list[str | None]]:
        """Figures (len(PROBABILITY_COLUMNS), len(rows)) and warning texts (None: none) of
        the predictor inputs of ``rows`` (``totals``: the ``_TOTALS`` columns as floats)."""
        tokuhashi, katagiri_min, katagiri_max = totals
        x, status = feature_arrays(
            chunk.members("sex", rows),
            tokuhashi[rows],
            katagiri_min[rows],
            katagiri_max[rows],
            chunk.members("lesion_level", rows),
            chunk.members("frankel", rows),
        )
        texts: list[str | None] = [ROW_STATUS_TEXT[int(code)] for code in status]
        values = np.full((len(PROBABILITY_COLUMNS), len(rows)), np.nan)
        if self.model is None:
            return values, [NO_MODEL] * len(rows)
        ok = np.flatnonzero(status == ROW_OK)
        if ok.size:
            figures = self.model.predict_arrays(x[ok])
            for i, (_, attribute) in enumerate(PROBABILITY_COLUMNS):
                column = getattr(figures, attribute)
                if column is not None:  # no reconstruction fits: that range stays empty
                    values[i, ok] = column
            for j, w in zip(ok.tolist(), self.model.warnings_rows(x[ok]), strict=True):
                texts[j] = WARNING_SEPARATOR.join(w)
        return values, [t or None for t in texts]

    @property
    def fields(self) -> Sequence[pa.Field]:
        return MODEL_FIELDS

    def __call__(self, chunk: ScoredChunk) -> Mapping[str, Any]:
        totals = [chunk.number(name) for name in _TOTALS]
        first, inverse, keys = _distinct(chunk, totals)
        slots = [self._slot.get(k, -1) for k in keys.tolist()]
        new = [j for j, slot in enumerate(slots) if slot < 0]
        if new:
            values, texts = self._learn(chunk, first[new], totals)
            for j in new:
                slots[j] = self._slot[int(keys[j])] = len(self._slot)
            self._values = np.concatenate([self._values, values], axis=1)
            self._texts += texts
            self._warnings = None
        if self._warnings is None:
            self._warnings = pa.array(self._texts, type=pa.string())
        at = arrays.ints(np.array(slots, dtype=np.int64))
        values = self._values[:, slots]
        out: dict[str, Any] = {  # per distinct row, with the rows' indices: formatted once
            name: Encoded(values[i], inverse) for i, (name, _) in enumerate(PROBABILITY_COLUMNS)
        }
        # each distinct text is quoted and neutralised once by the writer
        text = self._warnings.take(at)
        out["model_warnings"] = pa.DictionaryArray.from_arrays(arrays.ints(inverse), text)
        return out


def add_arguments(parser: argparse.ArgumentParser, _: Translator | None = None) -> None:
    """The batch scorer's options plus ``--model-dir``; ``_`` translates the help."""
    from scoring import batch

    _ = _ or translator(DEFAULT_LANGUAGE)
    batch.add_arguments(parser, _)
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help=_("model directory for the model columns (default: the shipped model)"),
    )
    parser.add_argument(
        "--no-model",
        action="store_true",
        help=_("scores only: no model columns (the model is not loaded)"),
    )


def run(args: argparse.Namespace) -> int:
    """Load and verify the model, then score with the model columns added."""
    from scoring import batch

    if getattr(args, "no_model", False):  # the model code is not even imported
        return batch.run(args)
    from models.artifact import LEGACY_ARTIFACT_NAME as ARTIFACT_NAME
    from models.artifact import MANIFEST_NAME, SHIPPED_DIR
    from models.predict import ModelIntegrityError, load_model
    from scoring.batch.command import language

    _ = language(args)
    directory: Path | None = getattr(args, "model_dir", None)
    where = SHIPPED_DIR if directory is None else directory
    model: PoorOutcomeModel | None = None
    try:
        if (where / MANIFEST_NAME).exists() or (where / ARTIFACT_NAME).exists():
            model = load_model(directory)
        elif directory is not None:
            raise ModelIntegrityError(f"No model files in {directory}.")
        else:
            text = _("%(reason)s; scoring without the model.", reason=_(NO_MODEL))
            print(f"cli.py score: {text}", file=sys.stderr)
    except ModelIntegrityError as exc:
        # The loader's own message (file, check, rebuild command) is for the person
        # running the command: kept whole, in English, with the frame translated.
        text = _("%(reason)s Nothing was written.", reason=exc)
        print(f"cli.py score: {text}", file=sys.stderr)
        return 2
    return batch.run(args, extra_columns=ModelColumns(model))
