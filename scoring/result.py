"""What a score returns: every item's points, the total (or its range) and the band.

A value that is unknown stays unknown. An item whose input is missing contributes the
lowest and highest points it could have, so the total becomes a range; the band is given
only when both ends of that range fall in the same band. The score is *incomplete* when an
item other than a range-tolerant one (Katagiri's laboratory item, by the issue's rule) is
missing; an incomplete score names the missing fields and has no total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.options import ScoredOption
from scoring.sources import Source


@dataclass(frozen=True, slots=True)
class SurvivalFigure:
    """A published survival proportion; ``verified`` False marks an unconfirmed decimal."""

    horizon: str
    percent: float
    verified: bool
    note: str = ""

    def __str__(self) -> str:
        mark = "" if self.verified else " (provisional)"
        return f"{self.horizon}: {self.percent:g} %{mark}"


@dataclass(frozen=True, slots=True)
class Band:
    """A published band of a score: its code, range of totals and meaning."""

    code: str
    label: str
    low: int
    high: int
    meaning: str
    source: Source
    survival: tuple[SurvivalFigure, ...] = ()

    def holds(self, total: int) -> bool:
        return self.low <= total <= self.high


def band_for(bands: tuple[Band, ...], total: int) -> Band:
    """The band holding ``total``; the bands of a score tile its whole range (tested)."""
    for band in bands:
        if band.holds(total):
            return band
    raise ValueError(f"total {total} lies in no band")


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One item of a score for one patient.

    ``table`` is the option table the item was scored from: the quiz, the Learn page and
    the batch read it from here, so which table an item uses is stated once, by the scorer.
    """

    key: str
    label: str
    option: ScoredOption | None
    points_min: int
    points_max: int
    source: Source
    table: type[ScoredOption]
    missing: tuple[str, ...] = ()
    range_tolerant: bool = False
    detail: str = ""

    @property
    def points(self) -> int | None:
        return self.points_min if self.points_min == self.points_max else None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A score for one patient: items, total or range, band and published meaning."""

    key: str
    name: str
    items: tuple[ItemResult, ...]
    bands: tuple[Band, ...]
    higher_is_better: bool
    source: Source
    notes: tuple[str, ...] = field(default=())

    @property
    def total_min(self) -> int:
        return sum(i.points_min for i in self.items)

    @property
    def total_max(self) -> int:
        return sum(i.points_max for i in self.items)

    @property
    def missing(self) -> tuple[str, ...]:
        """Fields left empty that this score needed (each named once, in item order)."""
        seen: dict[str, None] = {}
        for item in self.items:
            seen.update(dict.fromkeys(item.missing))
        return tuple(seen)

    @property
    def incomplete(self) -> bool:
        """True when a missing field leaves more than a range-tolerant item unknown."""
        return any(i.missing and not i.range_tolerant for i in self.items)

    @property
    def total(self) -> int | None:
        """The total when it is known exactly and the score is complete, else None."""
        if self.incomplete or self.total_min != self.total_max:
            return None
        return self.total_min

    @property
    def band(self) -> Band | None:
        """The band when both ends of the total's range lie in it, else None."""
        low = band_for(self.bands, self.total_min)
        return low if low.holds(self.total_max) else None
