"""The geocoder chain: local gazetteer → cache → online providers (each off unless configured).

The gazetteer is the location of record. An online answer is only a *suggestion*
(``suggestion=True``): it locates nothing until a person accepts it with
:func:`accept_suggestion`, which writes it into the gazetteer with its provider as source.
Provider failures (timeouts, quota, bad keys, garbage) are recorded on the result as
:class:`~geo.geocode.base.ProviderFailure` and the chain moves on.
"""
from __future__ import annotations

import logging
from typing import Iterable

from geopy.exc import GeopyError

from geo.contract import ADMIN_KINDS, precision_rank
from geo.gazetteer import Gazetteer, GazetteerError, Match
from geo.i18n import Message
from geo.geocode.base import GeocodeResult, ProviderFailure, precision_for_place
from geo.geocode.cache import GeocodeCache
from geo.query import representative_point
from geo.geocode.online import OnlineProvider

log = logging.getLogger(__name__)



def configured_providers(names: Iterable[str] | None = None, *, timeout: float = 10.0,
                         city: str | None = None) -> list[OnlineProvider]:
    """Online providers that have their key/User-Agent configured, in chain order."""
    from geo.geocode import amap, nominatim, tianditu
    makers = {"tianditu": lambda: tianditu.provider(timeout),
              "amap": lambda: amap.provider(timeout, city=city),
              "nominatim": lambda: nominatim.provider(timeout)}
    out = []
    for name in names or makers:
        if name not in makers:
            raise ValueError(f"unknown geocoding provider {name!r}; use one of {', '.join(makers)}")
        p = makers[name]()
        if p is not None:
            out.append(p)
    return out


def _point_of(geometry: dict | None) -> tuple[float | None, float | None]:
    """The geometry's representative point; (None, None) for a malformed one (the geometry is still returned)."""
    if geometry and geometry.get("type") == "Point":
        return tuple(geometry["coordinates"][:2])
    return representative_point(geometry) or (None, None)


