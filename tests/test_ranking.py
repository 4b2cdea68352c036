"""The ranker's parts: features, context, the ranker file, calibration and its measurement."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gazetteer import Candidate, Match, Place
from geo.errors import RankerInvalid
from geo.evaluation.reliability import expected_calibration_error, reliability_table
from geo.parsing.calibration import CALIBRATION_FEATURES, LOGIT_BOUND, Calibration, _logit
from geo.parsing.features import (
    CANDIDATE_FEATURES,
    CONTEXT_FEATURES,
    FEATURES,
    WEAK_CONTEXT,
    Name,
    _codes,
    _own_row,
    _padded_rows,
    _runs,
    best_row,
    build_slate,
    context_features,
    name_bounds,
    prominence,
    softmax_by_group,
)
from geo.parsing.ranker import DEFAULT_PATH, Ranker, load_ranker, settle
from geo.parsing.toponym import Evidence, Toponym


def _place(name: str, kind: str = "city", subkind: str = "city", population: int = 1000, **extra) -> Place:
    fields = {"country_code": "US", "admin1": None, "admin1_code": None, "lat": 0.0, "lon": 0.0} | extra
    return Place(1, name, kind, subkind, population=population, geonameid=None, source="test", **fields)


def _name(gazetteer, text: str, start: int) -> Name:
    toponym = Toponym(start, start + len(text), text, "GPE", Evidence.PLACE_ENTITY)
    return Name(text.casefold(), [toponym], gazetteer.candidates(text, fuzzy=False, limit=15))


def test_prominence_ranks_capitals_and_countries_above_states_and_world_cities():
    assert prominence(_place("Kyiv", subkind="capital")) == 2
    assert prominence(_place("Ukraine", kind="country", subkind="country")) == 2
    assert prominence(_place("Texas", kind="region", subkind="admin1")) == 1
    assert prominence(_place("Lagos", population=9_000_000)) == 1
    assert prominence(_place("Malyn", population=25_000)) == 0


def test_own_row_gives_each_candidate_feature_and_the_focus_feature():
    area = _place("Lower Brenford", kind="region", subkind="admin1", population=999, country_code="ZZ")
    row = _own_row(Candidate(area, Match.ALIAS, "Brenford", 80.0, 1.0), True, 1.0, frozenset({"ZZ"}))
    expected = {"log_population": 3.0, "admin1": 1.0, "alias": 1.0, "spelling_distance": 2.0, "listed_only": 1.0}
    expected |= {"placed_by_text": 1.0}
    assert row == (*(expected.get(feature, 0.0) for feature in CANDIDATE_FEATURES), 1.0)
    town = _own_row(Candidate(_place("Brenford"), Match.NAME, "Brenford", 100.0, 1.0), False, 0.0, frozenset())
    assert town[1:] == (0.0,) * len(CANDIDATE_FEATURES) and town[0] == pytest.approx(3.0004, abs=1e-4)


def test_logit_of_a_probability_is_bounded_and_finite_at_zero_and_one():
    assert _logit(0.5) == 0.0 and _logit(0.9) == pytest.approx(math.log(9.0))
    assert _logit(0.1) == pytest.approx(-math.log(9.0))
    assert _logit(0.0) == _logit(-0.5) == _logit(0.001) == -LOGIT_BOUND
    assert _logit(1.0) == _logit(1.5) == _logit(0.999) == LOGIT_BOUND


def test_softmax_by_group_normalises_each_group():
    values = np.array([0.0, 0.0, 1.0, 5.0, -np.inf])
    log_total, shares = softmax_by_group(values, np.array([0, 3]))
    assert shares[:3].sum() == pytest.approx(1.0) and shares[3:].sum() == pytest.approx(1.0)
    assert shares[0] == pytest.approx(shares[1]) and shares[4] == 0.0
    assert log_total[1] == pytest.approx(5.0)


def test_runs_of_equal_values_and_each_values_run():
    assert _runs([0, 0, 2, 2, 2, 3]) == ([0, 2, 5], [0, 0, 1, 1, 1, 2])
    assert _runs([4, 1, 4]) == ([0, 1, 2], [0, 1, 2])
    assert _runs([]) == ([], [])


def test_codes_are_equal_for_equal_strings_and_never_for_missing_ones():
    codes = _codes(["UA", None, "US", "UA", "", None])
    assert codes[0] == codes[3] and len({codes[0], codes[2]}) == 2 and min(codes[0], codes[2]) >= 0
    assert len({codes[1], codes[4], codes[5]}) == 3 and max(codes[1], codes[4], codes[5]) < 0


def test_padded_rows_repeat_each_runs_last_row_up_to_the_longest_run():
    assert _padded_rows(name_bounds([0, 1, 4], 5)).tolist() == [[0, 0, 0], [1, 2, 3], [4, 4, 4]]
    assert _padded_rows(name_bounds([0], 2)).tolist() == [[0, 1]]
    assert _padded_rows(name_bounds([], 0)).shape == (0, 0)


def test_name_bounds_and_each_names_best_row():
    assert name_bounds([0, 1, 4], 6) == [(0, 1), (1, 4), (4, 6)]
    values = [0.5, 2.0, -1.0, 2.0, 0.1, 0.3]
    assert [best_row(values, start, end) for start, end in name_bounds([0, 1, 4], 6)] == [0, 1, 5]


def test_a_namesake_takes_only_strong_context(gazetteer):
    text = "Brussels and the United States"
    slate = build_slate(text, [_name(gazetteer, "Brussels", 0), _name(gazetteer, "United States", 13)], gazetteer)
    in_country = CONTEXT_FEATURES.index("in_named_country")
    rows = {(c.place.country_code, c.place.kind): i for i, c in enumerate(slate.candidates) if slate.owner[i] == 0}
    namesake, capital = rows[("US", "city")], rows[("BE", "city")]
    us = next(i for i, c in enumerate(slate.candidates) if c.place.kind == "country")
    assert slate.by_other[us, in_country, namesake] == 1.0
    assert not slate.receives[namesake, in_country] and slate.receives[capital].all()
    weak = [CONTEXT_FEATURES.index(f) for f in WEAK_CONTEXT]
    strong = [i for i in range(len(CONTEXT_FEATURES)) if i not in weak]
    assert not slate.receives[namesake, weak].any() and slate.receives[namesake, strong].all()


def test_a_place_gets_no_context_from_its_own_name(gazetteer):
    slate = build_slate("Paris", [_name(gazetteer, "Paris", 0)], gazetteer)
    assert not slate.by_other.any()
    scores, context = settle(slate, np.ones(len(FEATURES)))
    assert not context.any() and scores.shape == (len(slate),)


def test_context_lifts_the_reading_that_fits_the_other_names(gazetteer):
    text = "Paris and Tennessee"
    slate = build_slate(text, [_name(gazetteer, "Paris", 0), _name(gazetteer, "Tennessee", 10)], gazetteer)
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("in_named_admin1")] = 1.0
    scores, _ = settle(slate, weights)
    best = max((i for i in range(len(slate)) if slate.owner[i] == 0), key=lambda i: scores[i])
    assert slate.candidates[best].place.admin1 == "Tennessee"


def test_names_of_one_place_count_once_in_the_context(gazetteer):
    text = "Paris, Tennessee (Tenn.)"
    names = [_name(gazetteer, "Paris", 0), _name(gazetteer, "Tennessee", 7), _name(gazetteer, "Tenn.", 18)]
    paris = slice(0, len(names[0].candidates))
    with_alias, without = (build_slate(text, names[:count], gazetteer) for count in (3, 2))
    uniform = [softmax_by_group(np.zeros(len(slate)), slate.starts)[1] for slate in (with_alias, without)]
    context = [context_features(slate, shares)[paris] for slate, shares in zip((with_alias, without), uniform)]
    assert np.array_equal(context[0], context[1]) and context[0].any()


def test_the_committed_ranker_records_what_it_was_fitted_on():
    ranker = load_ranker()
    assert len(ranker.weights) == len(FEATURES) and len(ranker.calibration.weights) == len(CALIBRATION_FEATURES)
    fitted = ranker.fitted
    assert {c["name"] for c in fitted["corpora"]} == {"lgl.jsonl", "trnews.jsonl"}
    assert all(len(c["sha256"]) == 64 for c in fitted["corpora"])
    assert fitted["date"] and fitted["code_version"] and fitted["gazetteer"]
    for corpus, scores in fitted["cross_corpus"].items():
        assert corpus not in scores["fitted_on"] and 0.0 < scores["places"]["f1"] <= 1.0


def test_ranker_file_round_trip(tmp_path):
    ranker = load_ranker()
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(ranker.to_json()), encoding="utf-8")
    again = load_ranker(path)
    assert np.allclose(again.weights, ranker.weights) and again.abstain == pytest.approx(ranker.abstain)
    assert np.allclose(again.calibration.weights, ranker.calibration.weights)


def test_a_ranker_for_other_features_is_refused(tmp_path):
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankerInvalid, match="refit"):
        load_ranker(path)


@pytest.mark.parametrize("content", ["", "{not json", json.dumps({"format": 1})])
def test_a_file_that_is_not_a_ranker_is_refused(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RankerInvalid):
        load_ranker(path)


def test_a_missing_ranker_file_is_refused(tmp_path):
    with pytest.raises(RankerInvalid, match="cannot read"):
        load_ranker(tmp_path / "missing.json")


def test_calibration_is_a_logistic_function_of_its_features():
    calibration = Calibration(np.array([1.0, -1.0]), 0.5)
    confidence = calibration.confidence(np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]]))
    assert confidence[0] == pytest.approx(1 / (1 + np.exp(-0.5)))
    assert confidence[1] > confidence[0] > confidence[2]


def test_ranker_scores_are_the_weighted_features(gazetteer):
    slate = build_slate("Odesa", [_name(gazetteer, "Odesa", 0)], gazetteer)
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("log_population")] = 2.0
    ranker = Ranker(weights, 0.0, Calibration(np.zeros(len(CALIBRATION_FEATURES)), 0.0))
    expected = [2.0 * np.log10(c.place.population + 1) for c in slate.candidates]
    assert ranker.scores(slate) == pytest.approx(expected)


def test_reliability_table_and_expected_calibration_error():
    judged = [(0.95, True)] * 9 + [(0.95, False)] + [(0.55, True)] * 2 + [(0.55, False)] * 8
    table = reliability_table(judged)
    assert [(b.low, b.count) for b in table] == [(0.5, 10), (0.9, 10)]
    assert table[1].accuracy == pytest.approx(0.9) and table[0].accuracy == pytest.approx(0.2)
    assert expected_calibration_error(table) == pytest.approx((0.05 + 0.35) / 2)
    assert reliability_table([]) == [] and expected_calibration_error([]) == 0.0
    assert reliability_table([(1.0, True)])[0].high == 1.0


def test_a_candidate_for_a_demonym_is_its_country(gazetteer):
    country = gazetteer.country("UA")
    candidate = Candidate(country, Match.DEMONYM, "Ukrainian", 100.0, 10.0)
    toponym = Toponym(0, 9, "Ukrainian", "NORP", Evidence.DEMONYM, demonym=True)
    slate = build_slate("Ukrainian", [Name("demonym:UA", [toponym], [candidate])], gazetteer)
    assert len(slate) == 1 and not slate.abstains.any()
