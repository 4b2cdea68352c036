"""Corrections that stick: applied, narrowed, undone, kept through re-ingests, shared as files."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from store_fixture import KHARKIV, KHARKIV_PLACE, KYIV, KYIV_PLACE, RUSSIA_PLACE, TEXTS, _article, _mention, small_store

from gazetteer import Match, Place
from geo.errors import CorrectionError
from geo.records import ParsedArticle
from geo.store.corrections import Correction, Corrections, Scope, apply_to_parsed, read_corrections
from geo.store.database import Store
from geo.store.queries import Filters, StoreReader

ROOT = Path(__file__).resolve().parents[1]
LVIV = Place(9, "Lviv", "city", "city", "UA", "Lviv", "UA.15", 49.84, 24.03, 717_273, 702550, "geonames")
LVIV_KEY = "geonames:702550"


def _places(store: Store) -> dict[str, int]:
    places = StoreReader(store).places(Filters())
    return dict(zip(places["place_key"], places["mentions"]))


def _effective(store: Store, article_id: str) -> list[tuple[str, str | None, str | None]]:
    mentions = StoreReader(store).article(article_id)["mentions"]
    keys = [None if key is None or key != key else key for key in mentions["place_key"]]
    return list(zip(mentions["text"], keys, mentions["match"]))


@pytest.fixture
def store(tmp_path) -> Store:
    return small_store(tmp_path / "s.duckdb")


def test_a_name_correction_applies_in_every_article(store):
    Corrections(store).correct("Kyiv", LVIV)
    assert _effective(store, "a1")[0] == ("Kyiv", LVIV_KEY, "corrected")
    assert _effective(store, "a4")[1] == ("Kyiv", LVIV_KEY, "corrected")
    assert _effective(store, "a2")[0] == ("Kiev", KYIV, "name")  # another name of the place is another name
    places = _places(store)
    assert places[LVIV_KEY] == 2 and places[KYIV] == 1


def test_narrower_scopes_win_and_undo_is_exact(store):
    corrections = Corrections(store)
    everywhere = corrections.correct("Kyiv", LVIV)
    here = corrections.correct("Kyiv", KHARKIV_PLACE, scope=Scope.ARTICLE, article_id="a4")
    assert _effective(store, "a4")[1][1] == KHARKIV and _effective(store, "a1")[0][1] == LVIV_KEY
    assert corrections.undo(here.id)
    assert _effective(store, "a4")[1][1] == LVIV_KEY
    assert corrections.undo(everywhere.id)
    assert _effective(store, "a1")[0] == ("Kyiv", KYIV, "name") and _effective(store, "a4")[1][2] == "name"
    assert not corrections.undo(everywhere.id)
    assert corrections.listed().empty


def test_one_mention_and_not_a_place(store):
    corrections = Corrections(store)
    start = TEXTS["a1"].index("Kyiv")
    corrections.correct("Kyiv", None, scope=Scope.MENTION, article_id="a1", start=start)
    assert _effective(store, "a1")[0] == ("Kyiv", None, "corrected")
    assert _places(store)[KYIV] == 2
    assert StoreReader(store).article_count(Filters()) == 4
    assert "Kyiv" not in set(corrections.unresolved()["name"])  # a reader's "not a place" is not left to fix
    with pytest.raises(CorrectionError, match="no mention"):
        corrections.correct("Odesa", LVIV, scope=Scope.ARTICLE, article_id="a1")


def test_unresolved_names_are_listed_and_can_be_placed_by_a_user_place(store):
    corrections = Corrections(store)
    assert list(corrections.unresolved()["name"]) == ["Atlantis"]
    atlantis = corrections.add_user_place("Atlantis", "feature", 36.4, 25.4)
    corrections.correct("Atlantis", atlantis)
    assert corrections.unresolved().empty
    assert _effective(store, "a4")[0] == ("Atlantis", "user:feature:Atlantis", "corrected")
    assert _places(store)["user:feature:Atlantis"] == 1
    with pytest.raises(CorrectionError, match="not a point"):
        corrections.add_user_place("Nowhere", "city", 95.0, 0.0)


def test_a_correction_survives_re_ingesting_and_applies_to_new_articles(store):
    Corrections(store).correct("Kharkiv", RUSSIA_PLACE)
    revised = ParsedArticle(
        dataclasses.replace(_article("a1", "Kyiv story, revised", None, "Kyiv Post"), text=TEXTS["a1"]),
        (_mention("Kyiv", "a1", 0.9, KYIV_PLACE), _mention("Kharkiv", "a1", 0.8, KHARKIV_PLACE)),
    )
    assert store.ingest([revised]).replaced == ["a1"]
    assert _effective(store, "a1")[1][1] == "geonames:2017370"
    later = ParsedArticle(
        dataclasses.replace(_article("a2", "Later", None, "Wire"), id="later", text="Kharkiv again."),
        (dataclasses.replace(_mention("Kharkiv", "a1", 0.8, KHARKIV_PLACE), start=0, end=7),),
    )
    store.ingest([later])
    assert _effective(store, "later")[0][2] == "corrected"
    frame = store.mentions_frame()
    assert KHARKIV not in set(frame["place_key"])


def test_export_then_import_round_trips(tmp_path, store):
    corrections = Corrections(store)
    corrections.correct("Kyiv", LVIV)
    corrections.correct("Atlantis", None)
    for suffix in ("csv", "json"):
        path = tmp_path / f"fixes.{suffix}"
        assert corrections.export(path) == 2
        other = small_store(tmp_path / f"other-{suffix}.duckdb")
        report = Corrections(other).import_file(path)
        assert (report.added, report.problems) == (2, [])
        assert _effective(other, "a1")[0][1] == LVIV_KEY and _effective(other, "a4")[0] == (
            "Atlantis",
            None,
            "corrected",
        )
        assert Corrections(other).import_file(path).unchanged == 2


def test_a_bad_corrections_file_names_each_bad_row_and_keeps_the_rest(tmp_path, store):
    path = tmp_path / "fixes.json"
    rows = [
        {"name": "Kyiv", "scope": "name", "place_key": LVIV_KEY, "place_name": "Lviv", "place_kind": "city",
         "place_lat": 49.84, "place_lon": 24.03},
        {"name": "Kyiv", "scope": "everywhere", "not_a_place": True},
        {"name": "Kharkiv", "place_key": "geonames:1", "place_name": "Gone", "place_kind": "planet",
         "place_lat": 1, "place_lon": 1},
        {"name": "Kharkiv", "place_key": "geonames:1"},
        {"name": "Narnia", "not_a_place": True},
    ]  # fmt: skip
    path.write_text(json.dumps(rows), encoding="utf-8")
    report = Corrections(store).import_file(path)
    assert report.added == 2 and report.unused == ["Narnia"]
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{path}#2", f"{path}#3", f"{path}#4"]
    assert "lacks place_name" in report.problems[2]
    assert _effective(store, "a1")[0][1] == LVIV_KEY
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorrectionError, match="cannot read"):
        read_corrections(tmp_path / "broken.json")


def test_corrections_apply_to_parsed_articles_outside_a_store():
    article = _article("a1", "Kyiv story", None, "Kyiv Post")
    parsed = ParsedArticle(
        article, (_mention("Kyiv", "a1", 0.9, KYIV_PLACE), _mention("Kharkiv", "a1", 0.8, KHARKIV_PLACE))
    )
    fixes = [Correction("kyiv", Scope.NAME, LVIV), Correction("Kharkiv", Scope.ARTICLE, None, article_id="other")]
    fixed = apply_to_parsed(parsed, fixes)
    assert (fixed.mentions[0].place, fixed.mentions[0].match, fixed.mentions[0].score) == (LVIV, Match.CORRECTED, 1.0)
    assert fixed.mentions[1] == parsed.mentions[1]


def test_two_writers_correcting_at_once_both_land(store):
    corrections = Corrections(store)
    errors: list[BaseException] = []

    def fix(name: str, place: Place) -> None:
        try:
            corrections.correct(name, place)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=fix, args=("Kyiv", LVIV)), threading.Thread(target=fix, args=("Russia", LVIV))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(corrections.listed()) == 2
    assert _places(store)[LVIV_KEY] == 3


def test_a_correction_while_another_process_writes_waits_or_says_so(tmp_path, store):
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; db = duckdb.connect({str(store.path)!r}); print('held', flush=True); time.sleep(3)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    try:
        Corrections(store).correct("Kyiv", LVIV)
    finally:
        holder.wait()
    assert _effective(store, "a1")[0][1] == LVIV_KEY
