"""Reading a cohort file in chunks: CSV through Arrow's streaming reader, or Parquet.

Why Arrow: its CSV reader parses a block of the file in C++ into column arrays, which is
what every later step (validation kernels, lookups, the writer) works on; a million rows
cost about half a second to read. Nothing here knows what a score is.

Guarantees, whatever the file:

- **Every record is a row.** A record with fewer or more fields than the header, or with a
  bare carriage return inside an unquoted field (which a spreadsheet shows as two rows), is
  never scored: it becomes a rejected row whose error names its line, so rows in = rows
  out. Arrow reports such records through its invalid-row handler; because it cannot say
  where they fall between the good rows, a file with any of them is read again by the exact
  reader here (Python's ``csv`` module, line by line, much slower but rare). So does a
  malformed record that is not UTF-8 (pyarrow cannot hand it to the handler; the exact
  reader names the encoding problem). A file with a bare CR anywhere goes to the exact
  reader directly (Arrow would split the record there).
  Blank lines are not records (skipped, as before).
- **Bounded work.** At most ``MAX_COLUMNS`` columns (checked on the header, read with a
  bounded line), at most ``max_rows`` data rows (checked while streaming: the run stops
  with nothing written), and a record must fit in one read block (``BLOCK_BYTES``); a cell
  longer than ``parse.MAX_CELL_CHARS`` rejects its row.
- Cells stay text: ``NA`` stays ``NA``, ``007`` stays ``007``. A UTF-8 byte-order mark (as
  Excel writes) is accepted; any other byte that is not UTF-8 makes the file malformed.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import queue
import stat
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring.batch.parse import Objects, arrow_text

if TYPE_CHECKING:
    import pyarrow.parquet as pq

ENCODING = "utf-8-sig"  # UTF-8, with or without a byte-order mark
MAX_COLUMNS = 1_000
MAX_HEADER_BYTES = 1 << 20
BLOCK_BYTES = 1 << 20
DEFAULT_MAX_ROWS = 10_000_000
T = TypeVar("T")


class MalformedFileError(Exception):
    """The file cannot be scored at all (exit status 2); the message says why."""


class _IrregularRecordError(Exception):
    """Arrow met a record whose field count differs from the header's: read exactly."""


@dataclass(slots=True)
class Chunk:
    """Consecutive rows of the input.

    ``cells``: every column as text (``large_string``, no nulls), in header order;
    ``typed``: the columns as the file typed them (Parquet), else None; ``errors``: per
    row, "" or why the record itself is not a row (then it is never scored);
    ``fraction``: how much of the input has been read, for progress.
    """

    cells: dict[str, pa.Array]
    typed: pa.RecordBatch | None
    errors: Objects | None
    fraction: float

    @property
    def n(self) -> int:
        return len(next(iter(self.cells.values()))) if self.cells else 0


def check_source(path: Path) -> None:
    """Refuse an input that is not a regular file (a directory, a pipe, a device).

    The file is opened more than once (the header, the line-ending check, the reader): a
    named pipe would give its data to the first and leave the next waiting for ever. A
    missing or unreadable file is left to the first open, whose message names it.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        return
    kind = "a directory" if stat.S_ISDIR(mode) else "a device, pipe or socket"
    raise MalformedFileError(
        f"the input {path} is {kind}, not a regular file; save the data to a file and name "
        "that file"
    )


def is_parquet(path: Path) -> bool:
    """Format by extension: ``.parquet``/``.pq`` is Parquet, anything else CSV."""
    return path.suffix.lower() in (".parquet", ".pq")


# ----------------------------------------------------------------------- header


def read_header(path: Path) -> list[str]:
    """The header's column names, exactly as written (only a UTF-8 BOM is removed)."""
    if is_parquet(path):
        return list(_parquet(path).schema_arrow.names)
    with path.open("rb") as raw:
        head = raw.readline(MAX_HEADER_BYTES + 1)
    if len(head) > MAX_HEADER_BYTES:
        raise MalformedFileError(
            f"the first line is longer than {MAX_HEADER_BYTES:,} bytes; a header of column "
            "names is far shorter (is this a CSV file?)"
        )
    try:
        text = head.decode(ENCODING)
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"the header is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    first = next(csv.reader([text]), None)
    if first is None or not any(name.strip() for name in first):
        raise MalformedFileError("the file is empty: no header line with column names")
    return first


