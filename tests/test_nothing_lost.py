"""One bad article never stops a run: failures are that article's, reported; the rest is parsed and stored."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from spacy.tokens import Span

import geo.parsing.pipeline as pipeline
from geo.parsing.pipeline import Geoparser, parse_batch, pieces
from geo.parsing.recognize import find_toponyms
from geo.records import Article, content_hash
from geo.store import schema
from geo.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
GOOD = (
    "Shelling hit Kharkiv overnight, the regional governor said.",
    "Trains from Lviv to Przemysl were full of families leaving Ukraine.",
    "Talks in Istanbul ended without a ceasefire, officials in Kyiv said.",
)


def _article(article_id: str, text: str) -> Article:
    return Article(article_id, f"{article_id}.txt", text, None, None, False, None, None, content_hash(None, None, text))


def _places(parsed) -> set[str]:
    return {m.place.name for m in parsed.mentions if m.place is not None}


def test_pieces_cut_at_paragraphs_and_cover_the_text():
    text = "\n\n".join(f"Paragraph {i} about Odesa and the port." for i in range(50))
    found = pieces(text, limit=200)
    assert "".join(piece for _, piece in found) == text
    assert all(len(piece) <= 200 for _, piece in found)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in found)
    assert all(piece.endswith("\n") for _, piece in found[:-1])


def test_a_text_longer_than_the_model_takes_is_parsed_in_pieces(geoparser, monkeypatch):
    filler = "The council met again and discussed the budget for the coming year at length. " * 40
    text = f"Rockets struck Mykolaiv on Sunday.\n\n{filler}\n\n{filler}\n\nBy evening the sirens sounded in Dnipro."
    monkeypatch.setattr(geoparser.nlp, "max_length", 2_500)
    (parsed,) = parse_batch([_article("long", text)], geoparser.nlp, geoparser.gazetteer)
    assert parsed.problem is None
    assert {"Mykolayiv", "Dnipro"} <= _places(parsed)
    dnipro = next(m for m in parsed.mentions if m.text == "Dnipro")
    assert text[dnipro.start : dnipro.end] == "Dnipro" and dnipro.start > 4_000
    assert text[dnipro.sentence_start : dnipro.sentence_end].startswith("By evening")


def test_an_article_whose_recognition_fails_is_its_own_problem(geoparser, monkeypatch):
    real = pipeline.find_toponyms

    def failing(doc, gazetteer, text=None):
        if "poison" in doc.text:
            raise ValueError("a rule broke on this text")
        return real(doc, gazetteer, text)

    monkeypatch.setattr(pipeline, "find_toponyms", failing)
    articles = [_article("a", GOOD[0]), _article("bad", "A poison pill in Odesa."), _article("b", GOOD[1])]
    first, bad, second = parse_batch(articles, geoparser.nlp, geoparser.gazetteer)
    assert bad.failed and "ValueError: a rule broke on this text" in bad.problem and bad.mentions == ()
    assert "Kharkiv" in _places(first) and "Lviv" in _places(second)


class _BrittleModel:
    """The real model, except that it fails on any text naming Kherson."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.max_length = nlp.max_length

    def pipe(self, texts, **_):
        for text in texts:
            yield self(text)

    def __call__(self, text):
        if "Kherson" in text:
            raise RuntimeError("the model broke")
        return self.nlp(text)


def test_an_article_spacy_fails_on_loses_only_itself(geoparser):
    articles = [_article("a", GOOD[0]), _article("bad", "Kherson was quiet."), _article("b", GOOD[2])]
    first, bad, second = parse_batch(articles, _BrittleModel(geoparser.nlp), geoparser.gazetteer)
    assert bad.failed and bad.problem == "language model failed: RuntimeError: the model broke"
    assert "Kharkiv" in _places(first) and "Kyiv" in _places(second)


def test_a_language_the_parser_does_not_read_is_noted_not_parsed(geoparser):
    german = _article("de", "Die Lage in Charkiw bleibt angespannt, sagte der Bürgermeister.")
    german = Article(**{**{f: getattr(german, f) for f in german.__dataclass_fields__}, "language": "de"})
    (parsed,) = parse_batch([german], geoparser.nlp, geoparser.gazetteer)
    assert parsed.note == "language 'de' not supported yet" and not parsed.failed and parsed.mentions == ()


