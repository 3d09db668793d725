"""Benchmark ``cli.py score`` against the floor of reading and writing the same CSV.

Usage::

    .venv/bin/python bench/batch.py                       # 1,000,000 rows
    .venv/bin/python bench/batch.py --rows 100000 1000000 # memory independent of N?

The floor is what no batch scorer can beat with this I/O stack: a subprocess that reads
the file with ``pd.read_csv(dtype=str, keep_default_na=False, chunksize=N)`` and writes
every chunk back with ``to_csv``, with the same chunk size. Both run as subprocesses of
this script, so both pay interpreter start-up and the pandas import, and both are timed
in the same run on the same file (machines differ; a ratio measured in one run does
not). Peak memory is each subprocess's own maximum resident set size, read with
``os.wait4``. Target (issue 2): score ≤ 1.5 × floor at 1,000,000 rows, and a peak memory
that does not grow with N. Nothing here asserts a time: benchmarks are not tests.

The generated cohort is seeded and realistic enough to exercise every path: every
vocabulary code, counts and labs around their cut-offs in both unit systems, ~5 % empty
cells, ~0.5 % invalid values and a pass-through column with commas and quotes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHUNK_SIZE = 50_000  # scoring.batch's default; not imported, see _timed

FLOOR = """
import sys
import pandas as pd
src, dst, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(dst, "w", encoding="utf-8", newline="") as out:
    reader = pd.read_csv(src, dtype=str, keep_default_na=False, index_col=False,
                         encoding="utf-8-sig", chunksize=chunk)
    for i, frame in enumerate(reader):
        frame.to_csv(out, index=False, header=i == 0, lineterminator="\\n")
"""


# scoring.batch alone (cli.py score routes through models.batch, which adds the model's
# columns through the scorer's extra_columns hook): both are timed.
SCORER = """
import argparse, sys
from scoring import batch
parser = argparse.ArgumentParser()
batch.add_arguments(parser)
sys.exit(batch.run(parser.parse_args()))
"""


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Write ``rows`` synthetic cases (vectorized, in blocks to bound this script's memory)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    block = 200_000
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            frame = _block(rng, start, n)
            frame.to_csv(out, index=False, header=start == 0, lineterminator="\n")


def _pick(rng: np.random.Generator, values: list[str], n: int, empty: float = 0.05) -> np.ndarray:
    import numpy as np

    out = rng.choice(np.array(values, dtype=object), n)
    out[rng.random(n) < empty] = ""
    return out


def _numbers(
    rng: np.random.Generator, low: float, high: float, decimals: int, n: int
) -> np.ndarray:
    import numpy as np

    values = np.round(rng.uniform(low, high, n), decimals)
    text = (
        np.array([f"{v:.{decimals}f}" for v in values], dtype=object)
        if decimals
        else (values.astype(np.int64).astype(str).astype(object))
    )
    text[rng.random(n) < 0.05] = ""
    return text


def _block(rng: np.random.Generator, start: int, n: int) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from scoring.batch import COLUMNS, CodedColumn

    data: dict[str, np.ndarray] = {"case_id": np.arange(start + 1, start + n + 1).astype(str)}
    for col in COLUMNS:
        if isinstance(col, CodedColumn):
            data[col.name] = _pick(rng, [str(m.value) for m in col.vocabulary], n)
    data["previous_chemotherapy"] = _pick(rng, ["yes", "no"], n)
    data["age_years"] = _numbers(rng, 18, 95, 0, n)
    data["kps"] = _pick(rng, [str(k) for k in range(10, 101, 10)], n)
    data["ecog"] = _pick(rng, ["0", "1", "2", "3", "4"], n)
    data["extraspinal_bone_mets"] = _pick(rng, [str(k) for k in range(0, 8)], n)
    data["vertebral_body_mets"] = _pick(rng, [str(k) for k in range(1, 6)], n)
    conventional = rng.random(n) < 0.7
    for conv, si, low, high, factor, decimals in (
        ("crp_mg_dl", "crp_mg_l", 0.0, 3.0, 10.0, 2),
        ("albumin_g_dl", "albumin_g_l", 2.0, 5.0, 10.0, 1),
        ("calcium_mg_dl", "calcium_mmol_l", 8.0, 12.0, 1 / 4.008, 2),
        ("bilirubin_mg_dl", "bilirubin_umol_l", 0.2, 2.5, 17.104, 1),
    ):
        value = _numbers(rng, low, high, decimals, n)
        as_si = np.array(
            [f"{float(v) * factor:.{decimals + 1}f}" if v else "" for v in value], dtype=object
        )
        data[conv] = np.where(conventional, value, "")
        data[si] = np.where(conventional, "", as_si)
    data["ldh_u_l"] = _numbers(rng, 120, 600, 0, n)
    data["platelets_10e9_l"] = _numbers(rng, 40, 400, 0, n)
    data["note"] = _pick(rng, ["", "seen twice", 'said "no", then yes', "a, b"], n, empty=0.5)
    frame = pd.DataFrame(data)
    bad = rng.random(n) < 0.005  # invalid values, rejected with a message
    frame.loc[bad, "kps"] = "55"
    return frame


def _timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one subprocess.

    This process imports neither pandas nor NumPy (the data is generated in a subprocess
    too): a child's ``ru_maxrss`` keeps the high-water mark of the image it was forked
    from, so a heavy parent would inflate every child's figure. CPU seconds are reported
    beside wall seconds because the machine is shared: other jobs stretch wall time but
    hardly CPU time.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with status {code}:\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000], help="N (several ok)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.generate is not None:
        generate(args.generate, args.rows[0])
        return 0
    python = sys.executable
    print(f"chunk size {args.chunk_size:,}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    print(
        f"{'rows':>10} {'MB':>5} {'command':<22} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9} "
        f"{'wall ×':>7} {'cpu ×':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for rows in args.rows:
            src = Path(tmp) / f"cases_{rows}.csv"
            subprocess.run(
                [python, __file__, "--generate", str(src), "--rows", str(rows)], check=True
            )
            size = src.stat().st_size / 1e6
            chunk = str(args.chunk_size)
            out = str(Path(tmp) / "out.csv")
            scorer_args = [str(src), "-o", out, "--quiet", "--chunk-size", chunk]
            commands = {
                "floor (pandas r+w)": [python, "-c", FLOOR, str(src), out, chunk],
                "scoring.batch": [python, "-c", SCORER, *scorer_args],
                "cli.py score": [python, "cli.py", "score", *scorer_args],
            }
            floor = None
            for name, cmd in commands.items():
                wall, cpu, peak = _timed(cmd)
                floor = floor or (wall, cpu)
                print(
                    f"{rows:>10,} {size:>5.0f} {name:<22} {wall:>7.2f} {cpu:>6.2f} {peak:>9.0f} "
                    f"{wall / floor[0]:>7.2f} {cpu / floor[1]:>6.2f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