def check_header(header: Sequence[str], required: Sequence[str], reserved: Sequence[str]) -> None:
    """Refuse a header that lacks a required column, repeats a name or clashes with output.

    Names are exact: ``Kps`` or `` kps`` is not ``kps``. The message proposes the closest
    header name so that a typo is fixed in one go.
    """
    seen = set(header)
    if len(header) > MAX_COLUMNS:
        raise MalformedFileError(
            f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are accepted"
        )
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


# -------------------------------------------------------------------------- CSV


#: Bytes read at a time by ``has_bare_cr`` (one reused buffer).
SCAN_BYTES = 8 << 20


def has_bare_cr(path: Path) -> bool:
    """Whether a CR that does not end a CRLF line ending occurs in a file that has LFs.

    A file whose only line ending is CR (old Mac) has no LF at all and is read as such.
    The file is read in ``SCAN_BYTES`` blocks into one buffer and searched at C speed
    (``find`` first: most blocks have no CR at all, then CR and CRLF counts). Not memory-
    mapped whole: every page searched would then count as resident, so the command's
    peak memory would grow with the size of the file.
    """
    buffer = bytearray(max(1, min(SCAN_BYTES, path.stat().st_size)))  # a small file: small
    seen_lf = bare = False
    pending_cr = False  # the previous block ended with a CR
    with path.open("rb", buffering=0) as raw:
        while got := raw.readinto(buffer):
            if pending_cr and buffer[0] != 0x0A:
                bare = True
            pending_cr = buffer[got - 1] == 0x0D
            body = got - 1 if pending_cr else got
            seen_lf = seen_lf or buffer.find(b"\n", 0, got) >= 0
            if (
                not bare
                and buffer.find(b"\r", 0, body) >= 0
                and buffer.count(b"\r", 0, body) != buffer.count(b"\r\n", 0, body)
            ):
                bare = True
            if bare and seen_lf:
                return True
    return (bare or pending_cr) and seen_lf


def _csv_fast(path: Path, header: Sequence[str], chunk_rows: int) -> Iterator[Chunk]:
    """Arrow's streaming reader; raises ``_IrregularRecordError`` at the first malformed record."""
    import pyarrow.csv as pacsv

    irregular: list[int] = []

    def invalid(row: Any) -> str:
        irregular.append(1)
        return "skip"

    def undecodable(unraisable: Any) -> None:
        """pyarrow decodes a malformed record's text before calling ``invalid``; when the
        record is not UTF-8 that fails inside pyarrow (and would reach the user as a
        traceback), and Arrow then stops with "Expected N columns": the record goes to the
        exact reader instead, which reports it."""
        if unraisable.object is invalid and isinstance(unraisable.exc_value, UnicodeDecodeError):
            irregular.append(1)
        else:
            previous_hook(unraisable)

    size = max(path.stat().st_size, 1)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = undecodable
    source = pa.OSFile(str(path))
    try:
        reader = _irregular_on_error(
            irregular,
            lambda: pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.large_string() for name in header},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    check_utf8=False,  # checked by ``_utf8_checked``, in a fifth of the time
                ),
            ),
        )
        pending: list[pa.RecordBatch] = []
        rows = taken = 0

        def take(count: int) -> Chunk:
            """The first ``count`` pending rows as a chunk (the rest stays pending)."""
            nonlocal rows, taken
            table = pa.Table.from_batches(pending)
            head, tail = table.slice(0, count), table.slice(count)
            pending[:] = tail.to_batches()
            rows -= count
            cells = {name: arrow_text(head.column(i)) for i, name in enumerate(header)}
            _utf8_checked(cells, taken)
            taken += count
            return Chunk(cells, None, None, min(source.tell() / size, 1.0))

        def next_batch() -> pa.RecordBatch | None:
            try:
                return reader.read_next_batch()
            except StopIteration:
                return None

        while (batch := _irregular_on_error(irregular, next_batch)) is not None:
            if irregular:
                raise _IrregularRecordError
            pending.append(batch)
            rows += batch.num_rows
            while rows >= chunk_rows:
                yield take(chunk_rows)
        if irregular:
            raise _IrregularRecordError
        if rows:
            yield take(rows)
    finally:
        sys.unraisablehook = previous_hook
        source.close()


