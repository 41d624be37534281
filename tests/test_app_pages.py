"""Page logic with streamlit.testing.v1.AppTest: filters, URL state, counts, bad data, list and plan pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.state import Keys, ViewState, from_query, to_query
from tests import app_data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


def _run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at: AppTest) -> tuple[int, int]:
    text = " ".join(m.value for m in at.markdown)
    m = re.search(r"显示 (\d+) / 共 (\d+) 项", text) or re.search(r"(\d+) of (\d+) items shown", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def _expected(**where) -> int:
    return sum(all(f["properties"].get(k) in v for k, v in where.items()) for f in app_data.features())


def test_map_page_shows_all_items_and_counts(data_dir):
    at = _run()
    assert _counts(at) == (len(app_data.features()), len(app_data.features()))
    assert not at.error


def test_filter_from_url_applies_and_sets_widgets(data_dir):
    at = _run({"status": "planned,completed"})
    assert _counts(at)[0] == _expected(status=("planned", "completed"))
    assert at.session_state[Keys.STATUSES] == ["planned", "completed"]


def test_changing_a_filter_updates_counts_and_url(data_dir):
    at = _run()
    at.multiselect(key=Keys.CATEGORIES).set_value(["road"]).run()
    assert _counts(at)[0] == _expected(category=("road",))
    assert at.query_params["category"] in ("road", ["road"])
    at.multiselect(key=Keys.AREA_KINDS).set_value(["whole"]).run()
    assert _counts(at)[0] == _expected(category=("road",), area=("全镇",))
    assert at.query_params["area"] in ("whole", ["whole"])


def test_area_kind_village_means_every_village(data_dir):
    at = _run({"area": "village"})
    villages = {f["properties"]["area"] for f in app_data.features()} - {None, "镇区", "全镇"}
    assert _counts(at)[0] == _expected(area=tuple(villages))


def test_free_text_search_counts(data_dir):
    at = _run()
    at.text_input(key=Keys.TEXT).input("水库").run()
    assert _counts(at)[0] == sum("水库" in f["properties"]["text"] or "水库" in f["properties"]["name"]
                                 for f in app_data.features())
    assert at.query_params["q"] in ("水库", ["水库"])


def test_unknown_codes_in_the_url_are_ignored(data_dir):
    at = _run({"status": "nonsense", "category": "road", "basemap": "nope"})
    assert at.session_state[Keys.STATUSES] == []
    assert _counts(at)[0] == _expected(category=("road",))


def test_selected_item_in_url_shows_its_detail_and_history(data_dir):
    item = app_data.features()[1]
    at = _run({"item": item["id"]})
    headings = " ".join(m.value for m in at.markdown)
    assert item["properties"]["name"] in headings
    texts = " ".join(t.value for t in at.text)
    assert item["properties"]["text"] in texts
    # the reviewer's edit is in the history table (修改记录, a wrapping st.table)
    frames = [t.value for t in at.table]
    assert any("reviewer" in str(f.to_dict()) for f in frames)


def test_english_toggle(data_dir):
    at = _run({"lang": "en"})
    assert at.toggle(key=Keys.ENGLISH).value is True
    assert _counts(at)[0] == len(app_data.features())
    assert any("items shown" in m.value for m in at.markdown)


def test_corrupt_store_says_what_is_wrong(data_dir):
    (data_dir / "projects.geojson").write_text("{broken", encoding="utf-8")
    at = _run()
    assert at.error, "a corrupt file must be reported"
    assert "projects.geojson" in at.error[0].value
    assert _counts(at) == (0, 0)


def test_missing_data_folder_still_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path / "nothing-here"))
    at = _run()
    assert at.info or at.error
    assert _counts(at) == (0, 0)


def test_list_page_rows_follow_the_filter(data_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["status"] = "planned"
    at.run()
    at.switch_page("pages/list.py").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == _expected(status=("planned",))
    assert set(frame.iloc[:, 0]) == {f["properties"]["name"] for f in app_data.features()
                                     if f["properties"]["status"] == "planned"}


def test_plan_page_marks_every_item_and_escapes(data_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    assert html.count('class="geo-mark') == len(app_data.features())
    assert app_data.XSS_NAME not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # unlocated items are marked as such
    unlocated = [f for f in app_data.features() if not f["geometry"]]
    assert html.count("geo-mark geo-unlocated") == len(unlocated)


def test_query_round_trip():
    state = ViewState(area_kinds=("seat",), villages=("甲村",), statuses=("planned",), categories=("road", "school"),
                      years=(2020,), text="道路", basemap="none", lang="en", selected=("t-0001",))
    params = {k: v for k, v in to_query(state).items()}
    assert from_query(params, basemaps=("osm", "none")) == state
    assert to_query(ViewState()) == {}
