"""The dashboard's view and map functions, without Streamlit, on what the store's queries return."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest
from store_fixture import BLACK_SEA, KHARKIV, KYIV, KYIV_PLACE, small_store

from gazetteer import Candidate, Match, Place
from geo.app import cells, choices, view, webmap
from geo.app.basemap import Basemap, bundled
from geo.store.queries import Filters, StoreReader

LVIV_PLACE = Place(9, "Lviv", "city", "city", "UA", "Lviv", "UA.15", 49.84, 24.03, 717_273, 702550, "geonames")


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> StoreReader:
    return StoreReader(small_store(tmp_path_factory.mktemp("v") / "s.duckdb"))


@pytest.fixture(scope="module")
def places(reader) -> pd.DataFrame:
    return reader.places(Filters())


def test_highlight_escapes_and_marks():
    out = view.highlight('<img src=x onerror="alert(1)"> in Kyiv', [(34, 38)])
    assert "<img" not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert out.endswith("<mark>Kyiv</mark>")


def test_sentences_are_escaped_and_highlighted(reader):
    (item,) = reader.sentences(BLACK_SEA, Filters())
    out = view.sentence_html(item)
    assert "<script>" not in out and "&lt;script&gt;" in out and out.startswith("<mark>Black Sea</mark>")


def test_article_html_marks_every_mention_with_its_place_on_hover(reader):
    article = reader.article("a1")
    out = view.article_html(article["text"], article["mentions"], chosen=KHARKIV)
    assert out.count("<mark") == 2
    assert '<mark title="Kyiv (city, UA) · confidence 90%">Kyiv</mark>' in out
    assert '<mark class="chosen" title="Kharkiv (city, UA) · confidence 80%">Kharkiv</mark>' in out


def test_article_html_sets_names_without_a_place_apart(reader):
    article = reader.article("a4")
    out = view.article_html(article["text"], article["mentions"])
    assert '<mark class="unplaced" title="No place found for this name">Atlantis</mark>' in out
    assert "confidence 60%" in out


def test_hover_titles_are_escaped():
    mention = {"place_key": "k", "place": 'Say "<b>"', "kind": "city", "admin1": None, "country_code": "UA",
               "score": 0.5, "match": "name", "start": 0, "end": 4}  # fmt: skip
    out = view.article_html("Kyiv <i>", pd.DataFrame([mention]))
    assert 'title="Say &quot;&lt;b&gt;&quot; (city, UA) · confidence 50%"' in out and "&lt;i&gt;" in out
    assert "<b>" not in out and "<i>" not in out


def test_corrected_mentions_say_so():
    base = {"place_key": "k", "place": "Lviv", "kind": "city", "admin1": "Lviv", "country_code": "UA", "score": 1.0}
    assert view.mention_title({**base, "match": "corrected"}) == "Lviv (city, UA) · corrected by a reader"
    assert view.mention_title({**base, "place_key": None, "match": "corrected"}) == "Marked “not a place” by a reader"


def test_counts_read_as_words():
    assert view.counted(1, "article") == "1 article" and view.counted(2041, "article") == "2,041 articles"
    assert view.summary(1, 1, 1) == "1 place · 1 mention · 1 article"
    assert view.summary(33, 201, 5, undated=2) == "33 places · 201 mentions · 5 articles · 2 undated articles"
    assert view.place_where("Kyiv", "Kyiv", "UA") == "UA" and view.place_where("Odesa", None, None) == ""


def test_timeline_days_fills_every_day_of_the_span():
    days = pd.DataFrame({"date": pd.to_datetime(["2022-02-26", "2022-03-01"]), "mentions": [2, 3]})
    filled = view.timeline_days(days, dt.date(2022, 2, 25), dt.date(2022, 3, 2))
    assert list(filled["mentions"]) == [0, 2, 0, 0, 3, 0]
    assert view.timeline_days(days.iloc[:0]).empty


def test_csv_and_geojson_export(reader):
    csv_text = view.to_csv(reader.export_rows(Filters())).decode("utf-8")
    lines = csv_text.splitlines()
    assert lines[0].startswith("article_id,date") and len(lines) == 7
    assert ",2022-02-26," in csv_text and "/" not in lines[1].split(",")[4]
    collection = json.loads(view.to_geojson(reader.export_rows(Filters())))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 6
    first = collection["features"][0]
    assert first["geometry"]["coordinates"] == [30.52, 50.45]
    assert first["properties"]["date"] == "2022-02-26" and first["properties"]["date_estimated"] is False
    assert view.to_csv(reader.export_rows(Filters(query="nothing-like-this"))).decode().count("\n") == 1


def test_map_html_uses_only_local_scripts_and_tiles(places):
    fmap = webmap.base_map()
    webmap.places_layer(places).add_to(fmap)
    page = fmap.get_root().render()
    assert not re.findall(r"https?://(?!www\.openstreetmap\.org/copyright|www\.w3\.org/2000/svg\b)", page)
    assert "/app/static/tiles/{z}/{x}/{y}.png" in page
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in page
    assert "OpenStreetMap" in page


def test_zoom_stops_one_level_past_the_finest_tiles():
    page = webmap.base_map().get_root().render()
    assert '"maxNativeZoom": 6' in page and page.count('"maxZoom": 7') == 2  # the map's and its tiles'
    assert '"maxZoom": 12' not in page


def test_clusters_open_where_the_map_can_still_zoom():
    assert webmap.clusters_open_at(Basemap((bundled(),))) == 7


def test_the_chosen_place_is_ringed_outside_any_cluster(places):
    layer = webmap.places_layer(places, selected=KYIV, focus=(50.45, 30.52), open_zoom=7)
    page = _rendered(layer)
    assert "dl-selected" in page and "interactive: false" in page
    assert "Math.max(map.getZoom(), 7)" in page
    assert "dl-selected" not in _rendered(webmap.places_layer(places))
    assert "Math.max(map.getZoom()" not in _rendered(webmap.places_layer(places))


def test_markers_are_reached_by_keyboard_and_clusters_have_their_own_look(places):
    page = _rendered(webmap.places_layer(places))
    assert 'path.setAttribute("tabindex", "0")' in page and 'path.setAttribute("aria-label", row[4])' in page
    assert 'event.key !== "Enter"' in page and "dl-cluster" in page
    assert webmap.CLUSTER_COLOUR not in webmap.KIND_COLOURS.values()


def test_reset_view_goes_back_to_where_the_map_opened():
    page = webmap.base_map(location=(48.5, 31.0), zoom=5).get_root().render()
    assert '"Reset view"' in page and "map.setView([48.5, 31.0], 5)" in page


def test_low_confidence_places_are_hollow():
    places = pd.DataFrame(
        {"place_key": ["a", "b"], "place": ["Sure", "Unsure"], "kind": ["city", "city"], "lat": [1.0, 2.0],
         "lon": [1.0, 2.0], "mentions": [3, 1], "confidence": [0.9, webmap.LOW_CONFIDENCE - 0.05]}
    )  # fmt: skip
    assert [row[5] for row in webmap.marker_rows(places)] == [0, 1]


def test_density_cells_colour_by_mentions():
    places = _many_places(300)
    rows = webmap.density_rows(cells.cells(places))
    assert rows and all(len(outline) == 6 for outline, _, _ in rows)
    assert rows[0][1] == webmap.DENSITY_COLOURS[-1]  # the most mentioned cell is the darkest
    assert set(row[1] for row in rows) <= set(webmap.DENSITY_COLOURS)
    assert webmap.density_colours(np.array([1, 10, 100, 1000]))[0] == webmap.DENSITY_COLOURS[0]
    page = _rendered(webmap.density_layer(places))
    assert "L.polygon" in page and "label.textContent = row[2]" in page


def test_the_legend_names_every_kind():
    legend = webmap.legend_html(density=False)
    assert all(kind in legend for kind in webmap.KIND_COLOURS) and "low confidence" in legend
    assert "Mentions per cell" in webmap.legend_html(density=True, most=40)


def _rendered(layer) -> str:
    fmap = webmap.base_map()
    layer.add_to(fmap)
    return fmap.get_root().render()


def test_names_that_look_like_template_code_are_drawn_as_they_are():
    """The map's rows reach the page once, as JSON data: never read again as a Jinja template (which
    would run "{{ ... }}" in a name and fail on "{% ... %}")."""
    names = ["{{ 6 * 7 }} Town", "{% raw %} Village", "{# note #} Hamlet"]
    places = pd.DataFrame(
        {"place_key": ["a", "b", "c"], "place": names, "kind": ["city"] * 3, "lat": [50.0, 51.0, 52.0],
         "lon": [30.0, 31.0, 32.0], "mentions": [1, 2, 3]}
    )  # fmt: skip
    page = _rendered(webmap.places_layer(places))
    tooltips = [webmap.tooltip(name, count) for name, count in zip(names, [1, 2, 3])]
    assert all(json.dumps(tooltip) in page for tooltip in tooltips) and "42 Town" not in page
    density = _rendered(webmap.density_layer(places.iloc[:1]))
    assert json.dumps("1 mention of 1 place, most of {{ 6 * 7 }} Town") in density


def test_a_name_cannot_close_the_map_s_script():
    """Rows are JSON in a script element: "</script>" in a name must not end it, nor open markup."""
    name = "Oddtown</script><script>window.hit = 1</script> & 'Co'"
    places = pd.DataFrame(
        {"place_key": ["a"], "place": [name], "kind": ["city"], "lat": [50.0], "lon": [30.0], "mentions": [2]}
    )  # fmt: skip
    page = _rendered(webmap.places_layer(places))
    assert "window.hit" in page and "</script><script>window.hit" not in page and "Co'" not in page
    assert json.loads(webmap.layer_rows(places).script)[0][4] == webmap.tooltip(name, 2)


def test_a_layer_drawn_from_kept_rows_is_the_layer_of_its_places(places):
    kept = webmap.layer_rows(places)
    assert kept == webmap.layer_rows(places.copy()) and kept.markers == len(places)
    layer = webmap.places_layer(places.iloc[:0], rows=kept)  # the rows alone say what is drawn
    assert kept.script in _rendered(layer)


def test_marker_rows_size_colour_and_tooltips(places):
    rows = {row[4]: row for row in webmap.marker_rows(places)}
    assert rows["Black Sea — 1 mention"][5] == 1  # its one mention scored 0.5: hollow
    kyiv = rows["Kyiv — 3 mentions"]
    assert kyiv[3] == webmap.KIND_COLOURS["city"]
    assert kyiv[2] > rows["Kharkiv — 1 mention"][2]


def test_tooltips_are_set_as_text_not_html(places):
    fmap = webmap.base_map()
    webmap.places_layer(places).add_to(fmap)
    page = fmap.get_root().render()
    assert "label.textContent = row[4];" in page and "marker.bindTooltip(label);" in page
    assert "innerHTML" not in page


def test_places_at_one_point_get_their_own_markers():
    places = pd.DataFrame(
        {"place_key": ["a", "b"], "place": ["Kyiv", "Kyiv"], "kind": ["city", "region"],
         "lat": [50.45, 50.45], "lon": [30.52, 30.52], "mentions": [3, 1]}
    )  # fmt: skip
    rows = webmap.marker_rows(places)
    assert (rows[0][0], rows[0][1]) != (rows[1][0], rows[1][1])


def test_a_click_reports_its_marker_s_own_point(places):
    assert webmap.clicked_place(places, {"lat": 50.45, "lng": 30.52}) == KYIV
    assert webmap.clicked_place(places, {"lat": 49.98, "lng": 36.25}) == KHARKIV
    assert webmap.clicked_place(places, {"lat": 50.4, "lng": 30.6}) is None  # a cluster's point, say
    assert webmap.clicked_place(places, None) is None


def test_places_at_one_point_are_clicked_apart():
    places = pd.DataFrame(
        {"place_key": ["city", "region"], "place": ["Kyiv", "Kyiv"], "kind": ["city", "region"],
         "lat": [50.45, 50.45], "lon": [30.52, 30.52], "mentions": [3, 1]}
    )  # fmt: skip
    (lat1, lon1), (lat2, lon2) = webmap.marker_points(places)
    assert webmap.clicked_place(places, {"lat": lat1, "lng": lon1}) == "city"
    assert webmap.clicked_place(places, {"lat": lat2, "lng": lon2}) == "region"


def _many_places(count: int) -> pd.DataFrame:
    """``count`` places on a grid over Ukraine, the first the most mentioned."""
    return pd.DataFrame(
        {
            "place_key": [f"p{i}" for i in range(count)],
            "place": [f"Place {i}" for i in range(count)],
            "kind": "city",
            "lat": [45.0 + (i % 60) * 0.1 for i in range(count)],
            "lon": [23.0 + (i // 60) * 0.1 for i in range(count)],
            "mentions": [count - i for i in range(count)],
        }
    )


def test_past_the_marker_limit_the_rest_is_gathered_in_cells():
    places = _many_places(cells.MAX_MARKERS + 500)
    markers, gathered = cells.split_for_map(places)
    assert len(markers) == cells.MAX_MARKERS and set(markers["place_key"]) == {
        f"p{i}" for i in range(cells.MAX_MARKERS)
    }
    assert gathered["places"].sum() == 500
    assert gathered["mentions"].sum() == places["mentions"].iloc[cells.MAX_MARKERS :].sum()
    assert len(gathered) < 500
    rows = webmap.cell_rows(gathered)
    assert all(row[3] == webmap.CELL_COLOUR for row in rows) and "smaller places around" in rows[0][4]
    assert webmap.CELL_COLOUR not in webmap.KIND_COLOURS.values()


def test_a_cells_tooltip_counts_in_words_and_a_lone_place_is_named():
    assert webmap.cell_label(1_204, "Mobara", 2_858) == "1,204 smaller places around Mobara — 2,858 mentions"
    assert webmap.cell_label(1, "Aflou", 1) == "Aflou, a smaller place — 1 mention"
    assert webmap.tooltip("Yeosu", 7_815) == "Yeosu — 7,815 mentions"  # markers and cells count alike


def test_a_click_on_a_cell_selects_no_place():
    places = _many_places(cells.MAX_MARKERS + 500)
    _, gathered = cells.split_for_map(places)
    cell = gathered.iloc[0]
    clicked = webmap.clicked_place(places, {"lat": float(cell["lat"]), "lng": float(cell["lon"])})
    assert clicked is None
    assert webmap.clicked_place(places, {"lat": 45.0, "lng": 23.0}) == "p0"


def test_radius_grows_with_the_count_and_is_capped():
    radii = [webmap.radius(count) for count in range(1, 10_001)]
    assert radii == sorted(radii)  # never smaller for more mentions
    assert webmap.MIN_RADIUS < webmap.radius(1) < webmap.radius(10) < webmap.radius(50)  # visibly larger
    assert max(radii) == webmap.radius(10_000) == webmap.radius(1_000_000) == webmap.MAX_RADIUS


def test_initial_view_frames_local_places(places):
    center, zoom = webmap.initial_view(places)
    assert 44 <= center[0] <= 51 and 30 <= center[1] <= 37
    assert 3 <= zoom <= 6


def test_choices_describe_each_place_and_leave_out_the_current_one():
    places = (KYIV_PLACE, LVIV_PLACE, KYIV_PLACE)
    candidates = [Candidate(place, Match.NAME, place.name, 100.0, 5.0) for place in places]
    offered = choices.choices(candidates, current_key=KYIV, current=(KYIV_PLACE.lat, KYIV_PLACE.lon))
    assert [choice.key for choice in offered] == ["geonames:702550"]
    assert offered[0].label == "Lviv · city · UA · 717,273 people · 467 km from the current place"
    assert choices.describe(KYIV_PLACE) == "Kyiv · city · UA · 2,952,301 people"
