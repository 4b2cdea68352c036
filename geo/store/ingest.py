"""Ingesting: read, parse and store, streamed end to end, and the command line's ``python -m geo ingest``.

Files are read while worker processes parse what was read before, and parsed articles are
stored while the rest is still being parsed. Articles already stored unchanged are skipped
before parsing, so a re-run costs a read. An article dated only against the batch (its text
gives dates without a year) gets that date once everything has been read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from geo.chunks import chunked
from geo.errors import StoreBusy
from geo.input.read import ArticleStream, needs_reference
from geo.parsing.pipeline import Geoparser, Options
from geo.records import Article, InputProblem, ParsedArticle
from geo.store.database import IngestReport, Store

DEFAULT_DB = Path("dateline.duckdb")
LOOKUP_BATCH = 256
"""Articles checked against the store at a time: one short connection each, a few ms."""
EXIT_OK, EXIT_BUSY, EXIT_REJECTED = 0, 1, 2
"""The command line's exit statuses: done, the store stayed busy, some inputs were rejected."""


def ingest_articles(
    articles: Iterable[Article],
    store: Store,
    geoparser: Geoparser,
    report: IngestReport | None = None,
    *,
    on_parsed: Callable[[ParsedArticle], None] | None = None,
) -> tuple[IngestReport, list[Article]]:
    """Parse and store the articles the store does not already hold unchanged.

    Returns the report and the stored articles whose date may still need the batch's reference.
    """
    report = report or IngestReport()
    undated: list[Article] = []

    def parsed() -> Iterator[ParsedArticle]:
        for item in geoparser.parse(_unstored(articles, store, report)):
            if needs_reference(item.article):
                undated.append(item.article)
            if on_parsed is not None:
                on_parsed(item)
            yield item

    store.ingest(parsed(), report)
    return report, undated


def ingest_paths(
    paths: Iterable[str | Path], store: Store, geoparser: Geoparser, *, progress: bool = False
) -> tuple[IngestReport, list[InputProblem]]:
    """Ingest files and folders; returns what was done and every input that was refused."""
    stream = ArticleStream(paths)
    bar = tqdm(unit="article", file=sys.stderr, disable=not progress)
    report, undated = ingest_articles(stream, store, geoparser, on_parsed=lambda _: bar.update())
    bar.close()
    store.set_dates(stream.dated(article) for article in undated)
    return report, stream.problems


def _unstored(articles: Iterable[Article], store: Store, report: IngestReport) -> Iterator[Article]:
    """The articles that are new or changed; the unchanged ones go to the report."""
    for chunk in chunked(articles, LOOKUP_BATCH):
        stored = store.content_hashes([a.id for a in chunk])
        for article in chunk:
            if stored.get(article.id) == article.content_hash:
                report.unchanged.append(article.id)
            else:
                yield article


def ingest_command(
    paths: list[Path], db: Path | None, *, model: str | None, processes: int | None, options: Options = Options()
) -> int:
    """The command line's ``python -m geo ingest``: a progress bar, then a line per rejected input and
    one for what was stored, on stderr. Exit status 2 when some inputs were rejected, 1 when the
    store stayed busy."""
    try:
        store = Store(db or DEFAULT_DB)
        geoparser = Geoparser(model=model, options=options, processes=processes)
        report, problems = ingest_paths(paths, store, geoparser, progress=True)
    except StoreBusy as error:
        _cli_print(f"error: {error} (articles stored before it are kept)")
        return EXIT_BUSY
    for problem in problems:
        _cli_print(f"skipped {problem}")
    _cli_print(f"{store.path}: {report.summary()}; {len(problems)} inputs rejected")
    return EXIT_REJECTED if problems else EXIT_OK


def _cli_print(line: str) -> None:
    """The command line's output, a line on stderr (the one place in the store that prints: the
    library logs instead)."""
    print(line, file=sys.stderr)
