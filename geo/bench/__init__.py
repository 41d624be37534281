"""``python -m geo bench``: our map against the naive folium way, on the same synthetic items.

For each size the figures are measured in a fresh child process (``python -m geo.bench.child``)
so that caches and peak memory of one measurement do not leak into the next:

* ours: ``build_s`` = building the default view the way the app does (overview, base map,
  ``geo.mapview.viewport.map_layer``, rendered to the strings st_folium sends);
  ``payload_bytes`` = size of the st_folium component message of the app's first run
  (streamlit AppTest, the real app.py); ``filter_s`` = median server time of one
  status-filter change through AppTest; ``load_s`` = the app's first run (store read,
  index); ``peak_mb`` = the child's peak RSS.
* naive: one ``folium.Marker`` with popup and tooltip per item, rendered to HTML.

The last line printed is one JSON object with every figure (sizes as strings).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
NAIVE_MAX = 10_000        # the naive map beyond this takes minutes and GBs; 50k only with --naive-50k
EXTRACT_CHARS = 20_000


def configure(parser) -> None:
    parser.add_argument("--quick", action="store_true", help="1k and 10k items only (CI-sized)")
    parser.add_argument("--sizes", help="comma-separated item counts instead of 1000,10000,100000")
    parser.add_argument("--naive-50k", action="store_true", help="also measure the naive map at 50,000 items (slow)")
    parser.add_argument("--postgis", metavar="URL", help="also time store.counts/viewport/query on this PostGIS "
                                                         "database (items are written to it: use a scratch database)")
    parser.add_argument("--seed", type=int, default=8, help="random seed of the synthetic items (default 8)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds one measurement may take (default 1800)")
    parser.add_argument("--render-only", action="store_true",
                        help="only the offline HTML map (geo render, its file size, time to drawn) and naive")
    parser.add_argument("--no-browser", action="store_true", help="do not open the offline map in Chromium")
    parser.add_argument("--markdown", metavar="FILE", type=Path,
                        help="measure nothing: print the README's performance tables from the JSON line in FILE "
                             "(saved output of a bench run; - for standard input)")
    parser.add_argument("--write-readme", action="store_true",
                        help="with --markdown: replace the tables in README.md between the bench markers")


def _child(kind: str, n: int, seed: int, timeout: int, extra: dict | None = None) -> dict:
    args = json.dumps({"kind": kind, "n": n, "seed": seed, **(extra or {})})
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("GEO_STORE_URL", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "geo.bench.child", args], capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"took longer than {timeout} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit {proc.returncode}: {tail[0][:300]}"}
    return json.loads(lines[-1])


def _fmt(v, unit="") -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}{unit}" if v < 100 else f"{v:.0f}{unit}"
    return f"{v:,}{unit}"


def run(args) -> int:
    from geo.cli import CliError

    if args.markdown:
        from geo.bench import report
        return report.run_markdown(args.markdown, write_readme=args.write_readme)
    if args.sizes:
        try:
            sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
        except ValueError:
            raise CliError(f"--sizes {args.sizes!r}: give item counts separated by commas, e.g. 1000,10000") from None
        if not sizes or min(sizes) < 1:
            raise CliError("--sizes: every count must be a positive integer")
    else:
        sizes = QUICK_SIZES if args.quick else SIZES
    print(f"synthetic items over the county outline (seed {args.seed}); every figure from a fresh process",
          flush=True)
    load_before = round(os.getloadavg()[0], 1)  # other work on the machine: absolute times scale with it
    ours: dict[str, dict] = {}
    naive: dict[str, dict] = {}
    pg: dict[str, dict] = {}
    render: dict[str, dict] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
            data = str(Path(tmp) / "data")
            made = _child("generate", n, args.seed, args.timeout, {"dir": data})
            if not args.render_only:
                print(f"  ours  {n:>7,} …", flush=True)
                ours[str(n)] = made if made.get("error") else _child("ours", n, args.seed, args.timeout,
                                                                     {"data": data})
            print(f"  render {n:>6,} …", flush=True)
            html = str(Path(tmp) / "map.html")
            r = made if made.get("error") else _child("render", n, args.seed, args.timeout, {"data": data, "out": html})
            if not r.get("error") and not args.no_browser:
                print(f"  drawn  {n:>6,} …", flush=True)
                r.update(_child("drawn", n, args.seed, args.timeout, {"path": html}))
            render[str(n)] = r
        if n <= NAIVE_MAX:
            print(f"  naive {n:>7,} …", flush=True)
            naive[str(n)] = _child("naive", n, args.seed, args.timeout)
        if args.postgis:
            print(f"  postgis {n:>7,} …", flush=True)
            pg[str(n)] = _child("postgis", n, args.seed, args.timeout, {"url": args.postgis})
    if args.naive_50k:
        print("  naive  50,000 …", flush=True)
        naive["50000"] = _child("naive", 50_000, args.seed, args.timeout)
    skipped = [str(n) for n in sizes if str(n) not in naive]
    for key in skipped:
        naive[key] = {"build_s": None, "payload_bytes": None, "skipped": f"naive map not measured above {NAIVE_MAX:,} items (minutes, GBs)"}
    if args.render_only:
        extraction = {"error": "not measured (--render-only)"}
    else:
        print("  extraction …", flush=True)
        extraction = _child("extract", EXTRACT_CHARS, args.seed, args.timeout)
    for key, r in render.items():
        v = naive.get(key, {})
        r["x_faster"] = round(v["build_s"] / r["render_s"], 1) if v.get("build_s") and r.get("render_s") else None
        r["x_smaller"] = round(v["payload_bytes"] / r["bytes"], 1) if v.get("payload_bytes") and r.get("bytes") else None

    rows = [("items", "ours build s", "naive build s", "×faster", "ours payload", "naive payload", "×smaller",
             "ours filter s", "ours load s", "ours peak MB", "naive peak MB", "mode")]
    for key in sorted(set(ours) | set(naive), key=int):
        o, v = ours.get(key, {}), naive.get(key, {})
        speed = (v["build_s"] / o["build_s"]) if o.get("build_s") and v.get("build_s") else None
        small = (v["payload_bytes"] / o["payload_bytes"]) if o.get("payload_bytes") and v.get("payload_bytes") else None
        rows.append((f"{int(key):,}", _fmt(o.get("build_s")), _fmt(v.get("build_s")), _fmt(speed),
                     _fmt(o.get("payload_bytes")), _fmt(v.get("payload_bytes")), _fmt(small),
                     _fmt(o.get("filter_s")), _fmt(o.get("load_s")), _fmt(o.get("peak_mb")),
                     _fmt(v.get("peak_mb")), o.get("mode") or o.get("error") or ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    print()
    for r in rows:
        print("  ".join(str(c).rjust(w) for c, w in zip(r, widths)))
    for key in skipped:
        print(f"naive at {int(key):,}: not measured (one Marker per item takes minutes and GBs there); "
              f"use --naive-50k for 50,000")
    for key, v in naive.items():
        if v.get("error"):
            print(f"naive at {key}: {v['error']}")
    for key, o in ours.items():
        if o.get("error"):
            print(f"ours at {key}: {o['error']}")
    print()
    rows = [("items", "render s", "naive s", "×faster", "file MB", "naive MB", "×smaller", "geo render (CLI) s",
             "drawn in Chromium s", "")]
    for key, r in sorted(render.items(), key=lambda kv: int(kv[0])):
        v = naive.get(key, {})
        mb = (lambda b: round(b / 1e6, 2) if b else None)
        rows.append((f"{int(key):,}", _fmt(r.get("render_s")), _fmt(v.get("build_s")), _fmt(r.get("x_faster")),
                     _fmt(mb(r.get("bytes"))), _fmt(mb(v.get("payload_bytes"))), _fmt(r.get("x_smaller")),
                     _fmt(r.get("cli_s")), _fmt(r.get("drawn_s")), r.get("error") or r.get("skipped") or ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths)))
    if pg:
        print()
        for key, p in sorted(pg.items(), key=lambda kv: int(kv[0])):
            print(f"postgis {int(key):,}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in p.items()))
    if extraction.get("error"):
        print(f"\nextraction: {extraction['error']}")
    else:
        print(f"\nextraction: {extraction['chars']:,} chars in {extraction['extract_s']:.3f} s "
              f"= {extraction['chars_per_s']:,.0f} chars/s ({extraction['items']} items); "
              f"gazetteer geocoding of those items {extraction['geocode_s']:.3f} s; "
              f"extract+geocode {extraction['total_s']:.3f} s")
    result = {
        "ours": {k: {f: v.get(f) for f in ("build_s", "payload_bytes", "filter_s", "peak_mb", "load_s",
                                           "mode", "error") if f in v or f in ("build_s", "payload_bytes",
                                                                                 "filter_s", "peak_mb")}
                 for k, v in ours.items()},
        "naive": {k: {f: v.get(f) for f in ("build_s", "payload_bytes", "peak_mb", "skipped", "error")
                      if f in v or f in ("build_s", "payload_bytes")} for k, v in naive.items()},
        "extract_chars_per_s": extraction.get("chars_per_s"),
        "extract_s": extraction.get("extract_s"),
        "geocode_s": extraction.get("geocode_s"),
        "load_average": [load_before, round(os.getloadavg()[0], 1)], "cpus": os.cpu_count(),
    }
    result["render"] = {k: {f: r.get(f) for f in ("render_s", "bytes", "cli_s", "drawn_s", "wall_s", "x_faster",
                                                 "x_smaller", "peak_mb", "mode", "skipped", "error") if f in r}
                        for k, r in render.items()}
    if pg:
        result["postgis"] = pg
    print(json.dumps(result, ensure_ascii=False))
    return 0


__all__ = ["configure", "run", "SIZES", "QUICK_SIZES"]
