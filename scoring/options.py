"""Scored options: an Enum member that is a stable string code and carries its points.

Modelled on httpx's status codes: the member's *value* is a string code (what files and
APIs store), and the member carries ``points``, ``label`` and ``source``. Points are never
the value: two options worth the same points would otherwise silently alias each other.

``RangedOption`` adds an inclusive numeric range, so that a count or a percentage is
classified by looking it up in the table, not by a chain of ``if``.

Example::

    >>> from scoring.tokuhashi import ExtraspinalBoneMets
    >>> ExtraspinalBoneMets.classify(2).points
    1
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Self

from scoring.sources import Source


class CodedEnum(StrEnum):
    """A string-coded vocabulary whose ``parse`` names the allowed codes when it fails."""

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def parse(cls, code: str) -> Self:
        try:
            return cls._value2member_map_[code]  # type: ignore[return-value]
        except KeyError:
            allowed = ", ".join(cls.codes())
            raise ValueError(f"{code!r} is not one of: {allowed}") from None


class LabelledEnum(CodedEnum):
    """A coded vocabulary whose members also carry a human label (units, quiz choices)."""

    _label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label


class ScoredOption(CodedEnum):
    """One row of a score's item table."""

    _points: int
    _label: str
    _source: Source

    def __new__(cls, code: str, points: int, label: str, source: Source) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._points = points
        member._label = label
        member._source = source
        return member

    @property
    def points(self) -> int:
        return self._points

    @property
    def label(self) -> str:
        return self._label

    @property
    def source(self) -> Source:
        return self._source

    @classmethod
    def points_range(cls) -> tuple[int, int]:
        """Lowest and highest points of the item: the range shown while it is unknown."""
        return _points_range(cls)


class RangedOption(ScoredOption):
    """A row that applies to whole numbers in ``[low, high]`` (``high`` None: no upper end)."""

    _low: int
    _high: int | None

    def __new__(
        cls, code: str, points: int, label: str, source: Source, low: int, high: int | None
    ) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._points = points
        member._label = label
        member._source = source
        member._low = low
        member._high = high
        return member

    @property
    def low(self) -> int:
        return self._low

    @property
    def high(self) -> int | None:
        return self._high

    def holds(self, value: int) -> bool:
        return value >= self._low and (self._high is None or value <= self._high)

    @classmethod
    def classify(cls, value: int) -> Self:
        """The row whose range holds ``value``; a value in no row is a programming error,
        because the patient-case model has already rejected values outside the table."""
        for member in cls:
            if member.holds(value):
                return member
        raise ValueError(f"{value} lies in no row of {cls.__name__}")


@functools.cache
def _points_range(table: type[ScoredOption]) -> tuple[int, int]:
    """``ScoredOption.points_range``, worked out once per table: an Enum's members cannot
    change, and an unknown item asks for it at every scoring (a batch run asks thousands
    of times while it learns its lookups)."""
    points = [m.points for m in table]
    return min(points), max(points)
