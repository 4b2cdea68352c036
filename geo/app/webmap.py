"""The folium map, built by plain functions (tests call them without Streamlit).

The base map (local tiles, local scripts, no markers) stays the same between reruns, so the
browser keeps its pan and zoom; the places go in a separate feature group that streamlit-folium
swaps in without remounting the map. Places are drawn by JavaScript from a data list
(FastMarkerCluster), which keeps the Python work per rerun small even for thousands of places.
"""

from __future__ import annotations

import math

import folium
import pandas as pd
from branca.element import CssLink, JavascriptLink
from folium.plugins import FastMarkerCluster

from geo.app.assets import MAX_NATIVE_ZOOM, TILE_ATTRIBUTION, URL_PREFIX, asset_url
from geo.app.cells import PLACES_IN_CELL, split_for_map
from geo.store.frames import KIND, LAT, LON, MENTIONS, PLACE, PLACE_KEY

KIND_COLOURS = {
    "country": "#1f77b4",
    "region": "#9467bd",
    "city": "#d62728",
    "feature": "#2ca02c",
    "continent": "#7f7f7f",
}
CELL_COLOUR = "#555555"
"""Markers that gather several smaller places: grey, no kind's colour."""
MAX_ZOOM = 12
WORLD_CENTRE, WORLD_ZOOM = (30.0, 10.0), 2
"""The view with nothing to frame: the inhabited world."""
CLUSTER_FROM = 200
"""Places are clustered when more than this many are shown."""
MIN_RADIUS, MAX_RADIUS = 4.0, 30.0
"""Marker radius in pixels: a small base so one mention is still visible, a cap so a place named
everywhere does not cover its neighbours."""
RADIUS_PER_ROOT = 3.0
"""Pixels of radius per square root of the mentions: the marker's area grows with the count."""

_MARKER_CALLBACK = """
function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: row[2], color: row[3], fillColor: row[3], fillOpacity: 0.55, weight: 1.5
    });
    var label = document.createElement("span");
    label.textContent = row[4];
    marker.bindTooltip(label);
    return marker;
}
"""
"""Draws one place: a circle sized by mentions, coloured by kind, with a text-only tooltip
(``textContent``, never HTML, so article text cannot inject markup)."""


def radius(mentions: int) -> float:
    """Marker radius in pixels for a number of mentions (area grows with the count, up to a cap)."""
    return round(min(MAX_RADIUS, MIN_RADIUS + RADIUS_PER_ROOT * math.sqrt(mentions)), 1)


def tooltip(name: str, mentions: int) -> str:
    """A marker's tooltip: the place's name and how often it is mentioned."""
    return f"{name} — {mentions} mention{'s' if mentions != 1 else ''}"


def _cluster_js(url_prefix: str) -> list[tuple[str, str]]:
    return [("markerclusterjs", asset_url("vendor", "markercluster", "leaflet.markercluster.js", prefix=url_prefix))]


def _cluster_css(url_prefix: str) -> list[tuple[str, str]]:
    return [
        ("markerclustercss", asset_url("vendor", "markercluster", "MarkerCluster.css", prefix=url_prefix)),
        (
            "markerclusterdefaultcss",
            asset_url("vendor", "markercluster", "MarkerCluster.Default.css", prefix=url_prefix),
        ),
    ]


def base_map(
    *, url_prefix: str = URL_PREFIX, location: tuple[float, float] = WORLD_CENTRE, zoom: int = WORLD_ZOOM
) -> folium.Map:
    """An empty world map on the local basemap, with only local scripts and styles.

    The clustering script is loaded up front: the places layer arrives later, through
    streamlit-folium's ``feature_group_to_add``, and brings no scripts of its own.
    """
    fmap = folium.Map(location=location, zoom_start=zoom, tiles=None, max_zoom=MAX_ZOOM, control_scale=True)
    fmap.default_js = [
        ("leaflet", asset_url("vendor", "leaflet", "leaflet.js", prefix=url_prefix)),
        ("jquery", asset_url("vendor", "jquery", "jquery.min.js", prefix=url_prefix)),
    ]
    fmap.default_css = [("leaflet_css", asset_url("vendor", "leaflet", "leaflet.css", prefix=url_prefix))]
    header = fmap.get_root().header
    for name, url in _cluster_js(url_prefix):
        header.add_child(JavascriptLink(url), name=name)
    for name, url in _cluster_css(url_prefix):
        header.add_child(CssLink(url), name=name)
    folium.TileLayer(
        tiles=asset_url("tiles", "{z}", "{x}", "{y}.png", prefix=url_prefix),
        attr=TILE_ATTRIBUTION,
        name="OpenStreetMap (offline)",
        max_native_zoom=MAX_NATIVE_ZOOM,
        max_zoom=MAX_ZOOM,
        min_zoom=1,
    ).add_to(fmap)
    return fmap


