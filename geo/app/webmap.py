"""The folium map, built by plain functions (tests call them without Streamlit).

The base map (basemap tiles, local scripts, the reset control, no places) stays the same between
reruns, so the browser keeps its pan and zoom; the places go in a separate feature group that
streamlit-folium swaps in without remounting the map. Places are drawn by JavaScript from a data
list (``leaflet.PlacesCluster``, rendered once), which keeps the Python work per rerun small even
for thousands of places; the density view draws the same places gathered in H3 cells, coloured by their mentions.
"""

from __future__ import annotations

import dataclasses
import html
import math

import folium
import numpy as np
import pandas as pd
from branca.element import CssLink, Element, JavascriptLink

from geo.app.assets import MAX_NATIVE_ZOOM, URL_PREFIX, asset_url
from geo.app.basemap import Basemap, bundled
from geo.app.cells import CELL_DECIMALS, PLACES_IN_CELL, cell_outlines, cells, drawn_as_markers, split_for_map
from geo.app.leaflet import (
    CLUSTER_ICON,
    MAP_STYLE,
    MARKER_CALLBACK,
    Focus,
    PlacesCluster,
    Polygons,
    QuietFocus,
    ResetView,
    Ring,
    rows_script,
)
from geo.app.view import counted
from geo.store.frames import CONFIDENCE, KIND, LAT, LON, MENTIONS, PLACE, PLACE_KEY

KIND_COLOURS = {
    "country": "#1f77b4",
    "region": "#9467bd",
    "city": "#d62728",
    "feature": "#2ca02c",
    "continent": "#8c564b",
}
CELL_COLOUR = "#757575"
"""Markers that gather several smaller places: grey and dashed, no kind's colour."""
CELL_WORDS = "smaller place"
"""What a cell's tooltip calls the places it gathers (the dashboard benchmark tells cells by it)."""
CLUSTER_COLOUR = "#263238"
"""Cluster icons (``leaflet.MAP_STYLE``): near-black, no kind's colour."""
SELECTED_COLOUR = "#111111"
"""The ring around the selected place: dark on the light basemap, unlike any kind."""
SELECTED_MARGIN = 5.0
"""Pixels between a selected marker's edge and its ring."""
DENSITY_COLOURS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
"""Density cells from few mentions to many (a sequential yellow-to-red ramp, light to dark)."""
DENSITY_OPACITY = 0.6
"""Cells are see-through enough to read the basemap's names under them."""
LOW_CONFIDENCE = 0.6
"""A place none of whose mentions in view reaches this confidence is drawn hollow. Measured on the
TR-News gold corpus: of the mapped names scored below it, two in three are wrong (resolved over
161 km off, or not a place at all), against one in eight of those scored 0.8 or more."""
NUDGE_DEGREES = 0.0002
"""How far north a marker moves off another at the same point: about 20 m, unseen but clickable apart."""
CLICK_TOLERANCE = 1e-6
"""Degrees between a click's reported point and a marker's: the map reports the marker's own point."""
WORLD_CENTRE, WORLD_ZOOM = (30.0, 10.0), 2
MIN_ZOOM = 1
"""The whole world twice over: farther out, the map is a dot."""
"""The view with nothing to frame: the inhabited world."""
CLUSTER_FROM = 200
"""Places are clustered when more than this many are shown."""
CLUSTERS_OPEN_ZOOM = 8
"""Clusters open into their places from this zoom (or the map's finest zoom, if coarser)."""
MIN_RADIUS, MAX_RADIUS = 4.0, 30.0
"""Marker radius in pixels: a small base so one mention is still visible, a cap so a place named
everywhere does not cover its neighbours."""
RADIUS_PER_ROOT = 3.0
"""Pixels of radius per square root of the mentions: the marker's area grows with the count."""


def radius(mentions: int) -> float:
    """Marker radius in pixels for a number of mentions (area grows with the count, up to a cap)."""
    return round(min(MAX_RADIUS, MIN_RADIUS + RADIUS_PER_ROOT * math.sqrt(mentions)), 1)


def tooltip(name: str, mentions: int) -> str:
    """A marker's tooltip: the place's name and how often it is mentioned."""
    return f"{name} — {counted(mentions, 'mention')}"


