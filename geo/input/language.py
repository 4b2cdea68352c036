"""Which language an article is written in (py3langid's model, shipped inside the package).

A short text gives the model little to go on ("Shelling hit Poltava on Sunday." reads as Finnish,
at a probability of 0.53): an answer counts only when the model is sure of it, else the language
is unknown (None) and the article is parsed like English, the language the parser reads, rather
than set aside.

Most articles are plainly English, and the model costs about half a millisecond an article (a
tenth of what the parser spends outside spaCy): a sample whose words are often English function
words that no other language uses much is English without asking the model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from geo.input.clean import NEWS_TYPOGRAPHY

SAMPLE = 1000
"""Characters classified: enough for a confident answer on news prose, and ~0.5 ms an article."""
MIN_PROBABILITY = 0.9
"""Least probability of the model's answer for it to count. English news prose of a sentence or
more scores above 0.95; misreadings of short English text scored 0.5-0.8 in our checks."""
ENGLISH_FUNCTION_WORDS = frozenset(
    "the and that with were which from this would their they said been who about there than could what when"
    " his she its but not has after our".split()
)
"""Frequent English words that are rare in every other language wordfreq knows: 15.5% of English
running text, at most 0.3% of any other (Dutch). Words common elsewhere are left out ("we", "had" and
"of" are Dutch words, "to" a Polish and Czech one, "have" Danish, "are" Romanian, "also" German)."""
MIN_ENGLISH_SHARE = 0.05
"""Least share of a sample's words that are ``ENGLISH_FUNCTION_WORDS`` for it to be English without
the model: a third of English news prose's median (15.7% on LGL's first 1,000 characters, where 583
of 588 texts reach 5%; chosen there), over fifteen times any other language's. Checked on TR-News:
all 118 texts reach it (median 15.8%, lowest 6.0%)."""
MIN_ENGLISH_WORDS = 8
"""...and at least this many of them: a headline or a list of names leaves the answer to the model.
With both, the shortcut answers for 561 of LGL's 588 texts and 117 of TR-News's 118, and the model
says English, sure of it, for every one of them."""
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_NON_LETTERS = str.maketrans(dict.fromkeys((chr(c) for c in range(128) if not chr(c).isalpha()), " "))
"""Blanks out what `_WORD` does not match in ASCII text: its words are then the runs of letters that
`str.split` finds, at a third of the regex's cost."""
_NOT_ASCII_OR_TYPOGRAPHY = re.compile(f"[^\x00-\x7f{NEWS_TYPOGRAPHY}]")
"""Curly quotes, dashes and ellipses are the only non-ASCII characters of most English samples; none is
part of a word, and neither is the "?" they become in ASCII."""


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is in; None when it has no letters or the model is unsure."""
    sample = text[:SAMPLE]
    if not any(char.isalpha() for char in sample):
        return None
    if _plainly_english(sample):
        return "en"
    language, probability = _identifier().classify(sample)
    return language if probability >= MIN_PROBABILITY else None


def _plainly_english(sample: str) -> bool:
    words = _words(sample.lower())
    found = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))
    return found >= MIN_ENGLISH_WORDS and found >= MIN_ENGLISH_SHARE * len(words)


def _words(text: str) -> list[str]:
    """The runs of letters in `text`."""
    if not text.isascii() and not _NOT_ASCII_OR_TYPOGRAPHY.search(text):
        text = text.encode("ascii", "replace").decode("ascii")
    return text.translate(_ASCII_NON_LETTERS).split() if text.isascii() else _WORD.findall(text)
