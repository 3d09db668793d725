"""Clinical scoring core: one patient case in, three scores and the indications out.

Never imports Streamlit: the app, the command line and the tests share this API.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring import indications, katagiri, sins, tokuhashi
from scoring.case import PatientCase, describe_errors
from scoring.indications import Criterion
from scoring.result import Band, ItemResult, ScoreResult


@dataclass(frozen=True, slots=True)
class CaseScores:
    """The three scores of one case and the papers' criteria evaluated on them."""

    tokuhashi: ScoreResult
    katagiri: ScoreResult
    sins: ScoreResult
    criteria: tuple[Criterion, ...]

    @property
    def scores(self) -> tuple[ScoreResult, ScoreResult, ScoreResult]:
        return (self.tokuhashi, self.katagiri, self.sins)


def score_case(case: PatientCase) -> CaseScores:
    """Score ``case`` with revised Tokuhashi, new Katagiri and SINS, and assess criteria."""
    t, k, s = tokuhashi.score(case), katagiri.score(case), sins.score(case)
    return CaseScores(t, k, s, indications.assess(case, t, k, s))


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