def clusters_open_at(basemap: Basemap) -> int:
    """The zoom from which every place has its own marker: where a chosen place is shown."""
    return min(CLUSTERS_OPEN_ZOOM, basemap.max_zoom)


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
    basemap: Basemap | None = None,
    *,
    url_prefix: str = URL_PREFIX,
    location: tuple[float, float] = WORLD_CENTRE,
    zoom: int = WORLD_ZOOM,
) -> folium.Map:
    """An empty map on the basemap, with only local scripts and styles, and a control that goes
    back to ``location`` and ``zoom``. Zoom stops a level past the basemap's finest tiles.

    The clustering script is loaded up front: the places layer arrives later, through
    streamlit-folium's ``feature_group_to_add``, and brings no scripts of its own.
    """
    basemap = basemap or Basemap((bundled(url_prefix),))
    fmap = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True)
    fmap.options.update(max_zoom=basemap.max_zoom, min_zoom=MIN_ZOOM)
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
    header.add_child(Element(MAP_STYLE), name="dateline_style")
    for layer in basemap.layers:
        south, west, north, east = layer.bounds or (None,) * 4
        options = {"bounds": [[south, west], [north, east]]} if layer.bounds else {}
        folium.TileLayer(
            tiles=layer.url, attr=layer.attribution, name=layer.name, max_native_zoom=layer.max_native_zoom,
            min_native_zoom=layer.min_native_zoom, max_zoom=basemap.max_zoom, min_zoom=MIN_ZOOM, **options,
        ).add_to(fmap)  # fmt: skip
    ResetView(location, zoom).add_to(fmap)
    QuietFocus().add_to(fmap)
    return fmap


def marker_points(places: pd.DataFrame) -> list[tuple[float, float]]:
    """Where each place's marker is drawn: at the place, except that places at the same point (a
    city and the city-region around it) are nudged apart by a few metres, so each keeps its own
    marker and click."""
    points, seen = [], set()
    for lat, lon in zip(places[LAT].astype(float), places[LON].astype(float)):
        while (round(lat, 5), round(lon, 5)) in seen:
            lat += NUDGE_DEGREES
        seen.add((round(lat, 5), round(lon, 5)))
        points.append((lat, lon))
    return points


def marker_rows(places: pd.DataFrame) -> list[list]:
    """Data rows for the marker callback: lat, lon, radius, colour, tooltip text, hollow (1 when no
    mention reaches ``LOW_CONFIDENCE``), dashed (0: a place)."""
    confidence = places[CONFIDENCE] if CONFIDENCE in places else pd.Series(1.0, index=places.index)
    columns = zip(marker_points(places), places[MENTIONS], places[KIND], places[PLACE], confidence)
    return [
        [lat, lon, radius(int(count)), KIND_COLOURS.get(kind, CELL_COLOUR), tooltip(str(name), int(count)),
         int(float(score) < LOW_CONFIDENCE), 0]
        for (lat, lon), count, kind, name, score in columns
    ]  # fmt: skip


def cell_rows(gathered: pd.DataFrame) -> list[list]:
    """Data rows for the marker callback, one per cell of gathered places (grey, dashed)."""
    columns = zip(gathered[LAT], gathered[LON], gathered[MENTIONS], gathered[PLACES_IN_CELL], gathered[PLACE])
    return [
        [round(float(lat), CELL_DECIMALS), round(float(lon), CELL_DECIMALS), radius(int(count)), CELL_COLOUR,
         cell_label(int(places), str(name), int(count)), 0, 1]
        for lat, lon, count, places, name in columns
    ]  # fmt: skip


def cell_label(places: int, largest: str, mentions: int) -> str:
    """A cell's tooltip: "12 smaller places around Mobara — 2,858 mentions" (one place: its name)."""
    gathered = f"{largest}, a {CELL_WORDS}" if places == 1 else f"{counted(places, CELL_WORDS)} around {largest}"
    return f"{gathered} — {counted(mentions, 'mention')}"


@dataclasses.dataclass(frozen=True)
class LayerRows:
    """What the places layer draws, encoded once for a view (the dashboard keeps it between reruns
    and visitors): the data rows' script text (``leaflet.rows_script``) and how many are places'
    own markers (the rest are cells)."""

    script: str
    markers: int


def layer_rows(places: pd.DataFrame) -> LayerRows:
    """The view's markers (``cells.MAX_MARKERS`` most mentioned places) and cells (the rest)."""
    markers, gathered = split_for_map(places)
    return LayerRows(rows_script(marker_rows(markers) + cell_rows(gathered)), len(markers))


def places_layer(
    places: pd.DataFrame,
    *,
    selected: str | None = None,
    focus: tuple[float, float] | None = None,
    open_zoom: int = CLUSTERS_OPEN_ZOOM,
    url_prefix: str = URL_PREFIX,
    rows: LayerRows | None = None,
) -> folium.FeatureGroup:
    """The places as circle markers, clustered when there are many, the ``selected`` place ringed.

    Past ``cells.MAX_MARKERS`` places, the least mentioned are drawn gathered in cells (grey dashed
    markers saying how many places and mentions each holds), so the page stays light. ``focus``
    centres the map on a point, zoomed in to ``open_zoom`` (where clusters have opened). ``rows``
    are ``layer_rows(places)`` when the caller kept them.
    """
    rows = rows or layer_rows(places)
    group = folium.FeatureGroup(name="places")
    cluster = PlacesCluster(
        rows.script,
        callback=MARKER_CALLBACK,
        icon=CLUSTER_ICON,
        options={
            "disableClusteringAtZoom": 1 if rows.markers <= CLUSTER_FROM else open_zoom,
            "showCoverageOnHover": False,
            "maxClusterRadius": 40,
        },
    )
    cluster.default_js = _cluster_js(url_prefix)
    cluster.default_css = _cluster_css(url_prefix)
    cluster.add_to(group)
    if selected is not None:
        _ring(group, drawn_as_markers(places), selected)
    if focus is not None:
        Focus(focus, open_zoom).add_to(group)
    return group


