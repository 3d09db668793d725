"""The CSV writer's fast paths write exactly what a plain reference writer writes.

The writer takes shortcuts (issue 13): score and model columns arrive dictionary-encoded
and input columns that validation judged with their distinct cells, so those are
neutralised per distinct text and gathered per row by the compiled row writer; a few
neutralised cells are patched by copying the bytes around them; and probabilities are
written through a table of texts. Each shortcut is
checked here against the simplest thing that could be right: Python's ``csv`` module
(``QUOTE_MINIMAL``, ``\\n``), a one-line formula rule, and ``f"{v:.4f}"``.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from models.batch import ModelColumns
from models.predict import load_model
from scoring.batch import arrow_text, run_batch, synthetic
from scoring.batch import output as batch_output
from scoring.batch import writer as batch_writer
from tests.batch.test_batch import BASE, HEADER, write_csv
from tests.support.model import train_synthetic

_PLAIN_NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t]*")


def neutral(cell: str) -> str:
    """The formula rule, written the obvious way (OWASP: = + - @ tab CR; numbers exempt)."""
    risky = cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    return "'" + cell if risky and not _PLAIN_NUMBER.fullmatch(cell) else cell


def reference_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def cell_text(value: object, field: pa.Field) -> str:
    """A typed output cell as the CSV convention writes it."""
    if value is None:
        return ""
    metadata = field.metadata or {}
    if b"decimals" in metadata:
        assert isinstance(value, float)
        return f"{value:.{int(metadata[b'decimals'])}f}"
    if isinstance(value, str):
        return neutral(value)
    return str(value)


def expected_from_parquet(path: Path, guard: bool) -> bytes:
    """The CSV a plain writer makes of the Parquet output of the same input."""
    table = pq.read_table(path)
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = []
    for r in range(table.num_rows):
        row = []
        for field, column in zip(table.schema, columns, strict=True):
            text = cell_text(column[r], field)
            if not guard and isinstance(column[r], str):
                text = column[r]
            row.append(text)
        rows.append(row)
    header = [neutral(n) if guard else n for n in table.schema.names]
    return reference_csv(header, rows)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_model(train_synthetic(tmp_path_factory.mktemp("writer-model")))


# Cells in the scored (known) columns that need quoting or a formula prefix; each makes its
# row rejected, and each must still be passed through exactly.
AWKWARD = [
    {"kps": "=1+2"},
    {"crp_mg_dl": "1,5"},
    {"sex": 'ma"le'},
    {"primary_tumor": "two\nlines"},
    {"lesion_level": "@C7"},
    {"frankel": "-D"},
    {"ecog": "-1"},  # a plain number: out of range, but not a formula
    {"platelets_10e9_l": "+150"},  # a plain number, accepted
    {"sins_pain": "\tmechanical"},  # spaces and tabs around a code are allowed
    {"calcium_mg_dl": '"9.0"'},
    {"case_id": '=HYPERLINK("x")', "visceral_mets": "=x"},
]


@pytest.mark.parametrize("guard", [True, False])
def test_csv_output_is_the_reference_writers_text_of_the_parquet_output(tmp_path, model, guard):
    """A seeded cohort (every code and edge value, a free-text column with commas, quotes,
    line breaks and formula-like cells) plus awkward cells in the scored columns, in
    several chunks, with the model columns: the CSV bytes equal those a plain ``csv``
    writer makes of the Parquet output of the same run (typed values written out,
    ``f"{v:.4f}"`` probabilities, text neutralised by the obvious rule)."""
    src = tmp_path / "in.csv"
    synthetic.write(src, 3_000, seed=7, invalid=0.01)
    with src.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=synthetic.header(), lineterminator="\n")
        for i, changes in enumerate(AWKWARD * 3):
            row = {k: BASE.get(k, "") for k in synthetic.header()}
            writer.writerow({**row, "case_id": f"x{i}", **changes})
    hook = ModelColumns(model)
    keep = not guard
    for target in ("out.csv", "out.parquet"):
        summary = run_batch(
            src,
            tmp_path / target,
            quiet=True,
            chunk_size=700,
            extra_columns=hook,
            keep_formulas=keep,
        )
        assert summary.rows == 3_000 + 3 * len(AWKWARD)
    written = (tmp_path / "out.csv").read_bytes()
    assert written == expected_from_parquet(tmp_path / "out.parquet", guard)
    # one chunk, a fresh hook: what is remembered across chunks changes nothing
    whole = tmp_path / "whole.csv"
    run_batch(src, whole, quiet=True, extra_columns=ModelColumns(model), keep_formulas=keep)
    assert whole.read_bytes() == written
    assert (b",'=1+2," in written) is guard
    assert (b",=1+2," in written) is not guard
    for quoted in (b'"1,5"', b'"two\nlines"', b'"ma""le"'):
        assert quoted in written


def test_known_columns_and_plain_columns_are_written_alike(tmp_path):
    """The same awkward cells in a scored column (quoted and neutralised through its
    distinct cells) and in a passed-through column (scanned cell by cell) are written
    identically."""
    cells = ["=1+2", "1,5", 'a"b', "x\ny", "@x", "-D", "-1", "+0.5", " -3 ", "", "ok", "\t=x"]
    rows = [{**BASE, "case_id": str(i), "kps": c, "copy": c} for i, c in enumerate(cells * 4)]
    src = write_csv(tmp_path / "in.csv", rows, [*HEADER, "copy"])
    run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=5)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        back = list(csv.DictReader(handle))
    assert [r["kps"] for r in back] == [neutral(c) for c in cells * 4]
    assert [r["kps"] for r in back] == [r["copy"] for r in back]


# --------------------------------------------------------------- the pieces alone


def _strings(values: list[str], offset: int = 0) -> pa.Array:
    array = arrow_text(["pad"] * offset + values)
    return array.slice(offset)


@pytest.mark.parametrize("offset", [0, 3])
@pytest.mark.parametrize(
    "rows", [[0], [4], [0, 4], [1, 2, 3], [], list(range(5))], ids=lambda r: str(r)
)
def test_patched_cells_equal_arrows_replace_with_mask(rows, offset):
    column = _strings(["a", "", "ccc", "dd", "e"], offset)
    new = _strings([f"<{i}>" * (i % 3) for i in range(len(rows))], offset)
    index = np.array(rows, dtype=np.int64)
    mask = np.zeros(len(column), dtype=bool)
    mask[index] = True
    expected = pc.replace_with_mask(column, pa.array(mask), new) if rows else column
    got = batch_writer._patched(column, index, new)
    assert got.to_pylist() == expected.to_pylist()
    got.validate(full=True)


def test_many_patched_cells_take_arrows_path_with_the_same_result():
    column = arrow_text([str(i) for i in range(500)])
    index = np.arange(0, 500, 3, dtype=np.int64)
    new = arrow_text([f'"{i}"' for i in index])
    expected = [f'"{i}"' if i % 3 == 0 else str(i) for i in range(500)]
    assert batch_writer._patched(column, index, new).to_pylist() == expected
    spliced = batch_writer._spliced(column, index, new)
    spliced.validate(full=True)
    assert spliced.to_pylist() == expected


HALFWAY = [0.00005, 0.00015, 0.12345, 0.99995, 0.5, 1.0, 0.0, 2.5e-5, 0.1 + 0.2]
OTHERS = [-0.0, -0.00001, -1.25, math.nan, math.inf, 123456.78901, 1e300, 5e-324]


@pytest.mark.parametrize("decimals", [0, 2, 4])
def test_fixed_text_is_python_formatting_and_typed_is_that_text_read_back(decimals):
    rng = np.random.default_rng(3)
    values = np.array(
        [*HALFWAY, *OTHERS, *rng.random(3_000), *np.round(rng.random(500), 4)], dtype=np.float64
    )
    n = len(values)
    hide = np.zeros(n, dtype=bool)
    hide[5] = True
    index = np.arange(n)[::-1].copy()
    encoded = batch_output.Encoded(values, index)
    rows = batch_output._shared_rows(index, n, hide, [])
    for given, order in ((values, np.arange(n)), (encoded, index)):
        typed, text = batch_output._fixed(given, decimals, hide, rows, True)
        assert typed is not None
        cells = text.dictionary.take(text.indices).to_pylist()
        for row, i in enumerate(order):
            v = float(values[i])
            want = "" if row == 5 or not math.isfinite(v) else f"{v:.{decimals}f}"
            assert cells[row] == want, (v, decimals)
            assert typed[row].as_py() == (float(want) if want else None)


def test_columns_of_one_hook_share_their_indices_and_are_written_as_row_by_row():
    """Columns computed per distinct row with one index reach the writer with one shared
    indices array, and are written exactly as the same cells given row by row."""
    values = np.array([0.25, np.nan, 0.123456, 1.0])
    index = np.array([0, 1, 2, 3, 3, 2, 0, 0], dtype=np.int64)
    hide = np.zeros(len(index), dtype=bool)
    hide[6] = True
    known: list = []
    rows = batch_output._shared_rows(index, len(values), hide, known)
    assert batch_output._shared_rows(index.copy(), len(values), hide, known) is rows
    columns = [
        batch_output._fixed(batch_output.Encoded(values * k, index), 4, hide, rows, False)[1]
        for k in (1, 0.5)
    ]
    warnings = pa.DictionaryArray.from_arrays(
        pa.array(index), pa.array(["a,b", None, "=x", ""], type=pa.string())
    )
    columns.append(batch_output._dictionary_text(warnings, hide, known, False)[1])
    assert len({c.indices.buffers()[1].address for c in columns}) == 1  # one shared array
    plain = [arrow_text(c.dictionary.take(c.indices).to_pylist()) for c in columns]
    assert plain[2].to_pylist() == ["a,b", "", "=x", "", "", "=x", "", "a,b"]
    outputs = []
    for cells in (columns, plain):
        target = io.BytesIO()
        batch_writer.CsvWriter(target, ["p", "q", "w"], guard=True).write(
            cells, [False, False, True]
        )
        outputs.append(target.getvalue())
    assert outputs[0] == outputs[1]
    assert b'0.2500,0.1250,"a,b"\n' in outputs[0]
    assert b"0.1235,0.0617,'=x\n" in outputs[0]
    assert outputs[0].splitlines()[7] == b",,"  # hidden row


def test_fixed_uses_the_table_for_probabilities_and_formats_the_rest():
    """The table path is taken for ordinary probabilities; values it cannot decide
    (negative, halfway within rounding error, huge) fall back to exact formatting."""
    probabilities = np.array([0.1, 0.25, 0.33333, 0.9999], dtype=np.float64)
    steps = batch_output._as_steps(probabilities, 4)
    assert steps is not None
    assert steps.tolist() == [1000, 2500, 3333, 9999]
    assert batch_output._as_steps(np.array([-0.0, 0.5]), 4) is None
    assert batch_output._as_steps(np.array([0.00015]), 4) is None  # 1.5 steps, within error
    assert batch_output._as_steps(np.array([1e300]), 4) is None


def test_encoded_columns_with_their_own_indices_are_gathered_row_by_row():
    """Equal-sized dictionaries with different indices: each row takes its own texts."""
    first = pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, 0]), arrow_text(["x", "y"]))
    second = pa.DictionaryArray.from_arrays(pa.array([1, 1, 0, 0]), arrow_text(["p", "q"]))
    target = io.BytesIO()
    batch_writer.CsvWriter(target, ["a", "b"], guard=True).write([first, second], [True, True])
    assert target.getvalue() == b"a,b\nx,q\ny,q\ny,p\nx,p\n"


@pytest.mark.skipif(
    not Path("/proc/self/status").exists()
    or "THP_enabled" not in Path("/proc/self/status").read_text(),
    reason="Linux reports no transparent huge page setting here",
)
def test_the_command_keeps_freed_memory_and_turns_huge_pages_off_for_its_process():
    """Every setting of ``_memory_settings`` takes (glibc's two ``mallopt`` thresholds and
    the huge-page switch), in a process of its own."""
    script = (
        "from scoring.batch.command import _memory_settings; took = _memory_settings(); "
        "print(took, open('/proc/self/status').read().split('THP_enabled:')[1].split()[0])"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "0"], done.stderr


def test_score_command_keeps_openblas_to_one_thread(tmp_path, monkeypatch):
    """Set for the ``cli.py score`` process before NumPy is imported; a value the user
    set is kept; other commands and a host calling ``main`` are left alone. The same goes
    for Arrow's allocator keeping the pages a chunk freed (``MIMALLOC_PURGE_DELAY``)."""
    import cli

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("MIMALLOC_PURGE_DELAY", raising=False)
    cli.program_environment(["train"])
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    assert "MIMALLOC_PURGE_DELAY" not in os.environ
    cli.program_environment(["score", "in.csv"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "-1"
    monkeypatch.delenv("MIMALLOC_PURGE_DELAY")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    cli.program_environment(["score"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    src = write_csv(tmp_path / "in.csv", [BASE])
    assert cli.main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--quiet"]) == 0
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    assert gc.get_freeze_count() == 0  # the run thawed what it froze
    script = (  # the command ends through os._exit (cli.exit_now): report from there
        "import runpy, sys; sys.argv = ['cli.py', 'score', sys.argv[1], '-o', sys.argv[2], "
        "'--quiet']; import os; end = os._exit; "
        "os._exit = lambda code: (print(os.environ.get('OPENBLAS_NUM_THREADS'), "
        "os.environ.get('MIMALLOC_PURGE_DELAY'), 'numpy' in sys.modules, flush=True), "
        "end(code)); "
        "runpy.run_path('cli.py', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(src), str(tmp_path / "p.csv")],
        capture_output=True,
        text=True,
        cwd=Path(cli.__file__).parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "-1", "True"]


def test_validation_runs_beside_the_scoring_and_its_error_stops_the_run(tmp_path, monkeypatch):
    """Chunks are validated on a worker thread, a chunk ahead of the scoring (issue 13);
    an error there reaches the caller and leaves no output behind."""
    from scoring.batch import command

    src = tmp_path / "in.csv"
    synthetic.write(src, 300, seed=2)
    threads: list[str] = []
    real = command.parse_chunk

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        if len(threads) == 3:
            raise RuntimeError("validation failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(command, "parse_chunk", recording)
    with pytest.raises(RuntimeError, match="validation failed"):
        run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=100)
    assert len(threads) == 3
    assert threading.main_thread().name not in threads
    assert list(tmp_path.iterdir()) == [src]


def test_chunks_are_read_on_the_validation_thread(tmp_path, monkeypatch):
    """No thread of its own for reading: it held one more chunk for no speed (issue 13);
    Arrow parses the blocks on its own threads."""
    from scoring.batch import reader

    src = tmp_path / "in.csv"
    synthetic.write(src, 300, seed=3)
    real = reader._csv_fast
    threads: set[str] = set()

    def recording(*args, **kwargs):
        for chunk in real(*args, **kwargs):
            threads.add(threading.current_thread().name)
            yield chunk

    monkeypatch.setattr(reader, "_csv_fast", recording)
    run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=100)
    assert threads == {"batch-validate"}


class _RecordingHandle(io.BytesIO):
    """A file that notes the size of every write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, data: object) -> int:  # type: ignore[override]
        written = super().write(data)  # type: ignore[arg-type]
        self.sizes.append(written)
        return written


def test_a_chunk_larger_than_a_write_piece_goes_out_in_pieces_with_nothing_lost(monkeypatch):
    """A chunk's lines reach the file in pieces of at most ``_WRITE_BYTES`` (one 11 MB
    write cost the kernel four times what 1 MiB pieces cost: ``bench/README.md``), and the
    pieces join up to exactly what one write would have written."""
    monkeypatch.setattr(batch_writer, "_WRITE_BYTES", 1000)
    cells = [arrow_text([f"row {i}, text" for i in range(500)]), arrow_text(["x"] * 500)]
    target = _RecordingHandle()
    batch_writer.CsvWriter(target, ["a", "b"], guard=True).write(cells, [True, True])
    _header, *pieces = target.sizes
    assert len(pieces) > 1
    assert max(pieces) == 1000
    expected = [[f"row {i}, text", "x"] for i in range(500)]
    assert target.getvalue() == reference_csv(["a", "b"], expected)
