"""Files, folders and archives in; Articles, and an InputProblem for every input that cannot be read, out.

Formats: `.txt`, `.md`; `.html`/`.htm` (the article's main text, see `geo.input.html`); `.json` (an
article object or a list of them), `.jsonl` (one object a line), `.csv` (a header row; see
`geo.input.rows`); `.rss`, `.atom` and `.xml` feeds (`geo.input.feeds`); `.warc`/`.warc.gz` web
archives (`geo.input.warc`); `.zip`, `.tar`, `.tar.gz`/`.tgz` archives of any of these
(`geo.input.archives`). Text in any common encoding is read (`geo.input.decode`).

Ids are unique by construction within the ingest root (`root=`, default the current working
directory):

- a file's id is its path relative to the root, POSIX separators, extension kept
  ("seeds/000_04ec2b7c7e823c78.txt"; a file outside the root gets ".." segments, never an absolute path);
- a row of a JSON/JSONL/CSV file is "<file id>#<row's own id>" when the row has a non-empty `id`,
  else "<file id>#<row number>" (1-based line for JSONL, record number for CSV and JSON lists); a row
  id repeated within one file makes the later row an InputProblem ("duplicate id X, first at row N");
- an archive member is "<archive id>/<member path>" (and "#..." inside it as for a file); a WARC
  record "<warc id>#<record number>"; a feed item "<feed id>#<item number>".

`source` is where an article was read from, in the same form but with row numbers ("file.jsonl#17");
`Article.ref` keeps a row's own id. Bad input never raises and is never printed: it comes out as an
InputProblem (one line whatever its name holds) and everything else is still read; an unexpected
error in one file or row becomes that input's problem, its traceback logged at DEBUG. Size limits
are checked on raw bytes before any decoding or cleaning (see `geo.input.limits`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from sortedcontainers import SortedList

from geo.errors import Unreadable
from geo.input.archives import archive_entries
from geo.input.article import Draft, Item, make_article, unexpected
from geo.input.dates import article_date
from geo.input.decode import decode
from geo.input.entry import ARCHIVE_SUFFIXES, WARC_SUFFIXES, Entry, file_entry, file_id
from geo.input.feeds import read_feed
from geo.input.html import read_page
from geo.input.limits import MAX_BYTES, check_size, read_capped
from geo.input.rows import read_csv, read_json, read_jsonl
from geo.input.warc import warc_entries
from geo.records import READ, Article, InputProblem

__all__ = ["MAX_BYTES", "ArticleStream", "Item", "needs_reference", "read_articles", "read_inputs"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What every reader of one run needs: the article size limit and the day of reading."""

    max_bytes: int
    latest: dt.date


def read_inputs(
    paths: Iterable[str | Path],
    *,
    root: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    today: dt.date | None = None,
) -> Iterator[Item]:
    """Stream an Article for every document in `paths` and an InputProblem for every bad input.

    Paths are read in the order given; folders recursively, in name order, skipping dotfiles and
    dot-folders; archives in archive order. Ids are relative to `root` (default: the current
    working directory). Dates come from metadata, a dateline or header, or are estimated from
    dates with a year in the text; an article that needs a reference year stays undated here (see
    `ArticleStream`). No article is dated after `today`, the day of reading (default: the current date).
    """
    reading = _Reading(max_bytes, _resolve(today))
    base = os.fspath(root) if root is not None else os.getcwd()
    for entry in _entries(paths, base):
        if isinstance(entry, InputProblem):
            yield entry
        else:
            yield from _read_entry(entry, reading)


