"""Recognise place names in a processed spaCy doc: which spans are toponyms, and how sure we are.

Input is a doc that went through ``geo.parsing.nlp`` (gazetteer ruler, then NER). Output is a
list of ``Toponym``: trimmed spans ("the Black Sea" -> "Black Sea", "Sri Lanka's" -> "Sri Lanka"),
each with the evidence it was recognised on (``toponym.Evidence``), which sets its recognition
confidence. Decisions:

- GPE / LOC / FAC entities are toponym candidates; so are PERSON / ORG / other entities whose
  whole text names a prominent place (NER calls Kherson a PERSON and Berdyansk an ORG).
- A word of a longer person name in the same article ("Kuleba" after "Dmytro Kuleba", "Xi" after
  "Xi Jinping"), an East Asian given name ("Qiang" in "Li Qiang"), a product and its maker in an
  article that names them as such ("the Durango" after "a Dodge Durango"), a news agency
  ("Xinhua said"), a name after a person's title, a street ("Main St.", "Mill Road") and an entity
  in lower case ("the city marina") are not places; nor are NER's products.
- A one-word name whose capital says little ("Mobile", "Salt", a headline's "China") is a place
  only when the article backs it (``geo.parsing.support``).
- Demonyms ("Russian", "Ukrainians") are not places: they are returned flagged, as context for
  resolution and for the all-toponyms mode.
- Names inside organisation names ("Kharkiv Regional State Administration", "Russia Today",
  "University of Toronto") are not places; they are returned flagged as nested.
- News conventions: a dateline ("TOPEKA, Kan. (AP) —", "KYIV:") names a place; so does a state or
  country written after a place ("Louisville, Ky.", "Belgorod, Russia"), and the place before it
  when the gazetteer has it there ("Reading, Pennsylvania"); "Rostov region",
  "Kherson Oblast" and "Laurel County" keep their area word.
- A misspelling of a place the article names elsewhere ("Mauripol" beside "Mariupol") is that place.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from itertools import accumulate

import numpy as np
from rapidfuzz import fuzz, process
from spacy.attrs import ENT_IOB, IS_TITLE, LENGTH, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from gazetteer import (
    APPROXIMATE,
    EXACT_NAME,
    LISTED_NAME,
    Candidate,
    Gazetteer,
    Match,
    Place,
    haversine_km,
    is_lookup_name,
)
from geo.parsing.names import follows_family_name, not_place_names, starts_with_family_name
from geo.parsing.support import CANDIDATES, NEAR_KM, anchor_places, without_unbacked
from geo.parsing.toponym import Evidence, Toponym
from geo.parsing.vocabulary import (
    AREA_SUFFIXES,
    CALENDAR_WORDS,
    CONTAINER_KINDS,
    DIRECTION_WORDS,
    FEATURE_WORDS,
    LEADING_WORDS,
    LIST_JOINERS,
    NEWS_AGENCIES,
    NOT_ON_A_MAP,
    ORG_WORDS,
    PLURAL_AREA_IDS,
    PLURAL_AREAS,
    STREET_WORDS,
    after_title,
    is_news_agency,
)

__all__ = ["find_toponyms", "may_hold_org_word"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
OTHER_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Entities that are never a place nor a demonym ("last Friday", "300 miles")."""
NUMERIC_LABEL_IDS = frozenset(get_string_id(label) for label in NUMERIC_LABELS)
"""The numeric labels as ``Span.label`` holds them (their symbol ids: ``label_`` is a look-up per entity)."""
BYLINE_SOURCES = NEWS_AGENCIES | {"CNN"}
"""Who a dateline credits in brackets ("SALINA, Kan. (AP) --"): the agencies, and broadcasters that write them too."""
MIN_OTHER_PRIOR = {"PERSON": 7.2, "PRODUCT": math.inf}
"""Least gazetteer prior for a span NER called a person (a 500,000-people city by its name, or a
country, capital or admin area). A product ("BA cabin crew") is a place only when it names again a
place the article names (an echo). Chosen on LGL, checked on TR-News (docs/accuracy.md)."""
MIN_OTHER_PRIOR_DEFAULT = 6.5
"""Least gazetteer prior for a span NER called an organisation or anything else: a 100,000-people
city by its name. Chosen on LGL (6.0 -> 6.5: 28 fewer false places, 4 fewer true), no change on TR-News."""
MIN_APPROXIMATE_SIMILARITY = 95.0
"""Least rapidfuzz ratio for a spelling or transliteration variant the gazetteer matched loosely. Chosen on
LGL (88 -> 95: 22 fewer false places, 1 fewer true; turning loose matches off entirely gains one more),
checked on TR-News (4 fewer false, 1 fewer true)."""
MIN_TYPO_SIMILARITY = 85.0
"""Least ratio for a capitalised word to count as a misspelling of a place the article names."""
MIN_TYPO_LENGTH = 5
"""Shortest word (and place name) taken for a misspelling: shorter words have too many neighbours."""

