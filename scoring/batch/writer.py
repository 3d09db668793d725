"""Writing the scored file: CSV or Parquet, all or nothing, never readable by others.

Why these choices:

- **All or nothing.** Output goes to a hidden temporary file beside the target
  (``.NAME.PID.part``), created with mode 0600 (only the user can read it while it holds
  patient rows) and renamed into place only when the whole input has been read. If the
  run fails, is interrupted (Ctrl-C) or is stopped by SIGTERM or SIGHUP, the temporary
  file is removed: nothing is left behind that looks like a result.
- **Permissions.** The finished file gets the input's permission bits (read/write only,
  never execute), so a file readable only by its owner stays so; 0600 when they cannot be
  read.
- **What ``-o`` may name.** ``-`` writes CSV to standard output (rows are streamed: if the
  input proves malformed half-way, what was written stays written and the exit status is
  2). A device, a FIFO or anything else that is not a regular file is refused rather than
  replaced by a regular file.
- **CSV text** is assembled with Arrow string kernels (quote where needed, join with
  commas): the same text as Python's ``csv`` module with ``QUOTE_MINIMAL`` and ``\\n`` line
  endings (tested), at the speed of the kernels. Arrow's own ``CSVWriter`` was measured
  again (pyarrow 26): its ``needed`` quoting quotes every text cell, ``none`` refuses a
  cell holding a comma or a quote, and it cannot write pre-quoted text unquoted; on the
  same prepared cells it is about 0.1 s per million rows faster than the join, not enough
  to change every output byte, so it is not used.
- **Work per distinct value, not per cell.** Neighbouring dictionary-encoded columns (the
  score and model columns) become one text column, joined once per distinct combination
  in the chunk; input columns that validation already judged (``KnownCells``) are
  neutralised and quoted through their distinct cells; a few changed cells are patched
  by copying the bytes around them.
- **Formula neutralisation** (OWASP's recipe for CSV injection): a text cell that starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a CR is prefixed with ``'`` so that a
  spreadsheet shows it instead of running it. Only text cells are touched (input columns
  passed through, the header, error texts); a cell that is a plain number such as ``-5``
  or ``+0.4`` is a number, not a formula, and is left alone, as are the numeric output
  columns. ``--keep-formulas`` turns this off. Parquet cells are typed data, not parsed
  by spreadsheets as formulas, and are written as they are.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import signal
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from scoring.batch import arrays
from scoring.batch.parse import plain_numbers
from scoring.batch.reader import MalformedFileError, is_parquet

STDOUT = "-"
#: A cell starting with one of these a spreadsheet would run (OWASP: = + - @ tab CR).
FORMULA_START = "=+-@\t\r"
#: ... unless the whole cell is a plain number (spaces or tabs around it allowed).
PLAIN_NUMBER = r"^[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t]*$"


@functools.cache
def _text(value: str) -> pa.Scalar:
    """A string scalar, made on first use (not at import: see ``command``)."""
    return pa.scalar(value, type=pa.large_string())


class StopSignalError(Exception):
    """SIGTERM or SIGHUP arrived; the run stops and leaves nothing behind."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``StopSignalError`` (so cleanup runs) for the block."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise StopSignalError(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


_RISKY_FIRST = np.zeros(256, dtype=bool)
_RISKY_FIRST[[ord(c) for c in FORMULA_START]] = True
_FORMULA_BYTES = tuple(c.encode() for c in FORMULA_START)


#: Up to this many replaced cells, a column is patched by copying the runs of bytes
#: between them (``_spliced``); more go through Arrow's ``replace_with_mask``.
_SPLICE_LIMIT = 64


def _patched(column: pa.Array, rows: npt.NDArray[np.int64], new: pa.Array) -> pa.Array:
    """``column`` with the cells at ``rows`` (ascending) replaced by ``new`` (in order)."""
    if len(rows) <= _SPLICE_LIMIT and column.type == new.type == pa.large_string():
        return _spliced(column, rows, new)
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(column, arrays.bools(mask), new)


def _spliced(column: pa.Array, rows: npt.NDArray[np.int64], new: pa.Array) -> pa.Array:
    """``_patched`` for a few cells: the untouched bytes are copied in a few large runs
    (``replace_with_mask`` appends every cell of the column one by one)."""
    starts, data = arrays.text_bytes(column)
    new_starts, new_data = arrays.text_bytes(new)
    lengths = np.diff(starts)
    lengths[rows] = np.diff(new_starts)
    offsets = np.zeros(len(column) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    pieces = []
    at = int(starts[0])
    for k, row in enumerate(rows.tolist()):
        pieces.append(data[at : starts[row]])
        pieces.append(new_data[new_starts[k] : new_starts[k + 1]])
        at = int(starts[row + 1])
    pieces.append(data[at : starts[-1]])
    body = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint8)
    return pa.Array.from_buffers(
        pa.large_string(), len(column), [None, pa.py_buffer(offsets), pa.py_buffer(body)]
    )


def neutralise(column: pa.Array) -> pa.Array:
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (see module doc).

    Counted with NumPy: the first byte of every cell, then, only if some cell starts with
    a risky character, which cells are plain numbers (the batch's own number grammar,
    spaces and tabs around allowed, ``PLAIN_NUMBER``); only the remaining cells are
    rewritten.
    """
    starts, data = arrays.text_bytes(column)
    nonempty = np.flatnonzero(starts[1:] > starts[:-1])
    risky = nonempty[_RISKY_FIRST[data[starts[nonempty]]]]
    if not risky.size:
        return column
    candidates = column.take(arrays.ints(risky))
    formula = ~plain_numbers(candidates)
    if not formula.any():
        return column
    prefixed = pc.binary_join_element_wise(
        _text("'"), candidates.filter(arrays.bools(formula)), _text("")
    )
    return _patched(column, risky[formula], prefixed)


def neutralise_all(columns: Sequence[pa.Array]) -> list[pa.Array]:
    """``neutralise`` over several columns of one chunk, asking which risky cells are plain
    numbers in one pass over all of them (the per-column work is then a few NumPy steps)."""
    risky: list[npt.NDArray[np.int64]] = []
    for column in columns:
        starts, data = arrays.text_bytes(column)
        text = data[starts[0] : starts[-1]].tobytes()
        if not any(text.find(c) >= 0 for c in _FORMULA_BYTES):  # C-speed pre-check
            risky.append(np.zeros(0, dtype=np.int64))
            continue
        nonempty = np.flatnonzero(starts[1:] > starts[:-1])
        risky.append(nonempty[_RISKY_FIRST[data[starts[nonempty]]]])
    if not any(rows.size for rows in risky):
        return list(columns)
    candidates = [c.take(arrays.ints(r)) for c, r in zip(columns, risky, strict=True)]
    plain = plain_numbers(pa.concat_arrays(candidates))
    out = []
    at = 0
    for column, rows, cells in zip(columns, risky, candidates, strict=True):
        formula = ~plain[at : at + rows.size]
        at += rows.size
        if not formula.any():
            out.append(column)
            continue
        prefixed = pc.binary_join_element_wise(
            _text("'"), cells.filter(arrays.bools(formula)), _text("")
        )
        out.append(_patched(column, rows[formula], prefixed))
    return out


def check_target(source: Path, target: str) -> None:
    """Refuse an output that is the input, or that exists and is not a regular file."""
    if target == STDOUT:
        return
    path = Path(target)
    if not path.exists():
        return
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a device, pipe or socket"
        raise MalformedFileError(
            f"the output {target} is {kind}, not a regular file; name a file, or use "
            "-o - for standard output"
        )
    if path.resolve() == source.resolve():
        raise MalformedFileError("the output would overwrite the input; choose another -o path")


def output_mode(source: Path) -> int:
    """The input's read/write permission bits, or 0600 when they cannot be read."""
    try:
        return stat.S_IMODE(source.stat().st_mode) & 0o666 or 0o600
    except OSError:
        return 0o600


class Output:
    """Where the rows go: a hidden 0600 temporary file renamed on ``commit``, or stdout."""

    def __init__(self, target: str, mode: int) -> None:
        self.target = target
        self.mode = mode
        self.partial: Path | None = None
        self.handle: IO[bytes] | None = None

    def open(self) -> IO[bytes]:
        if self.target == STDOUT:
            self.handle = sys.stdout.buffer
            return self.handle
        path = Path(self.target)
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def restart(self) -> None:
        """Discard what was written (the reader starts again from the first row)."""
        if self.partial is None:
            raise RuntimeError("cannot restart standard output")
        assert self.handle is not None
        self.handle.seek(0)
        self.handle.truncate()

    def commit(self) -> None:
        assert self.handle is not None
        if self.partial is None:
            self.handle.flush()
            return
        self.handle.close()
        os.chmod(self.partial, self.mode)
        os.replace(self.partial, self.target)
        self.partial = None

    def discard(self) -> None:
        if self.handle is not None and self.partial is not None and not self.handle.closed:
            self.handle.close()
        if self.partial is not None:
            with contextlib.suppress(FileNotFoundError):
                self.partial.unlink()
            self.partial = None


@dataclass(frozen=True, slots=True)
class KnownCells:
    """A text column with its distinct cells (``values``) and, per row, the index of its
    cell: what validation computed anyway. The writer then neutralises and quotes the
    distinct cells only, and rewrites just the rows whose cell changed."""

    cells: pa.Array
    values: pa.Array
    index: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.cells)


