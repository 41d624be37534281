"""投影: projector mode for meetings — high contrast, no sidebar, full-height map, guided walk, charts.

Thin: the walk and summaries are in geo.projector, the Streamlit pieces in geo.ui_projector.
The current filter (URL state) applies, so a filtered link opens the same items on the projector.
"""
import streamlit as st

from geo import ui_projector
from geo.ui_state import Keys

if Keys.CONTEXT not in st.session_state:
    # Opened by its own URL on a server whose first session this is (Streamlit still runs pages/ files
    # directly until app.py has declared st.navigation): go through app.py, which hands back on ?projector=1.
    st.switch_page("app.py", query_params={**st.query_params.to_dict(), ui_projector.FLAG: "1"})
st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
ctx = st.session_state[Keys.CONTEXT]
ui_projector.render(ctx)
