"""A spaCy component before NER that marks prominent gazetteer places the model gets wrong.

en_core_web_* tag Kyiv, Kharkiv, Kherson or Berdyansk as PERSON or ORG: rare, foreign names.
This component marks a run of capitalised tokens as a place when the whole run is the primary
name, alias or spelling variant of a prominent place (a country, admin area, reviewed feature,
capital or a city of at least ``MIN_POPULATION``) and is not a common English word or phrase
(wordfreq Zipf frequency below ``MAX_ZIPF``: "Western", "Do", "We" stay with NER, and so do
London and Texas, which NER knows). NER then labels the rest of the sentence around it.
It stays out of the way of names that are part of something longer ("Kharkiv Regional State
Administration", "Russia Today"), of person names ("President Vladimir Putin") and of news
agencies and makers named like a place ("Xinhua", "Toyota").
"""

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Collection
from importlib import metadata
from itertools import compress
from pathlib import Path

import numpy as np
from spacy.attrs import IS_LOWER, IS_PUNCT, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from wordfreq import zipf_frequency

import geo.parsing.vocabulary
from gazetteer import Gazetteer
from gazetteer.build import cache_dir
from gazetteer.normalize import is_latin, name_key
from geo.parsing.vocabulary import MAKERS, NEWS_AGENCIES, after_title

__all__ = ["GazetteerRuler", "cached_prominent_keys", "capitalised_runs", "make_gazetteer_ruler", "prominent_keys"]

logger = logging.getLogger(__name__)

MIN_POPULATION = 15_000
"""Least population of a place the ruler marks (countries, continents, features, admin1 areas, capitals: any)."""
MAX_ZIPF = 4.0
"""Names at least this frequent in English (Zipf scale) are left to NER."""
STRONG_POPULATION = 100_000
"""A place this big (or a country, admin1 area, capital, feature) may also start a sentence."""
SENTENCE_OPENERS = frozenset({".", "!", "?", ":", ";", "(", "—", "–", "-", "|"})
"""Tokens after which a capitalised word starts a sentence, a quote or a heading."""
NOT_MARKED = frozenset(name_key(name) for name in NEWS_AGENCIES | MAKERS)
"""Names the ruler leaves to NER although a prominent place has them: agencies and makers ("Xinhua",
"SANA" read as Sanaa, "Toyota"), which NER knows as organisations."""
SEEN_TOKENS = 100_000
"""Texts of tokens that may be capitalised the ruler keeps (about 15 MB when full, per parsing process): 1,000
news articles hold about 9,000 distinct ones, so a long ingest starts afresh now and then."""
CONNECTORS = frozenset({"of", "de", "del", "la", "le", "du", "upon", "on", "am", "an", "der", "-", "al", "el"})
"""Lower-case words inside a place name ("Sea of Azov", "Rostov-on-Don")."""


def prominent_keys(gazetteer: Gazetteer) -> dict[str, bool]:
    """Uncommon name keys of prominent places -> whether the place may also start a sentence."""
    return {
        name.key: name.major or name.population >= STRONG_POPULATION
        for name in gazetteer.prominent_names(min_population=MIN_POPULATION)
        if is_latin(name.key) and zipf_frequency(name.key, "en") < MAX_ZIPF and name.key not in NOT_MARKED
    }


def cached_prominent_keys(gazetteer: Gazetteer) -> dict[str, bool]:
    """``prominent_keys``, computed once per gazetteer build and kept beside it (building them reads
    every name of the gazetteer and asks wordfreq about each: ~4 s, at every start otherwise).

    The cache file is named by a fingerprint of what the keys depend on: the gazetteer's own
    fingerprint, the wordfreq version and this module's and the word lists' code.
    """
    path = cache_dir() / f"ruler-{_fingerprint(gazetteer)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    keys = prominent_keys(gazetteer)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(keys, out)
    os.replace(temporary, path)
    logger.debug("ruler keys cached in %s", path)
    return keys


