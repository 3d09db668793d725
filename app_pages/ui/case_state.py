"""The case of one browser session: one dict in session state, widgets seeded from it.

Why a plain dict under one non-widget key: Streamlit deletes the state of every widget
that is not rendered in a run, so the calculator's widget values vanish as soon as the
tumor board is shown. The dict survives page switches; the calculator re-seeds its
widget keys from it whenever they are missing and writes the widget values back after
rendering them. It lives in ``st.session_state``, so it is never shared with another
browser session, and nothing here writes a patient value to disk or to a log.

The dict holds what the widgets hold (vocabulary codes, booleans, and every number as the
text typed, labs in the selected unit system), never a computed value. ``build_case``
reads each typed number exactly (``typed_numbers``), checks it against the field's
accepted range, attaches the selected unit to every lab number explicitly and validates
the result as a :class:`~scoring.PatientCase`. A value that cannot be accepted is named
per field and left out, so every score treats it as not recorded: the screen never shows
one value while the results use another.

A new patient starts clean: replacing the case (reset, example) also clears every report
field (session keys starting ``calc_report_``) and keeps the previous case for a one-step
undo. A browser reload starts a new Streamlit session: the case is not kept (it lives
only in this session's memory, never in the URL, a cookie or on disk); a page switch
keeps it.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

import streamlit as st
from pydantic import ValidationError

from app_pages.ui.language import session_translator
from app_pages.ui.typed_numbers import MAX_LENGTH, plain, read_number, shown
from i18n import N_
from scoring import PatientCase, derived, describe_errors
from scoring.case import FIELD_NAMES, field_bounds, field_title
from scoring.derived import CONTRADICTIONS
from scoring.labs import ANALYTE_BY_FIELD, ANALYTES, LabUnit
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.options import CodedEnum

CASE_KEY: Final = "case_inputs"
WIDGET_PREFIX: Final = "calc_"
UNITS_FIELD: Final = "lab_units"
UNITS_NOTICE_KEY: Final = "lab_units_notice"
UNITS_CLEARED_KEY: Final = "lab_units_cleared"
EXAMPLE_NOTE_KEY: Final = "example_note"
#: Session keys of the case report's fields (identifier, clinician, date, label, …).
REPORT_PREFIX: Final = "calc_report_"
#: The case before the last reset or example load, for a one-step undo.
UNDO_KEY: Final = "case_undo"

UnitSystem = Literal["conventional", "si"]
UNIT_SYSTEMS: Final[tuple[UnitSystem, ...]] = ("conventional", "si")
UNIT_SYSTEM_LABELS: Final[Mapping[str, str]] = {"conventional": N_("Conventional"), "si": N_("SI")}
LAB_FIELDS: Final[tuple[str, ...]] = tuple(a.field for a in ANALYTES)
#: Fields typed as whole numbers (counts and age); the labs are typed as decimals.
WHOLE_NUMBER_FIELDS: Final[tuple[str, ...]] = (
    "age_years",
    "extraspinal_bone_mets",
    "vertebral_body_mets",
)
#: Every field entered as typed text.
TYPED_FIELDS: Final[frozenset[str]] = frozenset(WHOLE_NUMBER_FIELDS) | frozenset(LAB_FIELDS)
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


def widget_value(name: str, value: Any) -> Any:
    """A case value as its widget holds it: typed fields hold text ("67", "3.5")."""
    if name in TYPED_FIELDS and value is not None and not isinstance(value, str):
        return plain(Decimal(str(value)))
    return value


def asked(name: str, values: Mapping[str, Any]) -> bool:
    """Whether the calculator asks ``name`` for this case (treatable visceral metastases
    only when a visceral metastasis is recorded; every other field always)."""
    return name != "visceral_mets_treatable" or visceral_present(values)


def _seed(name: str, value: Any, values: Mapping[str, Any]) -> None:
    """Write a widget's key, or remove it when the widget is not drawn in this run: a key
    written for a widget that is not drawn stays behind as a plain value, and would later
    override the widget's own state."""
    key = widget_key(name)
    if asked(name, values):
        st.session_state[key] = widget_value(name, value)
    else:
        st.session_state.pop(key, None)


def seed_widgets() -> None:
    """Give every calculator widget whose state Streamlit dropped its value from the dict."""
    values = inputs()
    for name, value in values.items():
        if widget_key(name) not in st.session_state or not asked(name, values):
            _seed(name, value, values)


