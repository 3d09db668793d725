"""``cli.py score --lang ja``: the summary on standard error in Japanese, the files unchanged.

The language is that of the words addressed to the person running the command (progress
line, summary, refusals); the output file (column names, codes, the row-level ``error``
column, the model columns) is data and is byte-identical whatever the language.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import cli
from scoring.batch.progress import Progress
from tests.batch.test_model_batch import VARIANTS, csv_row, write_input
from tests.support.model import train_synthetic

JAPANESE = ("行を読み込み", "行を計算", "行を除外")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_synthetic(tmp_path_factory.mktemp("language"))


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "in.csv"
    bad = {**csv_row({}), "kps": "abc"}  # one rejected row, so its error is quoted
    write_input(source, VARIANTS, extra_rows=[bad])
    return source


def _score(
    capsys: pytest.CaptureFixture[str], source: Path, target: Path, *more: str
) -> tuple[int, str]:
    status = cli.main(["score", str(source), "-o", str(target), "--quiet", *more])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_japanese_summary_and_byte_identical_outputs(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    source = _source(tmp_path)
    english, japanese = tmp_path / f"en.{suffix}", tmp_path / f"ja.{suffix}"
    status_en, err_en = _score(capsys, source, english, "--model-dir", str(model_dir))
    status_ja, err_ja = _score(
        capsys, source, japanese, "--model-dir", str(model_dir), "--lang", "ja"
    )
    assert status_en == status_ja == 0
    assert "rows read and written" in err_en
    assert all(word in err_ja for word in JAPANESE), err_ja
    assert "rows read and written" not in err_ja
    assert "行目：" in err_ja  # the rejected row is quoted with its English error (data)
    assert english.read_bytes() == japanese.read_bytes()


def test_default_is_english_and_an_unknown_language_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _source(tmp_path)
    status, err = _score(capsys, source, tmp_path / "out.csv", "--no-model")
    assert status == 0
    assert "rows read and written" in err
    with pytest.raises(SystemExit):
        cli.main(["score", str(source), "-o", str(tmp_path / "x.csv"), "--lang", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_malformed_file_and_missing_model_are_framed_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    status, err = _score(capsys, empty, tmp_path / "out.csv", "--no-model", "--lang", "ja")
    assert status == 2
    assert "何も書き出していません" in err
    status, err = _score(
        capsys, empty, tmp_path / "out.csv", "--model-dir", str(tmp_path), "--lang", "ja"
    )
    assert status == 2
    assert "何も書き出していません" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    from i18n import translator

    clock = iter([0.0, 2.0])
    monkeypatch.setattr("scoring.batch.progress.time.monotonic", lambda: next(clock))
    stream = _Terminal()
    Progress(quiet=False, stream=stream, translate=translator("ja")).update(1000, 0.5)
    assert "行を計算済み" in stream.getvalue()
    assert "ファイルの 50%" in stream.getvalue()
