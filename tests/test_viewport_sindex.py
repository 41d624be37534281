"""The viewport query through the items' spatial index finds exactly what a scan of every box finds.

Run as a script for the figures: ``.venv/bin/python -m tests.test_viewport_sindex [N]`` prints the
per-view query time of the R-tree and of the numpy scan it replaced, in one run (a ratio, not an assert).
"""
from __future__ import annotations

import sys
import time

import numpy as np

from geo import config
from geo.synthetic import generate
from geo.mapview import viewport


def _scan(index, idx, bbox):
    w, s, e, n = bbox
    b = index.boxes[idx]
    return idx[(b[:, 0] <= e) & (b[:, 2] >= w) & (b[:, 1] <= n) & (b[:, 3] >= s)]


def _views(index, count: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    w, s, e, n = index.bounds()
    for _ in range(count):
        size = (e - w) * rng.uniform(0.01, 0.6)
        x, y = rng.uniform(w - size / 2, e), rng.uniform(s - size / 2, n)
        yield (float(x), float(y), float(x + size), float(y + size * 0.7))


def test_spatial_index_query_equals_the_box_scan():
    items = generate(3000, config.places_path())
    index = viewport.LocatedIndex(items)
    idx = np.flatnonzero(index.located)
    subset = idx[::3]  # a filter of the loaded list
    for bbox in _views(index, 40):
        assert np.array_equal(index.meeting(idx, bbox), _scan(index, idx, bbox))
        assert np.array_equal(index.meeting(subset, bbox), _scan(index, subset, bbox))
    edge = tuple(index.boxes[idx[0]])  # a view touching an item's box only at its corner still meets it
    corner = (edge[2], edge[3], edge[2] + 0.01, edge[3] + 0.01)
    assert idx[0] in index.meeting(idx, corner)


def main(n: int = 100_000) -> None:
    items = generate(n, config.places_path())
    index = viewport.LocatedIndex(items)
    idx = np.flatnonzero(index.located)
    views = list(_views(index, 50))
    import geopandas  # noqa: F401  (loaded once per process by the app; not part of the index build)

    t = time.perf_counter()
    index.sindex
    build = time.perf_counter() - t
    timings = {}
    for name, fn in (("numpy scan", lambda b: _scan(index, idx, b)), ("R-tree", lambda b: index.meeting(idx, b))):
        t = time.perf_counter()
        for _ in range(10):
            for v in views:
                fn(v)
        timings[name] = (time.perf_counter() - t) / (10 * len(views)) * 1000
    print(f"{len(idx)} located items: R-tree {timings['R-tree']:.2f} ms per view query, numpy scan "
          f"{timings['numpy scan']:.2f} ms ({timings['numpy scan'] / timings['R-tree']:.1f}x); "
          f"R-tree built once per loaded list in {build * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