def sync_from_widgets() -> None:
    """Copy the rendered widgets' values into the dict (call after rendering them)."""
    values = inputs()
    for name in INPUT_NAMES:
        key = widget_key(name)
        if key in st.session_state:
            values[name] = st.session_state[key]


# -- questions asked only when they apply ---------------------------------------------
def visceral_present(values: Mapping[str, Any]) -> bool:
    """Whether the case records a visceral metastasis (the shared rule of the domain)."""
    visceral = values.get("visceral_mets")
    organs = values.get("major_organ_mets")
    try:
        fact = derived.visceral_present(
            None if visceral is None else VisceralMets.parse(visceral),
            None if organs is None else MajorOrganMets.parse(organs),
        )
    except ValueError:
        return False
    return fact.value is True


def clear_unasked() -> None:
    """Forget the answer to a question that no longer applies (treatable visceral
    metastases once no visceral metastasis is recorded), so a hidden field never feeds a
    score. Call before the widgets are drawn."""
    values = inputs()
    if not asked("visceral_mets_treatable", values):
        values["visceral_mets_treatable"] = None
        st.session_state.pop(widget_key("visceral_mets_treatable"), None)


# -- a new patient: reset, example, undo ------------------------------------------------
def report_keys() -> list[str]:
    """The session keys of the case report's fields currently held."""
    return [str(k) for k in st.session_state if str(k).startswith(REPORT_PREFIX)]


def has_data() -> bool:
    """True when any case field or report field holds something (worth a confirmation)."""
    values = inputs()
    if any(values.get(name) not in (None, "") for name in FIELD_NAMES):
        return True
    return any(st.session_state.get(key) not in (None, "", False) for key in report_keys())


def _snapshot() -> dict[str, Any]:
    return {
        "case": dict(inputs()),
        "report": {key: st.session_state[key] for key in report_keys()},
        "note": st.session_state.get(EXAMPLE_NOTE_KEY),
        "units_notice": st.session_state.get(UNITS_NOTICE_KEY),
        "units_cleared": st.session_state.get(UNITS_CLEARED_KEY),
    }


def _set_case(values: Mapping[str, Any]) -> None:
    fresh = empty_inputs() | dict(values)
    fresh = {name: widget_value(name, value) for name, value in fresh.items()}
    st.session_state[CASE_KEY] = fresh
    for name, value in fresh.items():
        _seed(name, value, fresh)


def _set_optional(key: str, value: Any) -> None:
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


def _empty_like(value: Any) -> Any:
    """The empty value of a widget holding ``value`` (text "", a toggle False, else None)."""
    if isinstance(value, str):
        return ""
    if isinstance(value, bool):
        return False
    if isinstance(value, list | tuple):
        return []
    return None


def _clear_report_fields() -> None:
    """Empty every report field. Written, not deleted: a deleted widget key would be
    filled again from the value the browser still holds."""
    for key in report_keys():
        st.session_state[key] = _empty_like(st.session_state[key])


def replace_case(values: Mapping[str, Any], note: str | None = None) -> None:
    """Replace the whole case (reset, example): the dict, every widget key, every report
    field, at once; the case it replaces is kept for :func:`undo`.

    Meant for button and selectbox callbacks, which run before the widgets are rendered,
    the only moment Streamlit lets a script write a widget's key.
    """
    if has_data():
        st.session_state[UNDO_KEY] = _snapshot()
    else:
        st.session_state.pop(UNDO_KEY, None)
    _set_case(values)
    _clear_report_fields()
    st.session_state.pop(UNITS_NOTICE_KEY, None)
    st.session_state.pop(UNITS_CLEARED_KEY, None)
    _set_optional(EXAMPLE_NOTE_KEY, note)
    if UNDO_KEY in st.session_state:
        st.session_state[UNDO_KEY]["after"] = dict(inputs())


def can_undo() -> bool:
    """True while the case replaced by the last reset or example can be brought back."""
    return UNDO_KEY in st.session_state


def undo() -> None:
    """Bring back the case (and its report fields) the last reset or example replaced."""
    saved = st.session_state.pop(UNDO_KEY, None)
    if not isinstance(saved, dict):
        return
    _set_case(saved["case"])
    _clear_report_fields()
    for key, value in saved["report"].items():
        st.session_state[key] = value
    _set_optional(EXAMPLE_NOTE_KEY, saved["note"])
    _set_optional(UNITS_NOTICE_KEY, saved["units_notice"])
    _set_optional(UNITS_CLEARED_KEY, saved["units_cleared"])


