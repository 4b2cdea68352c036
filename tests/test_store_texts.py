"""Article texts stored in parts: joined back exactly, sentences read across part boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from gazetteer import Place
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store import database
from geo.store.database import Store
from geo.store.queries import Filters, StoreReader
from geo.store.texts import TEXT_PART, joined_texts, sentence_parts, text_rows

LVIV = Place(1, "Lviv", "city", "city", "UA", "Lviv", "UA.15", 49.84, 24.02, 717803, 702550, "geonames cities500")


def _article_with_sentence_at(offset: int) -> tuple[ParsedArticle, str]:
    """A text whose sentence naming Lviv starts ``offset`` characters in; the sentence has letters
    outside the Basic Multilingual Plane, which are one character each in both Python and DuckDB."""
    sentence = "Trains from Lviv 🚆 carried 🇺🇦 families west."
    filler = "é" * (offset - 1) + " " if offset else ""
    text = filler + sentence + " The end."
    start = offset + sentence.index("Lviv")
    article = Article("a", "a.txt", text, "Title", None, False, None, None, content_hash("Title", None, text))
    mention = Mention("Lviv", start, start + 4, 0.9, LVIV, "name", offset, offset + len(sentence))
    return ParsedArticle(article, (mention,)), sentence


@pytest.mark.parametrize("length", [0, 1, TEXT_PART - 1, TEXT_PART, TEXT_PART + 1, 5 * TEXT_PART + 7])
def test_parts_join_back_to_the_text(length):
    text = ("Київ 🇺🇦 " * length)[:length]
    rows = text_rows("x", text)
    assert "".join(part for _, _, part in rows) == text
    assert [number for _, number, _ in rows] == list(range(len(rows))) and len(rows) >= 1
    assert all(len(part) <= TEXT_PART for _, _, part in rows)


def test_sentence_parts_cover_the_sentence():
    assert sentence_parts(0, 1) == (0, 0)
    assert sentence_parts(TEXT_PART - 1, TEXT_PART + 1) == (0, 1)
    assert sentence_parts(TEXT_PART, 2 * TEXT_PART) == (1, 1)
    assert sentence_parts(7, 7) == (0, 0)


@pytest.mark.parametrize("offset", [0, TEXT_PART - 20, TEXT_PART - 1, TEXT_PART, 3 * TEXT_PART + 5])
def test_a_sentence_is_read_whole_wherever_the_parts_cut_it(tmp_path, offset):
    parsed, sentence = _article_with_sentence_at(offset)
    store = Store(tmp_path / "s.duckdb")
    store.ingest([parsed])
    assert store.article("a")["text"] == parsed.article.text
    found = StoreReader(store).sentences("geonames:702550", Filters())
    assert [item["sentence"] for item in found] == [sentence]
    start = found[0]["spans"][0][0]
    assert found[0]["sentence"][start : start + 4] == "Lviv"


def test_removing_or_replacing_an_article_removes_its_old_parts(tmp_path):
    parsed, _ = _article_with_sentence_at(2 * TEXT_PART)
    store = Store(tmp_path / "s.duckdb")
    store.ingest([parsed])
    shorter, _ = _article_with_sentence_at(0)
    store.ingest([shorter])
    assert store.article("a")["text"] == shorter.article.text
    with store.connection() as db:
        parts = db.execute("SELECT count(*) FROM article_texts").fetchone()[0]
    assert parts == len(text_rows("a", shorter.article.text))
    store.remove(["a"])
    with store.connection() as db:
        assert db.execute("SELECT count(*) FROM article_texts").fetchone()[0] == 0


def test_parts_in_storage_order_join_into_texts_and_a_run_without_its_start_is_left_out():
    rows = [("a", 3, "tail of an article read from its middle"), ("b", 0, "Kyiv "), ("b", 1, "and Lviv")]
    rows += [("c", 0, "Odesa")] + text_rows("d", "Київ 🇺🇦 " * 40)
    texts = dict(joined_texts(rows))
    assert texts == {"b": "Kyiv and Lviv", "c": "Odesa", "d": "Київ 🇺🇦 " * 40}


def _parsed(article_id: str, text: str, date: dt.date | None) -> ParsedArticle:
    title = f"About {article_id}"
    return ParsedArticle(
        Article(article_id, f"{article_id}.txt", text, title, date, False, None, None, content_hash(title, date, text)),
        (),
    )


def test_undated_texts_are_read_whole_across_windows_of_rows(tmp_path, monkeypatch):
    """Windows of three rows cut most texts (1 to 9 parts each); a replaced article leaves a gap of
    deleted rows and is stored again at the end."""
    monkeypatch.setattr(database, "TEXT_WINDOW", 3)
    store = Store(tmp_path / "s.duckdb")
    texts = {f"u{n}": f"Undated report {n} from Kharkiv. " * (4 * n + 1) for n in range(6)}
    store.ingest([_parsed(article_id, text, None) for article_id, text in texts.items()])
    store.ingest([_parsed("dated", "Dated report from Lviv. " * 20, dt.date(2022, 3, 1))])
    texts["u2"] = "A corrected report from Kharkiv, longer than it was. " * 9
    store.ingest([_parsed("u2", texts["u2"], None)])
    with store.connection() as db:
        assert db.execute("SELECT max(part) FROM article_texts").fetchone()[0] >= 8
    assert dict(store.undated()) == texts
