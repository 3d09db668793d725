"""Batch scoring: worked examples, malformed rows, malformed files, exit statuses, output.

The agreement of every output column with the single-case path on random rows is in
``test_batch_property.py``; here are the cases a reader should be able to check by eye.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pydantic import ValidationError

from scoring import PatientCase, score_case
from scoring.batch import (
    COLUMNS,
    LAB_COLUMNS,
    OUTPUT_COLUMNS,
    REQUIRED,
    ExtraColumns,
    ScoredChunk,
    WholeColumn,
    add_arguments,
    arrow_text,
    parse_chunk,
    run,
    run_batch,
)
from scoring.batch.progress import Progress
from scoring.batch.writer import CsvWriter

# Worked examples of the modules' docstrings, completed so each score is complete.
BASE: dict[str, str] = {
    "case_id": "1",
    "sex": "male",
    "lesion_level": "C7",
    "frankel": "D",
    "kps": "60",
    "ecog": "3",
    "primary_tumor": "thyroid",
    "extraspinal_bone_mets": "0",
    "vertebral_body_mets": "1",
    "major_organ_mets": "none",
    "visceral_mets": "none",
    "previous_chemotherapy": "no",
    "crp_mg_dl": "1.2",
    "ldh_u_l": "",
    "albumin_g_dl": "",
    "platelets_10e9_l": "150",
    "calcium_mg_dl": "9.0",
    "bilirubin_mg_dl": "0.8",
    "sins_pain": "mechanical",
    "sins_bone_lesion": "lytic",
    "sins_alignment": "normal",
    "sins_collapse": "lt50",
    "sins_posterolateral": "unilateral",
}
HEADER = list(BASE)


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or HEADER
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_rows(
    tmp_path: Path, rows: list[dict[str, str]], header: list[str] | None = None, **kw: object
) -> list[dict[str, str]]:
    src = write_csv(tmp_path / "in.csv", rows, header)
    run_batch(src, tmp_path / "out.csv", quiet=True, **kw)  # type: ignore[arg-type]
    return read_csv(tmp_path / "out.csv")


def cli(tmp_path: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


# ----------------------------------------------------------------------- worked examples


def test_worked_examples(tmp_path):
    """Tokuhashi 13 (≥ 1 year), Katagiri 5 (intermediate, labs complete enough), SINS 11."""
    (out,) = score_rows(tmp_path, [BASE])
    # KPS 60 → 1, 0 foci → 2, 1 vertebra → 2, no organ mets → 2, thyroid → 5, Frankel D → 1
    assert (out["tokuhashi_total"], out["tokuhashi_band"]) == ("13", "1_year_or_more")
    # thyroid slow 0, visceral 0, CRP 1.2 abnormal 1 (LDH and albumin could add nothing more:
    # not missing), ECOG 3 → 1, no chemo 0, solitary 0
    assert (out["katagiri_min"], out["katagiri_max"], out["katagiri_group"]) == ("2", "2", "low")
    # C7 junctional 3, mechanical 3, lytic 2, normal 0, < 50 % 2, unilateral 1
    assert (out["sins_total"], out["sins_category"]) == ("11", "indeterminate")
    assert out["missing"] == ""
    assert out["error"] == ""


NO_LABS = {"crp_mg_dl": "", "platelets_10e9_l": "", "calcium_mg_dl": "", "bilirubin_mg_dl": ""}


def test_katagiri_range_when_only_labs_missing(tmp_path):
    """No labs: the laboratory item spans 0–2; the group only if both ends share it."""
    within = {**BASE, **NO_LABS}  # 1 + (0…2) = 1…3, all low
    straddling = {**within, "primary_tumor": "liver", "ecog": "1"}  # 3…5: low or intermediate
    out = score_rows(tmp_path, [within, straddling])
    assert [(r["katagiri_min"], r["katagiri_max"], r["katagiri_group"]) for r in out] == [
        ("1", "3", "low"),
        ("3", "5", ""),
    ]
    assert out[0]["missing"] == "crp;ldh;albumin;platelets;calcium;bilirubin"
    for row, got in zip((within, straddling), out, strict=True):
        k = score_case(PatientCase(**_case_kwargs(row))).katagiri
        assert (got["katagiri_min"], got["katagiri_max"]) == (str(k.total_min), str(k.total_max))
        assert got["katagiri_group"] == (k.band.code if k.band else "")


def test_critical_lab_makes_the_others_unneeded(tmp_path):
    """Platelets < 100 fixes the item at 2: no other lab can change it, none is missing."""
    (out,) = score_rows(tmp_path, [{**BASE, **NO_LABS, "platelets_10e9_l": "99.9"}])
    assert out["missing"] == ""
    assert out["katagiri_min"] == out["katagiri_max"] == "3"


def _case_kwargs(row: dict[str, str]) -> dict[str, object]:
    """The single-case input for a row of this file's simple rows (all values valid)."""
    kwargs: dict[str, object] = {}
    for col in COLUMNS:
        cell = row.get(col.name, "").strip()
        if not cell:
            continue
        if isinstance(col, WholeColumn):
            kwargs[col.field] = int(cell)
        elif col.name in ("previous_chemotherapy", "visceral_mets_treatable"):
            kwargs[col.field] = cell == "yes"
        elif col in LAB_COLUMNS:
            kwargs[col.field] = {"value": Decimal(cell), "unit": col.rule.unit}  # type: ignore[union-attr]
        else:
            kwargs[col.field] = cell
    return kwargs


