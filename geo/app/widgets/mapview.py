"""The map: the places as markers, or their density, with the key to its symbols.

The base map is built the same in every run (the view it opened on is kept in the session), so the
browser keeps the reader's pan and zoom; only the places layer changes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.app import webmap
from geo.app.basemap import Basemap
from geo.app.cells import cells
from geo.store.frames import MENTIONS

MAP_HEIGHT = 600
"""Pixels: most of a laptop screen's height beside the sentences, most of a phone's width tall."""
MARKERS, DENSITY = "Places", "Density"
OPENED_ON = "opened_on"
"""Session state: the centre and zoom the map opened on, set in a visitor's first run."""


def mode() -> str:
    """Markers or density, as the reader chose (in the URL)."""
    return st.segmented_control(
        "Show", [MARKERS, DENSITY], default=MARKERS, key="map_mode", bind="query-params", label_visibility="collapsed",
        help="Places: a circle per place. Density: mentions per area, where many places crowd.",
    ) or MARKERS  # fmt: skip


def legend(places: pd.DataFrame, density: bool) -> None:
    most = int(cells(places)[MENTIONS].max()) if density and not places.empty else 0
    st.markdown(webmap.legend_html(density, most), unsafe_allow_html=True)


def draw(
    places: pd.DataFrame,
    basemap: Basemap,
    opened_on: tuple[tuple[float, float], int],
    *,
    density: bool,
    chosen: str | None,
    focus: tuple[float, float] | None,
    rows: webmap.LayerRows | None = None,
) -> dict | None:
    """The map with this run's places (markers drawn from ``rows`` when the caller kept them); what
    it returns (the last marker clicked)."""
    location, zoom = opened_on
    open_zoom = webmap.clusters_open_at(basemap)
    if density:
        layer = webmap.density_layer(places, focus=focus, open_zoom=open_zoom)
    else:
        layer = webmap.places_layer(places, selected=chosen, focus=focus, open_zoom=open_zoom, rows=rows)
    return st_folium(
        webmap.base_map(basemap, location=location, zoom=zoom),
        key="map",
        feature_group_to_add=layer,
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
        height=MAP_HEIGHT,
        use_container_width=True,
    )


def first_view() -> bool:
    """Whether this is a visitor's first run with a map (the run that sets ``OPENED_ON``), whose
    page is the map and what stands above it.

    The timeline and the tables follow in the next run, which comes as soon as the browser has drawn
    the map (streamlit-folium sends its first value then) or at the reader's first action. Their
    scripts (Vega-Lite, the data grid) are large, and loaded beside the map they held its first
    marker back by about a second each on a 1,000,000-mention store (`benchmarks/dashboard.py`
    measures a new visitor's wait).
    """
    return OPENED_ON not in st.session_state
