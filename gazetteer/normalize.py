"""Name normalisation: the keys under which place names are stored and looked up.

Three keys, from strict to loose:

- ``name_key``: case, diacritics, apostrophes, hyphens, punctuation and a leading
  "the" folded away ("The Black Sea" -> "black sea", "Slov'iansk" -> "sloviansk").
- ``split_area_suffix``: "Kherson Oblast", "Kherson region", "Khersonska oblast"
  -> ("kherson", True): the bare name and whether the text named an area.
- ``skeleton``: a transliteration-blind consonant skeleton, so that Cyrillic
  romanisations that differ in vowels, soft signs, doubled letters and g/h
  (Kharkov/Kharkiv, Chernobayevka/Chornobaivka, Lugansk/Luhansk) meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

MAX_NAME_LENGTH = 200
"""Longest name accepted for lookup; no real place name comes close."""
FUZZY_MIN_LENGTH = 4
"""Keys shorter than this are never matched approximately: too many near neighbours."""
NAME_KEYS_KEPT = 32_768
"""Names whose keys are kept (about 6 MB when full): parsing folds the same few thousand names again
and again (the ruler's capitalised runs, then the gazetteer's questions)."""

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\u02bb"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_SEPARATOR_RE = re.compile(r"[\W_]+", re.UNICODE)
_LEADING_THE_RE = re.compile(r"^the\s+")

AREA_WORDS = frozenset(
    {
        "oblast",
        "oblasti",
        "region",
        "province",
        "krai",
        "kray",
        "raion",
        "rayon",
        "district",
        "governorate",
        "territory",
        "prefecture",
        "voivodeship",
        "state",
    }
)
"""Words that turn a name into the name of the area around it ("Kherson region")."""

_ADJECTIVAL_AREA_RE = re.compile(r"(?:s['\u2019]?ka|skaya|skiy|skyi|skyy|ska|sky)$")
"""Ukrainian/Russian adjectival endings of oblast names ("Khersonska" -> "Kherson")."""

_SKELETON_DROP_RE = re.compile(r"[aeiouyjh'\s]")
_REPEAT_RE = re.compile(r"(.{1,2}?)\1+")


KEY_SEPARATOR = "\n"
"""Joins keys stored together: ``name_key`` turns every run of non-word characters into one space,
so no key holds it."""


@lru_cache(maxsize=NAME_KEYS_KEPT)
def name_key(name: str) -> str:
    """Fold a place name into its lookup key; "" when nothing name-like is left."""
    text = name.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE_RE.sub("", text).replace(".", "")
    text = _SEPARATOR_RE.sub(" ", text).strip()
    return _LEADING_THE_RE.sub("", text)


def split_area_suffix(key: str) -> tuple[str, bool]:
    """Strip a trailing area word from a key: ("kherson oblast") -> ("kherson", True)."""
    words = key.split(" ")
    if len(words) < 2 or words[-1] not in AREA_WORDS:
        return key, False
    base = " ".join(words[:-1])
    if words[-1].startswith("obl") and len(words) == 2:
        base = _ADJECTIVAL_AREA_RE.sub("", base) or base
    return base, True


def skeleton(key: str) -> str:
    """Transliteration-blind consonant skeleton of a key ("kharkov" -> "krkv")."""
    ascii_key = unidecode(key).lower().replace("g", "h").replace("w", "v")
    ascii_key = ascii_key.replace("ts", "c").replace("tz", "c")
    consonants = _SKELETON_DROP_RE.sub("", ascii_key)
    consonants = re.sub(r"[^a-z]", "", consonants)
    return _REPEAT_RE.sub(r"\1", consonants)


def is_latin(key: str) -> bool:
    """Whether a key is written in the Latin alphabet (after diacritics are folded)."""
    return bool(key) and all(ch.isascii() for ch in key)