def test_incomplete_scores_are_empty_and_name_the_missing_fields(tmp_path):
    row = {**BASE, "frankel": "", "ecog": "", "sins_pain": ""}
    (out,) = score_rows(tmp_path, [row])
    assert out["tokuhashi_total"] == out["tokuhashi_band"] == ""
    assert out["katagiri_min"] == out["katagiri_max"] == out["katagiri_group"] == ""
    assert out["sins_total"] == out["sins_category"] == ""
    assert out["missing"] == "frankel;ecog;sins_pain"
    assert out["error"] == ""


def test_multiple_skeletal_decided_by_one_count(tmp_path):
    """Two vertebrae decide 'multiple' even with the extraspinal count unknown (spec §9)."""
    row = {**BASE, "extraspinal_bone_mets": "", "vertebral_body_mets": "2"}
    (out,) = score_rows(tmp_path, [row])
    assert out["missing"] == "extraspinal_bone_mets"  # Tokuhashi needs it; Katagiri does not
    assert out["katagiri_min"] == out["katagiri_max"] == "3"


# ------------------------------------------------------------------------ malformed rows

BAD_CELLS = [
    ("sex", "Male", "male, female"),
    ("sex", "m", "male, female"),
    ("lesion_level", "C8", "C1–C7, T1–T12, L1–L5, S1–S5"),
    ("lesion_level", "c5", "C1–C7"),
    ("lesion_level", "L6", "C1–C7"),
    ("frankel", "D1", "A, B, C, D, E"),
    ("kps", "55", "10–100 in steps of 10"),
    ("kps", "0", "10–100 in steps of 10"),
    ("kps", "110", "10–100 in steps of 10"),
    ("kps", "80%", "10–100 in steps of 10"),
    ("ecog", "5", "0–4"),
    ("ecog", "3.0", "whole number"),
    ("ecog", "1e0", "whole number"),
    ("ecog", "-1", "0–4"),
    ("primary_tumor", "colorectal", "lung_targeted"),
    ("extraspinal_bone_mets", "-1", "0–999"),
    ("extraspinal_bone_mets", "1000", "0–999"),
    ("extraspinal_bone_mets", "two", "whole number"),
    ("vertebral_body_mets", "0", "1–29"),
    ("vertebral_body_mets", "30", "1–29"),
    ("major_organ_mets", "yes", "none, removable, unremovable"),
    ("visceral_mets", "brain", "none, nodular, disseminated"),
    ("previous_chemotherapy", "true", "yes, no"),
    ("previous_chemotherapy", "Yes", "yes, no"),
    ("crp_mg_dl", "-0.1", "0–100"),
    ("crp_mg_dl", "101", "0–100"),
    ("crp_mg_dl", "1,2", "not a number"),
    ("crp_mg_dl", "1e-1", "not a number"),
    ("crp_mg_dl", "nan", "not a number"),
    ("crp_mg_dl", "inf", "not a number"),
    ("ldh_u_l", "50001", "0–50000"),
    ("albumin_g_dl", "35", "0.5–7"),  # almost surely g/L in the wrong column
    ("platelets_10e9_l", "2001", "0–2000"),
    ("calcium_mg_dl", "1.9", "2–25"),
    ("bilirubin_mg_dl", "50.01", "0–50"),
    ("sins_pain", "yes", "mechanical, occasional, none"),
    ("sins_bone_lesion", "sclerotic", "lytic, mixed, blastic"),
    ("sins_alignment", "kyphosis", "subluxation, deformity, normal"),
    ("sins_collapse", "eq50", "gt50, lt50, none_gt50_involved, none"),
    ("sins_posterolateral", "both", "bilateral, unilateral, none"),
]


