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
    "best_row",
    "build_slate",
    "name_bounds",
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
KERNELS_KM = (25.0, 100.0, 400.0)
"""Distances at which the nearness features fall to 1/e: a town's neighbours, its region, its part of a country."""
_KERNELS_KM = np.array(KERNELS_KM)[:, None, None]
"""``KERNELS_KM`` shaped to divide a rows x rows grid of distances into one grid per kernel."""
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
LISTED_ONLY_MATCHES = (Match.ALTERNATE, Match.AREA)
"""How a name reaches a place that has it only among its alternate names or area forms (``listed_only``)."""
_KINDS = {
    "country": lambda kind, subkind: kind == "country",
    "continent": lambda kind, subkind: kind == "continent",
    "admin1": lambda kind, subkind: subkind == "admin1",
    "admin_other": lambda kind, subkind: kind == "region" and subkind.startswith("admin") and subkind != "admin1",
    "named_region": lambda kind, subkind: kind == "region" and subkind == "region",
    "feature": lambda kind, subkind: kind == "feature",
    "capital": lambda kind, subkind: subkind == "capital",
}
"""Each kind feature, from a place's kind and subkind."""
_MATCHES = {
    "alias": Match.ALIAS,
    "variant": Match.VARIANT,
    "alternate": Match.ALTERNATE,
    "area_form": Match.AREA,
    "translit": Match.TRANSLIT,
    "fuzzy": Match.FUZZY,
}
_MATCH_ROWS = {match: tuple(float(match == feature) for feature in _MATCHES.values()) for match in Match}
"""The match features of each way a name reaches a place."""
_TAKES_ALL, _TAKES_STRONG, _TAKES_NONE = range(3)
_TAKES = np.array(
    [
        [True] * len(CONTEXT_FEATURES),
        [feature not in WEAK_CONTEXT for feature in CONTEXT_FEATURES],
        [False] * len(CONTEXT_FEATURES),
    ]
)
"""Which context features a row takes: all; only the strong ones (a prominent place's namesake); none
(an admin area reached by a bare name it shares with its city)."""


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
    name_rows: np.ndarray
    """Per name in ``starts``, its rows, the last repeated up to the most any name has (the max over
    a name's rows, for all names in one numpy call)."""
    candidates: list[Candidate]
    place_ids: np.ndarray
    """Gazetteer id of each row's place."""
    own: np.ndarray
    """Rows x ``CANDIDATE_FEATURES`` and the focus feature: what does not depend on the other names' scores."""
    by_other: np.ndarray
    """Rows j x ``CONTEXT_FEATURES`` x rows i: how row i relates to row j (0 for rows of the same
    name); j comes first, as ``context_features`` reduces over the other names' rows."""
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

    def bounds(self) -> list[tuple[int, int]]:
        """(first row, end row) of each name in ``starts``."""
        return name_bounds(self.starts.tolist(), len(self))


def build_slate(text: str, names: list[Name], gazetteer: Gazetteer, focus: frozenset[str] = frozenset()) -> Slate:
    """The slate of an article's names and their candidates (``focus``: ISO codes of focus countries)."""
    rows = [(i, c) for i, name in enumerate(names) for c in name.candidates]
    owners = [i for i, _ in rows]
    owner = np.array(owners, dtype=int)
    places = [c.place for _, c in rows]
    own_name = {i for i, c in rows if c.match in OWN_NAME}
    placed = _placed_by_text(text, names, rows)
    own = np.array(
        [
            _own_row(c, c.match in LISTED_ONLY_MATCHES and i in own_name, placed[row], focus)
            for row, (i, c) in enumerate(rows)
        ],
        dtype=float,
    ).reshape(len(rows), len(CANDIDATE_FEATURES) + 1)
    lat = np.array([p.lat for p in places])
    lon = np.array([p.lon for p in places])
    km = haversine_km(lat[None, :], lon[None, :], lat[:, None], lon[:, None])
    first_rows, groups = _runs(owners)
    abstains = [owners[start] not in own_name and not names[owners[start]].echo for start in first_rows]
    return Slate(
        names,
        owner,
        np.array(first_rows, dtype=int),
        np.array(groups, dtype=int),
        _padded_rows(name_bounds(first_rows, len(rows))),
        [c for _, c in rows],
        np.array([p.id for p in places], dtype=np.int64),
        own,
        _relations(places, owners, km, gazetteer),
        _receives(names, rows),
        km,
        np.array(abstains, dtype=bool),
    )


