"""Vertebral level of the main lesion: one field feeding SINS location and the model.

The level is entered once. SINS reads its location class from it (Fisher 2010: junctional
occiput–C2, C7–T2, T11–L1, L5–S1; mobile C3–C6, L2–L4; semi-rigid T3–T10; rigid S2–S5),
and the cohort model reads the study's lesion group from it (upper C1–C2, middle C3–C6,
cervicothoracic junction C7–T1). Levels outside C1–T1 keep their SINS location but have no
model group: the model was never fitted on them.

Readings (spec A-S1, A-S6, A-S7): T2 is junctional (C7–T2, every reproduction of Fisher
2010 but one third-party form); one level per lesion (the worst of a multi-level lesion is
a convention we do not impose); coccyx and transitional vertebrae are not accepted.
"""

from __future__ import annotations

from typing import Self

from i18n import N_
from scoring.options import CodedEnum, LabelledEnum, ScoredOption
from scoring.sources import COHORT_STUDY, FISHER_2010


class SinsLocation(ScoredOption):
    """SINS component 1, location (Fisher 2010)."""

    JUNCTIONAL = ("junctional", 3, N_("Junctional (occiput–C2, C7–T2, T11–L1, L5–S1)"), FISHER_2010)
    MOBILE = ("mobile", 2, N_("Mobile spine (C3–C6, L2–L4)"), FISHER_2010)
    SEMI_RIGID = ("semi_rigid", 1, N_("Semi-rigid (T3–T10)"), FISHER_2010)
    RIGID = ("rigid", 0, N_("Rigid (S2–S5)"), FISHER_2010)


class LesionGroup(LabelledEnum):
    """The cohort study's level of the main lesion (seed 000, Methods and Table 1)."""

    UPPER = ("upper", N_("Upper cervical spine (C1–C2)"))
    MIDDLE = ("middle", N_("Middle cervical spine (C3–C6)"))
    CTJ = ("ctj", N_("Cervicothoracic junction (C7–T1)"))


LESION_GROUP_SOURCE = COHORT_STUDY


class VertebralLevel(CodedEnum):
    """C1 … S5, each with its SINS location and, for C1–T1, the study's lesion group."""

    _location: SinsLocation
    _group: LesionGroup | None

    def __new__(cls, code: str, location: SinsLocation, group: LesionGroup | None) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._location = location
        member._group = group
        return member

    @property
    def sins_location(self) -> SinsLocation:
        return self._location

    @property
    def lesion_group(self) -> LesionGroup | None:
        """The model's lesion level; None outside C1–T1, where the model does not apply."""
        return self._group

    C1 = ("C1", SinsLocation.JUNCTIONAL, LesionGroup.UPPER)
    C2 = ("C2", SinsLocation.JUNCTIONAL, LesionGroup.UPPER)
    C3 = ("C3", SinsLocation.MOBILE, LesionGroup.MIDDLE)
    C4 = ("C4", SinsLocation.MOBILE, LesionGroup.MIDDLE)
    C5 = ("C5", SinsLocation.MOBILE, LesionGroup.MIDDLE)
    C6 = ("C6", SinsLocation.MOBILE, LesionGroup.MIDDLE)
    C7 = ("C7", SinsLocation.JUNCTIONAL, LesionGroup.CTJ)
    T1 = ("T1", SinsLocation.JUNCTIONAL, LesionGroup.CTJ)
    T2 = ("T2", SinsLocation.JUNCTIONAL, None)
    T3 = ("T3", SinsLocation.SEMI_RIGID, None)
    T4 = ("T4", SinsLocation.SEMI_RIGID, None)
    T5 = ("T5", SinsLocation.SEMI_RIGID, None)
    T6 = ("T6", SinsLocation.SEMI_RIGID, None)
    T7 = ("T7", SinsLocation.SEMI_RIGID, None)
    T8 = ("T8", SinsLocation.SEMI_RIGID, None)
    T9 = ("T9", SinsLocation.SEMI_RIGID, None)
    T10 = ("T10", SinsLocation.SEMI_RIGID, None)
    T11 = ("T11", SinsLocation.JUNCTIONAL, None)
    T12 = ("T12", SinsLocation.JUNCTIONAL, None)
    L1 = ("L1", SinsLocation.JUNCTIONAL, None)
    L2 = ("L2", SinsLocation.MOBILE, None)
    L3 = ("L3", SinsLocation.MOBILE, None)
    L4 = ("L4", SinsLocation.MOBILE, None)
    L5 = ("L5", SinsLocation.JUNCTIONAL, None)
    S1 = ("S1", SinsLocation.JUNCTIONAL, None)
    S2 = ("S2", SinsLocation.RIGID, None)
    S3 = ("S3", SinsLocation.RIGID, None)
    S4 = ("S4", SinsLocation.RIGID, None)
    S5 = ("S5", SinsLocation.RIGID, None)
