"""One pass of the domain API for the page being drawn: case → scores → model → prediction.

Both pages call the same two steps in the same order, so the tumor board can never show
a number the calculator would not. The steps are separate so a page renders the scores
before the model (and its heavy imports) is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app_pages.ui import model
from app_pages.ui.case_state import CaseBuild, current_case
from app_pages.ui.language import session_translator
from scoring import CaseScores, score_case

if TYPE_CHECKING:
    from models.predict import Prediction


@dataclass(frozen=True, slots=True)
class Scored:
    """The session's case, validated, with its three scores and the papers' criteria."""

    build: CaseBuild
    scores: CaseScores


def scored_case() -> Scored:
    """Validate and score this session's case (cheap: no model, no Plotly)."""
    build = current_case()
    return Scored(build, score_case(build.case))


def prediction_for(scored: Scored) -> tuple[model.ModelStatus, Prediction | None]:
    """The model's status and its answer for the case; a failure becomes a message.

    While a predictor is missing, the answer is the model's own "no probability" (built by
    ``models.features``, the function ``predict`` itself uses) and the artifact is only
    checked, not loaded.
    """
    from models.features import features
    from models.predict import Prediction

    case, scores = scored.build.case, scored.scores
    row = features(case, scores)
    if row.values is None:
        status = model.precheck()
        if status.message is not None:
            return status, None
        return status, Prediction.none(row, "", status.provenance or "")
    status = model.loaded()
    if status.model is None:
        return status, None
    try:
        return status, status.model.predict(case, scores)
    except Exception as exc:  # a prediction failure must leave the scores on screen
        _ = session_translator()
        message = _(
            "The poor-outcome model failed on this case and no probability is shown "
            "(%(error)s). The scores are unaffected.",
            error=f"{type(exc).__name__}: {exc}",
        )
        return model.ModelStatus(None, message, status.provenance), None
