"""The dashboard's widgets, run headless with Streamlit's AppTest on a real store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit_folium
from store_fixture import BLACK_SEA, KYIV, KYIV_PLACE, TEXTS, small_store
from streamlit.testing.v1 import AppTest

from gazetteer import Match
from geo.app.widgets import data, dates
from geo.input.read import read_articles, read_inputs
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store.corrections import Corrections, Scope
from geo.store.database import Store
from geo.store.queries import Filters, StoreReader

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
SEED_003 = ROOT / "seeds" / "003_1de4da174fe004ff.txt"
LVIV = "geonames:702550"


@pytest.fixture()
def store(tmp_path, seed_store, monkeypatch) -> Path:
    path = tmp_path / "dateline.duckdb"
    shutil.copy(seed_store, path)
    monkeypatch.setenv("DATELINE_DB", str(path))
    return path


def _started() -> AppTest:
    """The app run once on the store in $DATELINE_DB, without an exception."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.run()  # the run the map's first value brings, with the timeline and the tables (mapview.first_view)
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def app(store) -> AppTest:
    return _started()


def _summary(at: AppTest) -> str:
    return next(c.value for c in at.caption if "places ·" in c.value)


def _map_args(at: AppTest) -> dict:
    component = next(e for e in at.main if getattr(e, "type", "") == "component_instance" or "folium" in str(type(e)))
    return json.loads(component.proto.json_args)


def _expected_summary(store: Path) -> str:
    mentions = Store(store).mentions_frame()
    return f"{mentions['place_key'].nunique()} places · {len(mentions)} mentions · 5 articles"


def _mentions(at: AppTest) -> int:
    return int(_summary(at).split(" mentions")[0].split("· ")[-1].replace(",", ""))


def test_opens_on_the_store_with_counts(app, store):
    assert _summary(app).startswith(_expected_summary(store))
    assert app.slider(key="dates").value == (dt.date(2022, 2, 26), dt.date(2022, 3, 17))


def test_moving_the_date_slider_changes_the_counts(app):
    before = _summary(app)
    app.slider(key="dates").set_value((dt.date(2022, 2, 26), dt.date(2022, 2, 26))).run()
    assert not app.exception
    summary = _summary(app)
    assert "3 articles" in summary and summary != before
    app.slider(key="dates").set_value((dt.date(2022, 3, 17), dt.date(2022, 3, 17))).run()
    assert _summary(app).endswith(" · 1 article")


def test_kind_filter(app, store):
    mentions = Store(store).mentions_frame()
    countries = mentions.loc[mentions["kind"] == "country", "place_key"].nunique()
    app.sidebar.pills(key="kinds").set_value(["country"]).run()
    assert not app.exception
    assert _summary(app).startswith(f"{countries} places")


def test_search_filter(app):
    app.sidebar.text_input(key="q").set_value("Mariupol").run()
    assert not app.exception
    summary = _summary(app)
    assert summary.endswith(" · 1 article")


def test_minimum_confidence_filter(app):
    before = _mentions(app)
    app.sidebar.slider(key="min_score").set_value(0.85).run()
    assert 0 < _mentions(app) < before


def test_undated_articles_are_counted_and_can_be_left_out(store, monkeypatch):
    (article,) = read_inputs([SEED_003])
    Store(store).set_dates([(article.id, None, False)])
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert at.sidebar.checkbox(key="undated").label == "Include undated articles (1)"
    assert _summary(at).endswith(" · 1 undated article")
    with_undated = _summary(at)
    at.sidebar.checkbox(key="undated").uncheck().run()
    assert _summary(at) != with_undated and "4 articles" in _summary(at)


def test_clicking_a_marker_shows_its_sentences(store, monkeypatch):
    real = streamlit_folium._component_func

    def clicked_kyiv(*args, **kwargs):
        real(*args, **kwargs)
        return {"last_object_clicked": {"lat": 50.45466, "lng": 30.5238}}

    monkeypatch.setattr(streamlit_folium, "_component_func", clicked_kyiv)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert [h.value for h in at.subheader][0] == "Kyiv"
    sentences = [m.value for m in at.markdown if "class='sentence'" in m.value]
    assert len(sentences) >= 5 and all("<mark>" in s for s in sentences)
    assert "Kyiv" in at.query_params.get("place", "") or at.query_params.get("place") == "geonames:703448"


