"""The map opens on the data: wide enough to show the town around a single point, tight around many."""
from __future__ import annotations

from geo.mapview import data_bounds
from geo.mapview.build import MIN_OPENING_SPAN_DEG
from tests.conftest import make_item


def site(item_id, lon, lat):
    return make_item(item_id, geometry={"type": "Point", "coordinates": [lon, lat]}, precision="site",
                     geometry_source="manual")


def test_one_site_opens_on_a_town_sized_view_centred_on_it():
    w, s, e, n = data_bounds([site("a", 121.2, 28.9)])
    assert e - w >= MIN_OPENING_SPAN_DEG - 1e-9 and n - s >= MIN_OPENING_SPAN_DEG - 1e-9
    assert abs((w + e) / 2 - 121.2) < 1e-9 and abs((s + n) / 2 - 28.9) < 1e-9


def test_spread_sites_open_on_exactly_their_extent():
    assert data_bounds([site("a", 121.0, 28.7), site("b", 121.5, 29.1)]) == (121.0, 28.7, 121.5, 29.1)


def test_nothing_located_and_no_gazetteer_gives_no_bounds():
    assert data_bounds([make_item("a")]) is None