class CsvWriter:
    """Rows as CSV text (see the module docstring), optionally formula-neutralised."""

    def __init__(self, handle: IO[bytes], header: Sequence[str], *, guard: bool) -> None:
        self.handle = handle
        self.header = list(header)
        self.guard = guard
        self.write_header()

    def write_header(self) -> None:
        names = self.header
        if self.guard:
            names = neutralise(pa.array(names, type=pa.large_string())).to_pylist()
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(names)
        self.handle.write(line.getvalue().encode("utf-8"))

    def write(self, text: Sequence[pa.Array | KnownCells], guarded: Sequence[bool]) -> None:
        """Append rows given as one text array per header column; ``guarded`` marks the
        text columns to neutralise and quote where needed (the others are numbers written
        as digits, which need neither).

        A column may come dictionary-encoded (``large_string`` values, integer indices
        without nulls). Neighbouring encoded columns (the score and model columns) are
        written as one: each *distinct combination* of their values in the chunk is
        neutralised, quoted and joined with commas once, and the rows are gathered from
        those joined texts once. A chunk has far fewer distinct combinations than rows,
        and the final join then sees one column instead of a dozen. A ``KnownCells``
        column is neutralised and quoted through its distinct cells.
        """
        if len(text) != len(self.header):
            raise ValueError(f"{len(text)} columns for a header of {len(self.header)}")
        if not text or len(text[0]) == 0:
            return
        cells: list[pa.Array] = []
        plain: list[int] = []  # positions in ``cells`` of the guarded plain columns
        i = 0
        while i < len(text):
            column = text[i]
            if isinstance(column, KnownCells):
                cells.append(self._known(column) if guarded[i] else column.cells)
            elif isinstance(column, pa.DictionaryArray):
                j = i
                while j < len(text) and isinstance(text[j], pa.DictionaryArray):
                    j += 1
                cells.append(self._encoded(text[i:j], guarded[i:j]))
                i = j
                continue
            else:
                if guarded[i]:
                    plain.append(len(cells))
                cells.append(column)
            i += 1
        if self.guard:
            for k, column in zip(plain, neutralise_all([cells[k] for k in plain]), strict=True):
                cells[k] = column
        for k in plain:
            cells[k] = _csv_field(cells[k])
        # the line ending goes onto the last cell, so the whole line is copied only once
        cells[-1] = pc.binary_join_element_wise(cells[-1], _text("\n"), _text(""))
        lines = pc.binary_join_element_wise(*cells, _text(",")) if len(cells) > 1 else cells[0]
        offsets, data = lines.buffers()[1:3]
        first, last = np.frombuffer(offsets, dtype=np.int64)[
            [lines.offset, lines.offset + len(lines)]
        ]
        self.handle.write(memoryview(data)[int(first) : int(last)])

    def _fields(self, values: pa.Array) -> pa.Array:
        """Text cells as CSV fields: neutralised (unless ``--keep-formulas``), then quoted
        where needed."""
        return _csv_field(neutralise(values) if self.guard else values)

    def _known(self, column: KnownCells) -> pa.Array:
        """A column's CSV fields, judged on its distinct cells (see ``KnownCells``)."""
        values = column.values
        fields = self._fields(values)
        if fields is values:  # no cell needs a quote or a prefix: the column as it is
            return column.cells
        changed = np.asarray(pc.not_equal(fields, values).to_numpy(zero_copy_only=False))
        rows = np.flatnonzero(changed[column.index])
        return _patched(column.cells, rows, fields.take(arrays.ints(column.index[rows])))

    def _encoded(self, columns: Sequence[pa.Array], guarded: Sequence[bool]) -> pa.Array:
        """Neighbouring dictionary-encoded columns as one text column of ``a,b,c`` cells:
        each distinct combination of values is made once (see ``write``)."""
        fields = []
        for column, guard in zip(columns, guarded, strict=True):
            fields.append(self._fields(column.dictionary) if guard else column.dictionary)
        if len(columns) == 1:
            return fields[0].take(columns[0].indices)
        if _one_index(columns) and len({len(f) for f in fields}) == 1:
            # the columns of one hook's distinct rows: join those rows, gather once
            joined = pc.binary_join_element_wise(*fields, _text(","))
            return joined.take(columns[0].indices)
        indices = [np.asarray(c.indices.to_numpy(), dtype=np.int64) for c in columns]
        first, inverse = _distinct_combinations(indices, [len(f) for f in fields])
        joined = pc.binary_join_element_wise(
            *(f.take(arrays.ints(ix[first])) for f, ix in zip(fields, indices, strict=True)),
            _text(","),
        )
        return joined.take(arrays.ints(inverse))

    def close(self) -> None:
        return None


