"""How far a table entry can be trusted, and the readings users are shown.

Tomita (2001) and the modified Bauer score (2008) were checked only through secondary
sources: some entries were read in an accessible source, some rest on recollection of the
original paper, and some are this calculator's own reading where no source decides. The
three are kept apart as data so that the Learn page, the reports and the tests can show
and check which is which, instead of a comment in the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from i18n import N_, Message
from scoring.options import LabelledEnum, ScoredOption
from scoring.sources import Source


class Evidence(LabelledEnum):
    """The trust of one table entry."""

    VERIFIED = ("verified", N_("read in an accessible source"))
    RECOLLECTION = ("recollection", N_("recollection of the original paper, not confirmed"))
    READING = ("reading", N_("this calculator's reading; no source decides it"))


OptionT = TypeVar("OptionT", bound=ScoredOption)


@dataclass(frozen=True, slots=True)
class Assignment(Generic[OptionT]):
    """The option one vocabulary code maps to, how sure that is, and why (if not verified)."""

    option: OptionT
    evidence: Evidence
    reason: str = ""


def assigned_detail(label: str, assignment: Assignment[OptionT] | None) -> str | Message:
    """An item's detail for a code read through ``assignment``: the code's ``label``, with
    the evidence when the entry is not verified ("" when nothing is assigned)."""
    if assignment is None:
        return ""
    if assignment.evidence is Evidence.VERIFIED:
        return label
    return Message(N_("%(tumor)s (%(evidence)s)"), tumor=label, evidence=assignment.evidence.label)


@dataclass(frozen=True, slots=True)
class Reading:
    """A choice made where the sources are ambiguous: shown to users beside the score.

    ``key`` is a stable slug for tests and pages; ``text`` is user-facing and free of
    internal references.
    """

    key: str
    score: str
    title: str
    text: str
    sources: tuple[Source, ...]
