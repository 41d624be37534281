"""Plan file → located items in the store: extract, geocode each item's places, merge, validate what was written.

Geometry is only ever taken from the gazetteer (the location of record):

- a segment (x_segment from/to) whose two ends are located → LineString, precision ``segment``;
- a located site, or a village/seat area with geometry → that geometry and its precision;
- otherwise geometry null, precision ``village`` (its village is known), ``town`` (only the town,
  or a town-wide target) or ``none`` (its places are unknown). A town seat point is never used as
  an item's location.

``area`` is the one village the places resolve to, 镇区 for places of the town seat, 全镇 for an
item without places, naming no village or seat-area place, or naming several (``x_areas`` lists
them; ``geo.areas.area_rule``); where the gazetteer has village boundaries, a located item's
area is the boundary it lies in (``geo.areas``, a spatial join). Human edits survive through
``store.merge_extracted``.
"""
from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from geo.areas import area_of_places, assign_areas
from geo.contract import ADMIN_KINDS, AREA_TOWN_SEAT, AREA_WHOLE_TOWN, PLAN_SUFFIXES, coarsest
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.geocode import GeocodeResult, GeocoderChain, configured_providers
from geo.geocode.base import ProviderFailure

_DATUMS = ("wgs84", "gcj02", "bd09", "cgcs2000")


@dataclass
class Resolution:
    """What one place name of an item resolved to."""

    name: str
    result: GeocodeResult
    place: dict | None  # the gazetteer place the name refers to (None: unknown, or only a loose match)

    @property
    def located(self) -> bool:
        return self.place is not None and self.result.located and self.result.source == "gazetteer"


@dataclass
class BuildReport:
    plan_id: str = ""
    items: int = 0
    counts: Counter = field(default_factory=Counter)  # located / segment / village / town / unlocated
    areas: Counter = field(default_factory=Counter)
    unresolved: Counter = field(default_factory=Counter)
    unlocated_places: list = field(default_factory=list)
    suggestions: int = 0
    merge: object = None
    ids: list = field(default_factory=list)  # the items this build extracted (and wrote, unless a dry run)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def lines(self) -> list[str]:
        c = self.counts
        out = [f"plan {self.plan_id}: {self.items} items — located {c['located']}, segment {c['segment']}, "
               f"village {c['village']}, town-only {c['town']}, unlocated {c['unlocated']}"]
        if self.areas:
            out.append("areas: " + ", ".join(f"{a or '未定'} {n}" for a, n in self.areas.most_common()))
        if self.unlocated_places:
            top = ", ".join(f"{e['name']} ({e['count']})" for e in self.unlocated_places[:8])
            out.append(f"places to locate first (items waiting): {top}")
        if self.unresolved:
            out.append("names not in the gazetteer: " + ", ".join(n for n, _ in self.unresolved.most_common(12)))
        if self.suggestions:
            out.append(f"{self.suggestions} online suggestions waiting to be accepted (not used as locations)")
        if self.merge is not None:
            out.append("store: " + self.merge.summary())
        out.extend(f"warning: {w}" for w in self.warnings[:10])
        if self.problems:
            out.extend(p.line() for p in self.problems[:20])
        else:
            out.append("validation: ok")
        return out


# An online provider that fails this often in one build is not asked again: a dead, slow or
# throttled service must not hold a build for (names x timeout), and its answers are only suggestions.
MAX_PROVIDER_FAILURES = 3


class BuildGeocoder:
    """The geocoder chain as one build uses it: counts online failures, drops a provider that keeps
    failing, and sums it all up as build warnings (the chain itself warns per name)."""

    def __init__(self, chain: GeocoderChain):
        self.chain = chain
        self.failures: Counter = Counter()
        self.first_failure: dict[str, ProviderFailure] = {}
        self.dropped: list[str] = []

    def geocode(self, name: str, town: str | None = None) -> GeocodeResult:
        result = self.chain.geocode(name, town)
        for failure in result.failures:
            provider = failure.provider
            self.failures[provider] += 1
            self.first_failure.setdefault(provider, failure)
            if self.failures[provider] >= MAX_PROVIDER_FAILURES and provider not in self.dropped:
                self.chain.providers = [p for p in self.chain.providers if p.name != provider]
                self.dropped.append(provider)
        return result

    def warnings(self) -> list[str]:
        out = []
        for provider, n in self.failures.items():
            line = f"online:{provider} failed {n} time(s), first: {self.first_failure[provider].text('en')}"
            if provider in self.dropped:
                line += f"; not asked again in this build after {MAX_PROVIDER_FAILURES} failures"
            out.append(line + ". Items keep their gazetteer locations; re-run with --online later for suggestions")
        return out