def _fingerprint(gazetteer: Gazetteer) -> str:
    digest = hashlib.sha256()
    digest.update(gazetteer.meta().get("fingerprint", str(gazetteer.path)).encode())
    digest.update(metadata.version("wordfreq").encode())
    for module in (__file__, geo.parsing.vocabulary.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


def _capitalised(text: str) -> bool:
    return text[:1].isupper() and (len(text) > 1 or text.isalpha())


def capitalised_runs(capitals: Collection[int], word: Callable[[int], str], spaced: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens (token indices, end exclusive), given the indices of the capitalised
    tokens (iterated in ascending order), any token's text by index and whether a space follows each token.

    Connectors may sit inside a run ("Sea of Azov") and hyphenated compounds stay whole
    ("Rostov-on-Don", "Ivano-Frankivsk"); punctuation, lower-case words and line breaks end it.
    """
    runs, end, n = [], 0, len(spaced)
    for start in capitals:
        if start < end:
            continue
        end = start + 1
        while True:  # at the doc's end no branch holds
            if end in capitals:
                end += 1
            elif not spaced[end - 1] and end + 1 < n and not spaced[end] and word(end) == "-":
                end += 2
            elif end + 1 in capitals and word(end).lower() in CONNECTORS:
                end += 2
            else:
                break
        runs.append((start, end))
    return runs


def _joined(word: Callable[[int], str], spaced: list[int], start: int, end: int) -> str:
    """The text of tokens ``start`` to ``end`` (exclusive), a space after each that had one."""
    text = word(start)
    for i in range(start + 1, end):
        text += " " * spaced[i - 1] + word(i)  # runs are short: adding beats building a list to join
    return text


class GazetteerRuler:
    """Callable spaCy component: set prominent places as GPE/LOC entities before NER runs."""

    def __init__(self, keys: dict[str, bool]):
        self.keys = keys
        self._capitals: dict[int, str | None] = {}
        """Texts of the tokens met lately that may be capitalised, by their spaCy hash, None for those that are
        not: the ruler reads tokens from the doc's arrays (a Token object per token would cost more than all it
        does with them), and a dict costs a fraction of the StringStore's look-up."""

    def __call__(self, doc: Doc) -> Doc:
        capitals, spaced = self._read(doc)

        def word(i: int) -> str:
            return capitals[i] if i in capitals else doc[i].text

        spans = []
        for start, end in capitalised_runs(capitals, word, spaced):
            if capitals[start].lower() == "the":
                start += 1
            if start >= end:
                continue
            # a run's token alone (or after its "The") is capitalised: connectors and hyphens come with a word after
            text = capitals[start] if end - start == 1 else _joined(word, spaced, start, end)
            strong = self.keys.get(name_key(text))
            if strong is None:
                continue
            if after_title(doc, start) or (not strong and self._starts_sentence(doc, start)):
                continue
            spans.append(Span(doc, start, end, label="GPE"))
        if spans:
            doc.set_ents(spans, default="unmodified")
        return doc

    def _read(self, doc: Doc) -> tuple[dict[int, str], list[int]]:
        """The capitalised tokens' texts by token index (in token order), and whether a space follows each token.

        A capitalised token is neither lower case nor punctuation: spaCy's lexeme flags for those rule out most
        tokens without a Python step each, and only the rest are looked up.
        """
        seen = self._capitals
        if len(seen) > SEEN_TOKENS:
            seen.clear()
        lower, punctuation, orths, spaced = doc.to_array([IS_LOWER, IS_PUNCT, ORTH, SPACY]).T
        candidates = np.logical_not(lower | punctuation).nonzero()[0]
        candidate_orths = orths[candidates].tolist()
        for orth in set(candidate_orths).difference(seen):
            text = doc.vocab.strings[orth]
            seen[orth] = text if _capitalised(text) else None
        texts = list(map(seen.__getitem__, candidate_orths))
        return dict(compress(zip(candidates.tolist(), texts), texts)), spaced.tolist()

    @staticmethod
    def _starts_sentence(doc: Doc, start: int) -> bool:
        """Whether a token opens a sentence, a line, a quote or a heading."""
        if start == 0:
            return True
        previous = doc[start - 1]
        return previous.is_quote or previous.is_space or previous.text in SENTENCE_OPENERS


@Language.factory("dateline_gazetteer_ruler", default_config={"gazetteer_path": ""})
def make_gazetteer_ruler(nlp: Language, name: str, gazetteer_path: str) -> GazetteerRuler:
    """Factory: the ruler over the gazetteer at ``gazetteer_path`` (the cached build when empty)."""
    with Gazetteer.open(gazetteer_path or None) as gazetteer:
        return GazetteerRuler(cached_prominent_keys(gazetteer))
