"""The gazetteer: places by name, with honest geometry, and the one place where locations are set.

A place located once (``set_geometry``) locates every plan item that refers to it,
because items take their geometry from places at build time (``place_refs``).

Where the places live is the store's business: ``load_gazetteer()`` reads them from the
configured store (``places.geojson`` in the data folder, or the places table of a PostGIS
store), ``load_gazetteer(path)`` from that file. Every change is serialised there (file
lock or transaction), written atomically and logged (``places_audit.jsonl`` / the
places_audit table).
"""
from __future__ import annotations

import copy
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jsonschema
from referencing import Registry, Resource

from geo.contract import Problem, schema as item_schema
from geo.coords import convert, normalise_datum
from geo.store.base import StoreError, now_iso
from geo.store.places_file import PlacesFile

SCHEMA_PATH = Path(__file__).with_name("place.schema.json")
PLACE_PRECISIONS = ("exact", "site", "segment", "boundary", "town", "approximate", "none")

# Ranking when several places share a name: the living list beats history, admin units beat features.
_LISTING_RANK = {"current": 0, "unlisted": 1, "former": 2}
_KIND_RANK = {"village": 0, "town": 1, "town_seat_area": 2, "county": 3}
_STAGES = ("exact", "alias", "variant", "prefix", "contains", "fuzzy")


class GazetteerError(ValueError):
    """A request the gazetteer refuses; the message names the place and the fix."""


@lru_cache(maxsize=1)
def place_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    item = item_schema()
    registry = Registry().with_resource(item["$id"], Resource.from_contents(item))
    cls = jsonschema.validators.validator_for(place_schema())
    return cls(place_schema(), registry=registry)


def validate_place(feature, position: int | None = None) -> list[Problem]:
    """Schema problems of one place feature; never raises for bad input."""
    fid = feature.get("id") if isinstance(feature, dict) and isinstance(feature.get("id"), str) else f"#{position}"
    if not isinstance(feature, dict):
        return [Problem(fid, "(feature)", "is not a GeoJSON Feature object")]
    problems = []
    for err in _validator().iter_errors(feature):
        path = ".".join(str(p) for p in err.absolute_path) or "(feature)"
        problems.append(Problem(fid, path, err.message[:300]))
    props = feature.get("properties") or {}
    if isinstance(props, dict):
        if feature.get("geometry") is None and props.get("precision") not in (None, "none"):
            problems.append(Problem(fid, "precision", f"is {props.get('precision')!r} but the place has no geometry; use none"))
        if feature.get("geometry") is not None and not props.get("geometry_source"):
            problems.append(Problem(fid, "geometry_source", "is empty but the place has a geometry: every coordinate needs a source"))
    return problems