def resolve_places(props: dict, gazetteer: Gazetteer, chain: GeocoderChain) -> list[Resolution]:
    out = []
    for name in props.get("places") or []:
        result = chain.geocode(name, props.get("town"))
        place = None
        if result.place_id and result.how not in (None, "context", "online") and result.fallback_from is None:
            place = gazetteer.get(result.place_id)
        elif result.place_id and result.fallback_from == result.matched_name:
            place = gazetteer.get(result.place_id)  # the named place exists, only without location
        elif result.how == "online" and result.place_id:
            place = gazetteer.get(result.place_id)
        if place is not None and result.how in ("prefix", "contains") and place["properties"]["kind"] not in ADMIN_KINDS:
            place = None  # "府前街至S225省道连接线" is not 府前街
        if place is not None and place["properties"]["kind"] in ("county", "province"):
            place = None  # a county or province is no place of a town's project
        out.append(Resolution(name, result, place))
    return out


def _area(resolutions: list[Resolution], props: dict, gazetteer: Gazetteer) -> tuple[str | None, list[str]]:
    """(area, x_areas): the rule of ``geo.areas.area_rule``; an item without places is 全镇."""
    if not props.get("places"):
        return AREA_WHOLE_TOWN, []
    return area_of_places([r.place for r in resolutions], gazetteer, town_known=bool(props.get("town")))


def locate_item(props: dict, gazetteer: Gazetteer, chain: GeocoderChain) -> tuple[dict | None, dict]:
    """(geometry, property updates) for one item's places; never a town seat as a location."""
    resolutions = resolve_places(props, gazetteer, chain)
    area, areas = _area(resolutions, props, gazetteer)
    by_name = {r.name: r for r in resolutions}
    refs = list(dict.fromkeys(r.place["id"] for r in resolutions if r.place is not None))
    updates = {"area": area, "place_refs": refs, "geometry_source": None, "geometry_meta": None}
    flags = [f for f in props.get("flags") or [] if f not in ("unresolved_place", "ambiguous_place", "multiple_areas")]
    unresolved = [r.name for r in resolutions if r.place is None]
    if unresolved:
        flags.append("unresolved_place")
    if any(r.result.alternatives for r in resolutions):
        flags.append("ambiguous_place")
    if len(areas) > 1:
        flags.append("multiple_areas")
        updates["x_areas"] = areas
    updates["flags"] = flags
    updates["x_unresolved_places"] = unresolved or None

    geometry, precision, datums = None, None, set()
    seg = props.get("x_segment") or {}
    ends = [by_name.get(seg.get("from")), by_name.get(seg.get("to"))]
    if all(e is not None and e.located and e.result.lon is not None for e in ends):
        geometry = {"type": "LineString", "coordinates": [[ends[0].result.lon, ends[0].result.lat],
                                                          [ends[1].result.lon, ends[1].result.lat]]}
        precision = "segment"
        datums = {e.result.datum_original for e in ends}
    else:
        located = [r for r in resolutions if r.located]
        if located:
            geoms = [r.result.geometry for r in located]
            precision = coarsest(r.result.precision for r in located)
            datums = {r.result.datum_original for r in located}
            if len(geoms) == 1:
                geometry = copy.deepcopy(geoms[0])
            elif all(g["type"] == "Point" for g in geoms):
                geometry = {"type": "MultiPoint", "coordinates": [g["coordinates"] for g in geoms]}
            else:
                geometry = {"type": "GeometryCollection", "geometries": copy.deepcopy(geoms)}
    if geometry is not None:
        updates["geometry_source"] = "gazetteer"
        datum = next(iter(datums)) if len(datums) == 1 else None
        updates["geometry_meta"] = {"datum_original": datum} if datum in _DATUMS else None
    elif area not in (None, AREA_WHOLE_TOWN, AREA_TOWN_SEAT):
        precision = "village"
    elif (area == AREA_WHOLE_TOWN and not props.get("places")) or area == AREA_TOWN_SEAT \
            or any(r.place is not None for r in resolutions):
        precision = "town"  # town-wide, or its places are known to the town only
    else:
        precision = "none"
    updates["precision"] = precision
    updates["x_suggestions"] = [
        {"place": r.name, "source": r.result.source, "lon": r.result.lon, "lat": r.result.lat}
        for r in resolutions if r.result.suggestion] or None
    return geometry, updates


