"""The case report as one self-contained, print-ready HTML page.

Why self-contained: the file is saved beside a patient record and opened later, perhaps
offline or on a hospital machine that blocks outside hosts. So the page has inline CSS
only: no script, no web font, no image, no link to any outside address (the tests check
that no ``http://`` or ``https://`` appears). Citations are plain text (``doi:…``).
Every value comes from the same :class:`~reports.case_report.CaseReport` as the PDF and the
FHIR resource, and every piece of text is HTML-escaped, the user's case label included.
``@page`` sets A4 so the browser's print gives a page like the PDF.
"""

from __future__ import annotations

from html import escape
from typing import Final

from i18n import translator
from reports.case_report import CHECKLIST_INTRO, INPUT_ERRORS_HEADING, CaseReport, ScoreSection

CSS: Final = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, "IPAexGothic", "Noto Sans CJK JP",
  sans-serif; font-size: 10pt;
  line-height: 1.35; color: #111; max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; border-bottom: 1px solid #aaa; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; display: flex; justify-content: space-between; }
p { margin: 0.8mm 0; }
.label { font-size: 12pt; font-weight: bold; }
.meta, .muted { color: #555; }
.columns { display: flex; gap: 6mm; align-items: flex-start; }
.columns > section:first-child { flex: 0 0 40%; }
.columns > section:last-child { flex: 1 1 auto; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 0.4mm 1.5mm 0.4mm 0; vertical-align: top; }
td.pts, th.pts { text-align: right; white-space: nowrap; font-weight: bold; }
dl.inputs { display: grid; grid-template-columns: auto 1fr; gap: 0.3mm 3mm; margin: 0;
  font-size: 9pt; }
dl.inputs dt { color: #333; }
dl.inputs dd { margin: 0; }
.status { font-weight: bold; }
.probability { font-size: 14pt; font-weight: bold; margin: 1.5mm 0; }
.definition { font-weight: bold; }
.filing { font-weight: bold; margin: 0.5mm 0; }
.provenance { font-weight: bold; }
.small { font-size: 8pt; }
@media print {
  body { padding: 0; font-size: 8pt; line-height: 1.2; }
  table, dl.inputs { font-size: 7pt; } th, td { padding-top: 0; padding-bottom: 0; }
  h1 { font-size: 13pt; } h2 { font-size: 9.5pt; margin-top: 2mm; } h3 { font-size: 8.5pt; }
  .probability { font-size: 11pt; } .small { font-size: 6.5pt; }
  h2, h3 { break-after: avoid; } .score, table { break-inside: avoid; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _words(language: str) -> dict[str, str]:
    """The report's fixed words (headings, column names) in ``language``, escaped for HTML."""
    _ = translator(language)
    words = {
        "item": _("Item"),
        "finding": _("Finding"),
        "points": _("Points"),
        "probability": _("Poor-outcome probability"),
        "warnings": _("Warnings"),
        "caveats": _("Caveats"),
        "contributions": _("Contributions (log-odds against the reference patient)"),
        "predictor": _("Predictor"),
        "this_case": _("This case"),
        "reference": _("Reference"),
        "effect": _("Effect"),
        "log_odds": _("Log-odds"),
        "checklist": _("Indications checklist"),
        "criterion": _("Criterion"),
        "in_this_case": _("In this case"),
        "source": _("Source"),
        "status": _("Status"),
        "provenance": _("Provenance"),
        "generated": _("Generated"),
        "inputs": _("Inputs"),
        "scores": _("Scores"),
    }
    return {key: _e(value) for key, value in words.items()}


def _score(section: ScoreSection) -> str:
    w = _words(section.language)
    _ = translator(section.language)
    rows = "".join(
        f"<tr><td>{_e(item.label)}</td><td>{_e(item.finding)}</td>"
        f'<td class="pts">{_e(item.points_text)}</td></tr>'
        for item in section.items
    )
    status = f'<p class="status">{_e(section.status_text)}</p>' if section.status_text else ""
    figures = _("Published survival: %(figures)s", figures=_.join_items(section.survival))
    survival = f'<p class="muted">{_e(figures)}</p>' if section.survival else ""
    band = _("Band: %(band)s", band=section.band_text)
    return (
        f'<section class="score" id="score-{_e(section.key)}">'
        f"<h3><span>{_e(section.name)}</span><span>{_e(section.total_text)}</span></h3>"
        f"{status}<p>{_e(band)}</p>{survival}"
        f"<table><thead><tr><th>{w['item']}</th><th>{w['finding']}</th>"
        f'<th class="pts">{w["points"]}</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></section>"
    )


def _model(report: CaseReport) -> str:
    w = _words(report.language)
    _ = translator(report.language)
    parts = [
        f"<h2>{w['probability']}</h2>",
        f'<p class="probability">{_e(report.probability_text)}</p>',
        *(f'<p class="uncertainty">{_e(line)}</p>' for line in report.uncertainty_lines),
        f'<p class="definition">{_e(report.outcome_definition)}</p>',
        f'<p class="provenance">{_e(report.provenance)}</p>',
    ]
    if report.warnings:
        items = "".join(f"<li>{_e(x)}</li>" for x in report.warnings)
        parts.append(f'<h3>{w["warnings"]}</h3><ul class="warnings">{items}</ul>')
    caveats = "".join(f"<li>{_e(c)}</li>" for c in report.caveats)
    parts.append(f'<h3>{w["caveats"]}</h3><ul class="caveats">{caveats}</ul>')
    if report.contributions:
        rows = "".join(
            f"<tr><td>{_e(c.label)}</td><td>{_e(c.value)}</td><td>{_e(c.reference)}</td>"
            f'<td>{_e(c.direction_text)}</td><td class="pts">{_e(c.log_odds_text)}</td></tr>'
            for c in report.contributions
        )
        parts.append(
            f"<h3>{w['contributions']}</h3>"
            f"<table><thead><tr><th>{w['predictor']}</th><th>{w['this_case']}</th>"
            f"<th>{w['reference']}</th><th>{w['effect']}</th>"
            f'<th class="pts">{w["log_odds"]}</th></tr></thead><tbody>{rows}</tbody>'
            "</table>"
        )
    if report.reference:
        reference = _("Reference patient: %(reference)s", reference=report.reference)
        parts.append(f'<p class="muted small">{_e(reference)}</p>')
    return "".join(parts)


def _checklist(report: CaseReport) -> str:
    w = _words(report.language)
    intro = _e(translator(report.language).gettext(CHECKLIST_INTRO))
    parts = [f"<h2>{w['checklist']}</h2>", f'<p class="muted">{intro}</p>']
    for heading, lines in report.criteria_groups:
        rows = "".join(
            f'<tr data-criterion-status="{_e(line.status)}"><td>{_e(line.label)}</td>'
            f"<td>{_e(line.explanation)}</td><td>{_e(line.sources)}</td>"
            f'<td class="pts">{_e(line.status_text)}</td></tr>'
            for line in lines
        )
        parts.append(
            f"<h3>{_e(heading)}</h3><table><thead><tr><th>{w['criterion']}</th>"
            f"<th>{w['in_this_case']}</th><th>{w['source']}</th>"
            f'<th class="pts">{w["status"]}</th></tr></thead><tbody>{rows}</tbody>'
            "</table>"
        )
    return "".join(parts)


def _provenance(report: CaseReport) -> str:
    _ = translator(report.language)
    lines = [
        _(
            "Model: %(name)s; version %(version)s",
            name=report.model_name,
            version=report.model_version,
        )
    ]
    lines += list(report.model_details)
    lines.append(_("Source study: %(source)s", source=report.source_study))
    sources = _.join_items(_.labelled(s.name, s.source) for s in report.scores)
    lines.append(_("Score sources: %(sources)s", sources=sources))
    body = "".join(f'<p class="small muted">{_e(line)}</p>' for line in lines)
    heading = _e(_("Provenance"))
    return f"<h2>{heading}</h2>{body}"


def render_html(report: CaseReport) -> str:
    """The report as a complete HTML document (UTF-8, inline CSS, no script)."""
    w = _words(report.language)
    input_errors_heading = _e(translator(report.language).gettext(INPUT_ERRORS_HEADING))
    _ = translator(report.language)
    label = ""
    if report.label:
        case_label = _("Case label: %(label)s", label=report.label)
        label = f'<p class="label">{_e(case_label)}</p>'
    label += "".join(
        f'<p class="filing">{_e(_.labelled(title, value))}</p>'
        for title, value in report.filing_lines
    )
    inputs = "".join(f"<dt>{_e(i.title)}</dt><dd>{_e(i.value)}</dd>" for i in report.inputs)
    errors = (
        f'<p class="status">{input_errors_heading}</p><ul>'
        + "".join(f"<li>{_e(e)}</li>" for e in report.input_errors)
        + "</ul>"
        if report.input_errors
        else ""
    )
    fields = _("Not recorded: %(fields)s", fields=_.join_items(report.not_recorded))
    not_recorded = f'<p class="muted small">{_e(fields)}</p>' if report.not_recorded else ""
    scores = "".join(_score(s) for s in report.scores)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(report.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)} {_e(report.generated_text)}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{_e(report.title)}</h1>{label}"
        f'<p class="meta">{w["generated"]} {_e(report.generated_text)} · '
        f"{_e(report.versions_text)}</p>"
        f'<p class="meta intended-use">{_e(report.intended_use)}</p></header>'
        '<div class="columns">'
        f'<section><h2>{w["inputs"]}</h2><dl class="inputs">{inputs}</dl>{errors}'
        f"{not_recorded}</section>"
        f"<section><h2>{w['scores']}</h2>{scores}</section></div>"
        f"<section>{_model(report)}</section>"
        f'<section class="checklist">{_checklist(report)}</section>'
        f"<section>{_provenance(report)}</section>"
        "</body></html>\n"
    )
