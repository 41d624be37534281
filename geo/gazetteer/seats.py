"""Town seat points from GeoNames, matched to NBS towns at set-up; never estimated.

GeoNames (CC BY 4.0) ``cities500`` rows carry a WGS-84 point, feature code, admin1 code and
alternate names, many of them Chinese (东塍, 东塍镇). A row becomes the seat of an NBS town only
when the match is unambiguous:

1. the row names the town in full (东塍镇, with its 镇/乡/街道) among its Chinese names: a bare 东塍
   could as well be the county seat or a village;
2. the row lies in the town's province (GeoNames admin1, mapped to NBS provinces from the data
   itself: see ``admin1_provinces``);
3. exactly one row of the province has that name, and exactly one NBS town of the province has it
   (城关镇 in several counties of one province gives no seat);
4. where GeoNames gives a four-digit admin2 that looks like an NBS prefecture code, it agrees.

Anything else gives no seat, and the reason is kept so the CLI and the app can say it.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

GEONAMES_LICENCE = "CC BY 4.0 (GeoNames, geonames.org)"
NO_SEAT_MESSAGE = "no open source places this town's seat"

_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_TOWN_SUFFIX = re.compile(r"(?:街道|镇|乡|苏木)$")
_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")
# GeoNames populated-place codes that are not a living place: historical, abandoned, destroyed.
_NOT_A_SEAT = {"PPLH", "PPLQ", "PPLW", "PPLCH"}
# admin1 codes backed by fewer unique-name matches than this stay unmapped (no seats there).
MIN_ADMIN1_VOTES = 5
MIN_ADMIN1_SHARE = 0.6


@dataclass(frozen=True)
class GeoNamesRow:
    geonameid: int
    name: str
    zh_names: tuple[str, ...]
    lat: float
    lon: float
    feature_code: str
    admin1: str
    admin2: str
    modified: str


@dataclass(frozen=True)
class SeatMatch:
    town_code: str
    row: GeoNamesRow
    matched_name: str


def read_geonames(path: Path, country: str = "CN") -> list[GeoNamesRow]:
    """The populated places of ``country`` in a GeoNames dump file (tab-separated, 19 columns)."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19 or f[8] != country or f[6] != "P" or f[7] in _NOT_A_SEAT:
                continue
            zh = tuple(dict.fromkeys(a for a in f[3].split(",") if _CJK.match(a)))
            rows.append(GeoNamesRow(int(f[0]), f[1], zh, float(f[4]), float(f[5]), f[7], f[10], f[11], f[18]))
    return rows


def admin1_provinces(rows: Iterable[GeoNamesRow], towns: Iterable[tuple[str, str]]) -> dict[str, str]:
    """GeoNames admin1 code -> NBS province code (2 digits), voted by the data.

    ``towns`` are (code, name) of NBS towns. A town name found once in the whole country is a vote
    for its province from every row that carries it; each admin1 code takes the clear majority.
    No mapping is typed in, so a GeoNames release that renumbers admin1 codes is followed.
    """
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, name in towns:
        by_name[name].append(code)
    unique = {name: codes[0][:2] for name, codes in by_name.items() if len(codes) == 1}
    votes: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for z in row.zh_names:
            if z in unique:
                votes[row.admin1][unique[z]] += 1
    out = {}
    for admin1, counter in votes.items():
        province, n = counter.most_common(1)[0]
        total = sum(counter.values())
        if admin1 and n >= MIN_ADMIN1_VOTES and n / total >= MIN_ADMIN1_SHARE:
            out[admin1] = province
    return out


def match_seats(rows: list[GeoNamesRow], towns: list[tuple[str, list[str]]],
                provinces: dict[str, str]) -> tuple[list[SeatMatch], dict[str, tuple[str, list[int]]]]:
    """(seats, misses) for NBS towns given as (code, [names: current first, then former]).

    ``misses`` maps a town code to (reason, geonameids) for towns GeoNames names but that get no
    seat: ``several_rows`` (the province has the name more than once in GeoNames),
    ``several_towns`` (more than one NBS town of the province has it) or ``admin2_disagrees``. Towns GeoNames does not name at all are not listed.
    """
    rows_by_name: dict[tuple[str, str], list[GeoNamesRow]] = defaultdict(list)
    for row in rows:
        province = provinces.get(row.admin1)
        if province is None:
            continue
        for z in row.zh_names:
            if _TOWN_SUFFIX.search(z):
                rows_by_name[(province, z)].append(row)
    towns_by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for code, names in towns:
        for name in names:
            towns_by_name[(code[:2], name)].add(code)
    seats, misses = [], {}
    for code, names in towns:
        province = code[:2]
        found: dict[int, tuple[GeoNamesRow, str]] = {}
        rivals: set[str] = set()
        for name in names:
            for row in rows_by_name.get((province, name), []):
                found.setdefault(row.geonameid, (row, name))
                rivals |= towns_by_name[(province, name)]
        if not found:
            continue
        ids = sorted(found)
        if len(found) > 1:
            misses[code] = ("several_rows", ids)
            continue
        if len(rivals) > 1:
            misses[code] = ("several_towns", ids)
            continue
        row, name = found[ids[0]]
        if _FOUR_DIGITS.match(row.admin2) and row.admin2 != code[:4]:
            misses[code] = ("admin2_disagrees", ids)
            continue
        seats.append(SeatMatch(code, row, name))
    # One row standing for two towns (it carries both names) is no seat of either.
    used = Counter(s.row.geonameid for s in seats)
    for s in seats:
        if used[s.row.geonameid] > 1:
            misses[s.town_code] = ("several_towns", [s.row.geonameid])
    return [s for s in seats if used[s.row.geonameid] == 1], misses


def miss_message(reason: str, geonameids: list[int]) -> str:
    ids = ", ".join(str(i) for i in geonameids)
    if reason == "admin2_disagrees":
        return f"{NO_SEAT_MESSAGE} (GeoNames {ids} has the name but lies in another prefecture)"
    if reason == "several_towns":
        return (f"{NO_SEAT_MESSAGE} (GeoNames {ids} has the name, but so do other towns of the province; "
                "which one it is cannot be told)")
    return f"{NO_SEAT_MESSAGE} (GeoNames has the name more than once in the province: {ids}; not guessed)"