def test_place_in_the_url_opens_its_panel(store):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = "geonames:706483"
    at.run()
    assert [h.value for h in at.subheader][0] == "Kharkiv"


def test_article_text_is_escaped_everywhere(tmp_path, store, geoparser, monkeypatch):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "<script>alert('x')</script> Shelling hit Kyiv <img src=x onerror=alert(1)> on Monday.\n\n"
        "Officials in Kyiv said more attacks were expected.",
        encoding="utf-8",
    )
    articles, _ = read_articles([hostile])
    Store(store).ingest(geoparser.parse(articles))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = "geonames:703448"
    at.run()
    html = "".join(m.value for m in at.markdown)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_exports_are_offered(app):
    labels = [b.label for b in app.sidebar.get("download_button")]
    assert labels == ["Export view as CSV", "Export view as GeoJSON"]


def test_first_start_ingests_the_seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINE_DB", str(tmp_path / "fresh.duckdb"))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    assert Store(tmp_path / "fresh.duckdb").counts()["articles"] == 5
    assert _summary(at).startswith(_expected_summary(tmp_path / "fresh.duckdb"))
    # The next run (the map sends its first value at once) lays the page out as the first did, so the
    # browser keeps the map it drew instead of building a second one in a new place.
    first = _map_position(at)
    at.run()
    assert _map_position(at) == first


def test_a_visitors_first_run_is_the_map_and_the_next_adds_the_timeline_and_tables(store):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["tab"] = "Articles"
    at.run()
    assert not at.exception, at.exception
    first = _map_position(at)
    assert len(at.get("vega_lite_chart")) == 0 and len(at.dataframe) == 0
    assert at.tabs and at.query_params.get("tab") == "Articles"  # the tabs are there, the chosen one kept

    at.run()  # as the browser's map sends its first value
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 1 and len(at.dataframe) == 1
    assert "title" in at.dataframe[0].value.columns  # the articles table, as the URL chose
    assert _map_position(at) == first


def _map_position(at: AppTest) -> tuple[int, ...]:
    """Where the map sits in the page's element tree (Streamlit rebuilds an element that moves)."""

    def walk(node, path: tuple[int, ...]):
        for index, child in getattr(node, "children", {}).items():
            yield path + (index,), child
            yield from walk(child, path + (index,))

    (position,) = [path for path, node in walk(at.main, ()) if getattr(node, "type", "") == "component_instance"]
    return position


# ---------------------------------------------------------------------------- what a reader sees at once


def test_the_page_says_what_it_shows(app):
    text = " ".join(m.value for m in app.markdown)
    assert "<b>Dateline</b>" in text and "Places named in 5 news articles, on a map over time" in text
    assert "low confidence" in text and "cluster" in text  # the map's legend


def test_play_stops_at_the_last_day_and_offers_play_again(app):
    app.slider(key="dates").set_value((dt.date(2022, 3, 16), dt.date(2022, 3, 16))).run()
    app.button(key="play").click().run()  # one step to the last day, then it stops
    assert not app.exception
    assert app.slider(key="dates").value == (dt.date(2022, 3, 17), dt.date(2022, 3, 17))
    assert app.button(key="play").label == "Play" and not app.session_state["playing"]


def test_play_from_the_whole_range_plays_one_day_at_a_time_to_the_end(app, monkeypatch):
    monkeypatch.setattr(dates, "PLAY_SECONDS", 0.0)
    app.button(key="play").click().run()
    assert not app.exception
    assert app.slider(key="dates").value == (dt.date(2022, 3, 17), dt.date(2022, 3, 17))
    assert app.button(key="play").label == "Play"


def test_a_day_back_and_a_day_forward(app):
    app.slider(key="dates").set_value((dt.date(2022, 2, 26), dt.date(2022, 2, 27))).run()
    assert app.button(key="step_back").disabled and not app.button(key="step_forward").disabled
    app.button(key="step_forward").click().run()
    assert app.slider(key="dates").value == (dt.date(2022, 2, 27), dt.date(2022, 2, 28))
    app.button(key="step_back").click().run()
    assert app.slider(key="dates").value == (dt.date(2022, 2, 26), dt.date(2022, 2, 27))


