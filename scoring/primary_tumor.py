"""The primary tumor: one choice that feeds both Tokuhashi and Katagiri (spec §8).

Tokuhashi (2005) scores the primary by **organ**; Katagiri (2014) by **growth**, i.e. by
how treatable the disease still is. One vocabulary carries both, so the two scores can
never disagree about what tumor the patient has. Readings users must see (spec §8, A-T3,
A-K1): colon is "others" in Tokuhashi (only rectum is listed); carcinoid's Katagiri group
is not named in accessible sources ("others" → moderate); the Katagiri group of ovary,
endometrium, cervix, gallbladder and other urological cancers rests on recollection of the
2014 table and is marked unverified.
"""

from __future__ import annotations

from typing import Self

from scoring.options import CodedEnum, ScoredOption
from scoring.sources import KATAGIRI_2014, KATAGIRI_2014_RECOLLECTION, TOKUHASHI_2005, Source


class TokuhashiPrimary(ScoredOption):
    """Revised Tokuhashi item 5, primary site of the cancer (Tokuhashi 2005)."""

    LUNG_ETC = (
        "lung_osteosarcoma_stomach_bladder_esophagus_pancreas",
        0,
        "Lung, osteosarcoma, stomach, bladder, esophagus, pancreas",
        TOKUHASHI_2005,
    )
    LIVER_ETC = (
        "liver_gallbladder_unidentified",
        1,
        "Liver, gallbladder, unidentified",
        TOKUHASHI_2005,
    )
    OTHERS = ("others", 2, "Others", TOKUHASHI_2005)
    KIDNEY_UTERUS = ("kidney_uterus", 3, "Kidney, uterus", TOKUHASHI_2005)
    RECTUM = ("rectum", 4, "Rectum", TOKUHASHI_2005)
    THYROID_ETC = (
        "thyroid_breast_prostate_carcinoid",
        5,
        "Thyroid, breast, prostate, carcinoid tumor",
        TOKUHASHI_2005,
    )


class KatagiriGrowth(ScoredOption):
    """New Katagiri factor 1, primary lesion by growth (Katagiri 2014)."""

    SLOW = ("slow", 0, "Slow growth", KATAGIRI_2014)
    MODERATE = ("moderate", 2, "Moderate growth", KATAGIRI_2014)
    RAPID = ("rapid", 3, "Rapid growth", KATAGIRI_2014)


T = TokuhashiPrimary
K = KatagiriGrowth
_VERIFIED = KATAGIRI_2014
_RECALLED = KATAGIRI_2014_RECOLLECTION


