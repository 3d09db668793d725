"""Case reports: one :class:`~reports.case_report.CaseReport` laid out as PDF, HTML and FHIR.

``reports.format`` is the one place where a probability, a number or a citation is turned
into words, for the screen and for every report alike. Nothing here imports Streamlit.
"""
