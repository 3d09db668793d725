"""The poor-outcome model as the pages see it: loaded once per server, or a clear refusal.

Why imported lazily: loading the model imports NumPy and Pydantic's model of the file.
The scores are rendered before anything in this module runs, and the model is only loaded
once the case has all five predictors: until then no probability is possible, and a first
paint or a half-filled case must not wait for those imports. The model file is JSON (no
pickle): :func:`precheck` runs the cheap part of the load's verification (pinned SHA-256,
strict validation) so a refused file is reported as early as possible; the load itself
also rebuilds the numbers from the file's own data before any probability.

Why only successes are cached: ``st.cache_resource`` does not cache an exception, so a
refused artifact is re-checked on the next run and a repaired one is picked up without a
restart; a verified model is loaded once per server and never mutated. The directory can
be pointed elsewhere with the ``CALC_MODEL_DIR`` environment variable (a department's own
JSON model from ``cli.py fit``, or a test's corrupted copy); it is part of the cache key.
A directory holding a pickled model is refused, never unpickled.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import streamlit as st

from app_pages.ui.language import session_translator
from i18n import N_

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel

MODEL_DIR_ENV: Final = "CALC_MODEL_DIR"
LOG: Final = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """A usable model, or the message that replaces the probability, and the provenance.

    ``model`` None with ``message`` None means the model was not needed yet (the case
    lacks a predictor), not that it failed.
    """

    model: PoorOutcomeModel | None
    message: str | None
    provenance: str | None


def model_directory() -> Path | None:
    """The artifact directory from ``CALC_MODEL_DIR``, or None for the shipped model."""
    configured = os.environ.get(MODEL_DIR_ENV)
    return Path(configured) if configured else None


def cached_model(directory: str | None) -> PoorOutcomeModel:
    """The verified model for ``directory`` (None: the shipped one), one copy per server
    shared by every page; raises what ``load_model`` raises (and caches nothing then).

    The spinner is drawn here rather than by the cache, so its text is in the session's
    language (a cache decorator's text is fixed at import)."""
    with st.spinner(session_translator()("Loading and verifying the poor-outcome model…")):
        return _cached_model(directory)


@st.cache_resource(show_spinner=False)
def _cached_model(directory: str | None) -> PoorOutcomeModel:
    from models.predict import load_model

    return load_model(None if directory is None else Path(directory))


#: What the calculator and the board say when the model is refused or cannot be loaded.
#: Why not the loader's own message: that is written for whoever maintains the
#: installation (file locations, rebuild commands) and goes to the server log, which
#: names no patient value; the CLI keeps printing it in full.
REFUSED: Final = N_(
    "The poor-outcome model was refused (it is not the verified model, or it was damaged "
    "or edited after fitting), so no probability is shown. Ask whoever maintains this "
    "installation to restore the model; the server log names the check that failed."
)
NOT_LOADED: Final = N_(
    "The poor-outcome model could not be loaded, so no probability is shown. Ask whoever "
    "maintains this installation to restore the model; the server log names the reason."
)
NOT_INSTALLED: Final = N_(
    "The poor-outcome model is not installed, so no probability is shown. Ask whoever "
    "maintains this installation to install it; the server log names the reason."
)


def _refused(exc: Exception, provenance: str | None) -> ModelStatus:
    from models.predict import ModelIntegrityError

    _ = session_translator()
    if isinstance(exc, ModelIntegrityError):
        LOG.warning("Calculator: the model was refused: %s", exc)
        text = _(REFUSED)
    else:
        LOG.warning("Calculator: the model could not be loaded: %s: %s", type(exc).__name__, exc)
        text = _(NOT_LOADED)
    return ModelStatus(None, text + " " + _("The scores are unaffected."), provenance)


def precheck() -> ModelStatus:
    """Whether the model file on disk can be trusted (the loader's own verification)."""
    from models.artifact import SHIPPED_DIR, read_parsed
    from models.predict import PROVENANCE, provenance_text

    try:
        manifest, _ = read_parsed(model_directory() or SHIPPED_DIR)
    except Exception as exc:  # any failure here must leave the scores on screen
        return _refused(exc, PROVENANCE)
    return ModelStatus(None, None, provenance_text(manifest))


def loaded() -> ModelStatus:
    """The verified model for this server (loaded once), or why there is none; never raises."""
    try:
        from models.predict import PROVENANCE
    except ImportError as exc:
        LOG.warning("Calculator: the model is not installed: %s", exc)
        return ModelStatus(None, session_translator()(NOT_INSTALLED), None)
    directory = model_directory()
    try:
        model = cached_model(None if directory is None else str(directory))
    except Exception as exc:  # a refused or broken artifact must not take the scores down
        return _refused(exc, PROVENANCE)
    return ModelStatus(model, None, model.provenance)


def _import_heavy() -> None:
    import numpy  # noqa: F401

    import models.build  # noqa: F401  (imported for its side effect: warm the module cache)


@st.cache_resource(show_spinner=False)
def _warm_up_thread() -> threading.Thread:
    thread = threading.Thread(target=_import_heavy, name="model-import-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up(status: ModelStatus) -> None:
    """Import NumPy and the model code in the background, once per server, after the page
    is drawn.

    Call it last in a page: the first paint never waits for it, and by the time a case has
    all five predictors the model loads in a fraction of a second.
    It imports modules only (no Streamlit call, no case data); nothing when the artifact
    was refused or the model is already loaded.
    """
    if status.model is None and status.message is None:
        _warm_up_thread()