def _irregular_on_error(irregular: list[int], call: Callable[[], T]) -> T:
    """``call()``; Arrow's error at a malformed record it could not hand to the invalid-row
    handler (see ``undecodable`` in ``_csv_fast``) becomes ``_IrregularRecordError``."""
    try:
        return call()
    except pa.ArrowInvalid:
        if irregular:
            raise _IrregularRecordError from None
        raise


def _utf8_checked(cells: dict[str, pa.Array], before: int) -> None:
    """Refuse the file when a cell is not UTF-8 (``before``: data rows in earlier chunks).

    Arrow's reader is told not to check (its check was a sixth of the reading): the cells
    it produced are checked here instead, before anything reads them as text, by the
    compiled ``native.invalid_utf8`` (the same definition, tested against Python's
    decoder), which also says where.
    """
    from scoring.batch import native

    for name, text in cells.items():
        bad = native.invalid_utf8(text)
        if bad is not None:
            raise MalformedFileError(
                f"the file is not UTF-8 text (invalid UTF-8 data in column {name}, row "
                f"{before + bad + 1:,}); save it as CSV UTF-8"
            )


def _exact_records(path: Path, width: int) -> Iterator[tuple[list[str], str]]:
    """Records split on LF (CRLF) only, with ``""`` or why the record is not a row.

    A bare CR inside an unquoted field is an error of that record (Python's ``csv`` raises
    on it); blank lines are skipped; a record of another width keeps the cells it has.
    """
    with path.open(encoding=ENCODING, newline="\n") as handle:
        lines = iter(handle)
        next(lines, None)  # the header, already read
        reader = csv.reader(lines)
        while True:
            start = reader.line_num + 2  # physical line of the record's first line
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = (
                    "a line break (carriage return) inside an unquoted cell; the record was "
                    "not scored (quote the cell or remove the line break)"
                    if "new-line" in str(exc)
                    else f"the record cannot be read as CSV ({exc}); it was not scored"
                )
                yield [], f"line {start}: {reason}"
                continue
            if not record:
                continue  # a blank line
            if len(record) != width:
                end = reader.line_num + 1
                where = f"line {start}" if end == start else f"lines {start}–{end}"
                fields = f"{len(record)} field{'' if len(record) == 1 else 's'}"
                yield (
                    record[:width],
                    f"{where}: {fields} where the header has {width}; the record was not "
                    "scored (a missing or extra comma, an unquoted line break or an unclosed "
                    "quote?)",
                )
                continue
            yield record, ""


