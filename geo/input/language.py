"""Which language an article is written in (py3langid's model, shipped inside the package).

A short text gives the model little to go on ("Shelling hit Poltava on Sunday." reads as Finnish,
at a probability of 0.53): an answer counts only when the model is sure of it, else the language
is unknown (None) and the article is parsed like English, the language the parser reads, rather
than set aside.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SAMPLE = 1000
"""Characters classified: enough for a confident answer on news prose, and ~1.5 ms an article."""
MIN_PROBABILITY = 0.9
"""Least probability of the model's answer for it to count. English news prose of a sentence or
more scores above 0.95; misreadings of short English text scored 0.5-0.8 in our checks."""


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is in; None when it has no letters or the model is unsure."""
    sample = text[:SAMPLE]
    if not any(char.isalpha() for char in sample):
        return None
    language, probability = _identifier().classify(sample)
    return language if probability >= MIN_PROBABILITY else None
