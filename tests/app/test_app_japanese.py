"""No English escapes on a finished page in Japanese (AppTest).

Each finished page is rendered in ``ja`` in the states a user sees (empty, a complete case,
an example loaded, the tumor board of that case), every string its elements send to the
browser is collected, and two checks run on them:

- no text of the English catalogue whose Japanese differs appears as it is in English
  (a marked message that was not passed through the session's translator);
- no run of two or more English words remains (text that was never marked), once the
  terms the Japanese literature keeps in English, codes, units and citations are set aside.

Tables and figures are checked too (headers, row names and cells, which the element
protos carry only as Arrow bytes; the titles, axis titles, trace names and labels of the
Plotly figures). Not covered: Streamlit's own control texts and the stylesheet. Pages
checked: calculator, tumor board (including the text the poor-outcome model composes:
warnings, reference patient, provenance, contributions) and the model card in each of its
states (an own-cohort model, the shipped model, a refused and an unloadable model file,
an uploaded cohort validated and one refused), and learn (its reference tabs and a quiz
case answered and fed back).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.ui.model_card_parts import NOT_LOADED, REFUSED
from i18n import translator
from i18n._catalogues import catalogue_paths
from i18n.compile import read
from learn.quiz import Vignette
from models.features import FEATURES
from scoring.labs import ANALYTES
from scoring.sources import Source
from tests.app.test_app_visible_words import visible_strings
from tests.support.app import (
    BOARD,
    FULL,
    OTHER,
    fill,
    new_app,
    write_synthetic_model,
)

JA = translator("ja")
#: Terms, codes and units that stay as they are in Japanese text (glossary: kept in English).
KEPT = re.compile(
    r"ECOG PS|Karnofsky PS|DejaVu Sans|FHIR R4 RiskAssessment|contained Observation|"
    r"EQ-5D|EGFR-TKI|ER/PR|HER2|fonts-dejavu-core|Brier|\bet al\b|Fig\. \d|"
    r"`[^`]*`|"  # code: a command or a column name, as typed
    r"\b[\w.-]+\.csv\b|"  # a file's name
    r"scikit-learn|Mann–Whitney U|Newton–Raphson|"
    r"\b[A-Z][A-Za-z]*\b(?= \d)"  # a name before a number: "Frankel 2", "KPS 60", "SINS 10"
)
TWO_ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z]{1,}(?:[ -][a-z]{2,})+\b")
TAG = re.compile(r"<[^>]*>")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_model(tmp_path_factory.mktemp("model"))


@pytest.fixture
def app(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CALC_MODEL_DIR", str(model_dir))
    at = new_app()
    at.context = {"locale": "ja-JP"}
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "ja"
    return at


def _translated_msgids() -> list[str]:
    """English messages whose Japanese differs, longest first (so parts are not reported)."""
    po, _ = catalogue_paths("ja")
    ids = {m.id for m in read(po) if isinstance(m.id, str) and m.id and m.string != m.id}
    # Short words ("No", "SI") also occur inside Japanese text legitimately; two words up.
    return sorted((i for i in ids if " " in i.strip() and "%(" not in i), key=len, reverse=True)


def _citations() -> list[str]:
    from scoring import sources

    # an author and year stays; a key that is a message ("Calculator's reading", "Katagiri
    # 2014 (unverified)") is text like any other and must be shown translated
    cited = [v for v in vars(sources).values() if isinstance(v, Source) and JA(v.key) == v.key]
    found = {str(v) for v in cited} | {v.key for v in cited}
    # the model card's references (citations stay as published)
    from models import build, card

    found |= {card.TRIPOD_CITATION, card.PEDUZZI_CITATION, card.RILEY_CITATION}
    found |= {build.SOURCE_STUDY, build.HARRELL_1996, build.RILEY_2021, build.RILEY_COLLINS_2023}
    return sorted(found, key=len, reverse=True)


def _whole_msgids() -> set[str]:
    """Every English message whose Japanese differs (a whole label such as "Patient")."""
    po, _ = catalogue_paths("ja")
    return {m.id for m in read(po) if isinstance(m.id, str) and m.id and m.string != m.id}


def table_strings(at: AppTest) -> list[str]:
    """Every header, row name and cell of the page's static tables and dataframes."""
    found: list[str] = []
    for table in [*at.table, *at.dataframe]:
        frame = table.value
        found += [str(c) for c in frame.columns] + [str(frame.index.name or "")]
        found += [str(i) for i in frame.index]
        found += [str(v) for v in frame.to_numpy().ravel().tolist()]
    return [text for text in found if text]


