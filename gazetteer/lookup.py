"""Read-only lookups in the built gazetteer: names to candidate places, points to places."""

from __future__ import annotations

import math
import re
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from rapidfuzz import fuzz, process

from gazetteer.errors import (
    BadCoordinate,
    BadCountry,
    BadLimit,
    BadPlaceName,
    GazetteerCorrupt,
    GazetteerMissing,
    UnknownKind,
)
from gazetteer.geometry import haversine_km
from gazetteer.normalize import (
    FUZZY_MIN_LENGTH,
    KEY_SEPARATOR,
    MAX_NAME_LENGTH,
    name_key,
    skeleton,
    split_area_suffix,
)
from gazetteer.place import APPROXIMATE, EXACT_NAME, KINDS, MATCHES, Candidate, Match, Place, ProminentName

__all__ = ["Gazetteer", "lookup_key", "prior_score"]

FUZZY_CUTOFF = 80.0
"""Least rapidfuzz ratio (0-100) for a misspelling to count as a match."""
TRANSLIT_CUTOFF = 60.0
"""Least ratio for a same-skeleton spelling to count as a transliteration variant."""
FUZZY_LIMIT = 5
"""Most spellings taken from the approximate tier."""
CACHE_SIZE = 20_000
"""Looked-up keys whose candidates are kept in memory (news repeats its place names): about 1.2 kB a
key (24 MB when full, per parsing process); 3,000 news articles look up about 11,600 keys."""
MAX_LIMIT = 1_000
"""Most places ``nearest`` hands out at once."""
MAJOR_KINDS = ("country", "continent", "feature")
MAJOR_SUBKINDS = ("admin1", "capital")
"""Places that are prominent whatever their population (features are our reviewed ones)."""
MMAP_BYTES = 256 * 1024 * 1024
"""Memory-map this much of the file: lookups then read pages without system calls."""
TABLES = frozenset({"places", "names", "spellings", "skeletons", "members", "demonyms", "abbreviations", "meta"})
"""Tables every built gazetteer has."""

KIND_BONUS = {"continent": 3.0, "country": 3.0, "region": 0.5, "city": 0.0, "feature": 0.5}
SUBKIND_BONUS = {"capital": 2.0, "admin1": 0.5}
MATCH_BONUS = {
    Match.NAME: 1.5,
    Match.ALIAS: 1.5,
    Match.VARIANT: 1.3,
    Match.ALTERNATE: 0.0,
    Match.AREA: -1.0,
    Match.TRANSLIT: -1.0,
    Match.FUZZY: -2.0,
}
"""Prior score = log10(population + 1) + kind, subkind and match bonuses.

A primary-name match (or a spelling variant of it) is worth a 30-fold
population: Sloviansk (GeoNames "Slovyansk") beats the larger Nikopol, which
lists "Slov'iansk" among its alternate names, and a bare "Kherson" is the city
rather than the oblast it names."""

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLACE_COLUMNS = (
    "p.id, p.name, p.kind, p.subkind, p.country_code, p.admin1, p.admin1_code,"
    " p.lat, p.lon, p.population, p.geonameid, p.source"
)
_EXACT_QUERY = f"SELECT {_PLACE_COLUMNS}, n.match FROM names n JOIN places p ON p.id = n.place_id WHERE n.key = ?"
_BY_PRIOR = attrgetter("prior")
_NONE_FOUND: list[Candidate] = []
"""The one answer of every key that names no place (most looked-up keys): the memos then keep no
list per such key for the garbage collector to track. Never handed out (callers get slices)."""
_NO_MEMBERS: frozenset[str] = frozenset()
"""What most places are made of: one set, not a new one (for the collector to track) at each question."""


def prior_score(place: Place, match: Match, similarity: float = 100.0) -> float:
    """Context-free plausibility of a candidate: bigger, more important, better matched."""
    score = math.log10(place.population + 1)
    score += KIND_BONUS[place.kind] + SUBKIND_BONUS.get(place.subkind, 0.0)
    return score + MATCH_BONUS[match] - (100.0 - similarity) / 10.0


def _best_first(key: str, found: Iterable[tuple[Place, Match, str]]) -> list[Candidate]:
    """Each place's best-scored candidate among the matches found for a key, best prior first (ties
    in the order found)."""
    best: dict[int, Candidate] = {}
    for place, match, matched in found:
        similarity = fuzz.ratio(key, matched) if match in APPROXIMATE else 100.0
        candidate = Candidate(place, match, matched, similarity, prior_score(place, match, similarity))
        kept = best.get(place.id)
        if kept is None or candidate.prior > kept.prior:
            best[place.id] = candidate
    return sorted(best.values(), key=_BY_PRIOR, reverse=True)


