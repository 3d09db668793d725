"""Server hardening the router applies on every run: no outside lookups, one-time downloads.

Why here and not in a config file: Streamlit has no option for either.

**No request leaves the machine.** Streamlit looks up the machine's addresses in two
places: at start-up, to print "Network URL" and "External URL" (a UDP connect towards
8.8.8.8 and an HTTP request to checkip.amazonaws.com), and when a browser opens a
WebSocket from another origin, to build its allow-list. The start-up lookup is avoided by
configuration: ``server.address`` is set (loopback in ``.streamlit/config.toml``, or the
one address ``make serve-ward`` is given), and Streamlit then prints that one URL and
looks nothing up. For the origin check, :func:`close_address_lookups` replaces the two
lookup functions of ``streamlit.net_util`` by ones that answer "unknown" (None): the
allow-list then holds localhost, 127.0.0.1, the configured address and
``server.corsAllowedOrigins``, which is what a deployment behind a reverse proxy needs.
The router does this on every run, but a WebSocket handshake comes before the first run
of a session; so ``make run`` and ``make serve-ward`` start Streamlit through this module
(``python -m app_pages.server_guard run app.py ...``), which closes the lookups before the
server accepts its first connection.

**Report downloads are single-use and short-lived.** A download button's file is built
only when the user presses it, over that session's WebSocket; Streamlit then stores the
bytes in memory and hands the session a ``/media/<hash>.<ext>`` URL (the hash is of the
file's bytes, so it cannot be guessed without the patient's data). Streamlit's ``/media``
route checks no cookie or session, and the entry stays until a later rerun clears it.
:func:`_one_time_downloads` wraps the in-memory media store so that a *downloadable* file
answers only the session's own browser right after the click: Streamlit 1.67's download
button fetches the URL twice at once (``checkSourceUrlResponse``, a plain ``fetch``, and
the download itself), so the entry answers :data:`MAX_FETCHES` requests within
:data:`DOWNLOAD_TTL_S` seconds of being issued and is deleted as the last is served, or
at expiry. Any later request for the URL, with or without the session's cookie, gets 404.
Images and other media are left alone. Pressing the button again builds the file again,
under a fresh entry.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Final

#: Seconds between a download's URL being issued to the browser and its expiry.
DOWNLOAD_TTL_S: Final = 30.0
#: Requests one download's URL answers: the frontend's check fetch and the download.
MAX_FETCHES: Final = 2
_MARK: Final = "_cervical_calc_one_time_downloads"
_issuing: contextvars.ContextVar[bool] = contextvars.ContextVar("issuing", default=False)
_lock = threading.Lock()


def harden() -> None:
    """Apply both guards to the running server; cheap and idempotent (called every run)."""
    close_address_lookups()
    _one_time_downloads()


def _unknown_address() -> str | None:
    """Stands in for Streamlit's address lookups: the address is not looked up."""
    return None


def close_address_lookups() -> None:
    """Make Streamlit's two address lookups answer "unknown" without any request."""
    from streamlit import net_util

    net_util.get_external_ip = _unknown_address
    net_util.get_internal_ip = _unknown_address


def _one_time_downloads() -> None:
    from streamlit import runtime
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    if not runtime.exists():
        return
    storage = getattr(runtime.get_instance().media_file_mgr, "_storage", None)
    if not isinstance(storage, MemoryMediaFileStorage):
        return
    with _lock:
        if getattr(storage, _MARK, False):
            return
        guard = OneTimeDownloads(storage.get_file, storage.get_url, storage.delete_file)
        storage.get_file = guard.get_file  # type: ignore[method-assign]
        storage.get_url = guard.get_url  # type: ignore[method-assign]
        setattr(storage, _MARK, True)


class OneTimeDownloads:
    """Serve each downloadable media file once, within :data:`DOWNLOAD_TTL_S` of its URL.

    Wraps a media store's ``get_file`` (which both the ``/media`` route and the store's own
    ``get_url`` call) and ``get_url`` (which Streamlit calls when it hands a download's URL
    to the session that asked for it). A ``get_file`` outside ``get_url`` is a fetch.
    """

    def __init__(
        self,
        get_file: Callable[[str], Any],
        get_url: Callable[[str], str],
        delete_file: Callable[[str], None],
        ttl_s: float = DOWNLOAD_TTL_S,
        max_fetches: int = MAX_FETCHES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._get_file = get_file
        self._get_url = get_url
        self._delete = delete_file
        self._ttl = ttl_s
        self._max = max_fetches
        self._clock = clock
        #: file id → (time its URL was issued, fetches it still answers)
        self._issued: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get_url(self, file_id: str) -> str:
        token = _issuing.set(True)
        try:
            url = self._get_url(file_id)
            if _is_download(self._get_file(file_id)):
                with self._lock:
                    self._issued[file_id] = (self._clock(), self._max)
                    self._expire()
            return url
        finally:
            _issuing.reset(token)

    def get_file(self, filename: str) -> Any:
        from streamlit.runtime.media_file_storage import MediaFileStorageError

        media = self._get_file(filename)
        if _issuing.get() or not _is_download(media):
            return media
        file_id = os.path.splitext(filename)[0]
        with self._lock:
            self._expire()
            entry = self._issued.pop(file_id, None)
            if entry is None:
                self._delete(file_id)
                raise MediaFileStorageError("This download has expired.")
            issued, left = entry
            if left > 1:
                self._issued[file_id] = (issued, left - 1)
            else:
                self._delete(file_id)
        return media

    def _expire(self) -> None:
        """Drop downloads whose URL was issued too long ago (caller holds the lock)."""
        now = self._clock()
        for file_id, (issued, _) in list(self._issued.items()):
            if now - issued > self._ttl:
                del self._issued[file_id]
                self._delete(file_id)


def _is_download(media: object) -> bool:
    from streamlit.runtime.media_file_storage import MediaFileKind

    return getattr(media, "kind", None) is MediaFileKind.DOWNLOADABLE


def main() -> None:
    """``streamlit`` with the address lookups closed first: ``python -m app_pages.server_guard
    run app.py --server.port 8501`` takes the same arguments as ``streamlit``."""
    close_address_lookups()
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
