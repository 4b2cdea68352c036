"""The dashboard's data and map functions, without Streamlit."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from geo.app import view, webmap
from geo.store.frames import MENTIONS_FRAME, PLACES_FRAME

KYIV, KHARKIV, RUSSIA = "geonames:703448", "geonames:706483", "geonames:2017370"
BLACK_SEA = "features.tsv:feature:Black Sea"
FEB_26, MARCH_1 = dt.date(2022, 2, 26), dt.date(2022, 3, 1)


def _mentions() -> pd.DataFrame:
    """A small mentions frame with the store's columns (``MENTIONS_FRAME``)."""
    rows = [
        ("a1", 0, 4, "Kyiv", 0.9, KYIV, "Kyiv", "city", "UA", 50.45, 30.52, "Kyiv story", FEB_26),
        ("a1", 20, 27, "Kharkiv", 0.8, KHARKIV, "Kharkiv", "city", "UA", 49.98, 36.25, "Kyiv story", FEB_26),
        ("a2", 5, 9, "Kiev", 0.7, KYIV, "Kyiv", "city", "UA", 50.45, 30.52, "Later", MARCH_1),
        ("a2", 30, 36, "Russia", 0.95, RUSSIA, "Russia", "country", "RU", 60.0, 100.0, "Later", MARCH_1),
        ("a3", 0, 9, "Black Sea", 0.5, BLACK_SEA, "Black Sea", "feature", None, 44.0, 35.0, "<b>Undated</b>", None),
    ]
    columns = [
        "article_id", "start", "end", "text", "score", "place_key", "place", "kind", "country_code", "lat", "lon",
        "title", "date",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["admin1"] = None
    frame["match"] = "name"
    frame["date_estimated"] = False
    frame["source"] = frame["article_id"] + ".txt"
    frame["url"] = None
    frame["sentence_start"] = frame["start"]
    frame["sentence_end"] = frame["end"] + 10
    return frame[list(MENTIONS_FRAME)]


TEXTS = {
    "a1": "Kyiv was shelled. And Kharkiv too, said officials.",
    "a2": "Near Kiev, troops from Russia advanced today.",
    "a3": "Black Sea <script>alert(1)</script> ships.",
}


def test_date_bounds():
    assert view.date_bounds(_mentions()) == (dt.date(2022, 2, 26), dt.date(2022, 3, 1))
    assert view.date_bounds(_mentions().assign(date=pd.NaT)) is None


def test_filter_by_dates_and_undated():
    mentions = _mentions()
    only_first_day = view.Filters(dt.date(2022, 2, 26), dt.date(2022, 2, 26), include_undated=False)
    assert set(view.filter_mentions(mentions, only_first_day)["text"]) == {"Kyiv", "Kharkiv"}
    with_undated = view.Filters(dt.date(2022, 2, 26), dt.date(2022, 2, 26), include_undated=True)
    assert set(view.filter_mentions(mentions, with_undated)["text"]) == {"Kyiv", "Kharkiv", "Black Sea"}


def test_filter_by_kind_score_and_query():
    mentions = _mentions()
    assert set(view.filter_mentions(mentions, view.Filters(kinds=("country",)))["text"]) == {"Russia"}
    assert set(view.filter_mentions(mentions, view.Filters(min_score=0.85))["text"]) == {"Kyiv", "Russia"}
    assert set(view.filter_mentions(mentions, view.Filters(query="kyiv"))["place"]) == {"Kyiv", "Kharkiv"}
    by_text = view.filter_mentions(mentions, view.Filters(query="troops"), TEXTS)
    assert set(by_text["article_id"]) == {"a2"}


def test_places_summary_counts_mentions_and_articles():
    summary = view.places_summary(_mentions()).set_index("place")
    assert summary.loc["Kyiv", "mentions"] == 2
    assert summary.loc["Kyiv", "articles"] == 2
    assert list(view.places_summary(_mentions())["place"])[0] == "Kyiv"
    assert view.places_summary(_mentions().iloc[0:0]).empty


def test_places_summary_has_the_schemas_columns_even_when_empty():
    assert tuple(view.places_summary(_mentions()).columns) == PLACES_FRAME
    assert tuple(view.places_summary(_mentions().iloc[0:0]).columns) == PLACES_FRAME


def test_timeline_fills_every_day():
    days = view.timeline(_mentions())
    assert list(days["date"].dt.day) == [26, 27, 28, 1]
    assert list(days["mentions"]) == [2, 0, 0, 2]


def test_undated_articles():
    assert view.undated_articles(_mentions()) == 1


def test_highlight_escapes_and_marks():
    out = view.highlight('<img src=x onerror="alert(1)"> in Kyiv', [(34, 38)])
    assert "<img" not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert out.endswith("<mark>Kyiv</mark>")


def test_sentences_newest_first_escaped_and_highlighted():
    items = view.sentences_for(_mentions(), KYIV, TEXTS)
    assert [i["article_id"] for i in items] == ["a2", "a1"]
    assert "<mark>Kiev</mark>" in items[0]["html"]
    assert items[0]["title"] == "Later" and items[0]["source"] == "a2.txt" and items[0]["url"] is None
    black_sea = view.sentences_for(_mentions(), BLACK_SEA, TEXTS)[0]
    assert "<script>" not in black_sea["html"] and black_sea["date"] is None


def test_article_html_marks_every_mention():
    mentions = _mentions()
    out = view.article_html(TEXTS["a1"], mentions[mentions["article_id"] == "a1"])
    assert out.count("<mark>") == 2


def test_csv_and_geojson_export():
    mentions = _mentions()
    csv_text = view.to_csv(mentions).decode("utf-8")
    assert csv_text.splitlines()[0].startswith("article_id,date")
    assert len(csv_text.splitlines()) == len(mentions) + 1
    collection = json.loads(view.to_geojson(mentions))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == len(mentions)
    first = collection["features"][0]
    assert first["geometry"]["coordinates"] == [30.52, 50.45]
    assert first["properties"]["date"] == "2022-02-26T00:00:00"


def test_map_html_uses_only_local_scripts_and_tiles():
    places = view.places_summary(_mentions())
    fmap = webmap.base_map()
    webmap.places_layer(places).add_to(fmap)
    page = fmap.get_root().render()
    assert not re.findall(r"https?://(?!www\.openstreetmap\.org/copyright)", page)
    assert "/app/static/tiles/{z}/{x}/{y}.png" in page
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in page
    assert "OpenStreetMap" in page


def test_marker_rows_size_colour_and_tooltips():
    places = view.places_summary(_mentions())
    rows = {row[4]: row for row in webmap.marker_rows(places)}
    kyiv = rows["Kyiv — 2 mentions"]
    assert kyiv[3] == webmap.KIND_COLOURS["city"]
    assert kyiv[2] > rows["Kharkiv — 1 mention"][2]


def test_tooltips_are_set_as_text_not_html():
    fmap = webmap.base_map()
    webmap.places_layer(view.places_summary(_mentions())).add_to(fmap)
    page = fmap.get_root().render()
    assert "label.textContent = row[4];" in page and "marker.bindTooltip(label);" in page
    assert "innerHTML" not in page


def test_places_at_one_point_get_their_own_markers():
    places = pd.DataFrame(
        {"place_key": ["a", "b"], "place": ["Kyiv", "Kyiv"], "kind": ["city", "region"],
         "lat": [50.45, 50.45], "lon": [30.52, 30.52], "mentions": [3, 1]}
    )
    rows = webmap.marker_rows(places)
    assert (rows[0][0], rows[0][1]) != (rows[1][0], rows[1][1])


def test_clicked_place_is_the_nearest_marker():
    places = view.places_summary(_mentions())
    assert webmap.clicked_place(places, {"lat": 50.4, "lng": 30.6}) == KYIV
    assert webmap.clicked_place(places, None) is None


def test_radius_grows_with_the_count_and_is_capped():
    radii = [webmap.radius(count) for count in range(1, 10_001)]
    assert radii == sorted(radii)  # never smaller for more mentions
    assert webmap.MIN_RADIUS < webmap.radius(1) < webmap.radius(10) < webmap.radius(50)  # visibly larger
    assert max(radii) == webmap.radius(10_000) == webmap.radius(1_000_000) == webmap.MAX_RADIUS


def test_initial_view_frames_local_places():
    center, zoom = webmap.initial_view(view.places_summary(_mentions()))
    assert 44 <= center[0] <= 51 and 30 <= center[1] <= 37
    assert 3 <= zoom <= 6
