"""Where every point comes from.

Each scored option, band and cut-off in this package carries one of these sources, so the
app, the reports and the tests can always say *why* a number is what it is. The short ids
(S1 ... S13) are those of ``shared/clinical-spec.md`` section 0, the project's reviewed
specification, which records how far each source can be trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_


@dataclass(frozen=True, slots=True)
class Source:
    """A citable source: a short key, a human citation and, where one exists, a DOI.

    The key is what a page shows; it is an author and year, which no language changes,
    or, for the calculator's own readings and the unverified entries, a marked message
    that a page passes through its translator like any other text.
    """

    key: str
    citation: str
    doi: str | None = None
    note: str = ""

    def __str__(self) -> str:
        doi = f" doi:{self.doi}" if self.doi else ""
        return f"{self.citation}{doi}"


TOKUHASHI_2005 = Source(
    "Tokuhashi 2005",
    "Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. A revised scoring system for "
    "preoperative evaluation of metastatic spine tumor prognosis. Spine 2005;30(19):2186-2191; "
    "table as reproduced with the author's corrections in NICE CG75 (2008) Appendix 3",
    "10.1097/01.brs.0000180401.06919.a5",
    note="DOI not confirmed against the publisher's page in this project's literature check",
)
KATAGIRI_2014 = Source(
    "Katagiri 2014",
    "Katagiri H, Okada R, Takagi T, et al. New prognostic factors and scoring system for "
    "patients with skeletal metastasis. Cancer Med 2014;3(5):1359-1367 (abstract; "
    "factor points and laboratory cut-offs as reproduced in a secondary summary)",
    "10.1002/cam4.292",
)
KATAGIRI_2014_RECOLLECTION = Source(
    N_("Katagiri 2014 (unverified)"),
    "Katagiri 2014, Table of primary-lesion groups: this entry rests on recollection of the "
    "2014 table and is not confirmed by an accessible source",
    "10.1002/cam4.292",
    note="unverified",
)
FISHER_2010 = Source(
    "Fisher 2010",
    "Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for spinal "
    "instability in neoplastic disease: an evidence-based approach and expert consensus from "
    "the Spine Oncology Study Group. Spine 2010;35(22):E1221-E1229 (table as reproduced "
    "verbatim)",
    "10.1097/BRS.0b013e3181e16ae2",
)
FRANKEL_1969 = Source(
    "Frankel 1969",
    "Frankel HL, Hancock DO, Hyslop G, et al. The value of postural reduction in the initial "
    "management of closed injuries of the spine with paraplegia and tetraplegia. Paraplegia "
    "1969;7(3):179-192",
    "10.1038/sc.1969.30",
)
OKEN_1982 = Source(
    "Oken 1982",
    "Oken MM, Creech RH, Tormey DC, et al. Toxicity and response criteria of the Eastern "
    "Cooperative Oncology Group. Am J Clin Oncol 1982;5(6):649-655",
    "10.1097/00000421-198212000-00014",
)
KARNOFSKY_1949 = Source(
    "Karnofsky 1949",
    "Karnofsky DA, Burchenal JH. The clinical evaluation of chemotherapeutic agents in cancer. "
    "In: MacLeod CM, ed. Evaluation of Chemotherapeutic Agents. Columbia Univ Press; 1949:191-205",
)
BILSKY_2010 = Source(
    "Bilsky 2010",
    "Bilsky MH, Laufer I, Fourney DR, et al. Reliability analysis of the epidural spinal cord "
    "compression scale. J Neurosurg Spine 2010;13(3):324-328",
    "10.3171/2010.3.SPINE09459",
)
#: The cohort study (46 patients, palliative posterior surgery, 2013-2018): the one constant
#: every surface cites it by (the model file, the model card and the reports read it too).
COHORT_STUDY = Source(
    "Kanda 2021",
    "Kanda Y, Kakutani K, et al. Surgical outcomes and risk factors for poor outcomes in "
    "patients with cervical spine metastasis: a prospective study. J Orthop Surg Res "
    "2021;16(1):423",
    "10.1186/s13018-021-02562-8",
)
REVIEW = Source(
    "Zwolak and Kröber",
    "Zwolak P, Kröber M. Management of metastatic tumours to the cervical spine. Journal of "
    "Spine (year and DOI not confirmed)",
)
SPEC = Source(
    N_("Calculator's reading"),
    "This calculator's reviewed reading where the sources disagree or are silent",
)
TOMITA_2001 = Source(
    "Tomita 2001",
    "Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. Surgical strategy "
    "for spinal metastases. Spine 2001;26(3):298-306 (items, points and groups as reproduced "
    "in two independent open-source calculators and a hospital form; the paper itself was "
    "not accessible)",
    note="DOI not confirmed; primary text not accessible",
)
TOMITA_2001_RECOLLECTION = Source(
    N_("Tomita 2001 (unverified)"),
    "Tomita 2001, examples of each growth group: this entry rests on recollection of the "
    "paper's figure and is not confirmed by an accessible source",
    note="unverified",
)
LEITHNER_2008 = Source(
    "Leithner 2008",
    "Leithner A, Radl R, Gruber G, et al. Predictive value of seven preoperative prognostic "
    "scoring systems for spinal metastases. Eur Spine J 2008;17(11):1488-1495 (the modified "
    "Bauer score, without the pathological-fracture item of Bauer and Wedin 1995; items and "
    "bands as reproduced in an open-source calculator; abstract seen, full text not)",
    "10.1007/s00586-008-0763-1",
)
GONG_2021 = Source(
    "Gong 2021",
    "Gong Y, Hu J, Wei F, Liu X, Liu Z, Jiang L. Chin J Spine Spinal Cord 2021;(2):97-102 "
    "(abstract; 221 operated patients, 2010-2019)",
)
SCHOENFELD_2022 = Source(
    "Schoenfeld 2022",
    "Schoenfeld AJ, Ferrone ML, Blucher JA, et al. Prospective comparison of the accuracy of "
    "the New England Spinal Metastasis Score to legacy scoring systems. Spine J "
    "2022;22(1):39-48 (abstract; 202 patients, 2017-2019)",
    "10.1016/j.spinee.2021.03.007",
)
CALCULATOR_READING = Source(
    N_("Calculator's reading"),
    "This calculator's reading where the accessible sources are silent or disagree; shown "
    "with the score so that it can be questioned",
)
