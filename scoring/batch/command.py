"""``python cli.py score INPUT -o OUTPUT``: one chunk at a time, read → validate → score → write.

The pieces: ``reader`` (CSV through Arrow, or Parquet; malformed records become rejected
rows), ``parse`` (cells → codes, numbers, errors), ``lookups`` (the single-case scorers'
answers as arrays), ``output`` (typed output columns), ``writer`` (all-or-nothing CSV or
Parquet). Memory is bounded by the chunk size: one chunk is read, scored, written and
dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.abc
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, TranslatableError, Translator, translator
from scoring.batch import arrays, reader
from scoring.batch.columns import ID_COLUMN, OPTIONAL, REQUIRED
from scoring.batch.lookups import Scorer
from scoring.batch.output import (
    OUTPUT_COLUMNS,
    OUTPUT_FIELDS,
    ExtraColumns,
    ScoredChunk,
    csv_text,
    extra_output,
    score_columns,
)
from scoring.batch.parse import Ints, ParsedChunk, parse_chunk
from scoring.batch.progress import Progress
from scoring.batch.reader import DEFAULT_MAX_ROWS, Chunk, MalformedFileError
from scoring.batch.writer import (
    STDOUT,
    CsvWriter,
    Output,
    ParquetOut,
    StopSignalError,
    check_target,
    interruptible,
    output_mode,
    wants_parquet,
)

DEFAULT_CHUNK_SIZE = 32_000
#: Chunks handed to the writer and not yet written when scoring goes on (see ``_Sink``).
_WRITES_IN_FLIGHT = 1


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a run did; ``first_errors`` holds up to five (data-row number, error) pairs."""

    rows: int
    scored: int
    rejected: int
    incomplete: int
    seconds: float
    output: str
    first_errors: tuple[tuple[int, str], ...] = ()
    strict: bool = False

    @property
    def exit_status(self) -> int:
        """0, or 1 when ``strict`` and a row was rejected (the output is written either way)."""
        return 1 if self.strict and self.rejected else 0

    def text(self, _: Translator | None = None) -> str:
        """The end-of-run summary in ``_``'s language (English by default).

        The row errors quoted are the ``error`` column's text, which is data and stays
        English whatever the language (column names and codes too).
        """
        _ = _ or translator(DEFAULT_LANGUAGE)
        where = _("standard output") if self.output == STDOUT else self.output
        lines = [
            _(
                "%(rows)s rows read and written to %(where)s in %(seconds)s s: %(scored)s "
                "scored (%(incomplete)s with missing fields, see 'missing'), %(rejected)s "
                "rejected (see 'error').",
                rows=f"{self.rows:,}",
                where=where,
                seconds=f"{self.seconds:.1f}",
                scored=f"{self.scored:,}",
                incomplete=f"{self.incomplete:,}",
                rejected=f"{self.rejected:,}",
            )
        ]
        lines += [
            "  " + _("row %(row)s: %(error)s", row=row, error=message)
            for row, message in self.first_errors
        ]
        if self.rejected > len(self.first_errors):
            more = f"{self.rejected - len(self.first_errors):,}"
            lines.append("  " + _("… and %(count)s more rejected rows", count=more))
        return "\n".join(lines)


