"""The parse stage on a Dask cluster (``python -m geo parse|ingest --dask ADDRESS``).

The client (this process) reads the articles and sends them to the cluster a partition at a
time; each worker process loads the model and the gazetteer once (per model name and gazetteer
path) and answers a partition with an Arrow table of its outcomes (``geo.parsing.tables``). The
client pairs each table with the articles it kept and yields parsed articles in input order, to
one writer (``Store.ingest``) or to stdout. At most ``WINDOW_PER_THREAD`` partitions per worker
thread are in flight, so memory stays bounded whatever the corpus size.

A dying worker loses nothing: the scheduler runs the partitions it held again on other workers
(up to ``distributed.scheduler.allowed-failures`` deaths per partition); a partition that kills
workers beyond that is parsed again one article at a time, and an article that does is reported
as its own problem. A partition whose task raised is run again ``RETRIES`` times first.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import dask
import pyarrow as pa
from distributed import Client, Future, KilledWorker, LocalCluster
from spacy.language import Language

from gazetteer import Gazetteer
from gazetteer.errors import GazetteerError
from geo.chunks import chunked
from geo.errors import ClusterUnreachable, DatelineError
from geo.parsing.nlp import model_name
from geo.parsing.pipeline import Options, load_parsing, parse_batch
from geo.parsing.tables import parsed_articles, parsed_table
from geo.records import Article, ParsedArticle

__all__ = ["LOCAL", "ClusterAddress", "ClusterParser", "connect", "load_on_worker", "parse_partition"]

logger = logging.getLogger(__name__)

LOCAL = "local"
"""The address that starts a cluster on this machine: ``local`` (one worker per core) or ``local:N``."""
PARTITION = 32
"""Articles sent to a worker at a time: about 0.3 s of parsing against a few ms of Dask's overhead
per task, and little to parse again when a worker dies."""
WINDOW_PER_THREAD = 2
"""Partitions in flight per worker thread before the oldest is waited for: workers stay busy,
the client's memory stays bounded."""
RETRIES = 1
"""Times a partition whose task raised is run again before its articles are parsed one at a time."""
LOADED_PER_WORKER = 2
"""Models (each with its gazetteer, about 0.5 GB) a worker process keeps loaded: two clients
parsing with different models share a worker without reloading for every partition."""
CONNECT_SECONDS = 30
"""How long a remote scheduler has to answer before the run gives up (``ClusterUnreachable``)."""
LOCAL_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings of a local cluster's workers: glibc's own malloc thresholds (Dask's 64 KiB trim
threshold sends spaCy's arrays through mmap: 25 times the page faults, about 20% more CPU); no
sampling profiler (it feeds the Dask dashboard, which a local cluster here does not serve); and
the event loops' housekeeping at a slower pace (a tick every 20 ms to detect a blocked loop, the
system monitor every 0.5 s, the memory monitor every 0.1 s): an idle cluster of two workers used
0.15-0.17 of a core for them, 0.02 with these, on a machine whose two cores also parse."""
KILLED = "a Dask worker died each time it parsed this article"


@dataclasses.dataclass(frozen=True, slots=True)
class ClusterAddress:
    """Where to parse: the address of a running scheduler, or a cluster of ``workers`` processes started here."""

    scheduler: str | None = None
    workers: int | None = None

    @classmethod
    def parse(cls, text: str) -> ClusterAddress:
        """``local``, ``local:N`` or a scheduler's address (``tcp://host:8786``).

        Raises ``ValueError`` when N is not a whole number of at least 1.
        """
        name, _, count = text.partition(":")
        if name != LOCAL:
            return cls(scheduler=text)
        if not count:
            return cls(workers=os.cpu_count() or 1)
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{text!r}: the number of local workers must be a whole number of at least 1")
        return cls(workers=int(count))

    def __str__(self) -> str:
        return self.scheduler or f"{LOCAL}:{self.workers}"


@contextmanager
def connect(address: ClusterAddress) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a local cluster started (and stopped) for it.

    A local cluster has ``address.workers`` single-threaded worker processes, set up with
    ``LOCAL_CONFIG``. Raises ``ClusterUnreachable`` when no scheduler answers at the address.
    """
    if address.scheduler is None:
        with (
            dask.config.set(LOCAL_CONFIG),
            LocalCluster(n_workers=address.workers, threads_per_worker=1, processes=True, dashboard_address=None)
            as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address.scheduler, timeout=CONNECT_SECONDS)
    except (OSError, ValueError) as error:
        raise ClusterUnreachable(f"no Dask scheduler answered at {address.scheduler}: {error}") from error
    with client:
        yield client


