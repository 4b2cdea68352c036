"""Helpers for tests that parse sentences written for them: an article of a text, and its mentions."""

from __future__ import annotations

from geo.parsing.pipeline import Geoparser, Options, parse_batch
from geo.records import Article, Mention


def text_article(text: str) -> Article:
    """An undated article of ``text`` alone."""
    return Article("t", "t.txt", text, None, None, False, None, None, "h")


def parsed_mentions(geoparser: Geoparser, text: str, **options) -> tuple[Mention, ...]:
    """The mentions ``parse_batch`` finds in ``text`` with these ``Options``."""
    [parsed] = parse_batch([text_article(text)], geoparser.nlp, geoparser.gazetteer, Options(**options))
    return parsed.mentions
