"""The parsing stage: a batch of articles in, a batch of articles with resolved mentions out.

``parse_batch`` is a pure function of its inputs plus the loaded model and gazetteer, so it can
be mapped over processes here and over partitions by a distributed engine later.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path

from spacy.language import Language

from gazetteer import Gazetteer
from geo.chunks import chunked
from geo.parsing.nlp import load_nlp
from geo.parsing.ranker import load_ranker
from geo.parsing.recognize import find_toponyms
from geo.parsing.resolve import resolve
from geo.parsing.sentences import Sentences
from geo.records import Article, Mention, ParsedArticle

__all__ = ["Geoparser", "Options", "parse_batch"]

BATCH_SIZE = 8
"""spaCy batch size: 8 used 240 MB against 832 MB at 64, at the same speed."""
CHUNK = 32
"""Articles handed to a worker process at a time."""
WINDOW_PER_PROCESS = 2
"""Chunks in flight per worker before the oldest is waited for: workers stay busy, memory stays bounded."""


@dataclass(frozen=True, slots=True)
class Options:
    """What counts as a mention, and what resolution knows beyond the text.

    The product maps places; ``all_toponyms`` also returns what geoparsing gold standards count
    as toponyms: demonyms ("Russian" -> Russia) and names nested in organisation names
    ("Norfolk" in "Norfolk High School"), each flagged, and names no gazetteer place fits well
    enough (with no place). ``focus``: ISO codes of the countries the news is about (their
    places get the ranker's fitted focus weight; none by default). ``weights``: a ranker file
    other than the committed one (``python -m geo fit``).
    """

    all_toponyms: bool = False
    focus: frozenset[str] = field(default_factory=frozenset)
    weights: Path | None = None


def parse_batch(
    articles: list[Article], nlp: Language, gazetteer: Gazetteer, options: Options = Options()
) -> list[ParsedArticle]:
    """Recognise and resolve the places of a batch of articles."""
    parsed = []
    ranker = load_ranker(options.weights)
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE)):
        toponyms = find_toponyms(doc, gazetteer)
        sentences = Sentences(article.text)
        mentions = []
        for resolution in resolve(article.text, toponyms, gazetteer, ranker=ranker, focus=options.focus):
            toponym = resolution.toponym
            if (toponym.demonym or toponym.nested or resolution.place is None) and not options.all_toponyms:
                continue
            sentence_start, sentence_end = sentences.around(toponym.start)
            mentions.append(
                Mention(
                    text=toponym.text,
                    start=toponym.start,
                    end=toponym.end,
                    score=resolution.confidence,
                    place=resolution.place,
                    match=resolution.match,
                    sentence_start=sentence_start,
                    sentence_end=sentence_end,
                    demonym=toponym.demonym,
                    nested=toponym.nested,
                )
            )
        parsed.append(ParsedArticle(article, tuple(mentions)))
    return parsed


class Geoparser:
    """The loaded model and gazetteer, and ``parse`` over any number of articles.

    With ``processes`` > 1 the articles are parsed in chunks by that many worker processes,
    each running ``parse_batch`` with its own copy of the model and gazetteer; results come back
    in input order.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        model: str | None = None,
        options: Options = Options(),
        processes: int | None = None,
    ):
        self.gazetteer = gazetteer or Gazetteer.open()
        load_ranker(options.weights)
        self.nlp = load_nlp(self.gazetteer, model)
        self.options = options
        self.processes = max(1, processes or os.cpu_count() or 1)

    def parse(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        """Parse articles, yielding results in input order."""
        chunks = chunked(articles, CHUNK)
        if self.processes == 1:
            for chunk in chunks:
                yield from parse_batch(chunk, self.nlp, self.gazetteer, self.options)
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        initargs = (self.gazetteer.path, self.nlp, self.options)
        with context.Pool(self.processes, initializer=_start_worker, initargs=initargs) as pool:
            window: deque[tuple[list[Article], AsyncResult]] = deque()
            for chunk in chunks:
                window.append((chunk, pool.apply_async(_parse_chunk, (chunk,))))
                if len(window) > WINDOW_PER_PROCESS * self.processes:
                    yield from _paired(*window.popleft())
            while window:
                yield from _paired(*window.popleft())


def _paired(chunk: list[Article], result: AsyncResult) -> Iterator[ParsedArticle]:
    for article, mentions in zip(chunk, result.get()):
        yield ParsedArticle(article, mentions)


@dataclass(frozen=True, slots=True)
class _Worker:
    """What a worker process parses with: the parser's model and options, its own gazetteer connection."""

    nlp: Language
    gazetteer: Gazetteer
    options: Options


_worker: _Worker | None = None
"""This process's worker state, set by ``_start_worker`` when the pool starts it."""


def _start_worker(gazetteer_path: Path, nlp: Language, options: Options) -> None:
    """Pool initializer: open the gazetteer afresh (an SQLite connection must not cross a fork)."""
    global _worker
    _worker = _Worker(nlp, Gazetteer(gazetteer_path), options)


def _parse_chunk(chunk: list[Article]) -> list[tuple[Mention, ...]]:
    if _worker is None:
        raise RuntimeError("_parse_chunk runs only in a worker process started by Geoparser.parse")
    return [parsed.mentions for parsed in parse_batch(chunk, _worker.nlp, _worker.gazetteer, _worker.options)]