def figure_strings(at: AppTest) -> list[str]:
    """The words of the page's Plotly figures: titles, axis titles, trace names and texts."""
    found: list[str] = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        for part in (layout, layout.get("xaxis", {}), layout.get("yaxis", {})):
            title = part.get("title")
            found.append(title.get("text", "") if isinstance(title, dict) else str(title or ""))
        for trace in spec.get("data", []):
            found.append(str(trace.get("name") or ""))
            texts = trace.get("text")
            found += [t for t in texts if isinstance(t, str)] if isinstance(texts, list) else []
            found += [t for t in trace.get("y") or [] if isinstance(t, str)]
    return [text for text in found if text]


def english_escapes(at: AppTest, set_aside: list[str], codes: Sequence[str] = ()) -> list[str]:
    """What is left in English; ``set_aside`` texts are removed before looking, and a
    table cell that is exactly one of ``codes`` (a name typed as it is) is not a label."""
    escapes: set[str] = set()
    msgids = _translated_msgids()
    whole = _whole_msgids()
    for text in visible_strings(at) + table_strings(at) + figure_strings(at):
        if text.lstrip().startswith("<style"):
            continue
        if text.strip().strip("*#: ") in whole and text.strip() not in codes:
            escapes.add(f"label left in English: {text!r}")
        plain = text
        for known in set_aside + _citations():
            plain = plain.replace(known, " ")
        plain = TAG.sub(" ", plain)
        for msgid in msgids:
            if msgid in plain:
                escapes.add(f"catalogue text left in English: {msgid!r}")
                plain = plain.replace(msgid, " ")
        plain = KEPT.sub(" ", plain)
        escapes |= {
            f"English words: {m.group(0)!r} in {text[:80]!r}"
            for m in TWO_ENGLISH_WORDS.finditer(plain)
        }
    return sorted(escapes)


def test_the_check_sees_english(app: AppTest) -> None:
    """The check is not vacuous: the same page in English is full of escapes."""
    app.button_group(key="lang").set_value("en").run()
    assert len(english_escapes(app, [])) > 20


def test_calculator_in_japanese(app: AppTest) -> None:
    """Every state, including the model's own text (warnings, reference patient,
    provenance, contributions): nothing is set aside."""
    assert english_escapes(app, []) == []
    fill(app, FULL)
    assert not app.exception
    assert english_escapes(app, []) == []
    fill(fill(app, OTHER), {"visceral_mets_treatable": True})
    assert not app.exception
    assert english_escapes(app, []) == []
    app.selectbox(key="calc_example").set_value("fig7").run()
    if app.button(key="calc_confirm_replace") is not None:
        app.button(key="calc_confirm_replace").click().run()
    assert not app.exception
    assert english_escapes(app, []) == []


def test_contradicting_answers_are_refused_in_japanese_at_the_field(app: AppTest) -> None:
    """Two answers that contradict each other: the refusal is Japanese, names the option
    texts (not codes), and stands under the refused field as well as above the results."""
    fill(app, FULL | {"major_organ_mets": "removable", "visceral_mets": "none"})
    assert not app.exception
    expected = (
        "内臓転移：「なし」は主要臓器転移「切除可能」と両立しません："
        "肺・肝・腎・脳への転移は内臓転移です。"
    )
    at_field = [e.value for e in app.get("error") if expected in e.value]
    assert len(at_field) == 2, [e.value for e in app.get("error")]  # field and summary
    assert english_escapes(app, []) == []


def test_model_warnings_are_shown_and_translated(app: AppTest) -> None:
    """A case outside the training cohort gets the model's warning, in Japanese (the
    complete case's revised Tokuhashi 13 lies above the test model's training range)."""
    fill(app, FULL)
    assert not app.exception
    warnings = [w.value for w in app.warning]
    assert any("外挿" in w for w in warnings), warnings
    assert english_escapes(app, []) == []


#: Half-width punctuation touching Japanese text: "D: 不全麻痺", "高位 C5; 疼痛",
#: "**Frankel A** (完全麻痺)" or "(甲状腺癌)"; Japanese text takes "：", "；" and "（）".
_JA = "\u3040-\u30ff\u4e00-\u9fff\uff08\uff09"
MIXED_PUNCTUATION = re.compile(rf"[{_JA}][:;]|[:;] ?[{_JA}]|[{_JA}] ?\(|\([^()]*[{_JA}][^()]*\)")


