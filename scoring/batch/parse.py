"""Validation of one chunk of text cells: each cell becomes a code, a number or an error.

Why text first: every format is read as text (a Parquet integer or double column is cast to
its text), so one set of rules judges a cell whatever file it came from, and a rejected
cell can be quoted back to the user as written.

- Coded columns take exactly the codes of their vocabulary (case-sensitive, as the
  single-case model does); ``previous_chemotherapy`` takes ``yes`` or ``no``. Each
  *distinct* cell is looked up once (dictionary encoding), then the codes are indexed.
- Whole-number columns (kps, ecog, counts, age) take digits with an optional sign, e.g.
  ``50`` or ``+3``. ``3.0`` is **rejected**: ``PatientCase`` declares these fields
  ``StrictInt`` and rejects the float 3.0 too, and a decimal point in a count or a
  performance score is more often a spreadsheet artefact or a shifted column than a
  deliberate value; we reject rather than guess.
- Laboratory columns take a number in plain decimal notation (``0.4``, ``12``, ``.5``;
  no exponent, no thousands separator, ``.`` as the decimal mark), within the accepted
  range of that analyte in that unit (``labs.UnitRule``). Giving both the conventional
  and the SI column of one analyte in one row is an error, even if they agree.

Lab cut-offs, float vs exact. The single-case path compares the exact decimal ``v`` with
the exact cut-off ``c`` (a ``Fraction``) in the unit the value was given in. Here the bulk
of the comparison is done in binary floating point: ``x = float(text)`` (correctly rounded
by Arrow's parser, checked in the tests against Python's ``float``) against ``float(c)``
(``Fraction.__float__``, correctly rounded). Round-to-nearest is monotone, so ``x >
float(c)`` implies ``v > c`` and ``x < float(c)`` implies ``v < c``: the float answer is
exact whenever the two floats differ. They can agree only when ``v`` and ``c`` are within
half a unit in the last place of each other, i.e. for a value *at* the cut-off (``0.4``,
``10.3``) or one carrying 13+ decimals. Those few distinct texts are re-decided with the
single-case rule itself (``AnalyteSpec.is_flagged`` on the exact ``Decimal``), so the
batch agrees with the single-case path for every value. The accepted-range limits are
handled the same way.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from scoring.batch import arrays, native
from scoring.batch.columns import (
    COLUMN_BY_NAME,
    COLUMNS,
    LAB_COLUMNS,
    CodedColumn,
    LabColumn,
    WholeColumn,
    YesNoColumn,
)
from scoring.case import field_title
from scoring.derived import CONTRADICTIONS
from scoring.labs import (
    ANALYTE_BY_FIELD,
    MAX_DECIMAL_PLACES,
    MAX_DIGITS,
    Direction,
    check_written_size,
)

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]

#: Ignored around a value: what people type in a spreadsheet. Not Unicode spaces: a
#: no-break space pasted from a document is reported rather than silently dropped.
SPACE = " \t"
_WHOLE_RE = r"^[+-]?[0-9]+$"
_DECIMAL_RE = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
#: Longest cell accepted in any column (characters); a longer one rejects its row. Bounds
#: the work a single cell can cause (the regular expressions, the error text).
MAX_CELL_CHARS = 10_000


def arrow_text(values: typing.Sequence[str] | pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column as one Arrow ``large_string`` array without nulls (null → empty cell)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    array = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    return array.fill_null("") if array.null_count else array


def _mask(array: pa.Array) -> Bools:
    return typing.cast(Bools, array.to_numpy(zero_copy_only=False).astype(bool))


@dataclass(slots=True)
class ParsedChunk:
    """The cells of one chunk turned into arrays, and why any row is rejected.

    ``codes[f]`` is the index of the member in ``list(vocabulary)`` or -1 when empty;
    ``whole[f]`` the number or -1 when empty; ``yes_no[f]`` 1 yes, 0 no, -1 empty;
    ``lab_value[f]`` the float value and ``lab_column[f]`` the index of its ``LabColumn``
    in ``LAB_COLUMNS`` (-1 when unmeasured), ``lab_flagged[f]`` the exact answer to "does
    the value meet the analyte's criterion"; ``lab_text[column]`` the column's distinct
    trimmed cells and, per row, the index of its cell (the exact text, for the single-case
    scorer); ``distinct[column]`` every judged input column's distinct cells as written and,
    per row, the index of its cell (the writer quotes and neutralises those once);
    ``errors`` is "" for a valid row, else why it is rejected, and ``rejected``
    marks those rows.
    """

    n: int
    codes: dict[str, Ints] = field(default_factory=dict)
    whole: dict[str, Ints] = field(default_factory=dict)
    yes_no: dict[str, Ints] = field(default_factory=dict)
    lab_value: dict[str, Floats] = field(default_factory=dict)
    lab_column: dict[str, Ints] = field(default_factory=dict)
    lab_flagged: dict[str, Bools] = field(default_factory=dict)
    lab_text: dict[str, tuple[pa.Array, Ints]] = field(default_factory=dict)
    distinct: dict[str, tuple[pa.Array, Ints]] = field(default_factory=dict)
    errors: Objects = field(default_factory=lambda: np.empty(0, dtype=object))

    rejected: Bools = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Rejections whose messages ``finish`` has not written yet: (rows, column, cells, why).
    _pending: list[tuple[Ints, str, pa.Array | None, str]] = field(default_factory=list)

    @property
    def valid(self) -> Bools:
        return ~self.rejected

    def reject(self, mask: Bools, column: str, text: pa.Array | None, reason: str) -> None:
        """Reject the rows of ``mask``: "column: 'cell' reason" (the cell quoted if given).

        The rows are marked at once; the messages are written by ``finish``, for all of a
        chunk's rejections together (a few Arrow kernels in all, not a few per check).
        """
        rows = np.flatnonzero(mask)
        if rows.size:
            self.rejected[rows] = True
            self._pending.append((rows, column, text, reason))

    def finish(self) -> None:
        """Write the messages of the rejections made so far into ``errors``: per row, its
        reasons in the order they were found, joined by "; " (after any it already had)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        rows = np.concatenate([p[0] for p in pending])
        sizes = [len(p[0]) for p in pending]
        cells = pa.concat_arrays(
            [
                text.take(arrays.ints(taken)) if text is not None else _blank(len(taken))
                for taken, _, text, _ in pending
            ]
        )
        which = arrays.ints(np.repeat(np.arange(len(pending)), sizes))
        before = [f"{c}: '" if t is not None else f"{c}: {why}" for _, c, t, why in pending]
        after = [f"' {why}" if t is not None else "" for _, _, t, why in pending]
        joined = pc.binary_join_element_wise(
            pa.array(before, type=pa.large_string()).take(which),
            pc.utf8_slice_codeunits(cells, 0, 40),
            pa.array(after, type=pa.large_string()).take(which),
            _scalar(""),
        )
        texts = joined.to_numpy(zero_copy_only=False).astype(object)
        order = np.argsort(rows, kind="stable")  # a row's reasons stay in order
        rows, texts = rows[order], texts[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        messages = texts[starts]
        for group in np.flatnonzero(ends - starts > 1):  # rows with more than one reason
            messages[group] = "; ".join(texts[starts[group] : ends[group]])
        rows = rows[starts]
        old = self.errors[rows]
        more = old != ""
        if more.any():
            messages[more] = old[more] + "; " + messages[more]
        self.errors[rows] = messages


def _blank(count: int) -> pa.Array:
    """``count`` empty texts (a rejection that quotes no cell)."""
    return pa.repeat(_scalar(""), count)


@functools.cache
def _scalar(text: str) -> pa.Scalar:
    """A string scalar; the error texts of a run are few, so each is made once."""
    return pa.scalar(text, type=pa.large_string())


def _parse_coded(col: CodedColumn | YesNoColumn, text: pa.Array, out: ParsedChunk) -> Ints:
    """Look each *distinct* cell up once (dictionary encoding), then index: no loop per row."""
    if isinstance(col, YesNoColumn):
        index = {"no": 0, "yes": 1}
    else:
        index = {str(m.value): i for i, m in enumerate(col.vocabulary)}
    cells, rows = distinct(text)
    out.distinct[col.name] = cells, rows
    lut = np.array(
        [-1 if not u.strip(SPACE) else index.get(u.strip(SPACE), -2) for u in cells.to_pylist()],
        dtype=np.int64,
    )
    codes = lut[rows]
    bad = codes == -2
    out.reject(
        bad,
        col.name,
        text,
        f"is not an allowed value. Allowed: {col.allowed}; empty = not recorded",
    )
    codes[bad] = -1
    return codes


_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[[ord(c) for c in SPACE]] = True
_DIGIT, _POINT, _SIGN, _OTHER = 0, 1, 2, 3
_CLASS = np.full(256, _OTHER, dtype=np.int8)
_CLASS[[ord(c) for c in "0123456789"]] = _DIGIT
_CLASS[ord(".")] = _POINT
_CLASS[[ord("+"), ord("-")]] = _SIGN


def _trimmed(text: pa.Array) -> pa.Array:
    """Spaces and tabs removed around each cell (Arrow's trim only if a cell needs it)."""
    starts, data = arrays.text_bytes(text)
    nonempty = starts[1:] > starts[:-1]
    edges = np.concatenate([starts[:-1][nonempty], starts[1:][nonempty] - 1])
    if not _SPACE_BYTES[data[edges]].any():
        return text
    return pc.utf8_trim(text, characters=SPACE)


def _well_formed(text: pa.Array, whole: bool) -> Bools:
    """Per cell, whether it matches ``_WHOLE_RE`` (``whole``) or ``_DECIMAL_RE``.

    Counted with NumPy over the bytes instead of a regular expression: a sign only as
    the first character, digits, at most one point (none for whole numbers), at least one
    digit, nothing else. That is exactly ``^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)$``
    (tested against the expressions).
    """
    starts, data = arrays.text_bytes(text)
    base = starts[0]
    classes = _CLASS[data[base : starts[-1]]]
    # One running sum of packed counters (15 bits each: a cell has at most
    # MAX_CELL_CHARS < 2**15 characters, so a cell's difference never carries).
    running = np.concatenate([np.zeros(1, np.uint64), np.cumsum(_PACKED[classes], dtype=np.uint64)])
    packed = running[starts[1:] - base] - running[starts[:-1] - base]
    digits, points, signs, others = ((packed >> np.uint64(15 * k)) & _FIELD for k in range(4))
    nonempty = starts[1:] > starts[:-1]
    first = np.zeros(len(text), dtype=np.int8)
    first[nonempty] = classes[starts[:-1][nonempty] - base]
    ok = (others == 0) & (digits >= 1) & (points <= (0 if whole else 1))
    return typing.cast(Bools, ok & (signs == (first == _SIGN)))


_PACKED = np.array([1 << (15 * k) for k in range(4)], dtype=np.uint64)
_FIELD = np.uint64((1 << 15) - 1)


def plain_numbers(text: pa.Array) -> Bools:
    """Per cell, whether it is a plain decimal number, spaces and tabs around allowed
    (``writer.PLAIN_NUMBER``: such a cell is a number to a spreadsheet, not a formula)."""
    return _well_formed(_trimmed(text), whole=False)


def _numbers(text: pa.Array, pattern: str) -> tuple[pa.Array, Bools, Bools, Floats]:
    """(trimmed text, present, well-formed, float value or 0.0) of a numeric column."""
    trimmed = _trimmed(text)
    starts, _ = arrays.text_bytes(trimmed)
    present = starts[1:] > starts[:-1]
    ok = _well_formed(trimmed, whole=pattern == _WHOLE_RE)
    values = pc.cast(pc.if_else(arrays.bools(ok), trimmed, _scalar("0")), pa.float64())
    return trimmed, present, ok, values.to_numpy(zero_copy_only=False)


def distinct(text: pa.Array) -> tuple[pa.Array, Ints]:
    """(the distinct cells, per row the index of its cell): a column is judged once per
    distinct cell (a cohort repeats its values: a few hundred per column and chunk),
    then the answers are gathered per row. Numbered by the compiled ``native.encode``
    (Arrow's ``dictionary_encode`` gives the same answer in three times the time)."""
    return native.encode(text)


def _parse_whole(col: WholeColumn, text: pa.Array, out: ParsedChunk) -> Ints:
    # Parsed as float: a 30-digit number becomes a large float (out of range), not an
    # overflow; every accepted value is a small whole number, exact in binary.
    cells, index = distinct(text)
    out.distinct[col.name] = cells, index
    _, present_d, ok_d, values_d = _numbers(cells, _WHOLE_RE)
    in_range_d = (values_d >= col.low) & (values_d <= col.high)
    in_range_d &= np.fmod(np.where(in_range_d, values_d, 0), col.step) == 0
    present, ok, in_range = present_d[index], ok_d[index], in_range_d[index]
    out.reject(
        present & ~ok,
        col.name,
        text,
        "is not a whole number (written without a decimal point). "
        f"Allowed: {col.allowed}; empty = not recorded",
    )
    out.reject(
        ok & ~in_range,
        col.name,
        text,
        f"is outside the allowed values. Allowed: {col.allowed}; empty = not recorded",
    )
    return np.where(ok_d & in_range_d, values_d, -1).astype(np.int64)[index]


def _tie_texts(trimmed: pa.Array, tie: Bools) -> tuple[list[str], Ints]:
    """The distinct texts of the tied rows and, per tied row, the index of its text."""
    sub = trimmed.filter(arrays.bools(tie))
    distinct = pc.unique(sub)
    positions = pc.index_in(sub, value_set=distinct).to_numpy(zero_copy_only=False)
    return distinct.to_pylist(), positions.astype(np.int64)


def _exact_sign(trimmed: pa.Array, x: Floats, bound: Fraction, rows: Bools) -> Ints:
    """sign(v − bound) for the decimal texts of ``rows``, exact (see the module docstring).

    Decided in floating point except where ``float(v) == float(bound)``; those distinct
    texts are compared as exact Decimals.
    """
    limit = float(bound)
    sign = np.sign(x - limit).astype(np.int64)
    tie = rows & (x == limit)
    if tie.any():
        texts, positions = _tie_texts(trimmed, tie)
        exact = np.array(
            [(Fraction(Decimal(t)) > bound) - (Fraction(Decimal(t)) < bound) for t in texts],
            dtype=np.int64,
        )
        sign[tie] = exact[positions]
    return sign


def _exact_flagged(
    col: LabColumn, trimmed: pa.Array, x: Floats, rows: Bools
) -> tuple[Bools, Bools]:
    """(flagged, accepted) for the measured rows: the criterion and the accepted range."""
    limit = float(col.spec.cutoff_in(col.rule.unit))
    flagged = x >= limit if col.spec.direction is Direction.AT_OR_ABOVE else x < limit
    tie = rows & (x == limit)
    if tie.any():
        # The single-case rule itself decides the few distinct texts at the cut-off.
        texts, positions = _tie_texts(trimmed, tie)
        exact = np.array(
            [col.spec.is_flagged(Decimal(t), col.rule.unit) for t in texts], dtype=bool
        )
        flagged[tie] = exact[positions]
    low = _exact_sign(trimmed, x, Fraction(col.rule.low), rows)
    high = _exact_sign(trimmed, x, Fraction(col.rule.high), rows)
    return flagged & rows, rows & (low >= 0) & (high <= 0)


def _written_size(trimmed: pa.Array, ok: Bools) -> list[tuple[int, str]]:
    """``labs.check_written_size`` on the few distinct cells long enough to exceed it
    (more than ``MAX_DECIMAL_PLACES`` characters; shorter ones cannot): (cell, why)."""
    shortest = min(MAX_DIGITS, MAX_DECIMAL_PLACES) + 1
    long = ok & _mask(pc.greater_equal(pc.binary_length(trimmed), shortest))
    refused = []
    for cell in np.flatnonzero(long):
        try:
            check_written_size(Decimal(trimmed[int(cell)].as_py()))
        except ValueError as exc:
            refused.append((int(cell), str(exc)))
    return refused


#: A laboratory cell's answer: empty, not a number, outside the accepted range, or a
#: value within it that does or does not meet the analyte's criterion.
_LAB_EMPTY, _LAB_NOT_NUMBER, _LAB_OUTSIDE, _LAB_WITHIN, _LAB_FLAGGED = range(5)


def _parse_labs(columns: Mapping[str, pa.Array], out: ParsedChunk) -> None:
    """Each analyte: at most one of its columns per row, a number, in range, flagged exactly."""
    n = out.n
    for analyte in dict.fromkeys(c.field for c in LAB_COLUMNS):
        value = np.full(n, np.nan)
        which = np.full(n, -1, dtype=np.int64)
        flagged = np.zeros(n, dtype=bool)
        given: dict[str, Bools] = {}
        for index, col in enumerate(LAB_COLUMNS):
            if col.field != analyte or col.name not in columns:
                continue
            text = columns[col.name]
            cells, rows = distinct(text)
            out.distinct[col.name] = cells, rows
            trimmed, present_d, ok_d, x_d = _numbers(cells, _DECIMAL_RE)
            out.lab_text[col.name] = (trimmed, rows)
            ok_d &= present_d
            flagged_d, accepted_d = _exact_flagged(col, trimmed, x_d, ok_d)
            # one answer per distinct cell, gathered once per row
            status_d = np.select(
                [~present_d, ~ok_d, ~accepted_d, flagged_d],
                [_LAB_EMPTY, _LAB_NOT_NUMBER, _LAB_OUTSIDE, _LAB_FLAGGED],
                _LAB_WITHIN,
            ).astype(np.int8)
            status = status_d[rows]
            given[col.name] = status != _LAB_EMPTY
            if (status_d == _LAB_NOT_NUMBER).any():
                out.reject(
                    status == _LAB_NOT_NUMBER,
                    col.name,
                    text,
                    "is not a number (plain decimal notation with '.', e.g. 0.4). "
                    f"Allowed: {col.allowed}; empty = not measured",
                )
            if (status_d == _LAB_OUTSIDE).any():
                out.reject(
                    status == _LAB_OUTSIDE,
                    col.name,
                    text,
                    f"is outside the accepted range. Allowed: {col.allowed}; empty = not measured",
                )
            use = status >= _LAB_WITHIN
            for cell, why in _written_size(trimmed, ok_d):
                refused = rows == cell
                out.reject(refused, col.name, text, f"is not accepted: {why}")
                use &= ~refused
            np.copyto(value, x_d[rows], where=use)
            which[use] = index
            flagged |= use & (status == _LAB_FLAGGED)
        if len(given) == 2:
            first, second = given
            out.reject(
                given[first] & given[second],
                f"{first} and {second}",
                None,
                f"both given; give {ANALYTE_BY_FIELD[analyte].label} in one unit only",
            )
        out.lab_value[analyte] = value
        out.lab_column[analyte] = which
        out.lab_flagged[analyte] = flagged


def _codes_of(field: str, out: ParsedChunk) -> tuple[Ints, list[str]]:
    """A coded or yes/no field as (index per row, -1 empty; the code of each index)."""
    if field in out.yes_no:
        return out.yes_no[field], ["no", "yes"]
    column = COLUMN_BY_NAME[field]
    assert isinstance(column, CodedColumn)
    return out.codes[field], [str(m.value) for m in column.vocabulary]


def _reject_contradictions(columns: Mapping[str, pa.Array], out: ParsedChunk) -> None:
    """The pairs of answers ``PatientCase`` refuses (``derived.CONTRADICTIONS``), refused
    here with the case model's own wording, on the later field."""
    for rule in CONTRADICTIONS:
        if rule.later not in columns:
            continue
        earlier, earlier_codes = _codes_of(rule.earlier, out)
        later, later_codes = _codes_of(rule.later, out)
        for i, code in enumerate(earlier_codes):
            bad = [j for j, c in enumerate(later_codes) if rule.holds(code, c)]
            if not bad:
                continue
            mask = (earlier == i) & np.isin(later, bad)
            reason = rule.message(field_title(rule.earlier), code)
            out.reject(mask, rule.later, columns[rule.later], reason)


def _reject_long_cells(columns: Mapping[str, pa.Array], out: ParsedChunk) -> None:
    """Any column, known or passed through: a cell over ``MAX_CELL_CHARS`` rejects its row."""
    for name, text in columns.items():
        starts, _ = arrays.text_bytes(text)
        if len(text) == 0 or int(np.diff(starts).max()) <= MAX_CELL_CHARS:
            continue  # bytes ≥ characters: no cell of this column can be too long
        long = _mask(pc.greater(pc.utf8_length(text), MAX_CELL_CHARS))
        out.reject(long, name, None, f"a cell is longer than {MAX_CELL_CHARS:,} characters")


def parse_chunk(
    columns: Mapping[str, pa.Array], n: int, record_errors: Objects | None = None
) -> ParsedChunk:
    """Validate and convert one chunk of text cells; rows with a bad value are rejected.

    ``columns`` maps header names to Arrow string arrays of ``n`` cells (see
    ``arrow_text``); columns this module does not know are only checked for length.
    ``record_errors`` (from the reader) rejects records that are not rows at all; their
    cells are not judged (they may be shifted), the reader's message alone is given.
    """
    out = ParsedChunk(n, errors=np.full(n, "", dtype=object), rejected=np.zeros(n, dtype=bool))
    _reject_long_cells(columns, out)
    for col in COLUMNS:
        if isinstance(col, LabColumn):
            continue
        if col.name not in columns:  # only optional columns can be absent
            table = out.yes_no if isinstance(col, YesNoColumn) else out.whole
            table[col.field] = np.full(n, -1, dtype=np.int64)
            continue
        text = columns[col.name]
        if isinstance(col, CodedColumn):
            out.codes[col.field] = _parse_coded(col, text, out)
        elif isinstance(col, YesNoColumn):
            out.yes_no[col.field] = _parse_coded(col, text, out)
        else:
            out.whole[col.field] = _parse_whole(col, text, out)
    _parse_labs(columns, out)
    _reject_contradictions(columns, out)
    out.finish()
    if record_errors is not None:
        broken = record_errors != ""
        out.errors[broken] = record_errors[broken]
        out.rejected |= broken
    return out
