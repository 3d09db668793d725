"""Progress of a long run: rows, rate and time left, on a terminal only."""

from __future__ import annotations

import io
import sys
import time
from typing import IO, Any

from i18n import DEFAULT_LANGUAGE, Translator, translator


class Progress:
    """Rows done, rate and time left on one self-overwriting stderr line, on a terminal only.

    Silent when stderr is not a terminal (logs and pipes get only the summary), when
    ``quiet`` is set, and during the first second (a short run needs no progress bar).
    """

    def __init__(
        self, *, quiet: bool, stream: IO[str] | None = None, translate: Translator | None = None
    ) -> None:
        self._ = translate or translator(DEFAULT_LANGUAGE)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _isatty(self.stream)
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def update(self, rows: int, fraction: float) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < 1.0 or now - self._last < 0.25:
            return
        self._last = now
        rate = rows / elapsed if elapsed > 0 else 0.0
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else float("nan")
        left_text = "?" if left != left else f"{left:,.0f} s"
        line = self._(
            "scored %(rows)s rows (%(percent)s of the file), %(rate)s rows/s, about %(left)s left",
            rows=f"{rows:,}",
            percent=f"{fraction:.0%}",
            rate=f"{rate:,.0f}",
            left=left_text,
        )
        self.stream.write(f"\r{line}   ")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
