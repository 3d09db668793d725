"""The calculator's input widgets, one per case field, keyed ``calc_`` + field name.

Conventions the browser tests rely on: every choice is a selectbox with
``index=None`` and the placeholder "Not recorded" (an unknown stays unknown; yes/no
questions are selectboxes too, so "no" is never confused with "not asked"); every count,
age and lab value is a number input starting empty; the label is the PatientCase field
title, with the unit for lab values ("CRP (mg/dL)"). Definitions (Frankel, Karnofsky,
ECOG, Bilsky) are one tap away in the widget's help and in the option text itself.

The widgets take their values from session state (seeded by ``case_state``), so none is
given a default here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import streamlit as st

from app_pages.ui.case_state import (
    LAB_FIELDS,
    UNIT_SYSTEM_LABELS,
    UNIT_SYSTEMS,
    UNITS_FIELD,
    lab_unit,
    on_units_change,
    widget_key,
)
from scoring.bilsky import BilskyGrade
from scoring.case import PatientCase, Sex, field_bounds, field_title
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

NOT_RECORDED: Final = "Not recorded"
_YES_NO: Final = {True: "Yes", False: "No"}


def _description(name: str) -> str:
    info = PatientCase.model_fields[name]
    return info.description or ""


def choice(
    name: str,
    options: Sequence[Any],
    text: Mapping[Any, str] | Callable[[Any], str],
    help_text: str | None = None,
) -> Any:
    """A selectbox over ``options`` that starts and can return to "Not recorded"."""
    formatter = text if callable(text) else text.__getitem__
    return st.selectbox(
        field_title(name),
        options,
        index=None,
        format_func=formatter,
        key=widget_key(name),
        placeholder=NOT_RECORDED,
        help=help_text or _description(name),
    )


def whole_number(name: str) -> int | None:
    """A count or an age: whole numbers within the case model's own limits."""
    low, high, _ = field_bounds(name)
    value = st.number_input(
        field_title(name),
        min_value=low,
        max_value=high,
        value=None,
        step=1,
        key=widget_key(name),
        placeholder=NOT_RECORDED,
        help=_description(name),
    )
    return None if value is None else int(value)


def _labels(vocabulary: type[Any]) -> dict[str, str]:
    return {member.value: member.label for member in vocabulary}


def _definitions_help(title: str, rows: Mapping[Any, str]) -> str:
    lines = "\n".join(f"- **{code}**: {text}" for code, text in rows.items())
    return f"{title}\n\n{lines}"


# -- groups, in the order a case is presented ------------------------------------------
def patient() -> None:
    """Sex and age."""
    left, right = st.columns(2)
    with left:
        choice("sex", Sex.codes(), {"male": "Male", "female": "Female"})
    with right:
        whole_number("age_years")


def lesion() -> None:
    """Level of the main lesion, the five SINS findings, and Bilsky grade for the record."""
    left, right = st.columns(2)
    with left:
        level = choice("lesion_level", VertebralLevel.codes(), lambda code: code)
    with right:
        bilsky = {g.value: f"{g.value}: {g.definition}" for g in BilskyGrade}
        choice(
            "escc_grade",
            list(bilsky),
            bilsky,
            _definitions_help(
                "Read on axial T2 MRI at the most compressed level; recorded, not scored.",
                {g.value: g.definition for g in BilskyGrade},
            ),
        )
    if level is not None:
        parsed = VertebralLevel.parse(level)
        group = parsed.lesion_group
        where = group.label if group is not None else "outside the cohort's C1–T1"
        st.caption(f"SINS location: {parsed.sins_location.label}. Cohort lesion level: {where}.")
    left, right = st.columns(2)
    with left:
        choice("sins_pain", SinsPain.codes(), _labels(SinsPain))
        choice("sins_alignment", SinsAlignment.codes(), _labels(SinsAlignment))
        choice("sins_posterolateral", SinsPosterolateral.codes(), _labels(SinsPosterolateral))
    with right:
        choice("sins_bone_lesion", SinsBoneLesion.codes(), _labels(SinsBoneLesion))
        choice("sins_collapse", SinsCollapse.codes(), _labels(SinsCollapse))


