"""The compiled loops give exactly the answers of the libraries they stand in for, and the
library is loaded only when it was built from the pinned source.

``native.encode`` against Arrow's ``dictionary_encode``; ``native.invalid_utf8`` against
Python's UTF-8 decoder; ``native.RowWriter`` against
Python's ``csv`` module (``QUOTE_MINIMAL``, ``\\n``; a lone CR quoted as well, which the
module leaves bare). Texts are
drawn to hit the C code's edges: empty cells, texts of 7, 8, 9, 15, 16 and 17 bytes (the
one-word and 16-byte copy paths), shared 8-byte heads, multi-byte characters, sliced
arrays (an offset into the buffers) and cells at the very end of a buffer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.batch import native

EDGE_TEXTS = [
    "",
    "a",
    "abcdefg",
    "abcdefgh",
    "abcdefgh1",
    "abcdefgh2",
    "0123456789abcde",
    "0123456789abcdef",
    "0123456789abcdef0",
    "é",
    "日本語のテキスト",
    'q"uote',
    "com,ma",
    "new\nline",
    "cr\rx",
    "\r\n",
    '"',
]
texts = st.lists(st.one_of(st.sampled_from(EDGE_TEXTS), st.text(max_size=40)), max_size=60)


def large(values: list[str], offset: int = 0) -> pa.Array:
    array = pa.array(["pad"] * offset + values, type=pa.large_string())
    return array.slice(offset)


def reference_field(cell: str) -> str:
    """QUOTE_MINIMAL written out: quoted, quotes doubled, when a quote, comma, CR or LF."""
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in '",\r\n') else cell


def reference_rows(rows: list[list[str]]) -> bytes:
    text = "".join(",".join(reference_field(c) for c in row) + "\n" for row in rows)
    lone_cr = any("\r" in c for row in rows for c in row)
    # the csv module agrees, but for a row of one empty cell, which it writes as "" (the
    # scored file always has dozens of columns)
    if not lone_cr and [""] not in rows:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        assert buffer.getvalue() == text
    return text.encode("utf-8")


# ---------------------------------------------------------------------------- loading


def test_the_pinned_hash_is_that_of_the_source():
    """Changing native.c means pinning its new hash here, on purpose."""
    assert hashlib.sha256(native.SOURCE.read_bytes()).hexdigest() == native.SOURCE_SHA256


def test_the_loaded_library_was_built_from_the_pinned_source():
    lib = native.library()
    assert lib.native_source_sha256().decode() == native.SOURCE_SHA256


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_a_library_built_from_another_source_is_refused(tmp_path, monkeypatch):
    other = tmp_path / "_native.so"
    subprocess.run(
        [
            "cc",
            "-O0",
            "-shared",
            "-fPIC",
            '-DSOURCE_SHA256="' + "0" * 64 + '"',
            "-o",
            str(other),
            str(native.SOURCE),
        ],
        check=True,
    )
    monkeypatch.setattr(native, "LIBRARY", other)
    native.library.cache_clear()
    try:
        with pytest.raises(native.NativeLibraryError, match="built from another source"):
            native.library()
    finally:
        native.library.cache_clear()


def test_a_missing_library_is_refused_with_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(native, "LIBRARY", tmp_path / "absent.so")
    native.library.cache_clear()
    try:
        with pytest.raises(native.NativeLibraryError, match="make native"):
            native.encode(large(["a"]))
    finally:
        native.library.cache_clear()


def test_the_command_reports_a_missing_library_and_writes_nothing(tmp_path, monkeypatch):
    from scoring.batch import synthetic
    from scoring.batch.command import add_arguments, run

    src = tmp_path / "in.csv"
    synthetic.write(src, 20, seed=1)
    monkeypatch.setattr(native, "LIBRARY", tmp_path / "absent.so")
    native.library.cache_clear()
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    try:
        status = run(parser.parse_args([str(src), "-o", str(tmp_path / "out.csv"), "--quiet"]))
    finally:
        native.library.cache_clear()
    assert status == 2
    assert not (tmp_path / "out.csv").exists()


# ----------------------------------------------------------------------------- encode


@settings(max_examples=300, deadline=None)
@given(values=texts, offset=st.integers(0, 3))
def test_encode_is_arrows_dictionary_encoding(values, offset):
    column = large(values, offset)
    distinct, index = native.encode(column)
    expected = column.dictionary_encode()
    assert distinct.to_pylist() == expected.dictionary.to_pylist()
    assert index.tolist() == expected.indices.to_pylist()
    assert index.dtype == np.int64


def test_encode_of_many_distinct_texts_grows_its_table():
    values = [f"value {i % 5_000}" for i in range(20_000)]
    distinct, index = native.encode(large(values))
    assert len(distinct) == 5_000
    assert distinct.take(pa.array(index)).to_pylist() == values


def test_encode_of_empty_cells_only():
    distinct, index = native.encode(large(["", "", ""]))
    assert distinct.to_pylist() == [""]
    assert index.tolist() == [0, 0, 0]


def test_encode_refuses_other_types():
    with pytest.raises(TypeError, match="large_string"):
        native.encode(pa.array(["a"], type=pa.string()))


# ------------------------------------------------------------------------------ UTF-8

#: Byte sequences at the edges of UTF-8 (table 3-7 of the Unicode Standard): the lowest and
#: highest of each length, overlong forms, surrogates, beyond U+10FFFF, lone and missing
#: continuation bytes, bytes that never occur.
EDGE_BYTES = [
    b"a",
    b"\x7f",
    b"\xc2\x80",
    b"\xdf\xbf",
    b"\xe0\xa0\x80",
    b"\xef\xbf\xbf",
    b"\xf0\x90\x80\x80",
    b"\xf4\x8f\xbf\xbf",
    b"\xc0\xaf",
    b"\xc1\xbf",
    b"\xe0\x80\xaf",
    b"\xf0\x80\x80\xaf",
    b"\xed\xa0\x80",
    b"\xed\x9f\xbf",
    b"\xf4\x90\x80\x80",
    b"\xf5\x80\x80\x80",
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xe6\x97",
    b"\xf0\x9f\x98",
    b"\xfe",
    b"\xff",
    "日本語".encode(),
    b"12345678",
]
cells_of_bytes = st.lists(
    st.lists(st.one_of(st.sampled_from(EDGE_BYTES), st.binary(max_size=12)), max_size=6).map(
        b"".join
    ),
    max_size=40,
)


def texts_of(cells: list[bytes], offset: int = 0) -> pa.Array:
    """Arrow ``large_string`` arrays holding these bytes as they are (Arrow does not check
    them here, as its CSV reader does not when told not to)."""
    binary = pa.array([b"pad"] * offset + cells, type=pa.large_binary()).slice(offset)
    return pa.Array.from_buffers(
        pa.large_string(), len(cells), binary.buffers(), offset=binary.offset
    )


def first_invalid(cells: list[bytes]) -> int | None:
    for i, cell in enumerate(cells):
        try:
            cell.decode("utf-8")
        except UnicodeDecodeError:
            return i
    return None


@settings(max_examples=1_000, deadline=None)
@given(cells=cells_of_bytes, offset=st.integers(0, 2))
def test_invalid_utf8_finds_the_first_cell_python_refuses(cells, offset):
    assert native.invalid_utf8(texts_of(cells, offset)) == first_invalid(cells)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([b"ab", b"\xc3", b"\xa9", b"x"], 1),  # a character split over two cells
        ([b"", b"\xe6\x97", b"", b"\xa5"], 1),  # ... with empty cells around
        ([b"a" * 40 + b"\xe6\x97\xa5", b"b" * 17], None),  # past the eight-byte steps
        ([b"a" * 23 + b"\xf0\x9f\x98"], 0),  # truncated at the very end
        ([b"", b""], None),
        ([], None),
    ],
)
def test_invalid_utf8_cases(cells, expected):
    assert native.invalid_utf8(texts_of(cells)) == expected


def test_invalid_utf8_refuses_other_types():
    with pytest.raises(TypeError, match="large_string"):
        native.invalid_utf8(pa.array(["a"], type=pa.string()))


# --------------------------------------------------------------------------- CSV rows


@settings(max_examples=300, deadline=None)
@given(
    columns=st.lists(texts, min_size=1, max_size=5),
    encoded=st.lists(st.booleans(), min_size=5, max_size=5),
    offset=st.integers(0, 2),
    data=st.data(),
)
def test_rows_are_the_csv_modules_rows(columns, encoded, offset, data):
    n = len(columns[0])
    given_columns = []
    rows: list[list[str]] = [[] for _ in range(n)]
    for values, as_index in zip(columns, encoded, strict=False):
        if as_index and values:
            index = np.array(
                data.draw(st.lists(st.integers(0, len(values) - 1), min_size=n, max_size=n)),
                dtype=np.int64,
            )
            given_columns.append(native.Texts(large(values, offset), index))
            cells = [values[i] for i in index]
        else:
            cells = (values * (n // max(len(values), 1) + 1))[:n] if values else [""] * n
            given_columns.append(native.Texts(large(cells, offset)))
        for row, cell in zip(rows, cells, strict=True):
            row.append(cell)
    written = bytes(native.RowWriter().lines(given_columns, n))
    assert written == reference_rows(rows)


def test_rows_larger_than_the_first_buffer():
    cell = "x" * 1_000
    n = 3_000  # 3 MB of text, three times the writer's first buffer
    writer = native.RowWriter()
    written = writer.lines([native.Texts(large([cell] * n)), native.Texts(large(["1"] * n))], n)
    assert bytes(written) == (cell + ",1\n").encode() * n
    again = writer.lines([native.Texts(large(["a"])), native.Texts(large(["b"]))], 1)
    assert bytes(again) == b"a,b\n"


class _CountedLibrary:
    """The library, counting ``csv_rows`` calls."""

    def __init__(self) -> None:
        self.lib = native.library()
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.lib, name)

    def csv_rows(self, *args: object) -> int:
        self.calls += 1
        return int(self.lib.csv_rows(*args))


def test_rows_that_grow_longer_down_the_chunk_need_one_retry(monkeypatch):
    """The rows are sized before any is written, so one larger buffer always suffices
    (not one retry per block: rows sorted by length would otherwise cost a pass each)."""
    counted = _CountedLibrary()
    monkeypatch.setattr(native, "library", lambda: counted)
    cells = ["a"] * 640 + ["y" * 20_000 * (k + 1) for k in range(64)]  # 42 MB at the end
    written = native.RowWriter().lines([native.Texts(large(cells))], len(cells))
    assert bytes(written) == "".join(c + "\n" for c in cells).encode()
    assert counted.calls == 2


def test_an_index_outside_the_texts_is_refused_when_the_buffer_is_too_small_too():
    """A bad index in the last row of a chunk larger than the buffer is refused."""
    index = np.zeros(200, dtype=np.int64)
    index[-1] = 5
    with pytest.raises(IndexError):
        native.RowWriter().lines([native.Texts(large(["z" * 20_000]), index)], 200)


@pytest.mark.parametrize("bad", [-1, 2, 1 << 40])
def test_an_index_outside_the_texts_is_refused(bad):
    column = native.Texts(large(["a", "b"]), np.array([0, bad, 1], dtype=np.int64))
    with pytest.raises(IndexError):
        native.RowWriter().lines([column], 3)


def test_a_column_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="2 cells for 3 rows"):
        native.RowWriter().lines([native.Texts(large(["a", "b"]))], 3)


@pytest.mark.parametrize("count", [2, 4])
def test_indices_for_another_number_of_rows_are_refused(count):
    """Fewer indices than rows would make the C loop read past them."""
    column = native.Texts(large(["a", "b"]), np.zeros(count, dtype=np.int64))
    with pytest.raises(ValueError, match=f"{count} indices for 3 rows"):
        native.RowWriter().lines([column], 3)


def test_strided_indices_are_read_as_given():
    index = np.array([0, 9, 1, 9, 0, 9], dtype=np.int64)[::2]  # a view with a stride
    written = native.RowWriter().lines([native.Texts(large(["a", "b"]), index)], 3)
    assert bytes(written) == b"a\nb\na\n"


def test_zero_rows_are_no_text_whatever_the_buffers():
    """A zero-row array may have an empty or no offsets buffer (valid Arrow); nothing is
    read from it."""
    for offsets in (pa.py_buffer(b""), None):
        empty = pa.Array.from_buffers(pa.large_string(), 0, [None, offsets, pa.py_buffer(b"")])
        for column in (native.Texts(empty), native.Texts(empty, np.zeros(0, dtype=np.int64))):
            assert bytes(native.RowWriter().lines([column], 0)) == b""


def test_texts_without_an_offset_for_every_text_are_refused():
    short = pa.Array.from_buffers(
        pa.large_string(), 0, [None, pa.py_buffer(b""), pa.py_buffer(b"")]
    )
    index = np.zeros(2, dtype=np.int64)
    with pytest.raises(ValueError, match="offset for every text"):
        native.RowWriter().lines([native.Texts(short, index)], 2)


def test_texts_with_nulls_are_refused():
    """A null slot may cover bytes that are not its text (the Arrow format allows it):
    they must never reach the output."""
    validity = pa.py_buffer(np.packbits([1, 0], bitorder="little"))
    offsets = pa.py_buffer(np.array([0, 3, 9], dtype=np.int64))
    hidden = pa.Array.from_buffers(
        pa.large_string(), 2, [validity, offsets, pa.py_buffer(b"abcSECRET")]
    )
    with pytest.raises(ValueError, match="nulls"):
        native.RowWriter().lines([native.Texts(hidden)], 2)
    with pytest.raises(ValueError, match="nulls"):
        native.encode(hidden)


def test_the_numbering_does_not_depend_on_the_hash_seed(monkeypatch):
    values = large([f"v{i % 97}" for i in range(5_000)] + EDGE_TEXTS)
    answers = []
    for seed in (0, 1, 2**64 - 1):
        monkeypatch.setattr(native, "_SEED", seed)
        distinct, index = native.encode(values)
        answers.append((distinct.to_pylist(), index.tolist()))
    assert answers[0] == answers[1] == answers[2]


def test_indices_of_another_type_are_refused():
    column = native.Texts(large(["a"]), np.array([0], dtype=np.int32))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int64"):
        native.RowWriter().lines([column], 1)


def test_the_build_is_the_makefiles():
    """The Makefile builds the library the loader looks for, from the pinned source."""
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert "NATIVE := scoring/batch/_native.so" in makefile
    assert native.LIBRARY.name == "_native.so"
    assert "sha256sum $<" in makefile
