"""File handling for batch scoring: header checks, chunked reading, atomic output, progress.

Kept apart from ``scoring.batch`` so that the clinical logic there reads as clinical logic;
nothing here knows what a score is.

Why these choices:

- The header is read with the standard ``csv`` module before pandas sees the file, so a
  missing or misspelt column is reported by name (with a close match when there is one)
  before any work is done, and duplicate names are refused: pandas would silently rename
  the second ``kps`` to ``kps.1``.
- Cells are read with ``dtype=str, keep_default_na=False``: every cell stays the text the
  user wrote ("NA" stays "NA", "007" stays "007"), which is what the output echoes and what
  the validator judges. A UTF-8 byte-order mark (as Excel writes) is accepted.
- A file that turns out to be malformed half-way (a byte that is not UTF-8, a record with
  more fields than the header) must not leave half an output behind that looks like a
  result: output goes to a temporary file beside the target and is renamed into place
  only when the whole input has been read.
- Memory is bounded by the chunk size: one chunk is read, scored, written and dropped.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ENCODING = "utf-8-sig"  # UTF-8, with or without a byte-order mark


class MalformedFileError(Exception):
    """The file cannot be scored at all (exit status 2); the message says why."""


def read_header(path: Path) -> list[str]:
    """The header's column names, exactly as written (only a UTF-8 BOM is removed)."""
    try:
        with path.open(encoding=ENCODING, newline="") as handle:
            first = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"the header is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if first is None or not any(name.strip() for name in first):
        raise MalformedFileError("the file is empty: no header line with column names")
    return first


def check_header(
    header: Sequence[str],
    required: Sequence[str],
    reserved: Sequence[str],
) -> None:
    """Refuse a header that lacks a required column, repeats a name or clashes with output.

    Names are exact: ``Kps`` or `` kps`` is not ``kps``. The message proposes the closest
    header name so that a typo is fixed in one go.
    """
    seen = set(header)
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        raise MalformedFileError(
            "the file does not look comma-separated (one column, with ';', tab or '|' in it); "
            "save it as CSV with commas"
        )
    if not any(name in seen for name in required):
        raise MalformedFileError(
            "none of the required columns is in the first line, which does not look like a "
            f"header (names are exact; required: {', '.join(required)})"
        )
    duplicates = sorted(name for name, count in Counter(header).items() if count > 1)
    if duplicates:
        raise MalformedFileError(f"duplicate column name(s) in the header: {', '.join(duplicates)}")
    clashes = [name for name in header if name in reserved]
    if clashes:
        raise MalformedFileError(
            f"input column(s) {', '.join(clashes)} would clash with output columns of the "
            "same name; rename or remove them"
        )
    absent = [name for name in required if name not in seen]
    if absent:
        raise MalformedFileError(
            "required column(s) absent from the header: "
            + ", ".join(_with_hint(name, header) for name in absent)
        )


def _with_hint(name: str, header: Sequence[str]) -> str:
    """``kps (found 'KPS'?)`` when a header name differs only in case, spaces or a typo."""
    folded = {h.strip().lower(): h for h in header}
    close = folded.get(name.lower()) or next(
        iter(difflib.get_close_matches(name, header, n=1, cutoff=0.75)), None
    )
    return f"{name} (found {close!r}?)" if close else name


def iter_chunks(path: Path, chunk_size: int) -> Iterator[tuple[pd.DataFrame, float]]:
    """Chunks of cells as text, each with the fraction of the file's bytes consumed so far.

    The fraction comes from the position of the underlying binary handle (read ahead by
    the parser in blocks), which is all a progress estimate needs.
    """
    size = max(path.stat().st_size, 1)
    with path.open("rb") as raw:
        try:
            reader = pd.read_csv(
                raw,
                dtype=str,
                keep_default_na=False,
                index_col=False,
                encoding=ENCODING,
                chunksize=chunk_size,
            )
            with reader:
                for chunk in reader:
                    yield chunk, min(raw.tell() / size, 1.0)
        except UnicodeDecodeError as exc:
            raise MalformedFileError(
                f"the file is not UTF-8 text ({exc.reason}); save it as CSV UTF-8"
            ) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
            raise MalformedFileError(f"the file is not a well-formed CSV: {exc}".strip()) from None


