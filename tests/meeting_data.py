"""Synthetic data for the projector and exchange tests: the app test data (tests.app_data) plus
quantity targets and progress on two items, written through the store API. TEST data only."""
from __future__ import annotations

from pathlib import Path

from geo.store import open_store
from tests import app_data

# (item id, quantity, progress.done) — derived into expectations by the tests, never typed there.
TARGETS = {
    "t-0001": ({"value": 3, "unit": "公里", "qualifier": None}, 1.5),
    "t-0004": ({"value": 200, "unit": "亩", "qualifier": None}, None),
}


def build(directory: Path) -> Path:
    app_data.build(directory)
    store = open_store(directory)
    for item_id, (quantity, done) in TARGETS.items():
        item = store.get(item_id)
        props = {**item["properties"], "quantity": quantity}
        if done is not None:
            props["progress"] = {"done": done, "updated_at": "2026-01-02T00:00:00+00:00"}
        store.save_item({**item, "properties": props}, expected_version=item["properties"]["version"], user="test")
    return directory


if __name__ == "__main__":
    import sys
    build(Path(sys.argv[1]))