def _csv_exact(path: Path, header: Sequence[str], chunk_rows: int) -> Iterator[Chunk]:
    width = len(header)
    size = max(path.stat().st_size, 1)
    done = 0
    records: list[list[str]] = []
    errors: list[str] = []

    def flush() -> Chunk:
        padded = [r + [""] * (width - len(r)) if len(r) < width else r for r in records]
        columns = list(zip(*padded, strict=True)) if padded else [() for _ in header]
        cells = {name: arrow_text(list(col)) for name, col in zip(header, columns, strict=True)}
        chunk = Chunk(cells, None, np.array(errors, dtype=object), min(done / size, 1.0))
        records.clear()
        errors.clear()
        return chunk

    try:
        for record, error in _exact_records(path, width):
            records.append(record)
            errors.append(error)
            done += sum(len(c) + 1 for c in record)
            if len(records) >= chunk_rows:
                yield flush()
        if records:
            yield flush()
    except UnicodeDecodeError as exc:
        raise MalformedFileError(
            f"the file is not UTF-8 text ({exc.reason}); save it as CSV UTF-8"
        ) from None


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(chunks: Iterator[T], depth: int = 1, name: str = "batch-worker") -> Iterator[T]:
    """``chunks`` produced on a worker thread, up to ``depth`` ahead of the consumer.

    The batch command reads and validates chunks this way (``command._validated``): Arrow's
    parsing, the slicing into chunks and the validation kernels release the interpreter
    lock, so the next chunk is read and validated while this one is scored. Errors are
    raised in the consumer, in order; stopping early stops the worker and closes the
    reader. One chunk waiting is enough to keep the scorer busy; each more costs memory,
    and so did a thread of its own for reading (``bench/README.md``).
    """
    box: queue.Queue[T | _Failed | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        box.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(None)
        except BaseException as exc:  # handed to the consumer
            box.put(_Failed(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while (item := box.get()) is not None:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.05)


def _csv(path: Path, header: Sequence[str], chunk_rows: int) -> Iterator[Chunk]:
    """Arrow first; the exact reader when a record is malformed (see the module docstring)."""
    if not has_bare_cr(path):
        try:
            yield from _arrow_errors(_csv_fast(path, header, chunk_rows))
            return
        except _IrregularRecordError:
            pass
        yield _RESTART
    yield from _csv_exact(path, header, chunk_rows)


#: Yielded once when the fast reader gave up: everything read so far must be discarded.
_RESTART = Chunk({}, None, None, 0.0)


def is_restart(chunk: Chunk) -> bool:
    return chunk is _RESTART


def _arrow_errors(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """Arrow's read errors as ``MalformedFileError`` with a sentence a user can act on."""
    try:
        yield from chunks
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower():
            raise MalformedFileError(
                "the file is not UTF-8 text (invalid UTF-8 data); save it as CSV UTF-8"
            ) from None
        if "straddling" in text or "block" in text:
            raise MalformedFileError(
                f"a record is longer than {BLOCK_BYTES:,} bytes (an unclosed quote?)"
            ) from None
        raise MalformedFileError(f"the file is not a well-formed CSV: {text}") from None


# ---------------------------------------------------------------------- Parquet


def _parquet(path: Path) -> pq.ParquetFile:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(str(path))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise MalformedFileError(f"the file is not a readable Parquet file ({exc})") from None


def parquet_text(column: pa.Array, yes_no: bool = False) -> pa.Array:
    """A Parquet column as the text a CSV would hold.

    Integers as digits; floating values as the shortest decimal that reads back as the
    same double (``90.0`` → ``90``, ``0.4`` → ``0.4``; never an exponent: ``1e-07`` →
    ``0.0000001``); booleans as ``yes``/``no`` in a yes/no column, else ``true``/``false``;
    null as an empty cell. Other types are cast by Arrow (dates as ISO dates).
    """
    from decimal import Decimal

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_boolean(column.type) and yes_no:
        return arrow_text(pc.if_else(column, "yes", "no"))
    try:
        text = arrow_text(column.cast(pa.large_string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise MalformedFileError(
            f"a column of type {column.type} cannot be read as text; convert it"
        ) from None
    if pa.types.is_floating(column.type):
        exponent = pc.match_substring(text, "e")
        if pc.any(exponent).as_py():
            values = column.filter(exponent)
            plain = [format(Decimal(repr(v)), "f") for v in values.to_pylist()]
            text = pc.replace_with_mask(text, exponent, pa.array(plain, type=pa.large_string()))
    return text


def _parquet_chunks(path: Path, header: Sequence[str], chunk_rows: int) -> Iterator[Chunk]:
    from scoring.batch.columns import COLUMN_BY_NAME, YesNoColumn

    handle = _parquet(path)
    total = max(handle.metadata.num_rows, 1)
    done = 0
    try:
        for batch in handle.iter_batches(batch_size=chunk_rows):
            done += batch.num_rows
            cells = {
                name: parquet_text(
                    batch.column(i), isinstance(COLUMN_BY_NAME.get(name), YesNoColumn)
                )
                for i, name in enumerate(header)
            }
            yield Chunk(cells, batch, None, min(done / total, 1.0))
    except (pa.ArrowInvalid, OSError) as exc:
        raise MalformedFileError(f"the Parquet file cannot be read ({exc})") from None


def read_schema(path: Path) -> pa.Schema:
    return _parquet(path).schema_arrow


# ------------------------------------------------------------------------- entry


def chunks(path: Path, header: Sequence[str], chunk_rows: int, max_rows: int) -> Iterator[Chunk]:
    """The input's rows in chunks of about ``chunk_rows``; see ``is_restart``.

    Raises ``MalformedFileError`` as soon as more than ``max_rows`` data rows have been
    read (before they are scored).
    """
    source = (
        _parquet_chunks(path, header, chunk_rows)
        if is_parquet(path)
        else _csv(path, header, chunk_rows)
    )
    rows = 0
    for chunk in source:
        rows = 0 if is_restart(chunk) else rows + chunk.n
        if rows > max_rows:
            raise MalformedFileError(
                f"the file has more than {max_rows:,} data rows (the limit; raise it with "
                "--max-rows if this is intended)"
            )
        yield chunk
