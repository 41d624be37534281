"""Colours and labels shared by the printed report and the KML export, so a legend means the same everywhere."""
from __future__ import annotations

# Status → RGB hex. Distinguishable in print and for the common colour-vision deficiencies
# (ColorBrewer-derived), and grey for what is on hold.
STATUS_COLOURS = {
    "proposed": "#8c6bb1",     # 谋划/争取: purple
    "planned": "#2b83ba",      # 计划: blue
    "in_progress": "#f08c1c",  # 推进中: orange
    "completed": "#1a9641",    # 已完成: green
    "suspended": "#7f7f7f",    # 暂缓: grey
}
UNKNOWN_COLOUR = "#444444"
OUTLINE_COLOUR = "#555555"


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", UNKNOWN_COLOUR)


def kml_colour(rgb_hex: str, alpha: int = 0xFF) -> str:
    """KML's aabbggrr from '#rrggbb'."""
    h = rgb_hex.lstrip("#")
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}"
