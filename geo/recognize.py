"""Recognise place names in a processed spaCy doc: which spans are toponyms, and how sure we are.

Input is a doc that went through ``geo.nlp`` (sentencizer, gazetteer ruler, NER). Output is a
list of ``Toponym``: trimmed spans ("the Black Sea" -> "Black Sea", "Sri Lanka's" -> "Sri Lanka"),
each with its recognition evidence. Decisions, in order:

- GPE / LOC / FAC entities are toponym candidates; so are PERSON / ORG / other entities and
  uncovered capitalised runs whose whole text is a gazetteer place name (NER calls Kherson a
  PERSON, misses "Mauripol") — those need the name to be a reasonably prominent place.
- A name that is part of a longer person name elsewhere in the article ("Kuleba" after "Dmytro
  Kuleba"), or follows a person's title, is not a place.
- Demonyms ("Russian", "Ukrainians") are not places; they are returned flagged, as context for
  resolution and for the all-toponyms mode of evaluation.
- Names inside organisation names ("Kharkiv Regional State Administration", "Russia Today") are
  not places; in all-toponyms mode they are returned flagged as nested.
- "Rostov region", "Kherson Oblast", "Laurel County": the area word is part of the name.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from gazetteer import Gazetteer
from gazetteer.normalize import AREA_WORDS, name_key

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
OTHER_LABELS = frozenset({"PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
LEADING_WORDS = frozenset({"the", "a", "an"})
CALENDAR_WORDS = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr) if w
)
PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof president minister secretary chancellor senator sen rep gov governor mayor
    judge gen maj col capt lt sgt officer king queen prince princess pope sir lord lady dame rev
    premier chief spokesman spokeswoman spokesperson ambassador envoy commander admiral""".split()
)
NAME_PARTICLES = frozenset({"von", "van", "der", "de", "da", "di", "del", "la", "le", "al", "el", "bin", "ibn"})
ORG_WORDS = frozenset(
    """administration agency airport airlines army assembly association authority bank board bureau
    center centre church clinic club college commission committee company corporation council court
    department district embassy force forces foundation fund government group guard high hospital
    institute journal league library magazine media ministry museum navy news office parliament
    party police post press radio railway regional school service society state station team
    television times today tribune university""".split()
)
"""Words that, after a place name, make it part of an organisation's name ("Russia Today")."""
_POSSESSIVE_RE = re.compile(r"[’']s?$")
MIN_OTHER_PRIOR = 4.5
"""Least gazetteer prior for a span NER did not call a place (about a 15,000-people town by name)."""


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
    area: bool = False


def _trim(doc: Doc, span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in LEADING_WORDS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s", "'", "’"}):
        end -= 1
    return doc[start:end] if start < end else None


def _char_span(doc: Doc, span: Span) -> tuple[int, int, str]:
    text = _POSSESSIVE_RE.sub("", span.text) if span.text.endswith(("'s", "’s")) else span.text
    return span.start_char, span.start_char + len(text), text


def _person_words(doc: Doc) -> frozenset[str]:
    """Words of multi-word person names in the article ("Dmytro Kuleba" -> kuleba, dmytro)."""
    words = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update(t.lower_ for t in ent if t.is_alpha and t.lower_ not in NAME_PARTICLES)
    return frozenset(words)


def _after_title(doc: Doc, span: Span) -> bool:
    return span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in PERSON_TITLES


def _extend_area(doc: Doc, span: Span) -> tuple[Span, bool]:
    """Take a following area word into the name: "Rostov" + "region" -> "Rostov region"."""
    if span.end < len(doc) and doc[span.end].lower_ in AREA_WORDS | {"county", "parish", "province", "oblast"}:
        return doc[span.start : span.end + 1], True
    return span, span[-1].lower_ in AREA_WORDS


def _org_tail(doc: Doc, span: Span) -> bool:
    """Whether capitalised organisation words follow the name ("Russia Today", "Kharkiv Regional ...")."""
    following = doc[span.end : span.end + 4]
    capitalised = [t for t in following if t.text[:1].isupper()]
    return bool(capitalised) and following[0].text[:1].isupper() and following[0].lower_ in ORG_WORDS


def find_toponyms(doc: Doc, gazetteer: Gazetteer) -> list[Toponym]:
    """Toponyms in a processed doc, in text order, without overlaps."""
    person_words = _person_words(doc)
    found: list[Toponym] = []
    covered = set()
    for ent in doc.ents:
        span = _trim(doc, ent)
        if span is None or span.text.lower() in CALENDAR_WORDS:
            continue
        toponym = _judge(doc, span, ent.label_, gazetteer, person_words)
        if toponym is not None:
            found.append(toponym)
            covered.update(range(ent.start, ent.end))
    return sorted(found, key=lambda t: t.start)


def _judge(doc: Doc, span: Span, label: str, gazetteer: Gazetteer, person_words: frozenset[str]) -> Toponym | None:
    if label == "NORP":
        country = gazetteer.demonym_country(span.text)
        if country is None:
            return None
        start, end, text = _char_span(doc, span)
        return Toponym(start, end, text, label, 0.9, demonym=True)
    if label not in PLACE_LABELS and label not in OTHER_LABELS:
        return None
    span, area = _extend_area(doc, span)
    words = {t.lower_ for t in span if t.is_alpha}
    if _after_title(doc, span) or (len(span) == 1 and words & person_words):
        return None
    candidates = gazetteer.candidates(span.text, fuzzy=label in ("GPE", "LOC"), limit=1)
    if not candidates:
        return None
    best = candidates[0]
    if label in PLACE_LABELS:
        confidence = 0.9 if best.match not in ("fuzzy", "translit") else 0.6
    elif best.prior >= MIN_OTHER_PRIOR and best.match in ("name", "alias", "variant", "area"):
        confidence = 0.6
    else:
        return None
    start, end, text = _char_span(doc, span)
    return Toponym(start, end, text, label, confidence, nested=_org_tail(doc, span), area=area)