def _ring(group: folium.FeatureGroup, markers: pd.DataFrame, selected: str) -> None:
    """A ring around the selected place's marker, outside any cluster, so it shows at every zoom."""
    hits = np.flatnonzero(markers[PLACE_KEY].to_numpy() == selected)
    if not len(hits):
        return
    index = int(hits[0])
    ring = radius(int(markers.iloc[index][MENTIONS])) + SELECTED_MARGIN
    Ring(marker_points(markers)[index], ring, SELECTED_COLOUR).add_to(group)


def density_layer(
    places: pd.DataFrame, *, focus: tuple[float, float] | None = None, open_zoom: int = CLUSTERS_OPEN_ZOOM
) -> folium.FeatureGroup:
    """Every place gathered in its H3 cell (``cells.cells``), each cell filled by its mentions."""
    group = folium.FeatureGroup(name="density")
    gathered = cells(places)
    Polygons(density_rows(gathered), DENSITY_OPACITY).add_to(group)
    if focus is not None:
        Focus(focus, open_zoom).add_to(group)
    return group


def density_rows(gathered: pd.DataFrame) -> list[list]:
    """Data rows for ``leaflet.Polygons``: a cell's outline, its colour, its label."""
    if gathered.empty:
        return []
    colours = density_colours(gathered[MENTIONS].to_numpy())
    outlines = cell_outlines(gathered)
    return [
        [outline, colour, f"{counted(int(count), 'mention')} of {counted(int(inside), 'place')}, most of {name}"]
        for outline, colour, count, inside, name in zip(
            outlines, colours, gathered[MENTIONS], gathered[PLACES_IN_CELL], gathered[PLACE]
        )
    ]


def density_colours(mentions: np.ndarray) -> list[str]:
    """Each count's colour on ``DENSITY_COLOURS``, on a log scale up to the largest count."""
    if len(mentions) == 0:
        return []
    top = math.log1p(float(np.max(mentions)))
    steps = len(DENSITY_COLOURS)
    shares = np.log1p(mentions.astype(float)) / top if top > 0 else np.zeros(len(mentions))
    return [DENSITY_COLOURS[min(steps - 1, int(share * steps))] for share in shares]


def legend_html(density: bool, most: int = 0) -> str:
    """The key to the map's symbols, as HTML for the page (no text from articles in it)."""
    if density:
        stops = ", ".join(DENSITY_COLOURS)
        return (
            "<div class='legend'><span>Mentions per cell (about 60 km across):</span>"
            f"<span>1</span><span class='ramp' style='background:linear-gradient(90deg,{stops})'></span>"
            f"<span>{int(most)}</span></div>"
        )
    kinds = "".join(
        f"<span><i class='dot' style='background:{colour};border-color:{colour}'></i>{html.escape(kind)}</span>"
        for kind, colour in KIND_COLOURS.items()
    )
    return (
        f"<div class='legend'>{kinds}"
        "<span><i class='dot hollow'></i>low confidence</span>"
        f"<span><i class='dot' style='background:{CLUSTER_COLOUR};border-color:#fff'></i>cluster</span>"
        f"<span><i class='dot dashed' style='border-color:{CELL_COLOUR}'></i>smaller places</span></div>"
    )


def initial_view(places: pd.DataFrame, max_zoom: int = MAX_NATIVE_ZOOM) -> tuple[tuple[float, float], int]:
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
    zoom = int(max(2, min(max_zoom, math.log2(360.0 / span))))
    return ((lats[0] + lats[1]) / 2, (lons[0] + lons[1]) / 2), zoom


def _weighted_range(values: pd.Series, weights: pd.Series, tail: float = 0.05) -> tuple[float, float]:
    order = values.sort_values().index
    cumulative = weights[order].cumsum() / weights.sum()
    low = values[order][cumulative >= tail].iloc[0]
    high = values[order][cumulative <= 1 - tail].iloc[-1] if (cumulative <= 1 - tail).any() else values.max()
    return float(low), float(max(low, high))


def clicked_place(places: pd.DataFrame, clicked: dict | None) -> str | None:
    """The place_key of the marker a click (``last_object_clicked``) was on: the map reports a
    marker's own point (``leaflet.MARKER_CALLBACK``); None for a cluster, a cell of gathered
    places, or nothing shown."""
    if not clicked or places.empty:
        return None
    markers = drawn_as_markers(places)
    points = np.array(marker_points(markers))
    distance = np.abs(points - [float(clicked["lat"]), float(clicked["lng"])]).max(axis=1)
    index = int(distance.argmin())
    return str(markers.iloc[index][PLACE_KEY]) if distance[index] <= CLICK_TOLERANCE else None
