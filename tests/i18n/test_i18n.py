"""Translations: the catalogue gates CI runs, and per-session (never per-process) language.

Gates: the committed catalogue holds every message the source marks (extraction yields no
new msgid and none has gone stale), the Japanese catalogue has no untranslated or fuzzy
entry, and named placeholders match between msgid and msgstr. Every label of the score
tables (options, items, bands, meanings, definitions, criteria) is a translated message.
Sessions: two app sessions in different languages at once do not affect each other, and
switching the language keeps the case.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from streamlit.testing.v1 import AppTest

from i18n import LOCALES_DIR, N_, language_from_locale, translator
from i18n._catalogues import catalogue_paths, compile_po
from i18n.compile import problems, read
from scoring import PatientCase, score_case
from scoring.bilsky import BilskyGrade
from scoring.frankel import FrankelGrade
from scoring.indications import assess
from scoring.katagiri import SURVIVAL_NOTE
from scoring.labs import ANALYTES, LabTier
from scoring.levels import LesionGroup, SinsLocation
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.options import ScoredOption
from scoring.performance import ECOG_DEFINITIONS, KPS_DEFINITIONS
from scoring.primary_tumor import KatagiriGrowth, PrimaryTumor, TokuhashiPrimary
from scoring.sins import CONSULTATION_NOTE
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)
from scoring.tokuhashi import GUIDANCE, ExtraspinalBoneMets, Palsy, VertebralBodyMets
from tests.support.app import FULL, fill, new_app

REPO = Path(__file__).resolve().parents[2]
PO, MO = catalogue_paths("ja")
POT = LOCALES_DIR / "messages.pot"


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


# -- catalogue gates ------------------------------------------------------------------------
def test_catalogue_holds_every_marked_message(tmp_path: Path) -> None:
    """What `make i18n` would extract now is exactly what the committed catalogues hold."""
    fresh = tmp_path / "messages.pot"
    command = ["pybabel", "-q", "extract", "-F", str(REPO / "babel.cfg"), "--no-location"]
    CommandLineInterface().run([*command, "-o", str(fresh), str(REPO)])
    extracted = _ids(read(fresh))
    assert extracted, "extraction found nothing: babel.cfg or the keywords are wrong"
    for committed in (POT, PO):
        ids = _ids(read(committed))
        assert not extracted - ids, f"{committed.name} misses (run make i18n): {extracted - ids}"
        assert not ids - extracted, f"{committed.name} has stale messages: {ids - extracted}"


def test_japanese_catalogue_is_complete_with_matching_placeholders() -> None:
    assert problems(read(PO)) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "reason"),
    [
        ("Total %(total)s", "", "untranslated"),
        ("Total %(total)s", "合計 %(sum)s", "placeholders"),
        ("%(n)s of %(m)s", "%(m)s 中 %(n)s %(n)s", "placeholders"),
        ("{count} foci", "病巣", "placeholders"),
        ("%(p)s %% of patients", "%(p)s % の患者", "format"),
    ],
)
def test_catalogue_check_refuses(msgid: str, msgstr: str, reason: str) -> None:
    catalog = Catalog(locale="ja")
    catalog.add(msgid, msgstr)
    assert any(reason in line for line in problems(catalog))


def test_catalogue_check_refuses_fuzzy_and_accepts_reordered_placeholders() -> None:
    catalog = Catalog(locale="ja")
    catalog.add("Fuzzy", "曖昧", flags=("fuzzy",))
    catalog.add("%(n)s of %(m)s", "%(m)s 中 %(n)s")
    catalog.add("50 % collapse", "50 % の圧潰")  # a literal percent sign is not a placeholder
    assert problems(catalog) == ["msgid 'Fuzzy': fuzzy"]


def test_compiled_catalogue_matches_its_source() -> None:
    """The .mo `make` compiled (or the in-memory compile when absent) is the .po's text."""
    source = read(PO)
    ja = translator("ja")
    for message in source:
        if message.id and isinstance(message.id, str):
            assert ja.gettext(message.id) == message.string
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        assert MO.read_bytes() == compile_po(PO)


