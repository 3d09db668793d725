"""The server guards the router installs (``app_pages.server_guard``), without a browser.

The download guard is tested on Streamlit's own in-memory media store, the object the
``/media`` route reads: a downloadable file answers the session's two fetches (the
frontend's check and the download) and nothing after, nor after its time is up; other
media are untouched. The browser test (tests/browser/test_report_downloads.py) checks the
same through a real server.
"""

from __future__ import annotations

import pytest
from streamlit import net_util
from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from app_pages.server_guard import MAX_FETCHES, OneTimeDownloads, close_address_lookups


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> tuple[MemoryMediaFileStorage, Clock]:
    storage = MemoryMediaFileStorage("/media")
    clock = Clock()
    guard = OneTimeDownloads(
        storage.get_file, storage.get_url, storage.delete_file, ttl_s=30.0, clock=clock
    )
    storage.get_file = guard.get_file  # type: ignore[method-assign]
    storage.get_url = guard.get_url  # type: ignore[method-assign]
    return storage, clock


def _add(storage: MemoryMediaFileStorage, kind: MediaFileKind, data: bytes = b"%PDF-1") -> str:
    return storage.load_and_get_id(data, "application/pdf", kind, "report.pdf")


def _name(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def test_a_download_answers_the_sessions_fetches_then_nothing(store):
    storage, _ = store
    file_id = _add(storage, MediaFileKind.DOWNLOADABLE)
    url = storage.get_url(file_id)
    for _ in range(MAX_FETCHES):
        assert storage.get_file(_name(url)).content == b"%PDF-1"
    with pytest.raises(MediaFileStorageError):
        storage.get_file(_name(url))


def test_a_download_never_issued_is_refused(store):
    storage, _ = store
    file_id = _add(storage, MediaFileKind.DOWNLOADABLE)
    with pytest.raises(MediaFileStorageError):
        storage.get_file(f"{file_id}.pdf")


def test_an_unfetched_download_expires(store):
    storage, clock = store
    url = storage.get_url(_add(storage, MediaFileKind.DOWNLOADABLE))
    clock.now += 31.0
    with pytest.raises(MediaFileStorageError):
        storage.get_file(_name(url))


def test_a_second_click_gets_a_fresh_entry(store):
    storage, _ = store
    first = storage.get_url(_add(storage, MediaFileKind.DOWNLOADABLE))
    for _ in range(MAX_FETCHES):
        storage.get_file(_name(first))
    again = storage.get_url(_add(storage, MediaFileKind.DOWNLOADABLE))
    assert storage.get_file(_name(again)).content == b"%PDF-1"


def test_other_media_are_left_alone(store):
    storage, _ = store
    url = storage.get_url(_add(storage, MediaFileKind.MEDIA, b"\x89PNG"))
    for _ in range(5):
        assert storage.get_file(_name(url)).content == b"\x89PNG"


def test_address_lookups_answer_unknown_without_a_request(monkeypatch):
    def outside(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a request left the machine")

    monkeypatch.setattr(net_util, "_make_blocking_http_get", outside)
    monkeypatch.setattr(net_util, "get_external_ip", net_util.get_external_ip)
    monkeypatch.setattr(net_util, "get_internal_ip", net_util.get_internal_ip)
    close_address_lookups()
    assert net_util.get_external_ip() is None
    assert net_util.get_internal_ip() is None
