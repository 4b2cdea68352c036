"""A geopy geocoder over the offline gazetteer: a drop-in for Nominatim and friends."""

from __future__ import annotations

from collections.abc import Iterable

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.errors import BadCoordinate, BadPlaceName
from gazetteer.lookup import Gazetteer
from gazetteer.place import Candidate, Place

__all__ = ["OfflineGazetteer"]


def _address(place: Place) -> str:
    parts = [place.name]
    if place.admin1 and place.admin1 != place.name:
        parts.append(place.admin1)
    if place.country_code and place.kind not in ("country", "continent"):
        parts.append(place.country_code)
    return ", ".join(parts)


def _location(place: Place, extra: dict) -> Location:
    return Location(_address(place), Point(place.lat, place.lon), {**place.to_dict(), **extra})


def _coordinates(query: object) -> tuple[float, float]:
    """Latitude and longitude of a reverse query as given (``Gazetteer.nearest`` checks their range;
    geopy's ``Point`` would first normalise them)."""
    if isinstance(query, Point):
        return query.latitude, query.longitude
    if isinstance(query, str):
        parts = query.replace(";", ",").split(",")
    elif isinstance(query, (tuple, list)):
        parts = list(query)
    else:
        raise BadCoordinate(f"a point is a (latitude, longitude) pair, not {query!r}")
    if len(parts) != 2:
        raise BadCoordinate(f"a point is a (latitude, longitude) pair, not {query!r}")
    try:
        lat, lon = (float(part) for part in parts)
    except (TypeError, ValueError) as error:
        raise BadCoordinate(f"not a coordinate: {query!r}") from error
    return lat, lon


class OfflineGazetteer(Geocoder):
    """Geocode with the bundled offline gazetteer: no network, no API key, no rate limit.

    Works wherever a geopy geocoder does (``RateLimiter``, ``partial``, pandas
    ``apply``); ``Location.raw`` holds the full place plus how it matched.

    >>> geolocator = OfflineGazetteer()
    >>> geolocator.geocode("Kiev").raw["name"]
    'Kyiv'
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, fuzzy: bool = True):
        super().__init__()
        self.gazetteer = gazetteer or Gazetteer.open()
        self.fuzzy = fuzzy

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: object = DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Places named ``query``, most plausible first.

        ``country_codes`` restricts to ISO 3166-1 alpha-2 codes, ``kind`` to
        gazetteer kinds; ``timeout`` is accepted for interface compatibility
        and ignored (nothing waits on a network).
        """
        if isinstance(query, dict):
            raise BadPlaceName("structured queries are not supported: pass a place name")
        found: list[Candidate] = self.gazetteer.candidates(
            query, country=country_codes, kind=kind, fuzzy=self.fuzzy, limit=1 if exactly_one else limit
        )
        locations = [
            _location(c.place, {"match": c.match, "matched_name": c.matched_name, "similarity": c.similarity})
            for c in found
        ]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def reverse(
        self,
        query: Point | tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        timeout: object = DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = "city",
    ) -> Location | list[Location] | None:
        """The place(s) nearest to a point, nearest first (populated places by default).

        ``query`` is a ``Point``, a (latitude, longitude) pair or a "lat, lon" string; anything else,
        or a point off the globe, raises ``BadCoordinate`` (geopy would quietly wrap longitude 181 to
        -179 and read None as (0, 0)). ``limit`` is at most ``lookup.MAX_LIMIT`` (``BadLimit``).
        """
        lat, lon = _coordinates(query)
        nearest = self.gazetteer.nearest(
            lat,
            lon,
            kind=kind,
            country=country_codes,
            limit=1 if exactly_one else (limit or 5),
        )
        locations = [_location(place, {"distance_km": round(km, 3)}) for place, km in nearest]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None
