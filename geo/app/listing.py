"""列表 (the list page): the filtered items as a sortable table; selected rows show on the map
beside the detail panel; CSV / GeoJSON download of the table."""
from __future__ import annotations

import streamlit as st

from geo import i18n, table
from geo.app import state as app_state
from geo.app.detail import detail_panel
from geo.app.map_panel import show_map
from geo.app.state import Keys
from geo.app.widgets import counts_line, show_problems
from geo.progress import change_words, changes_since_plan


def render(ctx) -> None:
    lang = ctx.lang
    st.title(i18n.t("page_list", lang))
    show_problems(ctx)
    counts_line(ctx)
    st.caption(i18n.t("sort_hint", lang))

    rows = ctx.filtered
    ids = [f.get("id") for f in rows]
    frame = table.items_frame(rows, lang)
    if ctx.state.changed:  # 自规划以来有变化: name each item's change beside its status
        changes = changes_since_plan(rows)
        frame.insert(3, i18n.t("change_col", lang), [change_words(changes.get(f.get("id")), lang) for f in rows])
    event = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="multi-row", key=Keys.list_table(ids),
                         column_config={table.header("id", lang): None})
    picked = [ids[i] for i in event.selection.rows if i < len(ids)]
    if picked and picked != list(ctx.state.selected):
        app_state.select(picked, "list")
        st.rerun()

    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button(i18n.t("download_csv", lang), table.to_csv_bytes(rows, lang), file_name="items.csv",
                       mime="text/csv")
    c2.download_button(i18n.t("download_geojson", lang), table.to_geojson_bytes(rows), file_name="items.geojson",
                       mime="application/geo+json")

    selected = list(ctx.state.selected)
    if selected:
        st.caption(i18n.t("selected_rows", lang, n=len(selected)))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        show_map(ctx, rows, key=Keys.LIST_MAP, height=460, selected=selected, center_on=selected)
    with right:
        detail_panel(ctx, selected[0] if selected else None)


__all__ = ["render"]