def normalise_name(text: str) -> str:
    """Full-width to half-width, no spaces, quotes or brackets: the form names are compared in."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s\"'“”‘’「」『』《》〈〉【】]+", "", text).strip("，。、；：,.;:")


_COMMITTEE = re.compile(r"(村民委员会|村委会|居民委员会|居委会)$")
# Words that name a piece of work on a place rather than another place.
_GENERIC_SUFFIX = re.compile(r"(?:区块|片区|地块|项目|工程|[(（]?[一二三四五六七八九十\d]+期[)）]?)+$")


def name_variants(q: str) -> list[str]:
    """Other ways a plan writes the same admin name: 岭根村委会 ↔ 岭根村 ↔ 岭根, 东塍 ↔ 东塍镇."""
    out = []
    generic = _GENERIC_SUFFIX.sub("", q)
    if generic != q and len(generic) >= 2:
        out.append(generic)  # 岭根下沙田区块 → 岭根下沙田, 灯城彩灯创业园(一期) → 灯城彩灯创业园
    base = _COMMITTEE.sub("", q)
    if base != q:
        out += [base, base + "村"]
    if q.endswith("村") and len(q) > 2:
        out.append(q[:-1])
    elif not q.endswith(("村", "镇", "乡", "街道", "社区")):
        out += [q + "村", q + "镇", q + "街道", q + "乡"]
    if q.endswith("镇") and len(q) > 2:
        out.append(q[:-1])
    return [v for v in out if v and v != q]


@dataclass(frozen=True)
class Match:
    """A place found for a name: how it matched and whether other places matched as well."""

    place: dict
    how: str  # exact | alias | variant | prefix | contains | fuzzy
    query: str
    score: float = 1.0
    matched_key: str = ""
    alternatives: tuple[str, ...] = ()  # ids of other places that matched equally well
    in_context: bool = True

    @property
    def place_id(self) -> str:
        return self.place["id"]

    @property
    def name(self) -> str:
        return self.place["properties"]["name"]

    @property
    def kind(self) -> str:
        return self.place["properties"]["kind"]

    @property
    def geometry(self) -> dict | None:
        return self.place.get("geometry")

    @property
    def partial(self) -> bool:
        """The query names something inside or beside the place (岭根村文旅节点 → 岭根村), not the place."""
        return self.how in ("prefix", "contains")

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


@dataclass
class Gazetteer:
    path: Path | None  # the places file, when the places are a file
    places: list[dict] = field(default_factory=list)
    store: object | None = None  # where changes are written: a PlacesFile or a data store (None: ``path``)

    def __post_init__(self):
        self._reindex()

    # ---- reading -----------------------------------------------------------
    def _reindex(self) -> None:
        self._by_id = {p["id"]: p for p in self.places}
        self._names: dict[str, list[str]] = {}
        self._aliases: dict[str, list[str]] = {}
        for p in self.places:
            props = p["properties"]
            self._names.setdefault(normalise_name(props["name"]), []).append(p["id"])
            for alias in props.get("aliases") or []:
                self._aliases.setdefault(normalise_name(alias), []).append(p["id"])
        self._keys = sorted(set(self._names) | set(self._aliases), key=lambda k: (-len(k), k))

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> dict | None:
        p = self._by_id.get(place_id)
        return copy.deepcopy(p) if p is not None else None

    def shared(self, place_id: str) -> dict | None:
        """The place itself, not a copy: for reading only (a loop over every item of a county cannot
        copy a place, outline included, for each reference)."""
        return self._by_id.get(place_id)

    def names(self) -> list[str]:
        """Every name and alias, longest first: what the extractor should recognise as places."""
        seen = []
        for p in self.places:
            seen.append(p["properties"]["name"])
            seen.extend(p["properties"].get("aliases") or [])
        return sorted(set(seen), key=lambda s: (-len(s), s))

    def ancestors(self, place: dict | str) -> list[dict]:
        """Parent, grandparent … of a place (nearest first)."""
        p = self._by_id.get(place) if isinstance(place, str) else place
        out, seen = [], set()
        while p is not None:
            parent_id = p["properties"].get("parent")
            if not parent_id or parent_id in seen:
                break
            seen.add(parent_id)
            p = self._by_id.get(parent_id)
            if p is not None:
                out.append(p)
        return out

    def parent_of(self, place: dict | str) -> dict | None:
        chain = self.ancestors(place)
        return chain[0] if chain else None

    def enclosing(self, place: dict | str, kind: str) -> dict | None:
        """The place itself or its nearest ancestor of ``kind`` (village, town, county)."""
        p = self._by_id.get(place) if isinstance(place, str) else place
        if p is None:
            return None
        if p["properties"]["kind"] == kind:
            return p
        return next((a for a in self.ancestors(p) if a["properties"]["kind"] == kind), None)

    def resolve_town(self, town: str | None) -> dict | None:
        """A town place from its name (东塍镇), short name (东塍) or id; None if unknown."""
        if not town:
            return None
        if town in self._by_id and self._by_id[town]["properties"]["kind"] in ("town", "county"):
            return self._by_id[town]
        q = normalise_name(town)
        for key in (q, *name_variants(q)):
            for pid in self._names.get(key, []) + self._aliases.get(key, []):
                if self._by_id[pid]["properties"]["kind"] == "town":
                    return self._by_id[pid]
        return None

    def _in_context(self, place: dict, ctx: dict | None) -> bool:
        if ctx is None:
            return True
        return place["id"] == ctx["id"] or any(a["id"] == ctx["id"] for a in self.ancestors(place))

    def _rank(self, ids: Iterable[str], ctx: dict | None) -> list[tuple[tuple, dict]]:
        ranked = []
        for pid in dict.fromkeys(ids):
            p = self._by_id[pid]
            props = p["properties"]
            key = (0 if self._in_context(p, ctx) else 1,
                   _LISTING_RANK.get(props.get("listing"), 1),
                   _KIND_RANK.get(props["kind"], 4))
            ranked.append((key, p))
        ranked.sort(key=lambda t: (t[0], t[1]["id"]))
        return ranked

    def _match(self, ids, how, query, ctx, key, score=1.0) -> Match | None:
        ranked = self._rank(ids, ctx)
        if not ranked:
            return None
        best_key, best = ranked[0]
        if ctx is not None and best_key[0] == 1 and how in ("prefix", "contains", "fuzzy"):
            return None  # a loose match outside the plan's town is more likely wrong than right
        alternatives = tuple(p["id"] for k, p in ranked[1:] if k[:2] == best_key[:2])
        return Match(copy.deepcopy(best), how, query, score, key, alternatives, best_key[0] == 0)

    def candidates(self, name: str, town: str | None = None) -> list[Match]:
        """Every stage's best match, best stage first (for a picker in the app)."""
        out, seen = [], set()
        for how in _STAGES:
            m = self._stage(how, normalise_name(name), self.resolve_town(town))
            if m and m.place_id not in seen:
                seen.add(m.place_id)
                out.append(m)
        return out

    def lookup(self, name: str, town: str | None = None) -> Match | None:
        """The place ``name`` refers to: exact name, alias, admin-name variant, then loose matches.

        ``town`` is the plan's admin context: a bare "岭根" in a 东塍镇 plan is 岭根村 of 东塍镇,
        and loose (prefix/contains/fuzzy) matches outside that town are not returned.
        """
        q = normalise_name(name)
        if not q:
            return None
        ctx = self.resolve_town(town)
        for how in _STAGES:
            m = self._stage(how, q, ctx)
            if m is not None:
                return m
        return None

    def _stage(self, how: str, q: str, ctx: dict | None) -> Match | None:
        if how == "exact":
            return self._match(self._names.get(q, []), how, q, ctx, q)
        if how == "alias":
            return self._match(self._aliases.get(q, []), how, q, ctx, q)
        if how == "variant":
            for v in name_variants(q):
                m = self._match(self._names.get(v, []) + self._aliases.get(v, []), how, q, ctx, v, 0.95)
                if m:
                    return m
            return None
        if how in ("prefix", "contains"):
            for key in self._keys:  # longest first
                if len(key) < 2 or len(key) >= len(q):
                    continue
                hit = q.startswith(key) if how == "prefix" else key in q
                if hit:
                    m = self._match(self._names.get(key, []) + self._aliases.get(key, []), how, q, ctx, key,
                                    round(len(key) / len(q), 3))
                    if m:
                        return m
            return None
        if how == "fuzzy":
            if len(q) < 3:
                return None
            pool = [k for k in self._keys if len(k) >= 3 and k[-1] == q[-1]]
            if ctx is not None:
                pool = [k for k in pool if any(self._in_context(self._by_id[i], ctx)
                                               for i in self._names.get(k, []) + self._aliases.get(k, []))]
            close = difflib.get_close_matches(q, pool, n=1, cutoff=0.8)
            if close:
                key = close[0]
                score = round(difflib.SequenceMatcher(None, q, key).ratio(), 3)
                return self._match(self._names.get(key, []) + self._aliases.get(key, []), how, q, ctx, key, score)
        return None

    def place_ids_for(self, item_props: dict) -> list[str]:
        """The place ids an item refers to: its place_refs, else its place names looked up in its town."""
        refs = [r for r in item_props.get("place_refs") or [] if r in self._by_id]
        if refs:
            return refs
        ids = []
        for name in item_props.get("places") or []:
            m = self.lookup(name, item_props.get("town"))
            if m is not None and not m.partial:
                ids.append(m.place_id)
        return list(dict.fromkeys(ids))

    def unlocated_places_referenced(self, items: Iterable[dict]) -> list[dict]:
        """Places without geometry that items refer to, most-referenced first: where placing one helps most.

        Each entry: {place_id, name, kind, town, items: [item ids], count}.
        """
        found: dict[str, list[str]] = {}
        for item in items:
            props = item.get("properties", item)
            for pid in self.place_ids_for(props):
                p = self._by_id[pid]
                if p.get("geometry") is None and p["properties"]["kind"] not in ("county",):
                    found.setdefault(pid, []).append(str(props.get("id") or item.get("id")))
        out = []
        for pid, item_ids in found.items():
            props = self._by_id[pid]["properties"]
            out.append({"place_id": pid, "name": props["name"], "kind": props["kind"], "town": props.get("town"),
                        "items": sorted(set(item_ids)), "count": len(set(item_ids))})
        return sorted(out, key=lambda e: (-e["count"], e["name"]))

    # ---- writing -----------------------------------------------------------
    def _writer(self):
        if self.store is not None:
            return self.store
        if self.path is None:
            raise GazetteerError("this gazetteer has no file; load it with load_gazetteer(path) to change it")
        return PlacesFile(self.path)

    def _mutate(self, place_id: str | None, change, user: str, action: str) -> dict:
        """In the store, under its lock: apply ``change(features, by_id) -> feature`` to the current places,
        validate, write, log."""
        if not user or not str(user).strip():
            raise GazetteerError("a change to the gazetteer needs a user name (who placed it)")
        writer = self._writer()
        done: dict = {}

        def apply(features: list[dict]) -> tuple[dict, dict]:
            _check_places(features, writer.places_where())
            by_id = {f["id"]: f for f in features}
            old = copy.deepcopy(by_id.get(place_id)) if place_id else None
            new = change(features, by_id)
            problems = validate_place(new)
            if problems:
                raise GazetteerError(f"place {new.get('id')} not saved: " + "; ".join(p.line() for p in problems[:3]))
            entry = {"ts": new["properties"]["updated_at"], "user": user, "place": new["id"], "action": action,
                     "old_geometry": old.get("geometry") if old else None, "new_geometry": new.get("geometry"),
                     "version": new["properties"]["version"]}
            if action != "set_geometry":
                entry.pop("old_geometry"), entry.pop("new_geometry")
                entry["new"] = new["properties"] if old is None else {
                    k: v for k, v in new["properties"].items() if old["properties"].get(k) != v}
            done["new"] = new
            return new, entry

        try:
            features = writer.update_places(apply)
        except StoreError as exc:
            raise GazetteerError(str(exc)) from None
        self.places = features
        self._reindex()
        return copy.deepcopy(done["new"])

    def add_place(self, name: str, kind: str, *, user: str, source: str, parent: str | None = None,
                  aliases: Iterable[str] = (), admin_code: str | None = None, geometry: dict | None = None,
                  geometry_source: str | None = None, precision: str | None = None, licence: str | None = None,
                  datum_original: str | None = None, place_id: str | None = None, notes: str | None = None) -> dict:
        """Add a new place; geometry (WGS-84) is optional. Refuses a duplicate id or name in the same parent."""
        name = normalise_name(name)
        if not name:
            raise GazetteerError("a place needs a name")
        if parent and parent not in self._by_id:
            raise GazetteerError(f"parent {parent!r} is not a place in the gazetteer; add it first or pick another")
        town = self.enclosing(parent, "town") if parent else None
        county = self.enclosing(parent, "county") if parent else None
        pid = place_id or admin_code or f"{kind}:{town['id'] if town else 'unknown'}:{name}"
        if geometry is not None and not geometry_source:
            raise GazetteerError(f"place {name}: a geometry needs its source (manual, gps, draw, import, online:NAME)")
        ts = now_iso()

        def change(features, by_id):
            if pid in by_id:
                raise GazetteerError(f"place {pid} already exists; use set_geometry or add an alias instead")
            clash = [f for f in features if f["properties"]["name"] == name and f["properties"].get("parent") == parent]
            if clash:
                raise GazetteerError(f"{name} already exists under {parent} as {clash[0]['id']}; use that place")
            return {"type": "Feature", "id": pid, "geometry": copy.deepcopy(geometry), "properties": {
                "id": pid, "name": name, "aliases": sorted({normalise_name(a) for a in aliases} - {name, ""}),
                "kind": kind, "admin_code": admin_code, "parent": parent,
                "town": town["properties"]["name"] if town else None,
                "county": county["properties"]["name"] if county else None, "listing": "unlisted",
                "precision": precision or ("site" if geometry else "none"), "source": source,
                "geometry_source": geometry_source if geometry else None, "licence": licence,
                "datum": normalise_datum(datum_original) if datum_original else None,
                "notes": notes, "version": 1, "updated_at": ts, "updated_by": user}}

        return self._mutate(None, change, user, "add")

    def set_geometry(self, place_id: str, geometry: dict | None, source: str, precision: str, user: str,
                     datum_original: str = "wgs84", *, accuracy_m: float | None = None,
                     expected_version: int | None = None, note: str | None = None) -> dict:
        """Locate (or un-locate, geometry None) a place. ``geometry`` is WGS-84 already;
        ``datum_original`` records what it was captured in (a GCJ-02 point is kept as ``original``).
        ``source``: manual | gps | draw | import | online:NAME.
        """
        if precision not in PLACE_PRECISIONS:
            raise GazetteerError(f"precision {precision!r} is not one of {', '.join(PLACE_PRECISIONS)}")
        datum = normalise_datum(datum_original)
        ts = now_iso()

        def change(features, by_id):
            if place_id not in by_id:
                raise GazetteerError(f"place {place_id!r} is not in the gazetteer; add it first")
            cur = by_id[place_id]
            version = cur["properties"].get("version", 1)
            if expected_version is not None and expected_version != version:
                raise GazetteerError(f"place {place_id} changed by {cur['properties'].get('updated_by')} since you "
                                     f"opened it (your version {expected_version}, now {version}); reload and retry")
            new = copy.deepcopy(cur)
            props = new["properties"]
            new["geometry"] = copy.deepcopy(geometry)
            props.update(precision=precision if geometry else "none", geometry_source=source if geometry else None,
                         datum=datum if geometry else None, version=version + 1, updated_at=ts, updated_by=user,
                         accuracy_m=accuracy_m)
            props["original"] = None
            if geometry and geometry.get("type") == "Point" and datum not in ("wgs84", "cgcs2000"):
                lon, lat = geometry["coordinates"][:2]
                olon, olat = convert(lon, lat, "wgs84", datum)
                props["original"] = {"lon": round(olon, 7), "lat": round(olat, 7), "datum": datum, "source": source}
            if props.get("represents") != "seat" or not geometry or geometry.get("type") != "Point":
                gtype = (geometry or {}).get("type", "")
                props["represents"] = ("extent" if "Polygon" in gtype else "line" if "LineString" in gtype
                                       else "centre" if gtype else None)
            if note:
                props["notes"] = (props.get("notes") + " | " if props.get("notes") else "") + note
            return new

        return self._mutate(place_id, change, user, "set_geometry")

    def add_alias(self, place_id: str, alias: str, user: str) -> dict:
        alias = normalise_name(alias)
        ts = now_iso()

        def change(features, by_id):
            if place_id not in by_id:
                raise GazetteerError(f"place {place_id!r} is not in the gazetteer")
            new = copy.deepcopy(by_id[place_id])
            props = new["properties"]
            if alias and alias != props["name"] and alias not in props["aliases"]:
                props["aliases"] = props["aliases"] + [alias]
            props.update(version=props.get("version", 1) + 1, updated_at=ts, updated_by=user)
            return new

        return self._mutate(place_id, change, user, "add_alias")


