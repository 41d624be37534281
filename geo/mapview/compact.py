"""The items of the offline HTML map, held once and compactly: columns, string tables, integer coordinates.

Only what the offline map shows is kept: name, status, category, precision, area, places and
the source sentence, plus the geometry in the display datum. The browser side
(``templates/offline_items.js``) decodes this and draws it on a canvas; :func:`decode` is the
same decoding in Python (for tests and checks).

Format (version 1), a JSON object:

* ``n`` items; ``q`` coordinate units per degree; ``o`` the integer origin [x, y] they are
  counted from (so a coordinate is ``(o + value) / q`` degrees);
* ``codes``: the code tables of ``status``, ``category``, ``precision`` (English codes);
  ``strings``: the string tables of ``name``, ``text`` (the source sentence), ``area`` (its label
  in the map's language), ``place`` (the places named, joined by 、);
* ``cols``: one array per field, an index into its table. For string tables, whose entries are
  in order of first use, ``-1`` means "the next new entry" (most texts are unique, and a run of
  -1 compresses to nothing where ascending numbers would not);
* ``kind`` per item: 0 not drawn (village/town/none precision or no geometry), 1 a point at its
  anchor, 2 drawn from ``parts``; ``ax``/``ay``: the anchor of every drawn item (the point, or the
  centre of its bounds: where grid counts put it), each a difference from the previous drawn
  item's anchor (items are ordered along a space-filling curve, so differences are small);
* ``np`` per item: how many of ``parts`` are its; a part is ``[kind, x0, y0, dx1, dy1, …]`` with
  kind 1 points, 2 line, 3 polygon outer ring, 4 hole of the polygon before; the first position is
  relative to the item's anchor, the next ones to the position before;
* ``badges``: the place points of the village/town count badges (``label``, ``x``, ``y``, ``areas``
  absolute from ``o``), and ``cols.badge`` the badge of each not-drawn item (-1: its area has no
  known point, so it is only listed).

Coordinates are quantised to ``1/q`` degree (1e-6: about 0.1 m, the precision the items are
stored with); nothing is moved further than half of that.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from geo import i18n
from geo.contract import CATEGORIES, PRECISIONS, STATUSES
from geo.coords import convert_geometry
from geo.mapview import aggregate
from geo.mapview.context import Places
from geo.mapview.item_layer import is_precisely_located, item_bounds

VERSION = 1
UNITS_PER_DEGREE = 1_000_000
PLACE_SEPARATOR = "、"

KIND_NOT_DRAWN, KIND_POINT, KIND_PARTS = 0, 1, 2
PART_POINTS, PART_LINE, PART_OUTER, PART_HOLE = 1, 2, 3, 4
STRING_FIELDS = ("name", "text", "area", "place")
CODE_FIELDS = {"status": STATUSES, "category": CATEGORIES, "precision": PRECISIONS}


def _morton_keys(x: "np.ndarray", y: "np.ndarray") -> "np.ndarray":
    """Interleaved bits of two 16-bit cell numbers: nearby cells get nearby keys."""
    key = np.zeros(len(x), dtype=np.int64)
    for bit in range(16):
        key |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return key


def _parts(geometry: dict) -> Iterable[tuple[int, list]]:
    """(part kind, positions) of a GeoJSON geometry, GeometryCollections flattened."""
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    if gtype == "Point":
        yield PART_POINTS, [coords]
    elif gtype == "MultiPoint":
        yield PART_POINTS, coords
    elif gtype == "LineString":
        yield PART_LINE, coords
    elif gtype == "MultiLineString":
        for line in coords:
            yield PART_LINE, line
    elif gtype == "Polygon":
        for i, ring in enumerate(coords):
            yield (PART_HOLE if i else PART_OUTER), ring
    elif gtype == "MultiPolygon":
        for polygon in coords:
            for i, ring in enumerate(polygon):
                yield (PART_HOLE if i else PART_OUTER), ring
    elif gtype == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            if isinstance(g, dict):
                yield from _parts(g)


def encode(features: list[dict], places: Places | None = None, *, lang: str = "zh",
           datum: str = "wgs84") -> dict:
    """The compact form of ``features`` (already filtered), geometry converted to ``datum`` for display."""
    q = UNITS_PER_DEGREE
    drawn: list[tuple[int, dict, tuple]] = []   # (position in features, display geometry, bounds)
    for i, f in enumerate(features):
        if is_precisely_located(f):
            geometry = convert_geometry(f.get("geometry"), "wgs84", datum) if datum != "wgs84" else f.get("geometry")
            bounds = item_bounds(geometry)
            if bounds is not None:
                drawn.append((i, geometry, bounds))
    # Anchors (centre of bounds) in integer units from the origin; drawn items ordered along a
    # Morton curve so that consecutive anchors, stored as differences, are close; then the rest.
    box = np.array([b for _i, _g, b in drawn], dtype=np.float64).reshape(-1, 4)
    ox = math.floor(box[:, 0].min() * q) if len(box) else 0
    oy = math.floor(box[:, 1].min() * q) if len(box) else 0
    anchor_x = np.round((box[:, 0] + box[:, 2]) / 2 * q).astype(np.int64) - ox
    anchor_y = np.round((box[:, 1] + box[:, 3]) / 2 * q).astype(np.int64) - oy
    span = max(int(anchor_x.max(initial=0)), int(anchor_y.max(initial=0)), 1)
    cells = 65535 / span
    curve = np.argsort(_morton_keys((anchor_x * cells).astype(np.int64), (anchor_y * cells).astype(np.int64)),
                       kind="stable")
    drawn_at = {i for i, _g, _b in drawn}
    order = [(drawn[k][0], drawn[k][1], (int(anchor_x[k]), int(anchor_y[k]))) for k in curve.tolist()]
    order += [(i, None, None) for i in range(len(features)) if i not in drawn_at]

    coarse = [features[i] for i, g, _b in order if g is None]
    badge_of, badges = _badges(coarse, places, lang=lang, datum=datum, ox=ox, oy=oy)

    props = [features[i].get("properties") or {} for i, _g, _a in order]
    strings: dict[str, list[str]] = {}
    cols: dict[str, list[int]] = {}
    for name in STRING_FIELDS:
        if name == "place":
            values = [PLACE_SEPARATOR.join(str(v) for v in p.get("places") or () if v) for p in props]
        elif name == "area":
            values = [i18n.area_label(p.get("area"), lang) for p in props]
        else:
            values = [("" if (v := p.get(name)) is None else v if type(v) is str else str(v)) for p in props]
        strings[name], cols[name] = _string_column(values)
    for name, table in CODE_FIELDS.items():
        index = {c: k for k, c in enumerate(table)}
        # a code the contract does not know is shown as unknown (-1), never dropped
        cols[name] = [index.get(p.get(name), -1) for p in props]
    cols["badge"] = [-1 if g is not None else badge_of.get(id(features[i]), -1) for i, g, _a in order]

    kind: list[int] = []
    ax_col: list[int] = []
    ay_col: list[int] = []
    part_count: list[int] = []
    parts: list[list[int]] = []
    last_x = last_y = 0
    for _i, geometry, anchor in order:
        if geometry is None:
            kind.append(KIND_NOT_DRAWN)
            part_count.append(0)
            continue
        x, y = anchor
        ax_col.append(x - last_x)
        ay_col.append(y - last_y)
        last_x, last_y = x, y
        if geometry.get("type") == "Point":
            kind.append(KIND_POINT)
            part_count.append(0)
            continue
        kind.append(KIND_PARTS)
        before = len(parts)
        for part_kind, positions in _parts(geometry):
            if not positions:
                continue
            flat = [part_kind]
            px, py = x + ox, y + oy
            for pos in positions:
                qx, qy = round(pos[0] * q), round(pos[1] * q)
                flat.append(qx - px)
                flat.append(qy - py)
                px, py = qx, qy
            parts.append(flat)
        part_count.append(len(parts) - before)
    return {
        "v": VERSION, "n": len(order), "q": q, "o": [ox, oy],
        "codes": {name: list(table) for name, table in CODE_FIELDS.items()},
        "strings": strings, "cols": cols, "kind": kind, "ax": ax_col, "ay": ay_col, "np": part_count,
        "parts": parts, "badges": badges,
    }


def _string_column(values: list[str]) -> tuple[list[str], list[int]]:
    """(table in order of first use, column with -1 for each first use; see the module doc)."""
    index: dict[str, int] = {}
    column = []
    for value in values:
        at = index.get(value)
        if at is None:
            index[value] = len(index)
            column.append(-1)
        else:
            column.append(at)
    return list(index), column


def _badges(coarse: list[dict], places: Places | None, *, lang: str, datum: str, ox: int, oy: int):
    """Badge of each not-drawn item (by object id) and the badge table, from geo.mapview.aggregate."""
    if places is None or not coarse:
        return {}, {"label": [], "x": [], "y": [], "areas": []}
    q = UNITS_PER_DEGREE
    groups = aggregate.group_by_area(coarse)
    table = {"label": [], "x": [], "y": [], "areas": []}
    badge_of: dict[int, int] = {}
    for number, feature in enumerate(aggregate.badge_features(coarse, places, lang=lang, datum=datum)):
        lon, lat = feature["geometry"]["coordinates"][:2]
        table["label"].append(feature["properties"]["label"])
        table["x"].append(round(lon * q) - ox)
        table["y"].append(round(lat * q) - oy)
        table["areas"].append(feature["properties"]["areas"])
        for area in feature["properties"]["areas"]:
            for item in groups.get(area, []):
                badge_of[id(item)] = number
    return badge_of, table


def decode(data: dict) -> list[dict]:
    """Per item: the fields and geometry (lon/lat in the display datum), as the browser reads them."""
    q, (ox, oy) = data["q"], data["o"]
    strings = {}
    for name in STRING_FIELDS:
        table, nxt, out = data["strings"][name], 0, []
        for v in data["cols"][name]:
            if v < 0:
                v, nxt = nxt, nxt + 1
            out.append(table[v])
        strings[name] = out
    items = []
    a = p = 0
    x = y = 0
    for i in range(data["n"]):
        item = {name: strings[name][i] for name in STRING_FIELDS}
        for name in CODE_FIELDS:
            code = data["cols"][name][i]
            item[name] = data["codes"][name][code] if code >= 0 else None
        kind = data["kind"][i]
        item["badge"] = data["cols"]["badge"][i]
        item["anchor"] = None
        item["parts"] = []
        if kind != KIND_NOT_DRAWN:
            x += data["ax"][a]
            y += data["ay"][a]
            a += 1
            item["anchor"] = ((ox + x) / q, (oy + y) / q)
            for part in data["parts"][p:p + data["np"][i]]:
                px, py, positions = x, y, []
                for j in range(1, len(part), 2):
                    px += part[j]
                    py += part[j + 1]
                    positions.append(((ox + px) / q, (oy + py) / q))
                item["parts"].append((part[0], positions))
            p += data["np"][i]
        items.append(item)
    return items