class _Sink:
    """The writer for one output format, created at the first chunk (Parquet needs the
    input's types) and again if the reader restarts.

    Writing runs on one worker thread, a chunk behind the scoring: neutralising is Arrow
    kernels and laying out the CSV lines is the compiled row writer (``native``), both
    releasing the interpreter lock, so writing overlaps with scoring. One chunk is written
    while the next is scored: the process keeps the memory its chunks freed
    (``_memory_settings``), so the chunks in flight are its resident set; a deeper queue
    added about 30 MiB and no speed (``bench/README.md``).
    """

    def __init__(
        self, output: Output, header: Sequence[str], fields: Sequence[pa.Field], guard: bool
    ) -> None:
        self.output = output
        self.header = list(header)
        self.fields = list(fields)  # output and extra columns
        self.guard = guard
        self.parquet = wants_parquet(output.target)
        self.writer: CsvWriter | ParquetOut | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-writer")
        self.pending: deque[Future[None]] = deque()

    def _submit(self, task: Callable[[], None]) -> None:
        self.pending.append(self.pool.submit(task))
        while len(self.pending) > _WRITES_IN_FLIGHT:
            self.pending.popleft().result()

    def drain(self) -> None:
        """Wait for the queued chunks (raising the first error)."""
        while self.pending:
            self.pending.popleft().result()

    def abort(self) -> None:
        """Stop writing: wait for the queued chunks, ignoring their errors."""
        for future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pending.clear()

    def start(self, input_schema: pa.Schema | None) -> None:
        handle = self.output.handle
        assert handle is not None
        if self.parquet:
            passed = (
                list(input_schema)
                if input_schema is not None
                else [pa.field(name, pa.string()) for name in self.header]
            )
            self.writer = ParquetOut(handle, pa.schema([*passed, *self.fields]))
        else:
            self.writer = CsvWriter(
                handle, [*self.header, *(f.name for f in self.fields)], guard=self.guard
            )

    def write(
        self,
        chunk: Chunk,
        typed: dict[str, pa.Array],
        text: dict[str, pa.Array],
        distinct: Mapping[str, tuple[pa.Array, Ints]],
    ) -> None:
        """Queue one chunk: its input columns (``distinct``: the distinct cells and index
        per row of the columns validation judged) and the output columns."""
        if self.writer is None:
            self.start(chunk.typed.schema if chunk.typed is not None else None)
        writer = self.writer
        if isinstance(writer, ParquetOut):
            passed = (
                chunk.typed.columns
                if chunk.typed is not None
                else [chunk.cells[name].cast(pa.string()) for name in self.header]
            )
            columns = [*passed, *(typed[f.name] for f in self.fields)]
            self._submit(lambda: writer.write(columns))
        elif writer is not None:
            # a column validation judged goes as its distinct cells and an index per row
            inputs = [
                pa.DictionaryArray.from_arrays(arrays.ints(distinct[name][1]), distinct[name][0])
                if name in distinct
                else chunk.cells[name]
                for name in self.header
            ]
            outputs = [text[f.name] for f in self.fields]
            guarded = [True] * len(inputs) + [pa.types.is_string(f.type) for f in self.fields]
            cells = [*inputs, *outputs]
            self._submit(lambda: writer.write(cells, guarded))

    def restart(self) -> None:
        """Start the output again: the reader starts again from the first row. Standard
        output can start again only while nothing has been written to it."""
        self.drain()
        if self.writer is None:
            return  # nothing written yet
        if self.output.target == STDOUT:
            raise MalformedFileError(
                "a malformed record (another number of fields than the header) came after "
                "rows had been written to standard output, which cannot be taken back; "
                "write to a file (-o FILE) to have it reported as a rejected row"
            )
        if isinstance(self.writer, ParquetOut):
            self.writer.close()
        self.writer = None
        self.output.restart()

    def finish(self, source: Path) -> None:
        self.drain()
        self.pool.shutdown()
        if self.writer is None:  # no data rows: the header (or schema) alone
            schema = None
            if self.parquet and reader.is_parquet(source):
                schema = reader.read_schema(source)
            self.start(schema)
        assert self.writer is not None
        self.writer.close()


def _validated(chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, ParsedChunk | None]]:
    """Each chunk with its validation (None for the reader's restart marker), read and
    validated on a worker thread one chunk ahead of the scoring.

    Validation depends on nothing but the chunk's cells, so it can run beside the scoring
    of the chunk before (whose look-up tables and model rows are the run's shared state
    and stay on one thread). Reading happens on the same thread: Arrow parses the blocks
    on its own threads, and a reading thread of its own held one more chunk (about 60 MiB
    at the peak) for no speed (``bench/README.md``).
    """

    def validate(chunk: Chunk) -> tuple[Chunk, ParsedChunk | None]:
        if reader.is_restart(chunk):
            return chunk, None
        return chunk, parse_chunk(chunk.cells, chunk.n, chunk.errors)

    return reader.prefetched((validate(chunk) for chunk in chunks), name="batch-validate")


