"""``cli.py score --lang ja --help``: the command's help in Japanese, its contract English.

The descriptions and every option's help come from the catalogue; option names, column
names and codes stay English (they are the data contract). Argparse's own words ("usage:",
"options:", "show this help message and exit") come from Python's gettext domain
``argparse``, which has no Japanese catalogue in Python, so they are set aside here.
"""

from __future__ import annotations

import re

import pytest

import cli
from scoring.batch.columns import OPTIONAL, REQUIRED
from tests.app.test_app_japanese import KEPT, TWO_ENGLISH_WORDS

ARGPARSE_OWN = ("usage:", "positional arguments:", "options:", "show this help message and exit")


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(list(argv))
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_score_help_follows_lang_ja(capsys: pytest.CaptureFixture[str]) -> None:
    japanese = help_text(capsys, "score", "--lang", "ja", "--help")
    assert "除外した行が一つでもあれば終了ステータス 1 で終了する" in japanese
    assert "症例の CSV をまとめて採点する" in japanese
    assert "（既定 10,000,000）" in japanese
    for option in ("--strict", "--lang {en,ja}", "--model-dir", "--no-model", "--max-rows"):
        assert option in japanese
    flat = " ".join(japanese.split())
    for column in REQUIRED + OPTIONAL:
        assert column in flat, column
    words = japanese.split("\n\n", 1)[1]  # past the usage line (argparse's synopsis)
    for own in ARGPARSE_OWN:
        words = words.replace(own, " ")
    words = re.sub(r"(?<!\S)--?[\w-]+", " ", " ".join(words.split()))  # option names
    assert [m.group(0) for m in TWO_ENGLISH_WORDS.finditer(KEPT.sub(" ", words))] == []


def test_lang_may_come_after_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` acts as soon as argparse meets it; the language is read before."""
    japanese = help_text(capsys, "score", "--help", "--lang", "ja")
    assert "端末に進捗行を表示しない" in japanese


def test_score_help_stays_english_without_lang(capsys: pytest.CaptureFixture[str]) -> None:
    english = " ".join(help_text(capsys, "score", "--help").split())
    assert "exit with status 1 if any row is rejected" in english
    assert "(default 10,000,000)" in english
    assert "Required columns: sex, lesion_level" in english


def test_unknown_language_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["score", "in.csv", "-o", "out.csv", "--lang", "fr"])
    assert stopped.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