class PrimaryTumor(CodedEnum):
    """Spec §8: code, tumor, Tokuhashi category, Katagiri group and that group's source."""

    _label: str
    _tokuhashi: TokuhashiPrimary
    _katagiri: KatagiriGrowth
    _katagiri_source: Source
    _reading: str

    def __new__(
        cls,
        code: str,
        label: str,
        tokuhashi: TokuhashiPrimary,
        katagiri: KatagiriGrowth,
        katagiri_source: Source,
        reading: str = "",
    ) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label
        member._tokuhashi = tokuhashi
        member._katagiri = katagiri
        member._katagiri_source = katagiri_source
        member._reading = reading
        return member

    @property
    def label(self) -> str:
        return self._label

    @property
    def tokuhashi(self) -> TokuhashiPrimary:
        return self._tokuhashi

    @property
    def katagiri(self) -> KatagiriGrowth:
        return self._katagiri

    @property
    def katagiri_source(self) -> Source:
        return self._katagiri_source

    @property
    def katagiri_verified(self) -> bool:
        return self._katagiri_source is _VERIFIED

    @property
    def reading(self) -> str:
        """The project's reading of an ambiguous mapping, shown to users; empty if none."""
        return self._reading

    LUNG_TARGETED = (
        "lung_targeted",
        "Lung cancer treated with molecularly targeted therapy",
        T.LUNG_ETC,
        K.MODERATE,
        _VERIFIED,
        "Katagiri: targeted therapy actually given or planned (EGFR-TKI, ALK inhibitor) counts;"
        " immunotherapy alone does not.",
    )
    LUNG_UNTARGETED = (
        "lung_untargeted",
        "Lung cancer without molecularly targeted therapy",
        T.LUNG_ETC,
        K.RAPID,
        _VERIFIED,
    )
    OSTEOSARCOMA = ("osteosarcoma", "Osteosarcoma", T.LUNG_ETC, K.MODERATE, _VERIFIED)
    STOMACH = ("stomach", "Gastric cancer", T.LUNG_ETC, K.RAPID, _VERIFIED)
    BLADDER = ("bladder", "Bladder cancer", T.LUNG_ETC, K.RAPID, _RECALLED)
    ESOPHAGUS = ("esophagus", "Esophageal cancer", T.LUNG_ETC, K.RAPID, _VERIFIED)
    PANCREAS = ("pancreas", "Pancreatic cancer", T.LUNG_ETC, K.RAPID, _VERIFIED)
    LIVER = ("liver", "Hepatocellular carcinoma", T.LIVER_ETC, K.RAPID, _VERIFIED)
    GALLBLADDER = ("gallbladder", "Gallbladder cancer", T.LIVER_ETC, K.RAPID, _RECALLED)
    UNKNOWN_PRIMARY = (
        "unknown_primary",
        "Primary not identified",
        T.LIVER_ETC,
        K.RAPID,
        _VERIFIED,
        "The cohort study files a primary found only after the spinal metastasis as unknown.",
    )
    KIDNEY = ("kidney", "Renal cell carcinoma", T.KIDNEY_UTERUS, K.MODERATE, _VERIFIED)
    UTERUS_BODY = ("uterus_body", "Endometrial cancer", T.KIDNEY_UTERUS, K.MODERATE, _RECALLED)
    UTERUS_CERVIX = ("uterus_cervix", "Cervical cancer", T.KIDNEY_UTERUS, K.RAPID, _RECALLED)
    RECTUM = ("rectum", "Rectal cancer", T.RECTUM, K.RAPID, _VERIFIED)
    COLON = (
        "colon",
        "Colon cancer",
        T.OTHERS,
        K.RAPID,
        _VERIFIED,
        "Tokuhashi lists only rectum (4 points); colon is scored as 'others' (2), a reading "
        "some calculators do not follow.",
    )
    THYROID = ("thyroid", "Thyroid cancer", T.THYROID_ETC, K.SLOW, _VERIFIED)
    BREAST_HORMONE_DEPENDENT = (
        "breast_hormone_dependent",
        "Breast cancer, hormone-dependent",
        T.THYROID_ETC,
        K.SLOW,
        _VERIFIED,
    )
    BREAST_HORMONE_INDEPENDENT = (
        "breast_hormone_independent",
        "Breast cancer, hormone-independent",
        T.THYROID_ETC,
        K.MODERATE,
        _VERIFIED,
        "HER2-positive, ER/PR-negative breast cancer is hormone-independent literally.",
    )
    PROSTATE_HORMONE_DEPENDENT = (
        "prostate_hormone_dependent",
        "Prostate cancer, hormone-dependent",
        T.THYROID_ETC,
        K.SLOW,
        _VERIFIED,
    )
    PROSTATE_HORMONE_INDEPENDENT = (
        "prostate_hormone_independent",
        "Prostate cancer, hormone-independent (castration-resistant)",
        T.THYROID_ETC,
        K.MODERATE,
        _VERIFIED,
    )
    CARCINOID = (
        "carcinoid",
        "Carcinoid / neuroendocrine tumor",
        T.THYROID_ETC,
        K.MODERATE,
        _RECALLED,
        "Katagiri does not name carcinoid in accessible sources; scored as 'others' (moderate).",
    )
    MYELOMA = ("myeloma", "Multiple myeloma", T.OTHERS, K.SLOW, _VERIFIED)
    LYMPHOMA = ("lymphoma", "Malignant lymphoma", T.OTHERS, K.SLOW, _VERIFIED)
    OVARY = ("ovary", "Ovarian cancer", T.OTHERS, K.MODERATE, _RECALLED)
    HEAD_AND_NECK = ("head_and_neck", "Head and neck cancer", T.OTHERS, K.RAPID, _VERIFIED)
    MELANOMA = ("melanoma", "Melanoma", T.OTHERS, K.RAPID, _VERIFIED)
    SARCOMA_OTHER = (
        "sarcoma_other",
        "Sarcoma other than osteosarcoma",
        T.OTHERS,
        K.MODERATE,
        _VERIFIED,
    )
    OTHER_UROLOGICAL = (
        "other_urological",
        "Urothelial cancer of renal pelvis, ureter or urethra",
        T.OTHERS,
        K.RAPID,
        _RECALLED,
        "Tokuhashi names bladder (0) and kidney (3) only; renal pelvis, ureter and urethra are "
        "scored as 'others'.",
    )
    OTHER = ("other", "Any other primary", T.OTHERS, K.MODERATE, _RECALLED)
