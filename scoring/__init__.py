"""Clinical scoring core: one patient case in, the scores and the indications out.

Never imports Streamlit: the app, the command line and the tests share this API.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring import bauer, indications, katagiri, sins, tokuhashi, tomita
from scoring.case import PatientCase, describe_errors
from scoring.indications import Criterion
from scoring.result import Band, ItemResult, ScoreResult


@dataclass(frozen=True, slots=True)
class CaseScores:
    """The scores of one case and the papers' criteria evaluated on them.

    ``scores`` keeps its original meaning, the three scores of the cohort study (revised
    Tokuhashi, new Katagiri, SINS), so every page and report that iterates it is
    unchanged; ``tomita`` and ``bauer`` are the two scores added beside them, and
    ``all_scores`` is all five in display order.
    """

    tokuhashi: ScoreResult
    katagiri: ScoreResult
    sins: ScoreResult
    criteria: tuple[Criterion, ...]
    tomita: ScoreResult
    bauer: ScoreResult

    @property
    def scores(self) -> tuple[ScoreResult, ScoreResult, ScoreResult]:
        return (self.tokuhashi, self.katagiri, self.sins)

    @property
    def all_scores(self) -> tuple[ScoreResult, ...]:
        """Revised Tokuhashi, new Katagiri, SINS, Tomita, modified Bauer."""
        return (self.tokuhashi, self.katagiri, self.sins, self.tomita, self.bauer)


def score_case(case: PatientCase) -> CaseScores:
    """Score ``case`` with all five scores and assess the papers' criteria."""
    t, k, s = tokuhashi.score(case), katagiri.score(case), sins.score(case)
    criteria = indications.assess(case, t, k, s)
    return CaseScores(t, k, s, criteria, tomita.score(case), bauer.score(case))


__all__ = [
    "Band",
    "CaseScores",
    "Criterion",
    "ItemResult",
    "PatientCase",
    "ScoreResult",
    "describe_errors",
    "score_case",
]
