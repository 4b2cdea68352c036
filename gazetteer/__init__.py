"""Dateline's bundled offline gazetteer.

Built once from registry packages (GeoNames cities, admin areas, countries,
continents) plus our reviewed data files, stored as SQLite, and queried by
name (``Gazetteer.candidates``) or by point (``Gazetteer.nearest``).
``OfflineGazetteer`` wraps it as a geopy geocoder.
"""

from gazetteer.geocoder import OfflineGazetteer
from gazetteer.lookup import Gazetteer, haversine_km
from gazetteer.place import KINDS, Candidate, Place

__all__ = ["KINDS", "Candidate", "Gazetteer", "OfflineGazetteer", "Place", "haversine_km"]
