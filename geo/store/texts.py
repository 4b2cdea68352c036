"""Article texts in the store: each text cut into parts of ``TEXT_PART`` characters, one row a part.

Why not a column of ``articles``: every write's checkpoint appends a small row group to each table,
and DuckDB's checkpoint merges a table's small row groups (doubling them up to a full row
group, and squeezing small groups into nearly full ones, up to three groups at a time), holding
the merged rows in memory. With whole texts in ``articles``, one such merge held the texts of tens
of thousands of articles: storing already-parsed articles, the writing process peaked at 408 MB
at 40,000 articles and 554 MB at 70,000 (830 MB at 130,000). Narrow rows cap what a merge holds:
with 64-character parts the same run stays at 335-344 MB from 20,000 to 70,000 articles
(``benchmarks/store_writes.py``).

Offsets (mentions, sentences) count characters (code points) in the whole text, as Python slices
and DuckDB's ``substr`` do; joining an article's parts in order gives back its text exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import duckdb
import pandas as pd

__all__ = [
    "TEXT_PART",
    "TEXT_WINDOW",
    "insert_texts",
    "joined_texts",
    "last_text_row",
    "sentence_parts",
    "text_of",
    "text_rows",
    "texts_of",
    "window_parts",
]

TEXT_PART = 64
"""Characters a row of ``article_texts``: a merge of three full row groups (DuckDB's default
122,880 rows each) then holds at most ~24 MB of text, ~6 MB with the store's ``ROW_GROUP_SIZE``.
256-character parts still let the writer's peak grow with the store (386 MB at 30,000 articles,
470 MB at 60,000, same run as above, default row groups). A 2,000-character article is 32 parts."""

TEXT_WINDOW = 65_536
"""Rows of ``article_texts`` a connection reads when many articles' texts are wanted
(``window_parts``; ``Store.undated``), about 4 MB of text. DuckDB keeps every block a connection
reads until it closes, and a filter on article ids does not spare it the text column's blocks:
each query for 200 undated texts held the whole column and scanned the whole table. A window of
rows, by rowid, reads only its own row groups, each row once. Dating the 7,361 undated articles
of a 50,000-article store (medians of 3): peak +95 MB and 6.2 s before, +27 MB and 3.3 s with
windows. A window's own rise is +12 MB (+20 MB with windows twice as long)."""

_TEXTS_OF = """
SELECT article_id, string_agg(text, '' ORDER BY part) FROM article_texts
WHERE list_contains(?, article_id) GROUP BY article_id
"""


def text_rows(article_id: str, text: str) -> list[tuple[str, int, str]]:
    """The ``article_texts`` rows of one article: (article id, part number, part); at least one part."""
    count = max(1, -(-len(text) // TEXT_PART))
    return [(article_id, part, text[part * TEXT_PART : (part + 1) * TEXT_PART]) for part in range(count)]


def insert_texts(db: duckdb.DuckDBPyConnection, texts: dict[str, str]) -> None:
    """Add articles' texts (by article id) to ``article_texts``, in the open transaction."""
    rows = [row for article_id, text in texts.items() for row in text_rows(article_id, text)]
    if rows:
        db.register("incoming_texts", pd.DataFrame(rows, columns=["article_id", "part", "text"]))
        try:
            db.execute("INSERT INTO article_texts SELECT article_id, part, text FROM incoming_texts")
        finally:
            db.unregister("incoming_texts")


def sentence_parts(start: int, end: int) -> tuple[int, int]:
    """The first and last part numbers holding the characters ``start`` to ``end`` (exclusive)."""
    return start // TEXT_PART, max(start, end - 1) // TEXT_PART


def texts_of(db: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, str]:
    """The texts of these stored articles, by id (ids not stored are absent)."""
    return dict(db.execute(_TEXTS_OF, [article_ids]).fetchall())


def last_text_row(db: duckdb.DuckDBPyConnection) -> int:
    """The highest rowid of ``article_texts`` (-1 when it is empty): where ``window_parts`` stops."""
    last = db.execute("SELECT max(rowid) FROM article_texts").fetchone()[0]
    return -1 if last is None else int(last)


def window_parts(
    db: duckdb.DuckDBPyConnection, start: int, size: int, article_ids: list[str]
) -> list[tuple[str, int, str]]:
    """The (article id, part number, part) rows of these articles among rowids ``start`` to
    ``start + size`` (exclusive), in storage order. A rowid range lets DuckDB skip every other row
    group; ``joined_texts`` puts the windows' parts back together."""
    return db.execute(
        "SELECT article_id, part, text FROM article_texts"
        " WHERE rowid >= ? AND rowid < ? AND article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY rowid",
        [start, start + size, article_ids],
    ).fetchall()


def joined_texts(parts: Iterable[tuple[str, int, str]]) -> Iterator[tuple[str, str]]:
    """(article id, text) from ``article_texts`` rows in storage order (``window_parts`` after
    ``window_parts``). An article's parts are stored together and in order, because
    ``insert_texts`` writes them in one statement and nothing moves rows apart; so a run of one
    article's parts 0, 1, 2 ... is its text. A run that does not start at part 0 (its start was
    outside the rows read) is not a text and is left out."""
    current: str | None = None
    pieces: list[str] = []
    for article_id, part, text in parts:
        if article_id == current and part == len(pieces):
            pieces.append(text)
            continue
        if current is not None:
            yield current, "".join(pieces)
        current, pieces = (article_id, [text]) if part == 0 else (None, [])
    if current is not None:
        yield current, "".join(pieces)


def text_of(db: duckdb.DuckDBPyConnection, article_id: str) -> str | None:
    """One stored article's text, or None when it is not stored."""
    return texts_of(db, [article_id]).get(article_id)
