"""Resolve each recognised toponym of an article to one gazetteer place, with a confidence.

A reader resolves "Paris" with the rest of the article in mind, and so does this:

1. The article's toponyms are grouped by name: one name means one place throughout an article.
   Each name gets its gazetteer candidates (a demonym, "Ukrainian", has its country as its only
   candidate). A name the gazetteer matches only approximately, as a place the article spells
   right elsewhere, is that place ("Mauripol" beside "Mariupol"). Otherwise a misspelling that
   would land on a prominent place (``features.prominent``: a country, an admin1 area, a capital,
   a world city...) is dropped: "Austrasia" is not Australia.
2. Every candidate is scored by the fitted ranker (``geo.parsing.ranker``) over its features
   (``geo.parsing.features``): its own (population, kind, how the name matched, "Paris, Texas",
   "40 miles north of Dallas") and its fit with the article's other names, counting all their
   plausible candidates, so a consistent local reading ("Paris" and "Henry County", both in
   Tennessee) beats two famous ones.
3. Each name takes its best candidate. A name none of whose candidates has it as its own name
   (only as an alternate name, an area form or an approximate spelling) also has a "no place"
   reading; when that scores higher (unknown beats wrong) the mention has no place.
   A bare name of both a city and the admin area around it is the city ("Kyiv", "Kherson"),
   unless the text names the area ("Kherson region"): one place, one marker.
4. The confidence is calibrated (``geo.parsing.calibration``): among mentions scored about c,
   about c are right. Its main inputs are the ranker's share for the chosen place (the softmax
   over the name's readings, counting candidates within ``SAME_PLACE_KM`` of the chosen one as
   the same answer: Kyiv the city and Kyiv the city-region) and the recognition confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gazetteer import APPROXIMATE, EXACT_NAME, Candidate, Gazetteer, Match, Place
from gazetteer.normalize import name_key, split_area_suffix
from geo.parsing.calibration import calibration_features
from geo.parsing.features import Name, Slate, best_row, build_slate, prominent
from geo.parsing.ranker import Ranker, load_ranker
from geo.parsing.toponym import Toponym

__all__ = ["Ranking", "Resolution", "article_names", "rank", "resolve", "toponym_key"]

CANDIDATES = 15
"""Candidates kept per name, best priors first."""
DEMONYM_PRIOR = 10.0
"""Prior of the country a demonym names: its only candidate, so it is chosen whatever the value."""
SAME_PLACE_KM = 25.0
"""Candidates this close to the chosen one are the same answer (Kyiv the city and the city-region)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """A toponym and the place it was resolved to (None: no candidate, or none good enough)."""

    toponym: Toponym
    place: Place | None
    confidence: float
    match: Match | None


@dataclass(frozen=True, slots=True)
class Ranking:
    """An article's names, their candidates' scores, and what each name resolved to."""

    slate: Slate
    scores: np.ndarray
    chosen: list[int | None]
    """Per name, the row of its chosen candidate (None: unresolved)."""
    place_shares: list[float]
    """Per name, the ranker's share for the chosen place (0 when unresolved)."""


def resolve(
    text: str,
    toponyms: list[Toponym],
    gazetteer: Gazetteer,
    *,
    ranker: Ranker | None = None,
    focus: frozenset[str] = frozenset(),
) -> list[Resolution]:
    """Resolve an article's toponyms (demonyms and nested names included) to places.

    ``ranker``: the fitted ranker (default: the committed one); ``focus``: ISO codes of the
    countries the news is about, whose places get the ranker's focus weight.
    """
    ranker = ranker or load_ranker()
    ranking = rank(text, toponyms, gazetteer, ranker, focus)
    resolved: list[tuple[Toponym, Candidate, Match]] = []
    rows = []
    unresolved = {}
    for i, name in enumerate(ranking.slate.names):
        row = ranking.chosen[i]
        if row is None:
            unresolved.update({id(t): Resolution(t, None, 0.0, None) for t in name.toponyms})
            continue
        candidate = ranking.slate.candidates[row]
        for toponym in name.toponyms:
            match = Match.DEMONYM if toponym.demonym else candidate.match
            resolved.append((toponym, candidate, match))
            rows.append(
                calibration_features(
                    place_share=ranking.place_shares[i],
                    recognition=toponym.confidence,
                    place=candidate.place,
                    match=match,
                    demonym=toponym.demonym,
                    nested=toponym.nested,
                    candidates=len(name.candidates),
                )
            )
    confidences = ranker.calibration.confidence(np.array(rows)) if rows else []
    resolutions = {
        id(toponym): Resolution(toponym, candidate.place, round(float(confidence), 3), match)
        for (toponym, candidate, match), confidence in zip(resolved, confidences)
    }
    return [resolutions.get(id(t)) or unresolved[id(t)] for t in toponyms]


