"""The five SINS findings the surgeon reads off the images (Fisher 2010, spec §3).

Location, the sixth component, is not asked here: it follows from the vertebral level
(``scoring.levels``). Readings: exactly 50 % collapse has no category and is not
accepted (A-S3); "no collapse with > 50 % of the body involved" is its own category and
"none of the above" includes < 50 % involvement without collapse (A-S8); "de novo"
deformity excludes pre-existing degenerative deformity (A-S9).
"""

from __future__ import annotations

from scoring.options import ScoredOption
from scoring.sources import FISHER_2010


class SinsPain(ScoredOption):
    """Pain: mechanical = relief with recumbency and/or pain with movement or loading."""

    MECHANICAL = ("mechanical", 3, "Yes, mechanical pain", FISHER_2010)
    OCCASIONAL = ("occasional", 1, "Occasional pain, but not mechanical", FISHER_2010)
    NONE = ("none", 0, "Pain-free lesion", FISHER_2010)


class SinsBoneLesion(ScoredOption):
    LYTIC = ("lytic", 2, "Lytic", FISHER_2010)
    MIXED = ("mixed", 1, "Mixed (lytic/blastic)", FISHER_2010)
    BLASTIC = ("blastic", 0, "Blastic", FISHER_2010)


class SinsAlignment(ScoredOption):
    SUBLUXATION = ("subluxation", 4, "Subluxation/translation present", FISHER_2010)
    DEFORMITY = ("deformity", 2, "De novo deformity (kyphosis/scoliosis)", FISHER_2010)
    NORMAL = ("normal", 0, "Normal alignment", FISHER_2010)


class SinsCollapse(ScoredOption):
    GT50 = ("gt50", 3, "> 50 % collapse", FISHER_2010)
    LT50 = ("lt50", 2, "< 50 % collapse", FISHER_2010)
    NONE_GT50_INVOLVED = (
        "none_gt50_involved",
        1,
        "No collapse with > 50 % of the body involved",
        FISHER_2010,
    )
    NONE = ("none", 0, "None of the above", FISHER_2010)


class SinsPosterolateral(ScoredOption):
    """Facet, pedicle or costovertebral joint fracture or replacement with tumor."""

    BILATERAL = ("bilateral", 3, "Bilateral", FISHER_2010)
    UNILATERAL = ("unilateral", 1, "Unilateral", FISHER_2010)
    NONE = ("none", 0, "None of the above", FISHER_2010)
