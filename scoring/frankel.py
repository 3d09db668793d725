"""Frankel grade: one field feeding Tokuhashi's palsy item and the model's Frankel group.

Definitions from Frankel 1969 as summarised in spec §4 (S10). Modified-Frankel sub-grades
D1–D3 all count as D. Tokuhashi counts **A and B** as complete palsy (spec A-T6: mapping
only A to "complete" is a frequent error); the cohort study groups A–B, C–D and E.
"""

from __future__ import annotations

from typing import Self

from i18n import N_
from scoring.options import CodedEnum


class FrankelGroup(CodedEnum):
    """The cohort study's Frankel grouping (seed 000, Tables 1 and 3)."""

    AB = "AB"
    CD = "CD"
    E = "E"


class FrankelGrade(CodedEnum):
    """Frankel A–E with the published definition and the study's group."""

    _name: str
    _definition: str
    _group: FrankelGroup

    def __new__(cls, code: str, name: str, definition: str, group: FrankelGroup) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._name = name
        member._definition = definition
        member._group = group
        return member

    @property
    def grade_name(self) -> str:
        return self._name

    @property
    def definition(self) -> str:
        return self._definition

    @property
    def group(self) -> FrankelGroup:
        return self._group

    A = (
        "A",
        N_("Complete"),
        N_("No motor or sensory function below the level of the lesion."),
        FrankelGroup.AB,
    )
    B = (
        "B",
        N_("Sensory only"),
        N_("Some sensation preserved below the level; motor paralysis complete."),
        FrankelGroup.AB,
    )
    C = (
        "C",
        N_("Motor useless"),
        N_(
            "Some voluntary motor power below the level, too weak for any practical use; "
            "sensation may or may not be preserved."
        ),
        FrankelGroup.CD,
    )
    D = (
        "D",
        N_("Motor useful"),
        N_(
            "Useful motor power below the level; can move the lower limbs and walk with or "
            "without aids."
        ),
        FrankelGroup.CD,
    )
    E = (
        "E",
        N_("Normal"),
        N_(
            "Normal motor and sensory function, no sphincter disturbance; abnormal reflexes may "
            "persist."
        ),
        FrankelGroup.E,
    )
