"""The case report in Japanese: PDF (text layer and a PNG render), HTML and FHIR.

The report's language is the session's (``build_report(..., language="ja")``); every
heading, label, band, meaning and sentence is Japanese, while numbers, units, codes, LOINC
displays and citations stay as they are. The PDF is read back with poppler (pdftotext,
pdftoppm), as a reader's viewer would, and its first page is kept as a PNG in
test-artifacts/reports for a person to look at.
"""

from __future__ import annotations

import html as html_module
import json
import re
import shutil
from pathlib import Path

from PIL import Image

from reports.case_report import build_report, model_version
from reports.fhir import render_fhir
from reports.html import render_html
from tests.reports.test_report import (
    GENERATED,
    bare_report,
    full_report,
    score_case,
)
from tests.reports.test_report_pdf import _run, _tool, page_info, pdf_file, pdf_text
from tests.support.cases import make_case

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "reports"
LABEL = "頸椎転移 症例2"
JAPANESE_HEADINGS = ("入力値", "スコア", "不良転帰の確率", "適応チェックリスト", "由来")
ENGLISH_HEADINGS = ("Inputs", "Scores", "Poor-outcome probability", "Indications checklist")


def test_japanese_pdf_text_layer_and_png(tmp_path: Path) -> None:
    path = pdf_file(full_report(label=LABEL, language="ja"), tmp_path, "ja")
    text = pdf_text(path)
    assert LABEL in text
    assert f"症例ラベル：{LABEL}" in text
    for heading in (*JAPANESE_HEADINGS, "改訂徳橋スコア", "新片桐スコア"):
        assert heading in text, heading
    for english in ENGLISH_HEADINGS:
        assert english not in text, english
    assert page_info(path)["Pages"] == "1"
    _run(_tool("pdftoppm"), "-png", "-r", "80", "-singlefile", str(path), str(tmp_path / "ja"))
    png = tmp_path / "ja.png"
    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 0.01 * image.size[0] * image.size[1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, ARTIFACTS / "case-report-ja.png")


def test_english_pdf_is_unchanged_by_the_language_option(tmp_path: Path) -> None:
    english = pdf_text(pdf_file(full_report(label="Case 2"), tmp_path, "en"))
    assert "Inputs" in english
    assert "入力値" not in english


def test_japanese_html() -> None:
    html = render_html(full_report(label=LABEL, language="ja"))
    assert '<html lang="ja">' in html
    for heading in JAPANESE_HEADINGS:
        assert f"<h2>{heading}</h2>" in html, heading
    for english in ENGLISH_HEADINGS:
        assert f">{english}<" not in html, english
    assert f"症例ラベル：{LABEL}" in html


def test_japanese_fhir_keeps_codes_and_translates_text() -> None:
    ja = json.loads(render_fhir(full_report(label=LABEL, language="ja")))
    en = json.loads(render_fhir(full_report(label=LABEL)))
    assert ja["code"]["text"] == "頸椎の姑息的手術後の不良転帰のリスク"
    assert {b["display"] for b in ja["basis"]} >= {"改訂徳橋スコア", "新片桐スコア", "SINS"}

    def codes(resource: dict[str, object]) -> list[object]:
        return [
            c.get("code", {}).get("coding")  # type: ignore[union-attr]
            for c in resource["contained"]  # type: ignore[union-attr]
        ]

    assert codes(ja) == codes(en)
    assert ja["prediction"][0]["probabilityDecimal"] == en["prediction"][0]["probabilityDecimal"]
    assert any(LABEL in n["text"] for n in ja["note"])


#: The Japanese wording of what stands beside the probability (the calculator's sentences).
JAPANESE_UNCERTAINTY = (
    "この患者と同様の患者100人のうち、約23人が不良転帰となると推定されます。",
    "主たる推定：楽観度を補正したモデル",
    "再構成の間：21–27 %（",
    "リサンプリング患者で再推定：12–38 %（",
    "公表どおり（楽観度の補正なし）：15 %（95%信頼区間 4–42 %）",
)
JAPANESE_NEW_SCORES = ("富田スコア", "改変 Bauer スコア", "長期的局所制御")


def test_japanese_uncertainty_and_five_scores_in_every_format(tmp_path: Path) -> None:
    report = full_report(label=LABEL, language="ja")
    lines = report.uncertainty_lines
    assert len(lines) == len(JAPANESE_UNCERTAINTY)
    for line, expected in zip(lines, JAPANESE_UNCERTAINTY, strict=True):
        assert line.startswith(expected), (line, expected)
    pdf = pdf_text(pdf_file(report, tmp_path, "ja-ranges"))
    html = render_html(report)
    fhir = render_fhir(report)
    for expected in (*JAPANESE_UNCERTAINTY, *JAPANESE_NEW_SCORES):
        # the PDF's text layer folds wrapped lines with a space
        assert expected in pdf.replace(" ", "") or expected in pdf, expected
        assert expected in html, expected
        assert expected in fhir, expected
    for english in ("As published", "Across reconstructions", "Tomita score", "100 patients"):
        assert english not in pdf, english
        assert english not in fhir, english


