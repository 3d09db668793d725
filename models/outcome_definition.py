"""The poor-outcome definition and the two readings it makes, as the runtime model states them.

Why here and not in :mod:`research.outcome` (which labels a department's follow-up data with
them): the model card and the manifest quote these words at run time, and runtime code in
``models`` never imports ``research``. Source: Kanda Y et al., J Orthop Surg Res
2021;16:423, doi:10.1186/s13018-021-02562-8.
"""

from __future__ import annotations

from typing import Final

from i18n import N_

EQ5D_READING: Final = N_(
    "The paper's '≥ 10% change in the EQ-5D score' is read as an absolute change of at least "
    "0.1 in the EQ-5D index, i.e. 10% of the 1.0 distance between the index's anchors, "
    "dead (0) and full health (1). A change relative to the patient's baseline is not used "
    "because the index can be 0 or negative (the study's baseline mean was 0.085 ± 0.487), "
    "where a relative change is undefined or changes sign. A change of exactly 0.1 counts."
)
PS_READING: Final = N_(
    "A change of at least one ECOG performance-status level counts as improvement or "
    "deterioration; ECOG 5 (dead) at a follow-up visit is a deterioration."
)
POOR_OUTCOME_DEFINITION: Final = N_(
    "Poor outcome (Kanda 2021): no improvement, or deterioration after improvement, of the "
    "ECOG performance status or of the EQ-5D index within 3 months of surgery (either "
    "measure suffices). Improvement/deterioration: ≥ 1 ECOG level; EQ-5D ≥ 0.1 index points."
)
