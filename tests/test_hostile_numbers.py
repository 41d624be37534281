"""Hostile numbers: non-finite (1e999, NaN, Infinity) and oversized (a 5000-digit integer) values.

Valid JSON to Python, but not to anyone else: Python reads 1e999 as inf and writes Infinity,
and refuses integers over 4,300 digits with a traceback. Each must be refused, by file, feature
and field, everywhere JSON enters (validate, import, the store's read, every store write on both
engines), and nothing already saved may change.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.store import CorruptStore, FileStore, InvalidItem, StoreError, open_store
from geo.validate import has_errors, validate_path
from geo.validate_numbers import NumberError, in_range, loads
from tests import app_data
from tests.apptest_support import run_app, use_data
from tests.conftest import make_item

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.geojson"
SLOT = "@@number@@"

# literal as written in the file -> what the message shows of it
BAD_NUMBERS = {
    "1e999": "1e999",
    "-1e999": "-1e999",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "9" * 5000: "5000-digit integer",   # Python refuses to read it at all
    "9" * 400: "400-digit integer",     # Python reads it; browsers and GDAL read infinity
    "1" + "0" * 400 + ".5": "1000000",  # a float literal past 1.8e308
}


def _sourced_point() -> list[float]:
    """A town seat of the bundled gazetteer (a sourced coordinate, never typed in)."""
    doc = json.loads(PLACES.read_text(encoding="utf-8"))
    seat = next(f for f in doc["features"] if f["properties"].get("kind") == "town"
                and (f.get("geometry") or {}).get("type") == "Point")
    return list(seat["geometry"]["coordinates"])


def _with_slot(where: str) -> dict:
    """An item with SLOT where the bad number goes."""
    if where == "geometry":
        lon, lat = _sourced_point()
        f = make_item("n-1", precision="site", geometry={"type": "Point", "coordinates": [lon, SLOT]})
        return f
    f = make_item("n-1")
    if where == "quantity.value":
        f["properties"]["quantity"] = {"value": SLOT, "unit": "公里", "qualifier": None}
    elif where == "budget_wan":
        f["properties"]["budget_wan"] = SLOT
    elif where == "x_survey.depth.0":
        f["properties"]["x_survey"] = {"depth": [SLOT, 2]}
    return f


def collection_text(literal: str, where: str = "quantity.value", extra: list[dict] | None = None) -> str:
    features = [make_item("ok-1")] + [_with_slot(where)] + list(extra or [])
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return text.replace(json.dumps(SLOT), literal)


def _no_traceback(proc: subprocess.CompletedProcess) -> str:
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-2000:]
    return out


def geo_cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


# ---- validate (in process: every number in every place) --------------------------------------
@pytest.mark.parametrize("where", ["quantity.value", "budget_wan", "x_survey.depth.0", "geometry"])
@pytest.mark.parametrize("literal", list(BAD_NUMBERS), ids=lambda s: s if len(s) < 12 else f"{len(s)}chars")
def test_validate_names_file_feature_and_field_of_every_bad_number(tmp_path, literal, where):
    path = tmp_path / "bad.geojson"
    path.write_text(collection_text(literal, where), encoding="utf-8")
    problems = validate_path(path)
    assert has_errors(problems)
    lines = [p.line() for p in problems]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"bad.geojson: feature n-1, field {where}: ")
    assert BAD_NUMBERS[literal] in lines[0]
    assert "use a" in lines[0]  # says what to do


def test_numbers_outside_features_and_many_of_them_are_all_named(tmp_path):
    literal = "1e999"
    text = collection_text(literal, extra=[_with_slot("budget_wan") | {"id": f"m-{i}"} for i in range(30)])
    text = text.replace('"type": "FeatureCollection"', f'"type": "FeatureCollection", "bbox": [{literal}, 0, 1, 1]', 1)
    text = text.replace(json.dumps(SLOT), literal)
    path = tmp_path / "many.geojson"
    path.write_text(text, encoding="utf-8")
    lines = [p.line() for p in validate_path(path)]
    assert lines[0].startswith("many.geojson: field bbox.0: 1e999")
    assert any("feature n-1, field quantity.value" in line for line in lines)
    assert "more numbers like these" in lines[-1] and len(lines) <= 21


def test_fine_numbers_stay_fine():
    assert in_range(1.7976931348623157e308) and in_range(10 ** 300) and in_range(-0.0) and in_range(True)
    assert not in_range(float("inf")) and not in_range(10 ** 309) and not in_range(float("nan"))
    doc = loads('{"a": 1.5e300, "b": 12345678901234567890, "c": [0, -1e-999]}')
    assert doc == {"a": 1.5e300, "b": 12345678901234567890, "c": [0, -0.0]}
    with pytest.raises(NumberError) as err:
        loads('{"a": [1, NaN]}', "x.json")
    assert str(err.value).startswith("x.json: field a.1: NaN")


# ---- every command that reads a GeoJSON file ------------------------------------------------
@pytest.mark.parametrize("literal", ["1e999", "9" * 5000], ids=["1e999", "5000-digit"])
def test_commands_refuse_a_bad_number_with_one_line_and_no_traceback(tmp_path, literal):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(PLACES, data / "places.geojson")
    items = data / "projects.geojson"
    items.write_text(collection_text(literal), encoding="utf-8")
    plan = ROOT / "data" / "plans" / "dongcheng-2020-work-plan.txt"
    runs = {
        "validate": geo_cli("validate", str(items)),
        "export": geo_cli("export", str(items), "-f", "geojson", "-o", str(tmp_path / "out.geojson")),
        "render": geo_cli("render", str(items), "-o", str(tmp_path / "out.html"), "--basemap", "none"),
        "report": geo_cli("report", str(items), "-o", str(tmp_path / "out.pdf")),
        "store info": geo_cli("store", "info", str(data)),
        "build": geo_cli("build", str(plan), "-o", str(items)),
        "import": geo_cli("import", str(items), "--store", str(tmp_path / "target"), "--yes"),
    }
    shown = BAD_NUMBERS[literal]
    for name, proc in runs.items():
        out = _no_traceback(proc)
        assert proc.returncode != 0, (name, out)
        assert "feature n-1" in out and "quantity.value" in out and shown in out, (name, out)
    assert not (tmp_path / "out.geojson").exists() and not (tmp_path / "out.html").exists()
    assert not (tmp_path / "target" / "projects.geojson").exists()  # the import wrote nothing
    assert items.read_text(encoding="utf-8") == collection_text(literal)  # the build changed nothing


def test_a_bad_number_in_the_gazetteer_is_named(tmp_path):
    places = json.loads(PLACES.read_text(encoding="utf-8"))
    first = places["features"][0]
    text = json.dumps(places, ensure_ascii=False).replace(
        json.dumps(first["properties"], ensure_ascii=False)[:-1], json.dumps(first["properties"], ensure_ascii=False)[:-1]
        + ', "x_height": ' + "7" * 5000, 1)
    bad = tmp_path / "places.geojson"
    bad.write_text(text, encoding="utf-8")
    items = tmp_path / "items.geojson"
    items.write_text(json.dumps({"type": "FeatureCollection", "features": [make_item("g-1")]}), encoding="utf-8")
    for proc in (geo_cli("render", str(items), "-o", str(tmp_path / "m.html"), "--places", str(bad)),
                 geo_cli("gazetteer", "lookup", "东塍", "--places", str(bad)),
                 geo_cli("validate", str(items), "--places", str(bad))):
        out = _no_traceback(proc)
        assert "places.geojson" in out and "x_height" in out and "5000-digit integer" in out, out


def test_csv_cell_with_1e999_is_a_bad_row(tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("id,name,category,status,budget_wan\nc-1,测试道路,road,planned,1e999\n"
                   "c-2,测试桥,bridge,planned,12\n", encoding="utf-8")
    proc = geo_cli("import", str(csv), "--store", str(tmp_path / "s"), "--yes")
    out = _no_traceback(proc)
    assert proc.returncode == 0 and "bad row 2" in out and "1e999" in out
    saved = FileStore(tmp_path / "s").load()
    assert [f["id"] for f in saved] == ["c-2"]
    assert "Infinity" not in (tmp_path / "s" / "projects.geojson").read_text(encoding="utf-8")


def test_extractor_drops_a_quantity_no_json_reader_can_hold():
    from geo.extract import extract_text

    for number in ("9" * 400, "9" + "0" * 400 + ".5"):
        _, items = extract_text(f"新建道路{number}公里。\n新建道路12公里。", plan_id="p", town="测试镇",
                                county="测试县", year=2020)
        values = [(i.get("quantity") or {}).get("value") for i in items]
        assert 12 in values and all(in_range(v) for v in values), values  # the impossible one is no quantity


# ---- the store: every write, both engines ------------------------------------------------------
BAD_VALUES = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan"), "huge": 10 ** 400}


def _bad_item(item_id: str, value, where: str = "budget_wan") -> dict:
    f = make_item(item_id)
    if where == "budget_wan":
        f["properties"]["budget_wan"] = value
    elif where == "progress":
        f["properties"]["progress"] = {"done": value}
    elif where == "x_extra":
        f["properties"]["x_extra"] = {"readings": [1, value]}
    return f


def _writes(store, bad: dict) -> dict:
    """Each way a store is written, given one bad item (each must refuse)."""
    ok = store.get("keep")
    changed = json.loads(json.dumps(ok))
    changed["properties"]["budget_wan"] = bad["properties"].get("budget_wan")
    changed["properties"]["x_extra"] = bad["properties"].get("x_extra")
    changed["properties"]["progress"] = bad["properties"].get("progress")
    extracted = json.loads(json.dumps(bad))
    for key in ("version", "updated_at", "updated_by"):
        extracted["properties"].pop(key)
    return {
        "save_item (new)": lambda: store.save_item(bad, expected_version=None, user="anna"),
        "save_item (edit)": lambda: store.save_item(changed, expected_version=1, user="anna"),
        "save_items": lambda: store.save_items([make_item("other"), bad], user="anna",
                                               expected_versions=[None, None]),
        "merge_extracted": lambda: store.merge_extracted([extracted], user="build"),
        "replace_all": lambda: store.replace_all([ok, bad], user="restore"),
    }


def _check_store_refuses(store, snapshot):
    for where in ("budget_wan", "progress", "x_extra"):
        for name, value in BAD_VALUES.items():
            bad = _bad_item("bad-1", value, where)
            for how, write in _writes(store, bad).items():
                with pytest.raises(StoreError) as err:
                    write()
                assert isinstance(err.value, InvalidItem), (how, err.value)
                msg = str(err.value)
                assert where in msg and ("Infinity" in msg or "NaN" in msg or "401-digit" in msg), (how, msg)
                assert snapshot() == ([f["id"] for f in store.load()], len(store.history())), how


def test_file_store_refuses_bad_numbers_on_every_write_and_changes_nothing(tmp_path):
    store = FileStore(tmp_path)
    store.save_item(make_item("keep"), expected_version=None, user="seed")
    before = (tmp_path / "projects.geojson").read_bytes(), (tmp_path / "audit.jsonl").read_bytes()
    _check_store_refuses(store, lambda: (["keep"], len(store.history())))
    assert ((tmp_path / "projects.geojson").read_bytes(), (tmp_path / "audit.jsonl").read_bytes()) == before


@pytest.mark.postgis
def test_postgis_refuses_bad_numbers_on_every_write_and_changes_nothing(pg_url):
    store = open_store(pg_url)
    store.save_item(make_item("keep"), expected_version=None, user="seed")
    history = len(store.history())
    _check_store_refuses(store, lambda: (["keep"], history))
    assert store.get("keep")["properties"]["version"] == 1


@pytest.mark.parametrize("literal", ["Infinity", "1e999", "NaN", "9" * 5000], ids=["Infinity", "1e999", "NaN", "5000-digit"])
def test_file_store_read_names_data_file_feature_field_and_fix(tmp_path, literal):
    (tmp_path / "projects.geojson").write_text(collection_text(literal), encoding="utf-8")
    with pytest.raises(CorruptStore) as err:
        FileStore(tmp_path).load()
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'projects.geojson'}: feature n-1, field quantity.value: ")
    assert BAD_NUMBERS[literal] in msg and "restore the file from backup or git" in msg


def test_app_names_the_data_file_and_the_fix(tmp_path, monkeypatch):
    data = app_data.build(tmp_path / "data")
    text = (data / "projects.geojson").read_text(encoding="utf-8")
    first = json.loads(text)["features"][0]
    needle = f'"id":"{first["id"]}"'
    assert needle in text
    (data / "projects.geojson").write_text(text.replace(needle, needle + ',"x_big":' + "9" * 5000, 1),
                                           encoding="utf-8")
    use_data(monkeypatch, data)
    at = run_app()
    errors = [e.value for e in at.error]
    assert any(str(data / "projects.geojson") in e and "x_big" in e and "5000-digit integer" in e
               and "restore the file from backup or git" in e for e in errors), errors
    assert not any("ValueError" in e for e in errors)


def test_history_written_before_the_checks_still_reads(tmp_path):
    """An audit line with Infinity (as older versions wrote it) shows as text and copies on."""
    store = FileStore(tmp_path)
    store.save_item(make_item("h-1"), expected_version=None, user="seed")
    with open(tmp_path / "audit.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"ts": "2026-01-01T00:00:00+00:00", "user": "old", "item": "h-1", "action": "update",
                             "field": "budget_wan", "old": None, "new": float("inf"), "version": 2}) + "\n")
        fh.write('{"ts": "t", "user": "old", "item": "h-1", "action": "update", "field": "x", "old": null, '
                 f'"new": {"9" * 5000}, "version": 3}}\n')
    old = [e for e in store.history("h-1") if e.user == "old"]
    assert [(e.field, e.new) for e in old] == [("budget_wan", "Infinity"), ("x", "<5000-digit integer>")]
    copy = FileStore(tmp_path / "copy")
    copy.append_history(store.history())
    assert [e.new for e in copy.history("h-1") if e.user == "old"] == ["Infinity", "<5000-digit integer>"]
    assert "Infinity" not in (tmp_path / "copy" / "audit.jsonl").read_text(encoding="utf-8").replace('"Infinity"', "")


@pytest.mark.postgis
def test_postgis_value_python_cannot_read_is_named_with_item_and_fix(pg_url):
    import psycopg

    store = open_store(pg_url)
    store.save_item(make_item("p-1"), expected_version=None, user="seed")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE items SET props = jsonb_set(props, '{budget_wan}', ('9' || repeat('9', 4999))::jsonb)")
        conn.execute('INSERT INTO audit (ts, "user", item, action, field, old, new, version) '
                     "VALUES ('t', 'sql', 'p-1', 'update', 'budget_wan', NULL, ('9' || repeat('9', 4999))::jsonb, 2)")
    for read in (store.load, lambda: store.get("p-1"), lambda: store.query()):
        with pytest.raises(CorruptStore) as err:
            read()
        msg = str(err.value)
        assert "item p-1, field budget_wan: a 5000-digit integer" in msg and "restore the database" in msg
    assert [e.new for e in store.history("p-1") if e.user == "sql"] == ["<5000-digit integer>"]


def test_progress_of_infinity_is_refused_by_the_field_helper():
    from geo.field import FieldError, with_progress

    for value in ("inf", "1e999", float("inf")):
        with pytest.raises(FieldError, match="finite"):
            with_progress(make_item("f-1"), value)
