"""The store: articles, places and mentions in one DuckDB file.

Idempotent: an article is identified by its id; ingesting it again with the same content hash
changes nothing, with a different one replaces its row and all its mentions. Articles are
written ``BATCH`` at a time, one transaction a batch (not one an article): an interrupted run
keeps every batch it committed and loses the batch it was writing, which the next run parses
again; every article is either wholly old or wholly new, and nothing stored is lost or damaged.

Connections are short-lived so the dashboard and a command-line ingest can take turns on the
same file: a connection refused because another process holds the file is retried for up to
``wait`` seconds, then reported as ``StoreBusy``. Within a process, one connection to a file is
open at a time (the dashboard's sessions run in threads, and DuckDB refuses a second attach of a
file that is being attached).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from gazetteer import Place
from geo.chunks import chunked
from geo.errors import StoreBusy
from geo.records import Article, ParsedArticle
from geo.store.frames import (
    ADMIN1,
    ARTICLE_ID,
    COUNTRY_CODE,
    DATE,
    DATE_ESTIMATED,
    END,
    KIND,
    LAT,
    LON,
    MATCH,
    MENTIONS_FRAME,
    PLACE,
    PLACE_KEY,
    SCORE,
    SENTENCE_END,
    SENTENCE_START,
    SOURCE,
    START,
    TEXT,
    TITLE,
    URL,
)

logger = logging.getLogger(__name__)

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


BATCH = 200
"""Articles written per transaction. Each batch costs a connection and a checkpoint (about 50 ms),
so 200 at a time keep storing near 0.4 ms an article (50: 1.7 ms); an interrupted run parses at
most that many again next time."""
ARTICLE_COLUMNS = ("id", "source", "title", "date", "date_estimated", "url", "text", "content_hash", "ingested_at")
MENTION_COLUMNS = (
    "article_id", "start", "end", "text", "score", "match", "place_key", "sentence_start", "sentence_end",
)  # fmt: skip
PLACE_COLUMNS = (
    "place_key", "name", "kind", "subkind", "country_code", "admin1", "lat", "lon", "population", "geonameid",
)  # fmt: skip
"""The columns of the tables, in the order the writer gives them."""

_FRAME_SOURCES = {
    ARTICLE_ID: "m.article_id", START: "m.start", END: 'm."end"', TEXT: "m.text", SCORE: "m.score",
    MATCH: "m.match", SENTENCE_START: "m.sentence_start", SENTENCE_END: "m.sentence_end",
    PLACE_KEY: "p.place_key", PLACE: "p.name", KIND: "p.kind", COUNTRY_CODE: "p.country_code",
    ADMIN1: "p.admin1", LAT: "p.lat", LON: "p.lon",
    TITLE: "a.title", DATE: "a.date", DATE_ESTIMATED: "a.date_estimated", SOURCE: "a.source", URL: "a.url",
}  # fmt: skip
"""Where each column of the mentions frame comes from: m(entions), p(laces) or a(rticles)."""

_MENTIONS_QUERY = f"""
    SELECT {", ".join(f'{_FRAME_SOURCES[column]} AS "{column}"' for column in MENTIONS_FRAME)}
    FROM mentions m
    JOIN places p USING (place_key)
    JOIN articles a ON a.id = m.article_id
    ORDER BY a.date, m.article_id, m.start
"""


WAIT_SECONDS = 30.0
"""How long to wait for another process to let go of the store file."""
RETRY_SECONDS = 0.05
"""How often to try again meanwhile: short next to a connection's lifetime, long enough not to spin."""


