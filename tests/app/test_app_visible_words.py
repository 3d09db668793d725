"""No internal word reaches a user: every page rendered, every string it sends collected.

Each page is rendered with AppTest in the states a user sees (empty, a complete case, an
example, the tumor board, every learn tab with a marked quiz, the model card as shipped,
with an uploaded validation, a refused upload and a refused model), and every string field
of every element the script sends to the browser (text, labels, options, help, captions,
alerts, tables) is collected from the element protos. None may name a file path, the
project's "seed"/"spec" bookkeeping, a section sign or an internal reading id such as
"A-K7": users get papers by author, journal and year, and readings by what they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from learn.quiz import QuizChoice, generate, items_for
from tests.support.app import BOARD, FULL, fill, new_app, write_synthetic_model

REPO = Path(__file__).resolve().parents[2]
INTERNAL = re.compile(
    r"\bseeds?\b|\bspec\b|clinical-spec|§|\bsection \d|shared/|\w+\.(?:md|py|json)\b"
    r"|\bA-[A-Z]{1,2}\d+\b|\(S\d+\)",
    re.IGNORECASE,
)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def visible_strings(at: AppTest) -> list[str]:
    """Every string of every element proto on the page (text a browser could show)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            data = MessageToDict(proto)
            # Plotly figures and images carry data, not words; their alt text is kept.
            data.pop("spec", None)
            found.extend(strings(data))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def internal_words(at: AppTest) -> list[str]:
    hits = []
    for text in visible_strings(at):
        for match in INTERNAL.finditer(text):
            start = max(match.start() - 50, 0)
            hits.append(f"{match.group(0)!r} in …{text[start : match.end() + 50]}…")
    return sorted(set(hits))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_model(tmp_path_factory.mktemp("model"))


@pytest.fixture
def app(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = new_app().run()
    assert not at.exception
    return at


def test_the_pattern_catches_what_users_were_shown_before() -> None:
    for leaked in (
        "Cohort study (seed 000)",
        "From shared/clinical-spec.md: the project's reviewed reading, section 7.",
        "Trap (A-K7): SI rounding",
        "(spec S2, not scored)",
        "growth group (§8)",
    ):
        assert INTERNAL.search(leaked), leaked
    assert not INTERNAL.search("Kanda Y, et al. J Orthop Surg Res 2021;16:423")


def test_calculator_empty_and_complete(app: AppTest) -> None:
    assert internal_words(app) == []
    fill(app, FULL)
    assert not app.exception
    assert internal_words(app) == []
    app.selectbox(key="calc_example").set_value("fig7").run()
    app.button(key="calc_confirm_replace").click().run()
    assert internal_words(app) == []


def test_tumor_board(app: AppTest) -> None:
    fill(app, FULL)
    app.switch_page(BOARD).run()
    assert not app.exception
    assert internal_words(app) == []


def test_learn_page_with_every_quiz_answer_wrong() -> None:
    at = AppTest.from_file(str(REPO / "app_pages" / "learn.py"), default_timeout=30)
    at.session_state["learn_quiz_seed"] = 11
    at.run()
    assert internal_words(at) == []
    at.radio(key="learn_quiz_score").set_value(QuizChoice.ALL.value).run()
    expected = generate(11).expected()
    for spec in items_for(QuizChoice.ALL):
        right = expected[spec.answer_key].option
        wrong = next(m.value for m in spec.table if right is None or m.value != right.value)
        at.selectbox(key=f"learn_quiz_{spec.answer_key}").set_value(wrong)
    at.button(key="learn_quiz_check").click().run()
    assert not at.exception
    assert at.error, "wrong answers are marked"
    assert internal_words(at) == []


MODEL_CARD = str(REPO / "app_pages" / "model_card.py")


def _has_expanders(at: AppTest) -> None:
    """AppTest renders expander and tab bodies whether or not they are open, so their
    content is part of what ``visible_strings`` walks; this checks the page has some."""
    assert at.expander, "the model card has expanders whose content is checked"


def test_model_card_as_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from app_pages.ui.model import MODEL_DIR_ENV

    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    at = AppTest.from_file(MODEL_CARD, default_timeout=30).run()
    assert not at.exception
    _has_expanders(at)
    assert internal_words(at) == []


def test_model_card_with_an_uploaded_validation(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The synthetic model stands in for the shipped one; an upload adds its own results."""
    from research.synthetic import synthetic_cohort

    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = AppTest.from_file(MODEL_CARD, default_timeout=30).run()
    assert not at.exception
    assert internal_words(at) == []
    data = synthetic_cohort(150, seed=31).to_csv(index=False).encode()
    at.file_uploader(key="card_upload").set_value(("mine.csv", data, "text/csv")).run()
    assert not at.exception
    assert at.success
    assert internal_words(at) == []
    bad = b"sex,age\nmale,70\n"
    at.file_uploader(key="card_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert at.error
    assert internal_words(at) == []


def _tampered_copy(model_dir: Path, tmp_path: Path) -> Path:
    """A copy of the model whose file has one byte flipped (the loader refuses it)."""
    import shutil

    from models.artifact import MANIFEST_NAME

    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    artifact = broken / MANIFEST_NAME
    raw = bytearray(artifact.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    artifact.write_bytes(bytes(raw))
    return broken


#: What the loader's own message names for the maintainer and a user must not see.
MAINTAINER_WORDS = re.compile(r"cli\.py|python |/tmp|/work|\bsha-?256\b|\bmanifest\b", re.I)


def _maintainer_words(at: AppTest) -> list[str]:
    return sorted({t for t in visible_strings(at) if MAINTAINER_WORDS.search(t)})


@pytest.mark.parametrize("language", ["en", "ja"])
def test_calculator_and_board_when_the_model_is_refused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    """The probability's place says, in the session's language, that the model was
    refused; the loader's message (paths, commands) goes to the server log only."""
    from app_pages.ui.language import KEY

    monkeypatch.setenv("CALC_MODEL_DIR", str(_tampered_copy(model_dir, tmp_path)))
    at = new_app()
    at.session_state[KEY] = language
    at.run()
    fill(at, FULL)
    assert not at.exception
    shown = " ".join(visible_strings(at))
    assert ("refused" in shown) if language == "en" else ("検証に失敗" in shown)
    assert internal_words(at) == []
    assert _maintainer_words(at) == []
    at.switch_page(BOARD).run()
    assert not at.exception
    assert internal_words(at) == []
    assert _maintainer_words(at) == []


def test_model_card_when_the_model_is_refused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(_tampered_copy(model_dir, tmp_path)))
    at = AppTest.from_file(MODEL_CARD, default_timeout=30).run()
    assert not at.exception
    assert at.error
    assert internal_words(at) == []
