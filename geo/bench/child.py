"""One measurement in its own process: ``python -m geo.bench.child '{"kind": ..., "n": ...}'``.

Prints one JSON line. Kinds: generate, ours, render, drawn, naive, postgis, extract. Synthetic data lives in a
temporary directory that is removed afterwards; nothing is written to data/.
"""
from __future__ import annotations

import copy
import gc
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def places_path() -> Path:
    from geo import config

    path = config.places_path()
    if not path.is_file():
        path = ROOT / "data" / "places.geojson"
    return path


def _quiet_streamlit() -> None:
    import logging

    for name in ("streamlit", "streamlit.runtime", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def render_for_component(m, fg) -> dict:
    """The strings st_folium sends for a map and its data layer (its own helpers, as it calls them)."""
    import streamlit_folium as sf

    m.get_root().render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    layer = sf._get_feature_group_string(fg, map=m, idx=0)
    return {"script": script, "header": header, "html": html, "feature_group": layer}


def build_default_view(features: list[dict], places, lang: str = "zh") -> tuple[dict, object]:
    """What the app builds for its default view (geo.app.map_panel.show_map without Streamlit)."""
    from geo.mapview import base_map, get_basemap, viewport

    basemap = get_basemap("osm")
    bounds, cats = viewport.overview(features, places)
    m = base_map(basemap=basemap, bounds=bounds, places=places, categories=cats, lang=lang)
    fg, plan = viewport.map_layer(features, features, places, view=bounds, lang=lang, datum=basemap.datum)
    return render_for_component(copy.deepcopy(m), fg), plan


def measure_ours(n: int, seed: int, data: str | None = None) -> dict:
    """``data``: a data directory made by the "generate" kind in another process, so that this
    process's peak memory is the app's, not the generator's."""
    from geo.synthetic import generate, write_store
    from geo.mapview import load_places, viewport

    _quiet_streamlit()
    tmp = Path(tempfile.mkdtemp(prefix="geo-bench-"))
    try:
        if data is None:
            data = write_store(tmp / "data", generate(n, places_path(), seed=seed), places_path())
        data = Path(data)
        os.environ["GEO_DATA_DIR"] = str(data)
        os.environ.pop("GEO_STORE_URL", None)
        from geo.store import open_store

        features = open_store(data).load()
        places = load_places(data / "places.geojson")
        build_default_view(features[:50], places)  # warm-up: templates compiled, as in a running app
        t = time.perf_counter()
        strings, plan = build_default_view(features, places)
        build_s = time.perf_counter() - t
        direct_bytes = len(json.dumps(strings, ensure_ascii=False).encode())
        del features, strings  # the app below loads its own copy through its cached store
        viewport._CACHE.update(features=None, index=None, list=None)
        gc.collect()

        from streamlit.testing.v1 import AppTest
        from geo.app.state import Keys

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        t = time.perf_counter()
        at.run()
        load_s = time.perf_counter() - t
        if at.exception:
            return {"error": f"app failed: {at.exception[0].value}"[:300]}
        payload = component_bytes(at)
        filters = []
        for statuses in (["planned"], ["planned", "in_progress"], []):
            t = time.perf_counter()
            at.multiselect(key=Keys.STATUSES).set_value(statuses).run()
            filters.append(time.perf_counter() - t)
        return {"build_s": round(build_s, 4), "payload_bytes": payload, "filter_s": round(statistics.median(filters), 4),
                "peak_mb": peak_mb(), "load_s": round(load_s, 3), "mode": plan.mode, "drawn": len(plan.features),
                "cells": len(plan.cells), "layer_bytes": direct_bytes}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def component_bytes(at) -> int | None:
    """Size of the st_folium component message of the last run (what the browser receives for the map)."""
    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            children = children.values()
        for ch in children or []:
            yield ch
            yield from walk(ch)

    for el in walk(at._tree):
        proto = getattr(el, "proto", None)
        if proto is not None and getattr(proto, "component_name", "").endswith("st_folium"):
            return proto.ByteSize()
    return None


def measure_naive(n: int, seed: int) -> dict:
    """One folium.Marker with popup and tooltip per item, rendered to HTML (the way the issue measured)."""
    import folium

    from geo.synthetic import generate
    from geo.mapview.popups import popup_html, tooltip_html
    from geo.query import geometry_bounds

    features = generate(n, places_path(), seed=seed)
    warm = folium.Map()
    folium.Marker([0, 0], popup=folium.Popup("x"), tooltip="x").add_to(warm)
    warm.get_root().render()  # warm-up: templates compiled, as for ours
    t = time.perf_counter()
    m = folium.Map(location=[28.86, 121.14], zoom_start=10)
    for f in features:
        b = geometry_bounds(f.get("geometry"))
        if b is None:
            continue
        props = f["properties"]
        folium.Marker([(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], popup=folium.Popup(popup_html(props), max_width=360),
                      tooltip=tooltip_html(props)).add_to(m)
    html = m.get_root().render()
    build_s = time.perf_counter() - t
    return {"build_s": round(build_s, 4), "payload_bytes": len(html.encode()), "peak_mb": peak_mb()}


def measure_render(n: int, seed: int, data: str, out: str) -> dict:
    """``geo render`` of the items in ``data`` (a folder made by the "generate" kind): the renderer on
    the items in memory (what the naive figure also measures), and the command as a user runs it."""
    import subprocess

    from geo.mapview import load_places
    from geo.mapview.canvas_items import data_from_html
    from geo.mapview.standalone import render_html, write_html
    from geo.store import open_store

    data = Path(data)
    features = open_store(data).load()
    places = load_places(data / "places.geojson")
    render_html(features[:50], places=places)  # warm-up: templates compiled, as for naive
    t = time.perf_counter()
    html = render_html(features, places=places)
    render_s = time.perf_counter() - t
    write_html(Path(out), html)
    size = len(html.encode())
    kept = data_from_html(html)["n"]
    del html, features
    gc.collect()
    cli_out = Path(out).with_suffix(".cli.html")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "geo", "render", str(data / "projects.geojson"), "-o", str(cli_out)],
                          capture_output=True, text=True, cwd=ROOT)
    cli_s = time.perf_counter() - t
    if proc.returncode != 0:
        return {"error": f"geo render failed: {proc.stderr.strip()[-300:]}"}
    return {"render_s": round(render_s, 4), "bytes": size, "items": kept, "cli_s": round(cli_s, 3),
            "peak_mb": peak_mb()}


