"""The printable report: a map of the filtered items and the item table, as PDF or PNG, offline.

    from geo.report import render_report, render_report_bytes
    paths = render_report(features, "report.pdf", title="东塍镇 2020 年项目", paper="A4")
    pdf_bytes = render_report_bytes(features, "pdf", title=...)    # for a download button

Page 1 is the map: the administrative outline from places.geojson when there is
one (otherwise just the items' extent; no tiles, so it works without internet),
the items coloured by status and numbered as in the table, a legend, north arrow,
scale bar, and a line with the date and data source. The following pages hold the
table; unlocated items are listed there as 未定位 and are not drawn. A PDF is one
multi-page file with the CJK font embedded; PNG writes one file per page
(``OUT.png``, ``OUT-2.png`` …).
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import math
from pathlib import Path

from geo.contract import CATEGORY_LABELS, PRECISION_LABELS, STATUS_LABELS
from geo.query import iter_positions, representative_point
from geo.report.fonts import FontMissing, cjk_family
from geo.report.style import OUTLINE_COLOUR, STATUS_COLOURS, status_colour

__all__ = ["render_report", "render_report_bytes", "ReportError", "PAPERS"]

# Landscape paper sizes in inches.
PAPERS = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}
TABLE_COLUMNS = (("no", "序号", 0.05), ("name", "名称", 0.33), ("category", "类别", 0.09),
                 ("status", "状态", 0.08), ("area", "所属区域", 0.12), ("located", "定位", 0.09),
                 ("quantity", "数量", 0.13), ("budget", "投资(万元)", 0.11))
ROW_HEIGHT_IN = 0.26
NAME_CHARS = {"A4": 26, "A3": 40}
MAX_MAP_LABELS = 200


def plain(text) -> str:
    """Data text as matplotlib must draw it: a ``$`` would otherwise start mathtext (and can fail)."""
    return str(text).replace("$", r"\$")


class ReportError(Exception):
    """The report cannot be made; the text says why and what to do."""


# ---- data helpers ------------------------------------------------------------------

def _bounds(geoms) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for g in geoms:
        for p in iter_positions(g):
            xs.append(p[0])
            ys.append(p[1])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def load_outline(places_path: Path | None = None) -> tuple[list[dict], list[dict], str | None]:
    """(outline polygons, town seat points, source note) from places.geojson; empty when absent."""
    from geo import config

    path = places_path or config.places_path()
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        features = [f for f in doc.get("features", []) if isinstance(f, dict)]
    except (OSError, ValueError, AttributeError):
        return [], [], None
    polygons, seats = [], []
    for f in features:
        g = f.get("geometry") or {}
        kind = (f.get("properties") or {}).get("kind")
        if g.get("type") in ("Polygon", "MultiPolygon"):
            polygons.append(f)
        elif g.get("type") == "Point" and kind in ("town", "county"):
            seats.append(f)
    note = None
    if polygons:
        p = polygons[0].get("properties") or {}
        note = f"边界: {p.get('name', '')} ({str(p.get('source', '')).split(' ')[0] or 'places.geojson'}), 仅示意"
    return polygons, seats, note


def _quantity_text(props: dict) -> str:
    q = props.get("quantity") or {}
    if not q or q.get("value") is None:
        return ""
    v = q["value"]
    text = str(int(v)) if float(v).is_integer() else f"{v:g}"
    prefix = {"about": "约", "at_least": "≥", "more_than": ">"}.get(q.get("qualifier"), "")
    return f"{prefix}{text}{q.get('unit') or ''}"


def table_rows(features: list[dict], paper: str = "A4") -> list[list[str]]:
    width = NAME_CHARS.get(paper, 26)
    rows = []
    for n, f in enumerate(features, start=1):
        p = f.get("properties") or {}
        name = str(p.get("name") or "")
        if len(name) > width:
            name = name[:width - 1] + "…"
        located = PRECISION_LABELS.get(p.get("precision"), "") if f.get("geometry") else "未定位"
        budget = p.get("budget_wan")
        rows.append([str(n), plain(name), CATEGORY_LABELS.get(p.get("category"), str(p.get("category") or "")),
                     STATUS_LABELS.get(p.get("status"), str(p.get("status") or "")), plain(p.get("area") or ""),
                     located, plain(_quantity_text(p)), "" if budget is None else f"{budget:g}"])
    return rows


# ---- drawing -------------------------------------------------------------------------

def _nice_km(target_km: float) -> float:
    for v in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if v >= target_km:
            return v
    return 1000.0


def _draw_geometry(ax, geom: dict, colour: str, zorder: int = 3) -> None:
    t = geom["type"]
    c = geom.get("coordinates")
    if t == "Point":
        ax.plot(c[0], c[1], "o", ms=7, mfc=colour, mec="white", mew=1.0, zorder=zorder + 1)
    elif t == "MultiPoint":
        for p in c:
            _draw_geometry(ax, {"type": "Point", "coordinates": p}, colour, zorder)
    elif t == "LineString":
        ax.plot([p[0] for p in c], [p[1] for p in c], "-", color=colour, lw=2.6, solid_capstyle="round",
                zorder=zorder)
    elif t == "MultiLineString":
        for part in c:
            _draw_geometry(ax, {"type": "LineString", "coordinates": part}, colour, zorder)
    elif t == "Polygon":
        from matplotlib.patches import Polygon as MplPolygon

        ax.add_patch(MplPolygon([p[:2] for p in c[0]], closed=True, facecolor=colour, alpha=0.35,
                                edgecolor=colour, lw=1.5, zorder=zorder - 1))
    elif t == "MultiPolygon":
        for part in c:
            _draw_geometry(ax, {"type": "Polygon", "coordinates": part}, colour, zorder)
    elif t == "GeometryCollection":
        for g in geom["geometries"]:
            _draw_geometry(ax, g, colour, zorder)


def _outline(ax, polygons: list[dict]) -> None:
    for f in polygons:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for ring in poly:
                ax.plot([p[0] for p in ring], [p[1] for p in ring], "-", color=OUTLINE_COLOUR, lw=0.9, zorder=1)


def _scale_bar(ax, extent, font) -> None:
    w, s, e, n = extent
    mid_lat = (s + n) / 2
    km_per_deg = 111.320 * math.cos(math.radians(mid_lat))
    width_km = (e - w) * km_per_deg
    length_km = _nice_km(width_km / 5)
    length_deg = length_km / km_per_deg
    x0 = w + (e - w) * 0.04
    y0 = s + (n - s) * 0.05
    ax.plot([x0, x0 + length_deg], [y0, y0], "-", color="black", lw=3, zorder=10, solid_capstyle="butt")
    ax.plot([x0, x0], [y0, y0 + (n - s) * 0.012], "-", color="black", lw=1, zorder=10)
    ax.plot([x0 + length_deg] * 2, [y0, y0 + (n - s) * 0.012], "-", color="black", lw=1, zorder=10)
    label = f"{length_km:g} 公里" if length_km >= 1 else f"{length_km * 1000:g} 米"
    ax.text(x0 + length_deg / 2, y0 + (n - s) * 0.02, label, ha="center", va="bottom", fontsize=9,
            fontfamily=font, zorder=10)


def _north_arrow(ax, font) -> None:
    ax.annotate("", xy=(0.95, 0.95), xytext=(0.95, 0.85), xycoords="axes fraction",
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 12,
                            "headlength": 12}, zorder=10)
    ax.text(0.95, 0.955, "北", transform=ax.transAxes, ha="center", va="bottom", fontsize=12,
            fontfamily=font, fontweight="bold", zorder=10)


def _map_page(features: list[dict], *, title: str, paper: str, font: str, polygons, seats, footer: str):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=PAPERS[paper])
    fig.text(0.5, 0.955, title, ha="center", va="center", fontsize=20 if paper == "A4" else 26,
             fontfamily=font, fontweight="bold")
    ax = fig.add_axes([0.04, 0.08, 0.70, 0.82])
    legend_ax = fig.add_axes([0.76, 0.08, 0.22, 0.82])
    legend_ax.axis("off")
    located = [(n, f) for n, f in enumerate(features, start=1) if f.get("geometry")]
    extent = _bounds(f["geometry"] for _, f in located)
    if extent is None and polygons:
        extent = _bounds(p["geometry"] for p in polygons)
    if extent is None:
        extent = (0.0, 0.0, 1.0, 1.0)
        ax.text(0.5, 0.5, "没有已定位的项目", transform=ax.transAxes, ha="center", va="center", fontsize=16,
                fontfamily=font, color="#666666")
    w, s, e, n = extent
    pad = max(e - w, n - s, 0.01) * 0.12
    w, s, e, n = w - pad, s - pad, e + pad, n + pad
    mid_lat = (s + n) / 2
    aspect = 1 / max(math.cos(math.radians(mid_lat)), 0.05)
    # Widen the shorter side so the map fills its frame at the true aspect ratio.
    box_w, box_h = 0.70 * PAPERS[paper][0], 0.82 * PAPERS[paper][1]
    need_h = (e - w) / aspect * box_h / box_w
    if need_h > (n - s):
        extra = (need_h - (n - s)) / 2
        s, n = s - extra, n + extra
    else:
        need_w = (n - s) * aspect * box_w / box_h
        extra = (need_w - (e - w)) / 2
        w, e = w - extra, e + extra
    _outline(ax, polygons)
    for f in seats:
        x, y = f["geometry"]["coordinates"][:2]
        if w <= x <= e and s <= y <= n:
            ax.plot(x, y, "s", ms=4, color="#999999", zorder=2)
            ax.text(x, y, " " + plain((f.get("properties") or {}).get("name", "")), fontsize=7, color="#777777",
                    fontfamily=font, va="center", zorder=2)
    for number, f in located:
        colour = status_colour((f.get("properties") or {}).get("status"))
        _draw_geometry(ax, f["geometry"], colour)
        point = representative_point(f["geometry"]) if len(located) <= MAX_MAP_LABELS else None
        if point is not None:
            x, y = point
            ax.annotate(str(number), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=7,
                        fontfamily=font, zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(aspect)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("经度 (WGS-84)", fontsize=8, fontfamily=font)
    ax.set_ylabel("纬度", fontsize=8, fontfamily=font)
    _north_arrow(ax, font)
    _scale_bar(ax, (w, s, e, n), font)

    counts: dict[str, int] = {}
    for f in features:
        st = (f.get("properties") or {}).get("status")
        counts[st] = counts.get(st, 0) + 1
    handles = [Line2D([], [], marker="o", ls="-", color=STATUS_COLOURS[st], mfc=STATUS_COLOURS[st], ms=8, lw=2.5,
                      label=f"{STATUS_LABELS[st]} ({counts[st]})") for st in STATUS_COLOURS if counts.get(st)]
    if polygons:
        handles.append(Line2D([], [], color=OUTLINE_COLOUR, lw=1, label="行政区界 (示意)"))
    leg = legend_ax.legend(handles=handles, loc="upper left", title="图例 · 项目状态", frameon=True,
                           prop={"family": font, "size": 10}, title_fontproperties={"family": font, "size": 11})
    leg.get_frame().set_edgecolor("#999999")
    unlocated = len(features) - len(located)
    summary = f"共 {len(features)} 项，已定位 {len(located)} 项"
    if unlocated:
        summary += f"，未定位 {unlocated} 项 (仅列于清单)"
    legend_ax.text(0.0, 0.62, summary, transform=legend_ax.transAxes, fontsize=9, fontfamily=font, wrap=True,
                   va="top")
    legend_ax.text(0.0, 0.57, "图中数字为清单序号", transform=legend_ax.transAxes, fontsize=9, fontfamily=font,
                   va="top", color="#555555")
    fig.text(0.04, 0.025, footer, fontsize=8, fontfamily=font, color="#444444")
    return fig


def _table_pages(features: list[dict], *, title: str, paper: str, font: str, footer: str):
    from matplotlib.figure import Figure

    rows = table_rows(features, paper)
    width_in, height_in = PAPERS[paper]
    per_page = max(5, int((height_in * 0.80) / ROW_HEIGHT_IN) - 1)
    pages = []
    chunks = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    for page_no, chunk in enumerate(chunks, start=1):
        fig = Figure(figsize=PAPERS[paper])
        fig.text(0.5, 0.955, f"{title} · 项目清单 ({page_no}/{len(chunks)})", ha="center", va="center",
                 fontsize=16, fontfamily=font, fontweight="bold")
        height = ROW_HEIGHT_IN * (len(chunk) + 1) / height_in
        ax = fig.add_axes([0.04, 0.90 - height, 0.92, height])
        ax.axis("off")
        if chunk:
            table = ax.table(cellText=chunk, colLabels=[c[1] for c in TABLE_COLUMNS],
                             colWidths=[c[2] for c in TABLE_COLUMNS], loc="upper left", cellLoc="left",
                             bbox=[0, 0, 1, 1])
            table.auto_set_font_size(False)
            for (r, c), cell in table.get_celld().items():
                cell.get_text().set_fontfamily(font)
                cell.get_text().set_fontsize(9 if paper == "A4" else 10)
                cell.set_edgecolor("#bbbbbb")
                if r == 0:
                    cell.set_facecolor("#e8e8e8")
                    cell.get_text().set_fontweight("bold")
                elif chunk[r - 1][5] == "未定位" and c == 5:
                    cell.get_text().set_color("#b00020")
                if c == 3 and r > 0:
                    code = next((k for k, v in STATUS_LABELS.items() if v == chunk[r - 1][3]), None)
                    if code:
                        cell.get_text().set_color(status_colour(code))
        else:
            ax.text(0.5, 0.5, "没有符合条件的项目", ha="center", fontsize=14, fontfamily=font)
        fig.text(0.04, 0.025, footer, fontsize=8, fontfamily=font, color="#444444")
        pages.append(fig)
    return pages


def build_figures(features: list[dict], *, title: str | None = None, paper: str = "A4",
                  source: str | None = None, filter_text: str | None = None, places_path: Path | None = None,
                  date: _dt.date | None = None):
    """The report's pages as matplotlib figures (map first, then the table)."""
    paper = (paper or "A4").upper()
    if paper not in PAPERS:
        raise ReportError(f"paper {paper!r} is not known; use A4 or A3")
    try:
        font = cjk_family()
    except FontMissing as exc:
        raise ReportError(str(exc)) from None
    polygons, seats, outline_note = load_outline(places_path)
    date = date or _dt.date.today()
    parts = [f"制图日期: {date.isoformat()}", f"数据来源: {source or '项目库'}"]
    if filter_text:
        parts.append(f"筛选: {filter_text}")
    if outline_note:
        parts.append(outline_note)
    parts.append("坐标系 WGS-84; 位置精度见清单「定位」列")
    footer = plain("    ".join(parts))
    title = plain(title or "规划项目一张图")
    return [_map_page(features, title=title, paper=paper, font=font, polygons=polygons, seats=seats,
                      footer=footer)] + _table_pages(features, title=title, paper=paper, font=font, footer=footer)