def drop_stale_undo() -> None:
    """Withdraw the undo offer once the new case has been changed: undoing then would
    silently throw away what was entered since."""
    saved = st.session_state.get(UNDO_KEY)
    if isinstance(saved, dict) and saved.get("after") != inputs():
        st.session_state.pop(UNDO_KEY, None)


# -- units --------------------------------------------------------------------------------
def on_units_change() -> None:
    """Switching units clears entered lab numbers instead of reinterpreting them.

    A number typed as 3.5 g/dL is not 3.5 g/L; converting it behind the user's back would
    hide a rounding step next to an exact cut-off. The cleared values are listed so the
    user can re-enter them as reported in the new unit; the notice goes once every one of
    them has been re-entered (:func:`units_notice`).
    """
    _ = session_translator()
    values = inputs()
    new = st.session_state.get(widget_key(UNITS_FIELD)) or "conventional"
    old = values.get(UNITS_FIELD) or "conventional"
    if new == old:
        return
    cleared: list[str] = []
    fields: list[str] = []
    for lab in LAB_FIELDS:
        key = widget_key(lab)
        number = st.session_state.get(key, values.get(lab))
        if number not in (None, ""):
            unit = lab_unit(lab, old)
            label = _(ANALYTE_BY_FIELD[lab].label)
            cleared.append(f"{label} {shown(str(number))} {unit.label}")
            fields.append(lab)
        values[lab] = None
        st.session_state[key] = None
    values[UNITS_FIELD] = new
    if cleared:
        st.session_state[UNITS_NOTICE_KEY] = _(
            "Units switched to %(system)s. These values were cleared, not converted: "
            "%(values)s. Re-enter them as reported.",
            system=_(UNIT_SYSTEM_LABELS[new]),
            values=_.join(cleared),
        )
        st.session_state[UNITS_CLEARED_KEY] = fields
    else:
        st.session_state.pop(UNITS_NOTICE_KEY, None)
        st.session_state.pop(UNITS_CLEARED_KEY, None)


def units_notice() -> str | None:
    """The units-switch notice while a cleared lab value has not been re-entered yet."""
    notice = st.session_state.get(UNITS_NOTICE_KEY)
    if notice is None:
        return None
    cleared = st.session_state.get(UNITS_CLEARED_KEY) or []
    values = inputs()
    if cleared and all(values.get(lab) not in (None, "") for lab in cleared):
        st.session_state.pop(UNITS_NOTICE_KEY, None)
        st.session_state.pop(UNITS_CLEARED_KEY, None)
        return None
    return str(notice)