@pytest.mark.parametrize(("column", "value", "allowed"), BAD_CELLS)
def test_bad_value_rejects_only_its_row(tmp_path, column, value, allowed):
    rows = [BASE, {**BASE, "case_id": "2", column: value}, {**BASE, "case_id": "3"}]
    out = score_rows(tmp_path, rows)
    assert [r["case_id"] for r in out] == ["1", "2", "3"]
    good, bad, after = out
    assert bad["error"].startswith(f"{column}: '{value}'")
    assert allowed in bad["error"]
    assert all(bad[c] == "" for c in OUTPUT_COLUMNS if c != "error")
    assert bad[column] == value  # echoed as written
    assert good["tokuhashi_total"] == after["tokuhashi_total"] == "13"
    assert good["error"] == after["error"] == ""


@pytest.mark.parametrize(("column", "value", "allowed"), BAD_CELLS)
def test_bad_values_are_bad_for_patient_case_too(column, value, allowed):
    """Where the batch's grammar reads a value, PatientCase rejects that value too."""
    col = next(c for c in COLUMNS if c.name == column)
    if isinstance(col, WholeColumn) and not re.fullmatch(r"[+-]?[0-9]+", value):
        return  # "3.0", "1e0": the batch's grammar for whole numbers (module docstring)
    if col in LAB_COLUMNS and not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
        return  # "1e-1", "1,2": plain decimal notation only
    kwargs = _case_kwargs({k: v for k, v in BASE.items() if k in REQUIRED})
    try:
        if isinstance(col, WholeColumn):
            kwargs[col.field] = int(value)
        elif col in LAB_COLUMNS:
            kwargs[col.field] = {"value": Decimal(value), "unit": col.rule.unit}  # type: ignore[union-attr]
        elif column != "previous_chemotherapy":
            kwargs[col.field] = value
        else:
            return  # yes/no is the batch's own spelling
    except (ValueError, ArithmeticError):
        return  # not a number at all: rejected by the batch's grammar
    with pytest.raises(ValidationError):
        PatientCase(**kwargs)


def test_several_errors_in_one_row_are_all_named(tmp_path):
    (out,) = score_rows(tmp_path, [{**BASE, "kps": "55", "sins_pain": "x"}])
    assert out["error"].startswith("kps: '55'")
    assert "; sins_pain: 'x'" in out["error"]


