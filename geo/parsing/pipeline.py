"""The parsing stage: a batch of articles in, a batch of articles with resolved mentions out.

``parse_batch`` is a pure function of its inputs plus the loaded model and gazetteer, so it can
be mapped over worker processes here (``Geoparser``) and over partitions of a Dask cluster
(``geo.parsing.cluster``).

One article never stops the others: an exception while recognising or resolving one article
becomes that article's ``problem`` (stage and reason) and the batch goes on; a text longer than
``PIECE_CHARS`` is parsed in pieces cut at paragraph breaks (spaCy refuses texts over its
``max_length`` and needs about a gigabyte per 100,000 characters near it); a worker process that
dies costs only the articles it was parsing, each reported, and the pool is started again.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from gazetteer import Gazetteer
from geo.chunks import chunked
from geo.parsing.nlp import load_nlp
from geo.parsing.ranker import load_ranker
from geo.parsing.recognize import find_toponyms
from geo.parsing.resolve import resolve
from geo.parsing.sentences import Sentences
from geo.parsing.support import load_word_frequencies
from geo.parsing.toponym import Toponym
from geo.records import Article, Mention, ParsedArticle

__all__ = ["SUPPORTED_LANGUAGES", "Geoparser", "Options", "load_parsing", "parse_batch", "pieces"]

logger = logging.getLogger(__name__)

BATCH_SIZE = 8
"""spaCy batch size: 8 used 240 MB against 832 MB at 64, at the same speed."""
CHUNK = 32
"""Articles handed to a worker process at a time."""
WINDOW_PER_PROCESS = 2
"""Chunks in flight per worker before the oldest is waited for: workers stay busy, memory stays bounded."""
PIECE_CHARS = 100_000
"""Longest text handed to spaCy at once (or the model's ``max_length`` if lower): a tenth of its
default limit, near which it needs about 1 GB per 100,000 characters."""
PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal a process gets when the thread that started it ends."""
SUPPORTED_LANGUAGES = frozenset({"en"})
"""Languages the recognition model reads; articles detected as another language are not parsed."""


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


def load_parsing(gazetteer: Gazetteer, model: str | None = None, weights: Path | None = None) -> Language:
    """Load, once per process, what ``parse_batch`` reads: the ranker's weights (``weights``, or
    the committed ones), the word frequencies, and the spaCy pipeline with the gazetteer ruler,
    which is returned."""
    load_ranker(weights)
    load_word_frequencies()
    return load_nlp(gazetteer, model)


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """The text cut into pieces of at most ``limit`` characters, each with its offset.

    Cuts fall at the last paragraph break (else line break, else space) before the limit, so a
    name is never split unless a single word is longer than the limit.
    """
    found: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        end = start + (cut + 1 if cut > 0 else limit)
        found.append((start, text[start:end]))
        start = end
    found.append((start, text[start:]))
    return found


def parse_batch(
    articles: list[Article], nlp: Language, gazetteer: Gazetteer, options: Options = Options()
) -> list[ParsedArticle]:
    """Recognise and resolve the places of a batch of articles, one result per article, in order."""
    todo = [i for i, article in enumerate(articles) if _language_note(article) is None]
    docs = dict(zip(todo, _docs([articles[i] for i in todo], nlp)))
    parsed = []
    for i, article in enumerate(articles):
        note = _language_note(article)
        if note is not None:
            parsed.append(ParsedArticle(article, (), note=note))
            continue
        outcome = docs[i]
        if isinstance(outcome, str):
            parsed.append(ParsedArticle(article, (), problem=outcome))
            continue
        try:
            parsed.append(ParsedArticle(article, _mentions(article, outcome, gazetteer, options)))
        except Exception as error:  # noqa: BLE001 (one article's failure must not stop the batch)
            logger.debug("parsing %s failed", article.source, exc_info=True)
            parsed.append(ParsedArticle(article, (), problem=f"recognition failed: {_reason(error)}"))
    return parsed


def _language_note(article: Article) -> str | None:
    if article.language is None or article.language in SUPPORTED_LANGUAGES:
        return None
    return f"language '{article.language}' not supported yet"


def _docs(articles: list[Article], nlp: Language) -> list[list[tuple[int, Doc]] | str]:
    """Each article's pieces through spaCy (with their offsets), or why spaCy failed on it.

    The pieces of the whole batch go through ``nlp.pipe`` together; when that fails, each
    article is tried alone, so only the one that fails is lost.
    """
    limit = min(PIECE_CHARS, nlp.max_length)
    work = [(i, offset, piece) for i, article in enumerate(articles) for offset, piece in pieces(article.text, limit)]
    try:
        docs = list(nlp.pipe((piece for _, _, piece in work), batch_size=BATCH_SIZE))
    except Exception:  # noqa: BLE001 (find the article that fails, keep the others)
        logger.debug("a batch failed in spaCy; parsing its %d articles one by one", len(articles), exc_info=True)
        return [_docs_alone(article, nlp, limit) for article in articles]
    found: list[list[tuple[int, Doc]] | str] = [[] for _ in articles]
    for (i, offset, _), doc in zip(work, docs):
        found[i].append((offset, doc))  # type: ignore[union-attr]
    return found


def _docs_alone(article: Article, nlp: Language, limit: int) -> list[tuple[int, Doc]] | str:
    try:
        return [(offset, nlp(piece)) for offset, piece in pieces(article.text, limit)]
    except Exception as error:  # noqa: BLE001
        logger.debug("spaCy failed on %s", article.source, exc_info=True)
        return f"language model failed: {_reason(error)}"


def _mentions(
    article: Article, docs: list[tuple[int, Doc]], gazetteer: Gazetteer, options: Options
) -> tuple[Mention, ...]:
    ends = [offset for offset, _ in docs[1:]] + [len(article.text)]  # the pieces cover the text
    toponyms = [
        _shifted(t, offset)
        for (offset, doc), end in zip(docs, ends)
        for t in find_toponyms(doc, gazetteer, article.text[offset:end])
    ]
    sentences = Sentences(article.text)
    mentions = []
    ranker = load_ranker(options.weights)
    for resolution in resolve(article.text, toponyms, gazetteer, ranker=ranker, focus=options.focus):
        toponym = resolution.toponym
        if (toponym.demonym or toponym.nested) and not options.all_toponyms:
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
    return tuple(mentions)


def _shifted(toponym: Toponym, offset: int) -> Toponym:
    return toponym if offset == 0 else replace(toponym, start=toponym.start + offset, end=toponym.end + offset)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


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
        self.nlp = load_parsing(self.gazetteer, model, options.weights)
        self.options = options
        self.processes = max(1, processes or os.cpu_count() or 1)

    def parse(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        """Parse articles, yielding results in input order (failures carry their ``problem``)."""
        chunks = chunked(articles, CHUNK)
        if self.processes == 1:
            for chunk in chunks:
                yield from parse_batch(chunk, self.nlp, self.gazetteer, self.options)
            return
        with _Pool(self.processes, (self.gazetteer.path, self.nlp, self.options)) as pool:
            window: deque[tuple[list[Article], Future]] = deque()
            for chunk in chunks:
                window.append((chunk, pool.submit(chunk)))
                if len(window) > WINDOW_PER_PROCESS * self.processes:
                    yield from pool.collect(*window.popleft(), window)
            while window:
                yield from pool.collect(*window.popleft(), window)


@dataclass(frozen=True, slots=True)
class _Worker:
    """What a worker process parses with: the parser's model and options, its own gazetteer connection."""

    nlp: Language
    gazetteer: Gazetteer
    options: Options


_worker: _Worker | None = None
"""This process's worker state, set by ``_start_worker`` when the pool starts it."""


def _start_worker(gazetteer_path: Path, nlp: Language, options: Options, parent: int) -> None:
    """Pool initializer: open the gazetteer afresh (an SQLite connection must not cross a fork).

    What the parent loaded (the model, the word lists) is first set aside from this process's
    garbage collector: a collection writes to every object it visits, which would copy the
    parent's pages into each worker (about 40 MB a worker).
    """
    global _worker
    _end_with(parent)
    gc.freeze()
    _worker = _Worker(nlp, Gazetteer(gazetteer_path), options)


def _end_with(parent: int) -> None:
    """Have Linux end this worker when ``parent``, the process that started it, ends. A worker
    waits on the pool's queue, whose pipe its siblings hold open too, so after a killed ingest it
    would wait, and hold its memory, forever. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before we asked
        os._exit(1)


Outcome = tuple[tuple[Mention, ...], str | None, str | None]
"""What a worker sends back for one article: its mentions, problem and note (not the article itself,
which the parent still holds: half the pickling)."""


def _parse_chunk(chunk: list[Article]) -> list[Outcome]:
    if _worker is None:
        raise RuntimeError("_parse_chunk runs only in a worker process started by Geoparser.parse")
    return [
        (p.mentions, p.problem, p.note) for p in parse_batch(chunk, _worker.nlp, _worker.gazetteer, _worker.options)
    ]


def _paired(chunk: list[Article], outcomes: list[Outcome]) -> list[ParsedArticle]:
    return [ParsedArticle(article, *outcome) for article, outcome in zip(chunk, outcomes)]


class _Pool:
    """Worker processes that parse chunks, started again when one of them dies.

    A dead worker breaks every chunk in flight. They are then parsed again one at a time in a
    fresh pool; a chunk that breaks a pool on its own is parsed article by article, and an
    article that breaks one on its own is reported as its problem.
    """

    def __init__(self, processes: int, initargs: tuple[Path, Language, Options]):
        self.processes = processes
        self.initargs = initargs
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=self.context,
            initializer=_start_worker,
            initargs=(*self.initargs, os.getpid()),
        )

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, chunk: list[Article]) -> Future:
        return self.executor.submit(_parse_chunk, chunk)

    def collect(
        self, chunk: list[Article], future: Future, window: deque[tuple[list[Article], Future]]
    ) -> Iterator[ParsedArticle]:
        """The chunk's results; after a worker died, every chunk still in ``window`` is redone too."""
        try:
            yield from _paired(chunk, future.result())
            return
        except BrokenProcessPool:
            logger.warning("a parsing worker died; parsing the %d chunks in flight again", len(window) + 1)
        except Exception:  # noqa: BLE001 (e.g. a result that cannot be sent back: try each article alone)
            logger.warning("a parsing worker failed on a chunk; parsing its articles one by one", exc_info=True)
            yield from _paired(chunk, self._one_by_one(chunk))
            return
        pending = [chunk, *(c for c, _ in window)]
        window.clear()
        self._restart()
        for c in pending[1:]:
            window.append((c, self._done(self._alone(c))))
        yield from _paired(chunk, self._alone(chunk))

    def _alone(self, chunk: list[Article]) -> list[Outcome]:
        """A chunk parsed with nothing else in flight; one article at a time if it kills a worker."""
        try:
            return self.submit(chunk).result()
        except BrokenProcessPool:
            self._restart()
        return self._one_by_one(chunk)

    def _one_by_one(self, chunk: list[Article]) -> list[Outcome]:
        """Each article of a chunk parsed alone; one that kills its worker or fails is its own problem."""
        outcomes: list[Outcome] = []
        for article in chunk:
            try:
                outcomes += self.submit([article]).result()
            except BrokenProcessPool:
                self._restart()
                logger.warning("a parsing worker died on %s", article.source)
                outcomes.append(((), "the parsing process died on this article", None))
            except Exception as error:  # noqa: BLE001
                outcomes.append(((), f"parsing failed: {_reason(error)}", None))
        return outcomes

    @staticmethod
    def _done(outcomes: list[Outcome]) -> Future:
        done: Future = Future()
        done.set_result(outcomes)
        return done

    def _restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()
