"""Dateline's bundled offline gazetteer.

Built once from registry packages (GeoNames cities, admin areas, countries,
continents) plus our reviewed data files, stored as SQLite, and queried by
name (``Gazetteer.candidates``, ``Gazetteer.best``) or by point (``Gazetteer.nearest``).
``OfflineGazetteer`` wraps it as a geopy geocoder. Nothing outside this package
reads the SQLite file: ``Gazetteer`` is the whole interface.
"""

from gazetteer.errors import (
    BadCoordinate,
    BadCountry,
    BadLimit,
    BadPlaceName,
    GazetteerCorrupt,
    GazetteerError,
    GazetteerMissing,
    UnknownKind,
)
from gazetteer.geocoder import OfflineGazetteer
from gazetteer.geometry import haversine_km, initial_bearing_deg
from gazetteer.lookup import Gazetteer, is_lookup_name
from gazetteer.place import APPROXIMATE, EXACT_NAME, KINDS, LISTED_NAME, Candidate, Match, Place, ProminentName

__all__ = [
    "APPROXIMATE",
    "EXACT_NAME",
    "KINDS",
    "LISTED_NAME",
    "BadCoordinate",
    "BadCountry",
    "BadLimit",
    "BadPlaceName",
    "Candidate",
    "Gazetteer",
    "GazetteerCorrupt",
    "GazetteerError",
    "GazetteerMissing",
    "Match",
    "OfflineGazetteer",
    "Place",
    "ProminentName",
    "UnknownKind",
    "haversine_km",
    "is_lookup_name",
    "initial_bearing_deg",
]
