"""The benchmarks' floor: a bare Streamlit page the size of the calculator, no domain code.

Why it exists: a benchmark figure on a shared 2-core machine means little alone; a ratio
against what Streamlit itself costs for a page of the same size, measured in the same run,
does. This page has the calculator's widget keys (``calc_<field>``) and widget kinds, the
four result metrics with the calculator's labels, and about as many text elements, so the
benchmark scripts drive it with exactly the same interactions. It imports only Streamlit:
whatever the calculator costs beyond this page is the app's own doing.

The "probability" is a trivial function of KPS and Frankel, so that changing either
changes the metric's text as it does in the calculator.
"""

from __future__ import annotations

import streamlit as st

GRADES = ("A", "B", "C", "D", "E")
LEVELS = tuple(f"C{i}" for i in range(1, 8)) + tuple(f"T{i}" for i in range(1, 13))
YES_NO = ("Yes", "No")
# Every choice of the calculator is a selectbox (Karnofsky and ECOG included).
CHOICES = {
    "calc_sex": ("Sex", ("Male", "Female")),
    "calc_lesion_level": ("Vertebral level", LEVELS),
    "calc_escc_grade": ("Bilsky ESCC grade", ("0", "1a", "1b", "1c", "2", "3")),
    "calc_sins_pain": ("SINS pain", ("Mechanical", "Occasional", "None")),
    "calc_sins_bone_lesion": ("SINS bone lesion", ("Lytic", "Mixed", "Blastic")),
    "calc_sins_alignment": ("SINS alignment", ("Subluxation", "Deformity", "Normal")),
    "calc_sins_collapse": ("SINS collapse", ("> 50 %", "< 50 %", "> 50 % involved", "None")),
    "calc_sins_posterolateral": ("SINS posterolateral", ("Bilateral", "Unilateral", "None")),
    "calc_frankel": ("Frankel grade", GRADES),
    "calc_kps": ("Karnofsky (%)", tuple(range(100, 0, -10))),
    "calc_ecog": ("ECOG", (0, 1, 2, 3, 4)),
    "calc_primary_tumor": ("Primary tumor", tuple(f"Tumor {i}" for i in range(1, 30))),
    "calc_previous_chemotherapy": ("Previous chemotherapy", YES_NO),
    "calc_major_organ_mets": ("Major organ metastases", ("None", "Removable", "Unremovable")),
    "calc_visceral_mets": ("Visceral metastases", ("None", "Nodular", "Disseminated")),
    "calc_progressive_neurological_deficit": ("Progressive deficit", YES_NO),
    "calc_intractable_pain": ("Intractable pain", YES_NO),
    "calc_impaired_consciousness_cerebral_mets": ("Impaired consciousness", YES_NO),
}
WHOLE_NUMBERS = {
    "calc_age_years": ("Age (years)", 18, 120),
    "calc_extraspinal_bone_mets": ("Extraspinal bone foci", 0, 999),
    "calc_vertebral_body_mets": ("Vertebral bodies", 1, 29),
}
LABS = {
    "calc_crp": "CRP (mg/dL)",
    "calc_ldh": "LDH (U/L)",
    "calc_albumin": "Albumin (g/dL)",
    "calc_platelets": "Platelets (× 10⁹/L)",
    "calc_calcium": "Calcium (mg/dL)",
    "calc_bilirubin": "Total bilirubin (mg/dL)",
}

st.set_page_config(page_title="Bare page", layout="wide")
st.title("Bare page of the calculator's size")
st.caption("The benchmarks' floor: Streamlit alone, no domain code.")

top, reset = st.columns([3, 1])
top.selectbox("Load an example case", ("Example 1", "Example 2"), index=None, key="calc_example")
reset.button("Reset case", key="calc_reset")
inputs, results = st.columns([1.1, 1])
values: dict[str, object] = {}
with inputs:
    left, right = st.columns(2)
    for index, (key, (label, options)) in enumerate(CHOICES.items()):
        with left if index % 2 == 0 else right:
            values[key] = st.selectbox(label, options, index=None, key=key)
    for index, (key, (label, low, high)) in enumerate(WHOLE_NUMBERS.items()):
        with left if index % 2 == 0 else right:
            values[key] = st.number_input(
                label, min_value=low, max_value=high, value=None, step=1, key=key
            )
    st.segmented_control(
        "Laboratory units", ("Conventional", "SI"), default="Conventional", key="calc_lab_units"
    )
    for column, (key, label) in zip(st.columns(3) * 2, LABS.items(), strict=True):
        with column:
            values[key] = st.number_input(label, min_value=0.0, value=None, key=key)

kps = values["calc_kps"]
frankel = values["calc_frankel"]
known = [v for v in values.values() if v is not None]
with results:
    for column, (label, total) in zip(
        st.columns(3),
        (("Revised Tokuhashi", len(known)), ("New Katagiri", len(known) % 11), ("SINS", 3)),
        strict=True,
    ):
        with column:
            st.metric(label, str(total), border=True)
            st.caption("Band and its published meaning.")
    if isinstance(kps, int) and isinstance(frankel, str):
        probability = (100 - kps) * 0.8 + GRADES.index(frankel) * 3
        st.metric("Poor-outcome probability", f"{probability:.0f} %", border=True)
    else:
        st.metric("Poor-outcome probability", "—", border=True)
    st.caption("Fitted to a pseudo-cohort; not externally validated (bare page).")
    for item in range(36):
        st.write(f"Item {item + 1}: points and the published meaning of its band.")
