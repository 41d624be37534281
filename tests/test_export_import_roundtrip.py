"""Export then import, for every format (and every datum where the format allows one)."""
from __future__ import annotations

import pytest

from geo.export import FORMATS, export_bytes
from geo.importer import ImportOptions, geometry_close, plan_import
from tests.exchange_items import content, sample_items

CASES = [(fmt, datum) for fmt, spec in FORMATS.items() for datum in spec.datums]


@pytest.mark.parametrize("fmt,datum", CASES)
def test_round_trip_keeps_items_geometry_and_chinese(fmt, datum):
    items = sample_items()
    data, filename, _mime = export_bytes(items, fmt, datum=datum, basename="东塍 项目")
    preview = plan_import(data, filename, ImportOptions(datum=None if datum == "wgs84" else datum))
    assert preview.rows_bad == []
    assert preview.kind == fmt
    got = {f["id"]: f for f in preview.features}
    assert set(got) == {f["id"] for f in items}
    tolerance = 1e-7 if datum == "wgs84" else 1e-6
    for item in items:
        back = got[item["id"]]
        assert content(back) == content(item), item["id"]
        assert geometry_close(item["geometry"], back["geometry"], tolerance), (item["id"], back["geometry"])
        if item["geometry"]:
            assert back["properties"]["geometry_source"] == "import"
            assert back["properties"]["geometry_meta"]["datum_original"] == datum
        else:
            assert back["geometry"] is None


@pytest.mark.parametrize("fmt", ["csv", "kml"])
def test_datum_is_read_from_our_own_file_when_not_given(fmt):
    items = sample_items()
    data, filename, _ = export_bytes(items, fmt, datum="gcj02")
    preview = plan_import(data, filename)  # no datum option: the file states GCJ-02
    assert set(preview.datums) == {"gcj02"}
    by_id = {f["id"]: f for f in preview.features}
    assert geometry_close(items[0]["geometry"], by_id["t-point"]["geometry"], 1e-6)


def test_gcj02_export_really_moves_the_coordinates():
    items = sample_items()[:1]
    wgs = plan_import(*export_bytes(items, "csv")[:2], ImportOptions(datum="wgs84"))
    gcj_read_as_wgs = plan_import(*export_bytes(items, "csv", datum="gcj02")[:2], ImportOptions(datum="wgs84"))
    a = wgs.features[0]["geometry"]["coordinates"]
    b = gcj_read_as_wgs.features[0]["geometry"]["coordinates"]
    # GCJ-02 is offset by hundreds of metres in Zhejiang: more than 1e-3 degrees.
    assert abs(a[0] - b[0]) + abs(a[1] - b[1]) > 1e-3
