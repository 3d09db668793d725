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

from i18n import N_
from scoring.options import CodedEnum, ScoredOption
from scoring.sources import KATAGIRI_2014, KATAGIRI_2014_RECOLLECTION, TOKUHASHI_2005, Source


class TokuhashiPrimary(ScoredOption):
    """Revised Tokuhashi item 5, primary site of the cancer (Tokuhashi 2005)."""

    LUNG_ETC = (
        "lung_osteosarcoma_stomach_bladder_esophagus_pancreas",
        0,
        N_("Lung, osteosarcoma, stomach, bladder, esophagus, pancreas"),
        TOKUHASHI_2005,
    )
    LIVER_ETC = (
        "liver_gallbladder_unidentified",
        1,
        N_("Liver, gallbladder, unidentified"),
        TOKUHASHI_2005,
    )
    OTHERS = ("others", 2, N_("Others"), TOKUHASHI_2005)
    KIDNEY_UTERUS = ("kidney_uterus", 3, N_("Kidney, uterus"), TOKUHASHI_2005)
    RECTUM = ("rectum", 4, N_("Rectum"), TOKUHASHI_2005)
    THYROID_ETC = (
        "thyroid_breast_prostate_carcinoid",
        5,
        N_("Thyroid, breast, prostate, carcinoid tumor"),
        TOKUHASHI_2005,
    )


class KatagiriGrowth(ScoredOption):
    """New Katagiri factor 1, primary lesion by growth (Katagiri 2014)."""

    SLOW = ("slow", 0, N_("Slow growth"), KATAGIRI_2014)
    MODERATE = ("moderate", 2, N_("Moderate growth"), KATAGIRI_2014)
    RAPID = ("rapid", 3, N_("Rapid growth"), KATAGIRI_2014)


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
        N_("Lung cancer treated with molecularly targeted therapy"),
        T.LUNG_ETC,
        K.MODERATE,
        _VERIFIED,
        N_(
            "Katagiri: targeted therapy actually given or planned (EGFR-TKI, ALK inhibitor) counts;"
            " immunotherapy alone does not."
        ),
    )
    LUNG_UNTARGETED = (
        "lung_untargeted",
        N_("Lung cancer without molecularly targeted therapy"),
        T.LUNG_ETC,
        K.RAPID,
        _VERIFIED,
    )
    OSTEOSARCOMA = ("osteosarcoma", N_("Osteosarcoma"), T.LUNG_ETC, K.MODERATE, _VERIFIED)
    STOMACH = ("stomach", N_("Gastric cancer"), T.LUNG_ETC, K.RAPID, _VERIFIED)
    BLADDER = ("bladder", N_("Bladder cancer"), T.LUNG_ETC, K.RAPID, _RECALLED)
    ESOPHAGUS = ("esophagus", N_("Esophageal cancer"), T.LUNG_ETC, K.RAPID, _VERIFIED)
    PANCREAS = ("pancreas", N_("Pancreatic cancer"), T.LUNG_ETC, K.RAPID, _VERIFIED)
    LIVER = ("liver", N_("Hepatocellular carcinoma"), T.LIVER_ETC, K.RAPID, _VERIFIED)
    GALLBLADDER = ("gallbladder", N_("Gallbladder cancer"), T.LIVER_ETC, K.RAPID, _RECALLED)
    UNKNOWN_PRIMARY = (
        "unknown_primary",
        N_("Primary not identified"),
        T.LIVER_ETC,
        K.RAPID,
        _VERIFIED,
        N_("The cohort study files a primary found only after the spinal metastasis as unknown."),
    )
    KIDNEY = ("kidney", N_("Renal cell carcinoma"), T.KIDNEY_UTERUS, K.MODERATE, _VERIFIED)
    UTERUS_BODY = ("uterus_body", N_("Endometrial cancer"), T.KIDNEY_UTERUS, K.MODERATE, _RECALLED)
    UTERUS_CERVIX = ("uterus_cervix", N_("Cervical cancer"), T.KIDNEY_UTERUS, K.RAPID, _RECALLED)
    RECTUM = ("rectum", N_("Rectal cancer"), T.RECTUM, K.RAPID, _VERIFIED)
    COLON = (
        "colon",
        N_("Colon cancer"),
        T.OTHERS,
        K.RAPID,
        _VERIFIED,
        N_(
            "Tokuhashi lists only rectum (4 points); colon is scored as 'others' (2), a reading "
            "some calculators do not follow."
        ),
    )
    THYROID = ("thyroid", N_("Thyroid cancer"), T.THYROID_ETC, K.SLOW, _VERIFIED)
    BREAST_HORMONE_DEPENDENT = (
        "breast_hormone_dependent",
        N_("Breast cancer, hormone-dependent"),
        T.THYROID_ETC,
        K.SLOW,
        _VERIFIED,
    )
    BREAST_HORMONE_INDEPENDENT = (
        "breast_hormone_independent",
        N_("Breast cancer, hormone-independent"),
        T.THYROID_ETC,
        K.MODERATE,
        _VERIFIED,
        N_("HER2-positive, ER/PR-negative breast cancer is hormone-independent literally."),
    )
    PROSTATE_HORMONE_DEPENDENT = (
        "prostate_hormone_dependent",
        N_("Prostate cancer, hormone-dependent"),
        T.THYROID_ETC,
        K.SLOW,
        _VERIFIED,
    )
    PROSTATE_HORMONE_INDEPENDENT = (
        "prostate_hormone_independent",
        N_("Prostate cancer, hormone-independent (castration-resistant)"),
        T.THYROID_ETC,
        K.MODERATE,
        _VERIFIED,
    )
    CARCINOID = (
        "carcinoid",
        N_("Carcinoid / neuroendocrine tumor"),
        T.THYROID_ETC,
        K.MODERATE,
        _RECALLED,
        N_(
            "Katagiri does not name carcinoid in accessible sources; scored as 'others' (moderate)."
        ),
    )
    MYELOMA = ("myeloma", N_("Multiple myeloma"), T.OTHERS, K.SLOW, _VERIFIED)
    LYMPHOMA = ("lymphoma", N_("Malignant lymphoma"), T.OTHERS, K.SLOW, _VERIFIED)
    OVARY = ("ovary", N_("Ovarian cancer"), T.OTHERS, K.MODERATE, _RECALLED)
    HEAD_AND_NECK = ("head_and_neck", N_("Head and neck cancer"), T.OTHERS, K.RAPID, _VERIFIED)
    MELANOMA = ("melanoma", N_("Melanoma"), T.OTHERS, K.RAPID, _VERIFIED)
    SARCOMA_OTHER = (
        "sarcoma_other",
        N_("Sarcoma other than osteosarcoma"),
        T.OTHERS,
        K.MODERATE,
        _VERIFIED,
    )
    OTHER_UROLOGICAL = (
        "other_urological",
        N_("Urothelial cancer of renal pelvis, ureter or urethra"),
        T.OTHERS,
        K.RAPID,
        _RECALLED,
        N_(
            "Tokuhashi names bladder (0) and kidney (3) only; renal pelvis, ureter and urethra are "
            "scored as 'others'."
        ),
    )
    OTHER = ("other", N_("Any other primary"), T.OTHERS, K.MODERATE, _RECALLED)