class AtomicCsvWriter:
    """CSV out: to ``.<output>.<pid>.part``, renamed to ``output`` on ``commit`` only.

    Rows are assembled with Arrow string kernels rather than ``DataFrame.to_csv`` (which
    formats cell by cell in Python-level loops and dominated the run time): each column is
    quoted where the csv module's QUOTE_MINIMAL would quote it (a comma, a double quote, CR
    or LF; quotes doubled), the columns are joined with commas and a newline, and the
    joined array's data buffer is written as is. The output is the same text ``to_csv``
    would write (tested), only faster.
    """

    def __init__(self, output: Path, header: Sequence[str]) -> None:
        self.output = output
        self.header = list(header)
        self.partial = output.with_name(f".{output.name}.{os.getpid()}.part")
        self._handle: IO[bytes] | None = None

    def __enter__(self) -> AtomicCsvWriter:
        self._handle = self.partial.open("xb")
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(self.header)
        self._handle.write(line.getvalue().encode("utf-8"))
        return self

    def write(self, columns: Sequence[pa.Array]) -> None:
        """Append rows given as one Arrow string array per header column."""
        assert self._handle is not None, "use AtomicCsvWriter as a context manager"
        if len(columns) != len(self.header):
            raise ValueError(f"{len(columns)} columns for a header of {len(self.header)}")
        if not columns or len(columns[0]) == 0:
            return
        fields = [_csv_field(column) for column in columns]
        lines = pc.binary_join_element_wise(*fields, _COMMA)
        lines = pc.binary_join_element_wise(lines, _NEWLINE, _EMPTY)
        offsets, data = lines.buffers()[1:3]
        first, last = np.frombuffer(offsets, dtype=np.int64)[
            [lines.offset, lines.offset + len(lines)]
        ]
        self._handle.write(memoryview(data)[int(first) : int(last)])

    def commit(self) -> None:
        assert self._handle is not None
        self._handle.close()
        os.replace(self.partial, self.output)

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None and not self._handle.closed:
            self._handle.close()
        if self.partial.exists():
            self.partial.unlink()


_COMMA = pa.scalar(",", type=pa.large_string())
_NEWLINE = pa.scalar("\n", type=pa.large_string())
_EMPTY = pa.scalar("", type=pa.large_string())
_QUOTE = pa.scalar('"', type=pa.large_string())


def _csv_field(column: pa.Array) -> pa.Array:
    """One column as CSV fields: quoted (quotes doubled) only where a cell needs it."""
    column = column.cast(pa.large_string()).fill_null("")
    needs = pc.match_substring_regex(column, '[",\r\n]')
    if not pc.any(needs).as_py():
        return column
    quoted = pc.binary_join_element_wise(
        _QUOTE, pc.replace_substring(column, '"', '""'), _QUOTE, _EMPTY
    )
    return pc.if_else(needs, quoted, column)


class Progress:
    """Rows done, rate and time left on one self-overwriting stderr line, on a terminal only.

    Silent when stderr is not a terminal (logs and pipes get only the summary), when
    ``quiet`` is set, and during the first second (a short run needs no progress bar).
    """

    def __init__(self, *, quiet: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _isatty(self.stream)
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def update(self, rows: int, fraction: float) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < 1.0 or now - self._last < 0.25:
            return
        self._last = now
        rate = rows / elapsed if elapsed > 0 else 0.0
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else float("nan")
        left_text = "?" if left != left else f"{left:,.0f} s"
        self.stream.write(
            f"\rscored {rows:,} rows ({fraction:.0%} of the file), "
            f"{rate:,.0f} rows/s, about {left_text} left   "
        )
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
