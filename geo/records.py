"""The plain data the pipeline's stages pass along: an article, an input that was refused, a
parsed article and its place mentions. No stage's machinery is imported here (the store and the
dashboard use these without loading spaCy)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from gazetteer.place import Match, Place


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, cleaned and dated, ready for recognition.

    `given_offsets` is set for JSON/JSONL/CSV rows only: entry i is the index, in the text exactly as
    given, of cleaned character i, plus a final entry holding the given text's length. Files (txt, md,
    html) have None: their offsets are into the cleaned `text` itself.
    """

    id: str
    source: str
    text: str
    title: str | None
    date: dt.date | None
    date_estimated: bool
    url: str | None
    given_offsets: tuple[int, ...] | None
    content_hash: str

    def to_given(self, start: int, end: int) -> tuple[int, int]:
        """Map the span [start, end) of `text` to the same span of the text as given.

        Exact for every character cleaning did not repair; a span ending in a repaired character
        (mojibake, say) ends one character after the first given character of that repair.
        """
        if self.given_offsets is None:
            return start, end
        begin = self.given_offsets[start]
        return (begin, begin) if end <= start else (begin, self.given_offsets[end - 1] + 1)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be read, and why: reported, then skipped."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def content_hash(title: str | None, date: dt.date | None, text: str) -> str:
    """Fingerprint of an article's title, read (not estimated) date and cleaned text."""
    payload = json.dumps([title, date.isoformat() if date else None, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Mention:
    """A place mention: where in the article, what it says, where it is."""

    text: str
    start: int
    end: int
    score: float
    """Calibrated confidence (0 when unresolved)."""
    place: Place | None
    """None: a name no gazetteer entry fits well enough (all-toponyms output only)."""
    match: Match | None
    sentence_start: int
    sentence_end: int
    demonym: bool = False
    nested: bool = False


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article and the place mentions found in it."""

    article: Article
    mentions: tuple[Mention, ...]
