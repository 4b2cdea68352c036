"""Resolve each recognised toponym of an article to one gazetteer place, with a confidence.

A reader resolves "Paris" with the rest of the article in mind, and so does this. Every
candidate of every name gets

    score = prior + SUPPORT_WEIGHT * support + qualifier bonus

- ``prior``: the gazetteer's context-free plausibility (population, kind, match quality).
- ``support``: how well the candidate fits the article's other names. For each other name,
  the best-fitting of *its* candidates counts, weighted by how plausible that candidate is for
  its own name: a place inside a country or admin area the article names, or near a place it
  names (a kernel on distance), fits. Looking at all candidates of the other names, not only at
  their favourites, lets a local reading win as a whole: "Paris" and "Henry County" are both
  in Tennessee, although each alone would go to France and Georgia. Demonyms ("Ukrainian")
  count as names of their country.
- qualifiers: "Armyansk, Crimea", "Belgorod, Russia", "Paris, Texas" put the first place
  inside the second; distance phrases ("Malyn, about 100 kilometers northwest of Kyiv") put it
  that far, and that way, from the second.

An admin area reached only through a bare name it shares with its city ("Kherson" for the
oblast) gets no support: the places around it support the city just as well, and a reader
takes a bare "Kherson" for the city unless the text says "region" or "oblast".

One name means one place throughout an article. A second round re-weights the other names'
candidates by the first round's result. The confidence is the share of the softmax over a
name's candidate scores that falls within ``SAME_PLACE_KM`` of the chosen place (Kyiv the city
and Kyiv the city-region are one answer), times the recognition confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from gazetteer import Candidate, Gazetteer, Match, Place, haversine_km, initial_bearing_deg
from gazetteer.normalize import name_key, split_area_suffix
from geo.parsing.toponym import Toponym

__all__ = ["Resolution", "resolve"]

CANDIDATES = 15
"""Candidates kept per name, best priors first."""
DEMONYM_PRIOR = 10.0
"""Prior of the country a demonym names: its only candidate, so it is chosen whatever the value."""
SUPPORT_WEIGHT = 3.5
"""Weight of the support from the article's other names against the prior."""
PROXIMITY_KM = 80.0
"""Distance at which two points' fit has fallen to 1/e (an exponential kernel)."""
COUNTRY_FIT = 0.4
"""Fit of a place with a country that contains it (weak: countries are big)."""
ADMIN_FIT = 1.0
"""Fit of a place with an admin area that contains it."""
PLAUSIBILITY_POWER = 0.5
"""How much another name's candidate counts is its softmax share to this power."""
MAX_NAME_WEIGHT = 2.0
"""Most a name counts in another's support, however often the article repeats it (once per mention)."""
QUALIFIER_BONUS = 8.0
"""Score bonus of a place inside the region or country written after it ("Paris, Texas")."""
DISTANCE_BONUS = 4.0
"""Score bonus of a place at the distance (and direction) a phrase gives from another."""
DISTANCE_TOLERANCE = 0.4
DISTANCE_TOLERANCE_KM = 20.0
"""A stated distance matches within this share of it, or this many km if more (news rounds)."""
BEARING_TOLERANCE = 60.0
"""Degrees a stated direction may be off ("northwest" covers 255-15 degrees)."""
MILE_KM = 1.609344
ANCHORS = 3
"""Candidates of the place a distance is measured from that are tried (best priors first)."""
BEARINGS = {
    "north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180, "southwest": 225, "west": 270,
    "northwest": 315,
}  # fmt: skip
_DISTANCE_RE = re.compile(
    r"[,\s]*(?:(?:which is|is|located|situated|lies|about|some|around|roughly|nearly|approximately|just|"
    r"less than|more than|almost|over|under)\s+)*"
    r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*-?\s*(?P<unit>km|kilometers|kilometres|miles|mi)\b"
    r"(?:\s*\([^)]{0,40}\))?\s*(?:to the\s+)?(?P<way>north|south|east|west|north-?east|north-?west|south-?east|"
    r"south-?west)?(?:ern)?\s*(?:of|from|outside)\s+(?:the\s+(?:city|town|village|capital)\s+of\s+)?",
    re.IGNORECASE,
)
SAME_PLACE_KM = 25.0
"""Candidates this close to the chosen one are the same answer (Kyiv the city and the city-region)."""
ROUNDS = 2
"""Rounds of re-weighting the other names' candidates by the previous round's scores."""
AREA_KINDS = frozenset({"country", "continent"})
"""Kinds too large to fit by nearness: their points say little about where they are."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """A toponym and the place it was resolved to (None when no candidate fits)."""

    toponym: Toponym
    place: Place | None
    confidence: float
    match: Match | None


@dataclass(slots=True)
class _Name:
    """One distinct name of the article, its mentions and its candidates."""

    key: str
    toponyms: list[Toponym]
    candidates: list[Candidate]


def resolve(text: str, toponyms: list[Toponym], gazetteer: Gazetteer) -> list[Resolution]:
    """Resolve an article's toponyms (demonyms and nested names included) to places."""
    names = _names(toponyms, gazetteer)
    flat = [(i, c) for i, name in enumerate(names) for c in name.candidates]
    chosen: dict[int, int] = {}
    shares: dict[int, float] = {}
    if flat:
        scores = _scores(text, names, flat)
        for i, name in enumerate(names):
            rows = [row for row, (owner, _) in enumerate(flat) if owner == i]
            if rows:
                best = max(rows, key=lambda row: scores[row])
                chosen[i] = best
                shares[i] = _location_share(flat, scores, rows, best)
    resolutions = []
    index = {name.key: i for i, name in enumerate(names)}
    for toponym in toponyms:
        i = index[_key(toponym, gazetteer)]
        if i not in chosen:
            resolutions.append(Resolution(toponym, None, 0.0, None))
            continue
        candidate = flat[chosen[i]][1]
        match = Match.DEMONYM if toponym.demonym else candidate.match
        resolutions.append(Resolution(toponym, candidate.place, round(shares[i] * toponym.confidence, 3), match))
    return resolutions