#: Half-width punctuation touching Japanese text: a colon or semicolon after or before a
#: Japanese character, a bracket opened after one, or a half-width bracket around one.
_JA = "\u3040-\u30ff\u4e00-\u9fff\uff08\uff09"
MIXED_PUNCTUATION = re.compile(rf"[{_JA}][:;]|[:;] ?[{_JA}]|[{_JA}] ?\(|\([^()]*[{_JA}][^()]*\)")
#: What the Japanese report writes with full-width punctuation, in every format.
JAPANESE_PUNCTUATION = (
    "23 %（95%信頼区間 8–51 %）",
    "15 %（95%信頼区間 4–42 %）",
    "区分：1年以上：予測生存期間 1年以上",
    "緩徐な増殖（甲状腺癌）",
    "可動部（C3–C6、L2–L4）（高位 C5）",
    "未記録：Bilsky ESCCグレード；内臓転移の治療可能性；",
    "6か月：98.1 %（暫定）；1年：91.4 %（暫定）",
    "poor_outcome（モデルファイルの SHA-256 ",
)
#: The score sources line of the PDF's and the HTML page's provenance (FHIR cites each
#: score in its own Observation).
JAPANESE_SOURCES = "改訂徳橋スコア：Tokuhashi 2005；新片桐スコア：Katagiri 2014"


def _html_text(page: str) -> str:
    """The HTML page's text as a reader sees it (tags and the style sheet left out)."""
    body = page.split("</style>", 1)[1]
    return html_module.unescape(re.sub(r"<[^>]+>", "\n", body))


def _fhir_texts(resource: object) -> list[str]:
    if isinstance(resource, dict):
        return [t for value in resource.values() for t in _fhir_texts(value)]
    if isinstance(resource, list):
        return [t for value in resource for t in _fhir_texts(value)]
    return [resource] if isinstance(resource, str) else []


def test_japanese_report_uses_full_width_punctuation(tmp_path: Path) -> None:
    """No half-width "(95%", "; " or ": " between Japanese words in the PDF, HTML or FHIR."""
    report = full_report(label=LABEL, language="ja")
    pdf = pdf_text(pdf_file(report, tmp_path, "ja-punctuation"))
    html = _html_text(render_html(report))
    fhir = "\n".join(_fhir_texts(json.loads(render_fhir(report))))
    for name, text in (("pdf", pdf), ("html", html), ("fhir", fhir)):
        assert "(95%" not in text, name
        # the PDF's text layer may fold a wrapped line with a space or a line break
        folded = re.sub(r"\s+", "", text) if name == "pdf" else text
        wanted = (*JAPANESE_PUNCTUATION, *((JAPANESE_SOURCES,) if name != "fhir" else ()))
        for expected in wanted:
            assert expected.replace(" ", "") in folded or expected in text, (name, expected)
        mixed = [m.group() for m in MIXED_PUNCTUATION.finditer(text)]
        assert not mixed, (name, mixed)


def test_japanese_report_without_a_model_uses_full_width_punctuation() -> None:
    report = bare_report("ja")
    html = _html_text(render_html(report))
    assert "なし（モデル未読み込み）" in html
    assert not MIXED_PUNCTUATION.search(html), MIXED_PUNCTUATION.findall(html)
    fhir = "\n".join(_fhir_texts(json.loads(render_fhir(report))))
    assert not MIXED_PUNCTUATION.search(fhir), MIXED_PUNCTUATION.findall(fhir)


def test_japanese_report_of_the_shipped_model_translates_its_own_sentences() -> None:
    """The shipped model's provenance and its two methods are this program's own wording
    (stored in English in the model file): a Japanese report shows them in Japanese, in
    every format that carries them."""
    from i18n import translator
    from models.predict import PROVENANCE, load_model

    ja = translator("ja")
    model = load_model()
    case = make_case()
    scores = score_case(case)
    report = build_report(
        case,
        scores,
        model.predict(case, scores),
        model.manifest,
        generated=GENERATED,
        app_version="0.1.0",
        model_version=model_version(model.manifest),
        label=LABEL,
        language="ja",
    )
    manifest = model.manifest
    stored = (PROVENANCE, manifest.adjusted.method, manifest.published.method)
    html = html_module.unescape(render_html(report))
    fhir = render_fhir(report)
    for english in stored:
        assert ja(english) != english, english  # translated in the catalogue
        assert english not in html, english
        assert english not in fhir, english
    assert ja(PROVENANCE) in html
    assert ja(PROVENANCE) in fhir
    assert ja(manifest.adjusted.method) in html
