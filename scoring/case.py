"""``PatientCase``: every clinical field of one patient, each entered once.

One Pydantic model is validated once and then read by every score, the indications and
the model, so no two parts can disagree about a field. Every field is optional: a field
left empty (None) means *not recorded*, and each score names the fields it needed and did
not get instead of filling them in (see ``scoring.result``). The model is frozen (a case
cannot change under a result computed from it) and forbids unknown fields (a misspelt
column must not be silently dropped).

Facts entered once (spec §9): the primary tumor feeds Tokuhashi and Katagiri; Frankel
feeds Tokuhashi's palsy item and the model; the vertebral level feeds SINS location and
the model's lesion level; the bone-metastasis counts feed Tokuhashi and Katagiri's
"multiple skeletal metastases"; KPS (Tokuhashi) and ECOG (Katagiri) are both asked and
never converted into each other. Tomita and the modified Bauer score read the primary
tumor and the two facts derived once in ``scoring.derived`` (visceral metastasis present,
solitary skeletal metastasis); their one new answer is ``visceral_mets_treatable``.

Every number is bounded by its written size before anything compares or converts it
(whole numbers: 18 digits; laboratory values: ``scoring.labs.check_written_size``), and
answers that contradict each other (``scoring.derived.CONTRADICTIONS``) are refused with
a message naming both fields.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

import annotated_types
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from i18n import N_, TranslatableError, Translator, pydantic_message, translator
from scoring.bilsky import BilskyGrade
from scoring.derived import CONTRADICTIONS, code_of
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD, LabValue
from scoring.levels import VertebralLevel
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.options import CodedEnum
from scoring.primary_tumor import PrimaryTumor
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)

#: The whole-number fields; their length is bounded before any comparison (see below).
WHOLE_NUMBER_FIELDS: tuple[str, ...] = (
    "age_years",
    "kps",
    "ecog",
    "extraspinal_bone_mets",
    "vertebral_body_mets",
)
#: Longest whole number read at all: far beyond every accepted range, far below a size
#: whose conversion or printing costs anything (Python refuses to print ints over 4,300
#: digits).
MAX_WHOLE_NUMBER_DIGITS = 18


class Sex(CodedEnum):
    MALE = "male"
    FEMALE = "female"


def _field(title: str, allowed: str, description: str) -> Any:
    """A case field: optional, titled with its unit, with its allowed values stated."""
    return Field(
        default=None,
        title=title,
        description=f"{description} Allowed: {allowed}. Empty = not recorded.",
        json_schema_extra={"allowed": allowed},
    )


def _coded(title: str, vocabulary: type[CodedEnum], description: str) -> Any:
    """A field whose allowed values are its vocabulary's codes, read from the enum itself."""
    return _field(title, ", ".join(member.value for member in vocabulary), description)


def _lab(title: str) -> Any:
    spec = ANALYTE_BY_FIELD[title]
    units = " or ".join(f"{r.unit.value} ({r.low}–{r.high})" for r in spec.units)
    return _field(
        spec.label,
        units,
        f"{spec.label} with its unit; Katagiri laboratory item "
        f"({spec.tier.value} when {spec.criterion_text()}).",
    )


