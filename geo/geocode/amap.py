"""高德 (AMap) geocoder: ``GET {base}?key=KEY&address=…&city=ADCODE&output=JSON``.

Documented answer: ``{"status": "1", "info": "OK", "infocode": "10000", "count": "1",
"geocodes": [{"formatted_address", "adcode", "location": "LON,LAT", "level", …}]}``;
``status "0"`` carries an ``infocode`` such as 10001 INVALID_USER_KEY or 10003 DAILY_QUERY_OVER_LIMIT.
AMap coordinates are GCJ-02: this geocoder returns WGS-84 (converted) and keeps the original in ``raw``.
"""
from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from geopy.exc import GeocoderAuthenticationFailure, GeocoderQuotaExceeded, GeocoderRateLimited
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from geo import config
from geo.coords import gcj02_to_wgs84
from geo.geocode.base import ProviderAnswerError
from geo.geocode.online import OnlineProvider

DEFAULT_URL = "https://restapi.amap.com/v3/geocode/geo"
LICENCE = "高德地图 (AMap) geocoder answer, converted from GCJ-02; AMap terms of use apply"

_AUTH = {"10001", "10002", "10005", "10006", "10007", "10008", "10009", "10010", "10011", "10012", "10013"}
_QUOTA = {"10003", "10044", "10045", "10014", "10015"}
_RATE = {"10004", "10016", "10019", "10020", "10021", "10029"}
_LEVELS = {"门牌号": "site", "单元号": "site", "楼栋": "site", "兴趣点": "site", "道路交叉路口": "site",
           "公交站台、地铁站": "site", "道路": "site", "村庄": "village", "乡镇": "town", "开发区": "town",
           "热点商圈": "town"}


class AMap(Geocoder):
    """geopy Geocoder for AMap web-service geocoding; results in WGS-84."""

    def __init__(self, key: str, *, base_url: str | None = None, city: str | None = None, timeout=DEFAULT_SENTINEL,
                 proxies=DEFAULT_SENTINEL, user_agent=None, ssl_context=DEFAULT_SENTINEL, adapter_factory=None):
        super().__init__(timeout=timeout, proxies=proxies, user_agent=user_agent, ssl_context=ssl_context,
                         adapter_factory=adapter_factory)
        if not key:
            raise GeocoderAuthenticationFailure("AMap needs a key: set GEO_AMAP_KEY or amap_key")
        self.key, self.city = key, city
        self.api = base_url or DEFAULT_URL

    def geocode(self, query: str, *, exactly_one: bool = True, city: str | None = None, timeout=DEFAULT_SENTINEL):
        params = {"key": self.key, "address": str(query), "output": "JSON"}
        if city or self.city:
            params["city"] = city or self.city
        url = f"{self.api}?{urlencode(params)}"
        return self._call_geocoder(url, partial(self._parse_json, exactly_one=exactly_one), timeout=timeout)

    @staticmethod
    def _parse_json(doc, exactly_one=True):
        if not isinstance(doc, dict):
            raise ProviderAnswerError("AMap answered something that is not a JSON object")
        if str(doc.get("status")) != "1":
            code, info = str(doc.get("infocode")), doc.get("info")
            if code in _AUTH:
                raise GeocoderAuthenticationFailure(f"AMap {code} {info}")
            if code in _QUOTA:
                raise GeocoderQuotaExceeded(f"AMap {code} {info}")
            if code in _RATE:
                raise GeocoderRateLimited(f"AMap {code} {info}")
            raise ProviderAnswerError(f"AMap {code} {info}")
        out = []
        for g in doc.get("geocodes") or []:
            try:
                glon, glat = (float(v) for v in str(g["location"]).split(","))
            except (KeyError, ValueError, TypeError):
                continue
            lon, lat = gcj02_to_wgs84(glon, glat)
            raw = dict(g, x_location_gcj02=[glon, glat])
            out.append(Location(str(g.get("formatted_address") or ""), (lat, lon), raw))
        if not out:
            return None
        return out[0] if exactly_one else out


def level_of(raw: dict) -> str | None:
    return raw.get("level")


def precision_of(raw: dict) -> str:
    return _LEVELS.get(level_of(raw) or "", "none")


def provider(timeout: float = 10.0, city: str | None = None) -> OnlineProvider | None:
    key = config.secret("amap_key")
    if not key:
        return None
    geocoder = AMap(str(key), base_url=config.secret("amap_url") or None, city=city, timeout=timeout,
                    user_agent="geo-town-plan-map")
    return OnlineProvider("amap", geocoder.geocode, precision_of, level_of, "gcj02", LICENCE)
