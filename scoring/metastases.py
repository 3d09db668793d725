"""Systemic disease findings that are case fields and score items at once.

Major internal organs (Tokuhashi item 4) are lungs, liver, kidneys and brain (spec S3);
"removable" is the surgeon's judgment (A-T7). Katagiri's visceral item counts nodular
visceral or brain metastases as 1 and pleural, peritoneal or leptomeningeal dissemination
as 2; nodular plus disseminated is 2, the maximum, not a sum (A-K10). Lymph-node
metastases are not visceral here (A-K10: the paper is silent; the caller decides).
"""

from __future__ import annotations

from i18n import N_
from scoring.options import ScoredOption
from scoring.sources import KATAGIRI_2014, TOKUHASHI_2005


class MajorOrganMets(ScoredOption):
    """Revised Tokuhashi item 4: metastases to the major internal organs."""

    NONE = ("none", 2, N_("No metastases"), TOKUHASHI_2005)
    REMOVABLE = ("removable", 1, N_("Removable"), TOKUHASHI_2005)
    UNREMOVABLE = ("unremovable", 0, N_("Unremovable"), TOKUHASHI_2005)


class VisceralMets(ScoredOption):
    """New Katagiri factor 2: visceral metastases."""

    NONE = ("none", 0, N_("None"), KATAGIRI_2014)
    NODULAR = ("nodular", 1, N_("Nodular visceral or cerebral metastases"), KATAGIRI_2014)
    DISSEMINATED = (
        "disseminated",
        2,
        N_("Disseminated: pleural, peritoneal or leptomeningeal dissemination"),
        KATAGIRI_2014,
    )
