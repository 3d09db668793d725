"""Spinal Instability Neoplastic Score (SINS, 2010): six components, 0–18.

Fisher CG, DiPaola CP, Ryken TC, et al. Spine 2010;35(22):E1221-E1229,
doi:10.1097/BRS.0b013e3181e16ae2 (table as reproduced verbatim in spec S8, §3).
Location comes from the vertebral level (``scoring.levels``: C7–T2 junctional, A-S1).

Worked example: lesion at C7 (junctional, 3), mechanical pain (3), lytic (2), normal
alignment (0), < 50 % collapse (2), unilateral posterolateral involvement (1): total 11,
indeterminate (possibly impending) instability.
"""

from __future__ import annotations

from i18n import N_, Message
from scoring.case import PatientCase
from scoring.items import ItemFunction, item, recorded_item
from scoring.levels import SinsLocation
from scoring.result import Band, ItemResult, ScoreResult
from scoring.score_id import ScoreId
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)
from scoring.sources import FISHER_2010

SOURCE = FISHER_2010

BANDS: tuple[Band, ...] = (
    Band("stable", N_("Stable (0–6)"), 0, 6, N_("Stable"), SOURCE),
    Band(
        "indeterminate",
        N_("Indeterminate (7–12)"),
        7,
        12,
        N_("Indeterminate (possibly impending) instability"),
        SOURCE,
    ),
    Band("unstable", N_("Unstable (13–18)"), 13, 18, N_("Instability"), SOURCE),
)
CONSULTATION_NOTE = N_("A SINS of 7–18 warrants surgical consultation (Fisher 2010).")


def _location(case: PatientCase) -> ItemResult:
    level = case.lesion_level
    return item(
        "location",
        N_("Location"),
        SinsLocation,
        None if level is None else level.sins_location,
        ("lesion_level",),
        SOURCE,
        "" if level is None else Message(N_("Level %(level)s"), level=level.value),
    )


#: The six components in the paper's order, each a function of the case: ``score`` sums
#: them, and the batch scorer asks one at a time (``scoring.batch.lookups``).
ITEMS: tuple[ItemFunction, ...] = (
    _location,
    recorded_item("pain", N_("Pain"), SinsPain, "sins_pain", SOURCE),
    recorded_item("bone_lesion", N_("Bone lesion"), SinsBoneLesion, "sins_bone_lesion", SOURCE),
    recorded_item(
        "alignment", N_("Radiographic spinal alignment"), SinsAlignment, "sins_alignment", SOURCE
    ),
    recorded_item("collapse", N_("Vertebral body collapse"), SinsCollapse, "sins_collapse", SOURCE),
    recorded_item(
        "posterolateral",
        N_("Posterolateral involvement of spinal elements"),
        SinsPosterolateral,
        "sins_posterolateral",
        SOURCE,
    ),
)


def score(case: PatientCase) -> ScoreResult:
    """SINS of ``case``: location from the level, five findings from imaging and history."""
    items = tuple(item_of(case) for item_of in ITEMS)
    return ScoreResult(
        ScoreId.SINS.value, N_("SINS"), items, BANDS, False, SOURCE, (CONSULTATION_NOTE,)
    )
