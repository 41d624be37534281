"""Geocoding in geopy style: one provider per module behind a small base, one chain.

``GeocoderChain(gazetteer, providers=configured_providers()).geocode(name, town=None) -> GeocodeResult``;
``accept_suggestion(gazetteer, result, user)`` turns an online suggestion into a gazetteer location.
Providers: :mod:`geo.geocode.tianditu`, :mod:`geo.geocode.amap`, :mod:`geo.geocode.nominatim` (off unless configured).
"""
from geo.geocode.base import GeocodeResult, ProviderAnswerError, precision_for_place
from geo.geocode.cache import GeocodeCache
from geo.geocode.chain import GeocoderChain, accept_suggestion, configured_providers
from geo.geocode.online import OnlineProvider

__all__ = ["GeocodeCache", "GeocodeResult", "GeocoderChain", "OnlineProvider",
           "ProviderAnswerError", "accept_suggestion", "configured_providers", "precision_for_place"]
