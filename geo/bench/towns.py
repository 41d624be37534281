"""``python -m geo.bench.towns PLAN…``: any town in China, measured on real plans.

For each plan: detect its town from title and text, seed a fresh data folder with it, build, and
print villages seeded against the NBS count, the seat (and its source), the share of the town's
village names written in the text that ended up in some item's ``place_refs`` with the right code,
how many coordinates in the gazetteer are not a source's point (must be 0), and the seeding time.

A ``# region: 省/市/县/镇`` header line (the corpus files have one) is removed before detection
and used only to check it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_GENERIC = {"街道", "社区", "居委", "村委", "中心", "城区", "镇区"}
_REGION = re.compile(r"^#\s*region\s*:\s*(?P<r>.+?)\s*$", re.M)


@dataclass
class TownFigures:
    plan: str
    expected: str | None = None        # 县/镇 from the region header
    detected: str | None = None        # label of the detected town
    detection: str = "none"            # right | wrong | ambiguous (right among candidates) | none
    villages_seeded: int = 0
    villages_nbs: int = 0
    seat: str | None = None            # source of the seat, or None
    seat_note: str | None = None
    mentions: list[str] = field(default_factory=list)  # village names written in the text
    resolved: list[str] = field(default_factory=list)  # … that some item refers to with the right code
    missed: list[str] = field(default_factory=list)
    invented_coordinates: int = 0
    seed_s: float = 0.0
    items: int = 0

    @property
    def share(self) -> float | None:
        return len(self.resolved) / len(self.mentions) if self.mentions else None


def region_of(text: str) -> tuple[str, list[str] | None]:
    """(text without its region header, [省, 市, 县, 镇] or None)."""
    m = _REGION.search(text)
    if not m:
        return text, None
    return _REGION.sub("", text, count=1), [p.strip() for p in m.group("r").split("/") if p.strip()]


def village_mentions(text: str, town_code: str, index) -> dict[str, str]:
    """{village code: name as written} for the town's villages the text names.

    A full name (临港村, 东城社区, a former name) counts anywhere, and so does a bare name (临港、新城和
    旧城3村, 广福至洪桥公路, 洞桥豆面集聚区): strict, since a bare name inside another word counts
    too. Never inside the town's own name, nor a bare name that is the town's short name or a word
    such as 街道.
    """
    from geo.gazetteer.divisions import short_village_name

    town = index.town(town_code)
    body = text.replace(town.name, "　") if town else text
    town_short = town.short if town else ""
    found: dict[str, str] = {}
    for v in index.villages(town_code):
        for n in (v.name, *v.former_names):
            if len(n) >= 2 and n in body:
                found.setdefault(v.code, n)
        short = short_village_name(v.name)
        if v.code in found or short == v.name or len(short) < 2 or short in town_short or short in _GENERIC:
            continue
        if short in body:
            found[v.code] = short
    return found


def _traceable(geometry, allowed: set[tuple[float, float]]) -> bool:
    if geometry is None:
        return True
    if geometry.get("type") != "Point":
        return False
    return tuple(geometry["coordinates"][:2]) in allowed


def measure_plan(path: Path, index, work: Path) -> TownFigures:
    from geo.build import build_plan
    from geo.extract import extract_text
    from geo.gazetteer import load_gazetteer
    from geo.gazetteer.detect import detect_town
    from geo.gazetteer.towns import seed_town
    from geo.store import open_store

    raw = path.read_text(encoding="utf-8-sig")
    text, region = region_of(raw)
    fig = TownFigures(plan=path.name, expected="/".join(region[-2:]) if region else None)
    plan_file = work / "plans" / path.name
    plan_file.parent.mkdir(parents=True, exist_ok=True)
    plan_file.write_text(text, encoding="utf-8")
    doc, _ = extract_text(text, plan_id=path.stem)
    found = detect_town(doc.text, title=doc.title, town=doc.town, county=doc.county, index=index)
    town = found.town
    right = None
    if region:
        want_town, want_county = region[-1], region[-2]
        matches = [t for t in found.candidates if t.name == want_town and want_county in (t.county, t.prefecture)]
        right = matches[0] if matches else None
        if town is not None:
            fig.detection = "right" if right is not None and town.code == right.code else "wrong"
        elif right is not None:
            fig.detection = "ambiguous"
    elif town is not None:
        fig.detection = "right?"
    town = town or right  # an ambiguous town is measured as the user would pick it with --county
    if town is None:
        return fig
    fig.detected = town.label
    data = work / "data"
    t0 = time.perf_counter()
    report = seed_town(town, data, index=index)
    fig.seed_s = round(time.perf_counter() - t0, 3)
    fig.villages_seeded, fig.villages_nbs = report.villages_current, report.nbs_current
    fig.seat = report.seat["source"] if report.seat else None
    fig.seat_note = report.seat_note
    build_plan(plan_file, data / "projects.geojson", places_path=data / "places.geojson", town=town.name,
               county=town.county, validate=False)
    items = open_store(data).load()
    fig.items = len(items)
    refs = {r for f in items for r in f["properties"].get("place_refs") or []}
    mentions = village_mentions(text, town.code, index)
    gaz = load_gazetteer(data / "places.geojson")
    by_code = {}
    for p in gaz.places:
        for code in [p["properties"].get("admin_code"), *(p["properties"].get("former_admin_codes") or [])]:
            if code:
                by_code[code] = p["id"]
    for code, name in sorted(mentions.items()):
        fig.mentions.append(name)
        (fig.resolved if by_code.get(code) in refs else fig.missed).append(name)
    allowed = {(s.lon, s.lat) for s in [town.seat] if s is not None}
    fig.invented_coordinates = sum(1 for p in gaz.places if not _traceable(p.get("geometry"), allowed))
    return fig


def measure(paths: list[Path], index=None) -> list[TownFigures]:
    from geo.gazetteer.divisions import open_index

    index = index or open_index()
    out = []
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="geo-towns-") as tmp:
            out.append(measure_plan(Path(path), index, Path(tmp)))
    return out


def lines(figures: list[TownFigures]) -> list[str]:
    out = [f"{'plan':28} {'detection':10} {'villages':>9} {'seat':5} {'mentions':>8} {'resolved':>8} "
           f"{'invented':>8} {'seed s':>6}  town"]
    for f in figures:
        share = "—" if f.share is None else f"{f.share:.0%}"
        out.append(f"{f.plan[:28]:28} {f.detection:10} {f.villages_seeded:>4}/{f.villages_nbs:<4} "
                   f"{'yes' if f.seat else 'no':5} {len(f.mentions):>8} {share:>8} {f.invented_coordinates:>8} "
                   f"{f.seed_s:>6.2f}  {f.detected or '—'}")
        if f.missed:
            out.append(f"{'':28} not linked: {'、'.join(f.missed)}")
    mentions = sum(len(f.mentions) for f in figures)
    resolved = sum(len(f.resolved) for f in figures)
    seeded = [f for f in figures if f.detected]
    out.append(f"pooled: {resolved}/{mentions} village mentions linked to the right code "
               f"({resolved / mentions:.0%})" if mentions else "pooled: no village mentions")
    out.append(f"towns: {len(seeded)}/{len(figures)} seeded, "
               f"{sum(f.villages_seeded == f.villages_nbs for f in seeded)} with the full village list, "
               f"{sum(bool(f.seat) for f in seeded)} with a seat, "
               f"{sum(f.invented_coordinates for f in figures)} invented coordinates, "
               f"slowest seeding {max((f.seed_s for f in seeded), default=0):.2f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.bench.towns", description=__doc__.split("\n")[0])
    ap.add_argument("plans", nargs="+", help="plan files or folders of them")
    ap.add_argument("--json", action="store_true", help="also print one JSON object per plan")
    args = ap.parse_args(argv)
    from geo.build import plan_files
    from geo.gazetteer.divisions import DivisionsError

    try:
        figures = measure(plan_files(args.plans))
    except DivisionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in lines(figures):
        print(line)
    if args.json:
        for f in figures:
            print(json.dumps({**asdict(f), "share": f.share}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