def test_calculator_and_board_use_full_width_punctuation_in_japanese(app: AppTest) -> None:
    """Options ("D：不全麻痺"), definitions, item answers, bands, the checklist, the
    laboratory table and the probability's interval join their parts the Japanese way."""
    fill(app, FULL)
    assert not app.exception
    calculator = "\n".join(visible_strings(app))
    for expected in ("D：", "60 %：", "（95%信頼区間 "):
        assert expected in calculator, expected
    assert not MIXED_PUNCTUATION.search(calculator), MIXED_PUNCTUATION.findall(calculator)
    app.switch_page(BOARD).run()
    assert not app.exception
    board = "\n".join(visible_strings(app))
    assert not MIXED_PUNCTUATION.search(board), MIXED_PUNCTUATION.findall(board)


def test_tumor_board_in_japanese(app: AppTest) -> None:
    app.switch_page(BOARD).run()
    assert english_escapes(app, []) == []
    app.switch_page("app_pages/calculator.py").run()
    fill(app, FULL)
    app.switch_page(BOARD).run()
    assert not app.exception
    assert english_escapes(app, []) == []


def test_learn_page_reference_traps_and_context_in_japanese(app: AppTest) -> None:
    """Headings, traps and the clinical context are Japanese, by name (the whole page,
    quiz included, goes through the gate in ``test_learn_quiz_in_japanese``)."""
    app.switch_page("app_pages/learn.py").run()
    assert not app.exception
    shown = "\n".join(visible_strings(app))
    for japanese in ("スコアを学ぶ", "よくある落とし穴", "Frankel B は完全麻痺", "3種類の痛み"):
        assert japanese in shown, japanese
    for english in ("Traps users fall into", "Frankel B is complete palsy", "Three kinds of pain"):
        assert english not in shown, english


#: Points beside a label in the Learn tables: full-width brackets in Japanese, the
#: laboratory tier by its own short name, an unverified answer marked in brackets.
LEARN_POINTS = (
    "| 甲状腺、乳腺、前立腺、カルチノイド腫瘍（5） | 緩徐な増殖（0） |",
    "急速な増殖（3）（未確認）",
    "| CRP | 異常値（1） |",
    "| 血小板 | 重篤な異常値（2） |",
)
#: A half-width "(n)" after Japanese text, or the English dash before "unverified".
HALF_WIDTH_POINTS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff）] ?\(\d+\)| — 未確認")


def test_learn_tables_use_full_width_brackets_in_japanese(app: AppTest) -> None:
    app.switch_page(LEARN).run()
    assert not app.exception
    shown = "\n".join(visible_strings(app))
    for expected in LEARN_POINTS:
        assert expected in shown, expected
    assert not HALF_WIDTH_POINTS.search(shown), HALF_WIDTH_POINTS.findall(shown)


def test_japanese_clinical_context_mirrors_the_english_one() -> None:
    """Same headings and table rows: a change to one document must reach the other."""
    folder = Path(__file__).resolve().parents[2] / "assets" / "learn"
    english = (folder / "clinical_context.md").read_text(encoding="utf-8")
    japanese = (folder / "clinical_context.ja.md").read_text(encoding="utf-8")

    def shape(text: str) -> list[str]:
        kinds = ("###", "|---", "| **", "|", "- ")
        return [
            next(k for k in kinds if line.startswith(k))
            for line in text.splitlines()
            if line.startswith(kinds)
        ]

    assert shape(japanese) == shape(english)


def test_japanese_clinical_context_has_no_line_break_inside_a_sentence() -> None:
    """Markdown turns a line break inside a paragraph into a space, which Japanese does not
    put between words ("腱反射亢進、 クローヌス"): a Japanese sentence is one line."""
    path = Path(__file__).resolve().parents[2] / "assets" / "learn" / "clinical_context.ja.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    japanese = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
    breaks = [
        f"{n}: {line[-12:]} / {following.strip()[:12]}"
        for n, (line, following) in enumerate(pairwise(lines), start=1)
        if line
        and japanese.match(line[-1])
        and following.strip()
        and japanese.match(following.strip()[0])
        and not following.lstrip().startswith(("#", "|", "- "))
    ]
    assert breaks == []


# -- Learn page: reference tabs and the quiz (vignette, options, feedback) ------------------
LEARN = "app_pages/learn.py"


def _learn_seeds() -> list[int]:
    """Two cases that between them show every kind of vignette sentence: SI units with an
    unmeasured value and a treatability sentence; conventional units with two vertebral
    bodies and no other focus (the modified Bauer reading of "solitary")."""
    from learn.quiz import generate

    def first(test: Callable[[Vignette], bool]) -> int:
        return next(seed for seed in range(2000) if test(generate(seed)))

    return [
        first(
            lambda v: (
                v.si_units
                and v.case.visceral_mets_treatable is not None
                and any(getattr(v.case, a.field) is None for a in ANALYTES)
            )
        ),
        first(
            lambda v: (
                not v.si_units
                and v.case.extraspinal_bone_mets == 0
                and (v.case.vertebral_body_mets or 0) >= 2
            )
        ),
    ]


