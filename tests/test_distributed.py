"""The parse stage on a Dask cluster: the same store and the same output as a local run, nothing
lost when a worker dies.

One local cluster of two single-threaded worker processes serves the module: starting it and
loading the model in each worker takes a few seconds, and so does every worker restarted after a
death, so the tests kill as few as they can.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from distributed import WorkerPlugin

import geo.parsing.cluster as cluster
from geo.__main__ import main
from geo.contract import article_json
from geo.errors import ModelMissing
from geo.input.read import ArticleStream
from geo.parsing.cluster import KILLED, ClusterAddress, ClusterParser, connect
from geo.parsing.pipeline import parse_batch
from geo.parsing.tables import parsed_articles, parsed_table
from geo.records import Article, content_hash
from geo.store.database import Store
from geo.store.ingest import ingest_paths

SENTENCES = (
    "Flood water rose along the Danube near Vienna on Monday, and two bridges were closed.",
    "The mayor of Lyon said the new tram line would reach the airport by the spring.",
    "Fishing boats stayed in port at Halifax as a storm moved up the coast of Nova Scotia.",
    "Wildfires spread north of Athens, and fire crews from Cyprus arrived to help.",
    "A rail link between Nairobi and Mombasa carried its first freight on Thursday.",
    "Farmers near Rosario, Argentina, said the harvest was the worst in a decade.",
    "Heavy snow closed schools in Denver and stranded drivers across Colorado.",
    "Ministers from Norway and Iceland met in Reykjavik to talk about fishing quotas.",
    "The port of Rotterdam handled record cargo, its director told reporters in The Hague.",
    "Protesters gathered outside parliament in Tbilisi, the capital of Georgia.",
)
GERMAN = "Das Hochwasser in Dresden stieg am Dienstag weiter, sagte die Feuerwehr der Stadt am Abend."
FILES, ROWS = 24, 6
"""The corpus: 24 .txt files and 6 rows of one .jsonl file, plus a German file and an empty one."""
KILL_WORD = "Report 13 "
"""The text of the one article whose partition kills its worker in the mid-run test."""


def _story(i: int) -> str:
    return f"{SENTENCES[i % 10]} {SENTENCES[(3 * i + 1) % 10]} Report {i} from our correspondents."


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(FILES):
        head = f"March {1 + i % 28}, 2023 —" if i % 2 else "From our desk:"
        (folder / f"story-{i:02d}.txt").write_text(f"{head} {_story(i)}\n", encoding="utf-8")
    with (folder / "wire.jsonl").open("w", encoding="utf-8") as rows:
        for i in range(FILES, FILES + ROWS):
            text = f"The cafÃ© owners spoke first. {_story(i)}"  # mojibake: cleaned offsets differ from given ones
            rows.write(json.dumps({"id": f"row-{i}", "title": f"Wire {i}", "date": "2023-04-02", "text": text}) + "\n")
    (folder / "german.txt").write_text(GERMAN + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client():
    with connect(ClusterAddress.parse("local:2")) as c:
        yield c


def _set_allowed_failures(count: int, dask_scheduler=None) -> int:
    """Runs on the scheduler: how many worker deaths a task may cause before it fails; the previous count."""
    previous = dask_scheduler.allowed_failures
    dask_scheduler.allowed_failures = count
    return previous


@pytest.fixture(scope="module")
def local_store(tmp_path_factory, corpus, geoparser) -> Path:
    """The corpus ingested by the local parser, the store the cluster's must equal."""
    path = tmp_path_factory.mktemp("local") / "local.duckdb"
    ingest_paths([corpus], Store(path), geoparser)
    return path


def _contents(path: Path) -> tuple[pd.DataFrame, dict]:
    """Every mention (with its place and article), and every article's row and sources but the time it was written."""
    store = Store(path)
    articles = {}
    for article_id in sorted(store.article_texts()):
        row = store.article(article_id)
        del row["ingested_at"]
        articles[article_id] = (row, store.sources(article_id))
    return store.mentions_frame(), {"articles": articles, "counts": store.counts()}


def _assert_same_store(path: Path, expected: Path) -> None:
    mentions, rest = _contents(path)
    expected_mentions, expected_rest = _contents(expected)
    pd.testing.assert_frame_equal(mentions, expected_mentions)
    assert rest == expected_rest
    assert not mentions.duplicated(["article_id", "start"]).any()
    assert rest["counts"]["articles"] == FILES + ROWS + 1  # the German article is stored unparsed


class _Deadly(WorkerPlugin):
    """Makes a worker process die (as a crash in spaCy would) when it parses a partition containing ``word``;
    given a ``marker`` file, only once: the first worker to find the file removes it and dies."""

    name = "deadly"

    def __init__(self, word: str, marker: Path | None = None):
        self.word = word
        self.marker = marker

    def setup(self, worker) -> None:
        real = cluster.parse_batch

        def deadly(articles, *args, **kwargs):
            if any(self.word in article.text for article in articles) and self._armed():
                os._exit(3)
            return real(articles, *args, **kwargs)

        cluster.parse_batch = deadly

    def teardown(self, worker) -> None:
        cluster.parse_batch = parse_batch

    def _armed(self) -> bool:
        if self.marker is None:
            return True
        try:
            self.marker.unlink()
        except FileNotFoundError:
            return False
        return True


def _article(article_id: str, text: str) -> Article:
    return Article(article_id, f"{article_id}.txt", text, None, None, False, None, None, content_hash(None, None, text))


def _worker_pids(client) -> set[int]:
    return set(client.run(os.getpid).values())


