"""A small store written through the real ``Store.ingest``: four articles, five places, an undated one,
two outlets, one name no place fits; shared by the query and view tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gazetteer import Match, Place
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store.database import Store

FEB_26, MARCH_1 = dt.date(2022, 2, 26), dt.date(2022, 3, 1)
KYIV_PLACE = Place(1, "Kyiv", "city", "capital", "UA", "Kyiv", "UA.12", 50.45, 30.52, 2_952_301, 703448, "geonames")
KHARKIV_PLACE = Place(
    2, "Kharkiv", "city", "city", "UA", "Kharkiv", "UA.07", 49.98, 36.25, 1_430_885, 706483, "geonames"
)
RUSSIA_PLACE = Place(3, "Russia", "country", "country", "RU", None, None, 60.0, 100.0, 140_702_000, 2017370, "geonames")
SEA_PLACE = Place(4, "Black Sea", "feature", "sea", None, None, None, 44.0, 35.0, 0, None, "features.tsv")
KYIV, KHARKIV, RUSSIA = "geonames:703448", "geonames:706483", "geonames:2017370"
BLACK_SEA = "features.tsv:feature:Black Sea"

TEXTS = {
    "a1": "Kyiv was shelled. And Kharkiv too, said officials.",
    "a2": "Near Kiev, troops from Russia advanced today.",
    "a3": "Black Sea <script>alert(1)</script> ships.",
    "a4": "Atlantis sank again, Kyiv papers joked.",
}


def _article(article_id: str, title: str, date: dt.date | None, outlet: str) -> Article:
    text = TEXTS[article_id]
    return Article(
        article_id,
        f"{article_id}.txt",
        text,
        title,
        date,
        False,
        None,
        None,
        content_hash(title, date, text),
        outlet=outlet,
    )


def _mention(text: str, article_id: str, score: float, place: Place | None) -> Mention:
    start = TEXTS[article_id].index(text)
    sentence_end = TEXTS[article_id].find(".", start) + 1
    sentence_start = TEXTS[article_id].rfind(". ", 0, start) + 2 if ". " in TEXTS[article_id][:start] else 0
    return Mention(
        text, start, start + len(text), score, place, Match.NAME if place else None, sentence_start, sentence_end
    )


def small_store(path: Path) -> Store:
    store = Store(path)
    store.ingest(
        [
            ParsedArticle(
                _article("a1", "Kyiv story", FEB_26, "Kyiv Post"),
                (_mention("Kyiv", "a1", 0.9, KYIV_PLACE), _mention("Kharkiv", "a1", 0.8, KHARKIV_PLACE)),
            ),
            ParsedArticle(
                _article("a2", "Later", MARCH_1, "Wire"),
                (_mention("Kiev", "a2", 0.7, KYIV_PLACE), _mention("Russia", "a2", 0.95, RUSSIA_PLACE)),
            ),
            ParsedArticle(
                _article("a3", "<b>Undated</b>", None, "Wire"), (_mention("Black Sea", "a3", 0.5, SEA_PLACE),)
            ),
            ParsedArticle(
                _article("a4", "Jokes", MARCH_1, "Wire"),
                (_mention("Atlantis", "a4", 0.3, None), _mention("Kyiv", "a4", 0.6, KYIV_PLACE)),
            ),
        ]
    )
    return store
