"""Web archives (`.warc`, `.warc.gz`, warcio): each HTML page a crawl fetched, read as a web page.

Response records with an HTML body and a 2xx status (and resource records holding HTML) become
entries "<warc id>#<record number>" (every record counted, 1-based, in file order), with the
record's target URL and the charset its HTTP header declares; requests, metadata, redirects and
non-HTML responses (images, scripts) are not articles and are passed over.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import nullcontext

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from geo.errors import Unreadable
from geo.input.entry import Entry
from geo.input.limits import MAX_CONTAINER_BYTES, check_size

log = logging.getLogger(__name__)

_PAGE_NAME = "page.html"
"""The name a record's entry is read under: its body is a web page."""


def warc_entries(warc: Entry) -> Iterator[Entry]:
    """The HTML pages of a WARC file, in file order, each ready to be read once."""
    check_size(warc.size, MAX_CONTAINER_BYTES)
    with warc.open() as handle:
        try:
            for number, record in enumerate(ArchiveIterator(handle), start=1):
                if (page := _page(warc, number, record)) is not None:
                    yield page
        except (ArchiveLoadFailed, EOFError, OSError) as error:
            raise Unreadable(f"damaged WARC file: {error}") from None


def _page(warc: Entry, number: int, record) -> Entry | None:
    if record.rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type") or ""
        if not status.startswith("2"):
            return None
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    if "html" not in content_type.lower():
        log.debug("%s#%d: not HTML (%s), passed over", warc.id, number, content_type or "no type")
        return None
    stream = record.content_stream()
    return Entry(
        id=f"{warc.id}#{number}",
        name=_PAGE_NAME,
        folder=warc.folder,
        size=None,
        open=lambda: nullcontext(stream),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        charset=_charset(content_type),
        archived=True,
    )


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