# -- translators ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("ja-JP", "ja"),
        ("ja", "ja"),
        ("JA_jp", "ja"),
        ("en-US", "en"),
        ("de-DE", "en"),
        ("jam", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_browser_locale_picks_the_language(locale: str | None, language: str) -> None:
    assert language_from_locale(locale) == language


def test_translators_are_cached_per_language_and_refuse_unknown_codes() -> None:
    assert translator("ja") is translator("ja")
    assert translator("en") is not translator("ja")
    with pytest.raises(ValueError, match="'fr' is not one of: en, ja"):
        translator("fr")


def test_marked_text_is_translated_at_render_time() -> None:
    label = N_("Revised Tokuhashi score")
    assert label == "Revised Tokuhashi score"
    assert translator("en")(label) == "Revised Tokuhashi score"
    assert translator("ja")(label) == "改訂徳橋スコア"
    assert translator("ja")(Palsy.COMPLETE.label) == "完全麻痺（Frankel A、B）"
    assert translator("en")("%(n)s foci", n=3) == "3 foci"
    assert translator("ja").ngettext("one focus", "%(n)s foci", 1) == "one focus"


def test_no_process_wide_language_is_installed() -> None:
    """Importing the app's modules and translating must not install a global `_` (it would
    leak one session's language into another's). Checked in a fresh interpreter: doctests
    run by other tests set ``builtins._`` through the display hook."""
    import subprocess
    import sys

    code = (
        "import builtins, gettext, app_pages.ui.language, reports.pdf, scoring, i18n\n"
        "i18n.translator('ja')('New Katagiri score')\n"
        "assert not hasattr(builtins, '_'), builtins._\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_two_threads_in_two_languages_do_not_affect_each_other() -> None:
    seen: dict[str, set[str]] = {"en": set(), "ja": set()}
    start = threading.Barrier(2)

    def work(language: str) -> None:
        start.wait()
        for _ in range(2000):
            seen[language].add(translator(language)("New Katagiri score"))

    threads = [threading.Thread(target=work, args=(code,)) for code in ("en", "ja")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"en": {"New Katagiri score"}, "ja": {"新片桐スコア"}}


# -- the score tables are translated ---------------------------------------------------------
OPTION_TABLES: tuple[type[ScoredOption], ...] = (
    ExtraspinalBoneMets,
    VertebralBodyMets,
    Palsy,
    TokuhashiPrimary,
    KatagiriGrowth,
    MajorOrganMets,
    VisceralMets,
    LabTier,
    SinsLocation,
    SinsPain,
    SinsBoneLesion,
    SinsAlignment,
    SinsCollapse,
    SinsPosterolateral,
)
NUMERIC_LABELS = {"0", "1", "2", "1–2", "≥ 3"}


def _domain_texts() -> set[str]:
    texts: set[str] = set()
    for table in OPTION_TABLES:
        texts |= {m.label for m in table} - NUMERIC_LABELS
    texts |= {g.label for g in LesionGroup}
    texts |= {p.label for p in PrimaryTumor} | {p.reading for p in PrimaryTumor if p.reading}
    texts |= {g.grade_name for g in FrankelGrade} | {g.definition for g in FrankelGrade}
    texts |= {g.definition for g in BilskyGrade}
    texts |= set(KPS_DEFINITIONS.values()) | set(ECOG_DEFINITIONS.values())
    texts |= set(GUIDANCE.values()) | {SURVIVAL_NOTE, CONSULTATION_NOTE}
    texts |= {a.label for a in ANALYTES}
    empty = score_case(PatientCase())
    for result in empty.scores:
        texts |= {result.name} | {i.label for i in result.items}
        for band in result.bands:
            texts |= {band.label, band.meaning}
            texts |= {f.horizon for f in band.survival} | {f.note for f in band.survival}
    tokuhashi, katagiri, sins = empty.scores
    texts |= {c.label for c in assess(PatientCase(), tokuhashi, katagiri, sins)}
    from scoring import bauer, tomita

    for result in (tomita.score(PatientCase()), bauer.score(PatientCase())):
        texts |= {result.name} | {i.label for i in result.items} | set(result.notes)
        texts |= {o.label for i in result.items for o in i.table or ()}
        texts |= {b.label for b in result.bands} | {b.meaning for b in result.bands}
    texts |= set(tomita.STRATEGY.values()) | set(bauer.GUIDANCE.values())
    texts |= {name.title or "" for name in PatientCase.model_fields.values()}
    return texts - {"", "CRP", "LDH"}  # abbreviations the Japanese literature keeps


def test_every_label_of_the_score_tables_is_translated() -> None:
    texts = _domain_texts()
    assert len(texts) > 150
    catalogue = {m.id: m.string for m in read(PO) if m.id}
    untranslated = sorted(t for t in texts if not catalogue.get(getattr(t, "msgid", t)))
    assert untranslated == []


# -- sessions --------------------------------------------------------------------------------
def _session(locale: str) -> AppTest:
    at = new_app()
    at.context = {"locale": locale}
    at.run()
    assert not at.exception, at.exception
    return at


def _notice(at: AppTest) -> str:
    return str(at.caption[0].value)


def test_two_sessions_in_two_languages_at_once() -> None:
    """A Japanese and an English browser on one server: each keeps its own language."""
    ja, en = _session("ja-JP"), _session("en-US")
    assert ja.session_state["lang"] == "ja"
    assert en.session_state["lang"] == "en"
    assert "チームの判断" in _notice(ja)
    assert "informs the team's judgment" in _notice(en)
    en.button_group(key="lang").set_value("ja").run()
    ja.button_group(key="lang").set_value("en").run()
    assert "チームの判断" in _notice(en)
    assert "informs the team's judgment" in _notice(ja)
    ja.run()
    en.run()
    assert en.session_state["lang"] == "ja"
    assert ja.session_state["lang"] == "en"


def test_switching_the_language_keeps_the_case() -> None:
    """Every field survives the switch: the numbers on screen are the same in both."""
    at = _session("en-US")
    fill(at, FULL)
    before = [m.value for m in at.metric]
    assert before.count("—") < len(before)
    at.button_group(key="lang").set_value("ja").run()
    assert not at.exception
    assert "チームの判断" in _notice(at)
    assert [m.value for m in at.metric] == before
    assert at.session_state["calc_age_years"] in (FULL["age_years"], str(FULL["age_years"]))


# -- glossary ------------------------------------------------------------------------------
GLOSSARY = LOCALES_DIR / "glossary.csv"


def _glossary() -> list[dict[str, str]]:
    import csv

    with GLOSSARY.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def test_glossary_rows_name_a_status_and_a_source() -> None:
    rows = _glossary()
    assert rows
    assert list(rows[0]) == ["term", "japanese_term", "status", "source", "note"]
    for row in rows:
        assert row["status"] in {"published", "kept in English", "reading"}, row
        assert all(row[column] for column in ("term", "japanese_term", "source")), row


def test_translations_follow_the_glossary() -> None:
    """Where a catalogue message is exactly a glossary term, its translation uses the term."""
    pairs: dict[str, str] = {}
    for row in _glossary():
        english = [t.strip() for t in row["term"].split(" / ")]
        japanese = [t.strip() for t in row["japanese_term"].split("／")]
        if len(english) == len(japanese):
            pairs |= {e.lower(): j for e, j in zip(english, japanese, strict=True)}
    checked = 0
    for message in read(PO):
        if isinstance(message.id, str) and message.id.lower() in pairs:
            assert pairs[message.id.lower()] in str(message.string), message.id
            checked += 1
    assert checked >= 10


# -- validation messages ---------------------------------------------------------------------
INVALID_CASES = [
    {"age_years": 5},
    {"age_years": 500},
    {"kps": 55},
    {"ecog": "x"},
    {"ecog": 1.5},
    {"sex": "m"},
    {"lesion_level": "C9"},
    {"previous_chemotherapy": "maybe"},
    {"crp": {"value": "-1", "unit": "mg/dL"}},
    {"crp": {"value": "abc", "unit": "mg/dL"}},
    {"crp": 5},
]


@pytest.mark.parametrize("data", INVALID_CASES, ids=lambda d: str(d))
def test_pydantic_messages_keep_english_and_are_translated(data: dict[str, object]) -> None:
    from pydantic import ValidationError

    from i18n import pydantic_message

    with pytest.raises(ValidationError) as caught:
        PatientCase.model_validate(data)
    for err in caught.value.errors(include_url=False):
        english = pydantic_message(err, translator("en"))
        assert english == str(err["msg"]).removeprefix("Value error, ")
        japanese = pydantic_message(err, translator("ja"))
        assert japanese != english
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in japanese)


def test_translatable_error_is_english_text_and_translated_when_shown() -> None:
    from i18n import TranslatableError

    error = TranslatableError(N_("Input should be greater than or equal to %(ge)s"), ge=18)
    assert str(error) == "Input should be greater than or equal to 18"
    assert error.translated(translator("ja")) == "18 以上の値を入力してください"
    assert isinstance(error, ValueError)


# -- composed text ---------------------------------------------------------------------------
def test_composed_domain_text_is_english_and_translatable() -> None:
    """Details and explanations built from data read as before and translate on a page."""
    from i18n import Message
    from tests.support.cases import make_case

    scores = score_case(make_case(platelets={"value": "50", "unit": "10^9/L"}))
    lab = next(i for i in scores.katagiri.items if i.key == "laboratory")
    assert lab.detail == "Platelets 50 × 10⁹/L (Platelets < 100 × 10⁹/L)"
    assert translator("ja")(lab.detail) == "血小板 50 × 10⁹/L（血小板 < 100 × 10⁹/L）"
    life = next(c for c in scores.criteria if c.key == "life_expectancy_3_months")
    assert life.explanation.startswith(
        "Revised Tokuhashi score 13: in the band predicting ≥ 6 months (9 or more); New "
        "Katagiri score"
    )
    assert translator("ja")(life.explanation).startswith(
        "改訂徳橋スコア 13：予測生存期間 6か月以上の区分（9以上）；新片桐スコア"
    )
    nested = Message(N_("%(items)s"), items=(Message(N_("Level %(level)s"), level="C5"), "Pain"))
    assert nested == "Level C5; Pain"
    assert translator("ja")(nested) == "高位 C5；疼痛"


@pytest.mark.parametrize(
    ("data", "japanese"),
    [
        ({"kps": 55}, "Karnofsky PS（%）（kps）：10 の倍数を入力してください（入力値 55）。"),
        (
            {"crp": {"value": "500", "unit": "mg/dL"}},
            "CRP（crp）：CRP 500 mg/dL は入力可能範囲 0–100 mg/dL の外です。",
        ),
        (
            {"major_organ_mets": "unremovable", "visceral_mets": "none"},
            "内臓転移（visceral_mets）：主要臓器転移（major_organ_mets）= unremovable と矛盾します",
        ),
        ({"foo": 1}, "foo：症例の項目ではありません"),
    ],
)
def test_validation_messages_in_japanese(data: dict[str, object], japanese: str) -> None:
    from pydantic import ValidationError

    from scoring import describe_errors

    with pytest.raises(ValidationError) as caught:
        PatientCase.model_validate(data)
    english = describe_errors(caught.value)
    lines = describe_errors(caught.value, translator("ja"))
    assert lines[0].startswith(japanese), lines
    assert english != lines
    assert describe_errors(caught.value, translator("en")) == english


def test_the_model_row_reason_and_values_translate() -> None:
    from models.features import features, value_text
    from tests.support.cases import make_case

    case = make_case(sex=None, calcium=None)
    row = features(case, score_case(case))
    assert row.reason is not None
    assert row.reason.startswith("Not recorded: sex.") or "Not recorded: sex." in row.reason
    ja = translator("ja")(row.reason)
    assert "未記録：sex。" in ja
    assert "Not recorded" not in ja
    assert translator("ja")(value_text("revised_tokuhashi", 7.0)) == "7 点"
    assert value_text("revised_tokuhashi", 7.0) == "7 points"
    assert translator("ja")(value_text("lesion_level", 3.0)) == "頸胸椎移行部（C7–T1）"


# -- the poor-outcome model's own text ---------------------------------------------------------
def test_model_text_is_the_files_english_and_renders_in_japanese(tmp_path: Path) -> None:
    """Reference patient, provenance and warnings: the file's English as ``str`` (CLI,
    batch columns, English reports unchanged) and Japanese through the translator, on the
    page and in a Japanese report."""
    from datetime import date

    from models.predict import load_model
    from reports.case_report import build_report
    from tests.support.app import expected_case, write_synthetic_model

    model = load_model(write_synthetic_model(tmp_path))
    case = expected_case(FULL)
    scores = score_case(case)
    prediction = model.predict(case, scores)
    assert prediction.reference == model.manifest.reference_patient.text
    assert prediction.provenance == model.manifest.provenance
    assert prediction.warnings, "the complete case lies outside the test model's range"
    ja = translator("ja")
    rendered = [ja(t) for t in (prediction.reference, prediction.provenance, *prediction.warnings)]
    assert rendered[0].startswith("基準患者：女性、")
    assert "再推定" in rendered[1]
    assert all("外挿" in w for w in rendered[2:])
    for text in rendered:
        assert not re.search(r"[a-z]{3,} [a-z]{3,}", text), text
    report = build_report(
        case,
        scores,
        prediction,
        model.manifest,
        generated=date(2026, 1, 1),
        app_version="0",
        model_version="0",
        language="ja",
    )
    assert report.reference.startswith("女性、"), report.reference
    assert report.warnings == tuple(rendered[2:])
