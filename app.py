"""Router only: page config, intended-use notice and navigation (pages live in app_pages/)."""

import streamlit as st

st.set_page_config(page_title="Cervical spine metastasis calculator", layout="wide")
st.title("Cervical spine metastasis: preoperative scores")
st.info(
    "Decision support for surgeons reviewing palliative surgery for cervical spine metastasis. "
    "It computes published scores and a reconstructed model; it does not make the decision."
)
