"""RSS and Atom feeds (feedparser): each item an article, with its title, date, link and author.

An item's article id and source are "<feed id>#<item number>" (1-based, in feed order); its text is
the item's full content when the feed carries it, else its summary, HTML read block by block; its
outlet the feed's title, else the link's domain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import feedparser

from geo.errors import Unreadable
from geo.input.article import Draft, Item, make_article, unexpected
from geo.input.entry import Entry
from geo.input.html import visible_text
from geo.input.limits import MAX_WHOLE_BYTES, check_size, read_capped, too_large
from geo.records import READ, InputProblem

FEED_SNIFF = 2048
"""Bytes of an .xml file looked at to tell a feed from other XML."""
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_WHOLE_FEED = "a feed is parsed whole:"


def is_feed(head: bytes) -> bool:
    """Whether the first bytes of an XML file open an RSS, Atom or RDF feed."""
    return _FEED_ROOT.search(head[:FEED_SNIFF]) is not None


def read_feed(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """Every item of a feed; an item without text is reported as that item."""
    check_size(entry.size, MAX_WHOLE_BYTES, _WHOLE_FEED)
    with entry.open() as handle:
        data = read_capped(handle, MAX_WHOLE_BYTES, _WHOLE_FEED)
    if not is_feed(data):
        raise Unreadable("not an RSS or Atom feed")
    feed = feedparser.parse(data)
    if not feed.entries:
        raise Unreadable("feed has no items" if feed.get("version") else "malformed feed")
    site = feed.feed.get("title")
    encoding = feed.get("encoding")
    for number, item in enumerate(feed.entries, start=1):
        source = f"{entry.id}#{number}"
        try:
            yield _item(item, entry, source, site, encoding, max_bytes, latest)
        except Unreadable as problem:
            yield InputProblem(source, problem.reason)
        except Exception as error:
            yield unexpected(source, READ, error)


def _item(
    item: feedparser.FeedParserDict,
    entry: Entry,
    source: str,
    site: str | None,
    encoding: str | None,
    max_bytes: int,
    latest: dt.date,
) -> Item:
    body = (item.get("content") or [item.get("summary_detail") or {}])[0]
    markup = body.get("value") or ""
    if len(markup.encode("utf-8")) > max_bytes:
        raise too_large(max_bytes, "item")
    text = visible_text(markup) if "html" in (body.get("type") or "html") else markup
    if not text.strip():
        raise Unreadable("item has no text")
    draft = Draft(
        id=source,
        source=source,
        text=text,
        folder=entry.folder,
        title=item.get("title"),
        date=item.get("published") or item.get("updated"),
        url=item.get("link"),
        author=item.get("author"),
        site=site,
        encoding=encoding,
    )
    return make_article(draft, latest)