def marker_rows(places: pd.DataFrame) -> list[list]:
    """Data rows for the marker callback: lat, lon, radius, colour, tooltip text.

    Places at the same point (a city and the city-region around it) are nudged apart by a few
    metres so each keeps its own marker and click.
    """
    rows, seen = [], set()
    columns = places[[LAT, LON, MENTIONS, KIND, PLACE]]
    for lat, lon, mentions, kind, name in columns.itertuples(index=False, name=None):
        lat, lon, count = float(lat), float(lon), int(mentions)
        while (round(lat, 5), round(lon, 5)) in seen:
            lat += 0.0002
        seen.add((round(lat, 5), round(lon, 5)))
        rows.append([lat, lon, radius(count), KIND_COLOURS.get(kind, "#555"), tooltip(str(name), count)])
    return rows


def places_layer(places: pd.DataFrame, *, url_prefix: str = URL_PREFIX) -> folium.FeatureGroup:
    """The places as a feature group of circle markers, clustered when there are many.

    Past ``cells.MAX_MARKERS`` places, the least mentioned are drawn gathered in cells (grey
    markers saying how many places and mentions each holds), so the page stays light.
    """
    markers, gathered = split_for_map(places)
    group = folium.FeatureGroup(name="places")
    cluster = FastMarkerCluster(
        data=marker_rows(markers) + cell_rows(gathered),
        callback=_MARKER_CALLBACK,
        options={
            "disableClusteringAtZoom": 1 if len(markers) <= CLUSTER_FROM else 8,
            "showCoverageOnHover": False,
            "maxClusterRadius": 40,
        },
    )
    cluster.default_js = _cluster_js(url_prefix)
    cluster.default_css = _cluster_css(url_prefix)
    cluster.add_to(group)
    return group


def cell_rows(gathered: pd.DataFrame) -> list[list]:
    """Data rows for the marker callback, one per cell of gathered places."""
    return [
        [float(cell[LAT]), float(cell[LON]), radius(int(cell[MENTIONS])), CELL_COLOUR,
         f"{int(cell[PLACES_IN_CELL])} smaller places around {cell[PLACE]} — {int(cell[MENTIONS])} mentions"]
        for _, cell in gathered.iterrows()
    ]  # fmt: skip


def initial_view(places: pd.DataFrame) -> tuple[tuple[float, float], int]:
    """Centre and zoom that frame where most mentions are.

    Countries and continents are left out when there are other places (their points say little
    about where the news is), and the 5 % of mentions furthest out on each side are ignored.
    """
    if places.empty:
        return WORLD_CENTRE, WORLD_ZOOM
    local = places[~places[KIND].isin(["country", "continent"])]
    chosen = local if not local.empty else places
    lats = _weighted_range(chosen[LAT], chosen[MENTIONS])
    lons = _weighted_range(chosen[LON], chosen[MENTIONS])
    span = max((lats[1] - lats[0]) * 1.6, lons[1] - lons[0], 1e-6)
    zoom = int(max(2, min(MAX_NATIVE_ZOOM, math.log2(360.0 / span))))
    return ((lats[0] + lats[1]) / 2, (lons[0] + lons[1]) / 2), zoom


def _weighted_range(values: pd.Series, weights: pd.Series, tail: float = 0.05) -> tuple[float, float]:
    order = values.sort_values().index
    cumulative = weights[order].cumsum() / weights.sum()
    low = values[order][cumulative >= tail].iloc[0]
    high = values[order][cumulative <= 1 - tail].iloc[-1] if (cumulative <= 1 - tail).any() else values.max()
    return float(low), float(max(low, high))


def clicked_place(places: pd.DataFrame, clicked: dict | None) -> str | None:
    """The place_key of the marker nearest a click (``last_object_clicked``); None when nothing is
    shown or the click was on a cell of gathered places."""
    if not clicked or places.empty:
        return None
    markers, gathered = split_for_map(places)
    lat, lon = float(clicked["lat"]), float(clicked["lng"])
    scale = math.cos(math.radians(lat))

    def nearest(points: pd.DataFrame) -> tuple[float, int]:
        distance = (points[LAT] - lat) ** 2 + ((points[LON] - lon) * scale) ** 2
        return (float(distance.min()), int(distance.to_numpy().argmin())) if len(points) else (math.inf, -1)

    marker_distance, index = nearest(markers)
    if nearest(gathered)[0] < marker_distance:
        return None
    return str(markers.iloc[index][PLACE_KEY])
