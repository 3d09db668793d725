"""A seeded synthetic cohort file for benchmarks and equivalence tests; not patient data.

Why here: the benchmark (``bench/batch.py``) and the tests need the same kind of file, and
the benchmark must not import the tests. Every cell is drawn from a pool built from the
file format itself (``columns``): every code of every vocabulary, whole numbers over and
just outside their ranges, laboratory values at their exact cut-offs in both units, at
the accepted-range limits and just outside them, random values, spaces around values,
empty cells, invalid values (about 1 % of cells), and a free-text column with commas,
quotes, line breaks and cells that start like spreadsheet formulas.

Usage: ``python -m scoring.batch.synthetic ROWS OUT.csv|OUT.parquet [--seed N]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa

from scoring.batch.columns import (
    COLUMNS,
    ID_COLUMN,
    LAB_COLUMNS,
    CodedColumn,
    LabColumn,
    WholeColumn,
    YesNoColumn,
)

NOTE_COLUMN = "note"
NOTES = ("", "", "", "seen twice", 'said "no", then yes', "a, b", "two\nlines", "=1+1", "-5", "@x")
BLOCK = 200_000


def _decimal(value: Fraction, digits: int) -> str:
    """``value`` rounded to ``digits`` decimals, as plain decimal text."""
    scaled = round(value * 10**digits)
    text = format(Decimal(scaled).scaleb(-digits), "f")
    return text


def lab_edges(col: LabColumn) -> list[str]:
    """Cut-off and range-limit texts of a lab column, exact and one step either side."""
    cutoff = col.spec.cutoff_in(col.rule.unit)
    out: list[str] = []
    for digits in (0, 1, 2, 3, 6, 12, 17):
        step = Fraction(1, 10**digits)
        for k in (-1, 0, 1):
            out.append(_decimal(cutoff + k * step, digits))
    for limit in (col.rule.low, col.rule.high):
        exact = Fraction(limit)
        out += [
            str(limit),
            _decimal(exact - Fraction(1, 100), 2),
            _decimal(exact + Fraction(1, 100), 2),
        ]
    return [t for t in dict.fromkeys(out) if not t.startswith("-") or t == "-0.01"]


def _pool(col: object, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """(valid cells, invalid cells) of a column."""
    if isinstance(col, CodedColumn):
        codes = [str(m.value) for m in col.vocabulary]
        return [*codes, f" {codes[0]} ", f"{codes[-1]}\t"], [codes[0].upper(), "x", "n/a"]
    if isinstance(col, YesNoColumn):
        return ["yes", "no", " yes"], ["Yes", "true", "1"]
    if isinstance(col, WholeColumn):
        values = [str(v) for v in range(col.low, col.high + 1, col.step)][:60]
        values += [str(col.low), str(col.high), f"+{col.low}", f" {col.high} ", f"0{col.low}"]
        bad = [str(col.low - col.step), str(col.high + col.step), f"{col.low}.0", "1e1", "x"]
        if col.step > 1:
            bad.append(str(col.low + 1))
        return values, bad
    assert isinstance(col, LabColumn)
    low, high = float(col.rule.low), float(col.rule.high)
    cutoff = float(col.spec.cutoff_in(col.rule.unit))
    spread = rng.uniform(max(low, cutoff * 0.3), min(high, cutoff * 3 + 1), 400)
    random = [f"{v:.{d}f}" for v, d in zip(spread, rng.integers(0, 4, 400), strict=True)]
    return random + lab_edges(col) + [".5", "5."], ["1e1", "1,5", "x", "-1", "NaN"]


def _column(
    col: object, n: int, rng: np.random.Generator, empty: float, invalid: float
) -> np.ndarray:
    valid, bad = _pool(col, rng)
    out = rng.choice(np.array(valid, dtype=object), n)
    draw = rng.random(n)
    out[draw < empty] = ""
    wrong = draw > 1 - invalid
    out[wrong] = rng.choice(np.array(bad, dtype=object), int(wrong.sum()))
    return out


def block(start: int, n: int, rng: np.random.Generator, *, invalid: float = 0.0005) -> pa.Table:
    """Rows ``start`` … ``start + n - 1`` as a table of text columns."""
    data: dict[str, np.ndarray] = {ID_COLUMN: np.arange(start + 1, start + n + 1).astype(str)}
    for col in COLUMNS:
        if isinstance(col, LabColumn):
            continue
        data[col.name] = _column(col, n, rng, 0.05, invalid)
    for col in LAB_COLUMNS:
        data[col.name] = _column(col, n, rng, 0.08, invalid)
    for col in LAB_COLUMNS:
        if col.twin is None or col.name > col.twin:
            continue
        conventional = rng.random(n) < 0.7
        both = rng.random(n) < invalid
        data[col.name] = np.where(conventional | both, data[col.name], "")
        data[col.twin] = np.where(~conventional | both, data[col.twin], "")
    # Most rows are coherent: an organ metastasis is a visceral one, and treatability is
    # left empty without one; about 0.5 % keep the contradiction (rejected rows).
    keep = rng.random(n) < 0.005
    organ = np.char.strip(data["major_organ_mets"].astype(str))
    visceral = np.char.strip(data["visceral_mets"].astype(str))
    fix = ~keep & np.isin(organ, ["removable", "unremovable"]) & (visceral == "none")
    data["visceral_mets"][fix] = "nodular"
    visceral[fix] = "nodular"
    data["visceral_mets_treatable"][~keep & (visceral == "none")] = ""
    data[NOTE_COLUMN] = rng.choice(np.array(NOTES, dtype=object), n)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in data.items()})


def header() -> list[str]:
    return [ID_COLUMN, *(c.name for c in COLUMNS), NOTE_COLUMN]


def write(path: Path, rows: int, seed: int = 0, *, invalid: float = 0.0005) -> None:
    """Write ``rows`` synthetic rows to ``path`` (CSV, or Parquet by extension)."""
    rng = np.random.default_rng(seed)
    parquet = path.suffix.lower() in (".parquet", ".pq")
    writer: object = None
    with path.open("wb") as out:
        for start in range(0, max(rows, 1), BLOCK):
            n = min(BLOCK, rows - start)
            table = block(start, n, rng, invalid=invalid).select(header())
            if parquet:
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(out, table.schema)
                assert isinstance(writer, pq.ParquetWriter)
                writer.write_table(table)
            else:
                import pyarrow.csv as pacsv

                options = pacsv.WriteOptions(include_header=start == 0)
                pacsv.write_csv(table, out, write_options=options)
        if writer is not None:
            writer.close()  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write(args.output, args.rows, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
