"""From what a reader found in one document (`Draft`) to a cleaned, titled, undated-or-dated Article.

Cleaning and dating run here, each guarded: an unexpected error in one article becomes that
article's InputProblem (its stage, the error; the traceback logged at DEBUG), never the run's.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.input.clean import clean_text
from geo.input.dates import article_date
from geo.input.language import detect_language
from geo.input.titles import headline
from geo.records import CLEAN, DATE, Article, InputProblem, content_hash

log = logging.getLogger(__name__)

Item = Article | InputProblem


@dataclass(frozen=True, slots=True)
class Draft:
    """One document's text and what its container said about it, before cleaning and dating.

    `stated` are dates read from the document other than its metadata date (a page's printed date
    line), tried after it. `given` keeps an offset map back to `text` as given (JSON/CSV rows).
    `boilerplate` runs our boilerplate-line patterns (off where an extractor already decluttered).
    """

    id: str
    source: str
    text: str
    folder: str
    title: str | None = None
    date: str | None = None
    stated: tuple[str, ...] = ()
    url: str | None = None
    author: str | None = None
    site: str | None = None
    ref: str | None = None
    encoding: str | None = None
    given: bool = False
    boilerplate: bool = True


def make_article(draft: Draft, latest: dt.date) -> Item:
    """The draft's Article, dated unless only a reference year could date it (see ArticleStream),
    or the InputProblem that stopped it."""
    try:
        cleaned = clean_text(draft.text, boilerplate=draft.boilerplate)
    except Exception as error:
        return unexpected(draft.source, CLEAN, error)
    if not cleaned.text:
        return InputProblem(draft.source, "no text left after cleaning")
    try:
        date, estimated = article_date(
            cleaned.text, draft.date, latest=latest, stated=(cleaned.marked_date, *draft.stated)
        )
    except Exception as error:
        return unexpected(draft.source, DATE, error)
    given_title = draft.title and " ".join(clean_text(draft.title).text.split())
    title = given_title or headline(cleaned.text, lead=cleaned.marked_date is not None)
    return Article(
        id=draft.id,
        source=draft.source,
        text=cleaned.text,
        title=title,
        date=date,
        date_estimated=estimated,
        url=draft.url,
        given_offsets=cleaned.offsets if draft.given else None,
        content_hash=content_hash(title, None if estimated else date, cleaned.text),
        ref=draft.ref,
        outlet=outlet(draft.site, draft.url, draft.folder),
        author=draft.author,
        language=detect_language(cleaned.text),
        encoding=draft.encoding,
    )


def outlet(site: str | None, url: str | None, folder: str | None) -> str | None:
    """Who published an article: the site's name, else its URL's domain, else its folder's name."""
    if site and site.strip():
        return " ".join(site.split())
    if url and (host := _host(url)):
        return host.removeprefix("www.")
    return folder or None


def _host(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


def unexpected(source: str, stage: str, error: Exception) -> InputProblem:
    """An unexpected error while reading one input, as that input's problem."""
    log.debug("%s: unexpected error while it was at the %s stage", source, stage, exc_info=error)
    return InputProblem(source, f"unexpected error ({stage}): {type(error).__name__}: {error}", stage)
