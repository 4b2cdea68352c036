"""Recognise place names in a processed spaCy doc: which spans are toponyms, and how sure we are.

Input is a doc that went through ``geo.nlp`` (sentencizer, gazetteer ruler, NER). Output is a
list of ``Toponym``: trimmed spans ("the Black Sea" -> "Black Sea", "Sri Lanka's" -> "Sri Lanka"),
each with its recognition confidence. Decisions:

- GPE / LOC / FAC entities are toponym candidates; so are PERSON / ORG / other entities whose
  whole text names a prominent place (NER calls Kherson a PERSON and Berdyansk an ORG).
- A word of a longer person name in the same article ("Kuleba" after "Dmytro Kuleba"), or a name
  after a person's title, is not a place; nor is a street ("Main St.", "Mill Road").
- Demonyms ("Russian", "Ukrainians") are not places: they are returned flagged, as context for
  resolution and for the all-toponyms mode.
- Names inside organisation names ("Kharkiv Regional State Administration", "Russia Today",
  "University of Toronto") are not places; they are returned flagged as nested.
- News conventions: a dateline ("SALINA, Kan. (AP) —", "KYIV:") names a place; so does a state or
  country written after a place ("Louisville, Ky.", "Belgorod, Russia"); "Rostov region",
  "Kherson Oblast" and "Laurel County" keep their area word.
- A misspelling of a place the article names elsewhere ("Mauripol" beside "Mariupol") is that place.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process
from spacy.attrs import ENT_IOB, IS_TITLE, LENGTH, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from gazetteer import Gazetteer, haversine_km
from gazetteer.normalize import AREA_WORDS

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
OTHER_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Entities that are never a place nor a demonym ("last Friday", "300 miles")."""
CONTAINER_KINDS = frozenset({"country", "region", "continent"})
LEADING_WORDS = frozenset({"the", "a", "an"})
CALENDAR_WORDS = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr) if w
)
PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof president minister secretary chancellor senator sen rep gov governor mayor
    judge gen maj col capt lt sgt officer king queen prince princess pope sir lord lady dame rev
    premier chief spokesman spokeswoman spokesperson ambassador envoy commander admiral coach""".split()
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
PLURAL_AREAS = {
    "counties": "County", "parishes": "Parish", "regions": "region", "oblasts": "oblast",
    "provinces": "province", "states": "state", "districts": "district",
}  # fmt: skip
_PLURAL_AREA_IDS = np.array([hash_string(word) for word in PLURAL_AREAS], dtype=np.uint64)
FEATURE_WORDS = frozenset(
    """airfield airport airbase base river sea lake island islands strait bay gulf bridge dam canal
    peninsula mountains desert valley plant""".split()
)
MIN_OTHER_PRIOR = {"PERSON": 7.2, "ORG": 6.0}
"""Least gazetteer prior for a span NER called a person (a 500,000-people city by its name, or a
country, capital or admin area) or something else (about 30,000 people)."""
MIN_OTHER_PRIOR_DEFAULT = 6.0
NOT_ON_A_MAP = frozenset({"earth", "moon", "sun", "mars", "mercury", "venus", "jupiter", "saturn", "heaven", "hell"})
"""Names of places in the gazetteer that news uses for something else entirely."""
MIN_APPROXIMATE_SIMILARITY = 88.0
"""Least rapidfuzz ratio for a spelling or transliteration variant the gazetteer matched loosely."""
MIN_TYPO_SIMILARITY = 85.0
ECHO_KM = 25.0
"""How near a doubtful entity's place must lie to a place the article names to count as a repeat."""
"""Least ratio for a capitalised word to count as a misspelling of a place the article names."""