def run_batch(
    input_path: Path | str,
    output_path: Path | str,
    *,
    strict: bool = False,
    quiet: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    extra_columns: ExtraColumns | None = None,
    keep_formulas: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    language: str = DEFAULT_LANGUAGE,
) -> BatchSummary:
    """Score ``input_path`` into ``output_path`` (``"-"``: CSV on standard output).

    Raises ``MalformedFileError`` (nothing is written) when the file cannot be scored at
    all, and ``StopSignalError`` on SIGTERM/SIGHUP (nothing is left behind). ``strict`` does
    not change the output (rejected rows are still written with their error, so they can
    be fixed); it makes ``BatchSummary.exit_status`` 1 when a row was rejected.
    ``language`` is that of the progress line only: the files written never depend on it.
    """
    started = time.monotonic()
    source, target = Path(input_path), str(output_path)
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    reader.check_source(source)
    check_target(source, target)
    extra_fields = list(extra_columns.fields) if extra_columns is not None else []
    header = reader.read_header(source)
    reader.check_header(header, REQUIRED, (*OUTPUT_COLUMNS, *(f.name for f in extra_fields)))
    progress = Progress(quiet=quiet, translate=translator(language))
    scorer = Scorer()
    output = Output(target, output_mode(source))
    sink = _Sink(output, header, [*OUTPUT_FIELDS, *extra_fields], not keep_formulas)
    rows = scored = rejected = incomplete = 0
    first_errors: list[tuple[int, str]] = []
    with interruptible():
        try:
            output.open()
            for chunk, parsed in _validated(reader.chunks(source, header, chunk_size, max_rows)):
                if parsed is None:  # the reader restarted (see ``reader.is_restart``)
                    sink.restart()
                    rows = scored = rejected = incomplete = 0
                    first_errors.clear()
                    continue
                scores = scorer(parsed)
                text: dict[str, pa.Array] = {}
                typed = score_columns(parsed, scores, scorer.order, text, typed_bands=sink.parquet)
                for name, array in typed.items():
                    if name not in text:
                        text[name] = csv_text(array)
                if extra_columns is not None:
                    view = ScoredChunk(parsed.valid, parsed, scores, typed)
                    more_typed, more_text = extra_output(
                        extra_columns, view, chunk.n, typed=sink.parquet
                    )
                    typed.update(more_typed)
                    text.update(more_text)
                sink.write(chunk, typed, text, parsed.distinct)
                valid = parsed.valid
                bad = np.flatnonzero(~valid)
                for i in bad[: 5 - len(first_errors)]:
                    first_errors.append((rows + int(i) + 1, str(parsed.errors[i])))
                rows += chunk.n
                scored += int(valid.sum())
                rejected += len(bad)
                incomplete += chunk.n - typed["missing"].null_count
                progress.update(rows, chunk.fraction)
            sink.finish(source)
            output.commit()
        except BaseException:
            sink.abort()
            output.discard()
            raise
    progress.close()
    seconds = time.monotonic() - started
    return BatchSummary(
        rows, scored, rejected, incomplete, seconds, target, tuple(first_errors), strict
    )


