"""The store's tables, and the migrations that bring an older store file up to date.

Tables (version 4):

- ``articles``: one row per stored article: its title, date, outlet, language, a ``note`` when it
  was stored unparsed (a language not supported yet), and how many of its mentions are mapped
  (``mapped``: the dashboard's unfiltered counts and timeline read it alone).
- ``article_texts``: each article's cleaned text, in parts of a few hundred characters, one row a
  part (why, and how to read them: ``geo.store.texts``).
- ``article_sources``: every place an article was read from: its own id, plus any other file or
  row with the same content ("same content under two names is one article with both sources").
- ``places``: the gazetteer places that mentions point to, keyed by ``place_key``.
- ``mentions``: one row per recognised name, with its folded ``name_key``: the place, score and
  match in effect (``place_key`` NULL for a name no place fits, or that a reader marked "not a
  place"), and the parser's own answer (``parsed_*``) that corrections are applied over, so undoing
  one is exact.
- ``corrections``: a reader's fixes: a name (in every article, in one article, or one mention) to
  another place, or to none ("not a place"); applied at once and by every later write.
- ``user_places``: places a reader added for names the gazetteer lacks (also in ``places``).
- ``place_articles``: one row per (place, article): the article's date and outlet, the place's
  kind, the article's mentions of the place, the highest confidence step they reach and how many
  reach each step; the dashboard's map, table, counts and timeline are sums over it (maintained
  with every write). Neither it nor ``mentions`` has a key or an index (``UNINDEXED`` says why).
- ``article_terms``: the search index: one row per (folded word hash, article).
- ``meta``: the schema version, and the generation (a counter every write transaction raises).

Everything is created, or migrated, in one transaction: a store killed halfway through is left
as it was before.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from gazetteer.normalize import name_key
from geo.chunks import chunked
from geo.errors import StoreTooNew
from geo.store.terms import term_array, terms
from geo.store.texts import insert_texts

__all__ = [
    "MAPPED_OF",
    "NEXT_GENERATION",
    "PLACE_ARTICLES_OF",
    "SCHEMA_VERSION",
    "SCORE_STEPS",
    "create_or_migrate",
    "insert_terms",
    "migrated_id",
    "score_step",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4
MIGRATION_BATCH = 500
"""Articles whose texts are split (and words indexed) at a time while migrating: texts are read a
batch at a time."""
SCORE_STEPS = 20
"""Confidence steps of ``place_articles.score_counts`` (0, 0.05, ..., 1): the dashboard's
confidence slider moves in these steps, so mention counts at any of its positions are exact."""
UNINDEXED = ("mentions", "place_articles")
"""The big tables, kept without a key or an index (schema 4). DuckDB makes every update of an
indexed column a delete and an insert, and writes a table's indexes again at every checkpoint: at
a million mentions, a correction of a name in every article took 3.6 s with them and 0.70 s
without, and the store file was 490 against 203 MB (``benchmarks/dashboard.py``). The writer keeps
(article, start) unique itself (an article's rows are deleted before it is written again), and
one place's rows are a scan of milliseconds (its sentences: 0.06 s either way)."""
_DROPPED_INDEXES = ("mentions_place", "place_articles_place")
"""The place indexes schema 3 had on the tables in ``UNINDEXED``."""

TABLES = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    title VARCHAR,
    date DATE,
    date_estimated BOOLEAN NOT NULL,
    url VARCHAR,
    outlet VARCHAR,
    author VARCHAR,
    language VARCHAR,
    encoding VARCHAR,
    note VARCHAR,
    mapped INTEGER NOT NULL DEFAULT 0,
    content_hash VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS article_texts (article_id VARCHAR NOT NULL, part INTEGER NOT NULL, text VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS article_sources (
    source_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS places (
    place_key VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    subkind VARCHAR,
    country_code VARCHAR,
    admin1 VARCHAR,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    population BIGINT,
    geonameid BIGINT
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    match VARCHAR,
    place_key VARCHAR,
    parsed_score DOUBLE NOT NULL,
    parsed_match VARCHAR,
    parsed_place_key VARCHAR,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS place_articles (
    place_key VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    date DATE,
    outlet VARCHAR,
    kind VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,
    top_step TINYINT NOT NULL,
    score_counts INTEGER[] NOT NULL
);
CREATE TABLE IF NOT EXISTS article_terms (term BIGINT NOT NULL, article_id VARCHAR NOT NULL);
CREATE SEQUENCE IF NOT EXISTS correction_ids;
CREATE TABLE IF NOT EXISTS corrections (
    id BIGINT PRIMARY KEY DEFAULT nextval('correction_ids'),
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    scope VARCHAR NOT NULL CHECK (scope IN ('name', 'article', 'mention')),
    article_id VARCHAR,
    start INTEGER,
    from_place_key VARCHAR,
    to_place_key VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS user_places (
    place_key VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    country_code VARCHAR,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
"""


def score_step(score: float) -> int:
    """The highest confidence step a score reaches (0..SCORE_STEPS)."""
    return max(0, min(SCORE_STEPS, int(score * SCORE_STEPS + 1e-9)))


PLACE_ARTICLES_OF = f"""
INSERT INTO place_articles
SELECT m.place_key, m.article_id, any_value(a.date), any_value(a.outlet), any_value(p.kind), count(*),
       max(floor(m.score * {SCORE_STEPS} + 1e-9))::TINYINT,
       [{", ".join(f"count_if(floor(m.score * {SCORE_STEPS} + 1e-9) >= {k})" for k in range(SCORE_STEPS + 1))}]
FROM mentions m
JOIN articles a ON a.id = m.article_id
JOIN places p ON p.place_key = m.place_key
WHERE list_contains(?, m.article_id)
GROUP BY m.place_key, m.article_id
"""
"""Fills ``place_articles`` for the articles whose ids are the parameter (their mentions stored)."""
NEXT_GENERATION = "UPDATE meta SET value = (value::BIGINT + 1)::VARCHAR WHERE key = 'generation'"
"""Marks a write: run in every write transaction, so readers' caches keyed by the generation refresh."""
MAPPED_OF = """
UPDATE articles a SET mapped = (SELECT count(*) FROM mentions m WHERE m.article_id = a.id AND m.place_key IS NOT NULL)
WHERE list_contains(?, a.id)
"""
"""Sets ``articles.mapped`` for the articles whose ids are the parameter."""


def create_or_migrate(db: duckdb.DuckDBPyConnection, *, on_message: Callable[[str], None] | None = None) -> None:
    """Create the tables of an empty store, or bring an older one to ``SCHEMA_VERSION``, atomically."""
    found = db.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()")
    tables = {row[0] for row in found.fetchall()}
    version = _version(db, tables)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"the store was written by a newer Dateline (schema {version}; this one reads {SCHEMA_VERSION})"
        )
    db.execute("BEGIN TRANSACTION")
    try:
        if version in _MIGRATIONS:
            changes, migrate = _MIGRATIONS[version]
            message = f"Migrating the store to schema {SCHEMA_VERSION} ({changes}); nothing is lost"
            logger.info(message)
            if on_message is not None:
                on_message(message)
            migrate(db)
        db.execute(TABLES)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _version(db: duckdb.DuckDBPyConnection, tables: set[str]) -> int:
    """0 for an empty file, 1 for a store written before versions were recorded."""
    if "meta" in tables:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0
    return 1 if "articles" in tables else 0


_OLD_ROW_ID = re.compile(r"^(?P<path>.+)#(?P<row>\d+)$")
_UPLOAD = "upload: "


def migrated_id(old_id: str, source: str, content_hash: str, cwd: Path) -> str:
    """The id an article stored under schema 1 gets under the id rule of schema 2.

    Schema 1 ids were file stems ("report", "corpus-17" for row 17, a row's own id); schema 2
    ids are the path the article was read from, relative to the ingest root (the working
    directory), plus "#" and the row's own id or number; an upload is "upload/<hash>/<name>".
    """
    if source.startswith(_UPLOAD):
        name = source[len(_UPLOAD) :]
        return f"upload/{content_hash[:8]}/{name}"
    row = _OLD_ROW_ID.match(source)
    path, number = (row["path"], row["row"]) if row else (source, None)
    relative = Path(os.path.relpath(path, cwd)) if os.path.isabs(path) else Path(path)
    new_id = relative.as_posix()
    if number is None:
        return new_id
    own_id = old_id if old_id != f"{Path(path).stem}-{number}" else number
    return f"{new_id}#{own_id}"


def _from_v1(db: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 -> 4: new ids, new article columns, texts in parts, nullable place keys, the derived tables."""
    cwd = Path.cwd()
    rows = db.execute("SELECT id, source, content_hash FROM articles").fetchall()
    seen: set[str] = set()
    mapping = []
    for old_id, source, content_hash in rows:
        new_id = migrated_id(old_id, source, content_hash, cwd)
        while new_id in seen:
            new_id += "~"
        seen.add(new_id)
        mapping.append((old_id, new_id))
    id_map = pd.DataFrame(mapping, columns=["old_id", "new_id"])
    db.register("id_map", id_map)
    try:
        db.execute("ALTER TABLE articles RENAME TO articles_v1")
        db.execute("ALTER TABLE mentions RENAME TO mentions_v1")
        db.execute(TABLES)
        db.execute(
            """
            INSERT INTO articles
            SELECT i.new_id, a.source, a.title, a.date, a.date_estimated, a.url, NULL, NULL, NULL, NULL, NULL, 0,
                   a.content_hash, a.ingested_at
            FROM articles_v1 a JOIN id_map i ON i.old_id = a.id
            """
        )
        db.execute(
            """
            INSERT INTO mentions
            SELECT i.new_id, m.start, m."end", m.text, '', m.score, m.match, m.place_key, m.score, m.match,
                   m.place_key, m.sentence_start, m.sentence_end
            FROM mentions_v1 m JOIN id_map i ON i.old_id = m.article_id
            """
        )
        db.execute("INSERT INTO article_sources SELECT id, id, source, ingested_at FROM articles")
        db.execute("DROP TABLE mentions_v1")
        names = db.execute("SELECT DISTINCT text FROM mentions").fetchall()
        keys = pd.DataFrame([(text, name_key(text)) for (text,) in names], columns=["text", "name_key"])
        db.register("name_keys", keys)
        db.execute("UPDATE mentions m SET name_key = k.name_key FROM name_keys k WHERE k.text = m.text")
        db.unregister("name_keys")
        ids = [new_id for _, new_id in mapping]
        renamed = "(SELECT i.new_id AS id, a.title, a.text FROM articles_v1 a JOIN id_map i ON i.old_id = a.id)"
        _split_texts(db, renamed, ids, index_words=True)
        db.execute("DROP TABLE articles_v1")
    finally:
        db.unregister("id_map")
    db.execute(PLACE_ARTICLES_OF, [ids])
    db.execute(MAPPED_OF, [ids])


def _from_v2(db: duckdb.DuckDBPyConnection) -> None:
    """Schema 2 -> 4: article texts move from ``articles.text`` to ``article_texts``; then as from 3."""
    db.execute(TABLES)
    ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    _split_texts(db, "articles", ids, index_words=False)
    db.execute("ALTER TABLE articles DROP COLUMN text")
    _from_v3(db)


def _from_v3(db: duckdb.DuckDBPyConnection) -> None:
    """Schema 3 -> 4: ``mentions`` and ``place_articles`` lose their keys and place indexes (see
    ``UNINDEXED``), rows copied over unchanged. DuckDB drops a key only with its table."""
    for index in _DROPPED_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {index}")
    for table in UNINDEXED:
        db.execute(f"ALTER TABLE {table} RENAME TO {table}_v3")
    db.execute(TABLES)
    for table in UNINDEXED:
        db.execute(f"INSERT INTO {table} SELECT * FROM {table}_v3")
        db.execute(f"DROP TABLE {table}_v3")


def _split_texts(db: duckdb.DuckDBPyConnection, relation: str, ids: list[str], *, index_words: bool) -> None:
    """Write the texts of ``relation`` (rows of id, title, text) into ``article_texts``, a batch of
    articles at a time, indexing their words too when asked."""
    for chunk in chunked(ids, MIGRATION_BATCH):
        found = db.execute(f"SELECT id, title, text FROM {relation} WHERE list_contains(?, id)", [chunk]).fetchall()
        insert_texts(db, {article_id: text for article_id, _, text in found})
        if index_words:
            insert_terms(db, {article_id: term_array(terms(title, text)) for article_id, title, text in found})


_MIGRATIONS: dict[int, tuple[str, Callable[[duckdb.DuckDBPyConnection], None]]] = {
    1: ("unique article ids, search index, article texts in parts", _from_v1),
    2: ("article texts in parts, mentions without an index", _from_v2),
    3: ("mentions without an index", _from_v3),
}
"""For each older schema version: what migrating it changes, and the migration to the current one."""


def insert_terms(db: duckdb.DuckDBPyConnection, hashes: dict[str, np.ndarray]) -> None:
    """Add articles' words to the search index: their ``term_array`` by article id."""
    counts = [len(found) for found in hashes.values()]
    if sum(counts):
        ids = np.array(list(hashes), dtype=object)
        frame = pd.DataFrame({"term": np.concatenate(list(hashes.values())), "article_id": np.repeat(ids, counts)})
        db.register("incoming_terms", frame)
        try:
            db.execute("INSERT INTO article_terms SELECT term, article_id FROM incoming_terms")
        finally:
            db.unregister("incoming_terms")
