"""The dashboard's queries on a real store file: filters in SQL, aggregates out."""

from __future__ import annotations

import datetime as dt

import pytest
from store_fixture import BLACK_SEA, FEB_26, KHARKIV, KYIV, MARCH_1, RUSSIA, small_store

from geo.records import Article, ParsedArticle, content_hash
from geo.store.frames import EXPORT_COLUMNS, PLACES_FRAME
from geo.store.queries import Filters, StoreReader


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> StoreReader:
    return StoreReader(small_store(tmp_path_factory.mktemp("q") / "s.duckdb"))


def _counts(reader: StoreReader, filters: Filters) -> dict[str, tuple[int, int]]:
    places = reader.places(filters)
    return {key: (m, a) for key, m, a in zip(places["place_key"], places["mentions"], places["articles"])}


def test_overview(reader):
    overview = reader.overview()
    assert (overview.first_date, overview.last_date) == (FEB_26, MARCH_1)
    assert overview.undated_articles == 1 and overview.articles == 4 and overview.mentions == 6
    assert set(overview.outlets) == {"Kyiv Post", "Wire"}


def test_places_count_mentions_and_articles(reader):
    places = reader.places(Filters())
    assert tuple(places.columns) == PLACES_FRAME
    assert _counts(reader, Filters()) == {KYIV: (3, 3), KHARKIV: (1, 1), RUSSIA: (1, 1), BLACK_SEA: (1, 1)}
    assert places.iloc[0]["place_key"] == KYIV and places.iloc[0]["last_date"].date() == MARCH_1


def test_dates_and_undated(reader):
    first_day = Filters(FEB_26, FEB_26, include_undated=False)
    assert set(_counts(reader, first_day)) == {KYIV, KHARKIV}
    assert set(_counts(reader, Filters(FEB_26, FEB_26, include_undated=True))) == {KYIV, KHARKIV, BLACK_SEA}
    assert reader.article_count(first_day) == 1


def test_kinds_and_confidence_steps(reader):
    assert set(_counts(reader, Filters(kinds=("country", "feature")))) == {RUSSIA, BLACK_SEA}
    assert _counts(reader, Filters(min_score=0.7)) == {KYIV: (2, 2), KHARKIV: (1, 1), RUSSIA: (1, 1)}
    assert _counts(reader, Filters(min_score=0.75))[KYIV] == (1, 1)
    assert _counts(reader, Filters(min_score=0.9)) == {KYIV: (1, 1), RUSSIA: (1, 1)}


def test_search_finds_words_of_the_text_and_title_and_place_names(reader):
    assert set(_counts(reader, Filters(query="troops"))) == {KYIV, RUSSIA}
    assert set(_counts(reader, Filters(query="TROOPS advanced"))) == {KYIV, RUSSIA}
    assert set(_counts(reader, Filters(query="troops officials"))) == set()
    assert set(_counts(reader, Filters(query="kharkiv"))) == {KYIV, KHARKIV}
    assert set(_counts(reader, Filters(query="black se"))) == {BLACK_SEA}
    assert set(_counts(reader, Filters(query="jokes"))) == {KYIV}
    assert _counts(reader, Filters(query="100%_")) == {}


def test_outlets(reader):
    assert set(_counts(reader, Filters(outlets=("Kyiv Post",)))) == {KYIV, KHARKIV}


def test_timeline_follows_every_filter_but_the_dates(reader):
    days = reader.timeline(Filters(FEB_26, FEB_26, kinds=("city",)))
    assert list(zip(days["date"].dt.date, days["mentions"])) == [(FEB_26, 2), (MARCH_1, 2)]
    assert list(reader.timeline(Filters(min_score=0.9))["mentions"]) == [1, 1]


def test_sentences_newest_first_with_spans(reader):
    items = reader.sentences(KYIV, Filters())
    assert [i["article_id"] for i in items] == ["a2", "a4", "a1"]
    assert items[0]["sentence"] == "Near Kiev, troops from Russia advanced today."
    assert items[0]["spans"] == [(5, 9)] and items[0]["outlet"] == "Wire"
    assert [i["article_id"] for i in reader.sentences(KYIV, Filters(min_score=0.8))] == ["a1"]
    assert reader.sentences(KYIV, Filters(), limit=1)[0]["article_id"] == "a2"


def test_an_article_with_its_mentions_and_sources(reader):
    article = reader.article("a4")
    assert article["text"].startswith("Atlantis") and article["sources"] == ["a4.txt"]
    assert list(article["mentions"]["text"]) == ["Atlantis", "Kyiv"]
    assert article["mentions"]["place_key"].isna().tolist() == [True, False]
    assert reader.article("missing") is None


def test_export_rows_follow_the_filters(reader):
    frames = list(reader.export_rows(Filters(min_score=0.7)))
    rows = [row for frame in frames for row in frame.itertuples(index=False)]
    assert tuple(frames[0].columns) == EXPORT_COLUMNS
    assert sorted(r.text for r in rows) == ["Kharkiv", "Kiev", "Kyiv", "Russia"]
    assert {r.source for r in rows} == {"a1.txt", "a2.txt"}


def test_dates_change_with_set_dates(tmp_path):
    store = small_store(tmp_path / "s.duckdb")
    store.set_dates([("a3", dt.date(2022, 3, 5), True)])
    reader = StoreReader(store)
    assert reader.overview().undated_articles == 0 and reader.overview().last_date == dt.date(2022, 3, 5)
    assert set(_counts(reader, Filters(dt.date(2022, 3, 5), dt.date(2022, 3, 5), include_undated=False))) == {
        BLACK_SEA
    }


def test_places_carry_the_top_confidence_of_their_mentions(reader):
    places = reader.places(Filters())
    confidence = dict(zip(places["place_key"], places["confidence"]))
    assert confidence[KYIV] == pytest.approx(0.9) and confidence[BLACK_SEA] == pytest.approx(0.5)
    first_day = reader.places(Filters(FEB_26, FEB_26, include_undated=False)).set_index("place_key")
    assert first_day.loc[KHARKIV, "confidence"] == pytest.approx(0.8)


def test_articles_are_listed_newest_first_with_their_places_and_notes(tmp_path):
    store = small_store(tmp_path / "s.duckdb")
    german = Article(
        "de1", "de1.txt", "Berlin ist groß.", "Auf Deutsch", MARCH_1, False, None, None,
        content_hash("Auf Deutsch", MARCH_1, "Berlin ist groß."),
    )  # fmt: skip
    store.ingest([ParsedArticle(german, (), note="language 'de' not supported yet")])
    listed = StoreReader(store).articles()
    assert list(listed["article_id"]) == ["a2", "a4", "de1", "a1", "a3"]
    rows = listed.set_index("article_id")
    assert rows.loc["a2", "place_names"] == "Kyiv, Russia" and rows.loc["a2", "places"] == 2
    assert rows.loc["a4", "mentions"] == 1 and rows.loc["a4", "outlet"] == "Wire"
    assert rows.loc["de1", "places"] == 0 and rows.loc["de1", "note"] == "language 'de' not supported yet"
    assert list(StoreReader(store).articles(limit=1)["article_id"]) == ["a2"]
    assert StoreReader(store).overview().unparsed == {"language 'de' not supported yet": 1}