def test_a_worker_that_dies_costs_only_its_own_article(gazetteer, monkeypatch):
    real = pipeline.parse_batch

    def deadly(articles, *args, **kwargs):
        if any("deadly" in a.text for a in articles):
            os._exit(3)
        return real(articles, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse_batch", deadly)
    texts = [GOOD[i % 3] + f" Update {i}." for i in range(70)]
    texts[41] = "A deadly text about Odesa."
    articles = [_article(f"n{i}", text) for i, text in enumerate(texts)]
    parsed = list(Geoparser(gazetteer, processes=2).parse(articles))
    assert [p.article.id for p in parsed] == [a.id for a in articles]
    assert [p.article.id for p in parsed if p.failed] == ["n41"]
    assert parsed[41].problem == "the parsing process died on this article"
    assert all(_places(p) for i, p in enumerate(parsed) if i != 41)


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        day = 1 + i % 27
        head = f"KYIV, Ukraine, March {day}, 2022 —" if i % 3 else "Residents said on Tuesday, March 8:"
        (folder / f"story-{i:03d}.txt").write_text(f"{head} {GOOD[i % 3]} Story number {i}.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    return folder


_INGEST = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from geo.parsing.pipeline import Geoparser
    from geo.store.database import Store
    from geo.store.ingest import ingest_paths
    print("ready", flush=True)
    store = Store({db!r})
    report, problems = ingest_paths(
        [{corpus!r}], store, Geoparser(processes=2), batch=4, on_parsed=lambda _: print("parsed", flush=True)
    )
    print("done", len(problems), flush=True)
    """
)


def _store_contents(path: Path) -> dict:
    store = Store(path)
    frame = store.mentions_frame()
    mentions = sorted(zip(frame["article_id"], frame["start"], frame["place_key"]))
    articles = {}
    for article_id in sorted(set(frame["article_id"])):
        row = store.article(article_id)
        articles[article_id] = (row["content_hash"], row["date"], row["date_estimated"])
    return {"articles": articles, "mentions": mentions, "counts": store.counts()}


def test_ingests_killed_at_random_points_end_equal_to_a_clean_run(tmp_path):
    corpus = _corpus(tmp_path / "corpus", 40)
    clean, killed = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    run = [sys.executable, "-c"]
    done = subprocess.run(
        [*run, _INGEST.format(root=str(ROOT), db=str(clean), corpus=str(corpus))], capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    rng = random.Random(7)
    stored = []
    for _ in range(3):
        script = _INGEST.format(root=str(ROOT), db=str(killed), corpus=str(corpus))
        process = subprocess.Popen([*run, script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout.readline().strip() == "ready"
        for _ in range(rng.randint(1, 12)):
            if process.stdout.readline().strip() != "parsed":
                break
        workers = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        _assert_ended(workers)
        partial = _store_contents(killed)
        assert all(count > 0 for _, count in _mentions_per_article(partial).items())
        stored.append(len(partial["articles"]))
    assert 0 < stored[-1] < 40, stored  # the kills did land mid-run
    finished = subprocess.run(
        [*run, _INGEST.format(root=str(ROOT), db=str(killed), corpus=str(corpus))], capture_output=True
    )
    assert finished.returncode == 0, finished.stderr.decode()
    assert _store_contents(killed) == _store_contents(clean)
    assert len(_store_contents(clean)["articles"]) == 40


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux's /proc; none elsewhere, where nothing is checked)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _assert_ended(pids: list[int], wait: float = 10.0) -> None:
    """Every process gone (or a zombie, dead but not yet reaped) within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        alive = [pid for pid in pids if _running(pid)]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not alive, f"parse workers {alive} outlived their killed ingest"


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _mentions_per_article(contents: dict) -> dict[str, int]:
    counts: dict[str, int] = {article_id: 0 for article_id in contents["articles"]}
    for article_id, _, _ in contents["mentions"]:
        counts[article_id] += 1
    return counts


def test_parse_reports_bad_inputs_and_streams_every_good_article(tmp_path):
    corpus = _corpus(tmp_path / "corpus", 6)
    result = subprocess.run(
        [sys.executable, "-m", "geo", "--processes", "1", "parse", str(corpus)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 6
    problems = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(problems) == 2 and "Traceback" not in result.stderr
    assert any("empty.txt" in p for p in problems) and any("binary.txt" in p for p in problems)


def test_a_store_whose_creation_fails_halfway_is_created_whole_next_time(tmp_path, monkeypatch):
    path = tmp_path / "new.duckdb"
    monkeypatch.setattr(schema, "TABLES", schema.TABLES + "CREATE TABLE broken (;")
    with pytest.raises(duckdb.Error):
        Store(path)
    monkeypatch.undo()
    assert Store(path).counts() == {"articles": 0, "places": 0, "mentions": 0}


def test_a_name_no_gazetteer_lookup_takes_is_simply_no_place(geoparser):
    menu = " ".join(f"Region{i} News Sport Weather Travel Europe Asia Culture" for i in range(6))
    doc = geoparser.nlp.make_doc(f"{menu} and Kharkiv")
    doc.ents = [Span(doc, 0, len(doc) - 2, label="GPE"), Span(doc, len(doc) - 1, len(doc), label="GPE")]
    assert len(doc.ents[0].text) > 200
    assert [t.text for t in find_toponyms(doc, geoparser.gazetteer)] == ["Kharkiv"]
