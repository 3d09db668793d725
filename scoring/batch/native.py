"""The batch's compiled loops: numbering distinct texts, checking that texts are UTF-8,
and laying out CSV rows.

Why compiled code here and nowhere else: issue 13 asks for a million rows in at most twice
the time Arrow takes to read and write the same file. Array kernels got the scorer to
about 2.8 times (``bench/README.md``); what remained was per-cell work that Arrow's
kernels do generically and slowly for this shape of data (``dictionary_encode`` of short
texts, and joining 56 columns of short cells into lines); then Arrow's own UTF-8 check, a
sixth of the reading (``invalid_utf8`` replaces it). The loops are in ``native.c``, about
400 lines that know no score, column or clinical rule; every rule stays in Python and
every answer is tested against Arrow, Python's ``csv`` module and Python's UTF-8 decoder.

Safety: the library is built from ``native.c`` by ``make`` (``make native``; it needs a C
compiler, which the set-up commands have) and loaded only if it reports being built from
the file whose SHA-256 is pinned here (``SOURCE_SHA256``; a test checks the pin against
the file). A library that is missing, stale or from elsewhere is refused with a message
saying how to build it; nothing is compiled at run time. The calls release the
interpreter lock (``ctypes``), so the writer's thread and the scoring thread overlap.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from scoring.batch import arrays

#: SHA-256 of ``native.c``: the only source a loaded library may have been built from.
SOURCE_SHA256 = "449d0ed438c86d0d5a456cda39b1eaced4b10517d43ff7b6c20857eaab9fd58e"
SOURCE = Path(__file__).with_name("native.c")
LIBRARY = Path(__file__).with_name("_native.so")

Ints = npt.NDArray[np.int64]
_TOO_SMALL, _BAD_INDEX, _NO_MEMORY, _CHANGED = -1, -2, -3, -4
#: The hash seed of ``encode``, drawn once per process: the numbering is the same whatever
#: it is, but no file can be crafted whose texts all collide (quadratic work).
_SEED = int.from_bytes(os.urandom(8), "little")
#: A zero byte to point at when a column has no character data (every cell empty).
_NO_BYTES = np.zeros(16, dtype=np.uint8)


class NativeLibraryError(OSError):
    """The compiled part is missing or was not built from the pinned source."""


class _Column(ctypes.Structure):
    _fields_ = (
        ("offsets", ctypes.c_void_p),
        ("data", ctypes.c_void_p),
        ("index", ctypes.c_void_p),
        ("values", ctypes.c_int64),
    )


@functools.cache
def library() -> ctypes.CDLL:
    """The loaded library (once per process); ``NativeLibraryError`` when it cannot be."""
    how = "run `make native` in the project's folder (it needs a C compiler)"
    if not LIBRARY.is_file():
        raise NativeLibraryError(f"the batch scorer's compiled part is not built: {how}")
    lib = ctypes.CDLL(str(LIBRARY))
    lib.native_source_sha256.restype = ctypes.c_char_p
    lib.native_source_sha256.argtypes = []
    built_from = lib.native_source_sha256().decode("ascii", "replace")
    if built_from != SOURCE_SHA256:
        raise NativeLibraryError(
            f"the batch scorer's compiled part was built from another source: {how}"
        )
    lib.encode_texts.restype = ctypes.c_int64
    lib.encode_texts.argtypes = [
        *(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64),
        *(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64),
    ]
    lib.utf8_texts.restype = ctypes.c_int64
    lib.utf8_texts.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    lib.csv_rows.restype = ctypes.c_int64
    lib.csv_rows.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int32,
        ctypes.c_int64,
        ctypes.c_void_p,
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_int64),
    ]
    return lib


def _buffers(text: pa.Array) -> tuple[int, int]:
    """Addresses of a ``large_string`` array's first offset and of its character bytes,
    after checking what the C code relies on: no nulls (a null slot may cover bytes that
    are not its text) and offsets for every text."""
    if text.type != pa.large_string():
        raise TypeError(f"large_string expected, not {text.type}")
    if text.null_count:
        raise ValueError("texts with nulls (fill them with empty texts first)")
    if text.buffers()[1] is None:
        raise ValueError("a text array without an offset for every text")
    starts, data = arrays.text_bytes(text)
    if len(starts) != len(text) + 1:
        raise ValueError("a text array without an offset for every text")
    return starts.ctypes.data, data.ctypes.data if data.size else _NO_BYTES.ctypes.data


def encode(text: pa.Array) -> tuple[pa.Array, Ints]:
    """(the distinct texts in order of first appearance, per row the number of its text):
    what ``text.dictionary_encode()`` gives (tested), in a third of the time."""
    n = len(text)
    index = np.empty(n, dtype=np.int64)
    first = np.empty(max(n, 1), dtype=np.int64)
    if n == 0:
        return text, index
    offsets, data = _buffers(text)
    count = library().encode_texts(offsets, data, n, index.ctypes.data, first.ctypes.data, _SEED)
    if count < 0:
        raise MemoryError("no memory to number the distinct cells of a column")
    return text.take(pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(first)])), index


def invalid_utf8(text: pa.Array) -> int | None:
    """The index of the first text of ``text`` (``large_string``, no nulls) that is not
    well-formed UTF-8, or None: the check Arrow's CSV reader makes (``check_utf8``), in a
    fifth of its time on mostly ASCII text (eight bytes are checked at a time)."""
    if len(text) == 0:
        return None
    offsets, data = _buffers(text)
    found = int(library().utf8_texts(offsets, data, len(text)))
    return None if found < 0 else found


@dataclass(frozen=True, slots=True)
class Texts:
    """One CSV column: ``texts`` (``large_string``, no nulls), and per row the index of its
    text (``index``), or None when text r is row r's."""

    texts: pa.Array
    index: Ints | None = None


