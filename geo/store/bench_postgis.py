"""Benchmark: the GeoJSON file store beside PostGIS at county scale (default 100,000 items).

    python -m geo.store.bench_postgis [--n 100000] [--url postgresql://…] [--places data/places.geojson]

Without ``--url`` a throwaway PostGIS cluster is started (fsync on, like a real
server) and removed afterwards. Items come from :mod:`geo.synthetic`
(generated, marked as such, written only to temporary stores). Prints seconds
per operation; nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from geo import config
from geo.query import ItemFilter
from geo.store.file_store import FileStore
from geo.store.postgis import PostgisStore, redact


def _timed(fn, repeat: int = 1):
    """(median seconds, last result) of ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _bounds(items: list[dict]) -> tuple[float, float, float, float]:
    from geo.query import geometry_bounds

    boxes = [b for b in (geometry_bounds(f.get("geometry")) for f in items) if b]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def workload(items: list[dict]) -> list[tuple[str, callable]]:
    """(label, store -> result) of the reads the app makes, sized from the data's own extent."""
    w, s, e, n = _bounds(items)
    cx, cy = (w + e) / 2, (s + n) / 2
    town = (cx - (e - w) / 20, cy - (n - s) / 20, cx + (e - w) / 20, cy + (n - s) / 20)  # 1/100 of the area
    county = (w, s, e, n)
    some_area = next(f["properties"]["area"] for f in items if f["properties"].get("area") not in (None, "镇区", "全镇"))
    return [
        ("filter status+category", lambda st: len(st.query(ItemFilter(statuses=("planned", "in_progress"),
                                                                      categories=("road", "river"))))),
        (f"filter area={some_area}", lambda st: len(st.query(ItemFilter(areas=(some_area,))))),
        ("text search '改造'", lambda st: len(st.query(ItemFilter(text="改造")))),
        ("counts (status/category/area/precision)", lambda st: st.counts(ItemFilter())["total"]),
        ("viewport town-sized bbox, limit 2000", lambda st: st.viewport(ItemFilter(), town, 2000).total),
        ("viewport whole county, limit 2000", lambda st: st.viewport(ItemFilter(), county, 2000).total),
        ("viewport town bbox + status filter", lambda st: st.viewport(ItemFilter(statuses=("planned",)), town, 2000).total),
        ("get one item", lambda st: st.get(items[len(items) // 2]["id"])["id"]),
    ]


def run_benchmark(n: int = 100_000, url: str | None = None, places: Path | None = None,
                  repeat: int = 3, out=print) -> list[tuple[str, float | None, float | None, str]]:
    """Rows of (operation, file seconds, PostGIS seconds, note); also printed with ``out``."""
    from geo.synthetic import generate

    places = Path(places or config.places_path())
    t0 = time.perf_counter()
    items = generate(n, places)
    out(f"generated {len(items)} synthetic items in {time.perf_counter() - t0:.1f} s")
    rows: list[tuple[str, float | None, float | None, str]] = []
    cluster = None
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        fs = FileStore(Path(tmp) / "data")
        if url is None:
            from geo.store.pg_cluster import TempCluster

            cluster = TempCluster(dbname="geo_bench", fast=False).start()
            url = cluster.url
        try:
            pg = PostgisStore(url)
            if pg.item_count():
                raise SystemExit(f"{redact(url)} already holds items; benchmark an empty database")
            out(f"PostGIS: {redact(url)}")
            f_write, _ = _timed(lambda: fs.replace_all(items, user="bench", audit=False))
            p_write, _ = _timed(lambda: pg.replace_all(items, user="bench", audit=False))
            pg.analyze()
            rows.append((f"bulk write {n} items (validate + store)", f_write, p_write, ""))
            f_load, f_all = _timed(lambda: FileStore(fs.directory).load(), repeat)
            p_load, p_all = _timed(pg.load, repeat)
            rows.append((f"load() all {n} items", f_load, p_load, f"{len(f_all)} / {len(p_all)}"))
            fs.load()  # the file store keeps the parsed file in memory between reads
            for label, fn in workload(items):
                ft, fr = _timed(lambda: fn(fs), repeat)
                pt, pr = _timed(lambda: fn(pg), repeat)
                note = (f"{fr} rows" if isinstance(fr, int) else "same") if fr == pr else f"MISMATCH file {fr} / postgis {pr}"
                rows.append((label, ft, pt, note))
            hot = dict(items[0])
            f_save, _ = _timed(lambda: fs.save_item(_bumped(fs, hot["id"]), expected_version=fs.get(hot["id"])["properties"]["version"], user="bench-editor"), repeat)
            p_save, _ = _timed(lambda: pg.save_item(_bumped(pg, hot["id"]), expected_version=pg.get(hot["id"])["properties"]["version"], user="bench-editor"), repeat)
            rows.append(("save one item (get + save)", f_save, p_save, "file rewrites the whole file"))
            pg.close()
        finally:
            if cluster is not None:
                cluster.stop()
    out(f"\n{'operation':44} {'file s':>9} {'PostGIS s':>10}  note")
    for label, ft, pt, note in rows:
        out(f"{label:44} {_fmt(ft):>9} {_fmt(pt):>10}  {note}")
    return rows


def _bumped(store, item_id):
    f = store.get(item_id)
    f["properties"]["x_bench_saves"] = f["properties"].get("x_bench_saves", 0) + 1
    return f


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.4f}" if v < 1 else f"{v:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.store.bench_postgis", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of synthetic items (default 100000)")
    ap.add_argument("--url", default=None, help="an EMPTY PostGIS database to use (default: a throwaway cluster)")
    ap.add_argument("--places", default=None, help="gazetteer with a county outline (default: DATA_DIR/places.geojson)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per read operation; the median is shown")
    args = ap.parse_args(argv)
    run_benchmark(args.n, args.url, Path(args.places) if args.places else None, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
