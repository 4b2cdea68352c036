"""The dashboard's widgets, run headless with Streamlit's AppTest on a real store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from geo.input.read import read_articles, read_inputs
from geo.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
SEED_003 = ROOT / "seeds" / "003_1de4da174fe004ff.txt"


@pytest.fixture()
def store(tmp_path, seed_store, monkeypatch) -> Path:
    path = tmp_path / "dateline.duckdb"
    shutil.copy(seed_store, path)
    monkeypatch.setenv("DATELINE_DB", str(path))
    return path


@pytest.fixture()
def app(store) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _summary(at: AppTest) -> str:
    return next(c.value for c in at.caption if "places ·" in c.value)


def _map_args(at: AppTest) -> dict:
    component = next(e for e in at.main if getattr(e, "type", "") == "component_instance" or "folium" in str(type(e)))
    return json.loads(component.proto.json_args)


def _expected_summary(store: Path) -> str:
    mentions = Store(store).mentions_frame()
    return f"{mentions['place_key'].nunique()} places · {len(mentions)} mentions · 5 articles"


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
    assert "1 articles" in _summary(app)


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
    assert "1 articles" in summary


def test_minimum_confidence_filter(app):
    before = int(_summary(app).split(" mentions")[0].split("· ")[-1])
    app.sidebar.slider(key="min_score").set_value(0.85).run()
    after = int(_summary(app).split(" mentions")[0].split("· ")[-1])
    assert 0 < after < before


def test_undated_articles_are_counted_and_can_be_left_out(store, monkeypatch):
    (article,) = read_inputs([SEED_003])
    Store(store).set_dates([(article.id, None, False)])
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert at.sidebar.checkbox(key="undated").label == "Include undated articles (1)"
    assert "1 undated articles" in _summary(at)
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
