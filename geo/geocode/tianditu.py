"""天地图 (Tianditu) geocoder: ``GET {base}?ds={"keyWord": …}&tk=KEY``.

Documented answer: ``{"status": "0", "msg": "ok", "location": {"lon", "lat", "level", "score",
"keyWord"}}``; status "0" is success, other statuses are errors or no result (101: 结果为空).
Coordinates are CGCS2000, the same as WGS-84 to well under a metre.
A key that is wrong, disabled or out of quota is refused with an HTTP error or a ``code``/``msg`` body.
"""
from __future__ import annotations

import json
from functools import partial
from urllib.parse import urlencode

from geopy.exc import GeocoderAuthenticationFailure, GeocoderQuotaExceeded
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from geo import config
from geo.geocode.base import ProviderAnswerError
from geo.geocode.online import OnlineProvider

DEFAULT_URL = "http://api.tianditu.gov.cn/geocoder"
LICENCE = "天地图 (国家地理信息公共服务平台) geocoder answer; its terms of use apply"

_NO_RESULT = {"101", "404"}
# level -> item precision. Coarser answers than a village are of no use for a project.
_LEVELS = {"门址": "site", "兴趣点": "site", "POI": "site", "道路": "site", "交叉路口": "site",
           "村庄": "village", "行政村": "village", "自然村": "village", "乡镇": "town", "街道": "town"}


class Tianditu(Geocoder):
    """geopy Geocoder for the Tianditu geocoding API (forward only)."""

    def __init__(self, key: str, *, base_url: str | None = None, timeout=DEFAULT_SENTINEL, proxies=DEFAULT_SENTINEL,
                 user_agent=None, ssl_context=DEFAULT_SENTINEL, adapter_factory=None):
        super().__init__(timeout=timeout, proxies=proxies, user_agent=user_agent, ssl_context=ssl_context,
                         adapter_factory=adapter_factory)
        if not key:
            raise GeocoderAuthenticationFailure("Tianditu needs a key (tk): set GEO_TIANDITU_KEY or tianditu_key")
        self.key = key
        self.api = base_url or DEFAULT_URL

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL):
        ds = json.dumps({"keyWord": str(query)}, ensure_ascii=False)
        url = f"{self.api}?{urlencode({'ds': ds, 'tk': self.key})}"
        return self._call_geocoder(url, partial(self._parse_json, exactly_one=exactly_one), timeout=timeout)

    @staticmethod
    def _parse_json(doc, exactly_one=True):
        if not isinstance(doc, dict):
            raise ProviderAnswerError("Tianditu answered something that is not a JSON object")
        if "status" not in doc and "code" in doc:  # key/permission/quota refusals
            msg = str(doc.get("msg") or doc.get("message") or doc.get("code"))
            if any(w in msg for w in ("超限", "上限", "配额", "次数", "频率")):
                raise GeocoderQuotaExceeded(f"Tianditu: {msg}")
            raise GeocoderAuthenticationFailure(f"Tianditu: {msg}")
        status = str(doc.get("status"))
        loc = doc.get("location")
        if status == "0" and isinstance(loc, dict) and loc.get("lon") not in (None, ""):
            try:
                lon, lat = float(loc["lon"]), float(loc["lat"])
            except (TypeError, ValueError, KeyError):
                raise ProviderAnswerError(f"Tianditu: location {loc!r} has no numeric lon/lat") from None
            location = Location(str(loc.get("keyWord") or ""), (lat, lon), doc)
            return location if exactly_one else [location]
        if status == "0" or status in _NO_RESULT:
            return None
        raise ProviderAnswerError(f"Tianditu status {status}: {doc.get('msg')}")


def level_of(raw: dict) -> str | None:
    return (raw.get("location") or {}).get("level")


def precision_of(raw: dict) -> str:
    return _LEVELS.get(level_of(raw) or "", "none")


def provider(timeout: float = 10.0) -> OnlineProvider | None:
    """The configured provider, or None when no key is set (off by default)."""
    key = config.secret("tianditu_key")
    if not key:
        return None
    geocoder = Tianditu(str(key), base_url=config.secret("tianditu_url") or None, timeout=timeout,
                        user_agent="geo-town-plan-map")
    return OnlineProvider("tianditu", geocoder.geocode, precision_of, level_of, "cgcs2000", LICENCE)
