"""OfflineGazetteer behaves like any geopy geocoder."""

from __future__ import annotations

import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gazetteer import BadCoordinate, BadCountry, BadLimit, Gazetteer, OfflineGazetteer


@pytest.fixture(scope="module")
def geolocator(gazetteer: Gazetteer) -> OfflineGazetteer:
    return OfflineGazetteer(gazetteer)


def test_is_a_geopy_geocoder(geolocator):
    assert isinstance(geolocator, Geocoder)


def test_geocode_returns_a_location_with_the_full_place(geolocator):
    location = geolocator.geocode("Kiev")
    assert isinstance(location, Location)
    assert location.raw["name"] == "Kyiv" and location.raw["geonameid"] == 703448
    assert location.raw["match"] == "variant"
    assert location.address == "Kyiv, UA"
    assert geolocator.geocode("Kharkiv").address == "Kharkiv, Kharkivska oblast, UA"
    assert location.latitude == pytest.approx(50.45466) and location.longitude == pytest.approx(30.5238)


def test_geocode_many_with_limit(geolocator):
    locations = geolocator.geocode("Springfield", exactly_one=False, limit=3)
    assert len(locations) == 3
    assert {loc.raw["country_code"] for loc in locations} == {"US"}


def test_geocode_country_codes(geolocator):
    location = geolocator.geocode("Paris", country_codes="US")
    assert location.raw["country_code"] == "US"
    assert geolocator.geocode("Paris", country_codes=["CA"], exactly_one=False)[0].raw["country_code"] == "CA"


def test_geocode_kind(geolocator):
    assert geolocator.geocode("Kherson", kind="region").raw["name"] == "Khersonska oblast"


def test_geocode_nothing_found_is_none(geolocator):
    assert geolocator.geocode("Xqzvwk") is None
    assert geolocator.geocode("Xqzvwk", exactly_one=False) is None
    assert geolocator.geocode("   ") is None


def test_geocode_bad_input_is_a_clear_error(geolocator):
    with pytest.raises(ValueError):
        geolocator.geocode(None)
    with pytest.raises(ValueError, match="structured"):
        geolocator.geocode({"city": "Kyiv"})


def test_fuzzy_results_say_so(geolocator):
    location = geolocator.geocode("Mauripol")
    assert location.raw["name"] == "Mariupol" and location.raw["match"] in ("fuzzy", "translit")
    assert geolocator.geocode("Berdyamsk") is not None
    assert OfflineGazetteer(geolocator.gazetteer, fuzzy=False).geocode("Berdyamsk") is None


def test_timeout_is_accepted_and_ignored(geolocator):
    assert geolocator.geocode("Kyiv", timeout=1).raw["name"] == "Kyiv"


def test_reverse(geolocator):
    location = geolocator.reverse((50.4501, 30.5234))
    assert location.raw["admin1"] == "Kyiv" and location.raw["distance_km"] < 5
    assert geolocator.reverse("46.6354, 32.6169").raw["admin1"] == "Khersonska oblast"
    many = geolocator.reverse((50.4501, 30.5234), exactly_one=False, limit=4)
    assert len(many) == 4 and [m.raw["distance_km"] for m in many] == sorted(m.raw["distance_km"] for m in many)


def test_reverse_bad_point_is_a_clear_error(geolocator):
    with pytest.raises(ValueError):
        geolocator.reverse((123.0, 0.0))


def test_works_behind_geopys_rate_limiter(geolocator):
    geocode = RateLimiter(geolocator.geocode, min_delay_seconds=0)
    assert [geocode(name).raw["country_code"] for name in ("Kyiv", "Warsaw", "Minsk")] == ["UA", "PL", "BY"]


@pytest.mark.parametrize("query", [None, (50.0, 181.0), "50.0, 181", (91.0, 0.0), "Kyiv", (50.0,), object()])
def test_reverse_refuses_what_is_not_a_point(geolocator, query):
    with pytest.raises(BadCoordinate):
        geolocator.reverse(query)


def test_bad_country_filters_and_limits_are_clear_errors(geolocator, gazetteer):
    with pytest.raises(BadCountry):
        geolocator.reverse((50.45, 30.52), country_codes=5)
    with pytest.raises(BadCountry):
        gazetteer.candidates("Kyiv", country=["Ukraine"])
    with pytest.raises(BadLimit):
        gazetteer.nearest(50.45, 30.52, limit=10**6)
    assert "Kyiv" in [p.name for p, _ in gazetteer.nearest(50.45, 30.52, limit=5, country="ua")]


def test_nearest_over_open_ocean_still_answers(gazetteer):
    (place, km), *_ = gazetteer.nearest(-45.0, -130.0, kind="city", limit=2)
    assert km > 1_000 and place.kind == "city"
