"""A small national index built by the real builder from CSV files in the packages' own format.

Two NBS lists (2018, 2023) of a few towns, and a GeoNames file of a few rows, chosen so that each
seat rule is exercised: a unique name (水湖镇), a name twice in a province (古城街道 in 临海市 and
黄岩区), a row in another province (东塍镇), a row whose admin2 names another prefecture (汇溪镇).
Every coordinate below is a made-up test value and is only ever compared with itself.
"""
from __future__ import annotations

from pathlib import Path

from geo.gazetteer import seats
from geo.gazetteer.divisions_build import build_index

PROVINCES = [("33", "浙江省"), ("34", "安徽省")]
CITIES = [("3310", "台州市", "33"), ("3401", "合肥市", "34")]
AREAS = [("331082", "临海市", "3310", "33"), ("331003", "黄岩区", "3310", "33"), ("340121", "长丰县", "3401", "34")]
STREETS_2018 = [("331082101", "东塍镇"), ("331082001", "古城街道办事处"), ("331003001", "古城街道办事处"),
                ("331082103", "汇溪镇"), ("331082150", "旧乡"), ("340121100", "水湖镇"), ("340121101", "杨庙镇")]
STREETS_2023 = [("331082101", "东塍镇"), ("331082001", "古城街道"), ("331003001", "古城街道"),
                ("331082103", "汇溪镇"), ("340121100", "水湖镇"), ("340121101", "杨庙镇")]
VILLAGES_2018 = [("331082101200", "下街村委会"), ("331082101213", "小岭村委会"), ("331082101247", "康二村委会"),
                 ("331082001001", "东湖社区居委会"), ("331082103200", "汇溪村委会"), ("340121100200", "新集村委会")]
VILLAGES_2023 = [("331082101200", "下街村民委员会"), ("331082101247", "康谷村委会"), ("331082101001", "东城居委会"),
                 ("331082101248", "东塍村委会"), ("331082101249", "临港村委会"), ("331082101250", "新城村委会"),
                 ("331082101251", "旧城村委会"), ("331082001001", "东湖社区居委会"), ("331003001001", "东湖社区居委会"),
                 ("331082103200", "汇溪村委会"), ("340121100200", "新集村委会")]
# geonameid, Chinese names, lat, lon, admin1, admin2
GEONAMES = [
    (9000001, "水湖,水湖镇", 32.10, 117.10, "01", ""),
    (9000002, "古城,古城街道", 28.80, 121.10, "02", ""),
    (9000003, "东塍,东塍镇", 32.20, 117.20, "01", ""),      # in Anhui: not the 东塍镇 of Zhejiang
    (9000004, "汇溪,汇溪镇", 28.90, 121.20, "02", "3399"),  # admin2 names another prefecture
    (9000005, "杨庙,杨庙镇", 32.30, 117.30, "01", "3401"),
]
SEAT_OF_SHUIHU = (117.10, 32.10)


def _csv(path: Path, header: str, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header] + [",".join(f'"{c}"' if i == 1 else c for i, c in enumerate(r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _list(dist: Path, streets, villages) -> None:
    _csv(dist / "provinces.csv", "code,name", PROVINCES)
    _csv(dist / "cities.csv", "code,name,provinceCode", CITIES)
    _csv(dist / "areas.csv", "code,name,cityCode,provinceCode", AREAS)
    _csv(dist / "streets.csv", "code,name,areaCode,provinceCode,cityCode",
         [(c, n, c[:6], c[:2], c[:4]) for c, n in streets])
    _csv(dist / "villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode",
         [(c, n, c[:9], c[:2], c[:4], c[:6]) for c, n in villages])


def geonames_line(gid, zh, lat, lon, admin1, admin2) -> str:
    cols = [str(gid), f"Place{gid}", f"Place{gid}", zh, str(lat), str(lon), "P", "PPLA4", "CN", "", admin1,
            admin2, "", "", "0", "", "10", "Asia/Shanghai", "2021-09-19"]
    return "\t".join(cols)


def build(tmp: Path, geonames=GEONAMES, monkeypatch=None) -> Path:
    """Build the index under ``tmp``; returns its path."""
    _list(tmp / "2018", STREETS_2018, VILLAGES_2018)
    _list(tmp / "2023", STREETS_2023, VILLAGES_2023)
    gfile = tmp / "cities500.txt"
    gfile.write_text("\n".join(geonames_line(*g) for g in geonames) + "\n", encoding="utf-8")
    if monkeypatch is not None:  # two provinces of test data cannot give five votes each
        monkeypatch.setattr(seats, "MIN_ADMIN1_VOTES", 1)
    out = tmp / "divisions.sqlite"
    build_index(out, [(2018, "2.2.0", tmp / "2018"), (2023, "2.7.0", tmp / "2023")], gfile, log=lambda m: None)
    return out