def neurology_and_performance() -> None:
    """Frankel, Karnofsky and ECOG, each asked natively, definitions in the options."""
    frankel = {g.value: f"{g.value}: {g.grade_name}" for g in FrankelGrade}
    choice(
        "frankel",
        list(frankel),
        frankel,
        _definitions_help(
            "Frankel grade (Frankel 1969).",
            {g.value: f"{g.grade_name}. {g.definition}" for g in FrankelGrade},
        ),
    )
    left, right = st.columns(2)
    with left:
        kps = sorted(KPS_DEFINITIONS, reverse=True)
        choice(
            "kps",
            kps,
            lambda v: f"{v} %: {KPS_DEFINITIONS[v]}",
            _definitions_help(
                "Karnofsky performance status (Karnofsky 1949). Not converted from ECOG.",
                {f"{v} %": KPS_DEFINITIONS[v] for v in kps},
            ),
        )
    with right:
        choice(
            "ecog",
            sorted(ECOG_DEFINITIONS),
            lambda v: f"{v}: {ECOG_DEFINITIONS[v]}",
            _definitions_help(
                "ECOG performance status (Oken 1982). Not converted from Karnofsky.",
                dict(ECOG_DEFINITIONS),
            ),
        )
    with st.expander("Definitions: Frankel, Karnofsky, ECOG"):
        st.markdown(
            "\n".join(
                f"- **Frankel {g.value}** ({g.grade_name}): {g.definition}" for g in FrankelGrade
            )
        )
        st.markdown("\n".join(f"- **KPS {v} %**: {KPS_DEFINITIONS[v]}" for v in kps))
        st.markdown("\n".join(f"- **ECOG {v}**: {t}" for v, t in ECOG_DEFINITIONS.items()))


def tumor_and_systemic_disease() -> None:
    """Primary tumor (one choice feeds both scores), chemotherapy, spread of disease."""
    primary = choice("primary_tumor", PrimaryTumor.codes(), _labels(PrimaryTumor))
    if primary is not None:
        tumor = PrimaryTumor.parse(primary)
        st.caption(
            f"Tokuhashi: {tumor.tokuhashi.label} ({tumor.tokuhashi.points}). "
            f"Katagiri: {tumor.katagiri.label} ({tumor.katagiri.points})"
            + ("" if tumor.katagiri_verified else ", group not verified in an accessible source")
            + "."
        )
        if tumor.reading:
            st.info(f"Reading used here: {tumor.reading}")
    left, right = st.columns(2)
    with left:
        choice("previous_chemotherapy", [True, False], _YES_NO)
        whole_number("extraspinal_bone_mets")
        choice("major_organ_mets", MajorOrganMets.codes(), _labels(MajorOrganMets))
    with right:
        whole_number("vertebral_body_mets")
        choice("visceral_mets", VisceralMets.codes(), _labels(VisceralMets))


def labs() -> None:
    """Lab values in the selected unit system; the unit is in each label."""
    system = st.segmented_control(
        "Laboratory units",
        list(UNIT_SYSTEMS),
        format_func=UNIT_SYSTEM_LABELS.__getitem__,
        key=widget_key(UNITS_FIELD),
        required=True,
        on_change=on_units_change,
        help="Each value is taken in the unit shown in its label. Switching clears entered "
        "values rather than converting them.",
    )
    columns = st.columns(2)
    for index, name in enumerate(LAB_FIELDS):
        unit = lab_unit(name, system or "conventional")
        rule = ANALYTE_BY_FIELD[name].rule(unit)
        with columns[index % 2]:
            st.number_input(
                f"{field_title(name)} ({unit.label})",
                min_value=float(rule.low),
                max_value=float(rule.high),
                value=None,
                step=_STEPS.get(unit.value, 0.1),
                format="%g",
                key=widget_key(name),
                placeholder=NOT_RECORDED,
                help=f"{ANALYTE_BY_FIELD[name].criterion_text(unit)} counts in Katagiri's "
                f"laboratory item. Accepted: {rule.low}–{rule.high} {unit.label}.",
            )


_STEPS: Final[Mapping[str, float]] = {"U/L": 1.0, "10^9/L": 1.0, "umol/L": 1.0, "g/L": 1.0}


def indications() -> None:
    """The yes/no facts the papers' indications and contraindication rest on."""
    choice("progressive_neurological_deficit", [True, False], _YES_NO)
    choice("intractable_pain", [True, False], _YES_NO)
    choice("impaired_consciousness_cerebral_mets", [True, False], _YES_NO)
