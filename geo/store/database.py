"""The store: articles, places and mentions in one DuckDB file (tables in ``geo.store.schema``).

Idempotent: an article comes with the id of where it was read from (its source id, see
docs/contract.md). Ingesting a source again with the same content changes nothing; with other
content, the source's article is replaced (its row, mentions and everything derived from them).
The same content read from a second source is one article with two sources; when the source an
article is named after changes, the article keeps its other sources and takes the next one's id.
Articles are written ``BATCH`` at a time, one transaction a batch (not one an article): an
interrupted run keeps every batch it committed and loses the batch it was writing, which the next
run parses again; every article is either wholly old or wholly new, and nothing stored is lost or
damaged.

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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from gazetteer import Place
from gazetteer.normalize import name_key
from geo.chunks import chunked
from geo.errors import StoreBusy
from geo.records import ParsedArticle
from geo.store.effect import apply_in_transaction
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
from geo.store.schema import NEXT_GENERATION, create_or_migrate, insert_terms
from geo.store.terms import term_array, terms
from geo.store.texts import TEXT_WINDOW, insert_texts, joined_texts, last_text_row, text_of, texts_of, window_parts

logger = logging.getLogger(__name__)

BATCH = 200
"""Articles written per transaction. Each batch costs a connection and a checkpoint (about 50 ms),
so 200 at a time keep storing near 0.4 ms an article (50: 1.7 ms); an interrupted run parses at
most that many again next time."""
WRITER_THREADS = 1
"""DuckDB threads while a batch is written and checkpointed (the batch is then in the file, not
only in the write-ahead log). A write is a few small statements, and the cores are busy parsing;
with a thread per core, DuckDB's per-thread buffers raised the ingesting process's peak memory
(its VmHWM over a 20,000-article ``geo ingest``: 701 and 714 MB, against 666 and 667 MB on one
thread, at the same speed). Queries (the dashboard's) keep every thread."""
STORE_CATALOG = "store"
"""The name the store file is attached under in each connection."""
ROW_GROUP_SIZE = 32_768
"""Rows per DuckDB row group, set on every connection (``_connect``). Each batch's checkpoint
merges a table's small tail row groups into bigger ones, holding the merged rows in memory; a
quarter of DuckDB's default 122,880 rows halves what a merge holds. Storing already-parsed
articles (``benchmarks/store_writes.py --articles 70000``, one run), the writer's largest rise
during a batch fell from 127 to 67 MB and its peak from 341 to 276 MB, 7% faster, for a file 20%
larger (417 against 347 MB). A whole 50,000-article ``geo ingest``: the command's peak 652 against
695 MB (``benchmarks/memory.py --sizes 1000,50000 --commands ingest``). Much smaller groups
cost more than they save: with 4,096 rows a real ingest peaked higher than with the default."""
ARTICLE_COLUMNS = (
    "id", "source", "title", "date", "date_estimated", "url", "outlet", "author", "language", "encoding", "note",
    "mapped", "content_hash", "ingested_at",
)  # fmt: skip
SOURCE_COLUMNS = ("source_id", "article_id", "source", "added_at")
MENTION_COLUMNS = (
    "article_id", "start", "end", "text", "name_key", "score", "match", "place_key", "parsed_score", "parsed_match",
    "parsed_place_key", "sentence_start", "sentence_end",
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
_DERIVED_TABLES = ("place_articles", "article_terms")
"""Tables derived from an article's mentions and words, deleted and written with it."""
_BY_ARTICLE = ("mentions", "article_texts", *_DERIVED_TABLES)
"""Tables whose rows belong to one article (column ``article_id``), deleted with it."""


WAIT_SECONDS = 30.0
"""How long to wait for another process to let go of the store file."""
RETRY_SECONDS = 0.05
"""How often to try again meanwhile: short next to a connection's lifetime, long enough not to spin."""
CLOSING_RACE = (
    "Can't open a connection to same database file with a different configuration",
    "Unique file handle conflict",
)
"""What DuckDB raises when this process opens the file while its previous database instance is
still being torn down (its last connection closed, or collected, on another thread): the file
is free a moment later, so these are tried again like a lock held by another process."""


_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.RLock:
    """The process-wide lock of one store file."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.RLock())


@dataclass(slots=True)
class _Kept:
    """A connection kept open after use, and the timer that closes it when it stays idle."""

    db: duckdb.DuckDBPyConnection
    timer: threading.Timer


_KEPT: dict[Path, _Kept] = {}
"""Open connections by store file (guarded by the file's lock)."""


def _close_idle(path: Path, kept: _Kept) -> None:
    """Close a kept connection unless it was taken again meanwhile."""
    with _lock(path):
        if _KEPT.get(path) is kept:
            del _KEPT[path]
            kept.db.close()


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the store file, attached with ``ROW_GROUP_SIZE`` and in use (DuckDB takes
    the row group size only when a file is attached, and keeps it for that attachment only)."""
    db = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        db.execute(f"ATTACH '{quoted}' AS {STORE_CATALOG} (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        db.execute(f"USE {STORE_CATALOG}")
    except BaseException:
        db.close()
        raise
    return db


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
        try:
            db.unregister("incoming")
        except duckdb.Error:
            logger.debug("unregistering a frame after a failed insert failed too", exc_info=True)


def _stored_versions(db: duckdb.DuckDBPyConnection, source_ids: list[str]) -> dict[str, tuple[str, str]]:
    """For each of these source ids that is stored: the article it belongs to and that article's content hash."""
    rows = db.execute(
        """
        SELECT s.source_id, a.id, a.content_hash FROM article_sources s JOIN articles a ON a.id = s.article_id
        WHERE list_contains(?, s.source_id)
        """,
        [source_ids],
    ).fetchall()
    return {source_id: (article_id, content_hash) for source_id, article_id, content_hash in rows}


def place_key(place: Place) -> str:
    """A key that survives gazetteer rebuilds: the GeoNames id, else the curated feature's name."""
    if place.geonameid is not None:
        return f"geonames:{place.geonameid}"
    return f"{place.source}:{place.kind}:{place.name}"


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, article by article (ids are source ids: where each article was read from)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(source id, stored article id): the same content was already stored; the source is added to it."""
    unparsed: list[tuple[str, str]] = field(default_factory=list)
    """(article id, note): stored without mentions, e.g. in a language not supported yet."""
    mentions: int = 0

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.replaced)} replaced (changed)",
            f"{len(self.unchanged)} unchanged (already stored)",
            f"{len(self.duplicates)} stored as another source of an identical article",
        ]
        if self.unparsed:
            parts.append(f"{len(self.unparsed)} stored unparsed ({self.unparsed[0][1]}, ...)")
        return ", ".join(parts) + f"; {self.mentions} place mentions written"


@dataclass(slots=True)
class _Batch:
    """The rows one write transaction adds, and the stored articles it removes first."""

    removed: set[str] = field(default_factory=set)
    rekeyed: dict[str, str] = field(default_factory=dict)
    articles: list[tuple] = field(default_factory=list)
    sources: list[tuple] = field(default_factory=list)
    dropped_sources: set[str] = field(default_factory=set)
    mentions: list[tuple] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    terms: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


class Store:
    """A DuckDB file of articles, places and mentions (see the module docstring and ``schema``)."""

    def __init__(
        self,
        path: Path | str,
        *,
        wait: float | None = None,
        keep_open: float = 0.0,
        on_message: Callable[[str], None] | None = None,
    ):
        """Open (creating or migrating) the store at ``path``.

        :param wait: seconds to wait for another process holding the file (default ``WAIT_SECONDS``).
        :param keep_open: seconds a connection stays open after use, for the next query to reuse
            (opening the file costs ~0.1 s at a million mentions); another process can have the
            file once it has been idle that long. 0 closes it at once.
        :param on_message: called with a line to show a person when the store is migrated.
        """
        self.path = Path(path)
        self.wait = WAIT_SECONDS if wait is None else wait
        self.keep_open = keep_open
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connection() as db:
            create_or_migrate(db, on_message=on_message)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the store file, the only one in this process while it is in use (waits for
        another process holding the file; ``StoreBusy`` after ``wait`` seconds). It is closed after
        use, or kept ``keep_open`` seconds for the next use."""
        key = self.path.resolve()
        with _lock(self.path):
            kept = _KEPT.pop(key, None)
            if kept is not None:
                kept.timer.cancel()
            db = kept.db if kept is not None else self._open()
            try:
                yield db
            except BaseException:
                db.close()
                raise
            if self.keep_open <= 0:
                db.close()
                return
            kept = _Kept(db, threading.Timer(self.keep_open, _close_idle, args=(key, None)))
            kept.timer.args = (key, kept)
            kept.timer.daemon = True
            _KEPT[key] = kept
            kept.timer.start()

    def generation(self) -> int:
        """A number that grows with every write to the store (by any process): a cache key."""
        with self.connection() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Connect, waiting while another process holds the file."""
        deadline = time.monotonic() + self.wait
        waiting = False
        while True:
            try:
                return _connect(self.path)
            except duckdb.Error as error:
                closing = any(message in str(error) for message in CLOSING_RACE)
                if not closing and not (isinstance(error, duckdb.IOException) and "lock" in str(error).lower()):
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
        """Store parsed articles, ``batch`` articles a transaction; see the module docstring.

        Articles whose parsing failed (``ParsedArticle.problem``) are not stored: the caller reports them.
        """
        report = report or IngestReport()
        for chunk in chunked((item for item in parsed if not item.failed), batch):
            with self.connection() as db:  # closed, settings and all, if the batch fails
                db.execute(f"SET threads = {WRITER_THREADS}")
                self._ingest_batch(db, chunk, report)
                db.execute("CHECKPOINT")
                db.execute("RESET threads")
        return report

    def _ingest_batch(self, db: duckdb.DuckDBPyConnection, chunk: list[ParsedArticle], report: IngestReport) -> None:
        chunk = list({item.article.id: item for item in chunk}.values())  # a source read twice: the last read wins
        stored = _stored_versions(db, [item.article.id for item in chunk])
        hashes = [item.article.content_hash for item in chunk]
        owners = dict(
            db.execute(
                "SELECT content_hash, id FROM articles WHERE list_contains(?, content_hash)", [hashes]
            ).fetchall()
        )
        batch = _Batch()
        outcome: list[tuple[str, str, str | None]] = []
        now = dt.datetime.now()
        for item in chunk:
            article = item.article
            claim = stored.get(article.id)
            if claim is not None and claim[1] == article.content_hash:
                outcome.append(("unchanged", article.id, None))
                continue
            if claim is not None:
                self._release(db, batch, article.id, claim[0], owners)
            twin = owners.get(article.content_hash)
            if twin is not None and twin not in batch.removed:
                batch.sources.append((article.id, twin, article.source, now))
                outcome.append(("duplicate", article.id, twin))
            else:
                owners[article.content_hash] = article.id
                self._add(batch, item, now)
                outcome.append(("replaced" if claim is not None else "added", article.id, item.note))
            stored[article.id] = (owners[article.content_hash], article.content_hash)
        if batch.articles or batch.sources or batch.removed:
            self._write(db, batch)
        for kind, article_id, extra in outcome:
            if kind == "unchanged":
                report.unchanged.append(article_id)
            elif kind == "duplicate":
                report.duplicates.append((article_id, str(extra)))
            else:
                (report.replaced if kind == "replaced" else report.added).append(article_id)
                if extra:
                    report.unparsed.append((article_id, extra))
        report.mentions += len(batch.mentions)

    def _release(
        self, db: duckdb.DuckDBPyConnection, batch: _Batch, source_id: str, article_id: str, owners: dict[str, str]
    ) -> None:
        """A source now brings other content: it no longer points to its stored article, which is removed
        when no other source has it, or else takes the id of its next source."""
        batch.dropped_sources.add(source_id)
        others = [
            row[0]
            for row in db.execute(
                "SELECT source_id FROM article_sources WHERE article_id = ? AND source_id <> ? ORDER BY added_at",
                [article_id, source_id],
            ).fetchall()
            if row[0] not in batch.dropped_sources
        ]
        if source_id != article_id:
            return
        if others:
            batch.rekeyed[article_id] = others[0]
            for content, owner in owners.items():
                if owner == article_id:
                    owners[content] = others[0]
        else:
            batch.removed.add(article_id)
            for content in [c for c, owner in owners.items() if owner == article_id]:
                del owners[content]

    @staticmethod
    def _add(batch: _Batch, item: ParsedArticle, now: dt.datetime) -> None:
        article = item.article
        batch.articles.append((
            article.id, article.source, article.title, article.date, article.date_estimated, article.url,
            article.outlet, article.author, article.language, article.encoding, item.note,
            sum(m.place is not None for m in item.mentions), article.content_hash, now,
        ))  # fmt: skip
        batch.texts[article.id] = article.text
        batch.sources.append((article.id, article.id, article.source, now))
        batch.terms[article.id] = term_array(terms(article.title, article.text))
        for m in item.mentions:
            key = place_key(m.place) if m.place is not None else None
            if m.place is not None:
                batch.places[key] = m.place
            match = None if m.match is None else str(m.match)
            batch.mentions.append((
                article.id, m.start, m.end, m.text, name_key(m.text), m.score, match, key, m.score, match, key,
                m.sentence_start, m.sentence_end,
            ))  # fmt: skip

    def _write(self, db: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
        """One transaction: remove what is replaced, re-key what moves, insert the new rows."""
        written = [row[0] for row in batch.articles]
        place_rows = [
            (key, p.name, p.kind, p.subkind, p.country_code, p.admin1, p.lat, p.lon, p.population, p.geonameid)
            for key, p in batch.places.items()
        ]
        db.execute("BEGIN TRANSACTION")
        try:
            db.execute("DELETE FROM article_sources WHERE list_contains(?, source_id)", [sorted(batch.dropped_sources)])
            for old, new in batch.rekeyed.items():
                self._rekey(db, old, new)
            replaced = db.execute("SELECT id FROM articles WHERE list_contains(?, id)", [written]).fetchall()
            gone = sorted(batch.removed | set(batch.rekeyed) | {row[0] for row in replaced})
            if gone:  # new articles have nothing to delete: spare the scans of the big tables
                for table in _BY_ARTICLE:
                    db.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [gone])
            db.execute("DELETE FROM article_sources WHERE list_contains(?, article_id)", [sorted(batch.removed)])
            db.execute("DELETE FROM articles WHERE list_contains(?, id)", [gone])
            db.execute("DELETE FROM article_sources WHERE list_contains(?, source_id)", [written])
            _insert(db, "articles", ARTICLE_COLUMNS, batch.articles)
            insert_texts(db, batch.texts)
            _insert(db, "article_sources", SOURCE_COLUMNS, batch.sources)
            _insert(db, "mentions", MENTION_COLUMNS, batch.mentions)
            db.execute("DELETE FROM places WHERE list_contains(?, place_key)", [list(batch.places)])
            _insert(db, "places", PLACE_COLUMNS, place_rows)
            apply_in_transaction(db, written + list(batch.rekeyed.values()), fresh=True)
            insert_terms(db, batch.terms)
            db.execute(NEXT_GENERATION)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _rekey(db: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
        """Give a stored article (its text, mentions and index rows) a new id, in the open transaction."""
        db.execute("INSERT INTO articles SELECT ? AS id, * EXCLUDE (id) FROM articles WHERE id = ?", [new, old])
        for table in ("mentions", "article_texts", "article_terms"):
            db.execute(f"UPDATE {table} SET article_id = ? WHERE article_id = ?", [new, old])
        db.execute("DELETE FROM place_articles WHERE article_id = ?", [old])
        db.execute("UPDATE article_sources SET article_id = ? WHERE article_id = ?", [new, old])
        db.execute("DELETE FROM articles WHERE id = ?", [old])

    def set_dates(self, dates: Iterable[tuple[str, dt.date | None, bool]]) -> int:
        """Set stored articles' dates: (article id, date, estimated) rows. Returns how many changed."""
        rows = list(dates)
        if not rows:
            return 0
        frame = pd.DataFrame(rows, columns=["id", "date", "date_estimated"])
        with self.connection() as db:
            db.register("new_dates", frame)
            db.execute("BEGIN TRANSACTION")
            try:
                changed = db.execute(
                    """
                    UPDATE articles a SET date = n.date, date_estimated = n.date_estimated
                    FROM new_dates n WHERE a.id = n.id
                      AND (a.date IS DISTINCT FROM n.date OR a.date_estimated <> n.date_estimated)
                    """
                ).fetchone()[0]
                db.execute("UPDATE place_articles p SET date = n.date FROM new_dates n WHERE p.article_id = n.id")
                db.execute(NEXT_GENERATION)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            finally:
                db.unregister("new_dates")
        return int(changed)

    def undated(self) -> Iterator[tuple[str, str]]:
        """(id, text) of every stored article without a date, in storage order. The texts are read a
        window of rows per connection (``texts.window_parts``), so memory stays bounded whatever the
        store's size. A write by another process between two windows may move rows: an article then
        missed stays undated until the next ``undated`` (the next ingest)."""
        with self.connection() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM articles WHERE date IS NULL").fetchall()]
            last = last_text_row(db)
        if not ids:
            return

        def parts() -> Iterator[tuple[str, int, str]]:
            for start in range(0, last + 1, TEXT_WINDOW):
                with self.connection() as db:
                    found = window_parts(db, start, TEXT_WINDOW, ids)
                yield from found

        yield from joined_texts(parts())

    def reference_date(self) -> dt.date | None:
        """The median date read (not estimated) from the stored articles: the year for dates without one."""
        with self.connection() as db:
            row = db.execute(
                "SELECT quantile_disc(date, 0.5) FROM articles WHERE date IS NOT NULL AND NOT date_estimated"
            ).fetchone()
        return row[0] if row else None

    def stored_versions(self, source_ids: list[str]) -> dict[str, str]:
        """The stored content hash behind each of these source ids that is stored."""
        with self.connection() as db:
            return {source_id: content for source_id, (_, content) in _stored_versions(db, source_ids).items()}

    def remove(self, article_ids: Iterable[str]) -> int:
        """Remove articles with everything derived from them and every source that led to them."""
        ids = sorted(set(article_ids))
        if not ids:
            return 0
        with self.connection() as db:
            db.execute("BEGIN TRANSACTION")
            try:
                for table in (*_BY_ARTICLE, "article_sources"):
                    db.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
                removed = db.execute("DELETE FROM articles WHERE list_contains(?, id)", [ids]).fetchone()[0]
                db.execute(NEXT_GENERATION)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(removed)

    def counts(self) -> dict[str, int]:
        """How many articles, places and mentions the store holds."""
        with self.connection() as db:
            return {
                table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("articles", "places", "mentions")
            }

    def mentions_frame(self) -> pd.DataFrame:
        """Every mention with its place and its article's title, date and source (the columns of
        ``frames.MENTIONS_FRAME``), by article date (undated last), article and offset."""
        with self.connection() as db:
            return db.execute(_MENTIONS_QUERY).df()

    def article(self, article_id: str) -> dict | None:
        """One stored article with its text."""
        with self.connection() as db:
            row = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                return None
            columns = [d[0] for d in db.description]
            return {**dict(zip(columns, row)), "text": text_of(db, article_id)}

    def sources(self, article_id: str) -> list[str]:
        """Every place the article was read from, first first."""
        with self.connection() as db:
            rows = db.execute(
                "SELECT source FROM article_sources WHERE article_id = ? ORDER BY added_at, source_id", [article_id]
            ).fetchall()
        return [row[0] for row in rows]

    def article_texts(self) -> dict[str, str]:
        """Every stored article's cleaned text, by id (the offsets of mentions point into it)."""
        with self.connection() as db:
            return texts_of(db, [row[0] for row in db.execute("SELECT id FROM articles").fetchall()])
