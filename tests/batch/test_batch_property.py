"""Property: the batch path and the single-case path agree on random cases.

Each example is a small cohort of random rows, valid and invalid, written to a CSV and
scored by ``run_batch`` with a random chunk size. Every row is also read by an
independent, per-row reference of the batch's documented text rules (``reference``
below: strip spaces/tabs, whole numbers as ``[+-]?digits``, plain decimals, ``yes``/``no``,
both units of one analyte is an error) and handed to ``PatientCase`` and
``score_case``. The batch must reject a row exactly when the reference or
``PatientCase`` rejects it, and otherwise give the same totals, ranges, bands and
missing fields.
"""

from __future__ import annotations

import csv
import re
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring import PatientCase, score_case
from scoring.batch import (
    COLUMNS,
    LAB_COLUMNS,
    CodedColumn,
    LabColumn,
    WholeColumn,
    YesNoColumn,
    run_batch,
)

SPACE = " \t"
WHOLE = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
HEADER = ["case_id", *(c.name for c in COLUMNS)]

padding = st.sampled_from(["", "", "", " ", "\t", "  "])
junk = st.sampled_from(["x", "-", "n/a", "NA", "?", "1,5", "\u00a0", "0x10", "1e1", "nan", "inf"])


def padded(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda a, s, b: a + s + b, padding, inner, padding)


def coded_cell(col: CodedColumn | YesNoColumn) -> st.SearchStrategy[str]:
    codes = (
        ["yes", "no"] if isinstance(col, YesNoColumn) else [str(m.value) for m in col.vocabulary]
    )
    near_misses = [c.upper() for c in codes[:3]] + [c + "_" for c in codes[:2]] + ["true", "1"]
    return st.one_of(
        st.just(""),
        padded(st.sampled_from(codes)),
        st.sampled_from(codes),
        st.sampled_from(near_misses),
        junk,
    )


def whole_cell(col: WholeColumn) -> st.SearchStrategy[str]:
    inside = st.integers(col.low, col.high)
    around = st.integers(col.low - 3 * col.step, col.high + 3 * col.step)
    return st.one_of(
        st.just(""),
        inside.map(str),
        around.map(str),
        padded(inside.map(str)),
        inside.map(lambda v: f"+{v}"),
        inside.map(lambda v: f"0{v}"),
        inside.map(lambda v: f"{v}.0"),
        junk,
    )


def _decimal_text(value: Fraction, digits: int) -> str:
    scaled = round(value * 10**digits)
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}" if digits else f"{sign}{text}"


def lab_cell(col: LabColumn) -> st.SearchStrategy[str]:
    cutoff = col.spec.cutoff_in(col.rule.unit)
    low, high = Fraction(col.rule.low), Fraction(col.rule.high)
    near_cutoff = st.builds(
        lambda k, d: _decimal_text(cutoff + Fraction(k, 10**d), d),
        st.integers(-3, 3),
        st.integers(0, 20),
    )
    anywhere = st.builds(
        lambda x, d: _decimal_text(low + (high - low) * Fraction(x), d),
        st.fractions(0, 1, max_denominator=10**6),
        st.integers(0, 4),
    )
    outside = st.builds(
        lambda k, d, top: _decimal_text((high if top else low) + Fraction(k, 10**d), d),
        st.integers(-2, 2),
        st.integers(0, 30),
        st.booleans(),
    )
    return st.one_of(
        st.just(""),
        st.just(""),
        near_cutoff,
        padded(near_cutoff),
        anywhere,
        outside,
        near_cutoff.map(lambda t: t.lstrip("0") or "0"),  # ".4"
        junk,
    )


def cell(col: object) -> st.SearchStrategy[str]:
    if isinstance(col, (CodedColumn, YesNoColumn)):
        return coded_cell(col)
    if isinstance(col, WholeColumn):
        return whole_cell(col)
    assert isinstance(col, LabColumn)
    return lab_cell(col)


@st.composite
def row(draw: st.DrawFn) -> dict[str, str]:
    """A third each: complete valid rows (labs may be empty), valid rows with empty cells,
    and rows where any cell may be invalid (so most valid rows are complete enough to
    have totals, and invalid rows are common)."""
    mode = draw(st.sampled_from(["complete", "sparse", "wild"]))
    out: dict[str, str] = {}
    for col in COLUMNS:
        if mode == "sparse" or isinstance(col, LabColumn):
            strategy = VALID_CELLS[col.name]
        else:
            strategy = FILLED_CELLS[col.name]
        if mode == "wild" and draw(st.integers(0, 11)) == 0:
            strategy = CELLS[col.name]
        out[col.name] = draw(strategy)
    for col in LAB_COLUMNS:  # usually one unit per analyte; both sometimes (an error)
        if col.twin and out.get(col.twin) and out[col.name] and draw(st.integers(0, 7)) > 0:
            out[col.name] = ""
    return out


