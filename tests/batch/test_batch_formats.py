"""Batch files: Parquet in and out, CSV ↔ Parquet equivalence, and scores read from the
single-case rules (not a second copy of them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from scoring import bauer, katagiri, score_case, sins, tokuhashi, tomita
from scoring.batch import OUTPUT_COLUMNS, run_batch, synthetic
from scoring.case import PatientCase
from scoring.labs import LabTier
from scoring.options import RangedOption
from scoring.result import ItemResult
from tests.batch.test_batch import BASE, HEADER, read_csv, write_csv

INT_COLUMNS = ("tokuhashi_total", "katagiri_min", "katagiri_max", "sins_total")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, Path]:
    """The same seeded 50,000-row cohort as CSV and as Parquet (text columns)."""
    where = tmp_path_factory.mktemp("cohort")
    csv_path, parquet_path = where / "cohort.csv", where / "cohort.parquet"
    synthetic.write(csv_path, 50_000, seed=13, invalid=0.002)
    table = pacsv.read_csv(
        csv_path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in synthetic.header()},
            strings_can_be_null=False,
        ),
    )
    pq.write_table(table, parquet_path)
    return csv_path, parquet_path


def test_csv_and_parquet_give_identical_results(cohort, tmp_path):
    csv_in, parquet_in = cohort
    outs = {}
    for src in (csv_in, parquet_in):
        for ext in ("csv", "parquet"):
            target = tmp_path / f"{src.suffix[1:]}_to.{ext}"
            summary = run_batch(src, target, quiet=True)
            assert summary.rows == 50_000
            outs[src.suffix[1:], ext] = target
    # CSV out: the same bytes whatever the input format
    assert outs["csv", "csv"].read_bytes() == outs["parquet", "csv"].read_bytes()
    from_csv = pq.read_table(outs["csv", "parquet"])
    from_parquet = pq.read_table(outs["parquet", "parquet"])
    assert from_csv.equals(from_parquet)
    # Parquet out: typed, and the same values as the CSV text
    for name in INT_COLUMNS:
        assert from_csv.schema.field(name).type == pa.int64()
    text = read_csv(outs["csv", "csv"])
    for name in OUTPUT_COLUMNS:
        values = from_csv.column(name).to_pylist()
        assert [("" if v is None else str(v)) for v in values] == [r[name] for r in text], name
    kinds = {r["error"] != "" for r in text} | {r["missing"] != "" for r in text}
    assert kinds == {True, False}  # the cohort has rejected, incomplete and complete rows
    assert len({r["tokuhashi_total"] for r in text}) == 17  # every total 0–15 and empty


def test_parquet_typed_input_columns_are_read_as_their_text(tmp_path):
    """Integer and floating Parquet columns feed the same validation as CSV text."""
    row = {**BASE}
    table = pa.table(
        {
            **{k: [v] for k, v in row.items() if k not in ("kps", "ecog", "crp_mg_dl")},
            "kps": pa.array([60], pa.int64()),
            "ecog": pa.array([3.0], pa.float64()),  # an integral double reads as 3
            "crp_mg_dl": pa.array([1.2], pa.float64()),
        }
    )
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    run_batch(src, tmp_path / "out.parquet", quiet=True)
    run_batch(src, tmp_path / "out.csv", quiet=True)
    typed = pq.read_table(tmp_path / "out.parquet")
    assert typed.column("kps").type == pa.int64()  # passed through with its own type
    assert typed.column("tokuhashi_total").to_pylist() == [13]
    (out,) = read_csv(tmp_path / "out.csv")
    assert (out["kps"], out["ecog"], out["crp_mg_dl"]) == ("60", "3", "1.2")
    assert out["error"] == ""


def test_empty_cells_are_null_in_parquet(tmp_path):
    src = write_csv(tmp_path / "in.csv", [BASE, {**BASE, "kps": ""}, {**BASE, "kps": "55"}])
    run_batch(src, tmp_path / "out.parquet", quiet=True)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("tokuhashi_total").to_pylist() == [13, None, None]
    assert table.column("missing").to_pylist() == [None, "kps", None]
    assert table.column("error").to_pylist()[:2] == [None, None]
    assert table.column_names[: len(HEADER)] == HEADER


def test_header_only_parquet_output_has_the_schema(tmp_path):
    src = write_csv(tmp_path / "in.csv", [])
    summary = run_batch(src, tmp_path / "out.parquet", quiet=True)
    table = pq.read_table(tmp_path / "out.parquet")
    assert summary.rows == table.num_rows == 0
    assert table.column_names == [*HEADER, *OUTPUT_COLUMNS]


def test_not_a_parquet_file_is_malformed(tmp_path, capsys):
    from tests.batch.test_batch import cli

    src = tmp_path / "in.parquet"
    src.write_bytes(b"case_id,sex\n1,male\n")
    assert cli(tmp_path, str(src), "-o", str(tmp_path / "out.csv")) == 2
    assert "Parquet" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


# --------------------------------------------------------- rules read, not copied


def _score_one(tmp_path: Path, row: dict[str, str]) -> dict[str, str]:
    src = write_csv(tmp_path / "one.csv", [row])
    run_batch(src, tmp_path / "one_out.csv", quiet=True)
    (out,) = read_csv(tmp_path / "one_out.csv")
    return out


def test_a_changed_point_in_a_copy_of_a_table_changes_both_paths(tmp_path, monkeypatch):
    """Tokuhashi's general-condition table copied with 'moderate' worth 2 instead of 1."""
    rows = [
        (m.name, (m.value, m.points, m.label, m.source, m.low, m.high))
        for m in tokuhashi.GeneralCondition
    ]
    rows = [(n, (v[0], 2 if n == "MODERATE" else v[1], *v[2:])) for n, v in rows]
    changed = RangedOption("GeneralCondition", rows)  # type: ignore[call-overload]
    case = PatientCase(**_case(BASE))
    before = score_case(case).tokuhashi.total
    assert _score_one(tmp_path, BASE)["tokuhashi_total"] == str(before)
    monkeypatch.setattr(tokuhashi, "GeneralCondition", changed)
    after = score_case(case).tokuhashi.total
    assert after == before + 1  # KPS 60 is 'moderate'
    assert _score_one(tmp_path, BASE)["tokuhashi_total"] == str(after)


