"""The warm-start baseline of ``benchmarks/dashboard.py``: a Streamlit page holding only the map.

The dashboard's own map (``mapview.draw``) of its opening view's places, and nothing else (no sidebar,
controls, panel, timeline or tables): what Streamlit and streamlit-folium cost before the
dashboard adds anything. The benchmark runs it from a folder whose ``static/`` is the project's.
"""

import streamlit as st

from geo.app import webmap
from geo.app.widgets import data, mapview
from geo.store.queries import Filters

st.set_page_config(page_title="Dateline baseline", layout="wide")
path, generation = data.store_path(), data.version()
places, _ = data.in_view(path, generation, Filters())
rows = data.layer_rows(path, generation, Filters())
mapview.draw(places, data.basemap(), webmap.initial_view(places), density=False, chosen=None, focus=None, rows=rows)
