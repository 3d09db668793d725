"""Benchmark: cold start to the first rendered result in Chromium, app against bare page.

Why this figure: a surgeon opens the calculator on a ward tablet and waits for it; the
first script run of a fresh server process pays every import the script makes (TESTING-
NOTES: a page importing scikit-learn, Plotly and pandas eagerly takes ~4.7 s). The issue's
target is ≤ 2.5 s for the app. The bare page (``bench/bare_app.py``: Streamlit alone, a page
of the same size) is measured in the same run, alternating with the app, so the ratio says
what the app adds on top of Streamlit on this machine at this moment.

Each repetition starts a fresh ``streamlit run`` process (through the browser tests'
server helper: free port, headless, no usage statistics), waits for its health endpoint,
opens a new Chromium context and times ``page.goto`` until the first ``st.metric`` value is
visible, then until the probability metric is. Chromium is launched once, before any
timing. The model is the shipped one or, until that is trained, a SYNTHETIC one served
through ``CALC_MODEL_DIR`` (see ``bench/app_rerun.py``). Printed: the median of each figure
and the app/bare ratio; written: ``bench/out/app_startup.json``.

Run: ``.venv/bin/python bench/app_startup.py [--repeat 5]``. Not a test: nothing asserts a
time, because timings on a shared machine are evidence, not a pass/fail property.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from bench.app_rerun import model_env  # noqa: E402
from tests.support.browser import (  # noqa: E402
    PROBABILITY,
    TABLET,
    launch_chromium,
    new_context,
    run_streamlit,
)

OUT = REPO / "bench" / "out"
SCRIPTS = {"app": "app.py", "bare": "bench/bare_app.py"}
TARGET_S = 2.5


def cold_start(browser: Browser, script: str, log: Path, env: dict[str, str]) -> dict[str, float]:
    """One fresh server: seconds from spawn to health, and from navigation to results.

    "First result" is the first ``st.metric`` value on screen; "probability" is the
    poor-outcome metric, drawn once the model's status is known (on an empty case it
    shows "—", but the model has been loaded and verified by then).
    """
    spawned = time.perf_counter()
    with run_streamlit(script, log, env) as server:
        healthy = time.perf_counter()
        context = new_context(browser, TABLET)
        try:
            page = context.new_page()
            navigated = time.perf_counter()
            page.goto(server.url)
            page.get_by_test_id("stMetricValue").first.wait_for(state="visible", timeout=60_000)
            rendered = time.perf_counter()
            probability = page.get_by_test_id("stMetric").filter(
                has=page.get_by_test_id("stMetricLabel").get_by_text(PROBABILITY, exact=True)
            )
            probability.wait_for(state="visible", timeout=60_000)
            completed = time.perf_counter()
            elements = page.locator('[data-testid="stElementContainer"]').count()
        finally:
            context.close()
    return {
        "spawn_to_health_s": healthy - spawned,
        "navigation_to_result_s": rendered - navigated,
        "navigation_to_probability_s": completed - navigated,
        "spawn_to_result_s": rendered - spawned,
        "element_containers": float(elements),
    }


def summarise(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh servers per page")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-model-"))
    env, model_note, _ = model_env(workdir)
    print(f"model: {model_note}")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in SCRIPTS}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            warm = browser.new_page()
            warm.set_content("<p>warm-up</p>")
            warm.close()
            for repetition in range(args.repeat):
                # Alternate the order so neither page always runs right after the other.
                order = list(SCRIPTS) if repetition % 2 == 0 else list(reversed(SCRIPTS))
                for name in order:
                    log = OUT / "logs" / f"startup-{name}-{repetition}.log"
                    result = cold_start(browser, SCRIPTS[name], log, env if name == "app" else {})
                    runs[name].append(result)
                    print(
                        f"  run {repetition + 1} {name:4s}: navigation→result "
                        f"{result['navigation_to_result_s']:.2f} s, spawn→result "
                        f"{result['spawn_to_result_s']:.2f} s",
                        flush=True,
                    )
        finally:
            browser.close()
            shutil.rmtree(workdir, ignore_errors=True)

    medians = {name: summarise(results) for name, results in runs.items()}
    app, bare = medians["app"], medians["bare"]
    rows = [
        ("navigation → first result (s)", "navigation_to_result_s"),
        ("navigation → probability metric (s)", "navigation_to_probability_s"),
        ("spawn → first result (s)", "spawn_to_result_s"),
        ("spawn → health (s)", "spawn_to_health_s"),
        ("element containers", "element_containers"),
    ]
    print(f"\nCold start, median of {args.repeat} fresh servers each")
    print(f"{'figure':34s} {'app':>8s} {'bare':>8s} {'app/bare':>9s}")
    for title, key in rows:
        print(f"{title:34s} {app[key]:8.2f} {bare[key]:8.2f} {app[key] / bare[key]:9.2f}")
    verdict = "meets" if app["navigation_to_result_s"] <= TARGET_S else "MISSES"
    print(f"target: app navigation → first result ≤ {TARGET_S} s: {verdict}")

    report: dict[str, Any] = {
        "benchmark": "cold start to first rendered result in Chromium",
        "machine": {"python": platform.python_version(), "cpus": len(os.sched_getaffinity(0))},
        "repeat": args.repeat,
        "model": model_note,
        "target_s": TARGET_S,
        "median": medians,
        "ratio_app_to_bare": {
            key: app[key] / bare[key] for key in app if bare[key] and key.endswith("_s")
        },
        "runs": runs,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "app_startup.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