_DATELINE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z'’.\- ]{1,40}?[A-Z.])(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]*(?:[ \t][A-Z][A-Za-z.]*)?))?"
    r"[ \t]*(?:\((?:AP|Reuters|AFP|CNN|UPI|dpa)\)[ \t]*)?(?:--|—|–|-|:)[ \t]",
    re.MULTILINE,
)
_ACRONYM_RE = re.compile(r"^[A-Z]{2,6}s?$")


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name found in a text, before resolution."""

    start: int
    end: int
    text: str
    label: str
    confidence: float
    demonym: bool = False
    nested: bool = False
    query: str | None = None
    """The name to look up when it is not the text itself ("Baker County" for the "Baker" of
    "Nassau and Baker counties")."""

    @property
    def name(self) -> str:
        """What to look the toponym up as in the gazetteer."""
        return self.query or self.text


def find_toponyms(doc: Doc, gazetteer: Gazetteer) -> list[Toponym]:
    """Toponyms in a processed doc, in text order, without overlaps (listed areas first: they
    are the most specific reading of their span)."""
    text = doc.text  # spaCy rebuilds it (and doc.ents) on every access
    entities = doc.ents
    person_words = _person_words(entities)
    found = _from_entities(doc, entities, gazetteer, person_words)
    found += _from_datelines(doc, text, gazetteer)
    found += _qualifiers(doc, text, gazetteer, found)
    found += _misspellings(doc, found)
    listed = _listed_areas(doc, gazetteer)
    return [_with_full_stop(text, t, gazetteer.abbreviations) for t in _without_overlaps(listed + found)]


def _with_full_stop(text: str, toponym: Toponym, abbreviations: frozenset[str]) -> Toponym:
    """Give an abbreviation back the full stop the tokenizer split off ("W.Va" -> "W.Va.")."""
    if text[toponym.end : toponym.end + 1] == "." and toponym.text + "." in abbreviations:
        return replace(toponym, end=toponym.end + 1, text=toponym.text + ".")
    return toponym


def _from_entities(
    doc: Doc, entities: tuple[Span, ...], gazetteer: Gazetteer, person_words: frozenset[str]
) -> list[Toponym]:
    found: list[Toponym] = []
    doubtful: list[tuple[Span, str]] = []
    for ent in entities:
        if ent.label_ in NUMERIC_LABELS or (whole := _trim(doc, ent)) is None:
            continue
        for span in _hyphen_parts(doc, whole, gazetteer):
            text = span.text
            if text.lower() in CALENDAR_WORDS or text.lower() in NOT_ON_A_MAP:
                continue
            if gazetteer.demonym_country(text):
                found.append(_toponym(span, ent.label_, 0.9, demonym=True))
                continue
            if ent.label_ not in PLACE_LABELS and ent.label_ not in OTHER_LABELS:
                continue
            toponym = _judge(doc, span, ent.label_, gazetteer, person_words) or _part_of(doc, span, ent.label_, gazetteer, person_words)
            if toponym is not None:
                found.append(toponym)
            elif nested := list(_nested_in(doc, span, gazetteer)):
                found.extend(nested)
            else:
                doubtful.append((span, ent.label_))
    return found + _echoes(doc, doubtful, found, gazetteer, person_words)


def _part_of(doc: Doc, span: Span, label: str, gazetteer: Gazetteer, person_words: frozenset[str]) -> Toponym | None:
    """"North Texas", "Northeast Georgia": a part of a place the gazetteer has no entry for is
    mapped to the place ("Texas"), and the mention is the place's own name."""
    if len(span) < 2 or span[0].lower_ not in DIRECTION_WORDS or label not in PLACE_LABELS:
        return None
    return _judge(doc, span[1:], label, gazetteer, person_words)


def _echoes(
    doc: Doc,
    doubtful: list[tuple[Span, str]],
    found: list[Toponym],
    gazetteer: Gazetteer,
    person_words: frozenset[str],
) -> list[Toponym]:
    """Entities NER did not call places that name, again, a place the article already names
    ("also known as Chernobayevka" after "the Chornobayivka airfield")."""
    anchors = [
        best.place
        for t in found
        if not t.demonym and not t.nested
        for best in gazetteer.candidates(t.name, approximate=False, limit=1)
    ]
    echoes = []
    for span, label in doubtful:
        if _after_title(doc, span) or (len(span) == 1 and span[0].lower_ in person_words) or _acronym_text(span):
            continue
        best = next(iter(gazetteer.candidates(span.text, approximate=False, limit=1)), None)
        if best is not None and any(
            haversine_km(best.place.lat, best.place.lon, a.lat, a.lon) <= ECHO_KM for a in anchors
        ):
            echoes.append(_toponym(span, label, 0.7))
    return echoes


def _hyphen_parts(doc: Doc, span: Span, gazetteer: Gazetteer) -> list[Span]:
    """Split "Ukraine-Belarus" or "Russian-Ukraine" into its names, but not "Ivano-Frankivsk"."""
    cuts = [t.i for t in span if t.text == "-" and not t.whitespace_ and not doc[t.i - 1].whitespace_]
    if not cuts or _is_place_name(span, gazetteer):
        return [span]
    bounds = [span.start, *cuts, span.end]
    parts = [doc[a + (a != span.start) : b] for a, b in zip(bounds, bounds[1:])]
    return [p for p in parts if len(p) and p.text[:1].isupper()]


