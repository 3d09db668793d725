"""Reading an uploaded cohort CSV with every dimension bounded before the work is done.

Why not ``pandas.read_csv`` on the upload: a "CSV bomb" (1 MB of commas, a 5 MB header of
700,000 names) made pandas allocate a column per comma and took 40 s and 1.4 GB, or ended
in ``MemoryError``. Here the file is read line by line; the length of each physical line,
the number of columns, the length of each field and the number of rows are checked as
they are met, and the first limit crossed stops the reading with a sentence that says
which limit and why. Only then is a (small) DataFrame built, of the needed columns only.

The one byte limit (:data:`MAX_UPLOAD_MB`, decimal megabytes as the browser's upload
widget counts them) is what the page passes to ``st.file_uploader`` and what
:func:`read_cohort_csv` checks on the server, so the two can never disagree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

#: Largest upload, in megabytes of 1,000,000 bytes (the upload widget's own unit).
MAX_UPLOAD_MB: Final = 5
#: The same limit in bytes, checked on the server.
MAX_UPLOAD_BYTES: Final = MAX_UPLOAD_MB * 1_000_000
#: A cohort file has a few dozen columns; a header far wider is not a cohort file.
MAX_COLUMNS: Final = 200
#: Longest field (a code, a number or a short note).
MAX_FIELD_CHARS: Final = 200
#: Longest physical line (columns × field length would be far more than any real row).
MAX_LINE_CHARS: Final = 10_000
#: Most patient rows accepted here (a department cohort is a few hundred or thousand).
MAX_ROWS: Final = 20_000


class UploadError(ValueError):
    """The upload cannot be read; the message is the sentence shown to the user."""


@dataclass(frozen=True)
class CsvTable:
    """The header and the needed columns' cells (None for an empty cell)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    columns: tuple[str, ...]

    def frame(self) -> Any:
        """A pandas DataFrame of the needed columns (strings and None)."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns), dtype=object)


def _lines(text: str) -> Iterator[str]:
    """Physical lines, each checked for length before the CSV reader sees it."""
    start = 0
    number = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start, start + MAX_LINE_CHARS + 2)
        if end == -1:
            end = length if length - start <= MAX_LINE_CHARS + 1 else -1
        number += 1
        if end == -1:
            raise UploadError(
                f"Line {number} is longer than {MAX_LINE_CHARS:,} characters; a cohort file's "
                "lines are far shorter, so the file is not read (it may not be a cohort CSV, "
                "or its line breaks are missing)."
            )
        yield text[start : end + 1]
        start = end + 1


def _check_row(row: Sequence[str], line: int, what: str) -> None:
    if len(row) > MAX_COLUMNS:
        raise UploadError(
            f"The {what} on line {line} has more than {MAX_COLUMNS} columns; a cohort file "
            "needs the columns listed above, so the file is not read."
        )
    if row and max(map(len, row)) > MAX_FIELD_CHARS:
        raise UploadError(
            f"A value on line {line} is longer than {MAX_FIELD_CHARS} characters; the "
            "cohort columns hold short codes and numbers, so the file is not read."
        )


def read_cohort_csv(data: bytes, needed: Sequence[str]) -> CsvTable:
    """Parse an upload under the limits above; :class:`UploadError` with the reason.

    ``needed``: the columns kept (others are read, bounded, and dropped). Missing needed
    columns are reported by the caller (it words the hint), so here they come back absent
    from ``columns``.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {len(data) / 1e6:.1f} MB; files up to {MAX_UPLOAD_MB} MB are "
            "accepted here. The command line (`python cli.py validate --cohort FILE.csv`) "
            "reads larger files."
        )
    if not data.strip():
        raise UploadError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            "The file is not UTF-8 text (the first undecodable byte is at position "
            f"{exc.start}). Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    if "\x00" in text:
        raise UploadError("The file contains binary data; a comma-separated text file is needed.")
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = next(reader, None)
        if header is not None:
            _check_row(header, reader.line_num, "header")
        if header is None or not any(h.strip() for h in header):
            raise UploadError("The file has no header row: it needs the columns listed above.")
        names = tuple(h.strip() for h in header)
        keep = [i for i, name in enumerate(names) if name in needed]
        rows: list[tuple[str | None, ...]] = []
        for row in reader:
            _check_row(row, reader.line_num, "row")
            if not "".join(row).strip():
                continue
            if len(rows) >= MAX_ROWS:
                raise UploadError(
                    f"The file has more than {MAX_ROWS:,} patient rows; files up to that are "
                    "validated here, the command line reads larger ones."
                )
            if len(row) != len(names):
                raise UploadError(
                    f"Line {reader.line_num} has {len(row)} fields but the header has "
                    f"{len(names)}; every row needs one value (or an empty cell) per column."
                )
            rows.append(tuple((row[i].strip() or None) for i in keep))
    except csv.Error as exc:
        raise UploadError(f"The file could not be read as CSV: {exc}.") from exc
    return CsvTable(names, tuple(rows), tuple(names[i] for i in keep))
