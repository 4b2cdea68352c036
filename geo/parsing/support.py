"""Whether an article backs a one-word name that may well be no place at all.

A capitalised word is doubtful when its capital says little: the word is usually a common word
("Mobile", "Gold", "Salt") or an acronym ("SWAT"), the article also writes it in lower case
("Reading ... reading the report"), or it is a common English word in a Title Case headline
("China Plates Sell Out At Auction"). A doubtful name is a place only when the article backs it:

- the article names it again where it is not doubtful (the headline's "China" in the body);
- a region or country is written after it ("Reading, Pa.", "Nice, France");
- one of its gazetteer places lies in a country or admin area the article names, holds a place
  the article names, or lies within ``NEAR_KM`` of one ("Mobile" beside "Alabama" or "Daphne").

The names the article's other toponyms give are the anchors; demonyms name their country.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IS_ALPHA, IS_LOWER, ORTH
from spacy.tokens import Doc
from wordfreq import zipf_frequency

from gazetteer import Gazetteer, Match, Place, haversine_km
from geo.parsing.casing import on_title_case_line, usually_not_a_name
from geo.parsing.ruler import MAX_ZIPF
from geo.parsing.toponym import Evidence, Toponym
from geo.parsing.vocabulary import CONTAINER_KINDS

__all__ = ["Anchors", "anchor_places", "load_word_frequencies", "without_unbacked"]

NEAR_KM = 50.0
"""How near a place must lie to a place the article names to be backed by it: a doubtful name's, or
the place of an entity NER did not call one (an echo). Chosen on LGL (25 -> 50 km: 9 more true places,
2 more false), no change on TR-News."""
CANDIDATES = 15
"""Gazetteer places of a doubtful name that are tried, most plausible first."""
WORD_LIST = "en"
"""wordfreq's list that tells a common English word in a headline."""


def load_word_frequencies() -> None:
    """Load wordfreq's word list now, not at the first headline that asks (it holds about 30 MB): a
    parser that loads it before forking its workers shares one copy with all of them."""
    zipf_frequency("the", WORD_LIST)


SYNTACTIC_EVIDENCE = frozenset(
    {Evidence.DATELINE, Evidence.QUALIFIER, Evidence.QUALIFIED, Evidence.LISTED_AREA, Evidence.DEMONYM}
)
"""Evidence that is the text's own way of saying "a place": never doubted."""
POINT_KINDS = frozenset({"city", "region", "feature"})
"""Kinds whose point says where they are (a country's or continent's does not)."""


@dataclass(frozen=True, slots=True)
class Anchors:
    """What the article's undoubted toponyms name: their names, countries, admin areas and points."""

    names: frozenset[str]
    countries: frozenset[str]
    admin1_codes: frozenset[str]
    places: tuple[Place, ...]
    lats: np.ndarray
    lons: np.ndarray

    @classmethod
    def of(cls, toponyms: Iterable[Toponym], gazetteer: Gazetteer) -> Anchors:
        toponyms = list(toponyms)
        places = anchor_places(toponyms, gazetteer)
        points = [p for p in places if p.kind in POINT_KINDS]
        demonym_countries = {gazetteer.demonym_country(t.text) for t in toponyms if t.demonym}
        return cls(
            names=frozenset(t.text.casefold() for t in toponyms),
            countries=frozenset({p.country_code for p in places if p.kind == "country"} | demonym_countries - {None}),
            admin1_codes=frozenset(p.admin1_code for p in places if p.subkind == "admin1" and p.admin1_code),
            places=tuple(places),
            lats=np.array([p.lat for p in points]),
            lons=np.array([p.lon for p in points]),
        )

    def back(self, place: Place) -> bool:
        """Whether a place lies in a named country or admin area, holds a named place, or lies near one."""
        if place.kind in POINT_KINDS and (
            place.country_code in self.countries or (place.admin1_code and place.admin1_code in self.admin1_codes)
        ):
            return True
        if place.kind == "country" and any(p.country_code == place.country_code for p in self.places):
            return True
        if place.subkind == "admin1" and any(p.admin1_code == place.admin1_code for p in self.places):
            return True
        if place.kind not in POINT_KINDS or not len(self.lats):
            return False
        return bool((haversine_km(place.lat, place.lon, self.lats, self.lons) <= NEAR_KM).any())


def anchor_places(toponyms: Iterable[Toponym], gazetteer: Gazetteer) -> list[Place]:
    """The most plausible place of each toponym that is neither a demonym nor nested in a name."""
    places = []
    for toponym in toponyms:
        if toponym.demonym or toponym.nested:
            continue
        best = gazetteer.best(toponym.name, approximate=False)
        if best is not None:
            places.append(best.place)
    return places


def without_unbacked(doc: Doc, text: str, found: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """The toponyms less the doubtful ones the article does not back (``text`` is the doc's)."""
    doubtful = _doubtful(doc, text, found, gazetteer)
    if not any(doubtful):
        return found
    anchors = Anchors.of((t for t, doubt in zip(found, doubtful) if not doubt), gazetteer)
    qualifier_starts = {t.start for t in found if t.evidence == Evidence.QUALIFIER}
    qualified = {t.name.casefold() for t in found if t.end + 2 in qualifier_starts}
    unbacked = {
        name
        for name in {t.name.casefold() for t, doubt in zip(found, doubtful) if doubt}
        if name not in qualified and not _backed(name, anchors, gazetteer)
    }
    return [t for t, doubt in zip(found, doubtful) if not (doubt and t.name.casefold() in unbacked)]


def _doubtful(doc: Doc, text: str, found: list[Toponym], gazetteer: Gazetteer) -> list[bool]:
    """Which toponyms are one word whose capital says little (see the module's docstring)."""
    words = [
        t.text
        if t.evidence not in SYNTACTIC_EVIDENCE and t.text.isalpha() and not _abbreviation(t, gazetteer)
        else None
        for t in found
    ]
    if not any(words):
        return [False] * len(found)
    vocab = doc.vocab
    written_lower = _written_lower(doc, text, {word.lower() for word in words if word and not word.isupper()})
    return [
        word is not None
        and (
            usually_not_a_name(vocab, word)
            or (not word.isupper() and word.lower() in written_lower)
            or (on_title_case_line(text, toponym.start, vocab) and zipf_frequency(word, WORD_LIST) >= MAX_ZIPF)
        )
        for toponym, word in zip(found, words)
    ]


def _written_lower(doc: Doc, text: str, words: set[str]) -> set[str]:
    """Those of some lower-case words that are a word of the doc as written, in lower case. A word
    that is nowhere in the text (most place names are not) is looked for no further."""
    inside = {word for word in words if word in text}
    if not inside:
        return inside
    flags = doc.to_array([ORTH, IS_LOWER, IS_ALPHA])
    lower_ids = set(flags[(flags[:, 1] == 1) & (flags[:, 2] == 1), 0].tolist())
    return {word for word in inside if doc.vocab.strings[word] in lower_ids}


def _abbreviation(toponym: Toponym, gazetteer: Gazetteer) -> bool:
    """Whether a word in capitals is a country's or region's own abbreviation ("US", "UK", "PA")."""
    if not toponym.text.isupper():
        return False
    best = gazetteer.best(toponym.text, approximate=False)
    return best is not None and best.match == Match.ALIAS and best.place.kind in CONTAINER_KINDS


def _backed(name: str, anchors: Anchors, gazetteer: Gazetteer) -> bool:
    if name in anchors.names:
        return True
    return any(anchors.back(c.place) for c in gazetteer.candidates(name, approximate=False, limit=CANDIDATES))