def _runs(values: list[int]) -> tuple[list[int], list[int]]:
    """Where each run of equal consecutive values starts, and each value's run (its index into the starts)."""
    starts: list[int] = []
    run = []
    for i, value in enumerate(values):
        if not starts or value != values[i - 1]:
            starts.append(i)
        run.append(len(starts) - 1)
    return starts, run


def name_bounds(starts: list[int], rows: int) -> list[tuple[int, int]]:
    """(first row, end row) of each run of rows beginning at ``starts``, the last ending at ``rows``."""
    return list(zip(starts, [*starts[1:], rows]))


def best_row(values: list[float], start: int, end: int) -> int:
    """The row from ``start`` to ``end`` (exclusive) with the highest value, the first on a tie."""
    part = values[start:end]
    return start + part.index(max(part))


def _padded_rows(bounds: list[tuple[int, int]]) -> np.ndarray:
    """Per run of rows (``name_bounds``), its rows, the last repeated up to the longest run's length."""
    longest = max((end - start for start, end in bounds), default=0)
    padded = [list(range(start, end)) + [end - 1] * (longest - (end - start)) for start, end in bounds]
    return np.array(padded, dtype=int).reshape(len(bounds), longest)


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


def _receives(names: list[Name], rows: list[tuple[int, Candidate]]) -> np.ndarray:
    """Rows x ``CONTEXT_FEATURES``: which context each row takes."""
    rank = [prominence(c.place) for _, c in rows]
    most = [0] * len(names)
    for (i, _), row_rank in zip(rows, rank):
        if row_rank > most[i]:  # not max(): a call per row costs more than the comparison
            most[i] = row_rank
    takes = [
        _TAKES_NONE
        if c.match == Match.AREA and not split_area_suffix(names[i].key)[1]
        else _TAKES_STRONG
        if row_rank < most[i]
        else _TAKES_ALL
        for (i, c), row_rank in zip(rows, rank)
    ]
    return _TAKES[np.array(takes, dtype=int)].reshape(len(rows), len(CONTEXT_FEATURES))


@lru_cache(maxsize=None)
def _kind_and_match_row(kind: str, subkind: str, match: Match) -> tuple[float, ...]:
    """The kind and match features of a candidate of this kind, subkind and match (a few hundred
    triples, so all are kept)."""
    return (*(float(is_kind(kind, subkind)) for is_kind in _KINDS.values()), *_MATCH_ROWS[match])


def _own_row(
    candidate: Candidate, listed_only: bool, placed_by_text: float, focus: frozenset[str]
) -> tuple[float, ...]:
    """A candidate's ``CANDIDATE_FEATURES`` and focus feature (``listed_only`` and ``placed_by_text``
    depend on the other candidates and names, so the caller gives them)."""
    place = candidate.place
    return (
        math.log10(place.population + 1),
        *_kind_and_match_row(place.kind, place.subkind, candidate.match),
        (100.0 - candidate.similarity) / 10.0,
        float(listed_only),
        placed_by_text,
        float(place.country_code in focus),
    )


