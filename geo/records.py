"""The plain data the pipeline's stages pass along: an article, an input that was refused, a
parsed article and its place mentions. No stage's machinery is imported here (the store and the
dashboard use these without loading spaCy)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from operator import attrgetter

from gazetteer.place import Match, Place
from geo.offsets import OffsetMap


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, cleaned and dated, ready for recognition.

    `id` is unique by construction within an ingest root (see `geo.input.read`): a file's path
    relative to the root ("seeds/000_04ec2b7c7e823c78.txt"), `<file id>#<row's own id or number>`
    for a JSON/JSONL/CSV row, `<archive id>/<member path>` for an archive member, `#<n>` for a WARC
    record or feed item. `source` says where it was read from in the same form, with row numbers.
    `ref` is the row's own `id` field as given (None for files): what gold corpora key documents by.

    `given_offsets` is set for JSON/JSONL/CSV rows only: entry i is the index, in the text exactly as
    given, of cleaned character i, plus a final entry holding the given text's length (stored as
    runs, see `geo.offsets`). Files (txt, md, html) have None: their offsets are into the cleaned
    `text` itself.

    `outlet` is the site name, else the URL's domain, else the file's folder name; `language` an
    ISO 639-1 code (detected); `encoding` the codec the bytes were decoded with (None for text given
    as JSON strings).
    """

    id: str
    source: str
    text: str
    title: str | None
    date: dt.date | None
    date_estimated: bool
    url: str | None
    given_offsets: OffsetMap | None
    content_hash: str
    ref: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    encoding: str | None = None

    def to_given(self, start: int, end: int) -> tuple[int, int]:
        """Map the span [start, end) of `text` to the same span of the text as given.

        Exact for every character cleaning did not repair; a span ending in a repaired character
        (mojibake, say) ends one character after the first given character of that repair.
        """
        if self.given_offsets is None:
            return start, end
        begin = self.given_offsets[start]
        return (begin, begin) if end <= start else (begin, self.given_offsets[end - 1] + 1)


READ, CLEAN, DATE = "read", "clean", "date"
"""The input stages an InputProblem can come from."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be read, and why: reported, then skipped.

    `stage` is where it failed: `read` (the bytes, the format, a limit), `clean` or `date` (an
    unexpected error there). Its text is one line whatever the source's name or the reason hold.
    """

    source: str
    reason: str
    stage: str = READ

    def __str__(self) -> str:
        return f"{one_line(self.source)}: {one_line(self.reason)}"


def one_line(text: str) -> str:
    """`text` with line breaks and other control or invisible characters escaped (`\\n`, `\\x1b`)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


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

    def __reduce__(self) -> tuple[type[Mention], tuple]:
        """Pickled as its fields in order: parsing workers send back thousands, and the dataclass's own
        state methods read ``fields()`` for each (pickling and unpickling a parse's mentions then cost
        about 40% more)."""
        return Mention, _mention_fields(self)


_mention_fields = attrgetter(*(field.name for field in fields(Mention)))


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article and the place mentions found in it.

    ``problem`` says why the article could not be parsed (the stage and the reason: it has no
    mentions, is reported and is not stored); ``note`` why it was deliberately left unparsed (a
    language the parser does not support yet: it is stored, with the note, and has no mentions).
    """

    article: Article
    mentions: tuple[Mention, ...]
    problem: str | None = None
    note: str | None = None

    @property
    def failed(self) -> bool:
        """Whether parsing failed (see ``problem``)."""
        return self.problem is not None