_DATELINE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z'’.\- ]{1,40}?[A-Z.])(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]*(?:[ \t][A-Z][A-Za-z.]*)?))?"
    r"[ \t]*(?:\((?:" + "|".join(map(re.escape, sorted(BYLINE_SOURCES))) + r")\)[ \t]*)?(?:--|—|–|-|:)[ \t]",
    re.MULTILINE,
)
_ACRONYM_RE = re.compile(r"^[A-Z]{2,6}s?$")
_POSSESSIVE_RE = re.compile(r"[’']s$")
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
"""A run of letters. A token that is an organisation word is a whole run of its text's letters: the
tokenizer cuts words only where a letter meets a non-letter (or at special cases such as "cannot",
none of which makes an organisation word), so a name none of whose runs is one has no such token."""


def find_toponyms(doc: Doc, gazetteer: Gazetteer, text: str | None = None) -> list[Toponym]:
    """Toponyms in a processed doc, in text order, without overlaps (listed areas first: they
    are the most specific reading of their span).

    ``text`` is the doc's text, when the caller has it: spaCy rebuilds ``doc.text`` from every token
    at each access, which cost a seventh of recognition's time.
    """
    if text is None:
        text = doc.text
    elif len(doc) and len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        raise ValueError("text is not the doc's text")
    entities = _entities(doc, text)
    not_places = not_place_names(doc, entities, gazetteer)
    found = _from_entities(doc, text, entities, gazetteer, not_places)
    found += _from_datelines(doc, text, gazetteer)
    found += _qualifiers(doc, text, gazetteer, found)
    found += _qualified(doc, text, gazetteer, found)
    found += _misspellings(doc, found)
    found = without_unbacked(doc, text, found, gazetteer)
    listed = _listed_areas(doc, gazetteer)
    return [_with_full_stop(text, t, gazetteer.abbreviations) for t in _without_overlaps(listed + found)]


def _with_full_stop(text: str, toponym: Toponym, abbreviations: frozenset[str]) -> Toponym:
    """Give an abbreviation back the full stop the tokenizer split off ("W.Va" -> "W.Va.")."""
    if text[toponym.end : toponym.end + 1] == "." and toponym.text + "." in abbreviations:
        return replace(toponym, end=toponym.end + 1, text=toponym.text + ".")
    return toponym


def _entities(doc: Doc, text: str) -> list[Span]:
    """NER's entities less the numeric ones and those no name can be (a navigation bar read as one
    entity: too long, control characters), each cut at blank lines: a name never runs from a headline
    into the paragraph below it (a single line break may just wrap a line). ``text`` is the doc's."""
    entities = []
    for ent in doc.ents:
        if ent.label in NUMERIC_LABEL_IDS or not is_lookup_name(name := _text(text, ent)):
            continue
        start = ent.start
        if "\n" in name:
            for token in ent:
                if token.is_space and token.text.count("\n") > 1:
                    if token.i > start:
                        entities.append(Span(doc, start, token.i, label=ent.label))
                    start = token.i + 1
        if ent.end > start:
            entities.append(Span(doc, start, ent.end, label=ent.label) if start > ent.start else ent)
    return entities


def _from_entities(
    doc: Doc, text: str, entities: list[Span], gazetteer: Gazetteer, not_places: frozenset[str]
) -> list[Toponym]:
    found: list[Toponym] = []
    doubtful: list[tuple[Span, str]] = []
    for ent in entities:
        if (whole := _trim(doc, ent)) is None:
            continue
        label = ent.label_
        for span in _hyphen_parts(doc, text, whole, gazetteer):
            name = _text(text, span)
            if _never_a_place(name):
                continue
            if gazetteer.demonym_country(name):
                found.append(_toponym(text, span, label, Evidence.DEMONYM, demonym=True))
                continue
            if label not in PLACE_LABELS and label not in OTHER_LABELS:
                continue
            toponym = _judge(doc, text, span, label, gazetteer, not_places) or _part_of(
                doc, text, span, label, gazetteer, not_places
            )
            if toponym is not None:
                found.append(toponym)
            elif nested := list(_nested_in(text, span, gazetteer)):
                found.extend(nested)
            else:
                doubtful.append((span, label))
    return found + _echoes(doc, text, doubtful, found, gazetteer, not_places)


