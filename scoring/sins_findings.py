"""The five SINS findings the surgeon reads off the images (Fisher 2010, spec §3).

Location, the sixth component, is not asked here: it follows from the vertebral level
(``scoring.levels``). Readings: exactly 50 % collapse has no category and is not
accepted (A-S3); "no collapse with > 50 % of the body involved" is its own category and
"none of the above" includes < 50 % involvement without collapse (A-S8); "de novo"
deformity excludes pre-existing degenerative deformity (A-S9).
"""

from __future__ import annotations

from i18n import N_
from scoring.options import ScoredOption
from scoring.sources import FISHER_2010


class SinsPain(ScoredOption):
    """Pain: mechanical = relief with recumbency and/or pain with movement or loading."""

    MECHANICAL = ("mechanical", 3, N_("Yes, mechanical pain"), FISHER_2010)
    OCCASIONAL = ("occasional", 1, N_("Occasional pain, but not mechanical"), FISHER_2010)
    NONE = ("none", 0, N_("Pain-free lesion"), FISHER_2010)


class SinsBoneLesion(ScoredOption):
    LYTIC = ("lytic", 2, N_("Lytic"), FISHER_2010)
    MIXED = ("mixed", 1, N_("Mixed (lytic/blastic)"), FISHER_2010)
    BLASTIC = ("blastic", 0, N_("Blastic"), FISHER_2010)


class SinsAlignment(ScoredOption):
    SUBLUXATION = ("subluxation", 4, N_("Subluxation/translation present"), FISHER_2010)
    DEFORMITY = ("deformity", 2, N_("De novo deformity (kyphosis/scoliosis)"), FISHER_2010)
    NORMAL = ("normal", 0, N_("Normal alignment"), FISHER_2010)


class SinsCollapse(ScoredOption):
    GT50 = ("gt50", 3, N_("> 50 % collapse"), FISHER_2010)
    LT50 = ("lt50", 2, N_("< 50 % collapse"), FISHER_2010)
    NONE_GT50_INVOLVED = (
        "none_gt50_involved",
        1,
        N_("No collapse with > 50 % of the body involved"),
        FISHER_2010,
    )
    NONE = ("none", 0, N_("None of the above"), FISHER_2010)


class SinsPosterolateral(ScoredOption):
    """Facet, pedicle or costovertebral joint fracture or replacement with tumor."""

    BILATERAL = ("bilateral", 3, N_("Bilateral"), FISHER_2010)
    UNILATERAL = ("unilateral", 1, N_("Unilateral"), FISHER_2010)
    NONE = ("none", 0, N_("None of the above"), FISHER_2010)
