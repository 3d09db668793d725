"""Batch files that are not what they claim: records that are not rows, formula cells,
limits, interrupted runs, permissions and special output targets."""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoring.batch import OUTPUT_COLUMNS, run_batch, synthetic
from tests.batch.test_batch import BASE, HEADER, _csv_bytes, cli, read_csv, write_csv

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------- rows in = rows out


def test_truncated_record_is_rejected_with_its_line(tmp_path):
    """12 of 23 fields: never scored, named by its line; the other rows are scored."""
    fields = [BASE[k] for k in HEADER]
    content = _csv_bytes([BASE, BASE]) + (",".join(fields[:12]) + "\n").encode()
    content += _csv_bytes([BASE]).split(b"\n", 1)[1]
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    summary = run_batch(src, tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert summary.rows == len(out) == 4
    assert summary.rejected == 1
    assert out[2]["error"].startswith(f"line 4: 12 fields where the header has {len(HEADER)}")
    assert all(out[2][c] == "" for c in OUTPUT_COLUMNS if c != "error")
    assert out[2]["case_id"] == BASE["case_id"]  # the cells it has are echoed, to find it
    assert [r["tokuhashi_total"] for r in (out[0], out[1], out[3])] == ["13"] * 3


def test_bare_cr_inside_an_unquoted_field_rejects_that_row(tmp_path):
    """7 records, one with a bare CR in an unquoted cell: 7 rows out, that one rejected."""
    lines = [",".join(HEADER)]
    for i in range(7):
        row = {**BASE, "case_id": str(i + 1)}
        if i == 3:
            row["sins_pain"] = "mechan\rical"
        lines.append(",".join(row[k] for k in HEADER))
    src = tmp_path / "in.csv"
    src.write_bytes(("\n".join(lines) + "\n").encode())
    summary = run_batch(src, tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert summary.rows == len(out) == 7
    assert [r["error"] != "" for r in out] == [False, False, False, True, False, False, False]
    assert out[3]["error"].startswith("line 5: a line break (carriage return)")
    assert [r["case_id"] for r in out] == ["1", "2", "3", "", "5", "6", "7"]


def _crlf_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """CRLF line endings: Python's csv module then quotes a cell holding a CR."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_cr_inside_a_quoted_field_and_crlf_line_endings_are_fine(tmp_path):
    src = _crlf_csv(tmp_path / "in.csv", [{**BASE, "case_id": "a\rb"}, BASE])
    assert b'"a\rb"' in src.read_bytes()
    run_batch(src, tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert [r["case_id"] for r in out] == ["a\rb", "1"]
    assert [r["error"] for r in out] == ["", ""]


def test_blank_lines_are_not_rows(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(_csv_bytes([BASE]) + b"\n\n" + _csv_bytes([BASE]).split(b"\n", 1)[1])
    assert run_batch(src, tmp_path / "out.csv", quiet=True).rows == 2


def test_malformed_records_in_a_large_file_keep_their_place(tmp_path):
    """The exact reader takes over from Arrow: order and counts hold across chunks."""
    rows = [{**BASE, "case_id": str(i + 1)} for i in range(3_000)]
    src = write_csv(tmp_path / "in.csv", rows)
    lines = src.read_bytes().split(b"\n")
    lines[1500] = b"short,row"
    lines[2500] = lines[2500] + b",extra"
    src.write_bytes(b"\n".join(lines))
    summary = run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=700)
    out = read_csv(tmp_path / "out.csv")
    assert summary.rows == len(out) == 3_000
    assert out[1499]["error"].startswith("line 1501: 2 fields")
    assert out[2499]["error"].startswith(f"line 2501: {len(HEADER) + 1} fields")
    assert out[1500]["case_id"] == "1501"


# ------------------------------------------------------------------- formulas


FORMULAS = ["=1+1", "+A1", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("x")']


def test_formula_cells_are_neutralised(tmp_path):
    rows = [{**BASE, "case_id": f} for f in FORMULAS]
    rows += [{**BASE, "case_id": "-5"}, {**BASE, "case_id": "+0.4"}, {**BASE, "case_id": "a=b"}]
    run_batch(_crlf_csv(tmp_path / "in.csv", rows), tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert [r["case_id"] for r in out] == [*("'" + f for f in FORMULAS), "-5", "+0.4", "a=b"]
    assert all(r["tokuhashi_total"] == "13" for r in out)


def test_formula_in_a_rejected_cell_is_neutralised_in_the_error_too(tmp_path):
    header = [*HEADER, "=cmd"]
    src = write_csv(tmp_path / "in.csv", [{**BASE, "kps": "=1+2", "=cmd": "@x"}], header)
    run_batch(src, tmp_path / "out.csv", quiet=True)
    first = (tmp_path / "out.csv").read_text().splitlines()[0]
    assert first.split(",")[len(HEADER)] == "'=cmd"
    out = read_csv(tmp_path / "out.csv")[0]
    assert out["kps"] == "'=1+2"
    assert out["'=cmd"] == "'@x"
    assert out["error"].startswith("kps: '=1+2'")  # starts with the column name: safe


def test_keep_formulas_writes_cells_as_they_are(tmp_path):
    src = write_csv(tmp_path / "in.csv", [{**BASE, "case_id": "=1+1"}])
    assert cli(tmp_path, str(src), "-o", str(tmp_path / "o.csv"), "--keep-formulas") == 0
    assert read_csv(tmp_path / "o.csv")[0]["case_id"] == "=1+1"


# --------------------------------------------------------------------- limits


def test_too_many_columns_is_refused(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(",".join([*HEADER, *(f"x{i}" for i in range(1_000))]) + "\n")
    started = time.monotonic()
    assert cli(tmp_path, str(src), "-o", str(tmp_path / "o.csv")) == 2
    assert time.monotonic() - started < 1
    assert "at most 1,000" in capsys.readouterr().err


def test_endless_first_line_is_refused(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_bytes(b"," * (2 << 20))
    assert cli(tmp_path, str(src), "-o", str(tmp_path / "o.csv")) == 2
    assert "first line is longer" in capsys.readouterr().err


def test_row_limit_is_checked_while_streaming(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", [BASE] * 30)
    args = [str(src), "-o", str(tmp_path / "o.csv"), "--max-rows", "20", "--chunk-size", "10"]
    assert cli(tmp_path, *args) == 2
    assert "more than 20 data rows" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
    assert list(tmp_path.glob(".*.part")) == []


def test_rejections_are_written_together_each_rows_reasons_in_order():
    """A chunk's rejection messages are assembled once, at ``finish``: each row keeps its
    reasons in the order they were found, joined by "; ", after any it already had; a
    cell is quoted to 40 characters."""
    import numpy as np
    import pyarrow as pa

    from scoring.batch.parse import ParsedChunk

    n = 4
    parsed = ParsedChunk(n, errors=np.full(n, "", dtype=object), rejected=np.zeros(n, bool))
    text = pa.array(["a", "b" * 50, "c", "d"], type=pa.large_string())
    parsed.reject(np.array([False, True, True, False]), "x", text, "is wrong")
    parsed.reject(np.array([False, False, True, False]), "y", None, "is missing")
    parsed.reject(np.array([False, True, False, False]), "z", text, "again")
    assert parsed.rejected.tolist() == [False, True, True, False]
    assert parsed.errors.tolist() == ["", "", "", ""]  # not written yet
    parsed.finish()
    quoted = "b" * 40
    assert parsed.errors.tolist() == [
        "",
        f"x: '{quoted}' is wrong; z: '{quoted}' again",
        "x: 'c' is wrong; y: is missing",
        "",
    ]
    parsed.reject(np.array([False, False, True, True]), "w", text, "later")
    parsed.finish()
    assert parsed.errors.tolist()[2:] == [
        "x: 'c' is wrong; y: is missing; w: 'c' later",
        "w: 'd' later",
    ]


def test_an_overlong_cell_rejects_its_row(tmp_path):
    rows = [{**BASE, "case_id": "x" * 10_001}, BASE]
    run_batch(write_csv(tmp_path / "in.csv", rows), tmp_path / "o.csv", quiet=True)
    out = read_csv(tmp_path / "o.csv")
    assert out[0]["error"] == "case_id: a cell is longer than 10,000 characters"
    assert out[1]["error"] == ""


# ------------------------------------------------------- output files and signals


def _command(src: Path, out: str, *extra: str) -> list[str]:
    return [sys.executable, "cli.py", "score", str(src), "-o", out, "--no-model", *extra]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_run_leaves_nothing(tmp_path, signum):
    src = tmp_path / "in.csv"
    synthetic.write(src, 300_000, seed=1)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        _command(src, str(out), "--chunk-size", "2000"),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    partial: list[Path] = []
    while not partial and time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in tmp_path.glob(".out.csv.*.part") if p.stat().st_size > 0]
        time.sleep(0.01)
    assert partial, "the run ended before a temporary file was seen"
    assert stat.S_IMODE(partial[0].stat().st_mode) == 0o600
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum
    assert "nothing was written" in err
    assert list(tmp_path.iterdir()) == [src]


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_output_keeps_the_input_permissions(tmp_path, mode):
    src = write_csv(tmp_path / "in.csv", [BASE])
    os.chmod(src, mode)
    run_batch(src, tmp_path / "out.csv", quiet=True)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == mode


def test_output_to_a_fifo_is_refused(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", [BASE])
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert cli(tmp_path, str(src), "-o", str(fifo)) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_to_a_device_is_refused(tmp_path):
    """Checked before anything is opened (not run through the command: a regression
    would replace the machine's /dev/null with a regular file)."""
    from scoring.batch.reader import MalformedFileError
    from scoring.batch.writer import check_target

    src = write_csv(tmp_path / "in.csv", [BASE])
    with pytest.raises(MalformedFileError, match="not a regular file"):
        check_target(src, "/dev/null")


def test_input_from_a_fifo_is_refused_without_waiting(tmp_path):
    """A named pipe can be read once; the command opens its input more than once, so it
    waited for ever on the second open. Now refused at once, naming the input."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    done = subprocess.run(
        _command(fifo, str(tmp_path / "out.csv"), "--quiet"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"the input {fifo} is a device, pipe or socket, not a regular file" in done.stderr
    assert "Nothing was written" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]


@pytest.mark.parametrize("kind", ["directory", "device"])
def test_input_that_is_not_a_regular_file_is_refused(tmp_path, kind, capsys):
    source = tmp_path if kind == "directory" else Path("/dev/null")
    assert cli(tmp_path, str(source), "-o", str(tmp_path / "out.csv")) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err
    assert ("a directory" if kind == "directory" else "a device, pipe or socket") in err
    assert not (tmp_path / "out.csv").exists()


def _ragged(rows_before: int, extra: bytes = b",extra") -> bytes:
    """A CSV of ``rows_before`` good rows, one record with a field too many, one good row."""
    line = ",".join(BASE.values()).encode() + b"\n"
    return (
        (",".join(HEADER) + "\n").encode() + line * rows_before + line[:-1] + extra + b"\n" + line
    )


def test_dash_with_a_malformed_record_before_any_row_went_out(tmp_path):
    """The reader starts again with the exact reader (which reports the record as a
    rejected row): standard output can start again while nothing was written to it.
    It used to stop with a traceback (``cannot restart standard output``)."""
    src = tmp_path / "in.csv"
    src.write_bytes(_ragged(3))
    done = subprocess.run(_command(src, "-", "--quiet"), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 6  # the header and five rows
    assert "24 fields where the header has 23" in lines[4]
    assert "Traceback" not in done.stderr


def test_dash_with_a_malformed_record_after_rows_went_out(tmp_path):
    """Rows already on standard output cannot be taken back: exit 2 with a sentence saying
    so and what to do, no traceback."""
    src = tmp_path / "in.csv"
    src.write_bytes(_ragged(200_000))  # 20 MB: far past what Arrow reads ahead
    done = subprocess.run(
        _command(src, "-", "--quiet", "--chunk-size", "1000"),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "cannot be taken back; write to a file (-o FILE)" in done.stderr
    assert "What was written to standard output is incomplete" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("\n") > 1_000


@pytest.mark.parametrize("target", ["out.csv", "-"])
def test_a_malformed_record_that_is_not_utf8_is_reported_as_such(tmp_path, target):
    """pyarrow cannot hand such a record to the invalid-row handler (it decodes its text
    first): the exact reader reads the file instead and names the problem. Before, the
    user saw pyarrow's traceback and "not a well-formed CSV"."""
    src = tmp_path / "in.csv"
    src.write_bytes(_ragged(3, extra=b",caf\xe9"))
    out = target if target == "-" else str(tmp_path / target)
    done = subprocess.run(_command(src, out), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "the file is not UTF-8 text" in done.stderr
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_dash_writes_csv_to_standard_output(tmp_path):
    src = write_csv(tmp_path / "in.csv", [BASE, {**BASE, "kps": "55"}])
    done = subprocess.run(
        _command(src, "-", "--quiet"), cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join([*HEADER, *OUTPUT_COLUMNS])
    assert len(lines) == 3
    assert not (ROOT / "-").exists()
    assert not (tmp_path / "-").exists()
    assert "written to standard output" in done.stderr