class PatientCase(BaseModel):
    """One patient considered for palliative surgery of a spinal metastasis."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Patient
    sex: Sex | None = _coded(N_("Sex"), Sex, N_("Sex; a predictor of the cohort model."))
    age_years: Annotated[StrictInt, Field(ge=18, le=120)] | None = _field(
        N_("Age (years)"), "18–120", N_("Age at the time of surgery, in whole years.")
    )
    # Lesion
    lesion_level: VertebralLevel | None = _field(
        N_("Vertebral level of the main lesion"),
        "C1–C7, T1–T12, L1–L5, S1–S5",
        N_(
            "Feeds SINS location and the model's lesion level (C1–C2 upper, C3–C6 middle, "
            "C7–T1 cervicothoracic junction)."
        ),
    )
    escc_grade: BilskyGrade | None = _coded(
        N_("Bilsky ESCC grade"),
        BilskyGrade,
        N_("Epidural spinal cord compression on axial T2 MRI; recorded for the case, not scored."),
    )
    # Neurology and performance
    frankel: FrankelGrade | None = _coded(
        N_("Frankel grade"), FrankelGrade, N_("Feeds Tokuhashi's palsy item and the model.")
    )
    kps: Annotated[StrictInt, Field(ge=10, le=100, multiple_of=10)] | None = _field(
        N_("Karnofsky performance status (%)"),
        N_("10–100 in steps of 10"),
        N_("Tokuhashi's general condition. Not converted from ECOG."),
    )
    ecog: Annotated[StrictInt, Field(ge=0, le=4)] | None = _field(
        N_("ECOG performance status"),
        "0–4",
        N_("Katagiri's 'ECOG PS 3 or 4' point. Not converted from Karnofsky."),
    )
    # Tumor and systemic disease
    primary_tumor: PrimaryTumor | None = _field(
        N_("Primary tumor"),
        N_("a code of the project's primary-tumor vocabulary"),
        N_("Feeds both Tokuhashi (by organ) and Katagiri (by growth)."),
    )
    previous_chemotherapy: bool | None = _field(
        N_("Previous chemotherapy"), N_("yes (true), no (false)"), N_("Katagiri factor.")
    )
    extraspinal_bone_mets: Annotated[StrictInt, Field(ge=0, le=999)] | None = _field(
        N_("Extraspinal bone metastases (foci)"),
        "0–999",
        N_("Number of bone metastasis foci outside the spine (bone scan or other imaging)."),
    )
    vertebral_body_mets: Annotated[StrictInt, Field(ge=1, le=29)] | None = _field(
        N_("Vertebral bodies involved"),
        "1–29",
        N_("Number of vertebral bodies with metastasis, the main lesion included."),
    )
    major_organ_mets: MajorOrganMets | None = _coded(
        N_("Major internal organ metastases"),
        MajorOrganMets,
        N_("Lungs, liver, kidneys, brain (Tokuhashi)."),
    )
    visceral_mets: VisceralMets | None = _coded(
        N_("Visceral metastases"),
        VisceralMets,
        N_(
            "Katagiri: nodular visceral or brain = nodular; pleural, peritoneal or leptomeningeal "
            "dissemination = disseminated."
        ),
    )
    visceral_mets_treatable: bool | None = _field(
        N_("Visceral metastases treatable"),
        N_("yes (true), no (false); only when a visceral metastasis is present"),
        N_(
            "Tomita's visceral item: treatable by any means (surgery, systemic therapy, radiation, "
            "ablation), which is wider than Tokuhashi's 'removable'. Leave empty when there is no "
            "visceral metastasis."
        ),
    )
    # Laboratory (Katagiri)
    crp: LabValue | None = _lab("crp")
    ldh: LabValue | None = _lab("ldh")
    albumin: LabValue | None = _lab("albumin")
    platelets: LabValue | None = _lab("platelets")
    calcium: LabValue | None = _lab("calcium")
    bilirubin: LabValue | None = _lab("bilirubin")
    # SINS findings (location comes from the level)
    sins_pain: SinsPain | None = _coded(
        N_("SINS pain"),
        SinsPain,
        N_("Mechanical: relief when recumbent and/or pain with movement or loading of the spine."),
    )
    sins_bone_lesion: SinsBoneLesion | None = _coded(
        N_("SINS bone lesion"), SinsBoneLesion, N_("Lesion quality on CT.")
    )
    sins_alignment: SinsAlignment | None = _coded(
        N_("SINS alignment"), SinsAlignment, N_("Radiographic spinal alignment.")
    )
    sins_collapse: SinsCollapse | None = _coded(
        N_("SINS vertebral body collapse"),
        SinsCollapse,
        N_("Exactly 50 % has no category and is not accepted."),
    )
    sins_posterolateral: SinsPosterolateral | None = _coded(
        N_("SINS posterolateral involvement"),
        SinsPosterolateral,
        N_("Facet, pedicle or costovertebral joint fracture or replacement with tumor."),
    )
    # Indications (seed 000 Methods; seed 004)
    progressive_neurological_deficit: bool | None = _field(
        N_("Progressive neurological deficit"),
        N_("yes, no"),
        N_("A surgical indication in the cohort study."),
    )
    intractable_pain: bool | None = _field(
        N_("Intractable pain despite conservative care"),
        N_("yes, no"),
        N_(
            "Pain resistant to conservative care including opioids; an indication in the cohort "
            "study."
        ),
    )
    impaired_consciousness_cerebral_mets: bool | None = _field(
        N_("Impaired consciousness from cerebral metastasis"),
        N_("yes, no"),
        N_("The cohort study's contraindication to surgery."),
    )

    @field_validator(*WHOLE_NUMBER_FIELDS, mode="before")
    @classmethod
    def _bounded_length(cls, value: Any) -> Any:
        """Refuse an integer too long to be any accepted value before anything reads it."""
        too_long = 10**MAX_WHOLE_NUMBER_DIGITS
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= too_long:
            raise TranslatableError(
                N_("a whole number of more than %(digits)s digits is not accepted"),
                digits=MAX_WHOLE_NUMBER_DIGITS,
            )
        return value

    @field_validator(*(c.later for c in CONTRADICTIONS))
    @classmethod
    def _consistent(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse an answer that contradicts one given before it; both fields are named."""
        if value is None:
            return value
        for rule in CONTRADICTIONS:
            if rule.later != info.field_name:
                continue
            earlier = info.data.get(rule.earlier)
            if earlier is not None and rule.holds(code_of(earlier), code_of(value)):
                why = rule.message(field_title(rule.earlier), code_of(earlier))
                raise TranslatableError(N_("%(why)s"), why=why)
        return value

    @field_validator("crp", "ldh", "albumin", "platelets", "calcium", "bilirubin")
    @classmethod
    def _unit_and_range(cls, value: LabValue | None, info: ValidationInfo) -> LabValue | None:
        """Each analyte takes only its own units, within a plausible range in that unit."""
        if value is None:
            return None
        spec = ANALYTE_BY_FIELD[str(info.field_name)]
        rule = spec.rule(value.unit)
        if not rule.low <= value.value <= rule.high:
            raise TranslatableError(
                N_(
                    "%(label)s %(value)s %(unit)s is outside the accepted range "
                    "%(low)s–%(high)s %(unit)s"
                ),
                label=spec.label,
                value=str(value.value),
                unit=value.unit.label,
                low=str(rule.low),
                high=str(rule.high),
            )
        return value