class ArticleStream:
    """The articles of some paths, yielded as they are read and already dated, so parsing can start at once.

    Bad inputs are collected in ``problems`` on the way. An article whose text gives dates without a
    year is estimated against the running median of the read (not estimated) dates seen so far in
    the stream, else against ``reference`` (the caller's, e.g. the store's median date), else left
    undated. ``today`` is the day of reading (default: the current date), fixed for the whole
    stream: no article is dated after it.
    """

    def __init__(
        self,
        paths: Iterable[str | Path],
        *,
        root: str | Path | None = None,
        max_bytes: int = MAX_BYTES,
        today: dt.date | None = None,
        reference: dt.date | None = None,
    ):
        self.paths = list(paths)
        self.root = root
        self.max_bytes = max_bytes
        self.today = _resolve(today)
        self.reference = reference
        self.problems: list[InputProblem] = []
        self._read_dates: SortedList = SortedList()

    def __iter__(self) -> Iterator[Article]:
        for item in read_inputs(self.paths, root=self.root, max_bytes=self.max_bytes, today=self.today):
            if isinstance(item, InputProblem):
                self.problems.append(item)
            elif needs_reference(item):
                yield self._estimated(item, self._median() or self.reference)
            else:
                self._read_dates.add(item.date)
                yield item

    def dated(self, article: Article) -> Article:
        """The article, estimated against the whole stream's median read date if it is still undated.

        Kept for callers that re-date at the end of a run; articles are dated as they are yielded.
        """
        if article.date is not None or not needs_reference(article):
            return article
        return self._estimated(article, self._median())

    def _median(self) -> dt.date | None:
        """The running median (the lower middle) of the read dates seen so far."""
        return self._read_dates[(len(self._read_dates) - 1) // 2] if self._read_dates else None

    def _estimated(self, article: Article, reference: dt.date | None) -> Article:
        if reference is None:
            return article
        try:
            date, estimated = article_date(article.text, reference=reference, latest=self.today)
        except Exception:
            log.debug("%s: estimating its date failed, left undated", article.source, exc_info=True)
            return article
        return replace(article, date=date, date_estimated=estimated)


def needs_reference(article: Article) -> bool:
    """Whether an article's date was not read from metadata or a header (and may be estimated)."""
    return not article.date or article.date_estimated


def read_articles(
    paths: Iterable[str | Path],
    *,
    root: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    today: dt.date | None = None,
    reference: dt.date | None = None,
) -> tuple[list[Article], list[InputProblem]]:
    """Every article of `paths`, dated as `ArticleStream` dates them, and every problem apart."""
    stream = ArticleStream(paths, root=root, max_bytes=max_bytes, today=today, reference=reference)
    articles = list(stream)
    return [stream.dated(article) for article in articles], stream.problems


def _resolve(today: dt.date | None) -> dt.date:
    """The day of reading: the one given, else the current date (read once, at the entry point)."""
    return dt.date.today() if today is None else today


def _entries(paths: Iterable[str | Path], root: str) -> Iterator[Entry | InputProblem]:
    visited: set[str] = set()
    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
            yield from _folder(path, root, visited)
        elif os.path.lexists(path):
            yield _file(path, root)
        else:
            yield InputProblem(file_id(path, root), "no such file or directory")


def _folder(folder: str, root: str, visited: set[str]) -> Iterator[Entry | InputProblem]:
    real = os.path.realpath(folder)
    if real in visited:
        return
    visited.add(real)
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        yield InputProblem(file_id(folder, root), f"unreadable: {error.strerror or error}")
        return
    for name in names:
        if name.startswith("."):
            continue
        child = os.path.join(folder, name)
        if os.path.isdir(child):
            yield from _folder(child, root, visited)
        else:
            yield _file(child, root)


def _file(path: str, root: str) -> Entry | InputProblem:
    try:
        return file_entry(path, root)
    except Unreadable as problem:
        return InputProblem(file_id(path, root), problem.reason)


def _read_entry(entry: Entry, reading: _Reading) -> Iterator[Item]:
    """The articles and problems of one entry; nothing it raises gets past it."""
    try:
        suffix = entry.suffix
        if suffix in ARCHIVE_SUFFIXES or suffix in WARC_SUFFIXES:
            yield from _read_container(entry, reading)
            return
        reader = _READERS.get(suffix)
        if reader is None:
            raise Unreadable(f"unsupported file type {suffix or '(no extension)'}")
        yield from reader(entry, reading.max_bytes, reading.latest)
    except Unreadable as problem:
        yield InputProblem(entry.id, problem.reason)
    except OSError as error:
        yield InputProblem(entry.id, f"unreadable: {error.strerror or error}")
    except Exception as error:
        yield unexpected(entry.id, READ, error)


def _read_container(container: Entry, reading: _Reading) -> Iterator[Item]:
    if container.suffix in ARCHIVE_SUFFIXES:
        if container.archived:
            raise Unreadable("archive inside an archive: unpack it and read the inner archive")
        members = archive_entries(container)
    else:
        members = warc_entries(container)
    for member in members:
        if isinstance(member, InputProblem):
            yield member
        else:
            yield from _read_entry(member, reading)


def _read_text(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """A plain-text or Markdown file: one article."""
    data = _read_bytes(entry, max_bytes)
    decoded = decode(data, entry.id, declared=entry.charset)
    draft = Draft(id=entry.id, source=entry.id, text=decoded.text, folder=entry.folder, encoding=decoded.encoding)
    yield make_article(draft, latest)


def _read_html(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """A web page: its main text and what its markup says about it."""
    data = _read_bytes(entry, max_bytes)
    decoded = decode(data, entry.id, declared=entry.charset)
    page = read_page(decoded.text, url=entry.url, latest=latest)
    if not page.text.strip():
        raise Unreadable("no visible text")
    draft = Draft(
        id=entry.id,
        source=entry.id,
        text=page.text,
        folder=entry.folder,
        title=page.title,
        date=page.date,
        stated=(page.printed_date,) if page.printed_date else (),
        url=page.url,
        author=page.author,
        site=page.site,
        encoding=decoded.encoding,
        boilerplate=not page.extracted,
    )
    yield make_article(draft, latest)


def _read_bytes(entry: Entry, max_bytes: int) -> bytes:
    check_size(entry.size, max_bytes)
    with entry.open() as handle:
        return read_capped(handle, max_bytes)


_READERS: dict[str, Callable[[Entry, int, dt.date], Iterator[Item]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".csv": read_csv,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
}
"""The reader of each single-document or row format: (entry, article limit, day of reading) -> items."""
