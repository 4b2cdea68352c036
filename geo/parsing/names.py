"""Names of people and products in an article, which a place of the same name must not be taken for.

An article that names a person in full ("Dmytro Kuleba", "Xi Jinping") later calls them by one
name alone ("Kuleba said", "Xi said"); an article that names a car by its maker and model ("a 2004
Toyota Camry", "a Dodge Durango") later calls it by either ("the Toyota", "the Durango"). One name
keeps one sense through an article, so those bare names are not places there either.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span, Token

from gazetteer import EXACT_NAME, Gazetteer
from geo.parsing.vocabulary import (
    AREA_SUFFIXES,
    FEATURE_WORDS,
    LEADING_WORDS,
    MAKER_IDS,
    ORG_WORDS,
    PERSON_TITLES,
    STREET_WORDS,
    is_east_asian_family_name,
)

__all__ = ["follows_family_name", "not_place_names", "starts_with_family_name"]

MAX_MODEL_WORDS = 3
"""Most words of a product's model name after the maker ("Galaxy Z Fold")."""
MAX_GIVEN_NAME_WORDS = 2
"""Most words of an East Asian given name after the family name ("Kim Jong Un")."""
_MODEL_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_PLACE_OR_ORG_WORDS = AREA_SUFFIXES | FEATURE_WORDS | ORG_WORDS | STREET_WORDS
"""Words that end a place's or an organisation's name, not a person's or a product's ("Lincoln County",
"Apple Valley", "Honda Center", "Park Avenue")."""


def not_place_names(doc: Doc, entities: list[Span], gazetteer: Gazetteer) -> frozenset[str]:
    """Lower-cased names that stand for a person or a product in this article."""
    return _person_words(entities) | _product_names(doc, gazetteer)


def _person_words(entities: list[Span]) -> frozenset[str]:
    """The name a person named in full is later called by: the surname ("Dmytro Kuleba" -> kuleba), or,
    for a Chinese, Korean or Vietnamese name, the family name written first ("Xi Jinping" -> xi).
    (Only those words: NER also calls "Alexandria Police" a person, and Alexandria must stay a place.)"""
    words = set()
    for ent in entities:
        if ent.label_ != "PERSON" or len(ent) < 2:
            continue
        if ent[-1].is_alpha and ent[-1].lower_ not in ORG_WORDS:
            words.add(ent[-1].lower_)
        if is_east_asian_family_name(ent[0].text):
            words.add(ent[0].lower_)
    return frozenset(words)


def _product_names(doc: Doc, gazetteer: Gazetteer) -> frozenset[str]:
    """Makers named with a model or a model year, and the models' names with every shorter start
    of them ("Samsung Galaxy S24" -> samsung, galaxy, galaxy s24)."""
    names: set[str] = set()
    orths = doc.to_array(ORTH)
    makers = MAKER_IDS.intersection(orths.tolist())
    for index in np.flatnonzero(np.isin(orths, list(makers))).tolist() if makers else ():
        token = doc[index]
        if index > 0 and _inside_name(doc[index - 1]):
            continue
        model = _model_after(doc, token.i)
        if model is not None and not _is_place_name(doc[token.i : model.start + 1].text, gazetteer):
            names.add(token.lower_)
            names.update(model[:size].text.lower() for size in range(1, len(model) + 1))
        elif token.i > 0 and _MODEL_YEAR_RE.match(doc[token.i - 1].text):
            names.add(token.lower_)
    return frozenset(names)


def _model_after(doc: Doc, maker: int) -> Span | None:
    """The capitalised words or model codes right after a maker's name on the same line, if any."""
    end = maker + 1
    while (
        end < len(doc)
        and end - maker <= MAX_MODEL_WORDS
        and doc[end - 1].whitespace_ == " "
        and (_name_word(doc[end].text) or doc[end].text[:1].isdigit())
        and doc[end].lower_ not in _PLACE_OR_ORG_WORDS
    ):
        end += 1
    return doc[maker + 1 : end] if end > maker + 1 and _name_word(doc[maker + 1].text) else None


def starts_with_family_name(span: Span, gazetteer: Gazetteer) -> bool:
    """Whether a span is an East Asian person's name, family name first ("Li Qiang", "Kim Jong Un"),
    rather than a place written the same way ("Hong Kong", "Chiang Mai")."""
    return (
        1 < len(span) <= MAX_GIVEN_NAME_WORDS + 1
        and is_east_asian_family_name(span[0].text)
        and all(_name_word(t.text) or t.text == "-" for t in span)
        and span[-1].lower_ not in _PLACE_OR_ORG_WORDS
        and not _is_place_name(span.text, gazetteer)
    )


def follows_family_name(span: Span, gazetteer: Gazetteer) -> bool:
    """Whether a span is (part of) the given name after an East Asian family name in one run of
    capitalised words ("Un" in "Kim Jong Un", "Qiang" in "Li Qiang"), and the whole is no place."""
    doc = span.doc
    for start in range(span.start - 1, max(-1, span.start - 1 - MAX_GIVEN_NAME_WORDS), -1):
        word = doc[start]
        if word.whitespace_ != " " or not _name_word(word.text):
            return False
        if is_east_asian_family_name(word.text) and not (start > 0 and _inside_name(doc[start - 1])):
            return not _is_place_name(doc[start : span.end].text, gazetteer)
    return False


def _inside_name(previous: Token) -> bool:
    """Whether the word before a name makes it part of a longer one ("Harrison Ford", "Robert Lee"), unlike
    an article or a person's title ("The Toyota", "Premier Li Qiang")."""
    word = previous.lower_.rstrip(".")
    return _name_word(previous.text) and word not in LEADING_WORDS and word not in PERSON_TITLES


def _name_word(text: str) -> bool:
    return text[:1].isupper() and text[:1].isalpha()


def _is_place_name(text: str, gazetteer: Gazetteer) -> bool:
    best = gazetteer.best(text, approximate=False)
    return best is not None and best.match in EXACT_NAME
