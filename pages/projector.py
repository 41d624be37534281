"""投影: projector mode for meetings — high contrast, no sidebar, full-height map, guided walk, charts.

Thin: the walk and summaries are in geo.projector, the Streamlit pieces in geo.ui_projector.
The current filter (URL state) applies, so a filtered link opens the same items on the projector.
"""
import streamlit as st

from geo import ui_app, ui_projector

ctx = ui_app.page_context()
st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
ui_projector.render(ctx)
