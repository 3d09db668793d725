"""Bilsky epidural spinal cord compression (ESCC) grade, recorded for the case, not scored.

Read on axial T2-weighted MRI at the level of most severe compression (Bilsky 2010; spec
§6). Grades are strings: 1a, 1b and 1c are distinct. The cohort study groups grades 0–1
against 2–3 (seed 000, Table 1); whether 1c is low grade is disputed (A-G2) and is not
decided here because no score or model reads this field.
"""

from __future__ import annotations

from typing import Self

from i18n import N_
from scoring.options import CodedEnum


class BilskyGrade(CodedEnum):
    _definition: str

    def __new__(cls, code: str, definition: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._definition = definition
        return member

    @property
    def definition(self) -> str:
        return self._definition

    @property
    def cohort_group(self) -> str:
        """'low' for grades 0–1c, 'high' for 2–3, as the cohort study groups them."""
        return "high" if self.value in ("2", "3") else "low"

    G0 = ("0", N_("Bone-only disease"))
    G1A = ("1a", N_("Epidural impingement, without deformation of the thecal sac"))
    G1B = ("1b", N_("Deformation of the thecal sac, without spinal cord abutment"))
    G1C = (
        "1c",
        N_("Deformation of the thecal sac, with spinal cord abutment, without cord compression"),
    )
    G2 = ("2", N_("Spinal cord compression, with CSF visible around the cord"))
    G3 = ("3", N_("Spinal cord compression, no CSF visible around the cord"))
