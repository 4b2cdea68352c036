"""The dashboard's view and map functions, without Streamlit, on what the store's queries return."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from store_fixture import BLACK_SEA, KHARKIV, KYIV, small_store

from geo.app import cells, view, webmap
from geo.store.queries import Filters, StoreReader


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


def test_article_html_marks_every_mapped_mention(reader):
    article = reader.article("a1")
    assert view.article_html(article["text"], article["mentions"]).count("<mark>") == 2


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
    assert not re.findall(r"https?://(?!www\.openstreetmap\.org/copyright)", page)
    assert "/app/static/tiles/{z}/{x}/{y}.png" in page
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in page
    assert "OpenStreetMap" in page


def test_marker_rows_size_colour_and_tooltips(places):
    rows = {row[4]: row for row in webmap.marker_rows(places)}
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


def test_clicked_place_is_the_nearest_marker(places):
    assert webmap.clicked_place(places, {"lat": 50.4, "lng": 30.6}) == KYIV
    assert webmap.clicked_place(places, {"lat": 49.9, "lng": 36.3}) == KHARKIV
    assert webmap.clicked_place(places, None) is None


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
    assert len(markers) == cells.MAX_MARKERS and set(markers["place_key"]) == {f"p{i}" for i in range(cells.MAX_MARKERS)}
    assert gathered["places"].sum() == 500
    assert gathered["mentions"].sum() == places["mentions"].iloc[cells.MAX_MARKERS :].sum()
    assert len(gathered) < 500
    rows = webmap.cell_rows(gathered)
    assert all(row[3] == webmap.CELL_COLOUR for row in rows) and "smaller places around" in rows[0][4]
    assert webmap.CELL_COLOUR not in webmap.KIND_COLOURS.values()


def test_a_click_on_a_cell_selects_no_place():
    places = _many_places(cells.MAX_MARKERS + 500)
    _, gathered = cells.split_for_map(places)
    cell = gathered.iloc[0]
    clicked = webmap.clicked_place(places, {"lat": float(cell["lat"]), "lng": float(cell["lon"])})
    assert clicked is None


def test_radius_grows_with_the_count_and_is_capped():
    radii = [webmap.radius(count) for count in range(1, 10_001)]
    assert radii == sorted(radii)  # never smaller for more mentions
    assert webmap.MIN_RADIUS < webmap.radius(1) < webmap.radius(10) < webmap.radius(50)  # visibly larger
    assert max(radii) == webmap.radius(10_000) == webmap.radius(1_000_000) == webmap.MAX_RADIUS


def test_initial_view_frames_local_places(places):
    center, zoom = webmap.initial_view(places)
    assert 44 <= center[0] <= 51 and 30 <= center[1] <= 37
    assert 3 <= zoom <= 6
