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
  2; a malformed record found before any row went out is reported as a rejected row, as
  with a file). A device, a FIFO or anything else that is not a regular file is refused
  rather than replaced by a regular file.
- **CSV text** is laid out by a compiled loop (``native.RowWriter``, C in ``native.c``):
  the columns' fields joined by commas, each quoted (quotes doubled) only when it holds a
  quote, a comma, a CR or a LF: the same text as Python's ``csv`` module with
  ``QUOTE_MINIMAL`` and ``\\n`` line endings, except that a lone CR is quoted too (tested).
  Arrow's kernels did this in about three times the time: joining 56 columns of short
  cells is per-cell work (``bench/README.md``). Arrow's own ``CSVWriter`` quotes every
  text cell with its ``needed`` style and refuses a comma or a quote with ``none``.
- **Work per distinct value, not per cell.** The score and model columns arrive
  dictionary-encoded, and so do the input columns validation judged (their distinct
  cells): those are neutralised and sized once per distinct text, and the row writer
  gathers them per row.
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
from pathlib import Path
from types import FrameType
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from scoring.batch import arrays, native
from scoring.batch.parse import arrow_text, plain_numbers
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
    """Prefix ``'`` to text cells a spreadsheet would run as a formula (see module doc)."""
    return neutralise_all([column])[0]


def neutralise_all(columns: Sequence[pa.Array]) -> list[pa.Array]:
    """``neutralise`` over several columns of one chunk.

    A column holding none of the risky characters anywhere is left at once (a C-speed
    search of its bytes); in the others, the first byte of every cell is looked up with
    NumPy. Then one pass over the risky cells of all the columns asks which are plain
    numbers (the batch's own number grammar, spaces and tabs around allowed,
    ``PLAIN_NUMBER``); only the remaining cells are rewritten.
    """
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


#: The laid-out lines go to the file in pieces of at most this size. Measured here
#: (Linux, ext4): writing a chunk's 11 MB of lines in one call cost the kernel 0.23–0.68 s
#: per 352 MB copied into the page cache in five of seven runs, in 1 MiB pieces 0.06 s in
#: all seven; on a million rows the command's system time fell from 0.50 s to 0.31 s
#: (``bench/README.md``).
_WRITE_BYTES = 1 << 20


class CsvWriter:
    """Rows as CSV text (see the module docstring), optionally formula-neutralised."""

    def __init__(self, handle: IO[bytes], header: Sequence[str], *, guard: bool) -> None:
        self.handle = handle
        self.header = list(header)
        self.guard = guard
        self.rows = native.RowWriter()
        self.write_header()

    def write_header(self) -> None:
        names = self.header
        if self.guard:
            names = neutralise(pa.array(names, type=pa.large_string())).to_pylist()
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(names)
        self.handle.write(line.getvalue().encode("utf-8"))

    def write(self, text: Sequence[pa.Array], guarded: Sequence[bool]) -> None:
        """Append rows given as one text array per header column; ``guarded`` marks the
        text columns to neutralise (the others are numbers written as digits).

        A column may come dictionary-encoded (text values, integer indices without nulls),
        as the score and model columns do and the input columns validation judged (their
        distinct cells): it is neutralised through its distinct texts, and the compiled
        row writer gathers the rows. All the guarded texts of a chunk are neutralised
        together (``neutralise_all``). Every field is quoted where it needs it, by the row
        writer.
        """
        if len(text) != len(self.header):
            raise ValueError(f"{len(text)} columns for a header of {len(self.header)}")
        if not text or len(text[0]) == 0:
            return
        encoded = [isinstance(column, pa.DictionaryArray) for column in text]
        texts = [
            arrow_text(column.dictionary if coded else column)
            for column, coded in zip(text, encoded, strict=True)
        ]
        guard = [i for i in range(len(text)) if self.guard and guarded[i]]
        for i, cells in zip(guard, neutralise_all([texts[i] for i in guard]), strict=True):
            texts[i] = cells
        columns = [
            native.Texts(cells, _rows(column) if coded else None)
            for cells, column, coded in zip(texts, text, encoded, strict=True)
        ]
        lines = self.rows.lines(columns, len(text[0]))
        for start in range(0, len(lines), _WRITE_BYTES):
            self.handle.write(lines[start : start + _WRITE_BYTES])

    def close(self) -> None:
        return None


def _rows(column: pa.DictionaryArray) -> npt.NDArray[np.int64]:
    """A dictionary column's indices as int64 (they must have no nulls)."""
    if column.indices.null_count:
        raise ValueError("a dictionary-encoded text column has null indices")
    indices = column.indices.to_numpy(zero_copy_only=False)
    return np.ascontiguousarray(indices, dtype=np.int64)


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
