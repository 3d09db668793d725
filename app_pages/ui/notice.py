"""The intended-use notice every page opens with.

Why a module of its own: the router shows it before any page runs, and a cold start must
not import the scoring code just to print a sentence.
"""

from typing import Final

INTENDED_USE: Final = (
    "Decision support for reviewing palliative surgery of a cervical spine metastasis: "
    "published scores and a reconstructed model. It informs the team's judgment; it does "
    "not decide whether to operate."
)
PRIVACY: Final = "Patient values stay in this browser session."
