"""Places gathered into hexagonal cells (H3) on the server, so the map's payload stays small.

A browser draws a few thousand circle markers smoothly; a store of a long story names tens of
thousands of places. The map draws the ``MAX_MARKERS`` most mentioned places as markers and
gathers the rest into H3 cells, each drawn as one marker at its places' mention-weighted centre;
the density view draws every place's cell. Cells come from the ``h3`` package (installed from the
registry; nothing is fetched).
"""

from __future__ import annotations

import functools

import h3
import numpy as np
import pandas as pd

from geo.store.frames import LAT, LON, MENTIONS, PLACE, PLACE_KEY

__all__ = [
    "CELL", "CELL_DECIMALS", "CELL_RESOLUTION", "MAX_MARKERS", "PLACES_IN_CELL",
    "cell_outlines", "cells", "drawn_as_markers", "split_for_map",
]  # fmt: skip

MAX_MARKERS = 2_000
"""Places drawn one marker each; past this, Leaflet's redraws on pan and zoom start to stutter."""
CELL_RESOLUTION = 3
"""H3 resolution of the cells (about 12,000 km² each, ~60 km across): a region's worth of places."""
CELL_DECIMALS = 4
"""Decimals kept of a cell's coordinates (its outline, its centre): about 10 m, far finer than a
cell's 60 km, and a fifth less to send for every cell drawn."""
CELLS_REMEMBERED = 200_000
"""Places whose cell is remembered between reruns (the same places come back at every rerun; a
look-up costs a tenth of computing the cell): a store of a long story's places, ~60 MB at most."""
CELL = "cell"
PLACES_IN_CELL = "places"


@functools.lru_cache(maxsize=CELLS_REMEMBERED)
def _cell(lat: float, lon: float, resolution: int) -> str:
    return h3.latlng_to_cell(lat, lon, resolution)


def cells(places: pd.DataFrame, resolution: int = CELL_RESOLUTION) -> pd.DataFrame:
    """One row per H3 cell holding places: its id, the mention-weighted centre of its places,
    their mentions summed, how many places and the most mentioned one's name."""
    if places.empty:
        return pd.DataFrame(columns=[CELL, LAT, LON, MENTIONS, PLACES_IN_CELL, PLACE])
    lats, lons = places[LAT].to_numpy(dtype=float), places[LON].to_numpy(dtype=float)
    ids = [_cell(lat, lon, resolution) for lat, lon in zip(lats.tolist(), lons.tolist())]
    weights = places[MENTIONS].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {CELL: ids, "wlat": lats * weights, "wlon": lons * weights,
         MENTIONS: weights, PLACE: places[PLACE].to_numpy()}  # fmt: skip
    )
    grouped = frame.groupby(CELL, sort=False)
    summary = grouped.agg(wlat=("wlat", "sum"), wlon=("wlon", "sum"), mentions=(MENTIONS, "sum"))
    summary[PLACES_IN_CELL] = grouped.size()
    summary[PLACE] = frame.loc[grouped[MENTIONS].idxmax(), PLACE].to_numpy()
    total = np.maximum(summary[MENTIONS].to_numpy(), 1e-9)
    summary[LAT] = summary["wlat"] / total
    summary[LON] = summary["wlon"] / total
    summary[MENTIONS] = summary[MENTIONS].astype(int)
    result = summary.reset_index()[[CELL, LAT, LON, MENTIONS, PLACES_IN_CELL, PLACE]]
    return result.sort_values(MENTIONS, ascending=False, ignore_index=True)


def _ranked(places: pd.DataFrame) -> pd.DataFrame:
    return places.sort_values([MENTIONS, PLACE_KEY], ascending=[False, True], kind="stable")


def drawn_as_markers(places: pd.DataFrame, max_markers: int = MAX_MARKERS) -> pd.DataFrame:
    """The places drawn one marker each: all of them, or the ``max_markers`` most mentioned."""
    return places if len(places) <= max_markers else _ranked(places).iloc[:max_markers]


def split_for_map(places: pd.DataFrame, max_markers: int = MAX_MARKERS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The places to draw as markers (``drawn_as_markers``) and the cells gathering the rest (empty
    when every place fits)."""
    if len(places) <= max_markers:
        return places, cells(places.iloc[:0])
    ranked = _ranked(places)
    return ranked.iloc[:max_markers], cells(ranked.iloc[max_markers:])


def cell_outlines(gathered: pd.DataFrame) -> list[list[list[float]]]:
    """Each cell's hexagon (of ``cells``' output) as a ring of [lat, lon] points."""
    return [
        [[round(lat, CELL_DECIMALS), round(lon, CELL_DECIMALS)] for lat, lon in h3.cell_to_boundary(cell)]
        for cell in gathered[CELL]
    ]
