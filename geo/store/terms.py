"""The words of an article as the store's search index keeps them.

DuckDB's full-text extension would be downloaded at run time, which Dateline never does, so the
store keeps its own index: one row per (word, article), the word folded (case, diacritics) and
hashed to a 64-bit integer that a query compares with one column scan. The hash is ours
(BLAKE2b), not DuckDB's, so an index built by one DuckDB version is read right by the next.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

__all__ = ["MIN_TERM", "query_terms", "term_array", "term_hash", "terms"]

MIN_TERM = 2
"""Shortest word indexed: single letters match nearly every article and say nothing."""
TERM_CACHE = 1 << 16
"""Words whose hash is kept: news vocabularies repeat, so most words are hashed once. About 170 bytes
a word (11 MB when full); 3,000 news articles hold about 18,000 distinct words."""
_WORD = re.compile(r"\w+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
"""Combining marks (the diacritics NFKD splits off letters)."""


def _fold(text: str) -> str:
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


def terms(*texts: str | None) -> set[str]:
    """The distinct folded words of some texts (an article's title and text)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(word for word in _WORD.findall(_fold(text)) if len(word) >= MIN_TERM)
    return found


def query_terms(query: str) -> list[str]:
    """The words a search query asks for, folded the way the index folds them, in order."""
    return list(dict.fromkeys(word for word in _WORD.findall(_fold(query)) if len(word) >= MIN_TERM))


@lru_cache(maxsize=TERM_CACHE)
def term_hash(term: str) -> int:
    """A signed 64-bit hash of a folded word (DuckDB's BIGINT)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def term_array(words: Iterable[str]) -> np.ndarray:
    """``term_hash`` of each word, as an array of DuckDB BIGINTs. A write batch holds its articles'
    index rows this way until it writes them: 8 bytes a word, where a set of words and a list of
    (hash, id) tuples took about 12 MB more of the writer's memory at each batch of 200 articles."""
    return np.fromiter((term_hash(word) for word in words), dtype=np.int64)
