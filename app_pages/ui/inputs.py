"""The calculator's input widgets, one per case field, keyed ``calc_`` + field name.

Conventions the browser tests rely on:

- a small vocabulary (sex, yes/no facts, Frankel, Karnofsky, ECOG, Bilsky, the SINS
  findings, organ and visceral metastases, whether visceral metastases are treatable
  (asked only when one is recorded), the vertebral level) is one tap: a segmented
  control (two options) or pills, starting with nothing selected. Tapping the selected
  option again clears it, so "not recorded" stays reachable and "no" is never confused
  with "not asked". Only the primary tumor (29 entries in groups) stays a selectbox;
- every count, age and lab value is a text field starting empty (see ``typed_numbers``
  for why not a number input); a value that cannot be accepted is named right under its
  field, in words and not only in colour;
- fields are laid out in rows of two, so the keyboard's tab order runs across each row;
  no field carries a help icon (a tab stop before every field, and a tooltip that opened
  over the results on focus): definitions are in the option text (Karnofsky, ECOG and
  Bilsky options carry their full definitions, wrapped, never cut off), in a caption under
  the chosen Frankel grade, and in the "Definitions" expander.

The widgets take their values from session state (seeded by ``case_state``), so none is
given a default here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import streamlit as st

from app_pages.ui.case_state import (
    LAB_FIELDS,
    SEX_TEXT,
    UNIT_SYSTEM_LABELS,
    UNIT_SYSTEMS,
    UNITS_FIELD,
    YES_NO,
    lab_unit,
    on_units_change,
    visceral_present,
    widget_key,
)
from app_pages.ui.language import dropdown, session_translator
from i18n import N_
from scoring.bilsky import BilskyGrade
from scoring.case import Sex, field_title
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD
from scoring.levels import VertebralLevel
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.performance import ECOG_DEFINITIONS, KPS_DEFINITIONS
from scoring.primary_tumor import PrimaryTumor
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)

NOT_RECORDED: Final = N_("Not recorded")
#: Descending, as the scale is printed.
KPS_VALUES: Final[tuple[int, ...]] = tuple(sorted(KPS_DEFINITIONS, reverse=True))

Kind = Literal["segmented", "pills", "select"]
#: A typed field commits after this pause in typing, not only on Enter or leaving it: the
#: results (and the report a download builds) follow what the field shows without a step
#: a tablet user may not know (see ``report_downloads``).
LIVE: Final = "400ms"
#: Session key of this run's refused typed values, by field (set by the page).
PROBLEMS_KEY: Final = "input_problems"


def show_problems(problems: Mapping[str, str]) -> None:
    """Remember which fields were refused in this run (a typed value that is not a number,
    an answer that contradicts another), to name them at the field.

    Kept in session state, never in module state: every browser session runs the page in
    its own thread, and one patient's message must never reach another's screen.
    """
    st.session_state[PROBLEMS_KEY] = dict(problems)


def _problem(name: str) -> None:
    """The refusal sentence of a field, right under it (role=alert, not only red)."""
    message = st.session_state.get(PROBLEMS_KEY, {}).get(name)
    if message is not None:
        with st.container(key=f"problem_{name}"):
            st.error(message)


def choice(
    name: str,
    options: Sequence[Any],
    text: Mapping[Any, str] | Callable[[Any], str],
    kind: Kind = "pills",
) -> Any:
    """One tap for a small vocabulary (pills or a segmented control); a selectbox for a
    long one. Every kind starts, and can return to, "not recorded" (None)."""
    _ = session_translator()
    lookup = text if callable(text) else text.__getitem__

    def formatter(option: Any) -> str:
        return _(lookup(option))

    key = widget_key(name)
    label = _(field_title(name))
    if kind == "select":
        return st.selectbox(
            label,
            options,
            index=None,
            format_func=formatter,
            key=dropdown(key),
            placeholder=_(NOT_RECORDED),
        )
    control = st.segmented_control if kind == "segmented" else st.pills
    # wrap: long option text goes onto another row instead of a sideways scroll area
    chosen = control(label, options, format_func=formatter, key=key, wrap=True)
    _problem(name)  # an answer that contradicts another is refused right here too
    return chosen


def typed_number(name: str, label: str | None = None) -> str | None:
    """A count, an age or a lab value typed as text; the refusal, if any, under it."""
    _ = session_translator()
    value = st.text_input(
        label or _(field_title(name)),
        key=widget_key(name),
        placeholder=_(NOT_RECORDED),
        autocomplete="off",
        live=LIVE,
    )
    _problem(name)
    return value


def _labels(vocabulary: type[Any]) -> dict[str, str]:
    return {member.value: member.label for member in vocabulary}


def _definition(text: str) -> None:
    st.caption(text)


# -- groups, in the order a case is presented ------------------------------------------
def patient() -> None:
    """Sex and age."""
    left, right = st.columns(2)
    with left:
        choice("sex", Sex.codes(), SEX_TEXT, kind="segmented")
    with right:
        typed_number("age_years")


def lesion() -> None:
    """Level of the main lesion, Bilsky grade for the record, the five SINS findings."""
    _ = session_translator()
    level = choice("lesion_level", VertebralLevel.codes(), lambda code: code)
    if level is not None:
        parsed = VertebralLevel.parse(level)
        group = parsed.lesion_group
        where = _(group.label) if group is not None else _("outside the cohort's C1–T1")
        st.caption(
            _(
                "SINS location: %(location)s. Cohort lesion level: %(group)s.",
                location=_(parsed.sins_location.label),
                group=where,
            )
        )
    grades = {g.value: g for g in BilskyGrade}
    choice("escc_grade", list(grades), lambda code: _.labelled(code, _(grades[code].definition)))
    st.caption(
        _("Bilsky grade: read on axial T2 MRI at the most compressed level; recorded, not scored.")
    )
    rows = (
        (("sins_pain", SinsPain), ("sins_bone_lesion", SinsBoneLesion)),
        (("sins_alignment", SinsAlignment), ("sins_collapse", SinsCollapse)),
        (("sins_posterolateral", SinsPosterolateral), None),
    )
    for row in rows:
        for column, item in zip(st.columns(2), row, strict=True):
            if item is not None:
                with column:
                    name, vocabulary = item
                    choice(name, vocabulary.codes(), _labels(vocabulary))


def _definition_list(lines: Iterable[tuple[str, str]]) -> None:
    """A Markdown list of "term: definition" lines, the colon in the session's language."""
    _ = session_translator()
    st.markdown("\n".join("- " + _.labelled(term, text) for term, text in lines))


