"""Places (地名) with honest geometry: seed from sources, look up names, set locations.

``load_gazetteer(path=None) -> Gazetteer``; ``Gazetteer.lookup(name, town=None) -> Match | None``;
``Gazetteer.set_geometry(...)`` / ``add_place(...)`` write atomically; ``seed_places(sources_dir)``.

Any town of China, from the national index built at set-up (what the app's town picker calls):
``search_towns(query, within=None) -> [TownInfo]``, ``seed_town(town, data_dir, within=None) ->
SeedReport``, ``detect_town(text, title=…, town=…, county=…) -> Detection``; errors are
``DivisionsError`` (``IndexMissing``, ``UnknownTown``, ``AmbiguousTown`` with ``.candidates``).
"""
from geo.gazetteer.core import (
    PLACE_PRECISIONS, Gazetteer, GazetteerError, Match, load_gazetteer, name_variants, normalise_name,
    place_schema, rewrite_places, validate_place, write_places,
)
from geo.gazetteer.seed import SeedError, seed_places
from geo.gazetteer.divisions import (  # noqa: E402  (after core: divisions uses GazetteerError)
    AmbiguousTown, DivisionsError, IndexMissing, TownInfo, UnknownTown, VillageInfo, open_index, search_towns,
)
from geo.gazetteer.detect import Detection, detect_town  # noqa: E402
from geo.gazetteer.towns import SeedReport, seed_town  # noqa: E402

__all__ = [
    "PLACE_PRECISIONS", "Gazetteer", "GazetteerError", "Match", "SeedError", "load_gazetteer", "name_variants",
    "normalise_name", "place_schema", "rewrite_places", "seed_places", "validate_place", "write_places",
    "AmbiguousTown", "Detection", "DivisionsError", "IndexMissing", "SeedReport", "TownInfo", "UnknownTown",
    "VillageInfo", "detect_town", "open_index", "search_towns", "seed_town",
]
