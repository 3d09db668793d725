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
CHOICES = {
    "calc_sex": ("Sex", ("Male", "Female")),
    "calc_lesion_level": ("Vertebral level", LEVELS),
    "calc_escc_grade": ("Bilsky ESCC grade", ("0", "1a", "1b", "1c", "2", "3")),
    "calc_frankel": ("Frankel grade", GRADES),
    "calc_primary_tumor": ("Primary tumor", tuple(f"Tumor {i}" for i in range(1, 30))),
    "calc_previous_chemotherapy": ("Previous chemotherapy", ("No", "Yes")),
    "calc_major_organ_mets": ("Major organ metastases", ("None", "Removable", "Unremovable")),
    "calc_visceral_mets": ("Visceral metastases", ("None", "Nodular", "Disseminated")),
    "calc_sins_pain": ("SINS pain", ("Mechanical", "Occasional", "None")),
    "calc_sins_bone_lesion": ("SINS bone lesion", ("Lytic", "Mixed", "Blastic")),
    "calc_sins_alignment": ("SINS alignment", ("Subluxation", "Deformity", "Normal")),
    "calc_sins_collapse": ("SINS collapse", ("> 50 %", "< 50 %", "> 50 % involved", "None")),
    "calc_sins_posterolateral": ("SINS posterolateral", ("Bilateral", "Unilateral", "None")),
    "calc_progressive_neurological_deficit": ("Progressive deficit", ("No", "Yes")),
    "calc_intractable_pain": ("Intractable pain", ("No", "Yes")),
    "calc_impaired_consciousness_cerebral_mets": ("Impaired consciousness", ("No", "Yes")),
}
NUMBERS = {
    "calc_age_years": ("Age (years)", 18, 120),
    "calc_kps": ("Karnofsky (%)", 10, 100),
    "calc_ecog": ("ECOG", 0, 4),
    "calc_extraspinal_bone_mets": ("Extraspinal bone foci", 0, 999),
    "calc_vertebral_body_mets": ("Vertebral bodies", 1, 29),
    "calc_crp": ("CRP", 0, 1000),
    "calc_ldh": ("LDH", 0, 50000),
    "calc_albumin": ("Albumin", 0, 70),
    "calc_platelets": ("Platelets", 0, 2000),
    "calc_calcium": ("Calcium", 0, 25),
    "calc_bilirubin": ("Bilirubin", 0, 855),
}

st.set_page_config(page_title="Bare page", layout="wide")
st.title("Bare page of the calculator's size")
st.info("The benchmarks' floor: Streamlit alone, no domain code.")

inputs, results = st.columns([3, 2])
values: dict[str, object] = {}
with inputs:
    st.segmented_control(
        "Lab units", ("Conventional", "SI"), default="Conventional", key="calc_lab_units"
    )
    left, right = st.columns(2)
    for index, (key, (label, options)) in enumerate(CHOICES.items()):
        with left if index % 2 == 0 else right:
            values[key] = st.selectbox(label, options, index=None, key=key)
            st.caption(f"Definition of {label.lower()} with its source.")
    for index, (key, (label, low, high)) in enumerate(NUMBERS.items()):
        with left if index % 2 == 0 else right:
            values[key] = st.number_input(
                label, min_value=low, max_value=high, value=None, step=1, key=key
            )
    st.button("Load example case", key="calc_example")
    st.button("Reset", key="calc_reset")

kps = values["calc_kps"]
frankel = values["calc_frankel"]
known = [v for v in values.values() if v is not None]
with results:
    st.metric("Revised Tokuhashi", f"{len(known)}")
    st.metric("New Katagiri", f"{len(known) % 11}")
    st.metric("SINS", f"{len(known) % 19}")
    if isinstance(kps, int) and isinstance(frankel, str):
        probability = (100 - kps) * 0.8 + GRADES.index(frankel) * 3
        st.metric("Poor-outcome probability", f"{probability:.0f} %")
    else:
        st.metric("Poor-outcome probability", "–")
    st.caption("Fitted to a pseudo-cohort; not externally validated (bare page).")
    for item in range(12):
        st.write(f"Item {item + 1}: points and the published meaning of its band.")
