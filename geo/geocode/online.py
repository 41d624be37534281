"""The small base every online provider shares: a geopy Geocoder wrapped so the chain can ask it.

A provider module (tianditu, amap, nominatim) defines a geopy ``Geocoder`` subclass (usable on
its own, with ``geopy.extra.rate_limiter.RateLimiter`` or ``geopandas.tools.geocode``) and an
``OnlineProvider`` that turns its ``Location`` into an answer dict in WGS-84 with a precision.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from geopy.location import Location


@dataclass
class OnlineProvider:
    name: str                                   # tianditu | amap | nominatim (source "online:NAME")
    geocode: Callable[..., Location | None]     # the geopy geocode (possibly rate limited)
    precision_of: Callable[[dict], str]         # raw answer -> item precision (site / village / town / none)
    level_of: Callable[[dict], str | None]
    datum_original: str                         # datum the provider publishes in
    licence: str

    def lookup(self, query: str) -> dict | None:
        """The provider's best answer as a plain dict (WGS-84), or None. geopy errors propagate."""
        location = self.geocode(query)
        if location is None:
            return None
        raw = location.raw if isinstance(location.raw, dict) else {}
        return {
            "provider": self.name, "lon": float(location.longitude), "lat": float(location.latitude),
            "address": location.address, "level": self.level_of(raw), "precision": self.precision_of(raw),
            "datum_original": self.datum_original, "licence": self.licence,
        }
