"""The two patients the cohort paper illustrates (Kanda et al. 2021, Figures 6 and 7).

The paper's text gives each patient's sex, age, primary tumor and vertebral level, and
whether the outcome was excellent or poor; nothing else (performance status, Frankel
grade, SINS findings, laboratory values) can be read from it. Only those four facts are
filled in. Everything else stays empty, so the scores show what is missing instead of
an invented complete case, and the screen says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from i18n import N_, Translator, translator
from scoring.sources import COHORT_STUDY

_LEFT_EMPTY = N_(
    "Only sex, age, primary tumor and vertebral level are filled in: the paper's text gives "
    "nothing else, so every other field is left empty (not recorded). Enter the rest from "
    "the patient's records to complete the scores."
)


@dataclass(frozen=True, slots=True)
class ExampleCase:
    """An example patient: the values the source supports and what the screen says."""

    code: str
    title: str
    values: Mapping[str, Any]
    description: str

    @property
    def note(self) -> str:
        """The on-screen statement of where the values come from and what is left empty."""
        return self.note_in(translator("en"))

    def note_in(self, _: Translator) -> str:
        """:attr:`note` in the language of ``_``."""
        return _(
            "Example loaded: %(description)s (%(source)s). %(left_empty)s",
            description=_(self.description),
            source=COHORT_STUDY.key,
            left_empty=_(_LEFT_EMPTY),
        )


EXAMPLES: Final[tuple[ExampleCase, ...]] = (
    ExampleCase(
        "fig6",
        N_("Fig. 6: 67-year-old man, thyroid cancer at C5 (excellent outcome)"),
        MappingProxyType(
            {"sex": "male", "age_years": 67, "primary_tumor": "thyroid", "lesion_level": "C5"}
        ),
        N_(
            "the 67-year-old man with metastatic thyroid cancer to the C5 vertebra whom the "
            "cohort paper shows in Fig. 6 as a typical excellent outcome after surgery"
        ),
    ),
    ExampleCase(
        "fig7",
        N_("Fig. 7: 69-year-old man, hepatocellular carcinoma at C7 (poor outcome)"),
        MappingProxyType(
            {"sex": "male", "age_years": 69, "primary_tumor": "liver", "lesion_level": "C7"}
        ),
        N_(
            "the 69-year-old man with metastatic hepatocellular carcinoma to the C7 vertebra "
            "whom the cohort paper shows in Fig. 7 as a typical poor outcome after surgery"
        ),
    ),
)
EXAMPLE_BY_CODE: Final[Mapping[str, ExampleCase]] = MappingProxyType({e.code: e for e in EXAMPLES})