def test_a_day_shows_in_words_and_says_when_it_has_no_articles(app):
    app.slider(key="dates").set_value((dt.date(2022, 3, 1), dt.date(2022, 3, 1))).run()
    days = [m.value for m in app.markdown if "class='day'" in m.value]
    assert days == ["<div class='day'>Tuesday 1 March 2022 <span class='quiet'>No articles on this day</span></div>"]
    assert "Nothing matches these filters" in app.info[0].value
    app.slider(key="dates").set_value((dt.date(2022, 2, 26), dt.date(2022, 2, 26))).run()
    days = [m.value for m in app.markdown if "class='day'" in m.value]
    assert days == ["<div class='day'>Saturday 26 February 2022 </div>"]


def test_the_map_keeps_its_place_whatever_shows_above_it(app):
    """Streamlit rebuilds an element whose place in the page changes: the map would reload and flicker."""
    where = _map_position(app)
    app.slider(key="dates").set_value((dt.date(2022, 3, 1), dt.date(2022, 3, 1))).run()  # a day, and nothing
    assert "Nothing matches" in app.info[0].value and _map_position(app) == where
    app.slider(key="dates").set_value((dt.date(2022, 2, 26), dt.date(2022, 3, 17))).run()
    app.button(key="play").click().run()  # playing shows the day in large type
    assert any("class='day'" in m.value for m in app.markdown) and _map_position(app) == where


def test_a_search_with_no_result_says_so_and_clears(app):
    before = _summary(app)
    app.sidebar.text_input(key="q").set_value("zzyzx-nowhere").run()
    assert _summary(app).startswith("0 places") and "Nothing matches" in app.info[0].value
    app.button(key="clear_filters").click().run()
    assert app.sidebar.text_input(key="q").value == "" and _summary(app) == before


def test_table_regions_are_blank_not_none(app):
    assert app.dataframe[0].proto.placeholder == ""  # missing regions show empty, not "None"


# ---------------------------------------------------------------- a small store: outlets, articles, corrections


