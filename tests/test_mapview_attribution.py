"""The outline's licence asks for credit: the map shows its source, escaped, whenever it draws the outline."""
from __future__ import annotations

import json

from geo.mapview import render_html
from geo.mapview.context import load_places

SQUARE = {"type": "Polygon", "coordinates": [[[121.0, 28.8], [121.3, 28.8], [121.3, 29.0], [121.0, 29.0], [121.0, 28.8]]]}


def write_places(tmp_path, source, licence):
    place = {"type": "Feature", "id": "c1", "geometry": SQUARE,
             "properties": {"name": "某县", "kind": "county", "source": source, "licence": licence}}
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [place]}, ensure_ascii=False), "utf-8")
    return load_places(path)


def test_outline_source_and_licence_are_credited_on_the_map(tmp_path):
    places = write_places(tmp_path, "SomeOrg/boundaries data/x.json", "CC BY 4.0 (SomeOrg); more terms")
    html = render_html([], basemap="none", places=places)
    assert "SomeOrg/boundaries (CC BY 4.0)" in html


def test_credit_from_data_is_escaped(tmp_path):
    places = write_places(tmp_path, "<img src=x onerror=alert(1)>", "CC0")
    html = render_html([], basemap="none", places=places)
    assert "<img (CC0)" not in html
    assert "&lt;img (CC0)" in html or "\\u0026lt;img (CC0)" in html