def _one_index(columns: Sequence[pa.DictionaryArray]) -> bool:
    """Whether dictionary columns share one indices array (the same memory), as the
    columns computed per distinct row of one hook do (``output._shared_rows``)."""

    def where(column: pa.DictionaryArray) -> tuple[object, ...]:
        indices = column.indices
        return (indices.type, indices.buffers()[1].address, indices.offset, len(indices))

    first = where(columns[0])
    return all(columns[0].indices.null_count == 0 and where(c) == first for c in columns[1:])


def _distinct_combinations(
    indices: Sequence[npt.NDArray[np.int64]], sizes: Sequence[int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For rows given as one index per column (``0 <= index < size``): the first row of
    each distinct combination, and per row which combination it holds.

    The indices are packed into one integer per row (mixed radix: equal keys exactly when
    the combinations are equal), renumbered densely whenever the next column could
    overflow 62 bits; the keys are then numbered by hashing (``arrays.numbered``).
    """
    key = np.zeros(len(indices[0]), dtype=np.int64)
    span = 1
    for index, size in zip(indices, sizes, strict=True):
        if span * max(size, 1) >= 1 << 62:
            key, first = arrays.numbered(key)
            span = len(first)
        key = key * size + index
        span *= max(size, 1)
    inverse, first = arrays.numbered(key)
    return first, inverse


_NEEDS_QUOTES = np.zeros(256, dtype=bool)
_NEEDS_QUOTES[[ord(c) for c in '",\r\n']] = True


def _csv_field(column: pa.Array) -> pa.Array:
    """One column as CSV fields: quoted (quotes doubled) only where a cell needs it.

    Whether any cell does is a byte search over the column's characters (``bytes.find``,
    C speed; most columns have none); which cells do is counted with NumPy (a running
    count of special bytes, differenced at the cell boundaries); only those are rewritten.
    """
    starts, data = arrays.text_bytes(column)
    text = data[starts[0] : starts[-1]].tobytes()
    if not any(text.find(byte) >= 0 for byte in (b",", b'"', b"\n", b"\r")):
        return column
    special = _NEEDS_QUOTES[data[starts[0] : starts[-1]]]
    running = np.concatenate([[0], np.cumsum(special, dtype=np.int64)])
    rows = np.flatnonzero(running[starts[1:] - starts[0]] > running[starts[:-1] - starts[0]])
    cells = column.take(arrays.ints(rows))
    quoted = pc.binary_join_element_wise(
        _text('"'), pc.replace_substring(cells, '"', '""'), _text('"'), _text("")
    )
    return _patched(column, rows, quoted)


class ParquetOut:
    """Rows as Parquet, typed: the schema is fixed by the first chunk written."""

    def __init__(self, handle: IO[bytes], schema: pa.Schema) -> None:
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(handle, schema, compression="zstd")
        self.schema = schema

    def write(self, columns: Sequence[pa.Array]) -> None:
        self.writer.write_batch(pa.RecordBatch.from_arrays(list(columns), schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def wants_parquet(target: str) -> bool:
    return target != STDOUT and is_parquet(Path(target))
