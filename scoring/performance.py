"""Performance scales, each recorded natively and never converted into the other.

Tokuhashi's general condition reads the Karnofsky %; Katagiri's point reads ECOG PS 3–4.
The published KPS↔ECOG conversions disagree exactly where Katagiri's point changes
(KPS 50 is ECOG 2 in the usual table, ECOG 3 in Ma 2010 and Prasad 2018; spec §5, A-G1),
so the app asks for both.
"""

from __future__ import annotations

from types import MappingProxyType

from scoring.sources import KARNOFSKY_1949, OKEN_1982

KPS_SOURCE = KARNOFSKY_1949
ECOG_SOURCE = OKEN_1982

#: Karnofsky performance status, % (accepted: 10–100 in steps of 10; 0 = dead is rejected).
KPS_DEFINITIONS = MappingProxyType(
    {
        100: "Normal; no complaints; no evidence of disease.",
        90: "Able to carry on normal activity; minor signs or symptoms of disease.",
        80: "Normal activity with effort; some signs or symptoms of disease.",
        70: "Cares for self; unable to carry on normal activity or to do active work.",
        60: "Requires occasional assistance, but is able to care for most personal needs.",
        50: "Requires considerable assistance and frequent medical care.",
        40: "Disabled; requires special care and assistance.",
        30: "Severely disabled; hospital admission is indicated although death not imminent.",
        20: "Very sick; hospital admission necessary; active supportive treatment necessary.",
        10: "Moribund; fatal processes progressing rapidly.",
    }
)

#: ECOG performance status (accepted: 0–4; 5 = dead is rejected). Oken 1982 wording.
ECOG_DEFINITIONS = MappingProxyType(
    {
        0: "Fully active, able to carry on all pre-disease performance without restriction.",
        1: "Restricted in physically strenuous activity but ambulatory and able to carry out "
        "work of a light or sedentary nature (e.g. light housework, office work).",
        2: "Ambulatory and capable of all self-care but unable to carry out any work "
        "activities; up and about more than 50 % of waking hours.",
        3: "Capable of only limited self-care; confined to bed or chair more than 50 % of "
        "waking hours.",
        4: "Completely disabled; cannot carry on any self-care; totally confined to bed or chair.",
    }
)
