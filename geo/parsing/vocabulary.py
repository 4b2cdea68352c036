"""The English words the recognition rules look for, and the one rule they share: a person's title.

The gazetteer ruler (before NER) and the recognizer (after it) both leave alone a name written
right after a person's title ("President Vladimir Putin", "Gen. Jackson").
"""

from __future__ import annotations

import calendar

import numpy as np
from spacy.strings import hash_string
from spacy.tokens import Doc

from gazetteer.normalize import AREA_WORDS

__all__ = [
    "AREA_SUFFIXES",
    "CALENDAR_WORDS",
    "DIRECTION_WORDS",
    "FEATURE_WORDS",
    "LEADING_WORDS",
    "LIST_JOINERS",
    "NOT_ON_A_MAP",
    "ORG_WORDS",
    "PERSON_TITLES",
    "PLURAL_AREAS",
    "PLURAL_AREA_IDS",
    "STREET_WORDS",
    "after_title",
]

PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof president minister secretary chancellor senator sen rep gov governor mayor
    judge general gen maj major col colonel capt captain lt sgt officer king queen prince princess pope
    saint sir lord lady dame rev father sister brother uncle aunt premier prime deputy chief spokesman
    spokeswoman spokesperson ambassador envoy commander admiral coach""".split()
)
"""Words that, written as a title right before a name, make it a person's name; abbreviations
without their full stop ("Gen." -> gen)."""
LEADING_WORDS = frozenset({"the", "a", "an"})
CALENDAR_WORDS = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr) if w
)
STREET_WORDS = frozenset(
    """street st road rd avenue ave boulevard blvd drive dr lane ln highway hwy route rte way place pl
    court ct terrace parkway pkwy trail circle square plaza interstate freeway expressway""".split()
)
ORG_WORDS = frozenset(
    """academy administration agency airlines army assembly association authority bank board bureau
    center centre chamber church club college commission committee company corporation council court
    department district embassy federation force forces foundation fund government group guard high
    hospital institute journal league library magazine media ministry museum navy news office
    parliament party police port post press radio railway regional school service sheriff society
    state station team television times today tribune union university zoo park parks recreation
    hall courthouse jail fairgrounds marina stadium theatre theater cemetery""".split()
)
"""Words that, right after a place name, make it part of an organisation's name ("Russia Today")."""
DIRECTION_WORDS = frozenset(
    """north south east west northeast northwest southeast southwest northern southern eastern western
    central upper lower greater inner outer mid""".split()
)
"""Words that make a part of a place ("North Texas"); the place itself is the rest."""
AREA_SUFFIXES = AREA_WORDS | {"county", "parish", "borough", "township"}
"""Words that, right after a name, are part of it ("Laurel County", "Rostov region")."""
PLURAL_AREAS = {
    "counties": "County", "parishes": "Parish", "regions": "region", "oblasts": "oblast",
    "provinces": "province", "states": "state", "districts": "district",
}  # fmt: skip
"""Plural area words after a list of names, and the singular each name takes ("Baker counties")."""
PLURAL_AREA_IDS = np.array([hash_string(word) for word in PLURAL_AREAS], dtype=np.uint64)
"""spaCy's hashes of the plural area words, to find them in a doc's LOWER array."""
LIST_JOINERS = frozenset({",", "and", "or", "&"})
"""Tokens between the names of a list."""
FEATURE_WORDS = frozenset(
    """airfield airport airbase base river sea lake island islands strait bay gulf bridge dam canal
    peninsula mountains desert valley plant""".split()
)
"""Words that, after a name, may be part of a feature's name ("Chornobayivka airfield")."""
NOT_ON_A_MAP = frozenset({"earth", "moon", "sun", "mars", "mercury", "venus", "jupiter", "saturn", "heaven", "hell"})
"""Names of places in the gazetteer that news uses for something else entirely."""


def after_title(doc: Doc, start: int) -> bool:
    """Whether the token before ``start`` is a person's title written as titles are before a name,
    capitalised ("President", "Gen.", "Maj."): "a major Kyiv offensive" has no title in it."""
    if start == 0:
        return False
    word = doc[start - 1]
    return word.text[:1].isupper() and word.lower_.rstrip(".") in PERSON_TITLES