def is_lookup_name(name: object) -> bool:
    """Whether a text can be looked up at all (``lookup_key`` would not refuse it): a string of at
    most ``MAX_NAME_LENGTH`` characters without control characters. A parser asks this first: what
    fails it (a navigation bar NER read as one name) is simply no place."""
    return isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and not _CONTROL_RE.search(name)


def lookup_key(name: object) -> str:
    """Validate a looked-up name and return its key ("" for blank names).

    Raises ``BadPlaceName`` (a ValueError) for non-strings, control characters and absurd lengths.
    """
    if not isinstance(name, str):
        raise BadPlaceName(f"place name must be a string, not {type(name).__name__}")
    if len(name) > MAX_NAME_LENGTH:
        raise BadPlaceName(f"place name is {len(name)} characters long (limit {MAX_NAME_LENGTH})")
    if _CONTROL_RE.search(name):
        raise BadPlaceName(f"place name contains control characters: {name!r}")
    return name_key(name)


def _as_set(value: str | Iterable[str] | None, allowed: Iterable[str] | None = None) -> frozenset[str] | None:
    if value is None:
        return None
    values = frozenset([value] if isinstance(value, str) else value)
    if allowed is not None and not values <= frozenset(allowed):
        raise UnknownKind(f"unknown kind(s) {sorted(values - frozenset(allowed))}; known: {KINDS}")
    return values


def _countries(country: str | Iterable[str] | None) -> frozenset[str] | None:
    """A country filter as upper-case codes; ``BadCountry`` for anything but two-letter codes."""
    if country is None:
        return None
    if isinstance(country, str):
        codes = [country]
    elif isinstance(country, Iterable):
        codes = list(country)
    else:
        raise BadCountry(f"country must be an ISO 3166-1 alpha-2 code or a list of them, not {country!r}")
    if not all(isinstance(code, str) and len(code) == 2 and code.isalpha() for code in codes):
        raise BadCountry(f"not ISO 3166-1 alpha-2 codes: {codes!r}")
    return frozenset(code.upper() for code in codes)


_Kept = TypeVar("_Kept")
_UNASKED = object()
"""Marks a word ``demonym_country`` was not asked yet (None is an answer: no country)."""


def _hashable(value: object) -> bool:
    """Whether a ``country`` or ``kind`` filter can key the answers memo (None, a code, a frozenset)."""
    return value is None or isinstance(value, (str, frozenset))


def _marks(values: Iterable[object]) -> str:
    """SQL placeholders for a list of values: "(?, ?, ?)"."""
    return f"({', '.join('?' for _ in values)})"


def _connect(path: Path) -> sqlite3.Connection:
    """Open a built gazetteer file read-only, checking that it is one."""
    if not path.is_file():
        raise GazetteerMissing(f"no gazetteer file at {path}")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    try:
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as error:
        db.close()
        raise GazetteerCorrupt(f"{path} is not a built gazetteer: {error}") from error
    if not TABLES <= tables:
        db.close()
        raise GazetteerCorrupt(f"{path} is not a built gazetteer: no table {', '.join(sorted(TABLES - tables))}")
    if "keys" not in {row[1] for row in db.execute("PRAGMA table_info(spellings)")}:
        db.close()
        raise GazetteerCorrupt(
            f"{path} was built by an older Dateline (one spelling a row): build it again (python -m gazetteer build)"
        )
    return db


@dataclass(frozen=True, slots=True)
class _Points:
    """Every place's id, latitude, longitude, kind (index into ``KINDS``) and country code."""

    ids: np.ndarray
    lats: np.ndarray
    lons: np.ndarray
    kinds: np.ndarray
    countries: np.ndarray