def test_a_changed_rule_changes_both_paths(tmp_path, monkeypatch):
    """The batch asks the single-case item rule itself: patching Katagiri's laboratory
    rule (here: every measured CRP counts as critical) changes the batch too."""
    original = katagiri.laboratory_item

    def stricter(case: PatientCase) -> ItemResult:
        item = original(case)
        if case.crp is None:
            return item
        return dataclasses.replace(
            item, option=LabTier.CRITICAL, points_min=2, points_max=2, missing=()
        )

    row = {**BASE, "crp_mg_dl": "0.1"}  # normal CRP: laboratory 0 → 2 under the patch
    kwargs = _case(row)
    before = score_case(PatientCase(**kwargs)).katagiri
    out = _score_one(tmp_path, row)
    assert (out["katagiri_min"], out["katagiri_max"]) == (
        str(before.total_min),
        str(before.total_max),
    )
    monkeypatch.setattr(katagiri, "laboratory_item", stricter)
    after = score_case(PatientCase(**kwargs)).katagiri
    assert after.total_min == before.total_min + 2
    out = _score_one(tmp_path, row)
    assert (out["katagiri_min"], out["katagiri_max"]) == (
        str(after.total_min),
        str(after.total_max),
    )


@pytest.mark.parametrize("always", [True, False])
def test_points_beyond_what_the_lookup_can_sum_are_refused(tmp_path, monkeypatch, always):
    """Item answers are packed into one integer per key (8-bit counters): a rule giving
    more points than that is refused with an error, never summed wrongly. ``always``: the
    empty case already shows it (refused when the lookups are built); otherwise the
    first row that reaches it is."""
    original = katagiri.laboratory_item

    def huge(case: PatientCase) -> ItemResult:
        item = original(case)
        if case.crp is None and not always:
            return item
        return dataclasses.replace(item, points_min=300, points_max=300, missing=())

    monkeypatch.setattr(katagiri, "laboratory_item", huge)
    src = write_csv(tmp_path / "in.csv", [{**BASE, "crp_mg_dl": "0.1"}])
    with pytest.raises(ValueError, match=r"looked up|summed by lookup"):
        run_batch(src, tmp_path / "out.csv", quiet=True)
    assert not (tmp_path / "out.csv").exists()


def _case(row: dict[str, str]) -> dict[str, object]:
    from tests.batch.test_batch import _case_kwargs

    return _case_kwargs(row)


