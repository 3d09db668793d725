"""Fixtures of the real-browser tests; they live in :mod:`tests.support.browser` so that the
benchmarks in ``bench/`` can drive the app the same way without importing a test module."""

from tests.support.browser import (
    app_server,
    browser,
    open_app,
    playwright,
    pytest_runtest_makereport,
)

__all__ = ["app_server", "browser", "open_app", "playwright", "pytest_runtest_makereport"]