def _judge(doc: Doc, span: Span, label: str, gazetteer: Gazetteer, person_words: frozenset[str]) -> Toponym | None:
    span = _with_area_word(doc, span, gazetteer)
    if span[-1].lower_.rstrip(".") in STREET_WORDS or _after_title(doc, span):
        return None
    if len(span) == 1 and span[0].lower_ in person_words:
        return None
    place_label = label in PLACE_LABELS
    best = next(iter(gazetteer.candidates(span.text, fuzzy=place_label, limit=1, approximate=place_label)), None)
    if best is None:
        return None
    if best.match in ("fuzzy", "translit"):
        if not place_label or best.similarity < MIN_APPROXIMATE_SIMILARITY:
            return None
        confidence = 0.6
    elif place_label:
        confidence = 0.9
    elif (
        best.prior >= MIN_OTHER_PRIOR.get(label, MIN_OTHER_PRIOR_DEFAULT)
        and best.match in ("name", "alias", "variant")
        and not _acronym(span, best)
    ):
        confidence = 0.6
    else:
        return None
    return _toponym(span, label, confidence, nested=_org_tail(doc, span))


def _nested_in(doc: Doc, span: Span, gazetteer: Gazetteer) -> Iterator[Toponym]:
    """The place named inside an organisation or facility name: the leftmost, longest run of
    capitalised words that names a place ("Norfolk" in "Norfolk High School", "Los Angeles" in
    "Port of Los Angeles", "Kentucky" in "Eastern Kentucky University"). Only names with an
    organisation word count as organisation names, whatever NER called them."""
    lowers = [t.lower_ for t in span]
    if not ORG_WORDS.intersection(lowers):
        return
    caps = [t.text[:1].isupper() for t in span]
    for start in range(len(lowers)):
        if not caps[start] or lowers[start] in ORG_WORDS or lowers[start] in DIRECTION_WORDS:
            continue
        for size in range(min(4, len(lowers) - start), 0, -1):
            if size == len(lowers) or not all(caps[start : start + size]):
                continue
            inner = span[start : start + size]
            if _is_place_name(inner, gazetteer):
                yield _toponym(inner, span.label_ or "ORG", 0.6, nested=True)
                return


def _is_place_name(span: Span, gazetteer: Gazetteer) -> bool:
    best = next(iter(gazetteer.candidates(span.text, approximate=False, limit=1)), None)
    return best is not None and best.match in ("name", "alias", "variant") and not _acronym(span, best)


def _from_datelines(doc: Doc, text: str, gazetteer: Gazetteer) -> list[Toponym]:
    """The place (and region) of a news dateline at the start of a line: "SALINA, Kan. (AP) --"."""
    found = []
    for match in _DATELINE_RE.finditer(text):
        for group in ("place", "region"):
            if not match.group(group):
                continue
            span = doc.char_span(match.start(group), match.end(group), alignment_mode="expand")
            span = _trim(doc, span) if span is not None else None
            if span is None or span.text.lower() in CALENDAR_WORDS:
                continue
            best = next(iter(gazetteer.candidates(span.text, approximate=False, limit=1)), None)
            if best is not None and best.match in ("name", "alias", "variant", "alternate"):
                found.append(_toponym(span, "DATELINE", 0.8))
    return found


def _qualifiers(doc: Doc, text: str, gazetteer: Gazetteer, found: list[Toponym]) -> list[Toponym]:
    """A region or country written after a place: "Louisville, Ky.", "Belgorod, Russia"."""
    extra = []
    starts = {t.start for t in found}
    for toponym in found:
        begin = toponym.end + 2
        if toponym.demonym or text[toponym.end : begin] != ", " or begin in starts:
            continue
        first = doc.char_span(begin, begin + 1, alignment_mode="expand")
        if first is None or not first.text[:1].isupper():
            continue
        for size in (3, 2, 1):
            span = _trim(doc, doc[first.start : min(first.start + size, len(doc))])
            if span is None or span.start != first.start:
                continue
            best = next(iter(gazetteer.candidates(span.text, approximate=False, limit=1)), None)
            if best is not None and best.place.kind in CONTAINER_KINDS and best.match in ("name", "alias", "variant"):
                extra.append(_toponym(span, "QUALIFIER", 0.8))
                break
    return extra