def neurology_and_performance() -> None:
    """Frankel, Karnofsky and ECOG, each asked natively; the chosen grade's definition
    under it, every definition in the expander."""
    _ = session_translator()
    frankel_grades = {g.value: g for g in FrankelGrade}
    frankel = choice(
        "frankel", list(frankel_grades), lambda v: _.labelled(v, _(frankel_grades[v].grade_name))
    )
    if frankel is not None:
        _definition(_.labelled(f"Frankel {frankel}", _(frankel_grades[frankel].definition)))
    # Full definitions as the option text (wrapped inside the pill, never cut off).
    choice("kps", KPS_VALUES, lambda v: _.labelled(f"{v} %", _(KPS_DEFINITIONS[v])))
    choice("ecog", sorted(ECOG_DEFINITIONS), lambda v: _.labelled(str(v), _(ECOG_DEFINITIONS[v])))
    st.caption(_("Karnofsky and ECOG are both asked; neither is converted from the other."))
    with st.expander(_("Definitions: Frankel, Karnofsky, ECOG, Bilsky")):
        frankel_names = (
            _.bracketed(f"**Frankel {g.value}**", _(g.grade_name)) for g in FrankelGrade
        )
        _definition_list(zip(frankel_names, (_(g.definition) for g in FrankelGrade), strict=True))
        _definition_list((f"**KPS {v} %**", _(KPS_DEFINITIONS[v])) for v in KPS_VALUES)
        _definition_list((f"**ECOG {v}**", _(t)) for v, t in ECOG_DEFINITIONS.items())
        st.markdown(
            "\n".join(
                "- " + _.labelled(f"**Bilsky {g.value}**", _(g.definition)) for g in BilskyGrade
            )
            + "\n\n"
            + _("Bilsky grade is read on axial T2 MRI at the most compressed level.")
        )


