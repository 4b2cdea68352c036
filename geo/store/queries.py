"""What the dashboard reads from the store: filtered aggregates, and one place's or article's details.

Everything is a query on the store, with the filters in SQL: what reaches Python is one row per
place (the map and the table), per day (the timeline) or per sentence of the place a reader
opened, never the mention table or the articles' texts. The map, table, counts and timeline are
sums over ``place_articles`` (one row per place and article, see ``geo.store.schema``); search
uses the store's word index (``geo.store.terms``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from gazetteer import KINDS
from geo.store.database import Store
from geo.store.frames import (
    ADMIN1,
    ARTICLES,
    CONFIDENCE,
    COUNTRY_CODE,
    DATE,
    EXPORT_COLUMNS,
    KIND,
    LAST_DATE,
    LAT,
    LON,
    MENTIONS,
    PLACE,
    PLACE_KEY,
)
from geo.store.schema import SCORE_STEPS
from geo.store.terms import query_terms, term_hash
from geo.store.texts import TEXT_PART, sentence_parts, text_of

__all__ = ["EXPORT_BATCH", "Filters", "Overview", "StoreReader"]

EXPORT_BATCH = 50_000
"""Mention rows an export fetches at a time."""
PLACE_NAMES_LISTED = 8
"""Place names listed for an article in the articles view, most mentioned first."""


@dataclass(frozen=True, slots=True)
class Filters:
    """The dashboard's current view: which mentions count."""

    start: dt.date | None = None
    end: dt.date | None = None
    include_undated: bool = True
    kinds: tuple[str, ...] = KINDS
    min_score: float = 0.0
    query: str = ""
    outlets: tuple[str, ...] | None = None
    """None for every outlet."""


@dataclass(frozen=True, slots=True)
class Overview:
    """What the whole store holds, for the controls: date range, undated articles, outlets."""

    first_date: dt.date | None
    last_date: dt.date | None
    undated_articles: int
    outlets: tuple[str, ...]
    articles: int
    mentions: int
    unparsed: dict[str, int] = field(default_factory=dict)
    """Articles stored unparsed, by note ("language 'de' not supported yet": 3)."""

    @property
    def empty(self) -> bool:
        return self.mentions == 0


def _step(min_score: float) -> int:
    """The confidence step a minimum score asks for: the first step at or above it (steps of 1 / SCORE_STEPS)."""
    step = int(min_score * SCORE_STEPS - 1e-9) + 1 if min_score > 0 else 0
    return max(0, min(SCORE_STEPS, step))


