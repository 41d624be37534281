"""What every step of the geocoder chain returns, and how precision follows from what was matched.

Errors are geopy's hierarchy (``geopy.exc.GeocoderServiceError`` and subclasses: timeouts,
quota, authentication), so providers written as geopy ``Geocoder`` subclasses plug in
unchanged; the chain records each as a :class:`ProviderFailure` on the result and moves on.
What a person reads about a lookup (failures, stand-ins, alternatives) is data too, rendered
in the reader's language where it is shown.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from geopy.exc import (  # re-exported: the shared error hierarchy of all providers
    GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges, GeocoderQuotaExceeded, GeocoderRateLimited,
    GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable, GeopyError,
)

from geo.contract import ITEM_GEOMETRY_PRECISIONS
from geo.i18n import Message

__all__ = [
    "GeocodeResult", "GeopyError", "GeocoderServiceError", "GeocoderTimedOut", "GeocoderQuotaExceeded",
    "GeocoderAuthenticationFailure", "GeocoderInsufficientPrivileges", "GeocoderRateLimited",
    "GeocoderUnavailable", "ProviderAnswerError", "ProviderFailure", "precision_for_place",
]


_ADMIN_PRECISION = {"village": "village", "town_seat_area": "village", "town": "town", "county": "none"}


class ProviderAnswerError(GeocoderServiceError):
    """The provider answered, but with an error code in its documented body (bad key, quota, …)."""


def precision_for_place(kind: str, place_precision: str | None) -> str:
    """Item precision given by a place of ``kind`` whose geometry has ``place_precision``."""
    if kind in _ADMIN_PRECISION:
        return _ADMIN_PRECISION[kind]
    if place_precision == "approximate":
        return "village"
    if place_precision == "segment":
        return "segment"
    return "exact" if place_precision == "exact" else "site"


@dataclass(frozen=True)
class ProviderFailure:
    """An online provider that did not give a usable answer for one query."""

    provider: str        # tianditu | amap | nominatim
    query: str
    error: str           # the exception's class, e.g. GeocoderTimedOut, GeocoderQuotaExceeded
    detail: str = ""     # the exception's text
    unusable: bool = False  # it answered, but with something that could not be read

    def text(self, lang: str = "zh") -> str:
        if self.unusable:
            return Message("geocode_unusable", provider=self.provider, query=self.query, error=self.error).text(lang)
        return Message("geocode_failed", provider=self.provider, query=self.query, error=self.error,
                       detail=self.detail).text(lang)


@dataclass
class GeocodeResult:
    """One name resolved as far as the chain could, with where the answer came from."""

    query: str
    town: str | None = None
    place_id: str | None = None         # gazetteer place matched (or whose location was suggested)
    matched_name: str | None = None
    kind: str | None = None
    how: str | None = None              # exact | alias | variant | prefix | contains | fuzzy | online
    lon: float | None = None
    lat: float | None = None
    geometry: dict | None = None        # WGS-84 geometry at the level of ``precision``
    precision: str = "none"             # exact | site | segment | village | town | none
    source: str | None = None           # gazetteer | online:tianditu | online:amap | online:nominatim
    suggestion: bool = False            # an online answer nobody accepted yet: not a location of record
    from_cache: bool = False
    fallback_from: str | None = None    # the place that had no location when a parent stood in
    represents: str | None = None       # seat: the point is the government seat, not the place
    datum_original: str | None = None
    provider_address: str | None = None
    provider_level: str | None = None
    alternatives: list[str] = field(default_factory=list)
    notes: list = field(default_factory=list)  # Message | ProviderFailure, in the order they happened

    @property
    def failures(self) -> list[ProviderFailure]:
        """The online providers that failed on the way to this answer."""
        return [n for n in self.notes if isinstance(n, ProviderFailure)]

    @property
    def warnings(self) -> list[str]:
        """The notes as English lines, for logs and the CLI; a page renders ``notes`` in its language."""
        return [n.text("en") for n in self.notes]

    @property
    def located(self) -> bool:
        """Whether the geometry may stand for the item's own location (never a town seat)."""
        return self.geometry is not None and self.precision in ITEM_GEOMETRY_PRECISIONS and not self.suggestion

    def to_dict(self) -> dict:
        out = asdict(replace(self, notes=[]))
        out.pop("notes")
        out["warnings"] = self.warnings
        out["name"] = self.query
        out["matched_place"] = self.matched_name
        return out
