"""The records the gazetteer hands out (a place, a place found for a name) and the words they use.

``MATCHES`` fixes what the build writes: the ``names.match`` column of the SQLite file stores
an index into it, so its order is part of the file format (this module is fingerprinted with
the builder, and a change rebuilds the file).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "APPROXIMATE",
    "EXACT_NAME",
    "KINDS",
    "LISTED_NAME",
    "MATCHES",
    "Candidate",
    "Match",
    "Place",
    "ProminentName",
]

KINDS = ("continent", "country", "region", "city", "feature")
"""Place kinds, as the JSON contract emits them (docs/contract.md)."""


class Match(StrEnum):
    """How a name reached a place; the values are the ``match`` strings of the JSON contract."""

    NAME = "name"
    """The place's primary name."""
    ALIAS = "alias"
    """One of our curated aliases (data/aliases.tsv, data/features.tsv)."""
    VARIANT = "variant"
    """An alternate name that is a spelling variant of the primary one ("Mykolaiv" for GeoNames' "Mykolayiv")."""
    ALTERNATE = "alternate"
    """Any other alternate name."""
    AREA = "area"
    """An area form: "Kherson region", or a bare "Kherson" for the oblast."""
    TRANSLIT = "translit"
    """A transliteration variant found only by its consonant skeleton ("Chernobayevka")."""
    FUZZY = "fuzzy"
    """A misspelling ("Mauripol")."""
    DEMONYM = "demonym"
    """A demonym or adjective naming its country ("Ukrainian"); never stored in the gazetteer."""
    CORRECTED = "corrected"
    """A reader's correction chose the place (or, with no place, said the name is none); never stored
    in the gazetteer."""


MATCHES = (
    Match.NAME,
    Match.ALIAS,
    Match.VARIANT,
    Match.ALTERNATE,
    Match.AREA,
    Match.TRANSLIT,
    Match.FUZZY,
)
"""The gazetteer's match tiers, best first; ``names.match`` stores an index into this tuple."""
EXACT_NAME = frozenset({Match.NAME, Match.ALIAS, Match.VARIANT})
"""The place's own name as news writes it: primary name, curated alias or spelling variant."""
LISTED_NAME = EXACT_NAME | {Match.ALTERNATE}
"""Any name the place is listed under, but not an area form or an approximate spelling."""
APPROXIMATE = frozenset({Match.TRANSLIT, Match.FUZZY})
"""Spellings matched only approximately; tried when nothing matched exactly."""


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
    match: Match
    matched_name: str
    similarity: float
    prior: float

    @property
    def fuzzy(self) -> bool:
        """True when the name only matched approximately (misspelling)."""
        return self.match == Match.FUZZY


class ProminentName(NamedTuple):
    """A name key of prominent places (``Gazetteer.prominent_names``)."""

    key: str
    major: bool
    """Whether one of its places is a country, continent, reviewed feature, admin1 area or capital."""
    population: int
    """The largest population among its prominent places."""