class StoreReader:
    """The dashboard's queries on one store."""

    def __init__(self, store: Store):
        self.store = store

    def overview(self) -> Overview:
        with self.store.connection() as db:
            first, last, undated = db.execute(
                "SELECT min(date), max(date), count(DISTINCT article_id) FILTER (date IS NULL) FROM place_articles"
            ).fetchone()
            outlets = [row[0] for row in db.execute(
                "SELECT outlet FROM place_articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY count(*) DESC"
            ).fetchall()]  # fmt: skip
            articles, mentions = db.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions WHERE place_key IS NOT NULL)"
            ).fetchone()
            unparsed = dict(
                db.execute("SELECT note, count(*) FROM articles WHERE note IS NOT NULL GROUP BY note").fetchall()
            )
        return Overview(first, last, int(undated), tuple(outlets), int(articles), int(mentions), unparsed)

    def places(self, filters: Filters) -> pd.DataFrame:
        """One row per place with mentions in the view: where it is, mentions, articles, last date."""
        with self.store.connection() as db:
            return _places(db, filters)

    def article_count(self, filters: Filters) -> int:
        """How many articles have mentions in the view."""
        with self.store.connection() as db:
            return _article_count(db, filters)

    def view(self, filters: Filters) -> tuple[pd.DataFrame, int]:
        """``places`` and ``article_count`` of a view, read on one connection."""
        with self.store.connection() as db:
            return _places(db, filters), _article_count(db, filters)

    def timeline(self, filters: Filters) -> pd.DataFrame:
        """Mentions per day in the view's kinds, confidence, search and outlets, over every date
        (the date range itself is what the timeline shows, so it is not applied)."""
        every_date = Filters(None, None, False, filters.kinds, filters.min_score, filters.query, filters.outlets)
        with self.store.connection() as db:
            if _unfiltered(every_date):
                sql, params = _article_filter(every_date)
                query = f"SELECT date, sum(mapped) FROM articles WHERE {sql} GROUP BY date ORDER BY date"
            else:
                where, params = _where(every_date)
                total = _mentions_at(every_date)
                query = f"SELECT date, sum({total}) FROM place_articles pa WHERE {where} GROUP BY date ORDER BY date"
            rows = db.execute(query, params).fetchall()
        frame = pd.DataFrame(rows, columns=[DATE, MENTIONS])
        frame[DATE] = pd.to_datetime(frame[DATE])
        frame[MENTIONS] = frame[MENTIONS].astype("int64")
        return frame

    def sentences(self, place_key: str, filters: Filters, limit: int = 200) -> list[dict]:
        """The sentences naming a place in the view, newest article first, each with its spans.

        Three small reads instead of one join: the place's newest ``limit`` articles in the view
        (index on place), their mentions of it (index on place), then only those sentences' text.
        """
        where, params = _where(filters)
        step = _step(filters.min_score)
        with self.store.connection() as db:
            chosen = db.execute(
                f"""
                SELECT article_id FROM place_articles pa WHERE pa.place_key = ? AND {where}
                ORDER BY pa.date DESC NULLS LAST, pa.article_id LIMIT ?
                """,
                [place_key, *params, limit],
            ).fetchall()
            ids = [row[0] for row in chosen]
            found = db.execute(
                f"""
                SELECT article_id, start, "end", sentence_start, sentence_end FROM mentions
                WHERE place_key = ? AND list_contains(?, article_id)
                  AND floor(score * {SCORE_STEPS} + 1e-9) >= {step}
                ORDER BY sentence_start, start
                """,
                [place_key, ids],
            ).fetchall()
            spans: dict[tuple[str, int], tuple[int, list[tuple[int, int]]]] = {}
            for article_id, start, end, s_start, s_end in found:
                spans.setdefault((article_id, s_start), (s_end, []))[1].append((start - s_start, end - s_start))
            wanted = [(a, s, e, *sentence_parts(s, e)) for (a, s), (e, _) in spans.items()]
            frame = pd.DataFrame(
                wanted, columns=["article_id", "sentence_start", "sentence_end", "first_part", "last_part"]
            )
            db.register("wanted", frame)
            try:
                rows = db.execute(
                    f"""
                    WITH sentence_texts AS (
                        SELECT w.article_id, w.sentence_start,
                               substr(string_agg(t.text, '' ORDER BY t.part),
                                      w.sentence_start - w.first_part * {TEXT_PART} + 1,
                                      w.sentence_end - w.sentence_start) AS sentence
                        FROM wanted w JOIN article_texts t
                          ON t.article_id = w.article_id AND t.part BETWEEN w.first_part AND w.last_part
                        WHERE list_contains(?, t.article_id)
                        GROUP BY w.article_id, w.sentence_start, w.sentence_end, w.first_part
                    )
                    SELECT s.article_id, s.sentence_start, a.title, a.date, a.date_estimated, a.source, a.url,
                           a.outlet, s.sentence
                    FROM sentence_texts s JOIN articles a ON a.id = s.article_id
                    """,
                    [ids],
                ).fetchall()
            finally:
                db.unregister("wanted")
        order = {article_id: rank for rank, article_id in enumerate(ids)}
        items = [
            {
                "article_id": article_id, "title": title, "date": date, "date_estimated": bool(estimated),
                "source": source, "url": url, "outlet": outlet, "sentence": sentence,
                "spans": spans[(article_id, s_start)][1], "sentence_start": s_start,
            }
            for article_id, s_start, title, date, estimated, source, url, outlet, sentence in rows
        ]  # fmt: skip
        return sorted(items, key=lambda item: (order[item["article_id"]], item["sentence_start"]))

    def article(self, article_id: str) -> dict | None:
        """One article with its text and its mentions (each with its place, or none)."""
        with self.store.connection() as db:
            row = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                return None
            article = dict(zip([d[0] for d in db.description], row))
            article["text"] = text_of(db, article_id)
            article["mentions"] = db.execute(
                """
                SELECT m.start, m."end", m.text, m.score, m.match, m.place_key, p.name AS place, p.kind,
                       p.country_code, p.admin1, p.lat, p.lon
                FROM mentions m LEFT JOIN places p USING (place_key)
                WHERE m.article_id = ? ORDER BY m.start
                """,
                [article_id],
            ).df()
            article["sources"] = [
                r[0]
                for r in db.execute(
                    "SELECT source FROM article_sources WHERE article_id = ? ORDER BY added_at, source_id", [article_id]
                ).fetchall()
            ]
        return article

    def articles(self, limit: int = 1000) -> pd.DataFrame:
        """The newest ``limit`` stored articles (undated last), parsed or not: id, date, estimated,
        title, outlet, source, mapped mentions, how many places and the most mentioned ones' names
        (``PLACE_NAMES_LISTED``), and the note of an article stored unparsed."""
        with self.store.connection() as db:
            return db.execute(
                f"""
                WITH chosen AS (
                    SELECT id, date, date_estimated, title, outlet, source, mapped, note FROM articles
                    ORDER BY date DESC NULLS LAST, id LIMIT ?
                ), named AS (
                    SELECT pa.article_id, count(*) AS places,
                           array_to_string(list(p.name ORDER BY pa.mentions DESC, p.name)[1:{PLACE_NAMES_LISTED}], ', ')
                               AS names
                    FROM place_articles pa JOIN places p USING (place_key)
                    WHERE pa.article_id IN (SELECT id FROM chosen) GROUP BY pa.article_id
                )
                SELECT c.id AS article_id, c.date, c.date_estimated, c.title, c.outlet, c.source, c.mapped AS mentions,
                       coalesce(n.places, 0) AS places, n.names AS place_names, c.note
                FROM chosen c LEFT JOIN named n ON n.article_id = c.id
                ORDER BY c.date DESC NULLS LAST, c.id
                """,
                [limit],
            ).df()

    def export_rows(self, filters: Filters) -> Iterator[pd.DataFrame]:
        """The view's mentions with their place and article (``frames.EXPORT_COLUMNS``), in batches."""
        where, params = _where(filters)
        step = _step(filters.min_score)
        columns = {
            "article_id": "m.article_id", "date": "a.date", "date_estimated": "a.date_estimated",
            "title": "a.title", "source": "a.source", "url": "a.url", "text": "m.text", "start": "m.start",
            "end": 'm."end"', "score": "m.score", "match": "m.match", "place": "p.name", "kind": "p.kind",
            "country_code": "p.country_code", "admin1": "p.admin1", "lat": "p.lat", "lon": "p.lon",
        }  # fmt: skip
        select = ", ".join(f'{columns[c]} AS "{c}"' for c in EXPORT_COLUMNS)
        with self.store.connection() as db:
            result = db.execute(
                f"""
                WITH chosen AS (SELECT place_key, article_id FROM place_articles pa WHERE {where})
                SELECT {select}
                FROM mentions m
                JOIN chosen c ON c.place_key = m.place_key AND c.article_id = m.article_id
                JOIN articles a ON a.id = m.article_id
                JOIN places p ON p.place_key = m.place_key
                WHERE floor(m.score * {SCORE_STEPS} + 1e-9) >= {step}
                ORDER BY a.date NULLS LAST, m.article_id, m.start
                """,
                params,
            )
            while True:
                frame = result.fetch_df_chunk(EXPORT_BATCH // 2048 or 1)
                if frame.empty:
                    return
                yield frame


def _unfiltered(filters: Filters) -> bool:
    """Whether only dates and outlets narrow the view: the articles table then answers alone."""
    return set(filters.kinds) >= set(KINDS) and _step(filters.min_score) == 0 and not filters.query.strip()


def _mentions_at(filters: Filters) -> str:
    """The SQL sum term for a (place, article) row's mentions at the view's confidence."""
    step = _step(filters.min_score)
    return "pa.mentions" if step == 0 else f"pa.score_counts[{step + 1}]"


def _places(db: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    where, params = _where(filters)
    return db.execute(
        f"""
        WITH counts AS (
            SELECT place_key, sum({_mentions_at(filters)}) AS mentions, count(*) AS articles, max(date) AS last_date,
                   max(top_step) AS top_step
            FROM place_articles pa WHERE {where} GROUP BY place_key
        )
        SELECT c.place_key AS "{PLACE_KEY}", p.name AS "{PLACE}", p.kind AS "{KIND}",
               p.country_code AS "{COUNTRY_CODE}", p.admin1 AS "{ADMIN1}", p.lat AS "{LAT}",
               p.lon AS "{LON}", c.mentions::BIGINT AS "{MENTIONS}", c.articles AS "{ARTICLES}",
               c.last_date AS "{LAST_DATE}", c.top_step / {SCORE_STEPS} AS "{CONFIDENCE}"
        FROM counts c JOIN places p USING (place_key)
        ORDER BY c.mentions DESC, p.name
        """,
        params,
    ).df()


def _article_count(db: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    if _unfiltered(filters):
        sql, params = _article_filter(filters)
        return int(db.execute(f"SELECT count(*) FROM articles WHERE {sql}", params).fetchone()[0])
    where, params = _where(filters)
    return int(
        db.execute(f"SELECT count(DISTINCT article_id) FROM place_articles pa WHERE {where}", params).fetchone()[0]
    )


def _dates(filters: Filters, column: str) -> tuple[str, list]:
    """The date range (and undated articles) condition on a date column."""
    clauses, params = [f"{column} IS NOT NULL"], []
    if filters.start is not None:
        clauses.append(f"{column} >= ?")
        params.append(filters.start)
    if filters.end is not None:
        clauses.append(f"{column} <= ?")
        params.append(filters.end)
    in_range = " AND ".join(clauses)
    return (f"(({in_range}) OR {column} IS NULL)" if filters.include_undated else f"({in_range})"), params


def _article_filter(filters: Filters) -> tuple[str, list]:
    """The condition on ``articles`` for a view that only dates and outlets narrow."""
    dates, params = _dates(filters, "date")
    clauses = ["mapped > 0", dates]
    if filters.outlets is not None:
        clauses.append("list_contains(?, outlet)")
        params.append(list(filters.outlets))
    return " AND ".join(clauses), params


def _where(filters: Filters) -> tuple[str, list]:
    """The SQL condition on ``place_articles pa`` for the filters, and its parameters."""
    dates, params = _dates(filters, "pa.date")
    clauses = [dates]
    if not set(filters.kinds) >= set(KINDS):
        clauses.append("list_contains(?, pa.kind)")
        params.append(list(filters.kinds))
    step = _step(filters.min_score)
    if step:
        clauses.append(f"pa.top_step >= {step}")
    if filters.outlets is not None:
        clauses.append("list_contains(?, pa.outlet)")
        params.append(list(filters.outlets))
    query = filters.query.strip()
    if query:
        words = query_terms(query)
        place_match = "pa.place_key IN (SELECT place_key FROM places WHERE name ILIKE ? ESCAPE '\\')"
        params_query: list = [f"%{_escape_like(query)}%"]
        if words:
            matching = " INTERSECT ".join("SELECT article_id FROM article_terms WHERE term = ?" for _ in words)
            clauses.append(f"({place_match} OR pa.article_id IN ({matching}))")
            params_query += [term_hash(word) for word in words]
        else:
            clauses.append(place_match)
        params += params_query
    return " AND ".join(clauses), params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
