"""The map's own Leaflet code: what folium has no element for, as small folium elements.

Every string that comes from the store (a place's name in a tooltip, a cell's label) reaches the
page as JSON data and is set with ``textContent`` or ``setAttribute``, never parsed as HTML.
"""

from __future__ import annotations

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.utilities import JsCode
from jinja2.utils import htmlsafe_json_dumps

__all__ = [
    "CLUSTER_ICON", "MAP_STYLE", "MARKER_CALLBACK",
    "Focus", "PlacesCluster", "Polygons", "QuietFocus", "ResetView", "Ring", "rows_script",
]  # fmt: skip

MARKER_CALLBACK = """
function (row) {
    var hollow = row[5] === 1;
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: row[2], color: row[3], fillColor: row[3], fillOpacity: hollow ? 0.0 : 0.55,
        weight: hollow ? 2.5 : 1.5, dashArray: row[6] === 1 ? "4 3" : null
    });
    var label = document.createElement("span");
    label.textContent = row[4];
    marker.bindTooltip(label);
    marker.on("click", function (event) { event.latlng = marker.getLatLng(); });
    marker.on("add", function () {
        var path = marker.getElement();
        if (!path || path.getAttribute("tabindex") === "0") return;
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", row[4]);
        path.addEventListener("keydown", function (event) {
            if (event.key !== "Enter" && event.key !== " ") return;
            event.preventDefault();
            marker.fire("click", {latlng: marker.getLatLng(), originalEvent: event}, true);
        });
        path.addEventListener("mousedown", function (event) { event.preventDefault(); });  // no focus scroll
        path.addEventListener("focus", function () { marker.openTooltip(); });
        path.addEventListener("blur", function () { marker.closeTooltip(); });
    });
    return marker;
}
"""
"""Draws one data row ``[lat, lon, radius, colour, label, hollow, dashed]``: a circle sized by
mentions, coloured by kind, hollow when its confidence is low, dashed for a cell of gathered
places; a text-only tooltip; reachable with Tab, named by its label, opened with Enter. A click
reports the marker's own point (not the pointer's), which is how the app tells which place it was."""

CLUSTER_ICON = """
function (cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : 44;
    var icon = L.divIcon({
        html: '<div><span class="dl-sr">A cluster of </span><span>' + count +
              '</span><span class="dl-sr"> places: Enter zooms in</span></div>',
        className: "dl-cluster", iconSize: new L.Point(size, size)
    });
    return icon;
}
"""
"""A cluster's icon: dark, numbered, in no kind's colour; its hidden words name it for a screen reader."""

MAP_STYLE = """
<style>
.dl-cluster { background: rgba(38, 50, 56, 0.35); border-radius: 50%; }
.dl-cluster div { width: calc(100% - 8px); height: calc(100% - 8px); margin: 4px; border-radius: 50%;
    background: #263238; color: #fff; font: 600 12px/1 sans-serif; display: flex; align-items: center;
    justify-content: center; border: 2px solid #fff; box-sizing: border-box; }
.dl-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.leaflet-interactive:focus, .dl-cluster:focus { outline: 3px solid #ffbf00; outline-offset: 2px; }
.dl-reset a { font: 600 18px/30px sans-serif; text-align: center; cursor: pointer; }
</style>
"""
"""Styles inside the map's frame: clusters, keyboard focus, the reset control."""


