"""Tooltip and popup text of an item. Every string from data is HTML-escaped here, once."""
from __future__ import annotations

from html import escape

from geo import i18n


def tooltip_html(props: dict, lang: str = "zh") -> str:
    name = escape(str(props.get("name") or props.get("id") or ""))
    cat = escape(i18n.category_label(props.get("category"), lang))
    status = escape(i18n.status_label(props.get("status"), lang))
    return f"<b>{name}</b><br>{cat} · {status}"


def quantity_text(q: dict | None, lang: str = "zh") -> str:
    if not isinstance(q, dict) or q.get("value") is None:
        return ""
    qual = {"at_least": ("不少于", "at least "), "about": ("约", "about "), "more_than": ("超过", "more than ")}
    prefix = qual.get(q.get("qualifier") or "", ("", ""))[1 if lang == "en" else 0]
    value = q.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{prefix}{value}{'' if lang != 'en' else ' '}{q.get('unit') or ''}".strip()


def popup_html(props: dict, lang: str = "zh") -> str:
    """Detail table for the standalone HTML map (the app shows details in its own panel)."""
    rows = [
        (i18n.t("category", lang), i18n.category_label(props.get("category"), lang)),
        (i18n.t("status", lang), i18n.status_label(props.get("status"), lang)),
        (i18n.t("area", lang), i18n.area_label(props.get("area"), lang)),
        (i18n.t("quantity", lang), quantity_text(props.get("quantity"), lang)),
        (i18n.t("precision", lang), i18n.precision_label(props.get("precision"), lang)),
        (i18n.t("geometry_source", lang), i18n.geometry_source_label(props.get("geometry_source"), lang)),
        (i18n.t("section", lang), props.get("section") or ""),
        (i18n.t("source_text", lang), props.get("text") or ""),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows if v)
    name = escape(str(props.get("name") or props.get("id") or ""))
    return (f'<div class="geo-popup"><h4 style="margin:0 0 4px">{name}</h4>'
            f'<table style="font-size:13px;max-width:320px">{body}</table></div>')
