"""Web pages: the article's main text and metadata through trafilatura, our own reader where it finds nothing.

trafilatura drops the page's chrome (menus of plain divs, related-story teasers, "most read"
lists, cookie banners, footers) and reads title, author, site name, URL and date (htmldate:
JSON-LD `datePublished`, meta names, `<time>`, the URL; its guessing from the text is off, so a
page without a stated date falls through to ours). Where htmldate is silent, a printed date line
(`14.03.2022, 09:15`, `Published March 14, 2022`) near the headline dates the page. Where
trafilatura finds no text (a bare page, a fragment), `visible_text` reads every visible block.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from copy import deepcopy
from dataclasses import dataclass, replace

import trafilatura
from bs4 import BeautifulSoup
from lxml.etree import ParserError, XMLSyntaxError
from trafilatura.settings import DEFAULT_CONFIG

from geo.input.dates import line_date

log = logging.getLogger(__name__)

_HIDDEN = ("title", "script", "style", "noscript", "template", "nav", "header", "footer", "aside")
"""Elements whose text is never the article's (`head` is not listed: an unclosed one holds the body)."""
_BLOCKS = (
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
)  # fmt: skip
_BLOCK_BREAK = "\x1e"
_DATE_LINE_CHARS = 80
"""Longest text node read as a printed date line ("Published: Monday, 14 March 2022, 09:15 CET")."""
_HAS_DIGITS = re.compile(r"\d{4}")
_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
"""trafilatura's settings, but a short article found in the page is kept: by default under 250
characters it is replaced by its baseline, every text node of the page joined by spaces."""


@dataclass(frozen=True, slots=True)
class Page:
    """What a page says: its main text (a paragraph a line) and metadata, None where it says nothing.
    `printed_date` is a date line in the page's text, for when `date` (its metadata) is missing."""

    text: str
    title: str | None = None
    date: str | None = None
    printed_date: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    extracted: bool = True


def read_page(markup: str, *, url: str | None, latest: dt.date) -> Page:
    """The page's article; `extracted` is False when trafilatura found no text and every visible
    block was read instead. `url` is where the page was fetched from, if known."""
    found = _extract(markup, url, latest)
    if found is not None and found.text and found.text.strip():
        date = found.date
        return Page(
            text=found.text,
            title=found.title or _title(BeautifulSoup(markup, "html.parser")),
            date=date,
            printed_date=None if date else _printed_date(markup),
            author=found.author,
            site=found.sitename,
            url=found.url or url,
        )
    soup = BeautifulSoup(markup, "html.parser")
    described = Page(
        text="",
        title=_title(soup),
        date=_meta(soup, property="article:published_time") or _meta(soup, name="date"),
        printed_date=_printed_date(markup),
        site=_meta(soup, property="og:site_name"),
        url=_meta(soup, property="og:url") or url,
        extracted=False,
    )
    return replace(described, text=_blocks(soup))  # after the metadata: it drops <title>


def visible_text(markup: str) -> str:
    """Every visible block of an HTML page or fragment, a paragraph each (feed items, bare pages)."""
    return _blocks(BeautifulSoup(markup, "html.parser"))


def _extract(markup: str, url: str | None, latest: dt.date):  # -> trafilatura.settings.Document | None
    try:
        return trafilatura.bare_extraction(
            markup,
            url=url,
            fast=True,
            config=_CONFIG,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True, "max_date": latest.isoformat()},
        )
    except (ParserError, XMLSyntaxError, ValueError) as error:
        log.debug("trafilatura could not read the page: %s", error)
        return None


def _printed_date(markup: str) -> str | None:
    """A short text node that states a date: the first after the first <h1>, else the first."""
    tree = trafilatura.load_html(markup)
    if tree is None:
        return None
    first = None
    after_headline = False
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        after_headline = after_headline or element.tag == "h1"
        for text in (element.text, element.tail):
            if text and len(text) <= _DATE_LINE_CHARS and _HAS_DIGITS.search(text) and line_date(text.strip()):
                if after_headline:
                    return text.strip()
                first = first or text.strip()
    return first


def _blocks(soup: BeautifulSoup) -> str:
    for tag in soup(_HIDDEN):
        tag.decompose()
    for tag in soup(_BLOCKS):
        tag.insert_before(_BLOCK_BREAK)
        tag.insert_after(_BLOCK_BREAK)
    blocks = (" ".join(block.split()) for block in soup.get_text().split(_BLOCK_BREAK))
    return "\n\n".join(block for block in blocks if block)


def _title(soup: BeautifulSoup) -> str | None:
    return _meta(soup, property="og:title") or _text(soup.title) or _text(soup.find("h1"))


def _meta(soup: BeautifulSoup, **attrs: str) -> str | None:
    tag = soup.find("meta", attrs={**attrs, "content": True})
    return (str(tag["content"]).strip() or None) if tag else None


def _text(tag) -> str | None:
    return (tag.get_text().strip() or None) if tag is not None else None
