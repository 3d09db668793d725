"""The output columns of a chunk, typed, and their CSV text.

Typed first (integers as ``int64``, band codes and texts as strings, empty as null), so a
Parquet output holds numbers a statistics package reads as numbers; the CSV text is the
same values written out (null → empty cell), so both formats carry identical results.

Missing-value rules are those of ``scoring.result``: Tokuhashi and SINS totals and bands
are given only when complete; Katagiri's min and max are given when at most laboratory
values are missing (the laboratory item then spans the tiers it could still reach) and its
group only when both ends fall in one group; ``missing`` lists, once each, the fields the
scores' ``ScoreResult.missing`` would list, in their order. A rejected row gets only
``error``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring.batch import arrays
from scoring.batch.columns import COLUMN_BY_NAME, CodedColumn
from scoring.batch.lookups import MISSING_FROM, SCORES, ScoreArrays
from scoring.batch.parse import Bools, Floats, Ints, Objects, ParsedChunk, arrow_text

_KIND_TYPE = {
    "total": pa.int64(),
    "min": pa.int64(),
    "max": pa.int64(),
    "band": pa.string(),
    "range_min": pa.int64(),
    "range_max": pa.int64(),
    "range_band": pa.string(),
}
OUTPUT_FIELDS: tuple[pa.Field, ...] = (
    *(pa.field(name, _KIND_TYPE[kind]) for spec in SCORES for name, kind in spec.columns),
    pa.field("missing", pa.string()),
    pa.field("error", pa.string()),
)
OUTPUT_COLUMNS: tuple[str, ...] = tuple(f.name for f in OUTPUT_FIELDS)
#: Field metadata key: a floating column is written with this many decimals.
DECIMALS_KEY = b"decimals"


def _ints(values: Ints, show: Bools) -> pa.Array:
    return arrays.ints(values, ~show | (values < 0))


def _take(texts: Sequence[str], index: Ints) -> pa.Array:
    """``texts[index]`` as a string array, index -1 giving null."""
    table = pa.array(list(texts), type=pa.string())
    return table.take(arrays.ints(index, index < 0))


@functools.cache
def _pattern_text(pattern: int, order: tuple[str, ...]) -> str:
    return ";".join(name for i, name in enumerate(order) if pattern >> i & 1)


def _missing_index(bits: Ints, order: Sequence[str]) -> tuple[list[str], Ints]:
    """``;``-joined names per row from a bit pattern per row, as (distinct texts, index per
    row, -1 for none): only the distinct patterns (a few hundred in practice) are turned
    into text, once per run."""
    index, first = arrays.numbered(bits)
    texts = [_pattern_text(int(p), tuple(order)) for p in bits[first].tolist()]
    empty = np.array([t == "" for t in texts], dtype=bool)
    return texts, np.where(empty[index], -1, index)


def missing_text(bits: Ints, order: Sequence[str]) -> pa.Array:
    """``;``-joined names per row from a bit pattern per row; none → null."""
    return _take(*_missing_index(bits, order))


def score_columns(
    parsed: ParsedChunk,
    scores: Mapping[str, ScoreArrays],
    order: Sequence[str],
    text: dict[str, pa.Array] | None = None,
    *,
    typed_bands: bool = True,
) -> dict[str, pa.Array]:
    """The ``OUTPUT_COLUMNS`` of one chunk, typed; a rejected row gets only its error.

    ``text``, when given, receives the CSV cells of the columns drawn from a few distinct
    texts (bands, ``missing``) as dictionary arrays, so that they are not encoded again.
    ``typed_bands`` False leaves the band columns out of the typed ones (a CSV output
    needs only their text, which ``text`` then receives).
    """
    valid = parsed.valid
    out: dict[str, pa.Array] = {}
    cells: dict[str, pa.Array] = {} if text is None else text
    bits = np.zeros(parsed.n, dtype=np.int64)
    for spec in SCORES:
        score = scores[spec.key]
        if spec.key in MISSING_FROM:
            bits |= score.missing_bits
        complete = valid & ~score.incomplete
        for name, kind in spec.columns:
            if kind == "total":
                out[name] = _ints(score.total, valid)
            elif kind in ("min", "range_min"):
                out[name] = _ints(score.total_min, complete if kind == "min" else valid)
            elif kind in ("max", "range_max"):
                out[name] = _ints(score.total_max, complete if kind == "max" else valid)
            else:
                index = score.band_index if kind == "band" else score.range_band_index
                shown = np.where(valid, index, -1)
                if typed_bands or text is None:
                    out[name] = _take(score.band_codes, shown)
                cells[name] = _encoded_text(score.band_codes, shown)
    bits[~valid] = 0
    texts, shown = _missing_index(bits, order)
    out["missing"] = _take(texts, shown)
    cells["missing"] = _encoded_text(texts, shown)
    # Only the rejected rows have an error text: those alone are turned into text (a
    # list of every row's cell held the interpreter lock for a tenth of a second per
    # million rows, stalling the other threads).
    rejected = np.flatnonzero(parsed.rejected)
    errors = parsed.errors[rejected].tolist()
    index = np.full(parsed.n, -1, dtype=np.int64)
    index[rejected] = np.arange(len(rejected))
    out["error"] = _take(errors, index)
    cells["error"] = _encoded_text(errors, index)
    return out


# ----------------------------------------------------------------- extra columns


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    """What an ``ExtraColumns`` hook receives for one chunk.

    ``valid``: False for rejected rows (their extra cells are emptied whatever the hook
    returns); ``parsed``: the validated fields; ``scores``: each score's arrays by key;
    ``columns``: the typed ``OUTPUT_COLUMNS`` (the band columns only when the output is
    Parquet: a CSV run writes their text only; the band of every row is in ``scores``).
    """

    valid: Bools
    parsed: ParsedChunk
    scores: Mapping[str, ScoreArrays]
    columns: Mapping[str, pa.Array]

    def members(self, field: str, rows: Ints | None = None) -> Objects:
        """A coded field as its Enum members (None where not recorded), of ``rows`` only
        when given."""
        column = COLUMN_BY_NAME[field]
        assert isinstance(column, CodedColumn)
        table = np.array([*column.vocabulary, None], dtype=object)
        codes = self.parsed.codes[field]
        return table[codes if rows is None else codes[rows]]

    def number(self, name: str) -> Floats:
        """An integer output column as floats, NaN where empty (Arrow gives an integer
        column with nulls as floats with NaN; one without nulls is converted here)."""
        values = self.columns[name].to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=np.float64)


class ExtraColumns(Protocol):
    """Adds output columns (e.g. the model's) without editing this package.

    ``fields`` are appended after ``OUTPUT_COLUMNS`` in this order (also for an input with
    no rows); a floating field may carry ``{"decimals": "4"}`` metadata, the number of
    decimals it is written with (the typed value is the written one read back, so CSV and
    Parquet agree). ``__call__`` returns, for every row of the chunk, one value per name
    (None or NaN → empty), as a sequence, a NumPy array or an Arrow array.
    """

    @property
    def fields(self) -> Sequence[pa.Field]: ...

    def __call__(self, chunk: ScoredChunk) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Encoded:
    """A float column given as its distinct values and, per row, which one (``index``):
    what a hook that computes per distinct input returns, so that each distinct value is
    formatted once without sorting the rows again. NaN = empty."""

    values: Floats
    index: Ints

    def __len__(self) -> int:
        return len(self.index)


#: Largest ``round(v * 10**decimals)`` written through the table of texts (``_steps``).
_MAX_STEPS = 1_000_000


@functools.cache
def _steps(decimals: int, count: int) -> pa.Array:
    """The texts of ``k / 10**decimals`` for ``k`` in ``range(count)`` ("0.0000",
    "0.0001", …) as Arrow text, followed by one empty cell; made once per size."""
    scale = 10**decimals
    texts = [f"{k // scale}.{k % scale:0{decimals}d}" if decimals else str(k) for k in range(count)]
    return pa.array([*texts, ""], type=pa.large_string())


def _table_size(decimals: int, count: int) -> int:
    """A table size of at least ``count``: 0 to 1 inclusive (probabilities) or a power of
    two, so that a run builds few tables."""
    unit = 10**decimals + 1
    return unit if count <= unit else 1 << (count - 1).bit_length()


def _as_steps(values: Floats, decimals: int) -> Ints | None:
    """``k`` with ``f"{v:.{decimals}f}" == texts[k]`` (see ``_steps``) for every finite
    value (anything for the others), or None when that cannot be decided this way.

    ``v * 10**decimals`` is within a relative 2**-53 of the exact product, so rounding it
    to the nearest integer gives the correctly rounded decimal unless the product lies
    within that error of a half (then the exact formatting decides: None). Negative
    values (and -0.0, written "-0.0000") and very large ones also take that path.
    """
    finite = np.isfinite(values)
    v = np.where(finite, values, 0.0)
    if np.signbit(v).any():
        return None
    scaled = v * float(10**decimals)
    if scaled.max(initial=0.0) >= _MAX_STEPS:
        return None
    halfway = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-9
    if halfway.any():
        return None
    return np.rint(scaled).astype(np.int64)


def _fixed_texts(floats: Floats, decimals: int) -> tuple[pa.Array, Floats]:
    """Per value, its text (``f"{v:.{decimals}f}"``; "" when not finite) and that text
    read back (NaN for ""), so that CSV and Parquet agree.

    Usually without formatting a number: the rounded value is an index into a table of
    texts (``_steps``), and ``k / 10**decimals`` is exactly what reading ``texts[k]``
    gives (both integers are exact doubles, so the division is correctly rounded like the
    reading). Otherwise each distinct value is formatted once (distinct bit patterns, so
    that -0.0, "-0.0000", is not taken for 0.0).
    """
    finite = np.isfinite(floats)
    steps = _as_steps(floats, decimals)
    if steps is not None:
        count = _table_size(decimals, int(steps.max(initial=0)) + 1)
        table = _steps(decimals, count)  # its last entry is ""
        texts = table.take(arrays.ints(np.where(finite, steps, count)))
        return texts, np.where(finite, steps / float(10**decimals), np.nan)
    bits, inverse = np.unique(np.where(finite, floats, 0.0).view(np.int64), return_inverse=True)
    formatted = [f"{v:.{decimals}f}" for v in bits.view(np.float64).tolist()]
    index = np.where(finite, np.asarray(inverse).reshape(-1), len(formatted))
    texts = pa.array([*formatted, ""], type=pa.large_string()).take(arrays.ints(index))
    back = np.array([float(t) for t in formatted] + [np.nan], dtype=np.float64)[index]
    return texts, back


def _fixed(
    values: Floats | Encoded, decimals: int, hide: Bools, rows: pa.Array | None, typed: bool
) -> tuple[pa.Array | None, pa.Array]:
    """(typed or None, text) of floats written with ``decimals``; NaN and hidden rows →
    null (typed) and an empty cell (text).

    ``Encoded`` values are written as their distinct rows' texts and ``rows`` (see
    ``_shared_rows``): every column of one hook that shares an index then shares its
    indices array (one array in memory, however many columns).
    """
    if isinstance(values, Encoded):
        assert rows is not None
        texts, back = _fixed_texts(np.asarray(values.values, dtype=np.float64), decimals)
        dictionary = pa.concat_arrays([texts, _EMPTY_TEXT()])
        text = pa.DictionaryArray.from_arrays(rows, dictionary)
        if not typed:
            return None, text
        index = np.asarray(rows.to_numpy(zero_copy_only=False))
        read = np.append(back, np.nan)[index]
        return arrays.floats(np.nan_to_num(read), np.isnan(read)), text
    floats = np.asarray(values, dtype=np.float64)
    texts, back = _fixed_texts(np.where(hide, np.nan, floats), decimals)
    text = pa.DictionaryArray.from_arrays(arrays.ints(np.arange(len(texts))), texts)
    return (arrays.floats(np.nan_to_num(back), np.isnan(back)) if typed else None), text


@functools.cache
def _EMPTY_TEXT() -> pa.Array:  # noqa: N802 - a constant, made on first use
    return pa.array([""], type=pa.large_string())


def _shared_rows(
    index: Ints, size: int, hide: Bools, known: list[tuple[Ints, pa.Array]]
) -> pa.Array:
    """Indices into a hook's distinct rows (``size`` of them; hidden rows → ``size``, an
    empty cell), made once per distinct ``index`` in a chunk (``known``) so that the
    columns sharing it share one indices array."""
    for seen, array in known:
        if seen is index or (len(seen) == len(index) and np.array_equal(seen, index)):
            return array
    array = arrays.ints(np.where(hide, size, index))
    known.append((index, array))
    return array


def _encoded_text(texts: Sequence[str], index: Ints) -> pa.DictionaryArray:
    """CSV cells ``texts[index]`` (index -1: empty) as a dictionary array: the writer
    quotes the few distinct texts once and gathers the rows once (see ``CsvWriter``)."""
    table = pa.array([*texts, ""], type=pa.large_string())
    return pa.DictionaryArray.from_arrays(
        arrays.ints(np.where(index < 0, len(texts), index)), table
    )


def extra_output(
    hook: ExtraColumns, chunk: ScoredChunk, n: int, *, typed: bool = True
) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
    """(typed, CSV text) of the hook's columns; rejected rows emptied. ``typed`` False
    (a CSV output) skips the typed columns where they cost extra work."""
    produced = hook(chunk)
    out: dict[str, pa.Array] = {}
    text: dict[str, pa.Array] = {}
    hide = ~chunk.valid
    shared: list[tuple[Ints, pa.Array]] = []
    for field in hook.fields:
        values = produced[field.name]
        if len(values) != n:
            raise ValueError(f"extra column {field.name!r}: {len(values)} values for {n} rows")
        metadata = field.metadata or {}
        if DECIMALS_KEY in metadata:
            rows = None
            if isinstance(values, Encoded):
                rows = _shared_rows(values.index, len(values.values), hide, shared)
            decimals = int(metadata[DECIMALS_KEY])
            typed_column, text[field.name] = _fixed(values, decimals, hide, rows, typed)
            if typed_column is not None:
                out[field.name] = typed_column
            continue
        if isinstance(values, pa.DictionaryArray) and pa.types.is_string(field.type):
            typed_column, text[field.name] = _dictionary_text(values, hide, shared, typed)
            if typed_column is not None:
                out[field.name] = typed_column
            continue
        if isinstance(values, pa.Array):
            array = values.cast(field.type)
        else:
            items = values.tolist() if isinstance(values, np.ndarray) else list(values)
            array = pa.array(items, type=field.type, from_pandas=True)
        if pa.types.is_string(field.type) and array.null_count < len(array):
            array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        array = pc.if_else(arrays.bools(hide), pa.scalar(None, field.type), array)
        out[field.name] = array
        text[field.name] = csv_text(array)
    return out, text


def _dictionary_text(
    values: pa.DictionaryArray, hide: Bools, shared: list[tuple[Ints, pa.Array]], typed: bool
) -> tuple[pa.Array | None, pa.Array]:
    """(typed or None, text) of a text column given as distinct texts and an index per
    row: empty text and hidden rows → null (typed) and an empty cell (text, still
    encoded, with the indices shared with the hook's other columns, see ``_shared_rows``)."""
    texts = values.dictionary.cast(pa.large_string()).fill_null("")
    index = values.indices.cast(pa.int64()).fill_null(len(texts))
    rows = _shared_rows(np.asarray(index.to_numpy(zero_copy_only=False)), len(texts), hide, shared)
    text = pa.DictionaryArray.from_arrays(rows, pa.concat_arrays([texts, _EMPTY_TEXT()]))
    if not typed:
        return None, text
    listed = [*texts.to_pylist(), ""]
    shown = np.asarray(rows.to_numpy(zero_copy_only=False))
    empty = np.array([t == "" for t in listed], dtype=bool)
    return _take(listed, np.where(empty[shown], -1, shown)), text


_SMALL = 64  # score totals are far below this


@functools.cache
def _small_numbers() -> pa.Array:
    return pa.array([*(str(i) for i in range(_SMALL)), ""], type=pa.large_string())


def csv_text(array: pa.Array) -> pa.Array:
    """A typed column as CSV cells (``large_string``, null → empty). Small non-negative
    integers (every score column) are given as indices into a table of their texts (a
    dictionary array, which the writer gathers)."""
    if pa.types.is_int64(array.type):
        values = array.fill_null(_SMALL).to_numpy(zero_copy_only=False)
        if len(values) and values.min() >= 0 and values.max() <= _SMALL:
            return pa.DictionaryArray.from_arrays(arrays.ints(values), _small_numbers())
    return arrow_text(array)
