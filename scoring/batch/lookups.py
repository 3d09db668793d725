"""Scores over a chunk by lookup: every rule is the single-case scorer's own.

Why lookups and not a second implementation: a score rule written twice drifts. So the
batch knows no points, no cut-off and no item logic. It asks the single-case scorers
(``tokuhashi.score``, ``katagiri.score``, ``sins.score``, ...: the functions the
calculator calls, reading the option tables) and the item functions each of them sums
(its module's ``ITEMS``), and remembers the answers in arrays:

1. **Which fields feed which item**: the items of ``score(PatientCase())`` (nothing
   recorded) name, in ``missing``, every field that decides them.
2. **Each row's state per item**: the item's fields encoded as small integers (the code's
   position in its vocabulary, the whole number itself, a laboratory value as
   *unmeasured / within limits / meets the criterion*, the last decided exactly by
   ``scoring.batch.parse``), packed into one key per row. Items keyed on the same fields
   (the five primary-tumour items; the skeletal items of Katagiri, Tomita and Bauer)
   share one key (``StateTable``).
3. **Each state scored once**: for a key not yet seen, the first row holding it is turned
   into a ``PatientCase`` carrying only the key's fields (its own values, validated by
   pydantic), and each item sharing the key is asked about it (its ``ITEMS`` function,
   the very one ``score`` calls); the item's lowest and highest points, the fields it
   names as missing and whether it makes the score incomplete are stored in arrays
   indexed by key. Every other row with that key is a lookup (NumPy ``take``).
4. **Totals and bands**: the sum of the items' points, banded with the score's own
   ``bands`` through ``result.band_for``, as ``ScoreResult`` does.

A one-point change in an option table, or in an item's rule, therefore changes both paths
(tested). The cost is one item call per item and distinct state (a few hundred in a large
cohort; bounded by the fields' ranges; about 6,700 on the benchmark's synthetic cohort,
whose metastasis counts span their whole ranges), cached for the whole run, then a handful
of array operations per chunk.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np

from scoring import bauer, katagiri, sins, tokuhashi, tomita
from scoring.batch.columns import (
    COLUMN_BY_NAME,
    LAB_COLUMNS,
    CodedColumn,
    WholeColumn,
    YesNoColumn,
)
from scoring.batch.parse import Bools, Ints, ParsedChunk
from scoring.case import PatientCase
from scoring.items import ItemFunction
from scoring.labs import ANALYTE_BY_FIELD, LabValue
from scoring.result import Band, ItemResult, ScoreResult, band_for

ScoreFunction = Callable[[PatientCase], ScoreResult]


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    """A score the batch writes: its scorer and its output columns.

    ``columns`` pairs each output column with what it shows: ``total`` (complete and exact,
    else empty), ``min``/``max`` (the range, empty when the score is incomplete) or
    ``band`` (the band code, empty when incomplete or when the range spans bands); or, as
    ``ScoreResult`` gives them whether complete or not, ``range_min``/``range_max`` (the
    total's range) and ``range_band`` (empty when the range spans bands).
    """

    key: str
    score: ScoreFunction
    #: The score's item functions (its module's ``ITEMS``), read when a run starts.
    items: Callable[[], Sequence[ItemFunction]]
    columns: tuple[tuple[str, str], ...]


SCORES: tuple[ScoreSpec, ...] = (
    ScoreSpec(
        "tokuhashi",
        tokuhashi.score,
        lambda: tokuhashi.ITEMS,
        (("tokuhashi_total", "total"), ("tokuhashi_band", "band")),
    ),
    ScoreSpec(
        "katagiri",
        katagiri.score,
        lambda: katagiri.ITEMS,
        (("katagiri_min", "min"), ("katagiri_max", "max"), ("katagiri_group", "band")),
    ),
    ScoreSpec(
        "sins",
        sins.score,
        lambda: sins.ITEMS,
        (("sins_total", "total"), ("sins_category", "band")),
    ),
    ScoreSpec(
        "tomita",
        tomita.score,
        lambda: tomita.ITEMS,
        (("tomita_min", "range_min"), ("tomita_max", "range_max"), ("tomita_group", "range_band")),
    ),
    ScoreSpec(
        "bauer",
        bauer.score,
        lambda: bauer.ITEMS,
        (("bauer_min", "range_min"), ("bauer_max", "range_max"), ("bauer_band", "range_band")),
    ),
)
#: The scores whose missing fields the ``missing`` column names (as before Tomita and
#: Bauer were added; those two show their range instead).
MISSING_FROM: tuple[str, ...] = ("tokuhashi", "katagiri", "sins")


# ------------------------------------------------------------------ field states


@dataclass(frozen=True, slots=True)
class FieldState:
    """One ``PatientCase`` field as a small integer per row; 0 always means not recorded."""

    name: str
    size: int
    kind: str  # coded | yes_no | whole | lab

    def states(self, p: ParsedChunk) -> Ints:
        if self.kind == "coded":
            return p.codes[self.name] + 1
        if self.kind == "yes_no":
            return p.yes_no[self.name] + 1
        if self.kind == "whole":
            return p.whole[self.name] + 1
        measured = p.lab_column[self.name] >= 0
        return np.where(measured, 1 + p.lab_flagged[self.name].astype(np.int64), 0)

    def value(self, p: ParsedChunk, row: int, state: int) -> Any:
        """The ``PatientCase`` value of ``row`` (whose state for this field is ``state``)."""
        if state == 0:
            return None
        if self.kind == "coded":
            column = COLUMN_BY_NAME[self.name]
            assert isinstance(column, CodedColumn)
            return list(column.vocabulary)[state - 1]
        if self.kind == "yes_no":
            return state == 2
        if self.kind == "whole":
            return state - 1
        column = LAB_COLUMNS[int(p.lab_column[self.name][row])]
        cells, rows = p.lab_text[column.name]
        text = cells[int(rows[row])].as_py()
        return LabValue(value=Decimal(text), unit=column.rule.unit)


def field_state(name: str) -> FieldState:
    """How field ``name`` is encoded; a field the file format lacks is a programming error."""
    if name in ANALYTE_BY_FIELD:
        return FieldState(name, 3, "lab")
    column = COLUMN_BY_NAME.get(name)
    if isinstance(column, CodedColumn):
        return FieldState(name, len(list(column.vocabulary)) + 1, "coded")
    if isinstance(column, YesNoColumn):
        return FieldState(name, 3, "yes_no")
    if isinstance(column, WholeColumn):
        return FieldState(name, column.high + 2, "whole")
    raise KeyError(f"no batch column feeds PatientCase.{name}")


# ------------------------------------------------------------------------ items


#: An item's answer for one key, packed into one integer so that a row's lookup is one
#: gather: the fields it lacks (a bit each, see ``bits``) below ``_COUNTS``; above, three
#: 8-bit counters that sum over a score's items without carrying into each other: whether
#: the item makes the score incomplete, its lowest and its highest points.
_COUNTS = 40
_BLOCKS, _LOW, _HIGH = 1 << _COUNTS, 1 << (_COUNTS + 8), 1 << (_COUNTS + 16)
_MISSING_BITS = _BLOCKS - 1
_COUNTER = 0xFF


class ItemLookup:
    """One item of one score: per packed key of its ``StateTable``, its points range and
    what it lacks; ``function`` is the single-case item rule (from the module's ``ITEMS``)."""

    def __init__(self, function: ItemFunction, table: StateTable) -> None:
        self.function = function
        self.table = table
        self.packed = np.zeros(table.size, dtype=np.int64)  # see ``_COUNTS``
        table.items.append(self)

    def store(self, key: int, item: ItemResult) -> None:
        """Pack the single-case scorer's answer for ``key``."""
        bits = self.table.bits
        if not 0 <= item.points_min <= item.points_max <= _COUNTER:
            raise ValueError(f"points {item.points_min}–{item.points_max} cannot be looked up")
        lacks = sum(1 << bits[name] for name in item.missing)
        blocks = bool(item.missing) and not item.range_tolerant
        self.packed[key] = (
            lacks | blocks * _BLOCKS | item.points_min * _LOW | item.points_max * _HIGH
        )


class StateTable:
    """The states of one set of fields, shared by every item keyed on exactly those fields
    (e.g. the skeletal items of Katagiri, Tomita and Bauer; the five primary-tumour items).

    Sharing makes a row's key one computation per chunk for all of them, and a new state
    one ``PatientCase`` for all of them, each item then asked alone (its ``ITEMS``
    function, not the whole score): on a cohort with many distinct metastasis counts,
    most of the run's single-case work.
    """

    def __init__(self, fields: Sequence[FieldState], bits: Mapping[str, int]) -> None:
        self.fields = tuple(fields)
        self.bits = bits
        self.radix = np.cumprod([1, *(f.size for f in self.fields[:-1])]).astype(np.int64)
        self.size = math.prod(f.size for f in self.fields)
        self.known = np.zeros(self.size, dtype=bool)
        self.items: list[ItemLookup] = []

    def keys(self, p: ParsedChunk, states: dict[str, Ints]) -> Ints:
        """Each row's key; ``states`` holds the chunk's field states (shared by tables)."""
        key = np.zeros(p.n, dtype=np.int64)
        for f, radix in zip(self.fields, self.radix, strict=True):
            if f.name not in states:
                states[f.name] = f.states(p)
            key += states[f.name] * radix
        return key

    def learn(self, p: ParsedChunk, valid: Bools, key: Ints, states: dict[str, Ints]) -> None:
        """Score each state of this chunk not seen before, on the first valid row holding
        it (a rejected row is never scored; its cells may contradict each other), for
        every item of the table."""
        new = valid & ~self.known[key]
        if not new.any():
            return
        rows = np.flatnonzero(new)
        todo, first = np.unique(key[rows], return_index=True)
        for k, row in zip(todo.tolist(), rows[first].tolist(), strict=True):
            values = {f.name: f.value(p, row, int(states[f.name][row])) for f in self.fields}
            case = PatientCase(**values)
            for item in self.items:
                item.store(k, item.function(case))
            self.known[k] = True


class StateTables:
    """The run's ``StateTable``s, one per set of fields; ``bits`` numbers the fields the
    ``missing`` mask can name."""

    def __init__(self, bits: Mapping[str, int]) -> None:
        self.bits = bits
        self._tables: dict[frozenset[str], StateTable] = {}

    def of(self, names: Sequence[str]) -> StateTable:
        """The table of the fields ``names`` (made on first use, in that order)."""
        found = self._tables.get(frozenset(names))
        if found is None:
            fields = [field_state(name) for name in names]
            found = self._tables[frozenset(names)] = StateTable(fields, self.bits)
        return found


@dataclass(frozen=True, slots=True)
class ScoreArrays:
    """A score over a chunk, mirroring ``ScoreResult`` (range, completeness, band)."""

    total_min: Ints
    total_max: Ints
    incomplete: Bools
    band_index: Ints  # into band_codes; -1 when incomplete or the range spans bands
    band_codes: tuple[str, ...]
    missing_bits: Ints
    range_band_index: Ints  # ``ScoreResult.band``: -1 only when the range spans bands

    @property
    def total(self) -> Ints:
        """The total, or -1 when incomplete or a range (``ScoreResult.total`` is None)."""
        exact = ~self.incomplete & (self.total_min == self.total_max)
        return np.where(exact, self.total_min, -1)


_READS: set[str] = set()


@cache
def _recorded() -> type[PatientCase]:
    """A ``PatientCase`` that notes every field read from it in ``_READS`` (made once)."""
    names = frozenset(PatientCase.model_fields)

    class Recorded(PatientCase):
        def __getattribute__(self, name: str) -> Any:
            if name in names:
                _READS.add(name)
            return super().__getattribute__(name)

    return Recorded


def fields_read(score: ScoreFunction) -> frozenset[str]:
    """The ``PatientCase`` fields ``score`` reads, on a case with nothing recorded and on
    one with every batch field recorded (attribute reads are recorded, not guessed)."""
    recorded = _recorded()
    _READS.clear()
    score(recorded())
    score(recorded.model_construct(**_everything_recorded()))
    return frozenset(_READS)


def _everything_recorded(last: bool = True) -> dict[str, Any]:
    """A value for every batch field: each vocabulary's last (or first) code, the lowest
    whole number, ``yes``, each analyte at the low end of its accepted range."""
    values: dict[str, Any] = {}
    for column in COLUMN_BY_NAME.values():
        if isinstance(column, CodedColumn):
            values[column.field] = list(column.vocabulary)[-1 if last else 0]
        elif isinstance(column, YesNoColumn):
            values[column.field] = last
        elif isinstance(column, WholeColumn):
            values[column.field] = column.low
    for column in LAB_COLUMNS:
        values[column.field] = LabValue(value=column.rule.low, unit=column.rule.unit)
    return values


def _probe_values(name: str) -> list[Any]:
    """Values of a field to vary it over: None and every code, or a few numbers."""
    column = COLUMN_BY_NAME.get(name)
    if isinstance(column, CodedColumn):
        return [None, *column.vocabulary]
    if isinstance(column, YesNoColumn):
        return [None, False, True]
    if isinstance(column, WholeColumn):
        return [None, column.low, column.low + column.step, column.high]
    spec = ANALYTE_BY_FIELD[name]
    rule = spec.rule(spec.conventional)
    return [None, *(LabValue(value=v, unit=rule.unit) for v in (rule.low, rule.high))]


def item_reads(score: ScoreFunction, index: int, name: str) -> bool:
    """Whether item ``index`` of ``score`` changes with field ``name`` (which it never
    names as missing): varied over its values with nothing else recorded and with every
    other field recorded (first codes, last codes). Only for fields the score is seen to
    read; a change anywhere keeps the field in the item's key."""
    for base in ({}, _everything_recorded(last=False), _everything_recorded(last=True)):
        seen = set()
        for value in _probe_values(name):
            case = PatientCase.model_construct(**{**base, name: value})
            item = score(case).items[index]
            seen.add((item.points_min, item.points_max, item.missing, item.range_tolerant))
        if len(seen) > 1:
            return True
    return False


class ScoreLookup:
    """A whole score over chunks: its items' lookups, summed and banded.

    An item's key holds the fields it names as missing when nothing is recorded, plus any
    field the score reads that no item names (e.g. ``major_organ_mets`` in Tomita, which
    establishes a visceral metastasis without ever being the missing answer) and that
    changes that item (``item_reads``): a smaller key means fewer distinct states to ask
    the scorer about.
    """

    def __init__(self, spec: ScoreSpec, tables: StateTables) -> None:
        self.spec = spec
        empty = spec.score(PatientCase())
        named = {name for item in empty.items for name in item.missing}
        hidden = sorted(
            name
            for name in fields_read(spec.score) - named
            if name in COLUMN_BY_NAME or name in ANALYTE_BY_FIELD
        )
        functions = spec.items()
        if len(functions) != len(empty.items):
            raise ValueError(
                f"{spec.key}: {len(functions)} item functions for {len(empty.items)} items"
            )
        self.items = []
        for i, item in enumerate(empty.items):
            extra = [name for name in hidden if item_reads(spec.score, i, name)]
            self.items.append(ItemLookup(functions[i], tables.of((*item.missing, *extra))))
        if empty.total_min < 0:
            raise ValueError(f"{spec.key}: a negative total cannot be banded by lookup")
        if empty.total_max > _COUNTER or len(self.items) > _COUNTER:
            raise ValueError(f"{spec.key}: too many items or points to be summed by lookup")
        self.bands: tuple[Band, ...] = empty.bands
        # totals below the score's lowest (Tomita starts at 2) cannot occur
        self.band_of_total = np.array(
            [
                self.bands.index(band_for(self.bands, t)) if t >= empty.total_min else -1
                for t in range(empty.total_max + 1)
            ],
            dtype=np.int64,
        )

    def __call__(
        self,
        p: ParsedChunk,
        valid: Bools | None = None,
        states: dict[str, Ints] | None = None,
        keys: dict[StateTable, Ints] | None = None,
    ) -> ScoreArrays:
        """The score over chunk ``p`` (``valid``: ``p.valid``; ``states`` and ``keys``: the
        field states and table keys already computed for this chunk by other scores,
        filled in here)."""
        valid = p.valid if valid is None else valid
        states = {} if states is None else states
        keys = {} if keys is None else keys
        missing = np.zeros(p.n, dtype=np.int64)
        counts = np.zeros(p.n, dtype=np.int64)
        for item in self.items:
            key = keys.get(item.table)
            if key is None:
                key = keys[item.table] = item.table.keys(p, states)
                item.table.learn(p, valid, key, states)
            packed = item.packed[key]
            missing |= packed
            counts += packed >> _COUNTS
        missing &= _MISSING_BITS
        incomplete = (counts & _COUNTER) > 0
        low = (counts >> 8) & _COUNTER
        high = counts >> 16
        same = self.band_of_total[low] == self.band_of_total[high]
        in_one = np.where(same, self.band_of_total[low], -1)
        band = np.where(~incomplete, in_one, -1)
        codes = tuple(b.code for b in self.bands)
        return ScoreArrays(low, high, incomplete, band, codes, missing, in_one)


@cache
def missing_order() -> tuple[str, ...]:
    """The order fields are named in: the scores' ``missing`` concatenated and
    de-duplicated, as the single-case path gives it for a case with nothing recorded
    (``MISSING_FROM`` first: the ``missing`` column lists those)."""
    empty = PatientCase()
    ordered = sorted(SCORES, key=lambda s: s.key not in MISSING_FROM)
    return tuple(dict.fromkeys(name for s in ordered for name in s.score(empty).missing))


class Scorer:
    """All of ``SCORES`` over chunks; lookups are learnt as chunks arrive (one per run)."""

    def __init__(self, scores: Sequence[ScoreSpec] = SCORES) -> None:
        order = missing_order()
        self.order = order
        if len(order) > _COUNTS:
            raise ValueError(f"{len(order)} fields cannot be named by a {_COUNTS}-bit mask")
        tables = StateTables({name: i for i, name in enumerate(order)})
        self.lookups = [ScoreLookup(spec, tables) for spec in scores]

    def __call__(self, p: ParsedChunk) -> dict[str, ScoreArrays]:
        valid = p.valid
        # each field's states and each table's keys, computed once for all scores
        states: dict[str, Ints] = {}
        keys: dict[StateTable, Ints] = {}
        return {lookup.spec.key: lookup(p, valid, states, keys) for lookup in self.lookups}
