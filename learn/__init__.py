"""Learning content for trainees: the quiz and the traps of each score.

Reads the scoring package (tables, scorers) and never the other way round; no Streamlit.
"""
