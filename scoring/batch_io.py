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

import pandas as pd

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
    if not absent:
        return
    hints = []
    for name in absent:
        close = difflib.get_close_matches(name, header, n=1, cutoff=0.75)
        hints.append(f"{name} (found {close[0]!r}?)" if close else name)
    message = f"required column(s) absent from the header: {', '.join(hints)}"
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        message += "; the file does not look comma-separated"
    elif not any(name in seen for name in required):
        message += "; the first line does not look like a header (names are exact, see --help)"
    raise MalformedFileError(message)


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
    """Writes chunks to ``<output>.<pid>.part`` and renames it to ``output`` on commit."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.partial = output.with_name(f".{output.name}.{os.getpid()}.part")
        self._handle: IO[str] | None = None
        self._header_written = False

    def __enter__(self) -> AtomicCsvWriter:
        self._handle = self.partial.open("x", encoding="utf-8", newline="")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append a chunk; the first call also writes the header."""
        assert self._handle is not None, "use AtomicCsvWriter as a context manager"
        frame.to_csv(
            self._handle, index=False, header=not self._header_written, lineterminator="\n"
        )
        self._header_written = True

    def write_header(self, columns: Sequence[str]) -> None:
        """For an input with a header and no rows: the output still has its header."""
        if not self._header_written:
            self.write(pd.DataFrame(columns=list(columns)))

    def commit(self) -> None:
        assert self._handle is not None
        self._handle.close()
        os.replace(self.partial, self.output)

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None and not self._handle.closed:
            self._handle.close()
        if self.partial.exists():
            self.partial.unlink()


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