def _relations(places: list[Place], owners: list[int], km: np.ndarray, gazetteer: Gazetteer) -> np.ndarray:
    """How each candidate relates to each candidate of another name (containment, same country,
    nearness), laid out as ``Slate.by_other`` (none at all when the rows are all of one name)."""
    n = len(places)
    by_other = np.zeros((n, len(CONTEXT_FEATURES), n), np.float32)
    if not n or owners[0] == owners[-1]:
        return by_other
    members = [gazetteer.members(p) for p in places]
    codes = np.array(
        [
            [p.id for p in places],
            owners,
            _codes([p.country_code for p in places]),
            _codes([p.admin1_code for p in places]),
        ]
    )
    same_place, same_name, *same_area = codes[:, :, None] == codes[:, None, :]
    apart = ~(same_place | same_name)
    area_kinds = np.array([[p.kind == "country" for p in places], [p.subkind == "admin1" for p in places]])
    in_area = same_area & apart & (area_kinds[:, None, :] > area_kinds[:, :, None])
    member_of = np.zeros((n, n), dtype=bool)
    for j, of_j in enumerate(members):
        if of_j:
            member_of[:, j] = [p.country_code in of_j or p.admin1_code in of_j for p in places]
    member_of &= apart
    pointlike = np.array([p.kind not in BROAD_KINDS and not m for p, m in zip(places, members)])
    both_points = pointlike[:, None] & pointlike[None, :] & apart
    by_other[:, :2, :] = in_area.transpose(2, 0, 1)
    by_other[:, 2, :] = member_of.T
    by_other[:, 3, :] = in_area[0] | in_area[1] | member_of
    by_other[:, 4, :] = same_area[0] & both_points
    # Weighed in float64 and cast once: a float32 output would make numpy cast through buffers.
    near = np.exp(-km / _KERNELS_KM)
    near *= both_points
    by_other[:, len(CONTEXT_FEATURES) - len(KERNELS_KM) :, :] = near.transpose(2, 0, 1)
    return by_other


def _codes(values: list[str | None]) -> list[int]:
    """Integer codes for strings: equal for equal ones, and a negative one of its own for each missing
    (None or empty) one, so that two unknowns never count as the same."""
    seen: dict[str, int] = {}
    return [seen.setdefault(value, len(seen)) if value else -1 - i for i, value in enumerate(values)]


def context_features(slate: Slate, plausibility: np.ndarray) -> np.ndarray:
    """Rows x ``CONTEXT_FEATURES``: each row's fit with the other names, given how plausible each
    candidate is for its name. Each other name counts with its best-fitting candidate; names whose
    most plausible candidate is the same place ("US", "United States") count once."""
    if not len(slate):
        return np.zeros((0, len(CONTEXT_FEATURES)))
    order, firsts = _top_places(slate, plausibility.tolist())
    weighted = slate.by_other * (plausibility**PLAUSIBILITY_POWER).astype(np.float32)[:, None, None]
    by_name = weighted[slate.name_rows[order]].max(axis=1)
    by_place = by_name if len(firsts) == len(order) else np.maximum.reduceat(by_name, firsts, axis=0)
    # Places are summed along a contiguous last axis, in order of place id: float32 sums depend on the order.
    return np.log1p(np.ascontiguousarray(by_place.transpose(1, 2, 0)).sum(axis=2)).T * slate.receives


def _top_places(slate: Slate, plausibility: list[float]) -> tuple[list[int], list[int]]:
    """The slate's names in order of the place of their most plausible candidate (the first, on a tie),
    and where each place's names start in that order."""
    ids = slate.place_ids.tolist()
    tops = [ids[best_row(plausibility, start, end)] for start, end in slate.bounds()]
    order = sorted(range(len(tops)), key=tops.__getitem__)
    firsts = [k for k, name in enumerate(order) if not k or tops[name] != tops[order[k - 1]]]
    return order, firsts


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


def _placed_by_text(text: str, names: list[Name], rows: list[tuple[int, Candidate]]) -> list[float]:
    """Per row, whether the text places it by the next name: "Paris, Texas" puts the first name
    inside the second; "Malyn, about 100 kilometers northwest of Kyiv" puts it that far (and that
    way) from the second."""
    found = [0.0] * len(rows)
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
