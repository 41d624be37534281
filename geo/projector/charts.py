"""Summary charts for a meeting (Altair; Streamlit ships Altair and its Vega runtime, nothing from a CDN).

The row builders are plain and tested on their own; the chart builders only style them
for a projector: large labels, light text on a dark background, the map's status colours.
"""
from __future__ import annotations

from typing import Iterable

from geo import i18n
from geo.contract import CATEGORIES, STATUSES
from geo.field import progress_of
from geo.mapview.styles import status_colour
from geo.projector import area_order

# Projector palette (the page's theme in geo.app.projector uses the same values).
BACKGROUND = "#101418"
FOREGROUND = "#FFFFFF"
GRID = "#3A4450"


def status_category_rows(features: Iterable[dict], lang: str = "zh") -> list[dict]:
    """One row per (category, status) with items: {category, status, count, order}."""
    counts: dict[tuple[str, str], int] = {}
    for f in features:
        p = f.get("properties") or {}
        key = (p.get("category") or "other", p.get("status") or "planned")
        counts[key] = counts.get(key, 0) + 1
    cat_rank = {c: i for i, c in enumerate(CATEGORIES)}
    st_rank = {s: i for i, s in enumerate(STATUSES)}
    rows = [{"category": i18n.category_label(c, lang), "status": i18n.status_label(s, lang), "count": n,
             "cat_order": cat_rank.get(c, 99), "status_order": st_rank.get(s, 99)}
            for (c, s), n in counts.items()]
    return sorted(rows, key=lambda r: (r["cat_order"], r["status_order"]))


def area_rows(features: Iterable[dict], lang: str = "zh") -> list[dict]:
    """One row per (area, status) with items: {area, status, count, area_order}."""
    counts: dict[tuple[str, str], int] = {}
    for f in features:
        p = f.get("properties") or {}
        key = (p.get("area") or "", p.get("status") or "planned")
        counts[key] = counts.get(key, 0) + 1
    rank = {a: i for i, a in enumerate(area_order({a for a, _ in counts}))}
    st_rank = {s: i for i, s in enumerate(STATUSES)}
    rows = [{"area": i18n.area_label(a or None, lang), "status": i18n.status_label(s, lang), "count": n,
             "area_order": rank[a], "status_order": st_rank.get(s, 99)} for (a, s), n in counts.items()]
    return sorted(rows, key=lambda r: (r["area_order"], r["status_order"]))


def target_rows(features: Iterable[dict], lang: str = "zh") -> list[dict]:
    """Items with a quantity target: {name, unit, target, done, percent}. Percent is of the item's own target,
    so items with different units share one axis (0–100 %)."""
    rows = []
    for f in features:
        prog = progress_of(f)
        if prog.target is None or not prog.target:
            continue
        name = str((f.get("properties") or {}).get("name") or f.get("id"))
        done = prog.done if prog.done is not None else 0
        rows.append({"name": name, "unit": prog.unit or "", "target": prog.target, "done": prog.done,
                     "percent": round(min(100.0, 100.0 * done / prog.target), 1),
                     "label": f"{_num(done)}/{_num(prog.target)}{prog.unit or ''}"})
    return rows


def _num(v) -> str:
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def _status_scale(lang: str):
    import altair as alt
    return alt.Scale(domain=[i18n.status_label(s, lang) for s in STATUSES],
                     range=[status_colour(s) for s in STATUSES])


def _style(chart, font_size: int):
    return (chart.configure(background=BACKGROUND, font="Noto Sans CJK SC, Microsoft YaHei, sans-serif")
            .configure_axis(labelColor=FOREGROUND, titleColor=FOREGROUND, gridColor=GRID, domainColor=GRID,
                            tickColor=GRID, labelFontSize=font_size, titleFontSize=font_size, labelLimit=400)
            .configure_legend(labelColor=FOREGROUND, titleColor=FOREGROUND, labelFontSize=font_size,
                              titleFontSize=font_size, orient="bottom", symbolSize=font_size * 12)
            .configure_title(color=FOREGROUND, fontSize=round(font_size * 1.2), anchor="start")
            .configure_view(stroke=None))


def status_category_chart(features, lang: str = "zh", font_size: int = 20):
    import altair as alt
    from geo.i18n import t
    rows = status_category_rows(features, lang)
    chart = alt.Chart(alt.Data(values=rows), title=t("chart_status_category", lang)).mark_bar().encode(
        y=alt.Y("category:N", sort=alt.EncodingSortField("cat_order", op="min"), title=None),
        x=alt.X("count:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status:N", scale=_status_scale(lang), title=i18n.t("status", lang)),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("category:N", title=i18n.t("category", lang)),
                 alt.Tooltip("status:N", title=i18n.t("status", lang)), alt.Tooltip("count:Q", title=t("count", lang))],
    )
    return _style(chart.properties(height=alt.Step(round(font_size * 1.9))), font_size)


def area_chart(features, lang: str = "zh", font_size: int = 20):
    import altair as alt
    from geo.i18n import t
    rows = area_rows(features, lang)
    chart = alt.Chart(alt.Data(values=rows), title=t("chart_area", lang)).mark_bar().encode(
        y=alt.Y("area:N", sort=alt.EncodingSortField("area_order", op="min"), title=None),
        x=alt.X("count:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status:N", scale=_status_scale(lang), title=i18n.t("status", lang)),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("area:N", title=i18n.t("area", lang)),
                 alt.Tooltip("status:N", title=i18n.t("status", lang)), alt.Tooltip("count:Q", title=t("count", lang))],
    )
    return _style(chart.properties(height=alt.Step(round(font_size * 1.9))), font_size)


def targets_chart(features, lang: str = "zh", font_size: int = 20):
    """Done as a share of each item's target (a bar per item, the target is the 100 % rule)."""
    import altair as alt
    from geo.i18n import t
    rows = target_rows(features, lang)
    base = alt.Chart(alt.Data(values=rows), title=t("chart_targets", lang))
    bars = base.mark_bar(color="#E69F00").encode(
        y=alt.Y("name:N", title=None, sort=None),
        x=alt.X("percent:Q", title=t("rate", lang) + " %", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("name:N", title=i18n.t("name", lang)), alt.Tooltip("label:N", title=t("done", lang)),
                 alt.Tooltip("percent:Q", title=t("rate", lang))],
    )
    labels = base.mark_text(align="left", dx=6, color=FOREGROUND, fontSize=font_size).encode(
        y=alt.Y("name:N", sort=None), x="percent:Q", text="label:N")
    return _style(alt.layer(bars, labels).properties(height=alt.Step(round(font_size * 1.9))), font_size)
