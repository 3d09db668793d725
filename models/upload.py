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

from i18n import N_, TranslatableError

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


class UploadError(TranslatableError):
    """The upload cannot be read; the message is the sentence shown to the user (English
    as ``str``, any language through :meth:`~i18n.TranslatableError.translated`)."""


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
                N_(
                    "Line %(line)s is longer than %(limit)s characters; a cohort file's "
                    "lines are far shorter, so the file is not read (it may not be a cohort "
                    "CSV, or its line breaks are missing)."
                ),
                line=number,
                limit=f"{MAX_LINE_CHARS:,}",
            )
        yield text[start : end + 1]
        start = end + 1


def _check_row(row: Sequence[str], line: int, what: str) -> None:
    if len(row) > MAX_COLUMNS:
        message = (
            N_(
                "The header on line %(line)s has more than %(limit)s columns; a cohort file "
                "needs the columns listed above, so the file is not read."
            )
            if what == "header"
            else N_(
                "The row on line %(line)s has more than %(limit)s columns; a cohort file "
                "needs the columns listed above, so the file is not read."
            )
        )
        raise UploadError(message, line=line, limit=MAX_COLUMNS)
    if row and max(map(len, row)) > MAX_FIELD_CHARS:
        raise UploadError(
            N_(
                "A value on line %(line)s is longer than %(limit)s characters; the "
                "cohort columns hold short codes and numbers, so the file is not read."
            ),
            line=line,
            limit=MAX_FIELD_CHARS,
        )


def read_cohort_csv(data: bytes, needed: Sequence[str]) -> CsvTable:
    """Parse an upload under the limits above; :class:`UploadError` with the reason.

    ``needed``: the columns kept (others are read, bounded, and dropped). Missing needed
    columns are reported by the caller (it words the hint), so here they come back absent
    from ``columns``.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            N_(
                "The file is %(size)s MB; files up to %(limit)s MB are accepted here. The "
                "command line (`python cli.py validate --cohort FILE.csv`) reads larger files."
            ),
            size=f"{len(data) / 1e6:.1f}",
            limit=MAX_UPLOAD_MB,
        )
    if not data.strip():
        raise UploadError(N_("The file is empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            N_(
                "The file is not UTF-8 text (the first undecodable byte is at position "
                "%(position)s). Save it as 'CSV UTF-8' and upload it again."
            ),
            position=exc.start,
        ) from exc
    if "\x00" in text:
        raise UploadError(
            N_("The file contains binary data; a comma-separated text file is needed.")
        )
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = next(reader, None)
        if header is not None:
            _check_row(header, reader.line_num, "header")
        if header is None or not any(h.strip() for h in header):
            raise UploadError(N_("The file has no header row: it needs the columns listed above."))
        names = tuple(h.strip() for h in header)
        keep = [i for i, name in enumerate(names) if name in needed]
        rows: list[tuple[str | None, ...]] = []
        for row in reader:
            _check_row(row, reader.line_num, "row")
            if not "".join(row).strip():
                continue
            if len(rows) >= MAX_ROWS:
                raise UploadError(
                    N_(
                        "The file has more than %(limit)s patient rows; files up to that are "
                        "validated here, the command line reads larger ones."
                    ),
                    limit=f"{MAX_ROWS:,}",
                )
            if len(row) != len(names):
                raise UploadError(
                    N_(
                        "Line %(line)s has %(fields)s fields but the header has %(header)s; "
                        "every row needs one value (or an empty cell) per column."
                    ),
                    line=reader.line_num,
                    fields=len(row),
                    header=len(names),
                )
            rows.append(tuple((row[i].strip() or None) for i in keep))
    except csv.Error as exc:
        raise UploadError(
            N_("The file could not be read as CSV: %(reason)s."), reason=str(exc)
        ) from exc
    return CsvTable(names, tuple(rows), tuple(names[i] for i in keep))
