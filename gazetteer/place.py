"""The records the gazetteer hands out: a place, and a place found for a name."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("continent", "country", "region", "city", "feature")
"""Place kinds, from the command-line contract in DESIGN.md."""

MATCHES = ("name", "alias", "variant", "alternate", "area", "translit", "fuzzy")
"""How a name reached a place, best first: its primary name, one of our curated
aliases, an alternate name that is a spelling variant of the primary one
("Mykolaiv" for GeoNames' "Mykolayiv"), any other alternate name, an area form
("Kherson region", or "Kherson" for the oblast), a transliteration variant
found only by its consonant skeleton, or a fuzzy (misspelt) match."""


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    id: int
    name: str
    kind: str
    subkind: str
    country_code: str | None
    admin1: str | None
    admin1_code: str | None
    lat: float
    lon: float
    population: int
    geonameid: int | None
    source: str

    def to_dict(self) -> dict:
        """Plain dict for JSON, geopy's ``raw`` and the store."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place found for a looked-up name, with how well the name matched."""

    place: Place
    match: str
    matched_name: str
    similarity: float
    prior: float

    @property
    def fuzzy(self) -> bool:
        """True when the name only matched approximately (misspelling)."""
        return self.match == "fuzzy"
