"""Benchmark ``cli.py score`` against the Arrow floor, pandas, and itself at 10 rows.

Usage::

    .venv/bin/python bench/batch.py                          # 10, 100,000 and 1,000,000 rows
    .venv/bin/python bench/batch.py --rows 10 1000000 --repeat 3

Per size N, one seeded synthetic file (``python -m scoring.batch.synthetic``: every code,
cut-off and range-limit value, ~1 % empty cells, some invalid values, a free-text column)
is processed by each command below as a **separate process**, so every figure includes
interpreter start-up and imports, as a user running the command pays them:

- ``arrow floor``: ``pyarrow.csv.read_csv`` + ``pyarrow.csv.write_csv`` of the same file
  (all columns read as text) — the floor a well-kept CSV library reaches on the same I/O;
- ``pandas``: ``pandas.read_csv(dtype=str, keep_default_na=False)`` + ``to_csv``;
- ``cli.py score``: scores, model columns, validation (the command users run);
- ``cli.py score --no-model``: scores only.

Each command writes a file that does not exist yet (the previous command's output is
removed first, untimed), so that no command pays for replacing another's output.
Wall seconds, CPU seconds (user + system) and peak resident memory come from
``os.wait4``'s ``rusage`` for that child alone. The machine is shared, so the medians of
``--repeat`` runs are reported and every figure is also given as a ratio to the Arrow
floor measured in the same run. This process imports neither NumPy, pandas nor pyarrow
(a child's peak memory would otherwise start from the parent's image). Targets
(issue 13): at 1,000,000 rows ``cli.py score`` ≤ 2 × the floor; 10 rows ≤ 0.6 s wall;
peak memory flat in N and ≤ 400 MiB at 1,000,000 rows. Nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import sys
import pyarrow as pa, pyarrow.csv as c
with open(sys.argv[1], encoding="utf-8") as f:
    names = f.readline().rstrip("\\n").replace('"', "").split(",")
t = c.read_csv(sys.argv[1], parse_options=c.ParseOptions(newlines_in_values=True),
               convert_options=c.ConvertOptions(
    column_types={n: pa.string() for n in names}, strings_can_be_null=False))
c.write_csv(t, sys.argv[2])
"""
PANDAS = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
frame.to_csv(sys.argv[2], index=False, lineterminator="\\n")
"""


def _timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"{' '.join(cmd)} failed with status {code}:\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--skip-pandas", action="store_true", help="omit the pandas command")
    args = parser.parse_args()
    python = sys.executable
    print(f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}; medians of {args.repeat}")
    print(
        f"{'rows':>10} {'MB':>6} {'command':<26} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9} "
        f"{'wall/floor':>10} {'cpu/floor':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for rows in args.rows:
            src = Path(tmp) / f"cases_{rows}.csv"
            make = [python, "-m", "scoring.batch.synthetic", str(rows), str(src)]
            subprocess.run(make, cwd=ROOT, check=True)
            size = src.stat().st_size / 1e6
            out = str(Path(tmp) / "out.csv")
            commands = {
                "arrow floor (read+write)": [python, "-c", FLOOR, str(src), out],
                "pandas (read+write)": [python, "-c", PANDAS, str(src), out],
                "cli.py score": [python, "cli.py", "score", str(src), "-o", out, "--quiet"],
                "cli.py score --no-model": [
                    *[python, "cli.py", "score", str(src), "-o", out, "--quiet"],
                    "--no-model",
                ],
            }
            if args.skip_pandas:
                del commands["pandas (read+write)"]
            runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
            for _ in range(args.repeat):  # interleaved, so load changes hit every command
                for name, cmd in commands.items():
                    # Every command writes a new file: replacing the previous command's
                    # output made the next one wait for the kernel to write that file
                    # back and free its pages (up to 0.3 s, charged to whoever ran next).
                    Path(out).unlink(missing_ok=True)
                    runs[name].append(_timed(cmd))
            medians = {
                name: tuple(statistics.median(r[i] for r in results) for i in range(3))
                for name, results in runs.items()
            }
            floor_wall, floor_cpu, _ = medians["arrow floor (read+write)"]
            for name, (wall, cpu, peak) in medians.items():
                print(
                    f"{rows:>10,} {size:>6.1f} {name:<26} {wall:>7.2f} {cpu:>6.2f} {peak:>9.0f} "
                    f"{wall / floor_wall:>10.2f} {cpu / floor_cpu:>9.2f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
