"""Router only: page config, intended-use notice, stylesheet and navigation.

Pages live in ``app_pages/`` (not ``pages/``, which Streamlit would auto-discover). The
case is kept in session state by the pages themselves, so this file holds no state.
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
PAGES = HERE / "app_pages"

# No page or navigation icons: Streamlit turns a page's Material icon into the favicon and
# fetches it from fonts.gstatic.com, and the app makes no request beyond the machine.
st.set_page_config(page_title="Cervical spine metastasis calculator", layout="wide")
st.html(HERE / "assets" / "style.css")

pages = [
    st.Page("app_pages/calculator.py", title="Calculator", default=True),
    st.Page("app_pages/tumor_board.py", title="Tumor board"),
]
# Pages other engineers add later: listed here once their file exists, so adding one
# needs no edit of this router.
OPTIONAL_PAGES = (("learn.py", "Learn"), ("model_card.py", "Model card"))
for filename, title in OPTIONAL_PAGES:
    if (PAGES / filename).exists():
        pages.append(st.Page(f"app_pages/{filename}", title=title))

page = st.navigation(pages, position="top")
st.caption(
    "Decision support for reviewing palliative surgery of a cervical spine metastasis: "
    "published scores and a reconstructed model. It informs the team's judgment; it does "
    "not decide whether to operate. Patient values stay in this browser session."
)
page.run()