def item_feature(props: dict, gazetteer: Gazetteer, chain: GeocoderChain) -> dict:
    props = copy.deepcopy(props)
    geometry, updates = locate_item(props, gazetteer, chain)
    for key, value in updates.items():
        if value is None and key.startswith("x_"):
            props.pop(key, None)
        else:
            props[key] = value
    if props.get("geometry_meta") is None:
        props.pop("geometry_meta", None)
    return {"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props}


def bucket(props: dict, geometry) -> str:
    precision = props.get("precision")
    if geometry is not None and precision in ("exact", "site"):
        return "located"
    if precision == "segment" and geometry is not None:
        return "segment"
    if precision == "village":
        return "village"
    if precision == "town":
        return "town"
    return "unlocated"


def store_for(output=None, store=None):
    """Where a build writes: ``store``; else the data folder of ``output`` (a projects.geojson path); else the
    configured store (GEO_STORE_URL, or the data folder)."""
    from geo.store import open_store

    if store is not None:
        return store
    return open_store(Path(output).parent) if output is not None else open_store()


def written_problems(store, ids) -> list:
    """Errors of the items ``ids`` as ``store`` now holds them: what was written is read back and checked."""
    from geo.contract import Problem
    from geo.validate import validate_collection

    wanted = list(dict.fromkeys(ids))
    held = {f.get("id"): f for f in store.load() if f.get("id") in set(wanted)}
    problems = [Problem(i, "(store)", f"was not written to {store!r}; build again") for i in wanted if i not in held]
    collection = {"type": "FeatureCollection", "features": [held[i] for i in wanted if i in held]}
    return problems + [p for p in validate_collection(collection, repr(store)) if p.severity == "error"]


def build_plan(plan_path: str | Path, output: str | Path | None = None, *, store=None,
               places_path: str | Path | None = None, online: bool = False, user: str = "build",
               plan_id: str | None = None, town: str | None = None, county: str | None = None,
               year: int | None = None, dry_run: bool = False, online_timeout: float = 10.0,
               gazetteer: Gazetteer | None = None, validate: bool = True) -> BuildReport:
    """Extract ``plan_path``, locate its items and merge them into the store (see :func:`store_for`), then
    check the items as the store holds them.

    The gazetteer is ``gazetteer``, else the file ``places_path``, else the store's own.
    """
    from geo.extract import extract_file

    target = None if dry_run and store is None and output is None else store_for(output, store)
    gazetteer = gazetteer or load_gazetteer(places_path, store=target)
    doc, items = extract_file(plan_path, plan_id=plan_id, town=town, county=county, year=year,
                              known_places=gazetteer.names())
    town_place = gazetteer.resolve_town(doc.town)
    county_name = doc.county or (town_place["properties"].get("county") if town_place else None)
    providers = configured_providers(timeout=online_timeout) if online else []
    chain = BuildGeocoder(GeocoderChain(gazetteer, providers=providers))
    report = BuildReport(plan_id=doc.plan_id, items=len(items))
    if doc.town and town_place is None:
        report.warnings.append(f"town {doc.town} is not in the gazetteer; names are looked up without admin context")
    features = []
    for props in items:
        props = dict(props)
        if not props.get("county") and county_name:
            props["county"] = county_name
        features.append(item_feature(props, gazetteer, chain))
    assign_areas(features, gazetteer.places)  # where boundaries exist, the area is the one the item lies in
    for feature in features:
        fp = feature["properties"]
        report.counts[bucket(fp, feature["geometry"])] += 1
        report.areas[fp.get("area")] += 1
        report.unresolved.update(fp.get("x_unresolved_places") or [])
        report.suggestions += len(fp.get("x_suggestions") or [])
    report.unlocated_places = gazetteer.unlocated_places_referenced([f["properties"] for f in features])
    report.warnings.extend(chain.warnings())
    report.ids = [f["id"] for f in features]
    if dry_run:
        return report
    report.merge = target.merge_extracted(features, user=user)
    if validate:
        report.problems = written_problems(target, report.ids)
    return report


def plan_files(paths) -> list[Path]:
    """The plan documents named by ``paths``; a folder stands for every plan document below it."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES))
        else:
            out.append(path)
    return out


def build_plans(paths, output: str | Path | None = None, *, store=None, places_path: str | Path | None = None,
                progress=None, plan_options: dict | None = None, **options) -> list[BuildReport]:
    """Build many plans into one store, one after another.

    A plan that cannot be read is reported and skipped: one bad file in a batch of
    200 must not cost the other 199. ``progress(done, total, path, report)`` is called
    after each plan (the CLI prints a bar, the app moves st.progress). ``plan_options`` maps a
    plan path to options of its own (the town and county of each plan of a county's batch).
    """
    from geo.contract import Problem
    from geo.extract import ExtractError

    files = plan_files(paths)
    target = None if options.get("dry_run") and store is None and output is None else store_for(output, store)
    gazetteer = load_gazetteer(places_path, store=target)
    reports = []
    for done, path in enumerate(files, start=1):
        try:
            # what the batch wrote is checked once at the end, not once per plan
            own = {**options, **((plan_options or {}).get(path) or {})}
            report = build_plan(path, store=target, gazetteer=gazetteer, validate=False, **own)
        except ExtractError as exc:
            report = BuildReport(plan_id=path.stem)
            report.problems = [Problem(str(path), "(file)", str(exc).removeprefix(f"{path}: "))]
        reports.append(report)
        if progress is not None:
            progress(done, len(files), path, report)
    written = [i for r in reports for i in r.ids]
    if written and not options.get("dry_run"):
        reports[-1].problems.extend(written_problems(target, written))
    return reports



@dataclass
class TownPlanResult:
    """What ``build_town_plan`` did: the seed of the town, the build of its plan, the villages its items link."""

    seed: object                  # geo.gazetteer.towns.SeedReport
    build: BuildReport
    villages_linked: list = field(default_factory=list)   # names of the town's villages some item refers to
    villages_total: int = 0


def build_town_plan(data: bytes, filename: str, town, folder: str | Path, *, store=None, user: str = "build",
                    index=None) -> TownPlanResult:
    """A plan for a (new) town: seed ``town`` (a TownInfo, name or code) into the data folder ``folder``,
    then build the plan document ``data`` (named ``filename``) into the folder's store.

    The plan is read first, so an unreadable plan changes nothing; seeding keeps every place the folder
    holds (and the geometry people gave them: ``geo.gazetteer.towns.merge_places``). Raises
    ``DivisionsError`` for an unknown town or a missing index, ``ExtractError`` for an unreadable plan.
    """
    import tempfile

    from geo.config import places_path
    from geo.extract import ExtractError, extract_file
    from geo.filenames import safe_filename
    from geo.gazetteer.towns import resolve_town, seed_town

    folder = Path(folder)
    name = Path(str(filename or "plan.txt")).name
    suffix = Path(name).suffix.lower()
    if suffix not in PLAN_SUFFIXES:
        raise ExtractError(f"{name}: a plan comes as {', '.join(PLAN_SUFFIXES)}; this file is none of them")
    info = resolve_town(town, index=index)
    places = places_path(folder)
    with tempfile.TemporaryDirectory(prefix="geo-plan-") as tmp:
        plan = Path(tmp) / (safe_filename(Path(name).stem, "plan", max_chars=80) + suffix)
        plan.write_bytes(data)
        extract_file(plan, town=info.name, county=info.county)  # unreadable: stops here, nothing written
        seed = seed_town(info, places_path=places, index=index)
        target = store_for(folder / "projects.geojson", store)
        report = build_plan(plan, store=target, places_path=places, town=info.name, county=info.county,
                            user=user, plan_id=Path(name).stem or None)
    gazetteer = load_gazetteer(places)
    villages = {p["id"]: p["properties"]["name"] for p in gazetteer.places
                if p["properties"]["kind"] == "village" and p["properties"].get("parent") == info.code}
    held = {f.get("id"): f for f in target.load()}
    linked = {villages[r] for i in report.ids for r in ((held.get(i) or {}).get("properties") or {}).get(
        "place_refs") or [] if r in villages}
    return TownPlanResult(seed, report, sorted(linked), len(villages))
