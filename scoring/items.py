"""Building an item result from an option that may be unknown.

Shared by the three scores so that "unknown" always means the same thing: the item's
full range of points, and the fields that would have decided it.
"""

from __future__ import annotations

from scoring.options import ScoredOption
from scoring.result import ItemResult
from scoring.sources import Source


def item(
    key: str,
    label: str,
    table: type[ScoredOption],
    option: ScoredOption | None,
    needs: tuple[str, ...],
    source: Source,
    detail: str = "",
) -> ItemResult:
    """The item for a known option, or the table's full point range with ``needs`` missing."""
    if option is None:
        low, high = table.points_range()
        return ItemResult(key, label, None, low, high, source, missing=needs)
    return ItemResult(key, label, option, option.points, option.points, source, detail=detail)
