"""Nominatim (OpenStreetMap) through geopy, kept to its usage policy.

Policy: at most 1 request per second (``RateLimiter``), an identifying User-Agent (the provider
is off until ``nominatim_user_agent`` is configured: a real name with contact), and results cached
(the chain's cache). Answers are ``/search?format=jsonv2`` objects; WGS-84; data © OpenStreetMap (ODbL).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim as _GeopyNominatim

from geo import config
from geo.geocode.online import OnlineProvider

DEFAULT_URL = "https://nominatim.openstreetmap.org/search"
LICENCE = "© OpenStreetMap contributors, ODbL 1.0 (via Nominatim)"
MIN_DELAY_S = 1.0

_VILLAGE = {"village", "hamlet", "isolated_dwelling", "neighbourhood", "quarter", "croft"}
_TOWN = {"town", "municipality", "suburb", "city_district", "township"}


class Nominatim(_GeopyNominatim):
    """geopy's Nominatim asking for ``format=jsonv2`` at a configurable address."""

    def __init__(self, *, user_agent: str, base_url: str | None = None, **kwargs):
        parts = urlsplit(base_url or DEFAULT_URL)
        super().__init__(user_agent=user_agent, domain=parts.netloc, scheme=parts.scheme, **kwargs)
        self.api = f"{parts.scheme}://{parts.netloc}{parts.path or '/search'}"

    def _construct_url(self, base_api, params):
        if "format" in params:
            params["format"] = "jsonv2"
        return super()._construct_url(base_api, params)


def level_of(raw: dict) -> str | None:
    return raw.get("addresstype") or raw.get("type")


def precision_of(raw: dict) -> str:
    level = level_of(raw) or ""
    if level in _VILLAGE:
        return "village"
    if level in _TOWN:
        return "town"
    try:
        rank = int(raw.get("place_rank", 0))
    except (TypeError, ValueError):
        rank = 0
    return "site" if rank >= 26 else "none"


def provider(timeout: float = 10.0, min_delay_seconds: float = MIN_DELAY_S) -> OnlineProvider | None:
    agent = config.secret("nominatim_user_agent")
    if not agent:
        return None
    geocoder = Nominatim(user_agent=str(agent), base_url=config.secret("nominatim_url") or None, timeout=timeout)
    limited = RateLimiter(lambda q: geocoder.geocode(q, country_codes="cn", exactly_one=True),
                          min_delay_seconds=max(MIN_DELAY_S, min_delay_seconds), max_retries=0,
                          swallow_exceptions=False)
    return OnlineProvider("nominatim", limited, precision_of, level_of, "wgs84", LICENCE)
