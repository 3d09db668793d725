"""Building an item result from an option that may be unknown, with its table.

Shared by the three scores so that "unknown" always means the same thing: the item's
full range of points, and the fields that would have decided it.
"""

from __future__ import annotations

from collections.abc import Callable

from scoring.case import PatientCase
from scoring.options import ScoredOption
from scoring.result import ItemResult
from scoring.sources import Source

#: One item of a score as a function of the case. Each score module lists its items as
#: ``ITEMS`` (in the order ``score`` gives them), so that one item can be asked alone.
ItemFunction = Callable[[PatientCase], ItemResult]


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
        return ItemResult(key, label, None, low, high, source, table, missing=needs)
    if not isinstance(option, table):
        raise TypeError(f"{option!r} is not an option of {table.__name__}")
    return ItemResult(
        key, label, option, option.points, option.points, source, table, detail=detail
    )


def recorded_item(
    key: str, label: str, table: type[ScoredOption], field: str, source: Source
) -> ItemFunction:
    """The item whose option is what the case records in ``field`` (the field's vocabulary
    is the item's table itself, e.g. SINS pain), unknown while the field is empty."""

    def item_of(case: PatientCase) -> ItemResult:
        return item(key, label, table, getattr(case, field), (field,), source)

    item_of.__name__ = item_of.__qualname__ = f"{key}_item"
    return item_of


def item_among(
    key: str,
    label: str,
    table: type[ScoredOption],
    possible: frozenset[ScoredOption],
    needs: tuple[str, ...],
    source: Source,
    detail: str = "",
) -> ItemResult:
    """The item when the inputs narrow it to ``possible`` options without deciding it.

    One option: the item is known. Several: the item spans their points and names
    ``needs`` as missing (e.g. Tomita's visceral item, none or treatable, when only the
    treatability answer is known).
    """
    if len(possible) == 1:
        (option,) = possible
        return item(key, label, table, option, needs, source, detail)
    points = [o.points for o in possible]
    return ItemResult(key, label, None, min(points), max(points), source, table, missing=needs)
