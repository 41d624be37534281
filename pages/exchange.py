"""导入导出: downloads of the current filter (every export format, offline HTML map, printable report)
and, for signed-in editors, imports with a preview that writes nothing until 确认导入.

Thin: the Streamlit pieces are in geo.ui_exchange, the logic in geo.export / geo.importer / geo.report.
"""
import streamlit as st

from geo import ui_exchange
from geo.ui_state import Keys

if Keys.CONTEXT not in st.session_state:  # opened directly before app.py ran (see pages/projector.py)
    st.switch_page("app.py", query_params=st.query_params.to_dict())
ui_exchange.render(st.session_state[Keys.CONTEXT])