def _check_places(features: list, where: str) -> list[dict]:
    bad = [f for f in features if not isinstance(f, dict) or "id" not in f or not isinstance(f.get("properties"), dict)]
    if bad:
        raise GazetteerError(f"{where}: {len(bad)} feature(s) without id or properties; fix them or re-seed")
    return features


def rewrite_places(source, change) -> list[dict]:
    """Change many places at once (seeding a town, importing boundaries) under the store's lock.

    ``change(features) -> (features, changed ids, audit entries) | None`` (None: nothing to write);
    the changed places are validated before anything is written. ``source``: a places file, a
    store, or None (the configured store). Returns the places after the change.
    """
    file, target = _places_of(source)
    where = str(file) if file is not None else target.places_where()

    def checked(features):
        result = change(_check_places(features, where))
        if result is None:
            return None
        features, changed, entries = result
        only = set(changed)
        problems = [p for i, f in enumerate(features, 1) if f.get("id") in only for p in validate_place(f, i)]
        if problems:
            raise GazetteerError("; ".join(p.line() for p in problems[:5]))
        return features, entries

    try:
        return target.rewrite_places(checked)
    except StoreError as exc:
        raise GazetteerError(str(exc)) from None


def _places_of(source) -> tuple[Path | None, object]:
    """(file path or None, what reads and writes the places) for a path, a store, or None (the configured store)."""
    if source is None:
        from geo.store import open_store

        source = open_store()
    if isinstance(source, (str, Path)):
        return Path(source), PlacesFile(source)
    places_file = getattr(source, "places_file", None)  # a file store keeps its places in a file
    if places_file is not None:
        return places_file.path, places_file
    return None, source


