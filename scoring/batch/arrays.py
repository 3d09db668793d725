"""NumPy arrays as Arrow arrays without ``pyarrow.array``.

Why: ``pyarrow.array(ndarray)`` asks whether its argument is a NumPy masked array, which
imports ``numpy.ma`` (about 0.1 s, a sixth of a small file's whole run) although nothing
here uses it. Building the arrays from their buffers is also zero-copy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc


def _validity(null: npt.NDArray[np.bool_] | None) -> pa.Buffer | None:
    if null is None or not null.any():
        return None
    return pa.py_buffer(np.packbits(~null, bitorder="little"))


def bools(mask: npt.NDArray[np.bool_]) -> pa.Array:
    """A boolean array (no nulls)."""
    bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits)])


def ints(values: npt.NDArray[np.int64], null: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """An ``int64`` array; ``null`` marks the empty cells."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(
        pa.int64(), len(data), [_validity(null), pa.py_buffer(data)], null_count=-1
    )


def floats(values: npt.NDArray[np.float64], null: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """A ``float64`` array; ``null`` marks the empty cells."""
    data = np.ascontiguousarray(values, dtype=np.float64)
    return pa.Array.from_buffers(
        pa.float64(), len(data), [_validity(null), pa.py_buffer(data)], null_count=-1
    )


def numbered(key: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per row, the number of its key in order of first appearance (0, 1, …), and the
    first row of each number.

    Arrow's dictionary encoding hashes the keys (no sort, unlike ``np.unique``); numbers
    are given in order of first appearance, so a number's first row is where the running
    maximum of the numbers grows.
    """
    encoded = pc.dictionary_encode(ints(key))
    numbers = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    grows = np.ones(len(numbers), dtype=bool)
    grows[1:] = numbers[1:] > np.maximum.accumulate(numbers)[:-1]
    return numbers, np.flatnonzero(grows)


def text_bytes(column: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """The offsets and the character bytes of a ``large_string`` array (no copy), for
    counting over the characters with NumPy (validation, quoting, neutralising)."""
    _, offsets, data = column.buffers()
    starts = np.frombuffer(offsets, dtype=np.int64)[column.offset : column.offset + len(column) + 1]
    if data is None:
        return starts, np.zeros(0, dtype=np.uint8)
    return starts, np.frombuffer(data, dtype=np.uint8)