def test_both_units_of_one_analyte_is_an_error(tmp_path):
    header = [*HEADER, "crp_mg_l"]
    (out,) = score_rows(tmp_path, [{**BASE, "crp_mg_l": "12"}], header)
    assert out["error"] == "crp_mg_dl and crp_mg_l: both given; give CRP in one unit only"
    (ok,) = score_rows(tmp_path, [{**BASE, "crp_mg_dl": "", "crp_mg_l": "12"}], header)
    assert ok["error"] == ""
    assert ok["katagiri_min"] == "2"  # 12 mg/L ≥ 4 mg/L: abnormal, as 1.2 mg/dL


@pytest.mark.parametrize(
    ("cell", "expected"), [("+3", "3"), (" 3 ", "3"), ("\t3", "3"), ("03", "3")]
)
def test_whole_number_spellings_accepted(tmp_path, cell, expected):
    (out,) = score_rows(tmp_path, [{**BASE, "ecog": cell}])
    assert out["error"] == ""
    assert out["ecog"] == cell  # the input is echoed unchanged
    assert out["katagiri_min"] == "2"  # ECOG 3 → 1 point


def test_no_break_space_is_not_whitespace(tmp_path):
    (out,) = score_rows(tmp_path, [{**BASE, "sex": "male\u00a0"}])
    assert out["error"].startswith("sex: ")


# --------------------------------------------------------------------------- lab cut-offs


def _cutoff_texts(col) -> list[str]:
    """At, just below and just above the cut-off in the column's unit, at several scales."""
    cutoff = col.spec.cutoff_in(col.rule.unit)
    texts = []
    for digits in (1, 2, 3, 6, 12, 16, 17, 20, 25):
        step = Fraction(1, 10**digits)
        floor = Fraction(int(cutoff / step), 1) * step  # truncated to `digits` decimals
        for value in (floor - step, floor, floor + step, floor + 2 * step):
            if value >= 0:
                texts.append(_decimal_text(value, digits))
    return texts


def _decimal_text(value: Fraction, digits: int) -> str:
    scaled = value * 10**digits
    assert scaled.denominator == 1
    text = str(scaled.numerator).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}"


@pytest.mark.parametrize("col", LAB_COLUMNS, ids=lambda c: c.name)
def test_lab_cutoffs_agree_with_exact_comparison(col):
    """Batch flags equal ``AnalyteSpec.is_flagged`` at, below and above every cut-off."""
    texts = _cutoff_texts(col)
    cutoff = col.spec.cutoff_in(col.rule.unit)
    if cutoff.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100, 1000, 10000):
        texts.append(str(Decimal(cutoff.numerator) / Decimal(cutoff.denominator)))
    texts += [t.rstrip("0") for t in texts if "." in t] + [t + "000" for t in texts if "." in t]
    parsed = parse_chunk({col.name: pa.array(texts, type=pa.large_string())}, len(texts))
    flagged = parsed.lab_flagged[col.field]
    for text, got in zip(texts, flagged, strict=True):
        expected = col.spec.is_flagged(Decimal(text), col.rule.unit)
        in_range = col.rule.low <= Decimal(text) <= col.rule.high
        assert bool(got) == (expected and in_range), (col.name, text)


def test_calcium_si_rounding_trap():
    """10.3 mg/dL = 2.56986… mmol/L: 2.57 is critical, 2.5698 is not (spec A-K7)."""
    # 2575/1002 = 2.569860279441117764471057…: the last two are one unit of the 21st
    # decimal above and below it, and equal as floats.
    texts = ["2.57", "2.5698", "2.569860279441117764472", "2.569860279441117764471"]
    parsed = parse_chunk({"calcium_mmol_l": pa.array(texts, type=pa.large_string())}, 4)
    assert parsed.lab_flagged["calcium"].tolist() == [True, False, True, False]
    assert float(texts[2]) == float(texts[3])


