"""The JSON contract of ``python -m geo parse`` (docs/contract.md): one object per article."""

from __future__ import annotations

from gazetteer import Place
from geo.records import Mention, ParsedArticle


def place_json(place: Place) -> dict:
    """The place of a mention as the contract shows it."""
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "kind": place.kind,
        "country_code": place.country_code,
        "admin1": place.admin1,
        "geonameid": place.geonameid,
    }


def mention_json(mention: Mention, parsed: ParsedArticle) -> dict:
    """One mention; offsets are into the text as given for JSONL/CSV rows, the cleaned text for files.

    ``score`` is the calibrated confidence; an unresolved mention (all-toponyms output only) has
    ``"place": null``, ``"match": null`` and score 0."""
    start, end = parsed.article.to_given(mention.start, mention.end)
    row = {
        "text": mention.text,
        "start": start,
        "end": end,
        "score": mention.score,
        "match": mention.match,
        "place": place_json(mention.place) if mention.place else None,
    }
    if mention.demonym:
        row["demonym"] = True
    if mention.nested:
        row["nested"] = True
    return row


def article_json(parsed: ParsedArticle, *, with_text: bool = False) -> dict:
    """One article with its mentions, in text order."""
    article = parsed.article
    row = {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_estimated": article.date_estimated,
        "outlet": article.outlet,
        "url": article.url,
        "author": article.author,
        "language": article.language,
        "mentions": [mention_json(m, parsed) for m in parsed.mentions],
    }
    if parsed.note:
        row["note"] = parsed.note
    if with_text:
        row["text"] = article.text
    return row
