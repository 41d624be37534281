"""Any town in China, on the national index set-up builds (vendor/divisions.sqlite or $GEO_DIVISIONS).

These skip, saying so, when the index was not built: run ``bash scripts/setup.sh test`` (CI does).
The corpus texts in tests/towns/ are copies of ../shared/corpus/towns/; their ``# region:`` header
is removed before detection and used only to check it.
"""
from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.bench.towns import lines, measure, region_of
from geo.config import PROJECT_ROOT
from geo.extract import extract_text
from geo.gazetteer import load_gazetteer
from geo.gazetteer.detect import detect_town
from geo.gazetteer.divisions import AmbiguousTown, index_path, open_index
from geo.gazetteer.towns import seed_town

HERE = Path(__file__).resolve().parent
TOWNS = sorted((HERE / "towns").glob("[0-9]*.txt"))
BUNDLED_PLAN = PROJECT_ROOT / "data" / "plans" / "dongcheng-2020-work-plan.txt"
SHARED_PLACES = PROJECT_ROOT.parent / "shared" / "data" / "gazetteer-sources" / "places.csv"

pytestmark = pytest.mark.skipif(
    not index_path().is_file(),
    reason=f"national division index {index_path()} not built: run bash scripts/setup.sh test")


@pytest.fixture(scope="module")
def index():
    return open_index()


@pytest.fixture(scope="module")
def figures(index):
    figs = measure([*TOWNS, BUNDLED_PLAN], index=index)
    print("\n" + "\n".join(lines(figs)))
    return {f.plan: f for f in figs}


def test_the_index_holds_every_year_and_the_whole_country(index):
    assert sorted(index.info.lists) == [2018, 2019, 2020, 2021, 2022, 2023]
    provinces = [u for u in (index.unit(f"{c:02d}") for c in range(11, 83)) if u and u["listing"] == "current"]
    assert len(provinces) == 31
    assert len(index.search_towns("古城街道", prefix=False, limit=500)) > 10


def test_ambiguous_names_list_candidates_with_county_and_code(index):
    with pytest.raises(AmbiguousTown) as amb:
        index.find_town("古城街道")
    assert len(amb.value.candidates) > 10 and all(t.county and len(t.code) == 9 for t in amb.value.candidates)
    assert index.find_town("古城街道", within="临海市").code == "331082001"
    assert index.find_town("上盘", within="临海").name == "上盘镇"


def test_every_village_of_the_nbs_2023_list_is_seeded_with_its_code(index, tmp_path):
    wanted = {ln.strip() for ln in (HERE / "towns" / "dongcheng_village_codes_nbs2023.txt").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")}
    seed_town("东塍镇", tmp_path, within="临海市", index=index)
    gaz = load_gazetteer(tmp_path / "places.geojson")
    current = {p["properties"]["admin_code"] for p in gaz.places
               if p["properties"]["kind"] == "village" and p["properties"]["listing"] == "current"}
    assert current == wanted


@pytest.mark.parametrize("path", TOWNS, ids=[p.stem for p in TOWNS])
def test_the_town_is_detected_from_title_and_text_never_wrongly(index, path):
    text, region = region_of(path.read_text(encoding="utf-8"))
    assert "# region" not in text
    doc, _ = extract_text(text, plan_id=path.stem)
    found = detect_town(doc.text, title=doc.title, town=doc.town, county=doc.county, index=index)
    want_town, want_county = region[-1], region[-2]

    def is_it(t):
        return t.name == want_town and want_county in (t.county, t.prefecture)

    if found.town is not None:
        assert is_it(found.town), found.message()
    else:  # ambiguous: the right town is among the candidates the user picks from
        assert found.ambiguous and any(is_it(t) for t in found.candidates), found.message()


def test_corpus_towns_get_their_full_village_lists_and_no_invented_coordinate(figures):
    for f in figures.values():
        assert f.detected, f.plan
        assert f.villages_seeded == f.villages_nbs > 0, f.plan
        assert f.invented_coordinates == 0, f.plan


def test_village_names_in_the_plans_end_up_in_place_refs(figures):
    mentions = sum(len(f.mentions) for f in figures.values())
    resolved = sum(len(f.resolved) for f in figures.values())
    assert mentions >= 30
    # Every miss is a clause the extractor gives no item or no place for (see the report); the floor
    # keeps the build-side linking from regressing.
    assert resolved / mentions >= 0.75, lines(list(figures.values()))
    assert figures[BUNDLED_PLAN.name].share == 1.0


def test_geonames_seats_agree_with_independent_published_seats(index):
    """GeoNames seats of Linhai's towns against the Amap seats collected in ../shared (a check only)."""
    if not SHARED_PLACES.is_file():
        pytest.skip("../shared gazetteer sources not present")
    with SHARED_PLACES.open(encoding="utf-8-sig") as fh:
        amap = {r["admin_code"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)
                if "converted" in r["datum"] and len(r["admin_code"]) == 9}
    compared = 0
    for town in index.towns_of("331082"):
        if town.seat is None or town.code not in amap:
            continue
        lon, lat = amap[town.code]
        km = math.hypot((town.seat.lon - lon) * math.cos(math.radians(lat)), town.seat.lat - lat) * 111.2
        assert km < 2.0, (town.name, km)
        compared += 1
    assert compared >= 10


def test_build_cli_detects_and_seeds_a_corpus_town_on_an_empty_folder(tmp_path):
    text, _ = region_of((HERE / "towns" / "09_jingjia_2020.txt").read_text(encoding="utf-8"))
    plan = tmp_path / "jingjia.txt"
    plan.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-m", "geo", "build", str(plan), "-o", str(data / "projects.geojson")],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, env=dict(os.environ), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "seeded 荆家镇 (山东省 淄博市 桓台县, 370321104)" in done.stdout and "validation: ok" in done.stdout
    gaz = load_gazetteer(data / "places.geojson")
    assert gaz.get("370321104") is not None and gaz.get("370321") is not None and gaz.get("37") is not None
