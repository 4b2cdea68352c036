"""Resolve each recognised toponym of an article to one gazetteer place, with a confidence.

A reader resolves "Paris" with the rest of the article in mind, and so does this:

- the gazetteer's context-free prior (population, kind, how well the name matched);
- explicit qualifiers: "Armyansk, Crimea", "Belgorod, Russia", "Paris, Texas" put the first
  place inside the second;
- the countries and admin areas the article is about (named places and demonyms, weighted by
  how often they come up): candidates inside them gain;
- coherence: a candidate close to the article's other places gains (a compact reading beats a
  scattered one);
- one sense per article: the same name means the same place throughout.

Choices are made by a few rounds of re-scoring, starting from the priors. The confidence is the
chosen candidate's share of the softmax over its candidates' scores, times the recognition
confidence.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from gazetteer import Candidate, Gazetteer, Place, haversine_km
from gazetteer.normalize import name_key
from geo.recognize import Toponym

ROUNDS = 3
CANDIDATES = 25
COUNTRY_WEIGHT = 1.2
ADMIN1_WEIGHT = 1.0
PROXIMITY_WEIGHT = 1.5
PROXIMITY_KM = 400.0
QUALIFIER_WEIGHT = 6.0
SAME_PLACE_KM = 25.0
CONTAINER_KINDS = frozenset({"country", "continent", "region"})


@dataclass(frozen=True, slots=True)
class Resolution:
    """A toponym and the place it was resolved to (None when no candidate fits)."""

    toponym: Toponym
    place: Place | None
    confidence: float
    match: str | None


@dataclass(slots=True)
class _Name:
    key: str
    toponyms: list[Toponym]
    candidates: list[Candidate]
    qualifiers: set[str]
    choice: int = 0


def _qualifier_pairs(text: str, toponyms: list[Toponym]) -> list[tuple[Toponym, Toponym]]:
    """(place, qualifier) pairs written "Place, Qualifier" ("Armyansk, Crimea")."""
    pairs = []
    for first, second in zip(toponyms, toponyms[1:]):
        between = text[first.end : second.start]
        if between.strip() == "," and len(between) <= 3:
            pairs.append((first, second))
    return pairs


def _place_in(place: Place, container: Place) -> bool:
    if container.kind == "country":
        return place.country_code == container.country_code and place.id != container.id
    if container.kind == "region" and container.subkind == "admin1":
        return place.admin1_code == container.admin1_code and place.id != container.id
    if container.kind == "region":
        return place.country_code == container.country_code and place.id != container.id
    return False


def _location_share(candidates: list[Candidate], scores: list[float], index: int) -> float:
    """Softmax share of the chosen candidate's location: candidates within ``SAME_PLACE_KM`` of it
    (Kyiv the city and Kyiv the city-region) count as the same answer."""
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    chosen = candidates[index].place
    same = sum(
        w
        for c, w in zip(candidates, weights)
        if haversine_km(c.place.lat, c.place.lon, chosen.lat, chosen.lon) <= SAME_PLACE_KM
    )
    return same / sum(weights)


def resolve(text: str, toponyms: list[Toponym], gazetteer: Gazetteer) -> list[Resolution]:
    """Resolve an article's toponyms (demonyms included as context) to places."""
    names: dict[str, _Name] = {}
    demonym_countries: Counter[str] = Counter()
    for toponym in toponyms:
        if toponym.demonym:
            code = gazetteer.demonym_country(toponym.text)
            if code:
                demonym_countries[code] += 1
            continue
        key = name_key(toponym.text)
        if key not in names:
            fuzzy = toponym.label in ("GPE", "LOC")
            names[key] = _Name(key, [], gazetteer.candidates(toponym.text, fuzzy=fuzzy, limit=CANDIDATES), set())
        names[key].toponyms.append(toponym)

    plain = [t for t in toponyms if not t.demonym]
    for place_toponym, qualifier in _qualifier_pairs(text, plain):
        names[name_key(place_toponym.text)].qualifiers.add(name_key(qualifier.text))

    scores: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        chosen = {key: n.candidates[n.choice].place for key, n in names.items() if n.candidates}
        weights = {key: len(n.toponyms) for key, n in names.items()}
        countries: Counter[str] = Counter(demonym_countries)
        admin1s: Counter[str] = Counter()
        for key, place in chosen.items():
            if place.country_code:
                countries[place.country_code] += weights[key]
            if place.admin1_code:
                admin1s[place.admin1_code] += weights[key]
        for key, name in names.items():
            scores[key] = [
                _score(candidate, key, name, chosen, weights, countries, admin1s) for candidate in name.candidates
            ]
            if scores[key]:
                name.choice = max(range(len(scores[key])), key=scores[key].__getitem__)

    resolutions = []
    for toponym in toponyms:
        if toponym.demonym:
            code = gazetteer.demonym_country(toponym.text)
            place = gazetteer.country(code) if code else None
            resolutions.append(Resolution(toponym, place, toponym.confidence if place else 0.0, "demonym"))
            continue
        name = names[name_key(toponym.text)]
        if not name.candidates:
            resolutions.append(Resolution(toponym, None, 0.0, None))
            continue
        chosen = name.candidates[name.choice]
        share = _location_share(name.candidates, scores[name.key], name.choice)
        resolutions.append(Resolution(toponym, chosen.place, round(share * toponym.confidence, 3), chosen.match))
    return resolutions


def _score(
    candidate: Candidate,
    key: str,
    name: _Name,
    chosen: dict[str, Place],
    weights: dict[str, int],
    countries: Counter[str],
    admin1s: Counter[str],
) -> float:
    place = candidate.place
    score = candidate.prior
    own = chosen.get(key)
    own_weight = weights[key]
    if place.country_code:
        others = countries[place.country_code] - (own_weight if own and own.country_code == place.country_code else 0)
        score += COUNTRY_WEIGHT * math.log1p(max(others, 0))
    if place.admin1_code and place.kind != "country":
        others = admin1s[place.admin1_code] - (own_weight if own and own.admin1_code == place.admin1_code else 0)
        score += ADMIN1_WEIGHT * math.log1p(max(others, 0))
    for qualifier_key in name.qualifiers:
        container = chosen.get(qualifier_key)
        if container is not None and container.kind in CONTAINER_KINDS and _place_in(place, container):
            score += QUALIFIER_WEIGHT
    if place.kind not in ("country", "continent"):
        closeness = [
            math.exp(-haversine_km(place.lat, place.lon, other.lat, other.lon) / PROXIMITY_KM)
            for other_key, other in chosen.items()
            if other_key != key and other.kind not in ("country", "continent")
        ]
        if closeness:
            score += PROXIMITY_WEIGHT * max(closeness)
    return score
