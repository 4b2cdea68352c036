"""Ingesting: read, parse and store, streamed end to end.

Files are read while worker processes parse what was read before, and parsed articles are
stored while the rest is still being parsed; memory stays bounded whatever the corpus size.
Articles already stored unchanged are skipped before parsing, so a re-run (after an
interruption, say) costs only a read of what is done and parses the rest. An article that
cannot be parsed is reported and not stored; every other article still is. At the end of every
run, stored articles still without a date are dated against the store's median read date, so a
run interrupted before that point is repaired by the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from geo.chunks import chunked
from geo.input.dates import article_date
from geo.input.read import ArticleStream
from geo.parsing.pipeline import Geoparser
from geo.records import Article, InputProblem, ParsedArticle
from geo.store.database import BATCH, IngestReport, Store

__all__ = ["LOOKUP_BATCH", "date_undated", "ingest_articles", "ingest_paths"]

logger = logging.getLogger(__name__)

LOOKUP_BATCH = 256
"""Articles checked against the store at a time: one short connection each, a few ms."""


def ingest_articles(
    articles: Iterable[Article],
    store: Store,
    geoparser: Geoparser,
    report: IngestReport | None = None,
    *,
    problems: list[InputProblem] | None = None,
    on_parsed: Callable[[ParsedArticle], None] | None = None,
    batch: int = BATCH,
) -> IngestReport:
    """Parse and store the articles the store does not already hold unchanged.

    :param problems: articles whose parsing failed are appended here (and not stored).
    :param on_parsed: called with each parsed article (failed ones too), e.g. to show progress.
    :param batch: articles written per store transaction.
    """
    report = report or IngestReport()
    failed = problems if problems is not None else []

    def parsed() -> Iterator[ParsedArticle]:
        for item in geoparser.parse(_unstored(articles, store, report)):
            if item.failed:
                failed.append(InputProblem(item.article.source, str(item.problem)))
            if on_parsed is not None:
                on_parsed(item)
            yield item

    store.ingest(parsed(), report, batch=batch)
    return report


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    geoparser: Geoparser,
    *,
    root: str | Path | None = None,
    today: dt.date | None = None,
    on_parsed: Callable[[ParsedArticle], None] | None = None,
    batch: int = BATCH,
) -> tuple[IngestReport, list[InputProblem]]:
    """Ingest files and folders; returns what was done and every input or article that was refused.

    :param root: the ingest root article ids are relative to (default: the working directory).
    """
    stream = ArticleStream(paths, root=root, today=today, reference=store.reference_date())
    problems: list[InputProblem] = []
    report = ingest_articles(stream, store, geoparser, problems=problems, on_parsed=on_parsed, batch=batch)
    date_undated(store, latest=today or dt.date.today())
    return report, stream.problems + problems


def date_undated(store: Store, *, latest: dt.date) -> int:
    """Date the stored articles that have no date yet, against the store's median read date.

    An article whose text gives dates without a year ("on March 3") can only be dated once some
    read dates are known; this runs at the end of every ingest, so whatever an interrupted run
    left undated is dated by the next. Returns how many articles got a date.
    """
    reference = store.reference_date()
    if reference is None:
        return 0
    found = []
    for article_id, text in store.undated():
        date, estimated = article_date(text, reference=reference, latest=latest)
        if date is not None:
            found.append((article_id, date, estimated))
    return store.set_dates(found)


def _unstored(articles: Iterable[Article], store: Store, report: IngestReport) -> Iterator[Article]:
    """The articles that are new or changed; the unchanged ones go to the report."""
    for chunk in chunked(articles, LOOKUP_BATCH):
        stored = store.stored_versions([a.id for a in chunk])
        for article in chunk:
            if stored.get(article.id) == article.content_hash:
                report.unchanged.append(article.id)
            else:
                yield article
