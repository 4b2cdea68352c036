"""The mentions in effect: the parser's answer, with the readers' corrections over it.

Every mention keeps the parser's place, score and match (``parsed_*``) beside the ones in effect.
``apply_in_transaction`` recomputes the ones in effect for some articles, and what is derived from
them (``place_articles``, ``articles.mapped``): the store runs it on every article it writes, and
``geo.store.corrections`` after every correction or undo.
"""

from __future__ import annotations

import duckdb

from gazetteer import Match
from geo.store.schema import MAPPED_OF, PLACE_ARTICLES_OF

__all__ = ["CORRECTED_SCORE", "apply_in_transaction"]

CORRECTED_SCORE = 1.0
"""The confidence of a corrected mention: a person looked at it."""

_BEST = f"""
WITH candidates AS (
    SELECT m.article_id, m.start, c.to_place_key,
           row_number() OVER (
               PARTITION BY m.article_id, m.start
               ORDER BY CASE c.scope WHEN 'mention' THEN 3 WHEN 'article' THEN 2 ELSE 1 END DESC,
                        c.created_at DESC, c.id DESC
           ) AS rank
    FROM mentions m
    JOIN corrections c ON c.name_key = m.name_key
     AND (c.scope = 'name' OR (c.article_id = m.article_id AND (c.scope = 'article' OR c.start = m.start)))
    WHERE list_contains(?, m.article_id)
)
UPDATE mentions m SET place_key = b.to_place_key, match = '{Match.CORRECTED}', score = {CORRECTED_SCORE}
FROM candidates b
WHERE b.rank = 1 AND m.article_id = b.article_id AND m.start = b.start
"""
"""Puts the winning correction of each mention of the given articles in effect: the narrowest scope
(a mention, then an article, then the name everywhere), then the newest."""


def apply_in_transaction(db: duckdb.DuckDBPyConnection, article_ids: list[str], *, fresh: bool = False) -> None:
    """Recompute the mentions in effect of some articles and everything derived from them, inside the
    caller's transaction. ``fresh``: their mentions were just written as parsed, and nothing derived
    from them is stored yet (nothing to reset or delete)."""
    if not article_ids:
        return
    corrected = db.execute("SELECT count(*) FROM corrections").fetchone()[0] > 0
    if not fresh:  # only corrected mentions differ from the parser's answer; updating the rest is slow
        db.execute(
            "UPDATE mentions SET place_key = parsed_place_key, score = parsed_score, match = parsed_match"
            f" WHERE match = '{Match.CORRECTED}' AND list_contains(?, article_id)",
            [article_ids],
        )
    if corrected:
        db.execute(_BEST, [article_ids])
    if not fresh:
        db.execute("DELETE FROM place_articles WHERE list_contains(?, article_id)", [article_ids])
    db.execute(PLACE_ARTICLES_OF, [article_ids])
    if corrected or not fresh:
        db.execute(MAPPED_OF, [article_ids])