class Gazetteer:
    """A built gazetteer file, opened read-only.

    >>> gaz = Gazetteer.open()            # builds it on first use
    >>> gaz.candidates("Kiev")[0].place.name
    'Kyiv'

    Raises ``GazetteerMissing`` when there is no file at ``path`` and ``GazetteerCorrupt``
    when the file is not a built gazetteer.
    """

    def __init__(self, path: Path | str, *, cache_size: int = CACHE_SIZE):
        self.path = Path(path)
        self._db = _connect(self.path)
        try:
            self._demonyms = dict(self._db.execute("SELECT key, country_code FROM demonyms"))
            members: dict[int, set[str]] = {}
            for place_id, code in self._db.execute("SELECT place_id, code FROM members"):
                members.setdefault(place_id, set()).add(code)
            self._members = {place_id: frozenset(codes) for place_id, codes in members.items()}
            self.abbreviations = frozenset(row[0] for row in self._db.execute("SELECT surface FROM abbreviations"))
            """Curated abbreviations whose full stop is part of the name ("Ky.", "U.S.", "W.Va.")."""
        except sqlite3.Error as error:
            self._db.close()
            raise GazetteerCorrupt(f"{self.path} is not a built gazetteer: {error}") from error
        self._cache_size = cache_size
        self._cache: dict[tuple[str, bool | None], list[Candidate]] = {}
        """The last ``cache_size`` keys looked up (and the tiers tried) with every candidate, best prior
        first; the keys that name no place share ``_NONE_FOUND``."""
        self._answers: dict[tuple, list[Candidate]] = {}
        """The last ``cache_size`` questions to ``candidates`` and ``best`` as asked (the name as
        written, the filters, the tiers tried), with every candidate they allow: recognition asks the
        same few thousand a few times each, with different limits. Unfiltered answers are the lists
        ``_ranked`` keeps, not copies."""
        self._demonym_codes: dict[str, str | None] = {}
        """``demonym_country``'s last answers by word as written (recognition asks it of every name)."""
        self._point_arrays: _Points | None = None
        self._countries: dict[str, Place] | None = None
        """Every country by its code, read at the first ``country`` question (a few hundred)."""

    @classmethod
    def open(cls, path: Path | str | None = None) -> Gazetteer:
        """Open the gazetteer at ``path``, or the cached build (building it if stale)."""
        from gazetteer.build import ensure_built

        return cls(path if path is not None else ensure_built())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict:
        return {"path": self.path, "cache_size": self._cache_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"], cache_size=state["cache_size"])

    def candidates(
        self,
        name: str,
        *,
        country: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        fuzzy: bool = True,
        limit: int | None = 20,
        approximate: bool = True,
    ) -> list[Candidate]:
        """All places a name may refer to, most plausible first.

        Exact matches (primary, alias, alternate and area forms such as
        "Kherson region") come first; transliteration variants and, when
        ``fuzzy`` is true, misspellings are tried only when nothing matched
        exactly, and are marked by ``Candidate.match``. ``approximate=False``
        skips both: exact matches only.
        """
        return self._answer(name, country, kind, fuzzy if approximate else None)[:limit]

    def best(
        self,
        name: str,
        *,
        country: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        fuzzy: bool = True,
        approximate: bool = True,
    ) -> Candidate | None:
        """The most plausible candidate for a name (filters as in ``candidates``), or None."""
        found = self._answer(name, country, kind, fuzzy if approximate else None)
        return found[0] if found else None

    def _answer(
        self, name: str, country: str | Iterable[str] | None, kind: str | Iterable[str] | None, fuzzy: bool | None
    ) -> list[Candidate]:
        """Every candidate for a name that passes the filters, best prior first (``fuzzy`` None:
        exact matches only), from the answers memo when it was asked before. Callers slice it: the
        list is shared."""
        question = (name, country, kind, fuzzy)
        memo = isinstance(name, str) and _hashable(country) and _hashable(kind)
        if memo and (answer := self._answers.get(question)) is not None:
            return answer
        key = lookup_key(name)
        if not key:
            return []
        countries = _countries(country)
        kinds = _as_set(kind, KINDS)
        answer = self._ranked(key, fuzzy)
        if countries is not None or kinds is not None:
            answer = [
                c
                for c in answer
                if (countries is None or c.place.country_code in countries) and (kinds is None or c.place.kind in kinds)
            ]
        return self._keep(self._answers, question, answer) if memo else answer

    def _ranked(self, key: str, fuzzy: bool | None) -> list[Candidate]:
        """Every candidate for a key, best prior first (``fuzzy`` None: exact matches only);
        the last ``cache_size`` keys are kept."""
        cached = self._cache.get((key, fuzzy))
        if cached is not None:
            return cached
        if fuzzy is None:
            found = self._exact(key)
            base, is_area = split_area_suffix(key)
            if is_area:
                found += [(p, Match.AREA, m) for p, _, m in self._exact(base) if p.kind == "region"]
        else:
            exact = self._ranked(key, None)  # asked with and without approximate matches alike: read once
            if exact or len(key) < FUZZY_MIN_LENGTH:
                return exact
            found = self._approximate(key, fuzzy)
        return self._keep(self._cache, (key, fuzzy), _best_first(key, found) if found else _NONE_FOUND)

    def _keep(self, memo: dict[Any, _Kept], key: object, value: _Kept) -> _Kept:
        """Keep ``value`` under ``key`` in one of the look-up memos, emptied first when it holds
        ``cache_size`` entries (nothing is kept when ``cache_size`` is 0); return the value."""
        if self._cache_size:
            if len(memo) >= self._cache_size:
                memo.clear()
            memo[key] = value
        return value

    def place(self, place_id: int) -> Place | None:
        """The place with this gazetteer id."""
        row = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?", (place_id,)).fetchone()
        return Place(*row) if row else None

    def places(self, *, kind: str | Iterable[str] | None = None) -> Iterator[Place]:
        """Every place (of the given kinds), in gazetteer id order."""
        kinds = sorted(KINDS if kind is None else _as_set(kind, KINDS))
        query = f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind IN {_marks(kinds)} ORDER BY p.id"
        rows = self._db.execute(query, kinds)
        return (Place(*row) for row in rows)

    def nearest(
        self,
        lat: float,
        lon: float,
        *,
        kind: str | Iterable[str] | None = "city",
        country: str | Iterable[str] | None = None,
        limit: int = 1,
    ) -> list[tuple[Place, float]]:
        """Places nearest to a point, with their distance in km, nearest first.

        Raises ``BadCoordinate`` (a ValueError) for a point off the globe.
        """
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
            raise BadCoordinate(f"not a coordinate: ({lat!r}, {lon!r})")
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or math.isnan(lat + lon):
            raise BadCoordinate(f"not a coordinate: ({lat}, {lon})")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise BadLimit(f"limit must be an integer from 1 to {MAX_LIMIT}, not {limit!r}")
        kinds = _as_set(kind, KINDS)
        countries = _countries(country)
        points = self._points()
        keep = np.ones(len(points.ids), dtype=bool)
        if kinds is not None:
            keep &= np.isin(points.kinds, [KINDS.index(k) for k in kinds])
        if countries is not None:
            keep &= np.isin(points.countries, sorted(countries))
        ids, lats, lons = points.ids[keep], points.lats[keep], points.lons[keep]
        if not len(ids):
            return []
        distances = np.atleast_1d(haversine_km(lat, lon, lats, lons))
        count = min(limit, len(ids))
        nearest = np.argpartition(distances, count - 1)[:count]
        nearest = nearest[np.argsort(distances[nearest], kind="stable")]
        return [(self.place(int(ids[i])), float(distances[i])) for i in nearest]

    def _points(self) -> _Points:
        """Every place's id, point, kind and country as arrays, read once (a few MB): ``nearest``
        then measures every distance at once instead of scanning bands of rows."""
        if self._point_arrays is None:
            rows = self._db.execute("SELECT id, lat, lon, kind, coalesce(country_code, '') FROM places").fetchall()
            ids, lats, lons, kinds, countries = zip(*rows)
            self._point_arrays = _Points(
                np.array(ids), np.array(lats), np.array(lons),
                np.array([KINDS.index(kind) for kind in kinds], dtype=np.int8), np.array(countries),
            )  # fmt: skip
        return self._point_arrays

    def country(self, code: str) -> Place | None:
        """The country with this ISO 3166-1 alpha-2 code."""
        if self._countries is None:
            rows = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind = 'country'")
            self._countries = {place.country_code: place for place in (Place(*row) for row in rows)}
        return self._countries.get(code.upper())

    def members(self, place: Place) -> frozenset[str]:
        """What a continent or informal region is made of: its countries' ISO codes and its admin1
        areas' GeoNames codes ("Southeast Asia" -> {"VN", "TH", ...}); empty for other places."""
        return self._members.get(place.id, _NO_MEMBERS)

    def demonym_country(self, word: str) -> str | None:
        """The country code a demonym or adjective refers to ("Ukrainian" -> "UA")."""
        code = self._demonym_codes.get(word, _UNASKED) if isinstance(word, str) else _UNASKED
        if code is _UNASKED:
            code = self._keep(self._demonym_codes, word, self._demonyms.get(lookup_key(word)))
        return code

    def prominent_names(self, *, min_population: int) -> Iterator[ProminentName]:
        """Name keys of prominent places, each once: the primary names, curated aliases and spelling
        variants (``EXACT_NAME``) of countries, continents, reviewed features, admin1 areas,
        capitals and places of at least ``min_population`` people."""
        tiers = [MATCHES.index(match) for match in EXACT_NAME]
        major = f"(p.kind IN {_marks(MAJOR_KINDS)} OR p.subkind IN {_marks(MAJOR_SUBKINDS)})"
        rows = self._db.execute(
            f"SELECT n.key, MAX({major}), MAX(p.population) FROM names n JOIN places p ON p.id = n.place_id"
            f" WHERE n.match IN {_marks(tiers)} AND ({major} OR p.population >= ?) GROUP BY n.key",
            (*MAJOR_KINDS, *MAJOR_SUBKINDS, *tiers, *MAJOR_KINDS, *MAJOR_SUBKINDS, min_population),
        )
        return (ProminentName(key, bool(is_major), population) for key, is_major, population in rows)

    def meta(self) -> dict[str, str]:
        """Build metadata: fingerprint, counts, source versions."""
        return dict(self._db.execute("SELECT key, value FROM meta"))

    def _exact(self, key: str) -> list[tuple[Place, Match, str]]:
        rows = self._db.execute(_EXACT_QUERY, (key,)).fetchall()
        return [(Place(*row[:-1]), MATCHES[row[-1]], key) for row in rows]

    def _approximate(self, key: str, fuzzy: bool) -> list[tuple[Place, Match, str]]:
        skel = skeleton(key)
        same_skeleton = self._same_skeleton(skel)
        spellings = same_skeleton
        if fuzzy:
            prefix, shortest, longest = key[:2], len(key) - 1, len(key) + 1
            buckets = self._db.execute(
                "SELECT keys FROM spellings WHERE prefix = ? AND length BETWEEN ? AND ?", (prefix, shortest, longest)
            )
            # The buckets hold every spelling of their prefix and length, each once: of the skeleton's
            # spellings, only those outside them are added, and no spelling is compared twice.
            spellings = [s for s in same_skeleton if s[:2] != prefix or not shortest <= len(s) <= longest]
            for (bucket,) in buckets:
                spellings += bucket.split(KEY_SEPARATOR)
        found: list[tuple[Place, Match, str]] = []
        for spelling, score in _closest(key, spellings):
            if len(skel) >= 4 and _holds(same_skeleton, spelling):
                match = Match.TRANSLIT
            elif fuzzy and score >= FUZZY_CUTOFF:
                match = Match.FUZZY
            else:
                continue
            found += [(place, match, spelling) for place, _, _ in self._exact(spelling)]
        return found

    def _same_skeleton(self, skel: str) -> list[str]:
        """The spellings with this consonant skeleton, sorted: a close spelling is then a transliteration
        variant when bisection finds it here. They come joined in one string, split in C: a row each
        costs more (a skeleton has dozens of spellings, some a thousand)."""
        (joined,) = self._db.execute(
            "SELECT group_concat(key, ?) FROM skeletons WHERE skeleton = ?", (KEY_SEPARATOR, skel)
        ).fetchone()
        return sorted(joined.split(KEY_SEPARATOR)) if joined else []


def _closest(key: str, spellings: list[str]) -> list[tuple[str, float]]:
    """The ``FUZZY_LIMIT`` spellings closest to a key with their rapidfuzz ratio, of those at least
    ``TRANSLIT_CUTOFF``: best first, ties in alphabetical order. ``cdist`` scores the whole list in
    one call, without a result tuple per spelling; only the spellings scoring at least the
    ``FUZZY_LIMIT``-th best score (ties included) can be among the best, and only those are sorted."""
    scores = process.cdist([key], spellings, scorer=fuzz.ratio, score_cutoff=TRANSLIT_CUTOFF, dtype=np.float64)[0]
    least = TRANSLIT_CUTOFF
    if len(scores) > FUZZY_LIMIT:
        least = max(least, float(np.partition(scores, -FUZZY_LIMIT)[-FUZZY_LIMIT]))
    close = np.flatnonzero(scores >= least)
    matches = sorted(zip([spellings[i] for i in close.tolist()], scores[close].tolist()))
    matches.sort(key=itemgetter(1), reverse=True)  # a stable sort: ties stay in alphabetical order
    return matches[:FUZZY_LIMIT]


def _holds(sorted_keys: list[str], key: str) -> bool:
    """Whether a sorted list holds a key."""
    at = bisect_left(sorted_keys, key)
    return at < len(sorted_keys) and sorted_keys[at] == key