def _listed_areas(doc: Doc, gazetteer: Gazetteer) -> list[Toponym]:
    """Each name of a list before a plural area word: "Nassau and Baker counties" names Nassau
    County and Baker County; "the Donetsk and Luhansk regions", two oblasts."""
    found = []
    lowers = doc.to_array(LOWER)
    for index in np.flatnonzero(np.isin(lowers, _PLURAL_AREA_IDS)).tolist():
        singular = PLURAL_AREAS[doc[index].lower_]
        i = index - 1
        while i >= 0:
            start = i
            while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].lower_ not in LEADING_WORDS:
                start -= 1
            name = doc[start : i + 1]
            if not name.text[:1].isupper() or not all(t.text[:1].isupper() for t in name):
                break
            query = f"{name.text} {singular}"
            best = next(iter(gazetteer.candidates(query, kind="region", approximate=False, limit=1)), None)
            if best is None or best.match in ("translit", "fuzzy"):
                break
            found.append(Toponym(name.start_char, name.end_char, name.text, "LIST", 0.8, query=query))
            i = start - 1
            if i < 0 or doc[i].lower_ not in {",", "and", "or", "&"}:
                break
            i -= 1
            if i >= 0 and doc[i].text == ",":
                i -= 1
    return found


def _misspellings(doc: Doc, found: list[Toponym]) -> list[Toponym]:
    """Capitalised words outside any entity that misspell a place the article names ("Mauripol")."""
    names = {t.text for t in found if not t.demonym and not t.nested and len(t.text) >= 5}
    if not names:
        return []
    taken = set()
    for toponym in found:
        taken.update(range(toponym.start, toponym.end))
    extra = []
    flags = doc.to_array([ENT_IOB, IS_TITLE, LENGTH])
    outside = (flags[:, 0] != 3) & (flags[:, 0] != 1) & (flags[:, 1] == 1) & (flags[:, 2] >= 5)
    for index in np.flatnonzero(outside).tolist():
        token = doc[index]
        if token.idx in taken or token.text in names:
            continue
        match = process.extractOne(token.text, names, scorer=fuzz.ratio, score_cutoff=MIN_TYPO_SIMILARITY)
        if match is not None:
            extra.append(Toponym(token.idx, token.idx + len(token.text), token.text, "TYPO", 0.6))
    return extra


def _without_overlaps(found: list[Toponym]) -> list[Toponym]:
    """Keep, of overlapping toponyms, the first in ``found``."""
    kept: list[Toponym] = []
    for toponym in found:
        if all(toponym.end <= k.start or toponym.start >= k.end for k in kept):
            kept.append(toponym)
    return sorted(kept, key=lambda t: t.start)


def _toponym(span: Span, label: str, confidence: float, *, demonym: bool = False, nested: bool = False) -> Toponym:
    text = re.sub(r"[’']s$", "", span.text)
    return Toponym(span.start_char, span.start_char + len(text), text, label, confidence, demonym, nested)


def _trim(doc: Doc, span: Span) -> Span | None:
    """Drop leading articles and trailing punctuation or possessive "'s"."""
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in LEADING_WORDS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s"}):
        end -= 1
    return doc[start:end] if start < end else None


def _person_words(entities: tuple[Span, ...]) -> frozenset[str]:
    """Surnames of the article's multi-word person names ("Dmytro Kuleba" -> kuleba): a person
    named in full is later called by the surname alone. (Only the last word: NER also calls
    "Alexandria Police" a person, and Alexandria must stay a place.)"""
    return frozenset(
        ent[-1].lower_
        for ent in entities
        if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].is_alpha and ent[-1].lower_ not in ORG_WORDS
    )


def _after_title(doc: Doc, span: Span) -> bool:
    return span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in PERSON_TITLES


def _with_area_word(doc: Doc, span: Span, gazetteer: Gazetteer | None = None) -> Span:
    """Take a following area or feature word into the name: "Rostov region", "Laurel County",
    and, when the gazetteer knows the longer name, "Chornobayivka airfield" or "Dnipro river"."""
    if span.end >= len(doc) or not doc[span.end - 1].whitespace_:
        return span
    following = doc[span.end]
    longer = doc[span.start : span.end + 1]
    if following.lower_ in AREA_SUFFIXES:
        return longer
    if gazetteer is not None and following.lower_ in FEATURE_WORDS and _is_place_name(longer, gazetteer):
        return longer
    return span


def _org_tail(doc: Doc, span: Span) -> bool:
    """Whether a capitalised organisation word follows the name ("Russia Today", "Kharkiv Regional ...")."""
    return span.end < len(doc) and doc[span.end].text[:1].isupper() and doc[span.end].lower_ in ORG_WORDS


def _acronym_text(span: Span) -> bool:
    return bool(_ACRONYM_RE.match(span.text))


def _acronym(span: Span, best) -> bool:
    """An all-capitals abbreviation that is not a country's or region's own ("EU", "SRT", but not "UK")."""
    return _acronym_text(span) and not (
        best.place.kind in CONTAINER_KINDS and best.match in ("name", "alias")
    )