def tumor_and_systemic_disease() -> None:
    """Primary tumor (one choice feeds both scores), chemotherapy, spread of disease."""
    _ = session_translator()
    primary = choice("primary_tumor", PrimaryTumor.codes(), _labels(PrimaryTumor), kind="select")
    if primary is not None:
        tumor = PrimaryTumor.parse(primary)
        values = {
            "tokuhashi": _(tumor.tokuhashi.label),
            "tokuhashi_points": tumor.tokuhashi.points,
            "katagiri": _(tumor.katagiri.label),
            "katagiri_points": tumor.katagiri.points,
        }
        st.caption(
            _(
                "Tokuhashi: %(tokuhashi)s (%(tokuhashi_points)s). "
                "Katagiri: %(katagiri)s (%(katagiri_points)s).",
                **values,
            )
            if tumor.katagiri_verified
            else _(
                "Tokuhashi: %(tokuhashi)s (%(tokuhashi_points)s). "
                "Katagiri: %(katagiri)s (%(katagiri_points)s), group not verified in an "
                "accessible source.",
                **values,
            )
        )
        if tumor.reading:
            st.info(_("Reading used here: %(reading)s", reading=_(tumor.reading)))
    left, right = st.columns(2)
    with left:
        choice("previous_chemotherapy", [True, False], YES_NO, kind="segmented")
    with right:
        typed_number("extraspinal_bone_mets")
    left, right = st.columns(2)
    with left:
        typed_number("vertebral_body_mets")
    organs = choice("major_organ_mets", MajorOrganMets.codes(), _labels(MajorOrganMets))
    visceral = choice("visceral_mets", VisceralMets.codes(), _labels(VisceralMets))
    if visceral_present({"visceral_mets": visceral, "major_organ_mets": organs}):
        # Tomita's question, asked only when there is a visceral metastasis to treat
        choice("visceral_mets_treatable", [True, False], YES_NO, kind="segmented")
        st.caption(
            _(
                "Treatable by any means (surgery, systemic therapy, radiation, ablation): wider "
                "than Tokuhashi's 'removable'."
            )
        )


def labs() -> None:
    """Lab values in the selected unit system; the unit is in each label, the accepted
    range and the Katagiri cut-off under the fields."""
    _ = session_translator()
    system = st.segmented_control(
        _("Laboratory units"),
        list(UNIT_SYSTEMS),
        format_func=lambda code: _(UNIT_SYSTEM_LABELS[code]),
        key=widget_key(UNITS_FIELD),
        required=True,
        on_change=on_units_change,
    )
    st.caption(
        _(
            "Each value is taken in the unit shown in its label. Switching units clears "
            "entered values rather than converting them."
        )
    )
    cutoffs = []
    for start in range(0, len(LAB_FIELDS), 2):
        for column, name in zip(st.columns(2), LAB_FIELDS[start : start + 2], strict=True):
            unit = lab_unit(name, system or "conventional")
            with column:
                typed_number(name, _.bracketed(_(field_title(name)), unit.label))
            rule = ANALYTE_BY_FIELD[name].rule(unit)
            cutoffs.append(
                _(
                    "%(criterion)s (accepted %(low)s–%(high)s)",
                    criterion=_(ANALYTE_BY_FIELD[name].criterion_text(unit)),
                    low=rule.low,
                    high=rule.high,
                )
            )
    st.caption(_("Katagiri's laboratory item counts: %(cutoffs)s.", cutoffs=_.join_items(cutoffs)))


def indications() -> None:
    """The yes/no facts the papers' indications and contraindication rest on."""
    for name in (
        "progressive_neurological_deficit",
        "intractable_pain",
        "impaired_consciousness_cerebral_mets",
    ):
        choice(name, [True, False], YES_NO, kind="segmented")