class GeocoderChain:
    def __init__(self, gazetteer: Gazetteer, *, providers: Iterable[OnlineProvider] = (),
                 cache: GeocodeCache | None = None, use_cache: bool = True):
        self.gazetteer = gazetteer
        self.providers = list(providers)
        self.cache = cache if cache is not None else (GeocodeCache() if use_cache and self.providers else None)

    # ---- the chain -------------------------------------------------------
    def geocode(self, name: str, town: str | None = None) -> GeocodeResult:
        result = GeocodeResult(query=str(name), town=town)
        match = self.gazetteer.lookup(name, town)
        if match is not None:
            self._from_match(result, match)
            if result.located:
                return result
        if self.providers:
            online = self._online(name, town, result)
            if online is not None:
                return online
        self._fall_back(result, match, town)
        return result

    def _from_match(self, result: GeocodeResult, match: Match) -> None:
        place = match.place
        props = place["properties"]
        result.place_id, result.matched_name, result.kind, result.how = match.place_id, match.name, match.kind, match.how
        result.alternatives = list(match.alternatives)
        if match.alternatives:
            result.notes.append(Message("geocode_alternatives", name=name_or(result),
                                        others=", ".join(match.alternatives)))
        if match.partial and match.kind not in ADMIN_KINDS:
            # "府前街至S225省道连接线" starts with 府前街 but is not 府前街: do not take its geometry.
            return
        if place.get("geometry") is not None and precision_for_place(match.kind, props.get("precision")) != "none":
            result.geometry = place["geometry"]
            result.precision = precision_for_place(match.kind, props.get("precision"))
            result.source = "gazetteer"
            result.represents = props.get("represents")
            result.datum_original = props.get("datum")
            result.lon, result.lat = _point_of(place["geometry"])
            if match.partial and result.precision in ("exact", "site"):
                result.precision = "village"

    def _fall_back(self, result: GeocodeResult, match: Match | None, town: str | None) -> None:
        """A place without location → its nearest located parent (village → town), precision saying so.

        The parent's point is returned for display only; ``located`` stays False at town level,
        so nobody mistakes a town seat for the project's site.
        """
        if result.geometry is not None:
            return
        if match is not None:
            chain = self.gazetteer.ancestors(match.place)
        else:
            ctx = self.gazetteer.resolve_town(town)
            chain = [ctx] if ctx is not None else []
        for parent in chain:
            props = parent["properties"]
            precision = precision_for_place(props["kind"], props.get("precision"))
            if precision == "none":
                break  # a county is no location for a project
            if parent.get("geometry") is None:
                continue
            result.fallback_from = result.matched_name or result.query
            if match is None:
                result.place_id, result.matched_name, result.kind = parent["id"], props["name"], props["kind"]
                result.how = "context"
            result.geometry = parent["geometry"]
            result.lon, result.lat = _point_of(parent["geometry"])
            result.represents = props.get("represents")
            result.source = "gazetteer"
            result.datum_original = props.get("datum")
            result.precision = precision
            result.notes.append(Message("geocode_stand_in", name=result.fallback_from, parent=props["name"],
                                        level=precision))
            return
        result.precision = "none"

    def _online(self, name: str, town: str | None, result: GeocodeResult) -> GeocodeResult | None:
        query = self._online_query(name, town, result)
        for provider in self.providers:
            answer, cached = None, False
            if self.cache is not None:
                cached, answer = self.cache.get(provider.name, query)
            if not cached:
                try:
                    answer = provider.lookup(query)
                except GeopyError as exc:
                    self._failed(result, ProviderFailure(provider.name, query, type(exc).__name__, str(exc)))
                    continue
                except Exception as exc:  # a broken answer must never stop a build
                    self._failed(result, ProviderFailure(provider.name, query, type(exc).__name__, unusable=True))
                    continue
                if self.cache is not None:
                    try:
                        self.cache.put(provider.name, query, answer)
                    except OSError as exc:
                        result.notes.append(Message("geocode_cache_unwritten", reason=exc.strerror))
            if answer is None or answer.get("precision") in (None, "none"):
                continue
            if not self._inside_context(answer, town):
                result.notes.append(Message("geocode_outside", provider=provider.name, query=query,
                                            where=town or Message("the_county")))
                continue
            if precision_rank(answer["precision"]) <= precision_rank(result.precision) and result.geometry:
                continue  # no better than what the gazetteer already has
            out = GeocodeResult(
                query=result.query, town=town, place_id=result.place_id, matched_name=result.matched_name,
                kind=result.kind, how="online", lon=answer["lon"], lat=answer["lat"],
                geometry={"type": "Point", "coordinates": [answer["lon"], answer["lat"]]},
                precision=answer["precision"], source=f"online:{provider.name}", suggestion=True,
                from_cache=cached, datum_original=answer.get("datum_original"),
                provider_address=answer.get("address"), provider_level=answer.get("level"),
                alternatives=result.alternatives, notes=list(result.notes))
            return out
        return None

    @staticmethod
    def _failed(result: GeocodeResult, failure: ProviderFailure) -> None:
        log.warning(failure.text("en"))
        result.notes.append(failure)

    def _online_query(self, name: str, town: str | None, result: GeocodeResult) -> str:
        """"临海市东塍镇岭根村": the admin context makes online answers land in the right place."""
        base = result.matched_name if result.matched_name and result.how in ("exact", "alias", "variant") else name
        ctx = self.gazetteer.resolve_town(town)
        prefix = ""
        if ctx is not None:
            county = self.gazetteer.enclosing(ctx, "county")
            prefix = (county["properties"]["name"] if county else "") + ctx["properties"]["name"]
        return base if base.startswith(prefix) else prefix + base

    def _inside_context(self, answer: dict, town: str | None) -> bool:
        """An answer must fall inside the county outline when the gazetteer has one."""
        ctx = self.gazetteer.resolve_town(town)
        county = self.gazetteer.enclosing(ctx, "county") if ctx is not None else None
        if county is None or county.get("geometry") is None:
            return True
        try:
            from shapely.geometry import Point, shape
            return shape(county["geometry"]).buffer(0.01).contains(Point(answer["lon"], answer["lat"]))
        except Exception:
            return True


def name_or(result: GeocodeResult) -> str:
    return result.matched_name or result.query


def accept_suggestion(gazetteer: Gazetteer, result: GeocodeResult, user: str, *, kind: str | None = None,
                      parent: str | None = None) -> dict:
    """Write an online suggestion into the gazetteer (its provider as source); returns the place.

    The matched place gets the geometry; a name the gazetteer did not know becomes a new place
    under the plan's town (or ``parent``).
    """
    if not result.suggestion or result.geometry is None or not (result.source or "").startswith("online:"):
        raise GazetteerError(f"{result.query}: only an online suggestion with a location can be accepted")
    place_precision = "site" if result.precision in ("exact", "site") else "approximate"
    note = f"{result.source}: {result.provider_address or ''} (level {result.provider_level or '?'})".strip()
    if result.place_id and gazetteer.get(result.place_id) is not None and result.how == "online" \
            and result.fallback_from is None:
        return gazetteer.set_geometry(result.place_id, result.geometry, result.source, place_precision, user,
                                      datum_original=result.datum_original or "wgs84", note=note)
    ctx = gazetteer.resolve_town(result.town)
    parent_id = parent or (ctx["id"] if ctx is not None else None)
    return gazetteer.add_place(result.query, kind or "facility", user=user, source=note, parent=parent_id,
                               geometry=result.geometry, geometry_source=result.source, precision=place_precision,
                               datum_original=result.datum_original, licence=None)
