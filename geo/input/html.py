"""Web pages: the article's main text and metadata through trafilatura, our own reader where it finds nothing.

trafilatura drops the page's chrome (menus of plain divs, related-story teasers, "most read"
lists, cookie banners, footers); its metadata readers give title, author, site name and URL, and
htmldate the date (JSON-LD `datePublished`, meta names, `<time>`, the URL; its guessing from the
text is off, so a page without a stated date falls through to ours). Where htmldate is silent, a printed date line
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
from htmldate import find_date
from lxml.etree import ParserError, XMLSyntaxError
from lxml.html import HtmlElement
from trafilatura import metadata
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
    tree = trafilatura.load_html(markup)
    body = _extract(tree, url) if tree is not None else None
    if tree is not None and body is not None and body.text and body.text.strip():
        found = _metadata(tree, url, latest)
        return replace(found, text=body.text, printed_date=None if found.date else _printed_date(tree))
    soup = BeautifulSoup(markup, "html.parser")
    described = Page(
        text="",
        title=_title(soup),
        date=_meta(soup, property="article:published_time") or _meta(soup, name="date"),
        printed_date=_printed_date(tree) if tree is not None else None,
        site=_meta(soup, property="og:site_name"),
        url=_meta(soup, property="og:url") or url,
        extracted=False,
    )
    return replace(described, text=_blocks(soup))  # after the metadata: it drops <title>


def visible_text(markup: str) -> str:
    """Every visible block of an HTML page or fragment, a paragraph each (feed items, bare pages)."""
    return _blocks(BeautifulSoup(markup, "html.parser"))


def _extract(tree: HtmlElement, url: str | None):  # -> trafilatura.settings.Document | None
    """The main text; trafilatura works on a copy of the tree. Precision first: a news page's chrome
    (menus, teasers, lists) must not become the article, and it halves the time on a page."""
    try:
        return trafilatura.bare_extraction(
            tree, url=url, fast=True, favor_precision=True, config=_CONFIG, include_comments=False
        )
    except (ParserError, XMLSyntaxError, ValueError) as error:
        log.debug("trafilatura could not read the page: %s", error)
        return None


def _metadata(tree: HtmlElement, url: str | None, latest: dt.date) -> Page:
    """What the page's metadata says, read as trafilatura reads it (meta tags, then JSON-LD, then
    the <title> or headline; htmldate for the date), without its costlier guesses (an author from
    the text, categories, tags, licence): those took more time than parsing the article."""
    found = metadata.extract_meta_json(tree, metadata.examine_meta(tree))
    page_url = found.url or metadata.extract_url(tree, url)
    date = find_date(
        tree, extensive_search=False, original_date=True, max_date=latest.isoformat(), url=page_url
    )
    return Page(
        text="",
        title=found.title or metadata.extract_title(tree),
        date=date,
        author=found.author if found.author and " " in found.author else None,
        site=found.sitename or metadata.extract_sitename(tree),
        url=page_url,
    )


def _printed_date(tree: HtmlElement) -> str | None:
    """A short text node that states a date: the first after the first <h1>, else the first."""
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