def add_arguments(parser: argparse.ArgumentParser, _: Translator | None = None) -> None:
    """``cli.py score INPUT -o OUTPUT [--strict] [--quiet] [--keep-formulas] …``.

    ``_`` translates the help (``cli.py score --lang ja --help``); option names, column
    names and codes stay English, they are the command's contract.
    """
    _ = _ or translator(DEFAULT_LANGUAGE)
    parser.epilog = _(
        "Required columns: %(required)s. Optional: %(optional)s (%(id)s is passed through "
        "like any other column). Other columns pass through. Formats by extension: .parquet "
        "(or .pq) is Parquet, anything else CSV (UTF-8, comma-separated, header). Exit "
        "status: 0 done, 1 rows rejected with --strict, 2 file cannot be scored, 128+N "
        "stopped by signal N (nothing written).",
        required=", ".join(REQUIRED),
        optional=", ".join(OPTIONAL),
        id=ID_COLUMN,
    )
    parser.add_argument("input", type=Path, help=_("CSV or Parquet file of cases"))
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        help=_("CSV or Parquet file to write (by extension); '-' writes CSV to standard output"),
    )
    parser.add_argument(
        "--strict", action="store_true", help=_("exit with status 1 if any row is rejected")
    )
    parser.add_argument("--quiet", action="store_true", help=_("no progress line on a terminal"))
    parser.add_argument(
        "--keep-formulas",
        action="store_true",
        help=_(
            "write text cells that start with = + - @ as they are (by default they are "
            "prefixed with ' so that a spreadsheet does not run them as formulas)"
        ),
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help=_(
            "refuse a file with more data rows than this (default %(max_rows)s)",
            max_rows=f"{DEFAULT_MAX_ROWS:,}",
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help=_(
            "language of the progress line and the summary on standard error (default "
            "%(language)s); the output file is the same in every language",
            language=DEFAULT_LANGUAGE,
        ),
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=_(
            "rows per chunk; memory grows with it (default %(chunk_size)s)",
            chunk_size=f"{DEFAULT_CHUNK_SIZE:,}",
        ),
    )


class _NoPandas(importlib.abc.MetaPathFinder):
    """Refuses to import pandas (see ``_pandas_not_loaded_by_arrow``)."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not needed by the batch command")


@contextlib.contextmanager
def _pandas_not_loaded_by_arrow() -> Iterator[None]:
    """Keep pyarrow from importing pandas for the run (unless it is already imported).

    pyarrow imports pandas, when it is installed, on the first ``pa.array``, ``pa.scalar``
    or ``to_numpy`` call, only to ask whether an object is a pandas one; that import costs
    about 0.7 s, more than a small file's whole run, and nothing here uses pandas. An
    import hook makes that import fail for the run, which pyarrow takes as "pandas is not
    installed" (an explicit pandas conversion later retries the import).
    """
    if "pandas" in sys.modules:
        yield
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)


def run(args: argparse.Namespace, *, extra_columns: ExtraColumns | None = None) -> int:
    """The command: 0 done, 1 rejected rows under ``--strict``, 2 malformed file."""
    _memory_settings()
    # Everything imported so far lives as long as the process: the collector need not
    # walk it again at every full collection during the run (thawed afterwards).
    gc.freeze()
    try:
        with _pandas_not_loaded_by_arrow():
            return _run(args, extra_columns)
    finally:
        gc.unfreeze()


_PR_SET_THP_DISABLE = 41  # linux/prctl.h
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # malloc.h
#: Freed memory glibc keeps for reuse (NumPy's arrays): a few chunks' worth.
_KEEP_FREED_BYTES = 128 << 20
#: Arrays up to this size come from the heap (reused), not from fresh mappings.
_HEAP_ARRAY_BYTES = 32 << 20


def _memory_settings() -> bool:
    """Reuse memory from chunk to chunk instead of having the kernel zero fresh pages.

    Each chunk allocates and frees the same sizes as the one before. Left to their
    defaults, both allocators hand freed pages back to the system and fault new ones in
    for the next chunk: about 350,000 page faults and a third of the CPU time on a
    million rows. Here (``bench/README.md`` has the figures):

    - Arrow's allocator keeps its freed pages (``MIMALLOC_PURGE_DELAY`` in ``cli.py``'s
      ``COMMAND_ENVIRONMENT``, read when it starts);
    - glibc, which NumPy uses, keeps up to ``_KEEP_FREED_BYTES`` of freed heap and serves
      arrays up to ``_HEAP_ARRAY_BYTES`` from it (``mallopt``);
    - transparent huge pages are off, so a page first touched costs 4 KiB of zeroing,
      not 2 MiB.

    The resident set still stays flat in the number of rows: it is the few chunks in
    flight (see ``_Sink`` and ``reader.prefetched``), kept rather than returned. Returns
    whether every setting took; best effort (elsewhere nothing changes).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        huge = libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
        trim = libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_FREED_BYTES) == 1
        mmap = libc.mallopt(_M_MMAP_THRESHOLD, _HEAP_ARRAY_BYTES) == 1
    except (OSError, AttributeError):
        return False
    return bool(huge and trim and mmap)


def _message(exc: BaseException, _: Translator) -> str:
    """An exception's text in ``_``'s language when the project wrote it translatable."""
    return exc.translated(_) if isinstance(exc, TranslatableError) else str(exc)


def language(args: argparse.Namespace) -> Translator:
    """The translator of ``--lang`` (English when the namespace has none)."""
    return translator(getattr(args, "lang", DEFAULT_LANGUAGE))


def _run(args: argparse.Namespace, extra_columns: ExtraColumns | None) -> int:
    _ = language(args)
    try:
        summary = run_batch(
            args.input,
            args.output,
            strict=args.strict,
            quiet=args.quiet,
            chunk_size=args.chunk_size,
            extra_columns=extra_columns,
            keep_formulas=args.keep_formulas,
            max_rows=args.max_rows,
            language=_.language,
        )
    except MalformedFileError as exc:
        template = (  # rows are streamed to standard output: some may have gone out
            N_("%(file)s: %(reason)s. What was written to standard output is incomplete.")
            if args.output == STDOUT
            else N_("%(file)s: %(reason)s. Nothing was written.")
        )
        text = _(template, file=args.input, reason=_message(exc, _))
        print(f"cli.py score: {text}", file=sys.stderr)
        return 2
    except StopSignalError as exc:
        text = _("stopped by %(signal)s; nothing was written.", signal=exc)
        print(f"cli.py score: {text}", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        text = _("interrupted; nothing was written.")
        print(f"cli.py score: {text}", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        print(f"cli.py score: {_message(exc, _)}", file=sys.stderr)
        return 2
    print(summary.text(_), file=sys.stderr)
    return summary.exit_status
