"""``reader.has_bare_cr``: the same answer as a whole-file reading, at any block size, and
memory that does not grow with the file (it used to map the whole file)."""

from __future__ import annotations

import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from scoring.batch import reader


def _reference(data: bytes) -> bool:
    """The rule, stated on the whole file at once."""
    return b"\n" in data and data.count(b"\r") != data.count(b"\r\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", False),
        (b"a,b\n1,2\n", False),
        (b"a,b\r\n1,2\r\n", False),
        (b"a,b\r1,2\r", False),  # CR-only line endings: no LF, read as such
        (b"a,b\n1,\r2\n", True),
        (b"a,b\r\n1,2\r", True),  # a bare CR at the very end
        (b"a,b\r\r\n", True),
    ],
)
def test_the_rule_on_small_files(tmp_path: Path, data: bytes, expected: bool) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert reader.has_bare_cr(path) is expected
    assert _reference(data) is expected


@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
def test_block_boundaries_do_not_change_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """A CRLF split across two blocks is a CRLF; a CR ending a block before other text is
    bare. Random files of CR, LF and text, scanned with tiny blocks."""
    monkeypatch.setattr(reader, "SCAN_BYTES", block)
    rng = random.Random(block)
    path = tmp_path / "in.csv"
    for _ in range(300):
        data = bytes(rng.choice(b"\r\n\r\nab,") for _ in range(rng.randrange(0, 24)))
        path.write_bytes(data)
        assert reader.has_bare_cr(path) is _reference(data), data


def _scan_growth_mib(path: Path) -> tuple[str, int]:
    """``has_bare_cr(path)`` in a fresh process: its answer and how many MiB its peak
    resident memory grew by during the scan."""
    script = (
        "import resource, sys; from pathlib import Path; "
        "from scoring.batch.reader import has_bare_cr; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "answer = has_bare_cr(Path(sys.argv[1])); "
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "print(answer, (after - before) // 1024)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        cwd=Path(reader.__file__).parents[2],
    )
    answer, grown_mib = done.stdout.split() or ["(no output)", "0"]
    assert answer != "(no output)", done.stderr
    return answer, int(grown_mib)


def test_scanning_a_large_file_keeps_memory_flat(tmp_path: Path) -> None:
    """96 MB of lines without a CR (the common file, searched to its end): the scan's
    resident memory stays far below the file's size (a whole-file memory map made every
    searched page resident)."""
    path = tmp_path / "big.csv"
    line = b"1,female,62,C7,D,80,1,breast,1,1,none,none,no,no\n"
    with path.open("wb") as out:
        block = line * ((1 << 20) // len(line) + 1)
        for _ in range(96):
            out.write(block[: 1 << 20])
    answer, grown_mib = _scan_growth_mib(path)
    assert answer == "False"
    assert grown_mib < 32, f"the scan grew the resident set by {grown_mib} MiB"


def test_scanning_a_small_file_takes_a_small_buffer(tmp_path: Path) -> None:
    """A 10-row file does not pay for a whole block's buffer (8 MiB, zeroed): the
    scan's peak of Python allocations stays within a few KiB."""
    path = tmp_path / "small.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    tracemalloc.start()
    try:
        assert reader.has_bare_cr(path) is False
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 10, f"the scan allocated {peak:,} bytes"