def _text(text: str, span: Span) -> str:
    """A span's text, sliced from the doc's (``Span.text`` makes a Token of each word: 8 times slower)."""
    return text[span.start_char : span.end_char]


def _never_a_place(text: str) -> bool:
    """Words NER may take for a place that never are one here: a day or month, a heavenly body,
    a news agency, a word in lower case ("the city marina", "north west")."""
    lower = text.lower()
    return lower in CALENDAR_WORDS or lower in NOT_ON_A_MAP or text[:1].islower() or is_news_agency(text)


def _part_of(
    doc: Doc, text: str, span: Span, label: str, gazetteer: Gazetteer, not_places: frozenset[str]
) -> Toponym | None:
    """A part of a place the gazetteer has no entry for ("North Texas", "Northeast Georgia") is
    mapped to the place ("Texas"), and the mention is the place's own name."""
    if label not in PLACE_LABELS or len(span) < 2 or span[0].lower_ not in DIRECTION_WORDS:
        return None
    return _judge(doc, text, span[1:], label, gazetteer, not_places)


def _echoes(
    doc: Doc,
    text: str,
    doubtful: list[tuple[Span, str]],
    found: list[Toponym],
    gazetteer: Gazetteer,
    not_places: frozenset[str],
) -> list[Toponym]:
    """Entities NER did not call places that name, again, a place the article already names
    ("also known as Chernobayevka" after "the Chornobayivka airfield")."""
    named: list[tuple[Span, str, Place]] = []
    for span, label in doubtful:
        name = _text(text, span)
        if name.lower() in not_places or _ACRONYM_RE.match(name) or after_title(doc, span.start):
            continue
        if (best := gazetteer.best(name, approximate=False)) is not None:
            named.append((span, label, best.place))
    anchors = anchor_places(found, gazetteer) if named else []
    if not anchors:
        return []
    km = haversine_km(
        np.array([[place.lat] for _, _, place in named]),
        np.array([[place.lon] for _, _, place in named]),
        np.array([anchor.lat for anchor in anchors]),
        np.array([anchor.lon for anchor in anchors]),
    )
    near = (km <= NEAR_KM).any(axis=1).tolist()
    return [_toponym(text, span, label, Evidence.ECHO) for (span, label, _), close in zip(named, near) if close]


def _hyphen_parts(doc: Doc, text: str, span: Span, gazetteer: Gazetteer) -> list[Span]:
    """Split "Ukraine-Belarus" or "Russian-Ukraine" into its names, but not "Ivano-Frankivsk"."""
    if "-" not in _text(text, span):
        return [span]
    cuts = [t.i for t in span if t.text == "-" and not t.whitespace_ and not doc[t.i - 1].whitespace_]
    if not cuts or _is_place_name(text, span, gazetteer):
        return [span]
    bounds = [span.start, *cuts, span.end]
    parts = [doc[a + (a != span.start) : b] for a, b in zip(bounds, bounds[1:])]
    return [p for p in parts if len(p) and _text(text, p)[:1].isupper()]


def _judge(
    doc: Doc, text: str, span: Span, label: str, gazetteer: Gazetteer, not_places: frozenset[str]
) -> Toponym | None:
    span = _with_area_word(doc, text, span, gazetteer)
    name = _text(text, span)
    place_label = label in PLACE_LABELS
    evidence = None if place_label else _other_label_evidence(name, label, gazetteer)
    if not place_label and evidence is None:  # the cheapest test first: most such names are no place
        return None
    if span[-1].lower_.rstrip(".") in STREET_WORDS or after_title(doc, span.start):
        return None
    if name.lower() in not_places or _person_name(span, gazetteer):
        return None
    if place_label:
        best = gazetteer.best(name)
        if best is None or (best.match in APPROXIMATE and best.similarity < MIN_APPROXIMATE_SIMILARITY):
            return None
        evidence = Evidence.APPROXIMATE_SPELLING if best.match in APPROXIMATE else Evidence.PLACE_ENTITY
    return _toponym(text, span, label, evidence, nested=_org_tail(doc, span))