def _valid_only(col: object, *, empty: bool = True) -> st.SearchStrategy[str]:
    """A valid cell; ``empty`` allows the empty cell (not recorded) too.

    Not a ``.filter``: a filter that rejects often makes Hypothesis discard whole rows.
    """
    if isinstance(col, CodedColumn):
        values = st.sampled_from([str(m.value) for m in col.vocabulary])
    elif isinstance(col, YesNoColumn):
        values = st.sampled_from(["yes", "no"])
    elif isinstance(col, WholeColumn):
        values = st.sampled_from(range(col.low, col.high + 1, col.step)).map(str)
    else:
        assert isinstance(col, LabColumn)
        cutoff = col.spec.cutoff_in(col.rule.unit)
        values = st.builds(
            lambda k, d: _decimal_text(cutoff + Fraction(k, 10**d), d),
            st.integers(-2, 2),
            st.integers(0, 18),
        )
    return st.one_of(st.just(""), values) if empty else values


# Built once: building strategies inside each draw dominated the run time.
CELLS = {col.name: cell(col) for col in COLUMNS}
VALID_CELLS = {col.name: _valid_only(col) for col in COLUMNS}
FILLED_CELLS = {col.name: _valid_only(col, empty=False) for col in COLUMNS}


def reference(cells: dict[str, str]) -> PatientCase | None:
    """Per-row reading of the batch's text rules, then ``PatientCase``; None = rejected."""
    kwargs: dict[str, object] = {}
    for col in COLUMNS:
        text = cells[col.name].strip(SPACE)
        if not text or isinstance(col, LabColumn):
            continue
        if isinstance(col, YesNoColumn):
            if text not in ("yes", "no"):
                return None
            kwargs[col.field] = text == "yes"
        elif isinstance(col, WholeColumn):
            if not WHOLE.fullmatch(text):
                return None
            kwargs[col.field] = int(text)
        else:
            kwargs[col.field] = text
    for col in LAB_COLUMNS:
        text = cells[col.name].strip(SPACE)
        if not text:
            continue
        if col.twin and cells[col.twin].strip(SPACE):
            return None  # both units of one analyte
        if not DECIMAL.fullmatch(text):
            return None
        kwargs[col.field] = {"value": Decimal(text), "unit": col.rule.unit}
    try:
        return PatientCase(**kwargs)  # type: ignore[arg-type]
    except ValidationError:
        return None


def expected_columns(case: PatientCase) -> dict[str, str]:
    """The batch columns the single-case path implies (incomplete → empty total/band)."""
    scores = score_case(case)
    t, k, s = scores.tokuhashi, scores.katagiri, scores.sins

    def band(score: object) -> str:
        result = score  # ScoreResult
        return "" if result.incomplete or result.band is None else result.band.code  # type: ignore[attr-defined]

    return {
        "tokuhashi_total": "" if t.total is None else str(t.total),
        "tokuhashi_band": band(t),
        "katagiri_min": "" if k.incomplete else str(k.total_min),
        "katagiri_max": "" if k.incomplete else str(k.total_max),
        "katagiri_group": band(k),
        "sins_total": "" if s.total is None else str(s.total),
        "sins_category": band(s),
        **{
            f"{r.key}_{suffix}": value
            for r, group in ((scores.tomita, "group"), (scores.bauer, "band"))
            for suffix, value in (
                ("min", str(r.total_min)),
                ("max", str(r.total_max)),
                (group, "" if r.band is None else r.band.code),  # empty when spanning
            )
        },
        "missing": ";".join(dict.fromkeys(n for r in scores.scores for n in r.missing)),
        "error": "",
    }


@settings(
    max_examples=120,  # × up to 24 rows each; chunk boundaries are tested in test_batch.py
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=st.lists(row(), min_size=1, max_size=24), chunk_size=st.sampled_from([5, 1000]))
def test_batch_agrees_with_single_case(rows: list[dict[str, str]], chunk_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for i, cells in enumerate(rows):
                writer.writerow([str(i), *(cells[c.name] for c in COLUMNS)])
        summary = run_batch(src, dst, quiet=True, chunk_size=chunk_size, keep_formulas=True)
        with dst.open(encoding="utf-8", newline="") as handle:
            out = list(csv.DictReader(handle))
    assert summary.rows == len(out) == len(rows)
    for i, (cells, got) in enumerate(zip(rows, out, strict=True)):
        assert got["case_id"] == str(i)
        assert all(got[c.name] == cells[c.name] for c in COLUMNS)  # echoed unchanged
        case = reference(cells)
        if case is None:
            assert got["error"], cells
            first = got["error"].split(":", 1)[0].split(" and ")[0]
            assert first in cells, got["error"]  # the message names a column
            assert all(got[c] == "" for c in expected_columns(PatientCase()) if c != "error")
        else:
            want = expected_columns(case)
            assert {c: got[c] for c in want} == want, cells


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda digits, point: digits[:point] + "." + digits[point:] if point else digits,
            st.text("0123456789", min_size=1, max_size=30),
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_arrow_float_parse_is_correctly_rounded(texts: list[str]) -> None:
    """The float the batch compares first is Python's (correctly rounded) float."""
    parsed = pc.cast(pa.array(texts, type=pa.large_string()), pa.float64()).to_pylist()
    assert parsed == [float(t) for t in texts]