@pytest.mark.parametrize("col", LAB_COLUMNS, ids=lambda c: c.name)
def test_lab_range_limits_are_exact(col):
    low, high = col.rule.low, col.rule.high
    # one unit of the 30th decimal outside each limit: the same float as the limit
    above = f"{high:f}" + ("" if "." in f"{high:f}" else ".") + "0" * 29 + "1"
    texts = [f"{low:f}", f"{high:f}", above]
    if low > 0:
        texts.append(_decimal_text(Fraction(low) - Fraction(1, 10**30), 30))
        assert float(texts[-1]) == float(low)
    assert float(above) == float(high)
    parsed = parse_chunk({col.name: pa.array(texts, type=pa.large_string())}, len(texts))
    assert parsed.valid.tolist() == [True, True, False, False][: len(texts)]


def test_whole_columns_match_patient_case_constraints():
    """Bounds and steps read from PatientCase accept exactly what PatientCase accepts."""
    for col in COLUMNS:
        if not isinstance(col, WholeColumn):
            continue
        for value in range(col.low - 12, col.high + 13):
            try:
                PatientCase(**{col.field: value})
                accepted = True
            except ValidationError:
                accepted = False
            batch = col.low <= value <= col.high and value % col.step == 0
            assert batch == accepted, (col.name, value)


# ------------------------------------------------------------------------ malformed files