def _other_label_evidence(name: str, label: str, gazetteer: Gazetteer) -> Evidence | None:
    """Whether a name NER called a person, an organisation or another thing is a prominent place's
    own name (``MIN_OTHER_PRIOR``), and no abbreviation: ``Evidence.OTHER_LABEL_ENTITY`` or None."""
    best = gazetteer.best(name, fuzzy=False, approximate=False)
    if (
        best is not None
        and best.prior >= MIN_OTHER_PRIOR.get(label, MIN_OTHER_PRIOR_DEFAULT)
        and best.match in EXACT_NAME
        and not _acronym(name, best)
    ):
        return Evidence.OTHER_LABEL_ENTITY
    return None


def _nested_in(text: str, span: Span, gazetteer: Gazetteer) -> Iterator[Toponym]:
    """The place named inside an organisation or facility name: the leftmost, longest run of
    capitalised words that names a place ("Norfolk" in "Norfolk High School", "Los Angeles" in
    "Port of Los Angeles", "Kentucky" in "Eastern Kentucky University"). Only names with an
    organisation word count as organisation names, whatever NER called them."""
    if not may_hold_org_word(_text(text, span)):  # a quick test first: most names have none
        return
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
            if not is_news_agency(_text(text, inner)) and _is_place_name(text, inner, gazetteer):
                yield _toponym(text, inner, "ORG", Evidence.NESTED, nested=True)
                return


def may_hold_org_word(name: str) -> bool:
    """Whether some run of a name's letters is an organisation word: false means no token of it is one."""
    return not ORG_WORDS.isdisjoint(_LETTER_RUN_RE.findall(name.lower()))


def _is_place_name(text: str, span: Span, gazetteer: Gazetteer) -> bool:
    name = _text(text, span)
    best = gazetteer.best(name, approximate=False)
    return best is not None and best.match in EXACT_NAME and not _acronym(name, best)


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
            best = gazetteer.best(span.text, approximate=False)
            if best is not None and best.match in LISTED_NAME:
                found.append(_toponym(text, span, "DATELINE", Evidence.DATELINE))
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
            best = gazetteer.best(span.text, approximate=False)
            if best is not None and best.place.kind in CONTAINER_KINDS and best.match in EXACT_NAME:
                extra.append(_toponym(text, span, "QUALIFIER", Evidence.QUALIFIER))
                break
    return extra


def _qualified(doc: Doc, text: str, gazetteer: Gazetteer, found: list[Toponym]) -> list[Toponym]:
    """A place NER missed, written before its region or country: "Reading, Pennsylvania", when one
    of the gazetteer's places of that name lies in it."""
    extra = []
    taken = {i for t in found for i in range(t.start, t.end)}
    for toponym in found:
        comma = toponym.start - 2
        if toponym.demonym or comma < 1 or text[comma : toponym.start] != ", " or comma - 1 in taken:
            continue
        container = gazetteer.best(toponym.name, approximate=False)
        if container is None or container.place.kind not in CONTAINER_KINDS or container.match not in EXACT_NAME:
            continue
        last = doc.char_span(comma - 1, comma, alignment_mode="expand")
        if last is None or not _capitalised_word(last[0].text):
            continue
        for size in (3, 2, 1):
            span = _trim(doc, doc[max(0, last.end - size) : last.end])
            if span is None or span.end != last.end or not all(_capitalised_word(t.text) for t in span):
                continue
            if _inside(span.text, container.place, gazetteer):
                extra.append(_toponym(text, span, "QUALIFIED", Evidence.QUALIFIED))
                break
    return extra


def _capitalised_word(text: str) -> bool:
    return text[:1].isupper() and text[:1].isalpha()


def _inside(name: str, container: Place, gazetteer: Gazetteer) -> bool:
    """Whether one of the gazetteer's places of a name lies in a country or admin area."""
    country = container.country_code
    return any(
        c.match in LISTED_NAME
        and (container.kind != "region" or c.place.admin1_code == container.admin1_code)
        and c.place.id != container.id
        for c in gazetteer.candidates(name, country=country, approximate=False, limit=CANDIDATES)
    )


def _listed_areas(doc: Doc, gazetteer: Gazetteer) -> list[Toponym]:
    """Each name of a list before a plural area word: "Nassau and Baker counties" names Nassau
    County and Baker County; "the Donetsk and Luhansk regions", two oblasts."""
    found = []
    lowers = doc.to_array(LOWER).tolist()
    if PLURAL_AREA_IDS.isdisjoint(lowers):
        return found
    for index in [i for i, lower in enumerate(lowers) if lower in PLURAL_AREA_IDS]:
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
            if not is_lookup_name(query):
                break
            best = gazetteer.best(query, kind="region", approximate=False)
            if best is None or best.match in APPROXIMATE:
                break
            found.append(Toponym(name.start_char, name.end_char, name.text, "LIST", Evidence.LISTED_AREA, query=query))
            i = start - 1
            if i < 0 or doc[i].lower_ not in LIST_JOINERS:
                break
            i -= 1
            if i >= 0 and doc[i].text == ",":
                i -= 1
    return found


