"""Areas by spatial join: a located item's ``area`` is the village (or town-seat area) whose boundary it lies in.

Where the gazetteer has boundaries (``gazetteer boundaries`` stores them, precision
``boundary``), they replace guessing the area from place names: ``geopandas.sjoin`` of
the items against the boundary polygons.

- an item lying within one boundary gets that area;
- one meeting the interiors of several (a road across two villages) gets no single area:
  ``area`` None and ``x_areas`` lists them, as the build does for items naming several villages;
  unless 90 % of it lies in one of them (real outlines overlap their neighbours a little);
- an item on no boundary, or without geometry, keeps the area it had.

``locate_by_boundary`` gives items that refer to exactly one village, and have no geometry,
that village's boundary (precision ``village``), as the build does through the geocoder.

Areas by name (no boundaries, or an item on none), the one rule for the build and for placing a
place (:func:`area_of_places`): the one village the item's places lie in; 镇区 when they are only
of the town seat area; 全镇 otherwise — an item that names no village and no seat-area place
belongs to the town as a whole, and one naming several villages (or a village and 镇区) is 全镇
with ``x_areas`` listing them. Never no area when the item's town is known.

:func:`village_options` gives the 村 filter every village of the town(s) with its item count.
"""
from __future__ import annotations

from typing import Iterable

from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN

AREA_KINDS = ("village", "town_seat_area")


def _bounded(places: list[dict]) -> list[dict]:
    return [p for p in places if (p.get("properties") or {}).get("kind") in AREA_KINDS and p.get("geometry")
            and p["geometry"].get("type") in ("Polygon", "MultiPolygon")]


def boundary_frame(places: list[dict]):
    """GeoDataFrame (area, place_id, geometry) of the polygon boundaries of villages and town-seat areas."""
    import geopandas as gpd
    import shapely.geometry

    rows, geoms = [], []
    for p in _bounded(places):
        props = p["properties"]
        geom = p["geometry"]
        area = props.get("area") or (AREA_TOWN_SEAT if props["kind"] == "town_seat_area" else props["name"])
        rows.append({"area": area, "place_id": p["id"]})
        geoms.append(shapely.geometry.shape(geom))
    return gpd.GeoDataFrame(rows, columns=["area", "place_id"], geometry=geoms, crs="EPSG:4326")


def areas_by_boundary(features: list[dict], boundaries) -> dict[str, list[str]]:
    """{item id: [areas whose boundary interior it meets]} for the located items that meet any."""
    import geopandas as gpd
    import shapely
    import shapely.geometry

    if boundaries is None or not len(boundaries):
        return {}
    located = [f for f in features if f.get("geometry")]
    if not located:
        return {}
    shapes = []
    for f in located:
        try:
            shapes.append(shapely.geometry.shape(f["geometry"]))
        except Exception:  # a malformed geometry is validate's to report; it keeps its area
            shapes.append(None)
    items = gpd.GeoDataFrame({"item": [str(f.get("id") or f["properties"]["id"]) for f in located]},
                             geometry=shapes, crs="EPSG:4326")
    items = items[items.geometry.notna()]
    pairs = gpd.sjoin(items, boundaries, how="inner", predicate="intersects")
    if not len(pairs):
        return {}
    # Touching a neighbour's edge is not lying in it: keep pairs whose interiors meet.
    edge_only = shapely.touches(pairs.geometry.values, boundaries.geometry.values[pairs["index_right"].to_numpy()])
    pairs = pairs[~edge_only]
    out: dict[str, list[str]] = {}
    hits: dict[str, list[tuple[str, object, object]]] = {}
    right = boundaries.geometry.values
    for item, area, geom, k in zip(pairs["item"], pairs["area"], pairs.geometry.values, pairs["index_right"]):
        hits.setdefault(item, []).append((area, geom, right[k]))
    for item, found in hits.items():
        areas = list(dict.fromkeys(a for a, _, _ in found))
        if len(areas) > 1:
            # Real boundaries overlap their neighbours a little: an item lying ≥ 90 % in one is in that one.
            shares = {a: _share(g, b) for a, g, b in found}
            best = max(shares, key=shares.get)
            if shares[best] >= MOSTLY_IN:
                areas = [best]
        out[item] = areas
    return out