def load_gazetteer(path: str | Path | None = None, *, store=None) -> Gazetteer:
    """The gazetteer in the file ``path``, in ``store``, or (neither) in the configured store (the data
    folder's places.geojson, or the places table of GEO_STORE_URL). Empty when none is there yet."""
    file, source = _places_of(path if path is not None else store)
    try:
        doc = source.load_places()
    except StoreError as exc:
        raise GazetteerError(str(exc)) from None
    where = str(file) if file is not None else source.places_where()
    features = _check_places(doc["features"], where) if doc else []
    return Gazetteer(file, features, store=None if file is not None else source)


def write_places(path: str | Path | None, places: list[dict], *, store=None,
                 changed: Iterable[str] | None = None) -> None:
    """Write a whole gazetteer atomically (used by seeding) to the file ``path``, to ``store``, or (neither) to
    the configured store; every place is validated first.

    ``changed``: ids of the places a merge added or changed; only those are validated, the others
    are written back as they were read (a county outline of thousands of vertices costs seconds).
    """
    only = set(changed) if changed is not None else None
    problems = [p for i, f in enumerate(places, 1) if only is None or f.get("id") in only
                for p in validate_place(f, i)]
    if problems:
        raise GazetteerError("; ".join(p.line() for p in problems[:5]))
    _file, target = _places_of(path if path is not None else store)
    try:
        target.replace_places({"type": "FeatureCollection", "features": places})
    except StoreError as exc:
        raise GazetteerError(str(exc)) from None
