"""Places (地名) with honest geometry: seed from sources, look up names, set locations.

``load_gazetteer(path=None) -> Gazetteer``; ``Gazetteer.lookup(name, town=None) -> Match | None``;
``Gazetteer.set_geometry(...)`` / ``add_place(...)`` write atomically; ``seed_places(sources_dir)``.
"""
from geo.gazetteer.core import (
    PLACE_PRECISIONS, Gazetteer, GazetteerError, Match, load_gazetteer, name_variants, normalise_name,
    place_schema, validate_place, write_places,
)
from geo.gazetteer.seed import SeedError, seed_places

__all__ = [
    "PLACE_PRECISIONS", "Gazetteer", "GazetteerError", "Match", "SeedError", "load_gazetteer", "name_variants",
    "normalise_name", "place_schema", "seed_places", "validate_place", "write_places",
]