class _Rendered(Element):
    """Page text already rendered, placed in the page as it is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RenderedOnce:
    """For a folium element whose script holds its data (thousands of rows): its script is rendered
    once and placed in the page as text. branca's own ``MacroElement.render`` compiles that output
    as a Jinja template again, which took 0.2-0.3 s for the 650 kB of a map of 6,000 places."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a folium Figure")
        for name, url in getattr(self, "default_js", ()):
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in getattr(self, "default_css", ()):
            figure.header.add_child(CssLink(url), name=name)
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Rendered(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class PlacesCluster(RenderedOnce, JSCSSMixin):
    """Leaflet.markercluster's clusters of markers drawn in the browser from data rows, rendered
    once. ``rows`` is the rows' JSON text, made safe for a script (``rows_script``): a view's rows
    are encoded once and kept, not again at every render. ``callback`` turns a row into a marker,
    ``icon`` draws a cluster; ``options`` are the cluster group's."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var draw = {{ this.callback }};
            var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
            cluster.options.iconCreateFunction = {{ this.icon }};
            cluster.addLayers({{ this.rows|tojavascript }}.map(draw));
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: str, *, callback: str, icon: str, options: dict):
        super().__init__()
        self._name = "PlacesCluster"
        self.rows = JsCode(rows)
        self.callback = callback.strip()
        self.icon = icon.strip()
        self.options = options


def rows_script(rows: list[list]) -> str:
    """Data rows as JSON text to place in a script: ``<``, ``>``, ``&`` and ``'`` escaped, so no
    place name can close the script or open markup."""
    return str(htmlsafe_json_dumps(rows, separators=(",", ":")))


class ResetView(MacroElement):
    """A map control (under the zoom buttons) that goes back to the view the map opened on."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var SVG = "http://www.w3.org/2000/svg";
            var homeIcon = function () {
                var icon = document.createElementNS(SVG, "svg"), shape = document.createElementNS(SVG, "path");
                icon.setAttribute("viewBox", "0 0 24 24");
                icon.setAttribute("width", "18");
                icon.setAttribute("height", "18");
                icon.setAttribute("aria-hidden", "true");
                icon.style.verticalAlign = "middle";
                shape.setAttribute("d", "M12 3l9 8h-3v9h-5v-6h-2v6H6v-9H3z");
                shape.setAttribute("fill", "currentColor");
                icon.appendChild(shape);
                return icon;
            };
            var Reset = L.Control.extend({
                options: {position: "topleft"},
                onAdd: function () {
                    var bar = L.DomUtil.create("div", "leaflet-bar dl-reset");
                    var link = L.DomUtil.create("a", "", bar);
                    link.href = "#";
                    link.appendChild(homeIcon());
                    link.title = "Reset view";
                    link.setAttribute("role", "button");
                    link.setAttribute("aria-label", "Reset view");
                    L.DomEvent.disableClickPropagation(bar);
                    L.DomEvent.on(link, "click", function (event) {
                        L.DomEvent.preventDefault(event);
                        map.setView({{ this.location|tojson }}, {{ this.zoom }});
                    });
                    return bar;
                }
            });
            new Reset().addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, location: tuple[float, float], zoom: int):
        super().__init__()
        self._name = "ResetView"
        self.location = list(location)
        self.zoom = int(zoom)


class QuietFocus(MacroElement):
    """Leaflet focuses the map on a press of the mouse (for its arrow keys); focusing would scroll a
    map that is partly off screen into view between the press and the release, and the click would
    land beside the marker. The map takes focus without scrolling."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (box) {
            var focus = box.focus;
            box.focus = function (options) { focus.call(box, Object.assign({preventScroll: true}, options || {})); };
        })({{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "QuietFocus"


class Focus(MacroElement):
    """Centres the map on a point once its layer group is on the map, zoomed in at least to ``zoom``
    (where clusters have opened, so the place's own marker shows)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var go = function () {
                var map = group._map;
                map.setView({{ this.location|tojson }}, Math.max(map.getZoom(), {{ this.zoom }}), {animate: false});
            };
            if (group._map) { go(); } else { group.once("add", go); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, location: tuple[float, float], zoom: int):
        super().__init__()
        self._name = "Focus"
        self.location = list(location)
        self.zoom = int(zoom)


class Ring(MacroElement):
    """A ring around a marker, in the parent group: it ignores the mouse, so clicks reach the marker."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.circleMarker({{ this.location|tojson }}, {
            radius: {{ this.radius }}, color: {{ this.colour|tojson }}, weight: 3, fill: false,
            interactive: false, className: "dl-selected"
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, location: tuple[float, float], radius: float, colour: str):
        super().__init__()
        self._name = "Ring"
        self.location = list(location)
        self.radius = float(radius)
        self.colour = colour


class Polygons(RenderedOnce, MacroElement):
    """Filled polygons drawn from data rows ``[[[lat, lon], ...], colour, label]`` into the parent
    group, each with a text-only tooltip (the density view's cells)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var rows = {{ this.rows|tojson }};
            rows.forEach(function (row) {
                var shape = L.polygon(row[0], {
                    color: "#5d4037", weight: 0.6, fillColor: row[1], fillOpacity: {{ this.opacity }}
                });
                var label = document.createElement("span");
                label.textContent = row[2];
                shape.bindTooltip(label, {sticky: true});
                shape.addTo(group);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], opacity: float):
        super().__init__()
        self._name = "Polygons"
        self.rows = rows
        self.opacity = float(opacity)
