"""SYNTHETIC cohorts for tests and demonstrations: random patients, not real, not published.

Why: fitting, validation and batch scoring must be exercised on files with the
pseudo-cohort's columns before (and independently of) the reconstructed pseudo-cohort.
Every row here is drawn from a seeded random generator; the outcome is drawn from a
logistic model whose odds ratios only resemble Table 4 of Kanda Y et al. (J Orthop Surg
Res 2021;16:423). Nothing produced here describes any patient or any study.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from models.features import FRANKEL_CODES, LESION_CODES

#: Log-odds used to draw the synthetic outcome (roughly Table 4's directions).
SYNTHETIC_COEFFICIENTS: Final[dict[str, float]] = {
    "male": 1.0,
    "revised_tokuhashi": -0.4,
    "new_katagiri": 0.12,
    "lesion_level": 1.6,
    "frankel_grade": -0.6,
}
SYNTHETIC_INTERCEPT: Final = -1.0


def synthetic_cohort(
    n: int = 120,
    seed: int = 0,
    *,
    coefficients: dict[str, float] | None = None,
    intercept: float = SYNTHETIC_INTERCEPT,
) -> Any:  # a pandas DataFrame; pandas is untyped here
    """A SYNTHETIC cohort of ``n`` random patients with the pseudo-cohort's columns."""
    import pandas as pd

    coef = dict(SYNTHETIC_COEFFICIENTS if coefficients is None else coefficients)
    rng = np.random.default_rng(seed)
    sex = rng.choice(["male", "female"], size=n, p=[0.6, 0.4])
    lesion = rng.choice(["upper", "middle", "ctj"], size=n, p=[0.2, 0.4, 0.4])
    frankel = rng.choice(["AB", "CD", "E"], size=n, p=[0.05, 0.6, 0.35])
    ecog = rng.choice([1, 2, 3, 4], size=n, p=[0.05, 0.25, 0.45, 0.25])
    katagiri = np.clip(rng.binomial(10, 0.45, size=n) + (ecog >= 3), 0, 10)
    palsy = np.array([{"AB": 0, "CD": 1, "E": 2}[f] for f in frankel])
    tokuhashi = np.clip(rng.binomial(11, 0.5, size=n) + palsy - 1, 0, 15)
    male = (sex == "male").astype(float)
    level = np.array([LESION_CODES[g] for g in lesion], dtype=float)
    fr = np.array([FRANKEL_CODES[g] for g in frankel], dtype=float)
    eta = (
        intercept
        + coef["male"] * male
        + coef["revised_tokuhashi"] * (tokuhashi - 7)
        + coef["new_katagiri"] * (katagiri - 5)
        + coef["lesion_level"] * (level - 2)
        + coef["frankel_grade"] * (fr - 1)
    )
    poor = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    return pd.DataFrame(
        {
            "case_id": [f"SYN-{seed}-{i + 1:04d}" for i in range(n)],
            "age_years": rng.integers(40, 90, size=n),
            "sex": sex,
            "lesion_group": lesion,
            "frankel_group": frankel,
            "ecog": ecog,
            "escc_group": rng.choice(["low", "high"], size=n, p=[0.3, 0.7]),
            "revised_tokuhashi": tokuhashi.astype(int),
            "new_katagiri": katagiri.astype(int),
            "sins": rng.integers(5, 17, size=n),
            "eq5d_baseline": np.round(rng.uniform(-0.4, 1.0, size=n), 3),
            "preop_chemotherapy": rng.choice(["yes", "no"], size=n),
            "preop_radiotherapy": rng.choice(["yes", "no"], size=n),
            "poor_outcome": poor,
        }
    )
