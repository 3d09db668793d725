"""``cli.py score`` run as a program ends without the interpreter's teardown, after
flushing; other commands, and a host calling ``cli.main``, exit as usual."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from tests.batch.test_batch import BASE, write_csv

ROOT = Path(__file__).resolve().parents[2]


class _ExitCalledError(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _run_as_program(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """``python cli.py ARGV`` in this process, with ``os._exit`` caught; returns its status
    (``SystemExit``'s code when the program exits the usual way, negated)."""
    flushed: list[str] = []

    def fake_exit(status: int) -> None:
        flushed.append("exit")
        raise _ExitCalledError(status)

    monkeypatch.setattr(sys, "argv", ["cli.py", *argv])
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    try:
        runpy.run_path(str(ROOT / "cli.py"), run_name="__main__")
    except _ExitCalledError as exited:
        return exited.status
    except SystemExit as ended:
        return -int(ended.code or 0) - 1000
    raise AssertionError("the program did not exit")


def test_score_ends_through_exit_now_with_its_status(tmp_path, monkeypatch, capsys):
    src = write_csv(tmp_path / "in.csv", [BASE, {**BASE, "kps": "55"}])
    out = tmp_path / "out.csv"
    status = _run_as_program(monkeypatch, "score", str(src), "-o", str(out), "--no-model")
    assert status == 0
    assert "2 rows read and written" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count("\n") == 3
    strict = _run_as_program(
        monkeypatch, "score", str(src), "-o", str(out), "--no-model", "--strict"
    )
    assert strict == 1  # the second row is rejected (KPS 55)


def test_other_commands_exit_the_usual_way(monkeypatch, capsys):
    assert _run_as_program(monkeypatch, "schema") == -1000
    assert '"properties"' in capsys.readouterr().out


def test_exit_now_flushes_what_was_printed_before_ending(tmp_path):
    """In a real process: text still in the standard streams' buffers reaches the pipe."""
    script = "import sys, cli; print('kept'); sys.stderr.write('also kept'); cli.exit_now(3)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "kept\n", "also kept")