def _expect_exit_2(tmp_path, capsys, content: bytes, fragment: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    out = tmp_path / "out.csv"
    assert cli(tmp_path, str(src), "-o", str(out), "--chunk-size", "2") == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "Nothing was written" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv.*"))  # no partial file left behind


def _csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows([{k: r.get(k, "") for k in header or HEADER} for r in rows])
    return buffer.getvalue().encode()


def test_empty_file(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, b"", "empty")


def test_blank_first_line(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, b"\n\n", "empty")


def test_no_header(tmp_path, capsys):
    data = _csv_bytes([BASE]).split(b"\n", 1)[1]  # data rows only
    _expect_exit_2(tmp_path, capsys, data, "does not look like a header")


def test_header_is_the_only_line_and_misses_columns(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, b"case_id,kps\n", "absent from the header: sex,")


def test_required_column_absent(tmp_path, capsys):
    header = [h for h in HEADER if h != "frankel"]
    _expect_exit_2(tmp_path, capsys, _csv_bytes([BASE], header), "absent from the header: frankel")


def test_misspelt_column_gets_a_hint(tmp_path, capsys):
    header = [h if h != "kps" else "KPS" for h in HEADER]
    rows = [{("KPS" if k == "kps" else k): v for k, v in BASE.items()}]
    _expect_exit_2(tmp_path, capsys, _csv_bytes(rows, header), "kps (found 'KPS'?)")


def test_semicolon_separated(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, ";".join(HEADER).encode() + b"\n", "comma-separated")


def test_duplicate_column(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, (",".join([*HEADER, "kps"]) + "\n").encode(), "duplicate")


def test_input_column_clashing_with_output(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, (",".join([*HEADER, "error"]) + "\n").encode(), "clash")


def test_not_utf8_in_header(tmp_path, capsys):
    _expect_exit_2(tmp_path, capsys, ",".join([*HEADER, "Größe"]).encode("latin-1"), "UTF-8")


def test_not_utf8_late_in_the_file(tmp_path, capsys):
    """A Latin-1 byte after several chunks were written: exit 2, no partial output."""
    rows = [{**BASE, "case_id": str(i)} for i in range(9)]
    content = _csv_bytes(rows, [*HEADER, "note"]).rstrip(b"\n")
    content += b"\n" + _csv_bytes([{**BASE, "note": "x"}], [*HEADER, "note"]).split(b"\n")[1]
    content = content[:-1] + "é".encode("latin-1") + b"\n"
    _expect_exit_2(tmp_path, capsys, content, "not UTF-8")


@pytest.mark.parametrize(
    "tail",
    [
        b',"a' + "é".encode("latin-1") + b'",x',  # a lone Latin-1 byte
        b',"a\xed\xa0\x80",x',  # an encoded surrogate
        b',"a\xc3",\xa9',  # a character split over two cells by a comma
    ],
)
def test_not_utf8_says_where(tmp_path, capsys, tail):
    """The column and data row of a cell that is not UTF-8 (rows in chunks of two, so
    the tenth row is in the fifth chunk)."""
    header = [*HEADER, "note", "more"]
    rows = [{**BASE, "case_id": str(i), "note": "ok", "more": "x"} for i in range(9)]
    base = ",".join(BASE.values()).encode()
    content = _csv_bytes(rows, header) + base + tail + b"\n" + base + b",\xff,\n"
    _expect_exit_2(tmp_path, capsys, content, "invalid UTF-8 data in column note, row 10")


def test_record_with_too_many_fields_is_a_rejected_row(tmp_path):
    content = _csv_bytes([BASE, BASE, BASE, BASE]) + (",".join(BASE.values()) + ",extra\n").encode()
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    summary = run_batch(src, tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert summary.rows == len(out) == 5
    assert out[4]["error"].startswith(f"line 6: {len(HEADER) + 1} fields where the header has")
    assert out[4]["tokuhashi_total"] == out[4]["sins_total"] == ""
    assert [r["tokuhashi_total"] for r in out[:4]] == ["13"] * 4


def test_output_may_not_overwrite_input(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", [BASE])
    assert cli(tmp_path, str(src), "-o", str(src)) == 2
    assert "overwrite the input" in capsys.readouterr().err
    assert read_csv(src)[0] == BASE


def test_missing_input_file(tmp_path, capsys):
    assert cli(tmp_path, str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")) == 2
    assert "nope.csv" in capsys.readouterr().err


# ------------------------------------------------------------------ statuses and summary


def test_strict_exit_status(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", [BASE, {**BASE, "kps": "55"}])
    out = tmp_path / "out.csv"
    assert cli(tmp_path, str(src), "-o", str(out)) == 0
    assert cli(tmp_path, str(src), "-o", str(out), "--strict") == 1
    assert len(read_csv(out)) == 2  # the output is still written, errors included
    clean = write_csv(tmp_path / "clean.csv", [BASE])
    assert cli(tmp_path, str(clean), "-o", str(out), "--strict") == 0
    err = capsys.readouterr().err
    assert "1 rejected" in err
    assert "row 2: kps: '55'" in err


def test_summary_counts(tmp_path, capsys):
    rows = [BASE, {**BASE, "kps": "55"}, {**BASE, "frankel": ""}]
    src = write_csv(tmp_path / "in.csv", rows)
    assert cli(tmp_path, str(src), "-o", str(tmp_path / "o.csv"), "--chunk-size", "1") == 0
    err = capsys.readouterr().err
    assert "3 rows read" in err
    assert "2 scored (1 with missing fields" in err
    assert "1 rejected" in err


def test_progress_only_on_a_terminal(tmp_path):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    progress = Progress(quiet=False, stream=tty)
    progress.started -= 10  # pretend a long run
    progress.update(5000, 0.5)
    assert "5,000 rows" in tty.getvalue()
    assert "rows/s" in tty.getvalue()
    assert "left" in tty.getvalue()
    quiet = Tty()
    silenced = Progress(quiet=True, stream=quiet)
    silenced.started -= 10
    silenced.update(5000, 0.5)
    assert quiet.getvalue() == ""
    pipe = io.StringIO()
    piped = Progress(quiet=False, stream=pipe)
    piped.started -= 10
    piped.update(5000, 0.5)
    assert pipe.getvalue() == ""


# ------------------------------------------------------------------------------- output


def test_rows_in_equal_rows_out_in_order_across_chunks(tmp_path):
    rows = [
        {
            **BASE,
            "case_id": str(i),
            "kps": "55" if i % 4 == 0 else "60",
            "frankel": "" if i % 3 == 0 else "D",
        }
        for i in range(23)
    ]
    out = score_rows(tmp_path, rows, chunk_size=5)
    assert [r["case_id"] for r in out] == [str(i) for i in range(23)]
    assert [r["error"] != "" for r in out] == [i % 4 == 0 for i in range(23)]


def test_columns_and_pass_through(tmp_path):
    header = ["note", *reversed(HEADER), "z"]
    tricky = ['a, "b"', "line\nbreak", "  padded  ", "NA", "007", "", "é ü ✓", "cr\rhere"]
    rows = [{**BASE, "note": t, "z": str(i)} for i, t in enumerate(tricky)]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as handle:  # CRLF: csv quotes a lone CR
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=3)
    out = read_csv(tmp_path / "out.csv")
    assert list(out[0]) == [*header, *OUTPUT_COLUMNS]
    for row, back in zip(rows, out, strict=True):
        assert {k: back[k] for k in header} == {k: row[k] for k in header}


def test_writer_matches_pandas_to_csv(tmp_path):
    """The Arrow writer writes the text ``DataFrame.to_csv`` would (QUOTE_MINIMAL).

    One deliberate difference: a lone CR is quoted. ``to_csv(lineterminator="\\n")``
    leaves it bare, and a reader then splits the record there.
    """
    cells = ["plain", "", 'q"uote', "com,ma", "new\nline", " sp ", "é", '"', ","]
    frame = pd.DataFrame({"a": cells, "b": list(reversed(cells)), "c,d": cells}, dtype=str)
    target = io.BytesIO()
    writer = CsvWriter(target, list(frame.columns), guard=False)
    writer.write([arrow_text(list(frame[c])) for c in frame.columns], [True] * 3)
    expected = frame.to_csv(index=False, lineterminator="\n")
    assert target.getvalue().decode("utf-8") == expected
    target = io.BytesIO()
    CsvWriter(target, ["a", "b"], guard=False).write(
        [arrow_text(["cr\rx"]), arrow_text(["y"])], [True, True]
    )
    assert target.getvalue() == b'a,b\n"cr\rx",y\n'


@pytest.mark.parametrize("guard", [True, False])
def test_writer_dictionary_columns_write_the_same_bytes(guard):
    """A dictionary-encoded text column (distinct texts + index per row, as the score and
    model columns arrive) is written exactly as the same cells given row by row: quoted
    and neutralised per distinct text, numbers (unguarded) left as they are."""
    texts = ["plain", "", 'q"uote', "com,ma", "=1+1", "-0.5", "new\nline", "@x"]
    index = [0, 1, 2, 3, 4, 5, 6, 7, 7, 3, 0, 1]
    rows = [texts[i] for i in index]
    encoded = pa.DictionaryArray.from_arrays(
        pa.array(index, type=pa.int64()), pa.array(texts, type=pa.large_string())
    )
    numbers = pa.DictionaryArray.from_arrays(
        pa.array([i % 3 for i in range(len(index))], type=pa.int64()),
        pa.array(["0", "1", ""], type=pa.large_string()),
    )
    plain_numbers = arrow_text([["0", "1", ""][i % 3] for i in range(len(index))])
    outputs = []
    for cells in ([encoded, numbers], [arrow_text(rows), plain_numbers]):
        target = io.BytesIO()
        CsvWriter(target, ["a", "n"], guard=guard).write(cells, [True, False])
        outputs.append(target.getvalue())
    assert outputs[0] == outputs[1]
    assert (b"'=1+1" in outputs[0]) is guard
    assert b'"com,ma"' in outputs[0]


def test_header_only_input(tmp_path):
    src = write_csv(tmp_path / "in.csv", [])
    summary = run_batch(src, tmp_path / "out.csv", quiet=True)
    assert summary.rows == 0
    text = (tmp_path / "out.csv").read_text()
    assert text == ",".join([*HEADER, *OUTPUT_COLUMNS]) + "\n"


def test_byte_order_mark_accepted(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"\xef\xbb\xbf" + _csv_bytes([BASE]))
    run_batch(src, tmp_path / "out.csv", quiet=True)
    (out,) = read_csv(tmp_path / "out.csv")
    assert out["case_id"] == "1"
    assert out["tokuhashi_total"] == "13"


def test_optional_columns_may_be_absent(tmp_path):
    header = [h for h in HEADER if h in REQUIRED]
    (out,) = score_rows(tmp_path, [BASE], header)
    assert out["error"] == ""
    assert out["missing"] == "crp;ldh;albumin;platelets;calcium;bilirubin"
    expected = score_case(PatientCase(**_case_kwargs({k: BASE[k] for k in header})))
    assert out["missing"] == ";".join(dict.fromkeys(n for s in expected.scores for n in s.missing))


def test_age_years_is_validated_when_present(tmp_path):
    header = [*HEADER, "age_years"]
    out = score_rows(tmp_path, [{**BASE, "age_years": "17"}, {**BASE, "age_years": "67"}], header)
    assert out[0]["error"].startswith("age_years: '17'")
    assert "18–120" in out[0]["error"]
    assert out[1]["error"] == ""


# -------------------------------------------------------------------------- extension hook


class Doubled:
    """A stand-in for the model's hook: one column from parsed inputs, one from scores."""

    fields = (pa.field("kps_twice", pa.int64()), pa.field("toku_plus_one", pa.float64()))

    def __init__(self) -> None:
        self.seen: list[ScoredChunk] = []

    def __call__(self, chunk: ScoredChunk):
        self.seen.append(chunk)
        kps = chunk.parsed.whole["kps"]
        return {
            "kps_twice": [None if k < 0 else 2 * int(k) for k in kps],
            "toku_plus_one": chunk.number("tokuhashi_total") + 1,
        }


def test_extra_columns_hook(tmp_path):
    hook = Doubled()
    _: ExtraColumns = hook
    rows = [BASE, {**BASE, "kps": "55"}, {**BASE, "kps": ""}]
    src = write_csv(tmp_path / "in.csv", rows)
    run_batch(src, tmp_path / "out.csv", quiet=True, chunk_size=2, extra_columns=hook)
    out = read_csv(tmp_path / "out.csv")
    assert list(out[0])[-2:] == ["kps_twice", "toku_plus_one"]
    assert [r["kps_twice"] for r in out] == ["120", "", ""]  # rejected row blanked; NA → ""
    assert [r["toku_plus_one"] for r in out] == ["14", "", ""]
    first = hook.seen[0]
    assert first.valid.tolist() == [True, False]
    assert first.members("frankel")[0].value == "D"
    assert first.number("katagiri_min")[0] == 2
    assert first.columns["tokuhashi_total"][1].as_py() is None
    assert len(hook.seen[1].valid) == 1


def test_extra_columns_in_header_of_empty_input(tmp_path):
    src = write_csv(tmp_path / "in.csv", [])
    run_batch(src, tmp_path / "out.csv", quiet=True, extra_columns=Doubled())
    assert (tmp_path / "out.csv").read_text().rstrip("\n").endswith("error,kps_twice,toku_plus_one")


def test_summary_exit_status(tmp_path):
    src = write_csv(tmp_path / "in.csv", [BASE, {**BASE, "ecog": "9"}])
    lenient = run_batch(src, tmp_path / "a.csv", quiet=True)
    strict = run_batch(src, tmp_path / "b.csv", quiet=True, strict=True)
    assert (lenient.exit_status, strict.exit_status) == (0, 1)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert strict.first_errors == ((2, strict.first_errors[0][1]),)
    assert strict.first_errors[0][1].startswith("ecog: '9'")
