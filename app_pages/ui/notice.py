"""The intended-use notice every page opens with.

Why a module of its own: the router shows it before any page runs, and a cold start must
not import the scoring code just to print a sentence. The sentence itself is written once,
in :mod:`reports.wording` (which imports only the extraction marker), and the reports
quote the same text.
"""

from typing import Final

from i18n import N_
from reports.wording import INTENDED_USE

__all__ = ["INTENDED_USE", "PRIVACY"]

PRIVACY: Final = N_(
    "Patient values stay in this browser session; reloading the page starts a new, empty one."
)
