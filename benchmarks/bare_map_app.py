"""The warm-start baseline of ``benchmarks/dashboard.py``: a Streamlit page holding only the map.

The same places, layer and basemap as the dashboard's opening view, and nothing else (no sidebar,
controls, panel, timeline or tables): what Streamlit and streamlit-folium cost before the
dashboard adds anything. The benchmark runs it from a folder whose ``static/`` is the project's.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.app import webmap
from geo.app.widgets import data
from geo.app.widgets.mapview import MAP_HEIGHT
from geo.store.queries import Filters

st.set_page_config(page_title="Dateline baseline", layout="wide")
places, _ = data.in_view(data.store_path(), data.version(), Filters())
basemap = data.basemap()
location, zoom = webmap.initial_view(places)
layer = webmap.places_layer(places, selected=None, focus=None, open_zoom=webmap.clusters_open_at(basemap))
st_folium(
    webmap.base_map(basemap, location=location, zoom=zoom), key="map", feature_group_to_add=layer,
    returned_objects=["last_object_clicked"], height=MAP_HEIGHT, use_container_width=True,
)  # fmt: skip