def measure_drawn(path: str) -> dict:
    from geo.bench.drawn import Unavailable, time_to_drawn

    try:
        figures = time_to_drawn(Path(path))
    except Unavailable as exc:
        return {"drawn_s": None, "skipped": str(exc)}
    if figures["problem"] or figures["errors"]:
        return {"error": (figures["problem"] or figures["errors"][0])[:300]}
    return {"drawn_s": figures["drawn_s"], "wall_s": figures["wall_s"], "mode": (figures["state"] or {}).get("mode")}


def measure_postgis(n: int, seed: int, url: str) -> dict:
    from geo.synthetic import generate
    from geo.mapview import viewport
    from geo.store import open_store
    from geo.store.base import ItemFilter

    store = open_store(url)
    features = generate(n, places_path(), seed=seed)
    existing = {f["id"] for f in store.query(ItemFilter(plans=tuple({f["properties"]["plan"] for f in features})))}
    todo = [f for f in features if f["id"] not in existing]
    t = time.perf_counter()
    for i in range(0, len(todo), 2000):
        batch = todo[i:i + 2000]
        store.save_items(batch, user="bench", expected_versions=[None] * len(batch))
    write_s = time.perf_counter() - t
    flt = ItemFilter(statuses=("planned",), plans=tuple(sorted({f["properties"]["plan"] for f in features})))
    view = viewport.LocatedIndex(features).bounds()
    out = {"write_s": round(write_s, 2)}
    for label, fn in (("counts_s", lambda: store.counts(flt)),
                      ("viewport_s", lambda: store.viewport(flt, view, limit=viewport.MAX_FEATURES)),
                      ("query_s", lambda: store.query(flt))):
        t = time.perf_counter()
        fn()
        out[label] = round(time.perf_counter() - t, 4)
    out["peak_mb"] = peak_mb()
    return out


def measure_extract(chars: int) -> dict:
    """Extraction of a ~``chars``-character plan (the bundled plan, then corpus reports, concatenated)."""
    from geo.build import item_feature
    from geo.extract import extract_text
    from geo.gazetteer import load_gazetteer
    from geo.geocode import GeocoderChain

    sources = sorted((ROOT / "data" / "plans").glob("*.txt")) + \
        sorted((ROOT.parent / "shared" / "corpus" / "reports").glob("*.txt"))
    text = ""
    for path in sources:
        if len(text) >= chars:
            break
        text += path.read_text(encoding="utf-8", errors="replace") + "\n"
    while len(text) < chars:
        text += text
    text = text[:chars]
    gazetteer = load_gazetteer(places_path())
    t = time.perf_counter()
    _doc, items = extract_text(text, plan_id="bench-extract", known_places=gazetteer.names())
    extract_s = time.perf_counter() - t
    chain = GeocoderChain(gazetteer, providers=[])  # gazetteer only: no network, no cache file
    t = time.perf_counter()
    for props in items:
        item_feature(dict(props), gazetteer, chain)
    geocode_s = time.perf_counter() - t
    return {"chars": len(text), "items": len(items), "extract_s": round(extract_s, 4),
            "chars_per_s": round(len(text) / extract_s), "geocode_s": round(geocode_s, 4),
            "total_s": round(extract_s + geocode_s, 4), "peak_mb": peak_mb()}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    kind, n, seed = spec["kind"], int(spec["n"]), int(spec.get("seed", 8))
    if kind == "generate":
        from geo.synthetic import generate, write_store
        write_store(Path(spec["dir"]), generate(n, places_path(), seed=seed), places_path())
        out = {"written": spec["dir"]}
    elif kind == "ours":
        out = measure_ours(n, seed, spec.get("data"))
    elif kind == "render":
        out = measure_render(n, seed, spec["data"], spec["out"])
    elif kind == "drawn":
        out = measure_drawn(spec["path"])
    elif kind == "naive":
        out = measure_naive(n, seed)
    elif kind == "postgis":
        out = measure_postgis(n, seed, spec["url"])
    elif kind == "extract":
        out = measure_extract(n)
    else:
        print(f"unknown kind {kind!r}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