MOSTLY_IN = 0.9


def _share(geom, boundary) -> float:
    """How much of ``geom`` lies in ``boundary``: by area, length, or share of points."""
    import shapely

    part = shapely.intersection(geom, boundary)
    for measure in (shapely.area, shapely.length):
        whole = float(measure(geom))
        if whole > 0:
            return float(measure(part)) / whole
    n = shapely.get_num_coordinates(geom)
    return shapely.get_num_coordinates(part) / n if n else 0.0


def assign_areas(features: list[dict], places: list[dict]) -> list[str]:
    """Set ``area`` of the located ``features`` (in place) from the boundaries in ``places``; ids changed."""
    if not _bounded(places):
        return []  # no boundaries: the areas from place names stand (and geopandas is not even loaded)
    boundaries = boundary_frame(places)
    found = areas_by_boundary(features, boundaries)
    changed = []
    for f in features:
        props = f["properties"]
        areas = found.get(str(f.get("id") or props.get("id")))
        if not areas:
            continue  # on no boundary: the area it had stands
        flags = [x for x in props.get("flags") or [] if x != "multiple_areas"]
        if len(areas) == 1:
            new_area, extra = areas[0], None
        else:  # across several boundaries: the town as a whole, the villages listed
            new_area, extra = AREA_WHOLE_TOWN, sorted(areas)
            flags.append("multiple_areas")
        if props.get("area") != new_area or props.get("x_areas") != extra:
            changed.append(props["id"])
        props["area"] = new_area
        if extra is None:
            props.pop("x_areas", None)
        else:
            props["x_areas"] = extra
        if props.get("flags") is not None or flags:
            props["flags"] = flags
    return changed


def locate_by_boundary(features: list[dict], places: list[dict]) -> list[str]:
    """Items without geometry whose place refs name exactly one bounded village get its boundary; ids changed."""
    import copy

    bounded = {p["id"]: p for p in places
               if (p.get("properties") or {}).get("kind") == "village" and p.get("geometry")
               and (p.get("properties") or {}).get("precision") == "boundary"}
    by_id = {p["id"]: p for p in places}
    changed = []
    for f in features:
        props = f["properties"]
        if f.get("geometry") is not None:
            continue
        refs = [r for r in props.get("place_refs") or [] if r in by_id]
        villages = {r for r in refs if (by_id[r].get("properties") or {}).get("kind") == "village"}
        if len(villages) != 1 or not villages <= set(bounded):
            continue
        place = bounded[next(iter(villages))]
        f["geometry"] = copy.deepcopy(place["geometry"])
        props.update(precision="village", geometry_source="gazetteer", area=place["properties"]["name"])
        props["geometry_meta"] = {"datum_original": place["properties"].get("datum") or "wgs84"}
        changed.append(props["id"])
    return changed


# ---- areas by name -------------------------------------------------------------------
def area_rule(villages: Iterable[str], seat: bool, town_known: bool = True) -> tuple[str | None, list[str]]:
    """(area, x_areas) from the villages an item's places lie in and whether one is of the town seat area.

    One village → it; only the seat area → 镇区; no village and no seat-area place → 全镇 (the town
    as a whole), None only when not even the item's town is known; several → 全镇, listed in x_areas.
    """
    villages = list(dict.fromkeys(v for v in villages if v))
    if len(villages) == 1 and not seat:
        return villages[0], []
    if seat and not villages:
        return AREA_TOWN_SEAT, []
    if not villages:
        return (AREA_WHOLE_TOWN if town_known else None), []
    return AREA_WHOLE_TOWN, villages + ([AREA_TOWN_SEAT] if seat else [])


def villages_and_seat(places: Iterable[dict | None], gazetteer) -> tuple[list[str], bool]:
    """The villages the gazetteer ``places`` lie in (by the gazetteer's hierarchy), and whether one is of 镇区."""
    villages, seat = [], False
    for place in places:
        if place is None:
            continue
        village = gazetteer.enclosing(place, "village")
        if village is not None:
            villages.append(village["properties"]["name"])
        elif place["properties"]["kind"] == "town_seat_area" or place["properties"].get("area") == AREA_TOWN_SEAT:
            seat = True
    return list(dict.fromkeys(villages)), seat


