"""投影 (the projector page, for meetings; UI only: the walk and summaries are in geo.projector).

High-contrast theme scoped to the page (injected only there), sidebar hidden, a map that fills
the viewport with title and legend on it, a guided walk with buttons and ← → keys, and charts.
"""
from __future__ import annotations

import streamlit as st

from geo import i18n
from geo.contract import STATUSES
from geo.i18n import t
from geo.mapview.basemaps import available as available_basemaps
from geo.mapview.styles import status_colour
from geo.projector import MODES, Step, StepSummary, build_steps, clamp_index, meeting_title, summarise
from geo.projector import charts
from geo.projector.map import step_map
from geo.app.state import Keys

MODE = Keys.PROJ_MODE
STEP = Keys.PROJ_STEP
BASEMAP = Keys.PROJ_BASEMAP
PREV = Keys.PROJ_PREV     # st.button keys: the page's keyboard script clicks .st-key-<key> button
NEXT = Keys.PROJ_NEXT
SCOPE = Keys.PROJ_SCOPE   # st.container key → CSS class st-key-projector

# Height of the controls row above the map; the map takes the rest of the viewport.
CHROME_PX = 92

THEME_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {{display:none!important}}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{background:{charts.BACKGROUND}!important}}
[data-testid="stMainBlockContainer"], .block-container {{padding:8px 18px 12px 18px!important;max-width:100%!important}}
.st-key-{SCOPE} {{--proj-font:clamp(17px,1.45vw,30px);color:{charts.FOREGROUND};font-size:var(--proj-font)}}
.st-key-{SCOPE} p, .st-key-{SCOPE} li, .st-key-{SCOPE} label, .st-key-{SCOPE} span, .st-key-{SCOPE} div,
.st-key-{SCOPE} td, .st-key-{SCOPE} th {{color:{charts.FOREGROUND};font-size:var(--proj-font)!important;line-height:1.35}}
.st-key-{SCOPE} h2 {{color:#FFD400!important;font-size:clamp(24px,2.2vw,44px)!important;padding:0 0 .2em 0!important}}
.st-key-{SCOPE} h3 {{color:#FFD400!important;font-size:clamp(19px,1.6vw,32px)!important;padding:.5em 0 .2em 0!important}}
.st-key-{SCOPE} h2 *, .st-key-{SCOPE} h3 * {{font-size:inherit!important;color:inherit!important}}
.st-key-{SCOPE} button {{min-height:2.1em;font-weight:bold;
  background:#1F2A36!important;color:#FFF!important;border:2px solid #FFD400!important}}
.st-key-{SCOPE} button p, .st-key-{SCOPE} button div, .st-key-{SCOPE} button span {{
  font-size:clamp(17px,1.4vw,28px)!important;font-weight:bold;color:#FFF!important}}
.st-key-{SCOPE} button[kind="segmented_controlActive"], .st-key-{SCOPE} button[aria-checked="true"] {{
  background:#FFD400!important;color:#000!important}}
.st-key-{SCOPE} button[kind="segmented_controlActive"] p,
.st-key-{SCOPE} button[kind="segmented_controlActive"] span {{color:#000!important}}
.st-key-{SCOPE} [data-baseweb="select"] > div {{background:#1F2A36;color:#FFF;border:2px solid #FFD400}}
.st-key-{SCOPE} [data-baseweb="select"] div {{font-size:clamp(15px,1.2vw,24px)!important}}
.st-key-{SCOPE} [data-baseweb="select"] svg {{fill:#FFF}}
.st-key-{SCOPE} iframe[title="streamlit_folium.st_folium"] {{height:calc(100vh - {CHROME_PX}px)!important;
  min-height:380px;border:3px solid #FFD400;border-radius:6px}}
.st-key-{Keys.PROJ_SUMMARY} {{max-height:calc(100vh - {CHROME_PX}px);overflow-y:auto;padding-right:6px}}
.st-key-{SCOPE} div.geo-step {{font-weight:bold;text-align:center;color:#FFD400;font-size:clamp(18px,1.6vw,32px)!important}}
.st-key-{SCOPE} .geo-chip {{display:flex;align-items:center;gap:.45em;margin:.15em 0}}
.st-key-{SCOPE} .geo-chip i {{display:inline-block;width:1.1em;height:1.1em;border-radius:3px;border:2px solid #FFF}}
.st-key-{SCOPE} .geo-chip b {{min-width:2ch;text-align:right}}
.st-key-{SCOPE} div.geo-big {{font-size:calc(var(--proj-font) * 1.5)!important;font-weight:bold}}
.st-key-{SCOPE} div.geo-unloc {{color:#FFE680}}
.st-key-{SCOPE} table.geo-targets {{border-collapse:collapse;width:100%}}
.st-key-{SCOPE} table.geo-targets td, .st-key-{SCOPE} table.geo-targets th {{border-bottom:1px solid #3A4450;
  padding:.15em .3em;text-align:left;font-size:calc(var(--proj-font) * .85)!important}}
.st-key-{SCOPE} .geo-bar {{background:#3A4450;height:.5em;border-radius:3px;min-width:3em}}
.st-key-{SCOPE} .geo-bar > div {{background:#E69F00;height:100%;border-radius:3px}}
.st-key-{SCOPE} [data-testid="stCaptionContainer"] p {{color:#C8D0D8!important;font-size:calc(var(--proj-font) * .7)!important}}
.st-key-{SCOPE} a[data-testid="stPageLink-NavLink"] {{border:2px solid #888;border-radius:6px}}
</style>
"""

# Clicks the page's own buttons on ← → (and presenter remotes' PageUp/PageDown), from the page and from the
# map's iframe (same origin) once someone has clicked into the map. No data goes into this script.
KEYBOARD_JS = f"""
<script>
(function () {{
  const root = window;
  const click = (key) => {{
    const b = root.document.querySelector('.st-key-' + key + ' button');
    if (b && !b.disabled) b.click();
  }};
  const handler = (e) => {{
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.repeat) return;
    const tag = (e.target && e.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (e.target && e.target.isContentEditable)) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') {{ e.preventDefault(); click('{NEXT}'); }}
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {{ e.preventDefault(); click('{PREV}'); }}
  }};
  if (root.__geoProjectorKeys) root.document.removeEventListener('keydown', root.__geoProjectorKeys, true);
  root.__geoProjectorKeys = handler;
  root.document.addEventListener('keydown', handler, true);
  const hookFrames = () => {{
    for (const f of root.document.querySelectorAll('iframe')) {{
      try {{
        const d = f.contentDocument;
        if (d && !d.__geoProjectorKeys) {{ d.__geoProjectorKeys = true; d.addEventListener('keydown', handler, true); }}
      }} catch (err) {{ /* another origin: not ours */ }}
    }}
  }};
  if (root.__geoProjectorFrames) clearInterval(root.__geoProjectorFrames);
  root.__geoProjectorFrames = setInterval(hookFrames, 1000);
  hookFrames();
}})();
</script>
"""


def _init_state(ctx) -> None:
    ss = st.session_state
    ss.setdefault(MODE, "category")
    ss.setdefault(STEP, 0)
    basemaps = available_basemaps()
    if ss.get(BASEMAP) not in basemaps:
        # A meeting room is often offline: no tiles unless the link asked for a basemap.
        chosen = ctx.state.basemap
        ss[BASEMAP] = chosen if chosen in basemaps and chosen != "osm" else "none"


def _move(delta: int, count: int) -> None:
    ss = st.session_state
    ss[STEP] = max(0, min(int(ss.get(STEP, 0)) + delta, count - 1))


def _reset_step() -> None:
    st.session_state[STEP] = 0
    if st.session_state.get(MODE) not in MODES:  # segmented control deselected: keep a mode
        st.session_state[MODE] = "category"


def controls(ctx, steps: list[Step]) -> int:
    """The walk's controls row; returns the current step index."""
    lang = ctx.lang
    ss = st.session_state
    index = clamp_index(ss.get(STEP, 0), steps)
    ss[STEP] = index
    c_mode, c_prev, c_step, c_next, c_base, c_exit = st.columns([2.6, 1.5, 1.7, 1.5, 2.0, 1.3],
                                                                  vertical_alignment="center")
    with c_mode:
        st.segmented_control(t("walk_by", lang), list(MODES), key=MODE, on_change=_reset_step,
                             format_func=lambda m: t("by_" + m, lang), label_visibility="collapsed")
    c_prev.button(t("prev", lang), key=PREV, on_click=_move, args=(-1, len(steps)), disabled=index == 0,
                  width="stretch")
    c_step.markdown(f'<div class="geo-step">{t("step_of", lang, i=index + 1, n=len(steps))}</div>',
                    unsafe_allow_html=True)
    c_next.button(t("next", lang), key=NEXT, on_click=_move, args=(1, len(steps)),
                  disabled=index >= len(steps) - 1, width="stretch")
    basemaps = available_basemaps()
    c_base.selectbox(i18n.t("basemap", lang), list(basemaps), key=BASEMAP, label_visibility="collapsed",
                     format_func=lambda k: i18n.t(basemaps[k].label_key, lang))
    map_page = ss.get(Keys.MAP_PAGE)
    if map_page is not None:
        c_exit.page_link(map_page, label=t("exit_projector", lang), icon=":material/close:")
    return index


def _esc(text) -> str:
    import html
    return html.escape(str(text), quote=True)


def _num(v) -> str:
    if v is None:
        return "—"
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def summary_html(step: Step, summary: StepSummary, lang: str, *, max_names: int = 8, max_targets: int = 8) -> str:
    """The step's summary as escaped HTML (every data string escaped)."""
    parts = [f"<h2>{_esc(step.label(lang))}</h2>",
             f'<div class="geo-big">{_esc(t("items_n", lang, n=summary.total))}</div>']
    for s in STATUSES:
        n = summary.by_status.get(s, 0)
        if n:
            parts.append(f'<div class="geo-chip"><i style="background:{status_colour(s)}"></i><b>{n}</b>'
                         f'<span>{_esc(i18n.status_label(s, lang))}</span></div>')
    parts.append(f'<div>{_esc(t("located_n", lang, n=summary.located))}</div>')
    if summary.unlocated:
        names = "、".join(summary.unlocated_names[:max_names]) + ("…" if len(summary.unlocated_names) > max_names else "")
        parts.append(f'<div class="geo-unloc">{_esc(t("unlocated_n", lang, n=summary.unlocated))}：{_esc(names)}</div>')
    parts.append(f"<h3>{_esc(t('targets', lang))}</h3>")
    if not summary.targets:
        parts.append(f"<div>{_esc(t('no_targets', lang))}</div>")
    else:
        rows = [f"<tr><th>{_esc(i18n.t('name', lang))}</th><th>{_esc(t('target', lang))}</th>"
                f"<th>{_esc(t('done', lang))}</th><th>{_esc(t('rate', lang))}</th></tr>"]
        for r in summary.targets[:max_targets]:
            pct = r.fraction
            bar = (f'<div class="geo-bar"><div style="width:{pct * 100:.0f}%"></div></div>{pct * 100:.0f}%'
                   if pct is not None else _esc(t("no_progress", lang)))
            rows.append(f"<tr><td>{_esc(r.name)}</td><td>{_esc(_num(r.target) + r.unit)}</td>"
                        f"<td>{_esc(_num(r.done) + (r.unit if r.done is not None else ''))}</td><td>{bar}</td></tr>")
        parts.append('<table class="geo-targets">' + "".join(rows) + "</table>")
        if len(summary.targets) > max_targets:
            parts.append(f"<div>… {len(summary.targets) - max_targets}</div>")
        parts.append(totals_html(summary, lang))
    return "\n".join(parts)


def total_text(total, lang: str) -> str:
    """「道路 12 公里（已完成 1.5 公里，1 项有进度）」: one category's targets in one unit (plain text)."""
    head = t("proj_total_part", lang, label=total.label(lang), target=_num(total.target), unit=total.unit)
    tail = (t("proj_total_done", lang, done=_num(total.done), unit=total.unit, n=total.with_progress)
            if total.with_progress else t("proj_total_no_progress", lang))
    return f"{head}（{tail}）" if lang != "en" else f"{head} ({tail})"


def totals_html(summary: StepSummary, lang: str) -> str:
    """合计 per category and unit (never across units), and how many targets had no unit (escaped HTML)."""
    sep = "：" if lang != "en" else ": "
    parts = []
    if summary.totals:
        rows = "".join(f'<div class="geo-total">{_esc(total_text(x, lang))}</div>' for x in summary.totals)
        parts.append(f'<div class="geo-totals"><b>{_esc(t("proj_totals_head", lang) + sep)}</b>{rows}</div>')
    if summary.no_unit:
        parts.append(f'<div class="geo-no-unit">{_esc(t("proj_no_unit", lang, n=summary.no_unit))}</div>')
    return "\n".join(parts)


def charts_section(features: list[dict], lang: str) -> None:
    st.markdown(f"### {t('charts', lang)}")
    font = 20
    c1, c2, c3 = st.columns(3)
    with c1:
        st.altair_chart(charts.status_category_chart(features, lang, font), theme=None, width="stretch")
    with c2:
        st.altair_chart(charts.area_chart(features, lang, font), theme=None, width="stretch")
    with c3:
        if charts.target_rows(features, lang):
            st.altair_chart(charts.targets_chart(features, lang, font), theme=None, width="stretch")
        else:
            st.markdown(t("no_targets", lang))


def render(ctx) -> None:
    """The whole projector page for this run's context (filter from the URL state)."""
    from streamlit_folium import st_folium

    lang = ctx.lang
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.html(THEME_CSS)
    _init_state(ctx)
    features = ctx.filtered
    with st.container(key=SCOPE):
        steps = build_steps(features, by=st.session_state.get(MODE) or "category")
        index = controls(ctx, steps)
        step = steps[index]
        summary = summarise(step.features)
        basemap = available_basemaps()[st.session_state[BASEMAP]]
        title = f"{meeting_title(ctx.features, lang)} · {step.label(lang)}"
        sub = " · ".join(x for x in (t("step_of", lang, i=index + 1, n=len(steps)), t("items_n", lang, n=summary.total),
                                      summary.status_line(lang)) if x)
        left, right = st.columns([3.1, 1], gap="small")
        with left:
            m = step_map(step, ctx.places, basemap=basemap, title=title, subtitle=sub, lang=lang,
                         all_categories=[(f.get("properties") or {}).get("category") for f in features])
            st_folium(m, key=Keys.projector_map(st.session_state.get(MODE), index, basemap.key, len(features)),
                      height=700, use_container_width=True, returned_objects=[])
        with right:
            with st.container(key=Keys.PROJ_SUMMARY):
                if not features:
                    st.markdown(t("empty_walk", lang))
                st.markdown(summary_html(step, summary, lang), unsafe_allow_html=True)
                st.caption(t("keys_hint", lang))
        charts_section(features, lang)
    st.html(KEYBOARD_JS, unsafe_allow_javascript=True)


__all__ = ["render", "summary_html", "totals_html", "total_text", "controls", "charts_section", "THEME_CSS", "KEYBOARD_JS",
           "MODE", "STEP", "BASEMAP", "PREV", "NEXT"]
