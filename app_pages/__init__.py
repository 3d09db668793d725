"""Streamlit pages of the calculator (routed by ``app.py``; not ``pages/``, which Streamlit
would auto-discover and route behind the router's back)."""
