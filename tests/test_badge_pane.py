"""Count badges are drawn in their own pane below the items' panes, so they never cover a located item."""
from __future__ import annotations

import re

from geo.mapview import build_map, get_basemap
from geo.mapview.aggregate import BADGE_PANE
from geo.mapview.context import places_from_features
from tests import app_data


def test_badges_lie_in_a_pane_below_the_items():
    places = places_from_features(app_data.places()["features"])
    html = build_map(app_data.features(), basemap=get_basemap("none"), places=places).get_root().render()
    made = re.search(r'createPane\(\s*"%s"\);\s*\S+\.style\.zIndex = (\d+);' % BADGE_PANE, html)
    assert made, "the badge pane is made with the map"
    assert int(made.group(1)) < 400  # Leaflet's overlayPane (lines, polygons) 400, markerPane (symbols) 600
    assert re.search(r'"pane": "%s"' % BADGE_PANE, html), "badge markers are put in it"