def _key(toponym: Toponym, gazetteer: Gazetteer) -> str:
    if toponym.demonym:
        return f"demonym:{gazetteer.demonym_country(toponym.text)}"
    return name_key(toponym.name)


def _names(toponyms: list[Toponym], gazetteer: Gazetteer) -> list[_Name]:
    names: dict[str, _Name] = {}
    for toponym in toponyms:
        key = _key(toponym, gazetteer)
        if key not in names:
            names[key] = _Name(key, [], _candidates(toponym, gazetteer))
        names[key].toponyms.append(toponym)
    return list(names.values())


def _candidates(toponym: Toponym, gazetteer: Gazetteer) -> list[Candidate]:
    if toponym.demonym:
        code = gazetteer.demonym_country(toponym.text)
        country = gazetteer.country(code) if code else None
        return [Candidate(country, Match.DEMONYM, toponym.text, 100.0, DEMONYM_PRIOR)] if country else []
    fuzzy = toponym.label in ("GPE", "LOC")
    return gazetteer.candidates(toponym.name, fuzzy=fuzzy, limit=CANDIDATES)


def _scores(text: str, names: list[_Name], flat: list[tuple[int, Candidate]]) -> np.ndarray:
    owner = np.array([i for i, _ in flat])
    prior = np.array([c.prior for _, c in flat])
    receives = np.array([c.match != Match.AREA or split_area_suffix(names[i].key)[1] for i, c in flat])
    fit = _fit_matrix([c.place for _, c in flat])
    same_name = owner[:, None] == owner[None, :]
    fit[same_name] = 0.0
    weight = np.array([min(MAX_NAME_WEIGHT, float(len(names[i].toponyms))) for i in owner])
    scores = prior + _pair_bonus(text, names, flat)
    for _ in range(ROUNDS):
        plausibility = _shares(scores, owner) ** PLAUSIBILITY_POWER
        weighted = fit * plausibility[None, :]
        support = np.zeros(len(flat))
        for i in np.unique(owner):
            columns = owner == i
            support += weight[columns][0] * weighted[:, columns].max(axis=1)
        scores = prior + SUPPORT_WEIGHT * support * receives + _pair_bonus(text, names, flat)
    return scores