def test_cluster_addresses():
    assert ClusterAddress.parse("local") == ClusterAddress(workers=os.cpu_count())
    assert ClusterAddress.parse("local:3") == ClusterAddress(workers=3)
    assert ClusterAddress.parse("tcp://10.0.0.5:8786") == ClusterAddress(scheduler="tcp://10.0.0.5:8786")
    assert str(ClusterAddress.parse("local:3")) == "local:3"
    for bad in ("local:0", "local:two", "local:-1"):
        with pytest.raises(ValueError, match="whole number"):
            ClusterAddress.parse(bad)


def test_the_command_line_refuses_a_bad_cluster_address_or_processes_beside_it(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["ingest", "x", "--dask", "local:0"])
    assert refused.value.code == 2 and "whole number" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["--processes", "2", "parse", "x", "--dask", "local:2"])
    assert refused.value.code == 2 and "local:N" in capsys.readouterr().err


def test_no_scheduler_at_the_address_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "s.duckdb"), "--dask", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert "error: no Dask scheduler answered at tcp://127.0.0.1:9" in err and "Traceback" not in err


def test_outcomes_travel_as_an_arrow_table_and_come_back_equal(geoparser):
    articles = [_article("a", SENTENCES[0]), _article("b", SENTENCES[9]), _article("none", "Nothing happened.")]
    articles.append(dataclasses.replace(_article("de", GERMAN), language="de"))
    parsed = parse_batch(articles, geoparser.nlp, geoparser.gazetteer)
    assert parsed[0].mentions and parsed[3].note and not parsed[2].mentions
    assert parsed_articles(articles, parsed_table(parsed)) == parsed
    with pytest.raises(ValueError, match="does not match"):
        parsed_articles(articles[::-1], parsed_table(parsed))


def test_ingest_on_the_cluster_builds_the_store_a_local_ingest_builds(client, corpus, local_store, tmp_path, capsys):
    db = tmp_path / "cluster.duckdb"
    status = main(["ingest", str(corpus), "--db", str(db), "--dask", client.scheduler.address])
    assert status == 2  # the empty file is rejected, as locally
    assert "empty.txt" in capsys.readouterr().err
    _assert_same_store(db, local_store)


def _local_parse(corpus: Path, geoparser) -> list[dict]:
    """What ``python -m geo parse --with-text`` prints for the corpus, parsed by the local parser."""
    stream = ArticleStream([corpus])
    parsed = [item for item in geoparser.parse(stream) if not item.failed]
    dated = [dataclasses.replace(item, article=stream.dated(item.article)) for item in parsed]
    return [article_json(item, with_text=True) for item in dated]


def test_parse_on_the_cluster_prints_what_a_local_parse_prints_in_input_order(client, corpus, geoparser, capsys):
    assert main(["parse", str(corpus), "--with-text", "--dask", client.scheduler.address]) == 2
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert printed == _local_parse(corpus, geoparser)
    rows = [row for row in printed if "#row-" in row["id"]]
    mentions = [(row["text"], m) for row in rows for m in row["mentions"]]
    assert len(rows) == ROWS and mentions  # a row's offsets are into its text as given: one past the cleaned "café"
    assert all(text[m["start"] - 1 : m["end"] - 1] == m["text"] for text, m in mentions)


def test_a_worker_without_the_model_stops_the_run_before_any_article_is_sent(client):
    with pytest.raises(ModelMissing, match="no_such_pipeline"):
        ClusterParser(client, model="no_such_pipeline")


def test_the_client_reads_ahead_only_a_bounded_window_of_partitions(client):
    pulled = []

    def articles():
        for i in range(60):
            pulled.append(i)
            yield _article(f"w{i}", _story(i))

    parser = ClusterParser(client, partition=2)
    window = cluster.WINDOW_PER_THREAD * sum(client.nthreads().values())
    results = parser.parse(articles())
    first = next(results)
    assert first.article.id == "w0" and first.mentions
    assert len(pulled) <= (window + 1) * 2
    results.close()  # the partitions still in flight are cancelled
    assert len(pulled) < 60


def test_a_worker_killed_mid_run_loses_nothing(client, corpus, local_store, tmp_path):
    marker = tmp_path / "kill-once"
    marker.touch()
    before = _worker_pids(client)
    client.register_plugin(_Deadly(KILL_WORD, marker))
    try:
        db = tmp_path / "killed.duckdb"
        report, problems = ingest_paths([corpus], Store(db), ClusterParser(client, partition=4))
    finally:
        client.unregister_worker_plugin(_Deadly.name)
    assert not marker.exists()  # a worker found it and died
    assert _worker_pids(client) != before  # and was replaced
    assert [Path(p.source).name for p in problems] == ["empty.txt"]
    assert len(report.added) == FILES + ROWS + 1
    _assert_same_store(db, local_store)


def test_an_article_that_kills_every_worker_costs_only_itself(client, geoparser):
    articles = [_article(f"n{i}", _story(i)) for i in range(6)]
    articles.append(_article("n6", "A poisoned text about Lyon."))  # last: no article waits for a restarted worker
    client.register_plugin(_Deadly("poisoned"))
    allowed = client.run_on_scheduler(_set_allowed_failures, 0)  # a task's first death is final: fewer restarts
    try:
        parsed = list(ClusterParser(client, partition=4).parse(articles))
    finally:
        client.run_on_scheduler(_set_allowed_failures, allowed)
        client.unregister_worker_plugin(_Deadly.name)
    assert [p.article.id for p in parsed] == [a.id for a in articles]
    assert [p.article.id for p in parsed if p.failed] == ["n6"] and parsed[6].problem == KILLED
    assert parsed[:6] == list(geoparser.parse(articles[:6]))
