"""What a word's capital letter says: whether a capitalised word is usually something other than a
name, and which lines of a text are Title Case headlines, where every word is capitalised.

How a word is usually written comes from the spaCy pipeline's vectors table, whose rows are ordered
by how often each written form occurs in the text the vectors were trained on: "mobile" comes before
"Mobile" (a common word), "Washington" before "washington" (a name), "SWAT" before "Swat" (an
acronym). Forms beyond the table's rows count as rare. A pipeline without vectors (en_core_web_sm,
_trf) gives no answer here, and the rules that ask fall back on the article's own lowercase uses.
"""

from __future__ import annotations

import re
from itertools import islice

from spacy.vocab import Vocab

__all__ = ["is_title_case_line", "on_title_case_line", "usually_not_a_name"]

MINOR_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs from into onto over with".split()
)
"""Words a Title Case headline leaves in lower case (AP and Chicago styles)."""
MIN_HEADLINE_WORDS = 3
"""Fewest capitalised words in a Title Case headline ("Gold Prices Rise")."""
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_RANKS: dict[int, dict[int, int]] = {}
"""Frequency rank of each written form with a row of its own, per vectors table (keyed by its id)."""


def _ranks(vocab: Vocab) -> dict[int, int]:
    """String hash -> frequency rank of the forms that own a row of the vocab's vectors table."""
    vectors = vocab.vectors
    ranks = _RANKS.get(id(vectors))
    if ranks is None:
        key2row = vectors.key2row
        rows = vectors.shape[0] if key2row else 0
        ranks = {key: rank for rank, key in enumerate(islice(key2row, rows)) if key2row[key] == rank}
        _RANKS[id(vectors)] = ranks
    return ranks


def usually_not_a_name(vocab: Vocab, word: str) -> bool:
    """Whether a capitalised word is written more often as a common word ("Mobile", "Gold", "Salt")
    or, when in capitals, as an acronym ("SWAT") than as the name it would be as a place."""
    ranks = _ranks(vocab)
    if not ranks:
        return False
    if word.isupper() and len(word) > 1:
        usual, name = word, word.capitalize()
    else:
        usual, name = word.lower(), word
    rare = len(ranks)
    return ranks.get(vocab.strings[usual], rare) < ranks.get(vocab.strings[name], rare)


def is_title_case_line(line: str, vocab: Vocab) -> bool:
    """Whether a line is a headline in Title Case: every word but the minor ones capitalised, at
    least ``MIN_HEADLINE_WORDS`` of them, and one at least a common word ("Prices"), so that a line
    of names ("Austria and Hungary") is not taken for one."""
    words = []
    for match in _WORD_RE.finditer(line):
        word = match.group()
        if word.lower() in MINOR_WORDS:
            continue
        if not word[:1].isupper():
            return False
        words.append(word)
    return len(words) >= MIN_HEADLINE_WORDS and any(usually_not_a_name(vocab, w) for w in words if not w.isupper())


def on_title_case_line(text: str, index: int, vocab: Vocab) -> bool:
    """Whether the character at ``index`` lies on a Title Case headline line of the text."""
    end = text.find("\n", index)
    return is_title_case_line(text[text.rfind("\n", 0, index) + 1 : end if end >= 0 else len(text)], vocab)
