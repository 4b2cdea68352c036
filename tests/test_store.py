"""The DuckDB store: idempotent, replaces changed articles, survives interruptions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gazetteer import Place
from geo.errors import StoreBusy
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store.database import ROW_GROUP_SIZE, Store, place_key
from geo.store.frames import MENTIONS_FRAME

ROOT = Path(__file__).resolve().parents[1]
KYIV = Place(
    1, "Kyiv", "city", "capital", "UA", "Kyiv", "UA.12", 50.45466, 30.5238, 2952301, 703448, "geonames cities500"
)
SEA = Place(2, "Black Sea", "feature", "sea", None, None, None, 44.0, 35.0, 50000000, None, "features.tsv")


def _parsed(article_id: str, text: str, places=(KYIV,)) -> ParsedArticle:
    article = Article(
        article_id, f"{article_id}.txt", text, "Title", None, False, None, None, content_hash("Title", None, text)
    )
    mentions = tuple(
        Mention(place.name, i * 10, i * 10 + len(place.name), 0.9, place, "name", 0, len(text))
        for i, place in enumerate(places)
    )
    return ParsedArticle(article, mentions)


def test_ingest_is_idempotent(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = store.ingest([_parsed("a", "Kyiv text"), _parsed("b", "Other Kyiv text")])
    assert first.added == ["a", "b"] and first.mentions == 2
    again = store.ingest([_parsed("a", "Kyiv text"), _parsed("b", "Other Kyiv text")])
    assert again.unchanged == ["a", "b"] and again.added == [] and again.mentions == 0
    assert store.counts() == {"articles": 2, "places": 1, "mentions": 2}


def test_a_changed_article_replaces_its_mentions(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text", places=(KYIV, SEA))])
    report = store.ingest([_parsed("a", "Kyiv text, revised", places=(KYIV,))])
    assert report.replaced == ["a"]
    mentions = store.mentions_frame()
    assert list(mentions["place"]) == ["Kyiv"]
    assert store.article("a")["text"] == "Kyiv text, revised"


def test_the_mentions_frame_has_the_schemas_columns(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    assert tuple(store.mentions_frame().columns) == MENTIONS_FRAME
    store.ingest([_parsed("a", "Kyiv text", places=(KYIV, SEA))])
    frame = store.mentions_frame()
    assert tuple(frame.columns) == MENTIONS_FRAME
    kyiv = frame.iloc[0][["article_id", "text", "start", "end", "place_key", "place", "kind", "lat", "title"]]
    assert kyiv.tolist() == ["a", "Kyiv", 0, 4, "geonames:703448", "Kyiv", "city", 50.45466, "Title"]


def test_set_dates_updates_stored_articles(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text")])
    assert store.set_dates([("a", dt.date(2022, 3, 1), True)]) == 1
    assert (store.article("a")["date"], store.article("a")["date_estimated"]) == (dt.date(2022, 3, 1), True)
    assert store.set_dates([("a", dt.date(2022, 3, 1), True)]) == 0


def test_the_same_text_from_another_source_is_one_article_with_both_sources(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text")])
    report = store.ingest([_parsed("copy", "Kyiv text")])
    assert report.duplicates == [("copy", "a")]
    assert store.counts()["articles"] == 1
    assert store.sources("a") == ["a.txt", "copy.txt"]
    assert store.ingest([_parsed("copy", "Kyiv text")]).unchanged == ["copy"]


def test_different_text_under_two_sources_is_two_articles(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    report = store.ingest([_parsed("a/report.txt", "Kyiv text"), _parsed("b/report.txt", "Other Kyiv text")])
    assert report.added == ["a/report.txt", "b/report.txt"]
    again = store.ingest([_parsed("b/report.txt", "Other Kyiv text"), _parsed("a/report.txt", "Kyiv text")])
    assert again.unchanged == ["b/report.txt", "a/report.txt"]
    assert store.article("a/report.txt")["text"] == "Kyiv text"


def test_a_changed_source_keeps_its_twins_article_under_the_twins_id(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text"), _parsed("copy", "Kyiv text")])
    report = store.ingest([_parsed("a", "Kyiv text, revised", places=(SEA,))])
    assert report.replaced == ["a"]
    assert store.article("copy")["text"] == "Kyiv text"
    assert store.sources("copy") == ["copy.txt"]
    assert store.article("a")["text"] == "Kyiv text, revised"
    frame = store.mentions_frame().set_index("article_id")
    assert frame.loc["copy", "place"] == "Kyiv" and frame.loc["a", "place"] == "Black Sea"
    assert store.ingest([_parsed("copy", "Kyiv text")]).unchanged == ["copy"]


def test_a_source_read_twice_in_one_batch_is_stored_once(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    report = store.ingest([_parsed("a", "Kyiv text"), _parsed("a", "Kyiv text, later")])
    assert report.added == ["a"]
    assert store.article("a")["text"] == "Kyiv text, later"


def test_a_mention_with_no_place_is_stored_and_not_mapped(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    parsed = _parsed("a", "Kyiv and Atlantis")
    unresolved = Mention("Atlantis", 9, 17, 0.2, None, None, 0, 17)
    store.ingest([dataclasses.replace(parsed, mentions=(*parsed.mentions, unresolved))])
    assert store.counts()["mentions"] == 2
    assert list(store.mentions_frame()["text"]) == ["Kyiv"]


def test_an_article_that_failed_to_parse_is_not_stored(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    failed = dataclasses.replace(_parsed("a", "Kyiv text"), mentions=(), problem="recognition failed: boom")
    report = store.ingest([failed, _parsed("b", "Other Kyiv text")])
    assert report.added == ["b"]
    assert store.article("a") is None


def test_removed_articles_leave_nothing_behind(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text"), _parsed("copy", "Kyiv text"), _parsed("b", "Other Kyiv text")])
    assert store.remove(["a"]) == 1
    assert store.counts() == {"articles": 1, "places": 1, "mentions": 1}
    assert store.sources("a") == [] and store.stored_versions(["a", "copy"]) == {}


def test_place_keys_survive_gazetteer_rebuilds():
    assert place_key(KYIV) == "geonames:703448"
    assert place_key(dataclasses.replace(KYIV, id=999)) == "geonames:703448"
    assert place_key(SEA) == "features.tsv:feature:Black Sea"


def test_an_error_midway_keeps_every_committed_batch(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.ingest([_parsed("a", "Kyiv text")])

    def failing():
        yield _parsed("b", "More Kyiv text")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.ingest(failing())
    assert store.counts() == {"articles": 1, "places": 1, "mentions": 1}
    with pytest.raises(KeyboardInterrupt):
        store.ingest(failing(), batch=1)
    assert store.counts() == {"articles": 2, "places": 1, "mentions": 2}


def test_a_killed_ingest_leaves_every_article_whole(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).ingest([_parsed("kept", "Kyiv text")])
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import _parsed, KYIV, SEA
        from geo.store.database import Store

        def articles():
            for i in range(50):
                if i == 20:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield _parsed(f"n{{i}}", f"Text {{i}} about Kyiv and the sea", places=(KYIV, SEA))

        Store({str(path)!r}).ingest(articles(), batch=5)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -9
    store = Store(path)
    counts = store.counts()
    assert counts["articles"] == 21
    assert counts["mentions"] == 1 + 2 * 20
    mentions = store.mentions_frame()
    assert mentions.groupby("article_id").size().drop("kept").eq(2).all()


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    """Another process that keeps the store file open for ``seconds``; returns once it holds it."""
    script = (
        f"import duckdb, time; db = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep({seconds})"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_store_held_by_another_process_is_waited_for(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).ingest([_parsed("a", "Kyiv text")])
    holder = _hold(path, 1.0)
    try:
        report = Store(path, wait=20).ingest([_parsed("b", "Other Kyiv text")])
    finally:
        holder.wait()
    assert report.added == ["b"]
    assert Store(path).counts()["articles"] == 2


def test_a_store_held_too_long_is_a_clear_error_and_loses_nothing(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).ingest([_parsed("a", "Kyiv text")])
    holder = _hold(path, 5.0)
    try:
        with pytest.raises(StoreBusy, match="in use by another process"):
            Store(path, wait=0.3)
    finally:
        holder.kill()
        holder.wait()
    assert Store(path).counts() == {"articles": 1, "places": 1, "mentions": 1}


def test_ingest_command_reports_a_busy_store(tmp_path, monkeypatch, capsys):
    from geo.__main__ import main
    from geo.store import database as store_module

    path = tmp_path / "s.duckdb"
    Store(path).ingest([_parsed("a", "Kyiv text")])
    monkeypatch.setattr(store_module, "WAIT_SECONDS", 0.3)
    holder = _hold(path, 5.0)
    try:
        status = main(["--processes", "1", "ingest", str(tmp_path / "nothing.txt"), "--db", str(path)])
    finally:
        holder.kill()
        holder.wait()
    assert status == 1
    assert f"{path} is in use by another process" in capsys.readouterr().err
    assert Store(path).counts()["articles"] == 1


def test_every_write_raises_the_generation(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    start = store.generation()
    store.ingest([_parsed("a", "Kyiv text")])
    after_ingest = store.generation()
    store.ingest([_parsed("a", "Kyiv text")])
    assert after_ingest > start and store.generation() == after_ingest  # nothing written, nothing changed
    store.set_dates([("a", dt.date(2022, 3, 1), True)])
    assert store.generation() > after_ingest


def test_a_kept_connection_is_let_go_when_idle(tmp_path):
    path = tmp_path / "s.duckdb"
    store = Store(path, keep_open=5.0)
    store.ingest([_parsed("a", "Kyiv text")])
    assert store.counts()["articles"] == 1
    used = time.monotonic()
    other = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"]
    assert subprocess.run(other, capture_output=True).returncode != 0  # held while the app is in use
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from geo.store.database import Store;"
        f" Store({str(path)!r}, wait=20)"
    )
    writer = [sys.executable, "-c", script]
    assert subprocess.run(writer, capture_output=True).returncode == 0  # let go once idle
    assert time.monotonic() - used >= 5.0
    assert store.counts()["articles"] == 1


def test_a_kept_connection_gets_every_thread_back_and_an_empty_log_after_an_ingest(tmp_path):
    path = tmp_path / "s.duckdb"
    store = Store(path, keep_open=30.0)
    with store.connection() as db:
        threads = db.execute("SELECT current_setting('threads')").fetchone()[0]
    store.ingest([_parsed(f"a{i}", f"Kyiv text {i}") for i in range(5)], batch=2)
    with store.connection() as db:
        assert db.execute("SELECT current_setting('threads')").fetchone()[0] == threads  # queries run on every core
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    wal = path.with_name(path.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0  # each batch is in the file, not only in the log


def _row_groups(store: Store, table: str) -> list[int]:
    """Rows in each of a table's row groups."""
    with store.connection() as db:
        query = f"SELECT row_group_id, max(count) FROM pragma_storage_info('{table}') GROUP BY 1 ORDER BY 1"
        return [rows for _, rows in db.execute(query).fetchall()]