def _misspellings(doc: Doc, found: list[Toponym]) -> list[Toponym]:
    """Capitalised words outside any entity that misspell a place the article names ("Mauripol")."""
    names = {t.text for t in found if not t.demonym and not t.nested and len(t.text) >= MIN_TYPO_LENGTH}
    if not names:
        return []
    spans = sorted((t.start, t.end) for t in found)
    starts, reach = [start for start, _ in spans], list(accumulate((end for _, end in spans), max))
    extra = []
    flags = doc.to_array([ENT_IOB, IS_TITLE, LENGTH])
    outside = (flags[:, 0] != 3) & (flags[:, 0] != 1) & (flags[:, 1] == 1) & (flags[:, 2] >= MIN_TYPO_LENGTH)
    for index in np.flatnonzero(outside).tolist():
        token = doc[index]
        last = bisect_right(starts, token.idx) - 1  # the last toponym starting at or before the word
        if (last >= 0 and reach[last] > token.idx) or token.text in names:
            continue
        match = process.extractOne(token.text, names, scorer=fuzz.ratio, score_cutoff=MIN_TYPO_SIMILARITY)
        if match is not None:
            extra.append(Toponym(token.idx, token.idx + len(token.text), token.text, "TYPO", Evidence.TYPO))
    return extra


def _without_overlaps(found: list[Toponym]) -> list[Toponym]:
    """Keep, of overlapping toponyms, the first in ``found``."""
    kept: list[Toponym] = []
    for toponym in found:
        if all(toponym.end <= k.start or toponym.start >= k.end for k in kept):
            kept.append(toponym)
    return sorted(kept, key=lambda t: t.start)


def _toponym(
    text: str, span: Span, label: str, evidence: Evidence, *, demonym: bool = False, nested: bool = False
) -> Toponym:
    name = _POSSESSIVE_RE.sub("", _text(text, span))
    return Toponym(span.start_char, span.start_char + len(name), name, label, evidence, demonym, nested)


def _trim(doc: Doc, span: Span) -> Span | None:
    """Drop leading articles and trailing punctuation or possessive "'s"."""
    start, end = span.start, span.end
    while start < end and ((token := doc[start]).is_punct or token.lower_ in LEADING_WORDS):
        start += 1
    while end > start and ((token := doc[end - 1]).is_punct or token.lower_ in {"'s", "’s"}):
        end -= 1
    if start == span.start and end == span.end:
        return span
    return doc[start:end] if start < end else None


def _person_name(span: Span, gazetteer: Gazetteer) -> bool:
    """An East Asian name, family name first, or a part of its given name ("Li Qiang", "Un")."""
    return starts_with_family_name(span, gazetteer) or follows_family_name(span, gazetteer)


def _with_area_word(doc: Doc, text: str, span: Span, gazetteer: Gazetteer) -> Span:
    """Take a following area or feature word into the name: "Rostov region", "Laurel County",
    and, when the gazetteer knows the longer name, "Chornobayivka airfield" or "Dnipro river"."""
    if span.end >= len(doc) or not doc[span.end - 1].whitespace_:
        return span
    following = doc[span.end].lower_
    if following in AREA_SUFFIXES:
        return doc[span.start : span.end + 1]
    if following in FEATURE_WORDS and _is_place_name(text, longer := doc[span.start : span.end + 1], gazetteer):
        return longer
    return span


def _org_tail(doc: Doc, span: Span) -> bool:
    """Whether a capitalised organisation word follows the name ("Russia Today", "Kharkiv Regional ...")."""
    return span.end < len(doc) and doc[span.end].text[:1].isupper() and doc[span.end].lower_ in ORG_WORDS


def _acronym(name: str, best: Candidate) -> bool:
    """An all-capitals abbreviation that is not a country's or region's own ("EU", "SRT", but not "UK")."""
    own = best.place.kind in CONTAINER_KINDS and best.match in (Match.NAME, Match.ALIAS)
    return bool(_ACRONYM_RE.match(name)) and not own
