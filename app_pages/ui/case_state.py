"""The case of one browser session: one dict in session state, widgets seeded from it.

Why a plain dict under one non-widget key: Streamlit deletes the state of every widget
that is not rendered in a run, so the calculator's widget values vanish as soon as the
tumor board is shown. The dict survives page switches; the calculator re-seeds its
widget keys from it whenever they are missing and writes the widget values back after
rendering them. It lives in ``st.session_state``, so it is never shared with another
browser session, and nothing here writes a patient value to disk or to a log.

The dict holds what the widgets hold (vocabulary codes, whole numbers, booleans and lab
numbers as typed in the selected unit system), never a computed value. ``build_case``
turns it into a validated :class:`~scoring.PatientCase`, attaching the selected unit to
every lab number explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

import streamlit as st
from pydantic import ValidationError

from scoring import PatientCase, describe_errors
from scoring.case import FIELD_NAMES
from scoring.labs import ANALYTE_BY_FIELD, ANALYTES, LabUnit

CASE_KEY: Final = "case_inputs"
WIDGET_PREFIX: Final = "calc_"
UNITS_FIELD: Final = "lab_units"
UNITS_NOTICE_KEY: Final = "lab_units_notice"
EXAMPLE_NOTE_KEY: Final = "example_note"

UnitSystem = Literal["conventional", "si"]
UNIT_SYSTEMS: Final[tuple[UnitSystem, ...]] = ("conventional", "si")
UNIT_SYSTEM_LABELS: Final[Mapping[str, str]] = {"conventional": "Conventional", "si": "SI"}
LAB_FIELDS: Final[tuple[str, ...]] = tuple(a.field for a in ANALYTES)
#: Every key of the case dict: the PatientCase fields, then the lab unit system.
INPUT_NAMES: Final[tuple[str, ...]] = (*FIELD_NAMES, UNITS_FIELD)


def widget_key(name: str) -> str:
    """The calculator widget key of a case field (the browser tests rely on this)."""
    return WIDGET_PREFIX + name


def lab_unit(field: str, system: str) -> LabUnit:
    """The unit a lab field is entered in under ``system`` (the analyte's own units only)."""
    spec = ANALYTE_BY_FIELD[field]
    return spec.si_unit if system == "si" else spec.conventional


def empty_inputs() -> dict[str, Any]:
    """A case with nothing recorded, labs in conventional units."""
    values: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    values[UNITS_FIELD] = "conventional"
    return values


def inputs() -> dict[str, Any]:
    """This session's case dict, created empty on first use."""
    if CASE_KEY not in st.session_state:
        st.session_state[CASE_KEY] = empty_inputs()
    values: dict[str, Any] = st.session_state[CASE_KEY]
    return values


def seed_widgets() -> None:
    """Give every calculator widget whose state Streamlit dropped its value from the dict."""
    for name, value in inputs().items():
        key = widget_key(name)
        if key not in st.session_state:
            st.session_state[key] = value


def sync_from_widgets() -> None:
    """Copy the rendered widgets' values into the dict (call after rendering them)."""
    values = inputs()
    for name in INPUT_NAMES:
        key = widget_key(name)
        if key in st.session_state:
            values[name] = st.session_state[key]


def replace_case(values: Mapping[str, Any], note: str | None = None) -> None:
    """Replace the whole case (reset, example): the dict and every widget key at once.

    Meant for button and selectbox callbacks, which run before the widgets are rendered,
    the only moment Streamlit lets a script write a widget's key.
    """
    fresh = empty_inputs() | dict(values)
    st.session_state[CASE_KEY] = fresh
    for name, value in fresh.items():
        st.session_state[widget_key(name)] = value
    st.session_state.pop(UNITS_NOTICE_KEY, None)
    if note is None:
        st.session_state.pop(EXAMPLE_NOTE_KEY, None)
    else:
        st.session_state[EXAMPLE_NOTE_KEY] = note


def on_units_change() -> None:
    """Switching units clears entered lab numbers instead of reinterpreting them.

    A number typed as 3.5 g/dL is not 3.5 g/L; converting it behind the user's back would
    hide a rounding step next to an exact cut-off. The cleared values are listed so the
    user can re-enter them as reported in the new unit.
    """
    values = inputs()
    new = st.session_state.get(widget_key(UNITS_FIELD)) or "conventional"
    old = values.get(UNITS_FIELD) or "conventional"
    if new == old:
        return
    cleared = []
    for field in LAB_FIELDS:
        key = widget_key(field)
        number = st.session_state.get(key, values.get(field))
        if number is not None:
            unit = lab_unit(field, old)
            cleared.append(f"{ANALYTE_BY_FIELD[field].label} {number:g} {unit.label}")
        values[field] = None
        st.session_state[key] = None
    values[UNITS_FIELD] = new
    if cleared:
        st.session_state[UNITS_NOTICE_KEY] = (
            f"Units switched to {UNIT_SYSTEM_LABELS[new]}. These values were cleared, not "
            f"converted: {', '.join(cleared)}. Re-enter them as reported."
        )
    else:
        st.session_state.pop(UNITS_NOTICE_KEY, None)


@dataclass(frozen=True, slots=True)
class CaseBuild:
    """A validated case, and the problems of any value that had to be left out of it."""

    case: PatientCase
    errors: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when no field of the case is recorded."""
        return all(getattr(self.case, name) is None for name in FIELD_NAMES)


def raw_case(values: Mapping[str, Any]) -> dict[str, Any]:
    """The dict as PatientCase input: each lab number paired with its selected unit."""
    system = str(values.get(UNITS_FIELD) or "conventional")
    raw: dict[str, Any] = {}
    for name in FIELD_NAMES:
        value = values.get(name)
        if value is None:
            continue
        if name in ANALYTE_BY_FIELD:
            number = Decimal(str(value)) if isinstance(value, int | float) else value
            raw[name] = {"value": number, "unit": lab_unit(name, system)}
        else:
            raw[name] = value
    return raw


def build_case(values: Mapping[str, Any]) -> CaseBuild:
    """Validate the dict; an invalid value is named and left out, never guessed.

    Leaving the offending field out means every score treats it as not recorded and says
    so, which keeps the rest of the case usable while the message asks for a correction.
    """
    raw = raw_case(values)
    errors: list[str] = []
    rejected: list[str] = []
    while True:
        try:
            case = PatientCase.model_validate(raw)
        except ValidationError as exc:
            errors.extend(describe_errors(exc))
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]} & raw.keys()
            if not bad:
                return CaseBuild(PatientCase(), tuple(errors), tuple(raw))
            rejected.extend(sorted(bad))
            raw = {k: v for k, v in raw.items() if k not in bad}
            continue
        return CaseBuild(case, tuple(errors), tuple(rejected))


def current_case() -> CaseBuild:
    """This session's case as entered so far."""
    return build_case(inputs())
