"""Facts derived once from the case and shared by several scores.

Two facts are read by more than one score, so each rule is written here once:

- **Visceral metastasis present**: Tomita's visceral item and the modified Bauer score's
  "no visceral metastases". Present when ``visceral_mets`` is nodular or disseminated, or
  when ``major_organ_mets`` is removable or unremovable (a lung, liver, kidney or brain
  metastasis is visceral); absent when ``visceral_mets`` is none; otherwise unknown.
  ``major_organ_mets`` = none alone does not establish absence: it covers only lungs,
  liver, kidneys and brain, not adrenal, pleural or peritoneal disease. Brain counts as
  visceral, lymph nodes do not.
- **Solitary skeletal metastasis**: Tomita's "solitary" bone item, the modified Bauer
  score's "solitary skeletal metastasis" and the negation of Katagiri's "multiple skeletal
  metastases". Solitary when there is no extraspinal focus and exactly one vertebral body;
  multiple as soon as either count shows more than one metastasis (decided even when the
  other count is missing). A single tumour spanning two vertebral bodies counts as two.

The same module states, as data, the pairs of answers that contradict each other; the
case model rejects them (naming both fields) instead of resolving them.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_, Message
from scoring.metastases import MajorOrganMets, VisceralMets


@dataclass(frozen=True, slots=True)
class Fact:
    """A yes/no fact of the case; ``value`` None when undecided, naming what would decide."""

    value: bool | None
    missing: tuple[str, ...] = ()
    #: Set when the value rests on a reading of the sources, saying which (shown to users).
    reading: str = ""


#: ``visceral_mets`` codes that establish a visceral metastasis.
VISCERAL_PRESENT_CODES: frozenset[VisceralMets] = frozenset(
    {VisceralMets.NODULAR, VisceralMets.DISSEMINATED}
)
#: ``major_organ_mets`` codes that establish a visceral metastasis.
ORGAN_PRESENT_CODES: frozenset[MajorOrganMets] = frozenset(
    {MajorOrganMets.REMOVABLE, MajorOrganMets.UNREMOVABLE}
)


def visceral_present(
    visceral: VisceralMets | None,
    organs: MajorOrganMets | None,
    treatable: bool | None = None,
) -> Fact:
    """Whether a visceral metastasis is present; ``visceral_mets`` decides absence alone.

    A treatability answer states a present metastasis: the question is asked only then,
    and the case model refuses it beside ``visceral_mets`` = none, so "absent" is not a
    possible completion of a case that answers it.

    >>> visceral_present(None, None, treatable=True).value
    True
    >>> visceral_present(VisceralMets.NONE, MajorOrganMets.NONE).value
    False
    >>> visceral_present(None, MajorOrganMets.NONE).missing
    ('visceral_mets',)
    """
    if visceral in VISCERAL_PRESENT_CODES or organs in ORGAN_PRESENT_CODES or treatable is not None:
        return Fact(True)
    if visceral is VisceralMets.NONE:
        return Fact(False)
    return Fact(None, ("visceral_mets",))


def solitary_skeletal(extraspinal: int | None, bodies: int | None) -> Fact:
    """Whether the spinal lesion is the only skeletal metastasis (one body, no other focus)."""
    if extraspinal is not None and extraspinal >= 1:
        return Fact(False)
    if bodies is not None and bodies >= 2:
        # Multiple on the vertebral count alone: a single tumour over two bodies counts as two.
        return Fact(
            False,
            reading=Message(
                N_("%(count)s vertebral bodies counted as multiple metastases"), count=bodies
            ),
        )
    if extraspinal is not None and bodies is not None:
        return Fact(True)
    missing = tuple(
        name
        for name, value in (("extraspinal_bone_mets", extraspinal), ("vertebral_body_mets", bodies))
        if value is None
    )
    return Fact(None, missing)


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two answers that cannot both be true: ``later`` is refused when ``earlier`` holds.

    Codes are compared as strings (booleans as ``yes``/``no``), so the batch can apply the
    same table to text cells.
    """

    earlier: str
    earlier_codes: frozenset[str]
    later: str
    later_codes: frozenset[str]
    why: str

    def holds(self, earlier_code: str, later_code: str) -> bool:
        """Whether these two answers (as codes) contradict each other."""
        return earlier_code in self.earlier_codes and later_code in self.later_codes

    def message(self, earlier_title: str, earlier_code: str) -> str:
        """The refusal of the later answer, naming the earlier field and its answer; the
        case model and the batch file word it the same way."""
        return Message(
            N_("contradicts %(title)s (%(field)s) = %(code)s: %(why)s"),
            title=earlier_title,
            field=self.earlier,
            code=earlier_code,
            why=self.why,
        )


CONTRADICTIONS: tuple[Contradiction, ...] = (
    Contradiction(
        "major_organ_mets",
        frozenset(c.value for c in ORGAN_PRESENT_CODES),
        "visceral_mets",
        frozenset({VisceralMets.NONE.value}),
        N_("a lung, liver, kidney or brain metastasis is a visceral metastasis"),
    ),
    Contradiction(
        "visceral_mets",
        frozenset({VisceralMets.NONE.value}),
        "visceral_mets_treatable",
        frozenset({"yes", "no"}),
        N_("treatability applies only to a visceral metastasis that is present; leave it empty"),
    ),
)


def code_of(value: object) -> str:
    """The code a case value is compared by in ``CONTRADICTIONS`` (booleans as yes/no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