@pytest.fixture()
def small(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "small.duckdb"
    small_store(path)
    monkeypatch.setenv("DATELINE_DB", str(path))
    return path


@pytest.fixture()
def small_app(small) -> AppTest:
    return _started()


def test_an_outlet_filter(small_app):
    assert _summary(small_app).startswith("4 places · 6 mentions · 4 articles")
    small_app.sidebar.multiselect(key="outlets").set_value(["Kyiv Post"]).run()
    assert _summary(small_app).startswith("2 places · 2 mentions · 1 article")


def _open_tab(at: AppTest, label: str) -> None:
    """Switch tabs as a click does (only the open tab's content runs)."""
    at.session_state["tab"] = label
    at.run()


def test_only_the_open_tab_is_drawn(small_app):
    assert len(small_app.dataframe) == 1 and "place_key" not in str(small_app.dataframe[0].value.columns)
    _open_tab(small_app, "Articles")
    assert len(small_app.dataframe) == 1 and "title" in small_app.dataframe[0].value.columns


def test_the_articles_view_lists_stored_articles(small_app):
    _open_tab(small_app, "Articles")
    articles = small_app.dataframe[0].value
    assert list(articles["title"]) == ["Later", "Jokes", "Kyiv story", "<b>Undated</b>"]
    assert "Showing 4 stored articles" in " ".join(c.value for c in small_app.caption)


def _request(name: str, article_id: str, place_key: str | None, place: str | None, point=None) -> dict:
    start = TEXTS[article_id].index(name)
    return {"name": name, "article_id": article_id, "start": start, "place_key": place_key, "place": place,
            "point": point}  # fmt: skip


def _choose(at: AppTest, label_part: str) -> None:
    radio = at.radio(key="choose_place")
    label = next(option for option in radio.options if label_part in option)
    radio.set_value(SimpleNamespace(label=label)).run()


def test_wrong_place_moves_a_name_in_every_article_and_undo_moves_it_back(small, small_app):
    small_app.session_state["choose"] = _request("Kyiv", "a1", KYIV, "Kyiv", (50.45, 30.52))
    small_app.run()
    assert "is placed at <b>Kyiv</b>" in " ".join(m.value for m in small_app.markdown)
    small_app.text_input(key="choose_query").set_value("Lviv").run()
    _choose(small_app, "Lviv · city")
    small_app.button(key="choose_use").click().run()
    assert not small_app.exception
    _open_tab(small_app, "Corrections")
    places = StoreReader(Store(small)).places(Filters()).set_index("place_key")
    assert places.loc[LVIV, "mentions"] == 2 and places.loc[KYIV, "mentions"] == 1  # "Kiev" is another name
    listed = [m.value for m in small_app.markdown if "“Kyiv”: Kyiv →" in m.value]
    assert listed and "<b>Lviv</b> · this name in every article" in listed[0]
    small_app.button(key=f"undo-{Corrections(Store(small)).listed()['id'][0]}").click().run()
    assert StoreReader(Store(small)).places(Filters()).set_index("place_key").loc[KYIV, "mentions"] == 3
    assert Corrections(Store(small)).listed().empty


def test_a_narrow_correction_changes_one_mention_only(small, small_app):
    small_app.session_state["choose"] = _request("Kyiv", "a4", KYIV, "Kyiv", (50.45, 30.52))
    small_app.run()
    small_app.radio(key="choose_scope").set_value(Scope.MENTION)
    small_app.text_input(key="choose_query").set_value("Lviv").run()
    _choose(small_app, "Lviv · city")
    small_app.button(key="choose_use").click().run()
    (correction,) = Corrections(Store(small)).listed().to_dict("records")
    assert correction["scope"] == "mention" and correction["article_id"] == "a4"
    assert StoreReader(Store(small)).places(Filters()).set_index("place_key").loc[KYIV, "mentions"] == 2


def test_not_a_place_takes_a_name_off_the_map(small, small_app):
    small_app.session_state["choose"] = _request("Black Sea", "a3", BLACK_SEA, "Black Sea", (44.0, 35.0))
    small_app.run()
    small_app.button(key="choose_none").click().run()
    _open_tab(small_app, "Corrections")
    assert BLACK_SEA not in set(StoreReader(Store(small)).places(Filters())["place_key"])
    assert _summary(small_app).startswith("3 places · 5 mentions")
    assert any("→ <b>(not a place)</b>" in m.value for m in small_app.markdown)


def test_names_placed_nowhere_are_listed_with_a_way_to_place_them(small_app):
    _open_tab(small_app, "Corrections")
    listed = [m.value for m in small_app.markdown if "“Atlantis”" in m.value]
    assert listed == ["“Atlantis” · 1 mention in 1 article"]
    small_app.button(key="place-0").click().run()
    assert "“<b>Atlantis</b>” is placed nowhere." in " ".join(m.value for m in small_app.markdown)
    assert small_app.button(key="new_add").disabled  # no point clicked on the map yet


def test_a_basemap_that_cannot_be_used_is_reported(small, monkeypatch):
    monkeypatch.setenv("DATELINE_TILES", "/nowhere/region.pmtiles")
    data._basemap.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert "no tile file at /nowhere/region.pmtiles" in at.sidebar.warning[0].value
        assert not at.exception
    finally:
        monkeypatch.delenv("DATELINE_TILES")
        data._basemap.clear()


# ---------------------------------------------------------------- a place named in many articles


def test_a_place_in_many_articles_lists_a_page_of_sentences_and_shows_more_on_request(tmp_path, monkeypatch):
    path = tmp_path / "many.duckdb"
    parsed = []
    for day in range(data.SENTENCE_ARTICLES + 5):
        text = f"Report {day}: sirens sounded in Kyiv overnight."
        date = dt.date(2022, 3, 1) + dt.timedelta(days=day)
        article = Article(f"r{day}", f"r{day}.txt", text, f"Report {day}", date, False, None, None,
                          content_hash(f"Report {day}", date, text))  # fmt: skip
        start = text.index("Kyiv")
        mention = Mention("Kyiv", start, start + 4, 0.9, KYIV_PLACE, Match.NAME, 0, len(text))
        parsed.append(ParsedArticle(article, (mention,)))
    Store(path).ingest(parsed)
    monkeypatch.setenv("DATELINE_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = KYIV
    at.run()

    def listed() -> list[str]:
        return [m.value for m in at.markdown if "class='sentence'" in m.value]

    assert len(listed()) == data.SENTENCE_ARTICLES
    assert "Report 29" in "".join(listed()) and "Report 4<" not in "".join(listed())  # newest first
    assert f"the newest {data.SENTENCE_ARTICLES} of 30 articles" in " ".join(c.value for c in at.caption)
    at.button(key="more_sentences").click().run()
    assert not at.exception, at.exception
    assert len(listed()) == 30 and "Report 0<" in "".join(listed())
    assert not [b for b in at.button if b.key == "more_sentences"]  # nothing older to add
