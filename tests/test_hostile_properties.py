"""Property tests (hypothesis): the store gives back exactly what was saved, the extractor never crashes
on any text or bytes (only ExtractError), the validator never raises on any JSON. The slow-marked
fuzz runs push the same properties with many more examples, each bounded to well under 2 minutes.
(Coordinate conversions have their properties in tests/test_coords.py.)
"""
from __future__ import annotations

import json
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from geo.contract import CATEGORIES, PRECISIONS, STATUSES
from geo.extract import ExtractError, extract_text
from geo.extract.documents import decode_document
from geo.store import FileStore
from geo.validate import _in_china, has_errors, parse_geojson_text, validate_collection
from tests.conftest import make_item

# ---- strategies ------------------------------------------------------------------------------------------------
def _looks_swapped(positions) -> bool:
    """What the validator refuses on purpose as lat/lon order (geo.validate): outside China, inside it when
    swapped. Positions anywhere else on Earth are valid (hypothesis found [17.0, 73.0] once)."""
    return not any(_in_china(x, y) for x, y in positions) and all(_in_china(y, x) for x, y in positions)


ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,40}", fullmatch=True)
texts = st.text(max_size=60)  # any Unicode except surrogates: controls, RTL marks, zero-width, CJK, emoji
names = st.text(min_size=1, max_size=200)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
lon = st.floats(min_value=-180, max_value=180, allow_nan=False)
lat = st.floats(min_value=-90, max_value=90, allow_nan=False)
points = st.builds(lambda x, y: {"type": "Point", "coordinates": [x, y]}, lon, lat).filter(
    lambda g: not _looks_swapped([g["coordinates"]]))
lines = st.lists(st.tuples(lon, lat).map(list), min_size=2, max_size=6).filter(lambda cs: not _looks_swapped(cs)).map(
    lambda cs: {"type": "LineString", "coordinates": cs})
quantities = st.none() | st.fixed_dictionaries({
    "value": st.none() | finite, "unit": st.none() | texts,
    "qualifier": st.sampled_from([None, "at_least", "about", "more_than"])})


@st.composite
def items(draw, item_id=None):
    geometry = draw(st.none() | points | lines)
    precision = draw(st.sampled_from(PRECISIONS))
    return make_item(
        item_id or draw(ids), name=draw(names), category=draw(st.sampled_from(CATEGORIES)),
        status=draw(st.sampled_from(STATUSES)), section=draw(st.none() | texts), plan_verb=draw(st.none() | texts),
        places=draw(st.lists(st.text(min_size=1, max_size=20), max_size=4)), area=draw(st.none() | texts),
        quantity=draw(quantities), budget_wan=draw(st.none() | st.floats(min_value=0, allow_nan=False,
                                                                          allow_infinity=False)), text=draw(texts),
        span=draw(st.none() | st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(sorted)),
        notes=draw(st.none() | texts), year=draw(st.none() | st.integers(1949, 2100)),
        precision=precision, geometry=geometry,
        geometry_source=draw(st.sampled_from([None, "gazetteer", "manual", "gps", "draw", "online:amap"])),
        x_extra=draw(st.none() | texts | st.lists(texts, max_size=3)))


@st.composite
def item_batches(draw):
    batch_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    return [draw(items(item_id=i)) for i in batch_ids]


BOOKKEEPING = {"version", "updated_at", "updated_by", "edited_fields"}


def _content(feature: dict) -> dict:
    return {"geometry": feature["geometry"],
            "properties": {k: v for k, v in feature["properties"].items() if k not in BOOKKEEPING}}