@dataclasses.dataclass(frozen=True, slots=True)
class _Loaded:
    """What a worker process parses with: a model and the gazetteer it was loaded with."""

    nlp: Language
    gazetteer: Gazetteer


_parsing = threading.Lock()
"""One partition parsed at a time in a worker process: the model and the gazetteer's connection are
not shared between threads (and parsing holds the GIL: a second thread would gain nothing)."""


@functools.lru_cache(maxsize=LOADED_PER_WORKER)
def _loaded(model: str, gazetteer_path: str | None) -> _Loaded:
    """This worker process's model and gazetteer, loaded on first use (None: the worker's own build)."""
    gazetteer = Gazetteer.open(gazetteer_path)
    return _Loaded(load_parsing(gazetteer, model), gazetteer)


def load_on_worker(model: str, gazetteer_path: str | None) -> str | None:
    """Runs on a worker: load the model and the gazetteer (once); the gazetteer build's fingerprint."""
    with _parsing:
        return _loaded(model, gazetteer_path).gazetteer.meta().get("fingerprint")


def parse_partition(articles: list[Article], model: str, gazetteer_path: str | None, options: Options) -> pa.Table:
    """Runs on a worker: the outcomes of a partition of articles (``geo.parsing.tables``), in order."""
    with _parsing:
        loaded = _loaded(model, gazetteer_path)
        parsed = parse_batch(articles, loaded.nlp, loaded.gazetteer, options)
    return parsed_table(parsed)


def _shipped(article: Article) -> Article:
    """The article as a worker needs it: mentions are offsets into ``text``, so the map back to the
    text as given stays with the client."""
    return dataclasses.replace(article, given_offsets=None)


def _problem(error: Exception) -> str:
    if isinstance(error, KilledWorker):
        return KILLED
    return f"parsing failed: {type(error).__name__}: {error}"


class ClusterParser:
    """``Geoparser`` on a Dask cluster: the same ``parse`` (results in input order), ``gazetteer`` and ``options``.

    The constructor has every worker load the model and the gazetteer, so a worker without them
    stops the run at once (``ModelMissing``, ``GazetteerError``); workers that join later load on
    their first partition. Given a ``gazetteer``, the workers open the same file (the same machine
    or a shared disk); without, each opens (or builds) its own and this process its own.
    """

    def __init__(
        self,
        client: Client,
        gazetteer: Gazetteer | None = None,
        model: str | None = None,
        options: Options = Options(),
        partition: int = PARTITION,
    ):
        self.client = client
        self.gazetteer = gazetteer or Gazetteer.open()
        self.model = model_name(model)
        self.options = options
        self.partition = partition
        self._gazetteer_path = str(gazetteer.path) if gazetteer is not None else None
        self._load_on_workers()

    def _load_on_workers(self) -> None:
        builds = self.client.run(load_on_worker, self.model, self._gazetteer_path)
        if not builds:
            logger.info("no Dask workers yet: each will load the model on its first partition")
        own = self.gazetteer.meta().get("fingerprint")
        for worker, build in builds.items():
            if build != own:
                logger.warning("worker %s has gazetteer %s, this process %s: places may differ", worker, build, own)

    def parse(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        """Parse articles on the cluster, yielding results in input order (failures carry their ``problem``)."""
        limit = WINDOW_PER_THREAD * max(1, sum(self.client.nthreads().values()))
        window: deque[tuple[list[Article], Future]] = deque()
        try:
            for partition in chunked(articles, self.partition):
                window.append((partition, self._submit(partition)))
                if len(window) > limit:
                    yield from self._collect(*window.popleft())
            while window:
                yield from self._collect(*window.popleft())
        finally:
            if window:
                self.client.cancel([future for _, future in window])

    def _submit(self, partition: list[Article]) -> Future:
        shipped = [_shipped(article) for article in partition]
        return self.client.submit(
            parse_partition, shipped, self.model, self._gazetteer_path, self.options, retries=RETRIES, pure=False
        )

    def _collect(self, partition: list[Article], future: Future) -> list[ParsedArticle]:
        """The partition's parsed articles; parsed again one at a time when its task failed."""
        try:
            return parsed_articles(partition, future.result())
        except (DatelineError, GazetteerError):
            raise  # a worker without the model or the gazetteer: no retry helps
        except Exception as error:  # noqa: BLE001 (a partition's failure costs at most its own articles)
            if future.status != "error":
                raise  # the cluster failed (the future was cancelled or lost), not this partition
            if len(partition) == 1:
                logger.warning("parsing %s failed on the cluster: %s", partition[0].source, error)
                return [ParsedArticle(partition[0], (), problem=_problem(error))]
            logger.warning("a partition of %d articles failed (%s); parsing them one at a time", len(partition), error)
            return [item for article in partition for item in self._collect([article], self._submit([article]))]