def test_tomita_reads_major_organ_mets_without_naming_it():
    """A field an item reads but never names as missing is still in its lookup key:
    organs 'removable' establish a visceral metastasis for Tomita and Bauer."""
    from scoring.batch.lookups import Scorer

    lookups = {lookup.spec.key: lookup for lookup in Scorer().lookups}
    visceral = lookups["tomita"].items[1]
    assert {f.name for f in visceral.table.fields} == {
        "visceral_mets",
        "visceral_mets_treatable",
        "major_organ_mets",
    }


def test_a_new_state_is_asked_once_of_each_item_keyed_on_its_fields(tmp_path):
    """Bauer's two primary-tumour items share one key: each new primary tumour is asked
    once of each of them (their own item functions, not the whole score), and every item
    gets its own answer."""
    from scoring.batch import reader
    from scoring.batch.lookups import SCORES, Scorer
    from scoring.batch.parse import parse_chunk

    asked: list[tuple[int, PatientCase]] = []

    def counted(index: int) -> Callable[[PatientCase], ItemResult]:
        def item(case: PatientCase) -> ItemResult:
            asked.append((index, case))
            return bauer.ITEMS[index](case)

        return item

    (spec,) = [s for s in SCORES if s.key == "bauer"]
    items = tuple(counted(i) for i in range(len(bauer.ITEMS)))
    scorer = Scorer([dataclasses.replace(spec, items=lambda: items)])
    tumors = ("lung_untargeted", "myeloma", "thyroid", "myeloma")
    src = write_csv(tmp_path / "in.csv", [{**BASE, "primary_tumor": t} for t in tumors])
    (chunk,) = reader.chunks(src, reader.read_header(src), 100, 100)
    asked.clear()
    result = scorer(parse_chunk(chunk.cells, chunk.n))["bauer"]
    for index in (2, 3):  # not lung cancer; favourable primary
        primaries = sorted(case.primary_tumor for i, case in asked if i == index)
        assert primaries == ["lung_untargeted", "myeloma", "thyroid"]  # once each
    expected = [bauer.score(PatientCase(**_case({**BASE, "primary_tumor": t}))) for t in tumors]
    assert result.total_min.tolist() == [r.total_min for r in expected]
    assert result.total_max.tolist() == [r.total_max for r in expected]


@pytest.mark.parametrize("module", [tokuhashi, katagiri, sins, tomita, bauer])
def test_each_score_is_the_items_of_its_items_functions(module):
    """What the batch asks one item at a time is what ``score`` gives, item by item."""
    from tests.batch.test_batch import _case_kwargs

    for case in (PatientCase(), PatientCase(**_case_kwargs(BASE))):
        assert tuple(item(case) for item in module.ITEMS) == module.score(case).items


def test_tomita_and_bauer_columns(tmp_path):
    """Spec vignettes T4 (complete, 5) and T10 (range 5–7, no group)."""
    t4 = {
        **BASE,
        "primary_tumor": "uterus_cervix",
        "visceral_mets": "nodular",
        "major_organ_mets": "removable",
        "visceral_mets_treatable": "yes",
        "extraspinal_bone_mets": "0",
        "vertebral_body_mets": "1",
    }
    t10 = {**t4, "primary_tumor": "kidney", "visceral_mets_treatable": ""}
    header = [*HEADER, "visceral_mets_treatable"]
    src = write_csv(tmp_path / "in.csv", [t4, t10, {**t4, "visceral_mets": "none"}], header)
    run_batch(src, tmp_path / "out.csv", quiet=True)
    out = read_csv(tmp_path / "out.csv")
    assert [out[0][c] for c in ("tomita_min", "tomita_max", "tomita_group")] == [
        "5",
        "5",
        "middle_term_local_control",
    ]
    assert [out[1][c] for c in ("tomita_min", "tomita_max", "tomita_group")] == ["5", "7", ""]
    assert out[2]["error"].startswith("visceral_mets: 'none' contradicts")
    for row, values in zip(out[:2], (t4, t10), strict=True):
        result = score_case(PatientCase(**_case(values))).bauer
        assert (row["bauer_min"], row["bauer_max"]) == (
            str(result.total_min),
            str(result.total_max),
        )
        assert row["bauer_band"] == ("" if result.band is None else result.band.code)


def test_every_score_column_comes_from_a_single_case_scorer():
    from scoring.batch.lookups import SCORES

    assert [s.score for s in SCORES] == [
        tokuhashi.score,
        katagiri.score,
        sins.score,
        tomita.score,
        bauer.score,
    ]