FIELD_NAMES: tuple[str, ...] = tuple(PatientCase.model_fields)


def field_title(name: str) -> str:
    info = PatientCase.model_fields.get(name)
    return info.title if info is not None and info.title else name


def field_allowed(name: str) -> str:
    info = PatientCase.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    return str(extra.get("allowed", "")) if isinstance(extra, dict) else ""


def field_bounds(name: str) -> tuple[int, int, int]:
    """``(low, high, step)`` of a whole-number field, read from its declaration.

    The batch reader and the page's number inputs take their limits from here, so neither
    can drift from what validation accepts. An unknown kind of constraint raises at import:
    a new constraint on ``PatientCase`` must not be silently ignored.
    """
    low: int | None = None
    high: int | None = None
    step = 1
    for arg in typing.get_args(PatientCase.model_fields[name].annotation):
        for meta in typing.get_args(arg)[1:]:
            for constraint in getattr(meta, "metadata", [meta]):
                if isinstance(constraint, annotated_types.Ge):
                    low = int(typing.cast(int, constraint.ge))
                elif isinstance(constraint, annotated_types.Le):
                    high = int(typing.cast(int, constraint.le))
                elif isinstance(constraint, annotated_types.MultipleOf):
                    step = int(typing.cast(int, constraint.multiple_of))
                elif type(constraint).__name__ != "Strict":
                    raise TypeError(f"PatientCase.{name}: unhandled constraint {constraint!r}")
    if low is None or high is None:
        raise TypeError(f"PatientCase.{name} has no bounds")
    return low, high, step


_SHOWN_CHARACTERS = 60


def shown_input(value: object) -> str:
    """A short, safe rendering of a refused input for a message; never raises.

    Long text is cut, a huge integer is described by its size (Python refuses to print
    integers of more than 4,300 digits), and anything whose ``repr`` fails is named by type.
    """
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) >= 10**_SHOWN_CHARACTERS:
                digits = int(abs(value).bit_length() * 0.30103) + 1
                return f"a whole number of about {digits:,} digits"
            return repr(value)
        if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
            return f"{value[:_SHOWN_CHARACTERS]!r}… ({len(value):,} characters)"
        text = repr(value)
    except Exception:
        return f"a value of type {type(value).__name__}"
    if len(text) > _SHOWN_CHARACTERS:
        return f"{text[:_SHOWN_CHARACTERS]}… ({type(value).__name__})"
    return text


def describe_errors(error: ValidationError, _: Translator | None = None) -> list[str]:
    """One plain sentence per problem, naming the field, its allowed values and the input.

    Pydantic's messages are exact but terse ("Input should be a multiple of 10"); a
    surgeon needs the field's name and what it accepts on the same line. Never raises,
    whatever the input was (a 5,000-digit integer, a megabyte of text): a message about
    bad input must not itself become the failure. ``_`` is the reader's translator
    (English when not given).
    """
    _ = _ or translator("en")
    lines = []
    for err in error.errors(include_url=False):
        try:
            lines.append(_describe(err, _))
        except Exception:
            lines.append(_("case: a value could not be accepted"))
    return lines


def _describe(err: Any, _: Translator) -> str:
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    name = loc[0] if loc else "case"
    if err["type"] == "extra_forbidden":
        short = name if len(name) <= _SHOWN_CHARACTERS else shown_input(name)
        return _("%(name)s: not a field of a patient case", name=short)
    values = {
        "title": _(field_title(name)),
        "name": name,
        "message": pydantic_message(err, _),
    }
    got = err.get("input")
    if isinstance(got, dict):
        line = _("%(title)s (%(name)s): %(message)s.", **values)
    else:
        line = _(
            "%(title)s (%(name)s): %(message)s (got %(input)s).", input=shown_input(got), **values
        )
    allowed = field_allowed(name)
    return line + " " + _("Allowed: %(allowed)s.", allowed=_(allowed)) if allowed else line
