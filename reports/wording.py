"""Sentences that every surface states the same way: the intended use and the outcome.

Why a module with no imports but the extraction marker: the router prints the intended use
before any page runs, and a cold start must not load the scoring code or the model for one
sentence. Each sentence is an English msgid (``N_``), translated where it is shown.
``app_pages.ui.notice`` re-exports :data:`INTENDED_USE`; the reports quote it verbatim.
"""

from __future__ import annotations

from typing import Final

from i18n import N_

INTENDED_USE: Final = N_(
    "Decision support for reviewing palliative surgery of a cervical spine metastasis: "
    "published scores and a reconstructed model. It informs the team's judgment; it does "
    "not decide whether to operate."
)
#: The predicted outcome in one sentence, printed beside every probability.
OUTCOME_DEFINITION: Final = N_(
    "Poor outcome means no improvement, or re-deterioration, of the ECOG performance status "
    "or the EQ-5D within 3 months of surgery."
)
#: The outcome's short name (the FHIR ``prediction.outcome`` text).
OUTCOME_NAME: Final = N_(
    "Poor outcome (no improvement or re-deterioration of ECOG PS or EQ-5D within 3 months)"
)
#: What limits the model's estimate, stated in every report beside the probability.
MODEL_CAVEATS: Final[tuple[str, ...]] = (
    N_(
        "The model was fitted to a pseudo-cohort reconstructed from the published tables of "
        "one 46-patient study, not to patient-level data; it has not been validated externally."
    ),
    N_(
        "Its calibration in other hospitals is unknown: read the probability with its 95% "
        "interval, which is wide, and beside the published scores."
    ),
    N_(
        "The estimate applies to patients like the study's: palliative posterior surgery for a "
        "symptomatic metastasis of C1–T1."
    ),
)