_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.RLock:
    """The process-wide lock of one store file."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.RLock())


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def _insert(db: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows at once through a DataFrame (DuckDB's executemany goes row by row)."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(columns))
    db.register("incoming", frame)
    try:
        db.execute(f"INSERT INTO {table} SELECT {_quoted(columns)} FROM incoming")
    finally:
        db.unregister("incoming")


def _content_hashes(db: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    return dict(db.execute("SELECT id, content_hash FROM articles WHERE list_contains(?, id)", [ids]).fetchall())


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

    def __init__(self, path: Path | str, *, wait: float | None = None):
        self.path = Path(path)
        self.wait = WAIT_SECONDS if wait is None else wait
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with _lock(self.path):
            db = self._open()
            try:
                yield db
            finally:
                db.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Connect, waiting while another process holds the file."""
        deadline = time.monotonic() + self.wait
        waiting = False
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{self.path} is in use by another process for over {self.wait:g} s; try again when it is done"
                    ) from error
                if not waiting:
                    logger.info("%s is in use by another process; waiting up to %g s", self.path, self.wait)
                    waiting = True
                time.sleep(RETRY_SECONDS)

    def ingest(
        self, parsed: Iterable[ParsedArticle], report: IngestReport | None = None, batch: int = BATCH
    ) -> IngestReport:
        """Store parsed articles, ``batch`` articles a transaction; see the module docstring."""
        report = report or IngestReport()
        for chunk in chunked(parsed, batch):
            with self._connect() as db:
                self._ingest_batch(db, chunk, report)
        return report

    def _ingest_batch(
        self, db: duckdb.DuckDBPyConnection, chunk: list[ParsedArticle], report: IngestReport
    ) -> None:
        stored = _content_hashes(db, [item.article.id for item in chunk])
        hashes = [item.article.content_hash for item in chunk]
        query = "SELECT content_hash, id FROM articles WHERE list_contains(?, content_hash)"
        owners = dict(db.execute(query, [hashes]).fetchall())
        articles, mentions, places, written = [], [], {}, []
        for item in chunk:
            article = item.article
            if stored.get(article.id) == article.content_hash:
                report.unchanged.append(article.id)
                continue
            twin = owners.get(article.content_hash)
            if article.id not in stored and twin is not None:
                report.duplicates.append((article.id, twin))
                continue
            owners[article.content_hash] = article.id
            now = dt.datetime.now()
            articles.append((article.id, article.source, article.title, article.date, article.date_estimated,
                             article.url, article.text, article.content_hash, now))
            for m in item.mentions:
                if m.place is not None:
                    key = place_key(m.place)
                    places[key] = m.place
                    mentions.append((article.id, m.start, m.end, m.text, m.score, m.match, key,
                                     m.sentence_start, m.sentence_end))
            written.append(article.id)
        if not written:
            return
        place_rows = [
            (key, p.name, p.kind, p.subkind, p.country_code, p.admin1, p.lat, p.lon, p.population, p.geonameid)
            for key, p in places.items()
        ]
        db.execute("BEGIN TRANSACTION")
        try:
            db.execute("DELETE FROM mentions WHERE list_contains(?, article_id)", [written])
            db.execute("DELETE FROM articles WHERE list_contains(?, id)", [written])
            _insert(db, "articles", ARTICLE_COLUMNS, articles)
            _insert(db, "mentions", MENTION_COLUMNS, mentions)
            db.execute("DELETE FROM places WHERE list_contains(?, place_key)", [list(places)])
            _insert(db, "places", PLACE_COLUMNS, place_rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for article_id in written:
            (report.replaced if article_id in stored else report.added).append(article_id)
        report.mentions += len(mentions)

    def set_dates(self, articles: Iterable[Article]) -> None:
        """Update the date of stored articles (estimated once their whole batch was read)."""
        rows = [(a.date, a.date_estimated, a.id) for a in articles]
        if rows:
            with self._connect() as db:
                db.executemany("UPDATE articles SET date = ?, date_estimated = ? WHERE id = ?", rows)

    def content_hashes(self, ids: list[str]) -> dict[str, str]:
        """The stored content hash of each of these article ids that is stored."""
        with self._connect() as db:
            return _content_hashes(db, ids)

    def counts(self) -> dict[str, int]:
        """How many articles, places and mentions the store holds."""
        with self._connect() as db:
            return {
                table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("articles", "places", "mentions")
            }

    def mentions_frame(self) -> pd.DataFrame:
        """Every mention with its place and its article's title, date and source (the columns of
        ``frames.MENTIONS_FRAME``), by article date (undated last), article and offset."""
        with self._connect() as db:
            return db.execute(_MENTIONS_QUERY).df()

    def article(self, article_id: str) -> dict | None:
        """One stored article with its text."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                return None
            columns = [d[0] for d in db.description]
            return dict(zip(columns, row))

    def article_texts(self) -> dict[str, str]:
        """Every stored article's cleaned text, by id (the offsets of mentions point into it)."""
        with self._connect() as db:
            return dict(db.execute("SELECT id, text FROM articles").fetchall())