class RowWriter:
    """Lays out CSV lines into one buffer, reused from chunk to chunk (it grows to the
    largest chunk's text and stays: the process keeps its memory, see ``command``). One
    writer per thread: the buffer is its own."""

    def __init__(self) -> None:
        self._buffer = np.empty(1 << 20, dtype=np.uint8)

    def lines(self, columns: Sequence[Texts], rows: int) -> memoryview:
        """The rows as CSV text (fields quoted where needed, ``\\n`` line ends); valid until
        the next call."""
        if rows == 0:
            return memoryview(b"")
        table = (_Column * len(columns))()
        keep = []  # contiguous copies of strided indices, alive until the call returns
        for slot, column in zip(table, columns, strict=True):
            index = column.index
            if index is not None:
                if index.dtype != np.int64:
                    raise TypeError("indices must be int64")
                if index.shape != (rows,):
                    raise ValueError(f"{len(index)} indices for {rows} rows")
                index = np.ascontiguousarray(index)
                keep.append(index)
            elif len(column.texts) != rows:
                raise ValueError(f"{len(column.texts)} cells for {rows} rows")
            slot.offsets, slot.data = _buffers(column.texts)
            slot.index = index.ctypes.data if index is not None else None
            slot.values = len(column.texts)
        needed = ctypes.c_int64(0)
        while True:
            written = library().csv_rows(
                table,
                len(columns),
                rows,
                self._buffer.ctypes.data,
                len(self._buffer),
                ctypes.byref(needed),
            )
            if written != _TOO_SMALL:
                break
            self._buffer = np.empty(needed.value + (needed.value >> 3), dtype=np.uint8)
        if written == _BAD_INDEX:
            raise IndexError("a CSV column's index points outside its texts")
        if written == _NO_MEMORY:
            raise MemoryError("no memory to lay out the CSV rows")
        if written == _CHANGED:
            raise RuntimeError("a CSV column's indices changed while the rows were written")
        return self._buffer.data[:written]
