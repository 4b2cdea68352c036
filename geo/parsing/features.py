"""What the ranker sees of an article's candidate places: one row of features per candidate.

An article's distinct names and all their gazetteer candidates form a ``Slate``. Each candidate
gets features of its own (population, kind, how the name matched), features of how the text
writes it next to another name ("Paris, Texas", "40 miles north of Dallas"), whether it lies in a
focus country, and features of how it fits the article's other names (``context_features``):
lying inside a country, admin area or region the article names, containing places it names,
lying near them. The other names count through their own candidates, each weighted by how
plausible it is for its name (its share of the name's scores), so the context is recomputed as
the scores settle (``geo.parsing.ranker``). Which feature counts how much is not set here: the
weights are fitted (``python -m geo fit``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gazetteer import EXACT_NAME, Candidate, Gazetteer, Match, Place, haversine_km, initial_bearing_deg
from gazetteer.normalize import split_area_suffix
from geo.parsing.toponym import Toponym

__all__ = [
    "CANDIDATE_FEATURES",
    "CONTEXT_FEATURES",
    "FEATURES",
    "FOCUS_FEATURE",
    "Name",
    "Slate",
    "context_features",
    "build_slate",
    "prominence",
    "prominent",
    "softmax_by_group",
]

CANDIDATE_FEATURES = (
    "log_population",
    "country",
    "continent",
    "admin1",
    "admin_other",
    "named_region",
    "feature",
    "capital",
    "alias",
    "variant",
    "alternate",
    "area_form",
    "translit",
    "fuzzy",
    "spelling_distance",
    "listed_only",
    "placed_by_text",
)
"""Features of a candidate on its own: log10(population + 1); its kind (a city is none of them;
``named_region`` is a region of our reviewed data files, ``admin_other`` an admin area below
admin1); a capital; how the name
reached it (a primary name is none of them); how far the spelling is (100 - rapidfuzz ratio, in
tens); whether it has the name only among its alternate names or area forms while another
candidate has it as its own name ("Philadelphia": Amman's ancient name); and whether the text
places it by the next name: inside it ("Paris, Texas") or at the distance and direction a phrase
gives from it ("40 miles north of Dallas"). (One feature for both: distance phrases are too
rare in the gold corpora for a weight of their own.)"""
CONTEXT_FEATURES = (
    "in_named_country",
    "in_named_admin1",
    "in_named_region",
    "contains_named_place",
    "same_country_as_named",
    "near_named_25km",
    "near_named_100km",
    "near_named_400km",
)
"""Features of a candidate's fit with the article's other names: lying inside a country, an admin1
area, or a continent or informal region the article names; being a country, admin1 area or region
that contains a place it names; lying in the same country as a place it names; lying near a place
it names (exponential kernels of 25, 100 and 400 km). Each is log(1 + the sum over the other
names), each name counting with its best-fitting candidate and names of one place counting once:
the tenth Ukrainian town an article names adds less than the second."""
WEAK_CONTEXT = ("in_named_country", "in_named_region", "same_country_as_named", "near_named_400km")
"""Context that says only which part of the world an article is about: it does not count for a
namesake of a more prominent place (``prominence``), which needs strong evidence to win: a
qualifier, the admin area it lies in, a place near it, places it contains. An article that names
the United States says nothing for Brussels, Wisconsin against Brussels, nor for Washington
State against Washington, D.C."""
FOCUS_FEATURE = "in_focus_country"
"""Whether the candidate lies in one of the countries the user said the news is about."""
FEATURES = (*CANDIDATE_FEATURES, *CONTEXT_FEATURES, FOCUS_FEATURE)
"""Every feature, in the order of the ranker's weights."""

FOREMOST_KINDS = frozenset({"country", "continent"})
FOREMOST_SUBKINDS = frozenset({"capital"})
PROMINENT_KINDS = frozenset({"feature"})
PROMINENT_SUBKINDS = frozenset({"admin1", "region"})
WORLD_CITY_POPULATION = 1_000_000
"""Prominence (``prominence``): foremost are countries, continents and capitals (seats of
government); prominent are reviewed features and regions, admin1 areas, and cities of at least
this many people (known by name the world over)."""
ROW_CACHE = 20_000
"""Candidates whose own features are kept: about 1.3 kB each with the candidate they keep alive (26 MB
when full, per parsing process); 1,500 news articles ask about 6,000 candidates, and the cache saves
2% of parse time."""
KERNELS_KM = (25.0, 100.0, 400.0)
"""Distances at which the nearness features fall to 1/e: a town's neighbours, its region, its part of a country."""
PLAUSIBILITY_POWER = 0.5
"""Another name's candidate counts with its share of that name's scores to this power (a softened share)."""
BROAD_KINDS = frozenset({"country", "continent"})
"""Kinds whose point says little about where they are: never near anything."""
MILE_KM = 1.609344
DISTANCE_TOLERANCE = 0.4
DISTANCE_TOLERANCE_KM = 20.0
"""A stated distance matches within this share of it, or this many km if more (news rounds)."""
BEARING_TOLERANCE = 60.0
"""Degrees a stated direction may be off ("northwest" covers 255-15 degrees)."""
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
OWN_NAME = EXACT_NAME | {Match.DEMONYM}
"""How a name reaches a place that has it as its own: a demonym names its country."""
_KINDS = {
    "country": lambda p: p.kind == "country",
    "continent": lambda p: p.kind == "continent",
    "admin1": lambda p: p.subkind == "admin1",
    "admin_other": lambda p: p.kind == "region" and p.subkind.startswith("admin") and p.subkind != "admin1",
    "named_region": lambda p: p.kind == "region" and p.subkind == "region",
    "feature": lambda p: p.kind == "feature",
    "capital": lambda p: p.subkind == "capital",
}
_MATCHES = {
    "alias": Match.ALIAS,
    "variant": Match.VARIANT,
    "alternate": Match.ALTERNATE,
    "area_form": Match.AREA,
    "translit": Match.TRANSLIT,
    "fuzzy": Match.FUZZY,
}


@dataclass(slots=True)
class Name:
    """One distinct name of an article, its mentions and its candidates."""

    key: str
    toponyms: list[Toponym]
    candidates: list[Candidate]
    echo: bool = False
    """Whether the name misspells places the article spells right elsewhere (its candidates are those)."""

    @property
    def demonym(self) -> bool:
        return self.toponyms[0].demonym


@dataclass(frozen=True, slots=True)
class Slate:
    """Every candidate of every name of an article, and what the ranker needs of them."""

    names: list[Name]
    owner: np.ndarray
    """Index into ``names`` of each row's name (a name's rows are consecutive)."""
    starts: np.ndarray
    """First row of each name that has candidates, in row order."""
    group: np.ndarray
    """Index into ``starts`` of each row's name."""
    candidates: list[Candidate]
    place_ids: np.ndarray
    """Gazetteer id of each row's place."""
    own: np.ndarray
    """Rows x ``CANDIDATE_FEATURES`` and the focus feature: what does not depend on the other names' scores."""
    relations: np.ndarray
    """``CONTEXT_FEATURES`` x rows x rows: how row i relates to row j (0 for rows of the same name)."""
    receives: np.ndarray
    """Rows x ``CONTEXT_FEATURES``: whether a row takes each context feature (none for an admin area
    reached by a bare name it shares with its city; no weak context for a prominent place's namesake)."""
    km: np.ndarray
    """Rows x rows: distances between the candidates' points."""
    abstains: np.ndarray
    """Per name in ``starts``: whether it may be left unresolved, because no candidate has the name
    as its own (primary name, alias or spelling variant) and it misspells no place the article
    names: a name with no good entry."""

    def __len__(self) -> int:
        return len(self.candidates)


def build_slate(text: str, names: list[Name], gazetteer: Gazetteer, focus: frozenset[str] = frozenset()) -> Slate:
    """The slate of an article's names and their candidates (``focus``: ISO codes of focus countries)."""
    rows = [(i, c) for i, name in enumerate(names) for c in name.candidates]
    owner = np.array([i for i, _ in rows], dtype=int)
    candidates = [c for _, c in rows]
    places = [c.place for c in candidates]
    own_name = {i for i, c in rows if c.match in OWN_NAME}
    listed_only = np.array([float(c.match in (Match.ALTERNATE, Match.AREA) and i in own_name) for i, c in rows])
    own = np.column_stack(
        [
            _candidate_features(candidates),
            listed_only,
            _placed_by_text(text, names, rows),
            np.array([float(p.country_code in focus) for p in places]),
        ]
    )
    lat = np.array([p.lat for p in places])
    lon = np.array([p.lon for p in places])
    km = haversine_km(lat[None, :], lon[None, :], lat[:, None], lon[:, None])
    relations = _relations(places, km, gazetteer)
    relations[:, owner[:, None] == owner[None, :]] = 0.0
    receives = _receives(names, rows, owner)
    starts = np.flatnonzero(np.diff(owner, prepend=-1)) if rows else np.zeros(0, dtype=int)
    group = np.cumsum(np.diff(owner, prepend=-1) != 0) - 1
    abstains = np.array([owner[start] not in own_name and not names[owner[start]].echo for start in starts], dtype=bool)
    place_ids = np.array([p.id for p in places], dtype=np.int64)
    return Slate(names, owner, starts, group, candidates, place_ids, own, relations, receives, km, abstains)


def prominence(place: Place) -> int:
    """2 for the foremost places, 1 for other prominent ones, 0 for the rest (see ``WORLD_CITY_POPULATION``)."""
    if place.kind in FOREMOST_KINDS or place.subkind in FOREMOST_SUBKINDS:
        return 2
    if place.kind in PROMINENT_KINDS or place.subkind in PROMINENT_SUBKINDS:
        return 1
    return int(place.population >= WORLD_CITY_POPULATION)


def prominent(place: Place) -> bool:
    """Whether news names the place without a qualifier: any ``prominence``."""
    return prominence(place) > 0


def _receives(names: list[Name], rows: list[tuple[int, Candidate]], owner: np.ndarray) -> np.ndarray:
    """Rows x ``CONTEXT_FEATURES``: which context each row takes."""
    area_named = np.array([split_area_suffix(name.key)[1] for name in names], dtype=bool)
    rank = np.array([prominence(c.place) for _, c in rows], dtype=int)
    most = np.zeros(len(names), dtype=int)
    np.maximum.at(most, owner, rank)
    bare_area = np.array([c.match == Match.AREA for _, c in rows], dtype=bool) & ~area_named[owner]
    weak = np.array([feature in WEAK_CONTEXT for feature in CONTEXT_FEATURES])
    namesake = (rank < most[owner])[:, None] & weak[None, :]
    return ~(bare_area[:, None] | namesake)


def _candidate_features(candidates: list[Candidate]) -> np.ndarray:
    width = 1 + len(_KINDS) + len(_MATCHES) + 1
    return np.array([_own_row(c) for c in candidates], dtype=float).reshape(len(candidates), width)


@lru_cache(maxsize=ROW_CACHE)
def _own_row(candidate: Candidate) -> tuple[float, ...]:
    """A candidate's features of its own but the name-relative ones (the gazetteer hands out the
    same candidates for the same names, so they are computed once)."""
    return (
        math.log10(candidate.place.population + 1),
        *(float(is_kind(candidate.place)) for is_kind in _KINDS.values()),
        *(float(candidate.match == match) for match in _MATCHES.values()),
        (100.0 - candidate.similarity) / 10.0,
    )


def _relations(places: list[Place], km: np.ndarray, gazetteer: Gazetteer) -> np.ndarray:
    """How each candidate relates to each other: containment, same country, nearness."""
    n = len(places)
    if not n:
        return np.zeros((len(CONTEXT_FEATURES), 0, 0), np.float32)
    ids = np.array([p.id for p in places])
    country = np.array([p.country_code or "" for p in places])
    admin1 = np.array([p.admin1_code or "" for p in places])
    is_country = np.array([p.kind == "country" for p in places])
    is_admin1 = np.array([p.subkind == "admin1" for p in places])
    members = [gazetteer.members(p) for p in places]
    has_members = np.array([bool(m) for m in members])
    pointlike = np.array([p.kind not in BROAD_KINDS for p in places]) & ~has_members
    different = ids[:, None] != ids[None, :]
    same_country = (country[:, None] == country[None, :]) & (country[:, None] != "") & different
    same_admin1 = (admin1[:, None] == admin1[None, :]) & (admin1[:, None] != "") & different
    member_of = np.zeros((n, n), dtype=bool)
    for j in np.flatnonzero(has_members):
        member_of[:, j] = [(p.country_code in members[j] or p.admin1_code in members[j]) for p in places]
    member_of &= different
    in_country = same_country & is_country[None, :] & ~is_country[:, None]
    in_admin1 = same_admin1 & is_admin1[None, :] & ~is_admin1[:, None]
    contains = in_country.T | in_admin1.T | member_of.T
    both_points = pointlike[:, None] & pointlike[None, :]
    near = [np.exp(-km / scale) * both_points * different for scale in KERNELS_KM]
    relations = [in_country, in_admin1, member_of, contains, same_country & both_points, *near]
    return np.stack(relations).astype(np.float32)


def context_features(slate: Slate, plausibility: np.ndarray) -> np.ndarray:
    """Rows x ``CONTEXT_FEATURES``: each row's fit with the other names, given how plausible each
    candidate is for its name. Each other name counts with its best-fitting candidate; names whose
    most plausible candidate is the same place ("US", "United States") count once."""
    if not len(slate):
        return np.zeros((0, len(CONTEXT_FEATURES)))
    weighted = slate.relations * (plausibility**PLAUSIBILITY_POWER).astype(np.float32)[None, None, :]
    by_name = np.maximum.reduceat(weighted, slate.starts, axis=2)
    tops = np.flatnonzero(plausibility == np.maximum.reduceat(plausibility, slate.starts)[slate.group])
    top_places = slate.place_ids[tops[np.unique(slate.group[tops], return_index=True)[1]]]
    order = np.argsort(top_places, kind="stable")
    firsts = np.flatnonzero(np.diff(top_places[order], prepend=-1))
    by_place = np.maximum.reduceat(by_name[:, :, order], firsts, axis=2)
    return np.log1p(by_place.sum(axis=2)).T * slate.receives


def softmax_by_group(
    values: np.ndarray, starts: np.ndarray, group: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For consecutive groups of values starting at ``starts`` (``group``: each value's group, if
    known): each group's log-sum-exp, and each value's softmax share within its group (-inf values
    get none; every group needs a finite one)."""
    if group is None:
        group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(values))))
    top = np.maximum.reduceat(values, starts)
    exp = np.exp(values - top[group])
    total = np.add.reduceat(exp, starts)
    return top + np.log(total), exp / total[group]


def _placed_by_text(text: str, names: list[Name], rows: list[tuple[int, Candidate]]) -> np.ndarray:
    """Per row, whether the text places it by the next name: "Paris, Texas" puts the first name
    inside the second; "Malyn, about 100 kilometers northwest of Kyiv" puts it that far (and that
    way) from the second."""
    found = np.zeros(len(rows))
    index = {id(t): i for i, name in enumerate(names) if not name.demonym for t in name.toponyms}
    toponyms = sorted((t for name in names if not name.demonym for t in name.toponyms), key=lambda t: t.start)
    for first, second in zip(toponyms, toponyms[1:]):
        between = text[first.end : second.start]
        inner, outer = index[id(first)], index[id(second)]
        if inner == outer:
            continue
        if between.strip() == "," and len(between) <= 3:
            containers = [c.place for i, c in rows if i == outer and c.place.kind in ("country", "region")]
            for row, (i, candidate) in enumerate(rows):
                if i == inner and any(_inside(candidate.place, container) for container in containers):
                    found[row] = 1.0
        elif (phrase := _DISTANCE_RE.fullmatch(between)) is not None:
            anchors = [c.place for i, c in rows if i == outer][:ANCHORS]
            km = float(phrase["amount"].replace(",", "")) * (MILE_KM if phrase["unit"].startswith("mi") else 1.0)
            for row, (i, candidate) in enumerate(rows):
                if i == inner and any(_at_distance(candidate.place, anchor, km, phrase["way"]) for anchor in anchors):
                    found[row] = 1.0
    return found


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
    if container.subkind == "admin1":
        return place.admin1_code == container.admin1_code
    return place.country_code == container.country_code