def rank(text: str, toponyms: list[Toponym], gazetteer: Gazetteer, ranker: Ranker, focus: frozenset[str]) -> Ranking:
    """Score every candidate of every name of an article and choose each name's place."""
    slate = build_slate(text, article_names(toponyms, gazetteer), gazetteer, focus)
    scores = ranker.scores(slate) if len(slate) else np.zeros(0)
    chosen: list[int | None] = [None] * len(slate.names)
    place_shares = [0.0] * len(slate.names)
    values = scores.tolist()
    for (start, end), abstains in zip(slate.bounds(), slate.abstains.tolist()):
        best = best_row(values, start, end)
        abstain = ranker.abstain if abstains else None
        if abstain is not None and values[best] <= abstain:
            continue
        name = int(slate.owner[start])
        chosen[name] = _canonical(slate, values, range(start, end), best)
        place_shares[name] = _place_share(slate, scores, slice(start, end), chosen[name], abstain)
    return Ranking(slate, scores, chosen, place_shares)


def toponym_key(toponym: Toponym, gazetteer: Gazetteer) -> str:
    """The key under which an article's toponyms are one name."""
    if toponym.demonym:
        return f"demonym:{gazetteer.demonym_country(toponym.text)}"
    return name_key(toponym.name)


def article_names(toponyms: list[Toponym], gazetteer: Gazetteer) -> list[Name]:
    """An article's distinct names with their mentions and candidates, in order of first mention
    (approximate spellings filtered as the module's docstring says)."""
    names: dict[str, Name] = {}
    for toponym in toponyms:
        key = toponym_key(toponym, gazetteer)
        if key not in names:
            names[key] = Name(key, [], _candidates(toponym, gazetteer))
        names[key].toponyms.append(toponym)
    spelled_right = {c.place.id for name in names.values() for c in name.candidates if c.match not in APPROXIMATE}
    for name in names.values():
        approximate = [c for c in name.candidates if c.match in APPROXIMATE]
        if not approximate:
            continue  # spelled right: every candidate is admissible
        echoes = [c for c in approximate if c.place.id in spelled_right]
        if echoes and len(approximate) == len(name.candidates):
            name.candidates, name.echo = echoes, True
        else:
            name.candidates = [c for c in name.candidates if _admissible(c, spelled_right)]
    return list(names.values())


def _candidates(toponym: Toponym, gazetteer: Gazetteer) -> list[Candidate]:
    if toponym.demonym:
        code = gazetteer.demonym_country(toponym.text)
        country = gazetteer.country(code) if code else None
        return [Candidate(country, Match.DEMONYM, toponym.text, 100.0, DEMONYM_PRIOR)] if country else []
    fuzzy = toponym.label in ("GPE", "LOC")
    return gazetteer.candidates(toponym.name, fuzzy=fuzzy, limit=CANDIDATES)


def _admissible(candidate: Candidate, spelled_right: set[int]) -> bool:
    """The floor under misspellings: one that lands on a prominent place counts only when the
    article names that place by a right spelling too (transliterations always count)."""
    if candidate.match != Match.FUZZY:
        return True
    return not prominent(candidate.place) or candidate.place.id in spelled_right


def _canonical(slate: Slate, scores: list[float], rows: range, best: int) -> int:
    """The city rather than an admin area, when a bare name is both's and the area is the city's
    own (the city of Kyiv as a region, within ``SAME_PLACE_KM``) or one the city lies in and shares
    its name with (Khersonska oblast for "Kherson"): a reader takes the city, unless the text names
    the area ("Kherson region")."""
    chosen = slate.candidates[best]
    area = chosen.place
    if area.kind != "region" or not area.subkind.startswith("admin"):
        return best
    if split_area_suffix(slate.names[int(slate.owner[best])].key)[1]:
        return best

    def its_city(row: int) -> bool:
        city = slate.candidates[row]
        return (
            city.place.kind == "city"
            and city.match in EXACT_NAME
            and city.place.country_code == area.country_code
            and (
                slate.km[best, row] <= SAME_PLACE_KM
                or (chosen.match == Match.AREA and city.place.admin1_code == area.admin1_code)
            )
        )

    cities = [row for row in rows if its_city(row)]
    return max(cities, key=lambda row: scores[row]) if cities else best


def _place_share(slate: Slate, scores: np.ndarray, rows: slice, chosen: int, abstain: float | None) -> float:
    """Softmax share of the chosen place among a name's readings (its candidates, and "no place"
    when the name may be left unresolved), counting candidates within ``SAME_PLACE_KM`` of it as
    the same place (1 for a name's only candidate when the name may not be left unresolved)."""
    if abstain is None and rows.stop - rows.start == 1:
        return 1.0
    values = scores[rows]
    # The ufuncs' own reductions: the same sums and maxima as the array methods, without their Python wrappers.
    top = np.maximum.reduce(values) if abstain is None else max(np.maximum.reduce(values), abstain)
    weights = np.exp(values - top)
    same = slate.km[chosen, rows] <= SAME_PLACE_KM
    no_place = 0.0 if abstain is None else np.exp(abstain - top)
    return float(np.add.reduce(weights[same]) / (np.add.reduce(weights) + no_place))