def area_of_places(places: Iterable[dict | None], gazetteer, town_known: bool = True) -> tuple[str | None, list[str]]:
    """(area, x_areas) of an item whose places are the gazetteer ``places`` (None for a name not found)."""
    villages, seat = villages_and_seat(places, gazetteer)
    return area_rule(villages, seat, town_known)


def area_after_placing(item: dict, gazetteer, place_ids: Iterable[str]) -> tuple[str | None, list[str]]:
    """(area, x_areas) of ``item`` once the places ``place_ids`` it refers to are located: the boundary its
    geometry lies in where the gazetteer has boundaries, else the rule by name over those places."""
    props = item.get("properties") or {}
    if item.get("geometry") is not None and _bounded(gazetteer.places):
        found = areas_by_boundary([item], boundary_frame(gazetteer.places)).get(str(item.get("id") or props.get("id")))
        if found:
            return (found[0], []) if len(found) == 1 else (AREA_WHOLE_TOWN, sorted(found))
    ids = list(dict.fromkeys(place_ids))
    if not ids:  # nothing to go by: the area it has stands
        return props.get("area"), list(props.get("x_areas") or [])
    return area_of_places([gazetteer.get(pid) for pid in ids], gazetteer, town_known=bool(props.get("town")))


def town_villages(places: Iterable[dict], towns: Iterable[str] = ()) -> list[str]:
    """The villages of the ``towns`` (every town when none is given) in the gazetteer ``places``, in its order;
    villages the national lists dropped (``listing`` former) left out, every other one kept."""
    wanted = set(towns)
    out: list[str] = []
    for p in places:
        props = (p or {}).get("properties") or {}
        if props.get("kind") != "village" or props.get("listing") == "former":
            continue
        if wanted and props.get("town") not in wanted:
            continue
        name = props.get("name")
        if isinstance(name, str) and name and name not in out:
            out.append(name)
    return out


def village_options(villages: Iterable[str], features: Iterable[dict], towns: Iterable[str] = ()) -> list[tuple[str, int]]:
    """The 村 filter's choices: [(village, items in it)] for every village of the town(s) (``villages``, from
    :func:`town_villages`) and every village area an item carries, those with items first (most first),
    then those with none, each group in gazetteer order. Items of other ``towns`` are not counted."""
    wanted = set(towns)
    counts: dict[str, int] = {}
    for f in features:
        p = f.get("properties") or {}
        if p.get("dropped") or (wanted and p.get("town") not in wanted):
            continue
        area = p.get("area")
        if isinstance(area, str) and area and area not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN):
            counts[area] = counts.get(area, 0) + 1
    order = list(dict.fromkeys([*villages, *counts]))
    rank = {v: i for i, v in enumerate(order)}
    with_items = sorted((v for v in order if counts.get(v)), key=lambda v: (-counts[v], rank[v]))
    return [(v, counts[v]) for v in with_items] + [(v, 0) for v in order if not counts.get(v)]


def fill_missing_areas(store, gazetteer, *, user: str) -> list[str]:
    """Give every item of a known town that has no area its area by the rule (:func:`area_of_places` over
    its ``place_refs``), saved through the store with a version check (and so in its history); ids changed.

    For data built before every item had an area; a rebuild does the same for the items it extracts.
    """
    changed = []
    for f in store.load():
        p = f.get("properties") or {}
        if p.get("area") or not p.get("town"):
            continue
        area, extra = area_of_places([gazetteer.get(r) for r in p.get("place_refs") or []], gazetteer)
        if extra or p.get("x_areas"):
            extra = list(dict.fromkeys([*(p.get("x_areas") or []), *extra]))
        new = {**f, "properties": {**p, "area": area}}
        if extra:
            new["properties"]["x_areas"] = extra
        changed.append((f, new))
    if not changed:
        return []
    store.save_items([n for _, n in changed], user=user,
                     expected_versions=[o["properties"].get("version") for o, _ in changed])
    return [o["id"] for o, _ in changed]
