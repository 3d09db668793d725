"""Router only: server guards, page config, intended-use notice, stylesheet and navigation.

Pages live in ``app_pages/`` (not ``pages/``, which Streamlit would auto-discover). The
case is kept in session state by the pages themselves, so this file holds no state.
``server_guard.harden`` runs first on every run (it is idempotent): no address lookups
leave the machine, and report downloads are served once (see ``SECURITY.md``).
"""

from pathlib import Path

import streamlit as st

from app_pages.server_guard import harden
from app_pages.ui import language
from app_pages.ui.notice import INTENDED_USE, PRIVACY

HERE = Path(__file__).resolve().parent

harden()

# No page or navigation icons: Streamlit turns a page's Material icon into the favicon and
# fetches it from fonts.gstatic.com, and the app makes no request beyond the machine.
_ = language.session_translator()
st.set_page_config(page_title=_("Cervical spine metastasis calculator"), layout="wide")
st.html(HERE / "assets" / "style.css")
language.mark_document(language.current())
# The notice and this session's language switch (English | 日本語) share the first row.
notice_column, language_column = st.columns([5, 1], vertical_alignment="center")
with language_column:
    _ = language.switch()

page = st.navigation(
    [
        st.Page("app_pages/calculator.py", title=_("Calculator"), default=True),
        st.Page("app_pages/tumor_board.py", title=_("Tumor board")),
        st.Page("app_pages/learn.py", title=_("Learn")),
        st.Page("app_pages/model_card.py", title=_("Model card")),
    ],
    position="top",
)
with notice_column, st.container(key="intended_use"):
    st.caption(_("%(intended_use)s %(privacy)s", intended_use=_(INTENDED_USE), privacy=_(PRIVACY)))
page.run()