def _same(a, b) -> bool:
    """Equal, with -0.0 == 0.0 and floats compared exactly otherwise (JSON keeps repr)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) or a == b


# ---- store round trip ------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_batches())
def test_store_round_trip_gives_back_what_was_saved(batch):
    with tempfile.TemporaryDirectory() as tmp:
        store = FileStore(tmp)
        saved = store.save_items(batch, user="prop-test", expected_versions=[None] * len(batch))
        assert [s["id"] for s in saved] == [b["id"] for b in batch]
        loaded = {f["id"]: f for f in FileStore(tmp).load()}  # a fresh reader, from the file
        assert list(loaded) == [b["id"] for b in batch]
        for item in batch:
            assert _same(_content(loaded[item["id"]]), _content(item)), item["id"]
            assert loaded[item["id"]]["properties"]["version"] == 1
        # saving what was loaded changes nothing and bumps no version
        again = store.save_items([loaded[i] for i in loaded], user="prop-test")
        assert all(a["properties"]["version"] == 1 for a in again)
        history = store.history()
        assert {e.item for e in history} == set(loaded)


# ---- extractor never crashes -------------------------------------------------------------------------------
# Pieces of plan language, so random texts reach deep into structure, numerals, places and classification.
PLAN_PIECES = [
    "一、", "（二）", "(三)", "1.", "２．", "新建", "完成", "推进", "谋划", "实施", "村", "镇", "水库", "道路", "公里",
    "5G基站", "６０", "个", "以上", "约", "万元", "亿元", "亩", "，", "。", "；", "、", "\n", "\r\n", "\r", " ",
    "\u3000", "\u200b", "\ufeff", "零", "一万零十", "三百", "第", "2020年", "%", "％", "东塍镇", "岭根村", "至",
    "工作计划", "报告", "改造", "提升", "（", "）", "《", "》", "“", "”", "\t", "\x00", "\x7f", "\ud7ff", "🚧",
]
plan_like = st.lists(st.sampled_from(PLAN_PIECES), max_size=120).map("".join)


def _extract_or_refuse(text: str) -> None:
    try:
        doc, found = extract_text(text, plan_id="fuzz")
    except ExtractError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for item in found:
        start, end = item["span"]
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == item["text"]


def _decode_or_refuse(data: bytes) -> None:
    try:
        text = decode_document(data, name="fuzz.bin")
    except ExtractError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(text, str)
    _extract_or_refuse(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400) | plan_like)
def test_extractor_on_random_text_never_crashes(text):
    _extract_or_refuse(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000) | plan_like.map(lambda t: t.encode("gb18030", errors="ignore"))
       | plan_like.map(lambda t: t.encode("utf-16")))
def test_document_decoder_on_random_bytes_never_crashes(data):
    _decode_or_refuse(data)


# ---- validator never raises -------------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4), max_leaves=20)


@st.composite
def damaged_features(draw):
    """A valid item with one part replaced by arbitrary JSON: the realistic kind of broken file."""
    feature = draw(items())
    where = draw(st.sampled_from(["geometry", "properties", "id", "type", "coordinates", "prop", "drop"]))
    junk = draw(json_values)
    if where == "coordinates" and feature["geometry"]:
        feature["geometry"]["coordinates"] = junk
    elif where == "prop":
        feature["properties"][draw(st.sampled_from(sorted(feature["properties"])))] = junk
    elif where == "drop":
        feature["properties"].pop(draw(st.sampled_from(sorted(feature["properties"]))))
    elif where in feature:
        feature[where] = junk
    return feature


def _validate_never_raises(doc) -> None:
    text = doc if isinstance(doc, str) else json.dumps(doc, allow_nan=True)
    parsed, problems = parse_geojson_text(text, "fuzz")
    if parsed is not None:
        problems += validate_collection(parsed, "fuzz")
    for p in problems:
        assert p.line() and "\n" not in p.field


@settings(max_examples=100, deadline=None)
@given(st.lists(damaged_features(), max_size=4) | st.lists(json_values, max_size=3))
def test_validator_on_damaged_collections_never_raises(features):
    _validate_never_raises({"type": "FeatureCollection", "features": features})


@settings(max_examples=100, deadline=None)
@given(json_values | st.text(max_size=300))
def test_validator_on_any_json_or_text_never_raises(doc):
    _validate_never_raises(doc)


def test_valid_items_are_valid():
    """The generator above makes contract-valid items: damaged ones are damaged on purpose."""
    @settings(max_examples=50, deadline=None)
    @given(items())
    def check(item):
        assert not has_errors(validate_collection({"features": [item]})) or _precision_mismatch(item)
    check()


def _precision_mismatch(item) -> bool:
    p = item["properties"]["precision"]
    return (item["geometry"] is None and p in ("exact", "site", "segment")) or (item["geometry"] and p == "none")


# ---- fuzz runs (slow, bounded) -----------------------------------------------------------------------------------
@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=2000) | plan_like)
def test_fuzz_extractor_text(text):
    _extract_or_refuse(text)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=20000) | plan_like.map(lambda t: t.encode("gb18030", errors="ignore")))
def test_fuzz_document_decoder(data):
    _decode_or_refuse(data)


@pytest.mark.slow
@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(damaged_features(), max_size=8) | st.lists(json_values, max_size=6) | json_values)
def test_fuzz_validator(features):
    _validate_never_raises({"type": "FeatureCollection", "features": features}
                           if isinstance(features, list) else features)


