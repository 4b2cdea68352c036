"""Store files written by older Dateline versions open, migrated in place, with nothing lost."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from gazetteer import Place
from geo.errors import StoreTooNew
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store.database import Store
from geo.store.queries import Filters, StoreReader
from geo.store.schema import SCHEMA_VERSION, migrated_id
from geo.store.texts import TEXT_PART

SCHEMA_1 = """
CREATE TABLE articles (id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, title VARCHAR, date DATE,
    date_estimated BOOLEAN NOT NULL, url VARCHAR, text VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL);
CREATE TABLE places (place_key VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, subkind VARCHAR,
    country_code VARCHAR, admin1 VARCHAR, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL, population BIGINT,
    geonameid BIGINT);
CREATE TABLE mentions (article_id VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text VARCHAR NOT NULL, score DOUBLE NOT NULL, match VARCHAR, place_key VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL, PRIMARY KEY (article_id, start));
"""
"""The store as the first Dateline wrote it (ids were file stems)."""

NOW = dt.datetime(2022, 3, 1, 12, 0)


def _schema_1_store(path: Path, articles: list[tuple[str, str, str]]) -> None:
    """(old id, source, text) rows, each mentioning Kharkiv at offset 0."""
    db = duckdb.connect(str(path))
    db.execute(SCHEMA_1)
    db.execute(
        "INSERT INTO places VALUES ('geonames:706483', 'Kharkiv', 'city', 'city', 'UA', 'Kharkiv', 49.98, 36.25,"
        " 1430885, 706483)"
    )
    for old_id, source, text in articles:
        db.execute(
            "INSERT INTO articles VALUES (?, ?, 'A title', DATE '2022-02-26', false, NULL, ?, ?, ?)",
            [old_id, source, text, f"hash-{old_id}", NOW],
        )
        db.execute(
            "INSERT INTO mentions VALUES (?, 0, 7, 'Kharkiv', 0.9, 'name', 'geonames:706483', 0, ?)",
            [old_id, len(text)],
        )
    db.close()


def test_a_schema_1_store_gets_new_ids_and_keeps_everything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "old.duckdb"
    _schema_1_store(
        path,
        [
            ("report", "news/report.txt", "Kharkiv was shelled again on Friday night."),
            ("feed-3", "feed.jsonl#3", "Kharkiv residents sheltered in the metro."),
            ("own-id", "feed.jsonl#4", "Kharkiv schools moved online."),
            ("up-1a2b3c4d", "upload: notes.md", "Kharkiv power was restored."),
            ("abs", str(tmp_path / "abs" / "story.txt"), "Kharkiv trams run again."),
        ],
    )
    messages: list[str] = []
    store = Store(path, on_message=messages.append)
    assert messages and "schema 4" in messages[0]
    assert store.counts() == {"articles": 5, "places": 1, "mentions": 5}
    for new_id in ("news/report.txt", "feed.jsonl#3", "feed.jsonl#own-id", "abs/story.txt"):
        article = store.article(new_id)
        assert article is not None and article["text"].startswith("Kharkiv"), new_id
    assert store.article("upload/hash-up-/notes.md") is not None
    assert store.sources("news/report.txt") == ["news/report.txt"]
    frame = store.mentions_frame()
    assert sorted(frame["article_id"]) == sorted(
        ["news/report.txt", "feed.jsonl#3", "feed.jsonl#own-id", "upload/hash-up-/notes.md", "abs/story.txt"]
    )
    assert Store(path, on_message=messages.append) and len(messages) == 1  # migrated once


SCHEMA_3_KEYS = {"mentions": "article_id, start", "place_articles": "place_key, article_id"}
"""The primary keys schema 3 (and 2) had on these tables, each also indexed by ``place_key``."""


def _back_to_schema_3(path: Path) -> None:
    """Give a current store the keys and place indexes schema 3 had on ``mentions`` and ``place_articles``."""
    db = duckdb.connect(str(path))
    for table, key in SCHEMA_3_KEYS.items():
        created = db.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]
        keyed = created.rstrip(");\n") + f", PRIMARY KEY ({key}));"
        db.execute(f"ALTER TABLE {table} RENAME TO {table}_flat")
        db.execute(keyed)
        db.execute(f"INSERT INTO {table} SELECT * FROM {table}_flat")
        db.execute(f"DROP TABLE {table}_flat")
        db.execute(f"CREATE INDEX {table}_place ON {table} (place_key)")
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.close()


def _article(article_id: str, text: str, date: dt.date | None = None) -> Article:
    """An article read from the file ``article_id``, titled "T"."""
    return Article(article_id, article_id, text, "T", date, False, None, None, content_hash("T", None, text))


def _back_to_schema_2(path: Path) -> None:
    """Turn a current store into the layout schema 2 had: keys as in schema 3, each text whole in ``articles.text``."""
    _back_to_schema_3(path)
    db = duckdb.connect(str(path))
    db.execute("ALTER TABLE articles ADD COLUMN text VARCHAR")
    db.execute(
        """
        UPDATE articles a SET text = t.text
        FROM (SELECT article_id, string_agg(text, '' ORDER BY part) AS text FROM article_texts GROUP BY article_id) t
        WHERE t.article_id = a.id
        """
    )
    db.execute("DROP TABLE article_texts")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.close()


def test_a_schema_2_store_gets_its_texts_in_parts_and_keeps_everything(tmp_path):
    path = tmp_path / "v2.duckdb"
    kharkiv = Place(
        1, "Kharkiv", "city", "city", "UA", "Kharkiv", "UA.07", 49.98, 36.25, 1430885, 706483, "geonames cities500"
    )
    parsed = []
    for number in range(3):
        text = f"Story {number}. " + "Ще одне речення 🇺🇦. " * (number * 30) + "Kharkiv was quiet at dawn. The end."
        start = text.index("Kharkiv")
        article = _article(f"n{number}.txt", text)
        sentence_end = text.index(" The end")
        parsed.append(ParsedArticle(article, (Mention("Kharkiv", start, start + 7, 0.9, kharkiv, "name", start,
                                                       sentence_end),)))  # fmt: skip
    store = Store(path)
    store.ingest(parsed)
    sentences = StoreReader(store).sentences("geonames:706483", Filters())
    assert len(parsed[2].article.text) > 3 * TEXT_PART and len(sentences) == 3
    _back_to_schema_2(path)

    messages: list[str] = []
    migrated = Store(path, on_message=messages.append)
    assert messages and "schema 4" in messages[0] and "texts in parts" in messages[0]
    assert {item.article.id: migrated.article(item.article.id)["text"] for item in parsed} == {
        item.article.id: item.article.text for item in parsed
    }
    assert StoreReader(migrated).sentences("geonames:706483", Filters()) == sentences
    with migrated.connection() as db:
        columns = {row[0] for row in db.execute("DESCRIBE articles").fetchall()}
    assert "text" not in columns and migrated.counts() == {"articles": 3, "places": 1, "mentions": 3}


def _keys_and_indexes(db: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    constraints = db.execute(
        "SELECT table_name, constraint_type FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    indexes = db.execute("SELECT table_name, index_name FROM duckdb_indexes()").fetchall()
    return {(table, kind) for table, kind in constraints + indexes if table in SCHEMA_3_KEYS}


def test_a_schema_3_store_loses_the_keys_and_indexes_of_its_big_tables_and_keeps_everything(tmp_path):
    path = tmp_path / "v3.duckdb"
    odesa = Place(
        2, "Odesa", "city", "city", "UA", "Odesa", "UA.17", 46.48, 30.73, 1015826, 698740, "geonames cities500"
    )
    parsed = []
    for number in range(4):
        text = f"Ferries left Odesa at {number} o'clock. Odesa port was busy."
        second = text.rindex("Odesa")
        article = _article(f"o{number}.txt", text, dt.date(2022, 3, 1 + number))
        parsed.append(ParsedArticle(article, (
            Mention("Odesa", 13, 18, 0.9, odesa, "name", 0, second - 1),
            Mention("Odesa", second, second + 5, 0.4, odesa, "name", second, len(text)),
        )))  # fmt: skip
    store = Store(path)
    store.ingest(parsed)
    reader = StoreReader(store)
    sentences = reader.sentences("geonames:698740", Filters())
    with store.connection() as db:
        assert _keys_and_indexes(db) == set()
        rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in SCHEMA_3_KEYS}
    _back_to_schema_3(path)
    with duckdb.connect(str(path)) as db:
        assert len(_keys_and_indexes(db)) == 4

    messages: list[str] = []
    migrated = Store(path, on_message=messages.append)
    assert messages and "schema 4" in messages[0] and "without an index" in messages[0]
    with migrated.connection() as db:
        assert _keys_and_indexes(db) == set()
        assert {table: db.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in SCHEMA_3_KEYS} == rows
    assert len(sentences) == 8 and StoreReader(migrated).sentences("geonames:698740", Filters()) == sentences
    text = "Odesa port was closed."
    rewritten = _article(parsed[0].article.id, text, parsed[0].article.date)
    migrated.ingest([ParsedArticle(rewritten, (Mention("Odesa", 0, 5, 0.9, odesa, "name", 0, len(text)),))])
    assert migrated.counts() == {"articles": 4, "places": 1, "mentions": 7}


def test_a_migration_that_fails_leaves_the_old_store_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    _schema_1_store(path, [("report", "news/report.txt", "Kharkiv was shelled.")])

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("geo.store.schema.insert_terms", broken)
    with pytest.raises(OSError, match="disk full"):
        Store(path)
    db = duckdb.connect(str(path))
    assert db.execute("SELECT id FROM articles").fetchall() == [("report",)]
    assert {row[0] for row in db.execute("SELECT table_name FROM information_schema.tables").fetchall()} == {
        "articles",
        "places",
        "mentions",
    }
    db.close()
    monkeypatch.undo()
    assert Store(path).article("news/report.txt") is not None


def test_a_store_from_a_newer_dateline_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path)
    db = duckdb.connect(str(path))
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    db.close()
    with pytest.raises(StoreTooNew, match="newer Dateline"):
        Store(path)


def test_migrated_ids_follow_the_id_rule(tmp_path):
    assert migrated_id("a", "seeds/a.txt", "ff" * 32, tmp_path) == "seeds/a.txt"
    assert migrated_id("corpus-7", "corpus.jsonl#7", "ff" * 32, tmp_path) == "corpus.jsonl#7"
    assert migrated_id("x9", "corpus.jsonl#7", "ff" * 32, tmp_path) == "corpus.jsonl#x9"
    assert migrated_id("n-0123abcd", "upload: n.txt", "0123abcd" + "0" * 56, tmp_path) == "upload/0123abcd/n.txt"
    outside = Path(os.path.relpath("/elsewhere/x.txt", tmp_path)).as_posix()
    assert migrated_id("x", "/elsewhere/x.txt", "ff" * 32, tmp_path) == outside
