"""Performance scales, each recorded natively and never converted into the other.

Tokuhashi's general condition reads the Karnofsky %; Katagiri's point reads ECOG PS 3–4.
The published KPS↔ECOG conversions disagree exactly where Katagiri's point changes
(KPS 50 is ECOG 2 in the usual table, ECOG 3 in Ma 2010 and Prasad 2018; spec §5, A-G1),
so the app asks for both.
"""

from __future__ import annotations

from types import MappingProxyType

from i18n import N_
from scoring.sources import KARNOFSKY_1949, OKEN_1982

KPS_SOURCE = KARNOFSKY_1949
ECOG_SOURCE = OKEN_1982

#: Karnofsky performance status, % (accepted: 10–100 in steps of 10; 0 = dead is rejected).
KPS_DEFINITIONS = MappingProxyType(
    {
        100: N_("Normal; no complaints; no evidence of disease."),
        90: N_("Able to carry on normal activity; minor signs or symptoms of disease."),
        80: N_("Normal activity with effort; some signs or symptoms of disease."),
        70: N_("Cares for self; unable to carry on normal activity or to do active work."),
        60: N_("Requires occasional assistance, but is able to care for most personal needs."),
        50: N_("Requires considerable assistance and frequent medical care."),
        40: N_("Disabled; requires special care and assistance."),
        30: N_("Severely disabled; hospital admission is indicated although death not imminent."),
        20: N_("Very sick; hospital admission necessary; active supportive treatment necessary."),
        10: N_("Moribund; fatal processes progressing rapidly."),
    }
)

#: ECOG performance status (accepted: 0–4; 5 = dead is rejected). Oken 1982 wording.
ECOG_DEFINITIONS = MappingProxyType(
    {
        0: N_("Fully active, able to carry on all pre-disease performance without restriction."),
        1: N_(
            "Restricted in physically strenuous activity but ambulatory and able to carry out "
            "work of a light or sedentary nature (e.g. light housework, office work)."
        ),
        2: N_(
            "Ambulatory and capable of all self-care but unable to carry out any work "
            "activities; up and about more than 50 % of waking hours."
        ),
        3: N_(
            "Capable of only limited self-care; confined to bed or chair more than 50 % of "
            "waking hours."
        ),
        4: N_(
            "Completely disabled; cannot carry on any self-care; totally confined to bed or chair."
        ),
    }
)