def test_the_store_file_is_written_in_row_groups_of_the_stores_size(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    with store.connection() as db:
        db.execute("INSERT INTO article_texts SELECT 'a', i, 'x' FROM range(?) AS r(i)", [2 * ROW_GROUP_SIZE + 100])
        db.execute("CHECKPOINT")
    assert _row_groups(store, "article_texts") == [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 100]  # DuckDB's default: one group


def test_a_store_written_with_duckdbs_default_row_groups_is_read_and_extended(tmp_path):
    path = tmp_path / "s.duckdb"
    long_text = "Kyiv " + "and the river " * 700  # about 150 parts of article_texts an article
    Store(path).ingest([_parsed(f"a{i}", f"{long_text}{i}") for i in range(300)])
    plain = tmp_path / "plain.duckdb"
    copy = (
        f"import duckdb; db = duckdb.connect({str(plain)!r}); db.execute(\"ATTACH {str(path)!r} AS old\");"
        " db.execute('COPY FROM DATABASE old TO plain'); db.close()"
    )
    subprocess.run([sys.executable, "-c", copy], check=True)
    old = Store(plain)
    assert _row_groups(old, "article_texts")[0] > ROW_GROUP_SIZE  # DuckDB's default layout
    old.ingest([_parsed(f"b{i}", f"Sea text {i}", places=(SEA,)) for i in range(10)])
    assert old.counts() == {"articles": 310, "places": 2, "mentions": 310}
    assert old.article("a299")["text"] == f"{long_text}299"
    assert old.article("b9")["text"] == "Sea text 9"