def _save(figures, fmt: str, target, dpi: int) -> None:
    # Figure objects, not pyplot: no global figure registry, safe in Streamlit's threads.
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    if fmt == "pdf":
        with matplotlib.rc_context({"pdf.fonttype": 42}):  # embed the real font (CID), not Type 3 outlines
            with PdfPages(target, metadata={"Title": "规划项目一张图", "Creator": "geo report"}) as pdf:
                for fig in figures:
                    pdf.savefig(fig)
    else:
        figures[0].savefig(target, format="png", dpi=dpi)


def render_report(features: list[dict], out_path: str | Path, *, title: str | None = None, paper: str = "A4",
                  source: str | None = None, filter_text: str | None = None, places_path: Path | None = None,
                  dpi: int = 150, date: _dt.date | None = None) -> list[Path]:
    """Write the report to ``out_path`` (.pdf or .png); returns every file written."""
    out_path = Path(out_path)
    fmt = out_path.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png"):
        raise ReportError(f"{out_path.name}: the report is written as .pdf or .png; change the -o file name")
    if not out_path.parent.exists():
        raise ReportError(f"folder {out_path.parent} does not exist; create it or choose another -o path")
    figures = build_figures(features, title=title, paper=paper, source=source, filter_text=filter_text,
                            places_path=places_path, date=date)
    if fmt == "pdf":
        _save(figures, "pdf", out_path, dpi)
        return [out_path]
    written = []
    for i, fig in enumerate(figures, start=1):
        target = out_path if i == 1 else out_path.with_name(f"{out_path.stem}-{i}{out_path.suffix}")
        fig.savefig(target, format="png", dpi=dpi)
        written.append(target)
    return written


def render_report_bytes(features: list[dict], fmt: str = "pdf", **kwargs) -> bytes:
    """The report as bytes for a download button: the whole PDF, or the map page as PNG."""
    fmt = fmt.lower()
    if fmt not in ("pdf", "png"):
        raise ReportError(f"format {fmt!r}: use pdf or png")
    dpi = kwargs.pop("dpi", 150)
    figures = build_figures(features, **kwargs)
    buf = io.BytesIO()
    _save(figures, fmt, buf, dpi)
    return buf.getvalue()
