"""The app on PostGIS shows what it shows on the GeoJSON file: same items, counts, filters, history, edits."""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from geo.store.cli import copy_store
from tests import app_data
from tests.apptest_support import run_app, sign_in, use_data




@pytest.fixture(params=["file", pytest.param("postgis", marks=pytest.mark.postgis)])
def backend(request, tmp_path, monkeypatch):
    data = use_data(monkeypatch, app_data.build(tmp_path / "data"))
    if request.param == "postgis":
        url = request.getfixturevalue("pg_url")
        copy_store(str(data), url)
        monkeypatch.setenv("GEO_STORE_URL", url)
        return url
    return str(data)


def _run(query=None) -> AppTest:
    return run_app(query)


def _counts_line(at) -> str:
    return next(m.value for m in at.markdown if "显示" in m.value)


@pytest.mark.parametrize("query", [{}, {"status": "planned"}, {"area": "village"}, {"q": "道路"}])
def test_same_counts_on_both_stores(backend, query):
    expected = len(app_data.features())
    at = _run(query)
    line = _counts_line(at)
    assert f"共 {expected} 项" in line
    shown = int(line.split("显示")[1].split("/")[0].strip(" *"))
    assert 0 < shown <= expected


def test_history_and_an_editors_status_change_on_both_stores(backend):
    store = open_store(backend)
    item = next(f for f in store.load() if f["properties"].get("notes") == "已验收")
    at = _run({"item": item["id"]})
    assert any("reviewer" in str(t.value.to_dict()) for t in at.table)  # the history table (st.table)
    sign_in(at, "anna")
    sel = at.selectbox(key=f"status_sel_{item['id']}")
    new_status = "suspended" if item["properties"]["status"] != "suspended" else "completed"
    sel.select(new_status)
    next(b for b in at.button if b.label == "保存状态").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = open_store(backend).get(item["id"])
    assert saved["properties"]["status"] == new_status and saved["properties"]["updated_by"] == "anna"
    assert any(e.field == "status" and e.user == "anna" for e in open_store(backend).history(item["id"]))


def test_sidebar_counts_per_status_on_both_stores(backend):
    from geo import i18n
    from geo.app.state import Keys

    at = _run({"category": "road"})
    feats = app_data.features()
    roads = [f for f in feats if f["properties"]["category"] == "road"]
    labels = at.sidebar.multiselect(key=Keys.STATUSES).options
    for status in ("planned", "completed", "in_progress"):
        n = sum(f["properties"]["status"] == status for f in roads)
        assert f"{i18n.status_label(status, 'zh')} ({n})" in labels
    cats = at.sidebar.multiselect(key=Keys.CATEGORIES).options  # other categories ignore the category filter
    n_school = sum(f["properties"]["category"] == "school" for f in feats)
    assert f"{i18n.category_label('school', 'zh')} ({n_school})" in cats
