"""Gold labels for fitting: recognised gold documents, and which candidate place is a gold toponym's.

A gold toponym's right places are the gold place itself (within 161 km of the gold point), and
the country, admin1 area, continent or region the gold point lies in: countries' and regions'
points differ between gazetteers by hundreds of km, but the place is the same. Where a gold point
lies is read from the gazetteer city nearest to it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from gazetteer import Gazetteer, Place, haversine_km
from geo.evaluation.evaluate import ACCURACY_KM, GoldToponym, Predicted, gold_toponyms, match_gold, read_gold
from geo.parsing.toponym import Toponym
from geo.records import Article

__all__ = ["Document", "GoldWhere", "as_predictions", "gold_matches", "recognise", "right_place"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    """A gold document: the article as read, its recognised toponyms, its gold toponyms."""

    corpus: str
    article: Article
    toponyms: list[Toponym]
    gold: list[GoldToponym]


def recognise(paths: Sequence[Path], nlp: Language, gazetteer: Gazetteer) -> list[Document]:
    """Read gold corpora and recognise every document's toponyms."""
    from geo.input.read import read_articles
    from geo.parsing.pipeline import BATCH_SIZE
    from geo.parsing.recognize import find_toponyms

    documents = []
    for path in paths:
        gold = {str(d["id"]): gold_toponyms(d) for d in read_gold(path)}
        articles, problems = read_articles([path])
        if problems:
            raise ValueError(f"{len(problems)} unreadable gold documents in {path}, first: {problems[0]}")
        for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE)):
            documents.append(Document(path.name, article, find_toponyms(doc, gazetteer), gold[article.ref]))
        log.info("%s: %d documents recognised", path.name, len(articles))
    return documents


def as_predictions(document: Document, toponyms: list[Toponym]) -> list[Predicted]:
    """Toponyms as predictions in offsets of the text as given (for matching against gold)."""
    return [Predicted(*document.article.to_given(t.start, t.end), t.text, None, None) for t in toponyms]


def gold_matches(document: Document) -> dict[int, GoldToponym]:
    """The gold toponym each of a document's toponyms matches (by its index in ``toponyms``)."""
    spans = as_predictions(document, document.toponyms)
    index = {id(span): i for i, span in enumerate(spans)}
    return {index[id(span)]: gold for span, gold in match_gold(document.gold, spans) if gold is not None}


class GoldWhere:
    """The country and admin1 area of gold points, from the gazetteer city nearest to each (cached)."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.cache: dict[tuple[float, float], tuple[str | None, str | None]] = {}

    def __call__(self, lat: float, lon: float) -> tuple[str | None, str | None]:
        if (lat, lon) not in self.cache:
            nearest = self.gazetteer.nearest(lat, lon, kind="city", limit=1)
            place = nearest[0][0] if nearest else None
            self.cache[(lat, lon)] = (place.country_code, place.admin1_code) if place else (None, None)
        return self.cache[(lat, lon)]


def right_place(place: Place, members: frozenset[str], gold: GoldToponym, where: tuple[str | None, str | None]) -> bool:
    """Whether a candidate is the gold toponym's place: within 161 km of the gold point, or the
    country, admin1 area, continent or region the gold point lies in."""
    if haversine_km(place.lat, place.lon, gold.lat, gold.lon) <= ACCURACY_KM:
        return True
    country, admin1 = where
    if place.kind == "country":
        return country is not None and place.country_code == country
    if place.subkind == "admin1":
        return admin1 is not None and place.admin1_code == admin1
    return bool(members) and (country in members or admin1 in members)