@pytest.mark.parametrize("seed", _learn_seeds())
def test_learn_quiz_in_japanese(app: AppTest, seed: int) -> None:
    """The Learn page in ``ja``: every reference tab, then a quiz case of all five scores
    shown, answered (every other item wrong) and fed back, with no English left."""
    from learn.quiz import QuizChoice, generate, items_for

    app.session_state["learn_quiz_seed"] = seed
    app.switch_page(LEARN).run()
    assert not app.exception
    assert english_escapes(app, []) == []
    app.radio(key="learn_quiz_score").set_value(QuizChoice.ALL.value).run()
    vignette = generate(seed)
    shown = "\n".join(visible_strings(app))
    sex = "女性" if vignette.case.sex == "female" else "男性"
    assert f"{vignette.case.age_years} 歳の{sex}" in shown  # Japanese order: age, then sex
    assert english_escapes(app, []) == []
    expected = vignette.expected()
    for n, spec in enumerate(items_for(QuizChoice.ALL)):
        right = expected[spec.answer_key].option
        assert right is not None
        code = right.value if n % 2 else next(m.value for m in spec.table if m is not right)
        app.selectbox(key=f"learn_quiz_{spec.answer_key}").set_value(code)
    app.button(key="learn_quiz_check").click().run()
    assert not app.exception
    assert app.success
    assert app.error
    assert "不正解" in app.error[0].value
    assert english_escapes(app, []) == []


# -- the model card ---------------------------------------------------------------------------
CARD = "app_pages/model_card.py"


#: The model's column names, shown as typed in a cohort file ("male" is also a word).
COLUMNS = list(FEATURES)


def _card(app: AppTest) -> AppTest:
    app.switch_page(CARD).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_model_card_in_japanese(app: AppTest) -> None:
    """An own-cohort model: every section, table, metric and caption in Japanese."""
    at = _card(app)
    assert at.title[0].value == JA("Model card: poor-outcome model")
    assert at.table, "the card's tables are part of the check"
    assert JA("Prediction instability") in figure_strings(at), "and so are its figures"
    predictors = next(t.value for t in at.table if JA("Column") in t.value.columns)
    assert list(predictors[JA("Column")]) == list(FEATURES)  # names to type, untranslated
    assert english_escapes(at, [], COLUMNS) == []


def test_model_card_upload_in_japanese(app: AppTest) -> None:
    """A cohort validated on the page, and one refused: result and reasons in Japanese."""
    from models import card

    at = _card(app)
    good = card.PSEUDO_COHORT_CSV.read_bytes()
    at.file_uploader(key="card_upload").set_value(("cohort.csv", good, "text/csv")).run()
    assert not at.exception
    assert len([m for m in at.metric if m.label == "AUC"]) == 2  # pseudo-cohort and upload
    assert english_escapes(at, [], COLUMNS) == []
    bad = b"sex,revised_tokuhashi,new_katagiri,lesion_group,frankel_group,poor_outcome\n"
    bad += b"male,7,5,lumbar,CD,1\nfemale,9,3,upper,E,0\n,,,,,\n"
    at.file_uploader(key="card_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("不正な値" in e and "lesion_group" in e for e in errors), errors
    assert english_escapes(at, [], COLUMNS) == []
    at.file_uploader(key="card_upload").set_value(("x.csv", b"sex,age\n", "text/csv")).run()
    assert any("列がありません" in e.value for e in at.error), [e.value for e in at.error]
    assert english_escapes(at, [], COLUMNS) == []


def test_shipped_model_card_in_japanese(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALC_MODEL_DIR")
    at = _card(app)
    assert not at.error
    assert english_escapes(at, [], COLUMNS) == []


def test_refused_model_card_in_japanese(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALC_MODEL_DIR", str(tmp_path))  # no model file: refused
    at = _card(app)
    assert [e.value for e in at.error] == [JA(REFUSED)]
    assert english_escapes(at, [], COLUMNS) == []


def test_unloadable_model_card_in_japanese(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.predict

    def broken(directory: Path | None = None) -> models.predict.PoorOutcomeModel:
        raise OSError("disk error")

    monkeypatch.setattr(models.predict, "load_model", broken)
    monkeypatch.setenv("CALC_MODEL_DIR", str(tmp_path / "elsewhere"))
    at = _card(app)
    assert [e.value for e in at.error] == [JA(NOT_LOADED)]
    assert english_escapes(at, [], COLUMNS) == []
