"""Fitting the ranker and its calibration (``python -m geo fit``), and the command line's focus and
weights options, on tiny gold corpora written for these tests."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from geo.__main__ import FOCUS_ENV, _parser, focus_countries
from geo.evaluation.evaluate import GoldToponym
from geo.evaluation.fit import NON_NEGATIVE, fit_documents, score_documents
from geo.evaluation.labels import Document, GoldWhere, right_place
from geo.parsing.features import FEATURES
from geo.parsing.ranker import Ranker
from geo.parsing.toponym import Evidence, Toponym
from geo.records import Article

ROOT = Path(__file__).resolve().parents[1]

PARIS_TX = (33.66094, -95.55551)
PARIS_FR = (48.85341, 2.3488)
DALLAS = (32.78306, -96.80667)
TEXAS = (31.25044, -99.25061)
FRANCE = (46.0, 2.0)
LYON = (45.74846, 4.84671)
STORIES = [
    ("The county fair in Paris drew crowds from across Texas.", {"Paris": PARIS_TX, "Texas": TEXAS}),
    ("A new bridge in Paris will link the town to Dallas.", {"Paris": PARIS_TX, "Dallas": DALLAS}),
    ("Ranchers near Paris, Texas, reported hail.", {"Paris": PARIS_TX, "Texas": TEXAS}),
    ("Museums in Paris reopened, officials in France said.", {"Paris": PARIS_FR, "France": FRANCE}),
    ("Trains between Paris and Lyon were cancelled.", {"Paris": PARIS_FR, "Lyon": LYON}),
    ("Farmers drove tractors from Lyon to Paris.", {"Lyon": LYON, "Paris": PARIS_FR}),
]
"""Sentences written for these tests, with where their places are."""


def _document(number: int, text: str, places: dict[str, tuple[float, float]], corpus: str) -> Document:
    article = Article(f"d{number}", corpus, text, None, None, False, None, None, f"h{number}")
    toponyms, gold = [], []
    for name, (lat, lon) in places.items():
        start = text.index(name)
        toponyms.append(Toponym(start, start + len(name), name, "GPE", Evidence.PLACE_ENTITY))
        gold.append(GoldToponym(start, start + len(name), name, lat, lon))
    return Document(corpus, article, sorted(toponyms, key=lambda t: t.start), gold)


def _gold_line(number: int, text: str, places: dict[str, tuple[float, float]]) -> str:
    toponyms = [
        {"start": text.index(n), "end": text.index(n) + len(n), "name": n, "lat": lat, "lon": lon}
        for n, (lat, lon) in places.items()
    ]
    return json.dumps({"id": f"d{number}", "text": text, "toponyms": toponyms})


def _geo(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", "--processes", "1", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_right_place_is_the_gold_place_or_the_area_it_lies_in(gazetteer):
    gold = GoldToponym(0, 5, "Texas", *TEXAS)
    texas = gazetteer.best("Texas", kind="region")
    united_states = gazetteer.country("US")
    north_america = gazetteer.best("North America", kind="continent")
    where = GoldWhere(gazetteer)(*TEXAS)
    assert where[0] == "US"
    assert right_place(texas.place, frozenset(), gold, where)
    assert right_place(united_states, frozenset(), gold, where)
    assert right_place(north_america.place, gazetteer.members(north_america.place), gold, where)
    assert not right_place(gazetteer.country("FR"), frozenset(), gold, where)
    assert not right_place(gazetteer.best("Paris", kind="city").place, frozenset(), gold, where)


def test_fitting_weighs_what_tells_the_namesakes_apart(gazetteer):
    documents = [_document(i, text, places, "stories") for i, (text, places) in enumerate(STORIES)]
    ranker = fit_documents(documents, gazetteer)
    assert isinstance(ranker, Ranker) and ranker.weights.shape == (len(FEATURES),)
    assert all(ranker.weights[FEATURES.index(name)] >= 0.0 for name in NON_NEGATIVE)
    weight = dict(zip(FEATURES, ranker.weights))
    assert weight["in_named_admin1"] > 0.0 and weight["near_named_400km"] > 0.0
    scores = score_documents(documents, ranker, gazetteer)["places"]
    assert scores["f1"] == 1.0 and 0.5 <= scores["accuracy_161km"] <= 1.0
    confidence = ranker.calibration.confidence(np.zeros((1, len(ranker.calibration.weights))))
    assert 0.0 < confidence[0] < 1.0


def test_fit_command_writes_a_ranker_that_evaluate_uses(tmp_path):
    halves = {"first.jsonl": STORIES[::2], "second.jsonl": STORIES[1::2]}
    for name, stories in halves.items():
        lines = [_gold_line(i, text, places) for i, (text, places) in enumerate(stories)]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "ranker.json"
    fitted = _geo("fit", str(tmp_path / "first.jsonl"), str(tmp_path / "second.jsonl"), "--out", str(out))
    assert fitted.returncode == 0, fitted.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert [c["name"] for c in data["fitted"]["corpora"]] == ["first.jsonl", "second.jsonl"]
    assert set(data["fitted"]["cross_corpus"]) == {"first.jsonl", "second.jsonl"}
    assert data["fitted"]["cross_corpus"]["first.jsonl"]["fitted_on"] == ["second.jsonl"]
    evaluated = _geo("evaluate", str(tmp_path / "first.jsonl"), "--weights", str(out))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "ECE" in evaluated.stdout and "reliability (places)" in evaluated.stdout


def test_a_bad_weights_file_is_one_line_and_exit_status_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(_gold_line(0, *STORIES[0]) + "\n", encoding="utf-8")
    result = _geo("evaluate", str(gold), "--weights", str(bad))
    assert result.returncode == 1 and result.stderr.strip().startswith("error: not a ranker file")


def test_focus_countries_are_iso_codes():
    assert focus_countries(" ua, RU ,") == frozenset({"UA", "RU"})
    assert focus_countries(None) == frozenset()
    with pytest.raises(argparse.ArgumentTypeError, match="UKR"):
        focus_countries("UKR,RU")


@pytest.mark.parametrize("command", [["parse", "x.txt"], ["ingest", "x.txt"], ["evaluate", "gold.jsonl"]])
def test_focus_comes_from_the_flag_or_the_environment(monkeypatch, command):
    monkeypatch.delenv(FOCUS_ENV, raising=False)
    assert _parser().parse_args(command).focus == frozenset()
    assert _parser().parse_args([*command, "--focus", "ua,ru"]).focus == frozenset({"UA", "RU"})
    monkeypatch.setenv(FOCUS_ENV, "CA")
    assert _parser().parse_args(command).focus == frozenset({"CA"})
    assert _parser().parse_args([*command, "--focus", "US"]).focus == frozenset({"US"})