def _fit_matrix(places: list[Place]) -> np.ndarray:
    """How well place i fits with place j: containment in a country or admin area, or nearness."""
    lat = np.array([p.lat for p in places])
    lon = np.array([p.lon for p in places])
    km = haversine_km(lat[None, :], lon[None, :], lat[:, None], lon[:, None])
    pointlike = np.array([p.kind not in AREA_KINDS for p in places])
    fit = np.exp(-km / PROXIMITY_KM) * (pointlike[:, None] & pointlike[None, :])
    country = np.array([p.country_code or "" for p in places])
    admin1 = np.array([p.admin1_code or "" for p in places])
    is_country = np.array([p.kind == "country" for p in places])
    is_admin1 = np.array([p.subkind == "admin1" for p in places])
    same_country = (country[:, None] == country[None, :]) & (country[:, None] != "")
    same_admin1 = (admin1[:, None] == admin1[None, :]) & (admin1[:, None] != "")
    contains = (same_country & (is_country[:, None] | is_country[None, :])) * COUNTRY_FIT
    contains = np.maximum(contains, (same_admin1 & (is_admin1[:, None] | is_admin1[None, :])) * ADMIN_FIT)
    return np.maximum(fit, contains)


def _shares(scores: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Softmax of scores within each name."""
    shares = np.empty_like(scores)
    for i in np.unique(owner):
        rows = owner == i
        weights = np.exp(scores[rows] - scores[rows].max())
        shares[rows] = weights / weights.sum()
    return shares


def _pair_bonus(text: str, names: list[_Name], flat: list[tuple[int, Candidate]]) -> np.ndarray:
    """Bonuses from how two neighbouring toponyms are written: "Paris, Texas" puts the first inside
    the second; "Malyn, about 100 kilometers northwest of Kyiv" puts it that far (and that way)
    from the second."""
    bonus = np.zeros(len(flat))
    index = {name.key: i for i, name in enumerate(names)}
    toponyms = sorted((t for name in names for t in name.toponyms if not t.demonym), key=lambda t: t.start)
    for first, second in zip(toponyms, toponyms[1:]):
        between = text[first.end : second.start]
        inner, outer = index[name_key(first.name)], index[name_key(second.name)]
        if inner == outer:
            continue
        if between.strip() == "," and len(between) <= 3:
            containers = [c.place for i, c in flat if i == outer and c.place.kind in ("country", "region")]
            for row, (i, candidate) in enumerate(flat):
                if i == inner and any(_inside(candidate.place, container) for container in containers):
                    bonus[row] = max(bonus[row], QUALIFIER_BONUS)
        elif (phrase := _DISTANCE_RE.fullmatch(between)) is not None:
            anchors = [c.place for i, c in flat if i == outer][:ANCHORS]
            km = float(phrase["amount"].replace(",", "")) * (MILE_KM if phrase["unit"].startswith("mi") else 1.0)
            for row, (i, candidate) in enumerate(flat):
                if i == inner and any(_at_distance(candidate.place, anchor, km, phrase["way"]) for anchor in anchors):
                    bonus[row] = max(bonus[row], DISTANCE_BONUS)
    return bonus


def _at_distance(place: Place, anchor: Place, km: float, way: str | None) -> bool:
    """Whether a place lies about ``km`` from the anchor, in the direction given (if any)."""
    distance = haversine_km(anchor.lat, anchor.lon, place.lat, place.lon)
    if abs(distance - km) > max(DISTANCE_TOLERANCE_KM, km * DISTANCE_TOLERANCE):
        return False
    if not way:
        return True
    bearing = initial_bearing_deg(anchor.lat, anchor.lon, place.lat, place.lon)
    expected = BEARINGS[way.lower().replace("-", "")]
    return abs((bearing - expected + 180) % 360 - 180) <= BEARING_TOLERANCE


def _inside(place: Place, container: Place) -> bool:
    if place.id == container.id:
        return False
    if container.kind == "country":
        return place.country_code == container.country_code
    if container.subkind == "admin1":
        return place.admin1_code == container.admin1_code
    return place.country_code == container.country_code


def _location_share(flat: list[tuple[int, Candidate]], scores: np.ndarray, rows: list[int], best: int) -> float:
    """Softmax share of the chosen candidate's location among its name's candidates."""
    chosen = flat[best][1].place
    values = scores[rows]
    weights = np.exp(values - values.max())
    lat = np.array([flat[r][1].place.lat for r in rows])
    lon = np.array([flat[r][1].place.lon for r in rows])
    km = haversine_km(chosen.lat, chosen.lon, lat, lon)
    return float(weights[km <= SAME_PLACE_KM].sum() / weights.sum())
