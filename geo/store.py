"""The store: articles, places and mentions in one DuckDB file.

Idempotent: an article is identified by its id; ingesting it again with the same content hash
changes nothing, with a different one replaces its row and all its mentions. Every article is
written in its own transaction, so an interrupted run leaves each article either wholly old or
wholly new, and nothing already stored is lost. Connections are short-lived so the dashboard and
a command-line ingest can take turns on the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from gazetteer import Place
from geo.parse import ParsedArticle

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    title VARCHAR,
    date DATE,
    date_estimated BOOLEAN NOT NULL,
    url VARCHAR,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL
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
    score DOUBLE NOT NULL,
    match VARCHAR,
    place_key VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    PRIMARY KEY (article_id, start)
);
"""


def place_key(place: Place) -> str:
    """A key that survives gazetteer rebuilds: the GeoNames id, else the curated feature's name."""
    if place.geonameid is not None:
        return f"geonames:{place.geonameid}"
    return f"{place.source}:{place.kind}:{place.name}"


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, article by article."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    mentions: int = 0

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.replaced)} replaced (changed)",
            f"{len(self.unchanged)} unchanged (already stored)",
            f"{len(self.duplicates)} skipped as duplicates of stored articles",
        ]
        return ", ".join(parts) + f"; {self.mentions} place mentions written"


class Store:
    """A DuckDB file of articles, places and mentions."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if read_only and not self.path.exists():
            raise FileNotFoundError(self.path)
        db = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield db
        finally:
            db.close()

    def ingest(self, parsed: Iterable[ParsedArticle], report: IngestReport | None = None) -> IngestReport:
        """Store parsed articles, one transaction each; see the module docstring for the rules."""
        report = report or IngestReport()
        with self._connect() as db:
            for item in parsed:
                self._ingest_one(db, item, report)
        return report

    def _ingest_one(self, db: duckdb.DuckDBPyConnection, item: ParsedArticle, report: IngestReport) -> None:
        article = item.article
        stored = db.execute("SELECT content_hash FROM articles WHERE id = ?", [article.id]).fetchone()
        if stored and stored[0] == article.content_hash:
            report.unchanged.append(article.id)
            return
        if stored is None:
            twin = db.execute(
                "SELECT id FROM articles WHERE content_hash = ? LIMIT 1", [article.content_hash]
            ).fetchone()
            if twin:
                report.duplicates.append((article.id, twin[0]))
                return
        db.execute("BEGIN TRANSACTION")
        try:
            db.execute("DELETE FROM mentions WHERE article_id = ?", [article.id])
            db.execute("DELETE FROM articles WHERE id = ?", [article.id])
            db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    article.id,
                    article.source,
                    article.title,
                    article.date,
                    article.date_estimated,
                    article.url,
                    article.text,
                    article.content_hash,
                    dt.datetime.now(),
                ],
            )
            rows, places = [], {}
            for mention in item.mentions:
                if mention.place is None:
                    continue
                key = place_key(mention.place)
                places[key] = mention.place
                rows.append(
                    [
                        article.id,
                        mention.start,
                        mention.end,
                        mention.text,
                        mention.score,
                        mention.match,
                        key,
                        mention.sentence_start,
                        mention.sentence_end,
                    ]
                )
            if places:
                db.executemany(
                    "INSERT OR REPLACE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        [key, p.name, p.kind, p.subkind, p.country_code, p.admin1, p.lat, p.lon, p.population, p.geonameid]
                        for key, p in places.items()
                    ],
                )
            if rows:
                db.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        (report.replaced if stored else report.added).append(article.id)
        report.mentions += len(rows)

    def counts(self) -> dict[str, int]:
        """How many articles, places and mentions the store holds."""
        with self._connect(read_only=True) as db:
            return {
                table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("articles", "places", "mentions")
            }

    def mentions_frame(self) -> pd.DataFrame:
        """Every mention with its place and its article's title, date and source."""
        with self._connect(read_only=True) as db:
            return db.execute(
                """
                SELECT m.article_id, m.start, m."end", m.text, m.score, m.match,
                       m.sentence_start, m.sentence_end,
                       p.place_key, p.name AS place, p.kind, p.country_code, p.admin1, p.lat, p.lon,
                       a.title, a.date, a.date_estimated, a.source, a.url
                FROM mentions m
                JOIN places p USING (place_key)
                JOIN articles a ON a.id = m.article_id
                ORDER BY a.date, m.article_id, m.start
                """
            ).df()

    def article(self, article_id: str) -> dict | None:
        """One stored article with its text."""
        with self._connect(read_only=True) as db:
            row = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                return None
            columns = [d[0] for d in db.description]
            return dict(zip(columns, row))

    def article_texts(self) -> dict[str, str]:
        """Every stored article's cleaned text, by id (the offsets of mentions point into it)."""
        with self._connect(read_only=True) as db:
            return dict(db.execute("SELECT id, text FROM articles").fetchall())

    def articles_frame(self) -> pd.DataFrame:
        """Every article without its text (id, source, title, date, estimated, url)."""
        with self._connect(read_only=True) as db:
            return db.execute(
                "SELECT id, source, title, date, date_estimated, url, length(text) AS characters FROM articles"
            ).df()
