"""Distances and directions on the sphere, for single points and numpy arrays alike.

Arguments are degrees and broadcast like numpy arrays; all-scalar arguments give a float.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "initial_bearing_deg", "weighted_centre"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG)."""


def _result(values: np.ndarray) -> float | np.ndarray:
    return float(values) if np.ndim(values) == 0 else values


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> float | np.ndarray:
    """Great-circle distance in kilometres between points 1 and 2."""
    lat1, lon1, lat2, lon2 = (np.radians(value) for value in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return _result(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def initial_bearing_deg(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> float | np.ndarray:
    """Direction of point 2 seen from point 1, in degrees clockwise from north, in [0, 360)."""
    lat1, lon1, lat2, lon2 = (np.radians(value) for value in (lat1, lon1, lat2, lon2))
    dlon = lon2 - lon1
    y = np.sin(dlon) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(dlon)
    return _result(np.degrees(np.arctan2(y, x)) % 360)


def weighted_centre(lats: ArrayLike, lons: ArrayLike, weights: ArrayLike) -> tuple[float, float]:
    """The weighted mean of points on the sphere (of their unit vectors, projected back), as (lat, lon).

    Right across the antimeridian, where a plain mean of longitudes is not.
    """
    lat, lon = np.radians(lats), np.radians(lons)
    weights = np.asarray(weights, dtype=float)
    x = np.sum(weights * np.cos(lat) * np.cos(lon))
    y = np.sum(weights * np.cos(lat) * np.sin(lon))
    z = np.sum(weights * np.sin(lat))
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))