# -- validation ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseBuild:
    """A validated case, and the problems of any value that had to be left out of it.

    ``field_errors`` maps a field to the sentence shown next to it; ``errors`` lists every
    problem (those sentences first) for the results and the report.
    """

    case: PatientCase
    errors: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    field_errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when no field of the case is recorded."""
        return all(getattr(self.case, name) is None for name in FIELD_NAMES)


def typed_value(name: str, text: object, system: str) -> tuple[Any, str | None]:
    """A typed field's value for the case, or None and the sentence naming the problem.

    Whole numbers must be whole and within the field's limits; lab numbers within the
    accepted range of the unit shown in their label ("Platelets: 180000 is outside
    0–2000 × 10⁹/L").
    """
    _ = session_translator()
    reading = read_number(text)
    title = _(field_title(name))
    quoted = shown(str(text))
    if reading.problem is not None:
        problem = _(reading.problem, max=MAX_LENGTH)
        return None, _(
            "%(title)s: “%(text)s” %(problem)s.", title=title, text=quoted, problem=problem
        )
    number = reading.value
    if number is None:
        return None, None
    if name in ANALYTE_BY_FIELD:
        unit = lab_unit(name, system)
        rule = ANALYTE_BY_FIELD[name].rule(unit)
        if not rule.low <= number <= rule.high:
            return None, _(
                "%(title)s: %(text)s is outside %(low)s–%(high)s %(unit)s.",
                title=title,
                text=quoted,
                low=rule.low,
                high=rule.high,
                unit=unit.label,
            )
        return {"value": number, "unit": unit}, None
    low, high, step = field_bounds(name)
    if number != number.to_integral_value():
        return None, _("%(title)s: %(text)s is not a whole number.", title=title, text=quoted)
    if not low <= number <= high:
        return None, _(
            "%(title)s: %(text)s is outside %(low)s–%(high)s.",
            title=title,
            text=quoted,
            low=low,
            high=high,
        )
    whole = int(number)
    if whole % step:
        return None, _(
            "%(title)s: %(text)s is not a multiple of %(step)s.",
            title=title,
            text=quoted,
            step=step,
        )
    return whole, None


def raw_case(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The dict as PatientCase input (each lab number paired with its selected unit), and
    the fields whose typed value could not be accepted, each with its sentence."""
    system = str(values.get(UNITS_FIELD) or "conventional")
    raw: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in FIELD_NAMES:
        value = values.get(name)
        if value is None:
            continue
        if name in TYPED_FIELDS:
            parsed, problem = typed_value(name, value, system)
            if problem is not None:
                problems[name] = problem
            elif parsed is not None:
                raw[name] = parsed
        else:
            raw[name] = value
    return raw, problems


#: How the yes/no answers and the sex codes are shown (the controls, the board, messages).
YES_NO: Final[Mapping[bool, str]] = {True: N_("Yes"), False: N_("No")}
SEX_TEXT: Final[Mapping[str, str]] = {"male": N_("Male"), "female": N_("Female")}


def answer_text(name: str, value: Any) -> str:
    """The option a person tapped for ``value`` of field ``name``, in their language
    ("Removable", not the code ``removable``)."""
    _ = session_translator()
    if isinstance(value, bool):
        return _(YES_NO[value])
    if name == "sex" and str(value) in SEX_TEXT:
        return _(SEX_TEXT[str(value)])
    annotation = PatientCase.model_fields[name].annotation
    for vocabulary in typing.get_args(annotation) or (annotation,):
        if isinstance(vocabulary, type) and issubclass(vocabulary, CodedEnum):
            member = vocabulary._value2member_map_.get(str(value))
            label = getattr(member, "label", None)
            if isinstance(label, str):
                return _(label)
    return str(value)


def _refusals(error: ValidationError, raw: Mapping[str, Any]) -> list[str]:
    """One sentence per refused answer, for the person at the screen: field titles and
    option texts in their language, never field codes. Two answers that contradict each
    other (``derived.CONTRADICTIONS``) name both; anything else is described by the case
    model's own sentences."""
    _ = session_translator()
    lines = []
    described = describe_errors(error, _)
    for err, line in zip(error.errors(include_url=False), described, strict=True):
        name = str(err["loc"][0]) if err["loc"] else ""
        rule = next((r for r in CONTRADICTIONS if r.later == name), None)
        if rule is not None and name in raw and rule.earlier in raw:
            lines.append(
                _(
                    "%(title)s: “%(answer)s” cannot go with %(other)s “%(other_answer)s”: %(why)s.",
                    title=_(field_title(name)),
                    answer=answer_text(name, raw[name]),
                    other=_(field_title(rule.earlier)),
                    other_answer=answer_text(rule.earlier, raw[rule.earlier]),
                    why=_(rule.why),
                )
            )
            continue
        lines.append(line)
    return lines


def build_case(values: Mapping[str, Any]) -> CaseBuild:
    """Validate the dict; an invalid value is named and left out, never guessed.

    Leaving the offending field out means every score treats it as not recorded and says
    so, which keeps the rest of the case usable while the message asks for a correction.
    """
    raw, field_errors = raw_case(values)
    errors: list[str] = list(field_errors.values())
    rejected: list[str] = sorted(field_errors)
    while True:
        try:
            case = PatientCase.model_validate(raw)
        except ValidationError as exc:
            described = _refusals(exc, raw)
            errors.extend(described)
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]} & raw.keys()
            for err, line in zip(exc.errors(), described, strict=False):
                if err["loc"] and str(err["loc"][0]) in bad:
                    field_errors.setdefault(str(err["loc"][0]), line)
            if not bad:
                return CaseBuild(PatientCase(), tuple(errors), tuple(raw), field_errors)
            rejected.extend(sorted(bad))
            raw = {k: v for k, v in raw.items() if k not in bad}
            continue
        return CaseBuild(case, tuple(errors), tuple(rejected), field_errors)


def current_case() -> CaseBuild:
    """This session's case as entered so far."""
    return build_case(inputs())
