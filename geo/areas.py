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
"""
from __future__ import annotations

from geo.contract import AREA_TOWN_SEAT

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
        else:
            new_area, extra = None, sorted(areas)
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
