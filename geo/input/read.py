"""Files and folders in; Articles, and an InputProblem for every input that cannot be read, out.

Formats: `.txt`, `.md`, `.html`/`.htm` (visible text), `.json` (an article object or a list of them),
`.jsonl` (one object a line) and `.csv` (a header row). JSON and CSV rows carry `text` and optionally
`id`, `title`, `date` and `url` (or `source`). Bad input never raises and is never printed: it comes
out as an InputProblem naming the file, or `file#row` for one row, and everything else is still read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import stat
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from geo.input.clean import CleanText, clean_text
from geo.input.dates import DATELINE, article_date, line_date
from geo.records import Article, InputProblem, content_hash

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

Item = Article | InputProblem

MAX_BYTES = 5_000_000
"""Largest article: a text file, or one JSON/JSONL/CSV row's text."""
MAX_CONTAINER_BYTES = 2_000_000_000
"""Largest JSON/JSONL/CSV file: those hold many articles (JSONL and CSV are streamed row by row)."""
_STREAMED = (".jsonl", ".csv")
_SNIFF = 8192
_MAX_CONTROL_SHARE = 0.3
_MAX_TITLE = 200
_NOT_A_HEADLINE = re.compile(r"(?:by|source|updated|published|posted|filed|photo)\b", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.,:;][\"'’”)]*$")
_FIRST_SENTENCE = re.compile(r".+?[.!?](?=\s+[\"'“‘(]?[A-Z]|$)")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+")
_INVISIBLE = (
    "head", "title", "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
)  # fmt: skip
_BLOCKS = (
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
)  # fmt: skip
_BLOCK_BREAK = "\x1e"


def read_inputs(
    paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES, today: dt.date | None = None
) -> Iterator[Item]:
    """Stream an Article for every document in `paths` and an InputProblem for every bad input.

    Paths are read in the order given; folders recursively, in name order, skipping dotfiles and
    dot-folders. Dates come from metadata, a dateline or header, or are estimated from dates with a
    year in the text; an article that needs the batch's reference year stays undated here (see
    `read_articles`). No article is dated after `today`, the day of reading (default: the current date).
    """
    latest = _resolve(today)
    for source in _files(paths):
        if isinstance(source, InputProblem):
            yield source
        else:
            yield from _read_file(source, max_bytes, latest)


class ArticleStream:
    """The articles of some paths, yielded as they are read, so parsing can start at once.

    Bad inputs are collected in ``problems`` on the way. An article whose text gives dates without
    a year can only be dated against the batch's median read date, known once everything is
    read: ``dated`` gives it its estimated date then. ``today`` is the day of reading (default: the
    current date), fixed for the whole stream: no article is dated after it.
    """

    def __init__(self, paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES, today: dt.date | None = None):
        self.paths = list(paths)
        self.max_bytes = max_bytes
        self.today = _resolve(today)
        self.problems: list[InputProblem] = []
        self._read_dates: list[dt.date] = []
        self._reference: dt.date | None = None

    def __iter__(self) -> Iterator[Article]:
        for item in read_inputs(self.paths, max_bytes=self.max_bytes, today=self.today):
            if isinstance(item, InputProblem):
                self.problems.append(item)
                continue
            if not needs_reference(item):
                self._read_dates.append(item.date)
            yield item
        if self._read_dates:
            self._reference = statistics.median_low(self._read_dates)

    def dated(self, article: Article) -> Article:
        """The article with its date estimated against the batch's median read date, if it needs
        one (call it once the stream has been read to the end)."""
        if not needs_reference(article) or self._reference is None:
            return article
        return _redate(article, self._reference, self.today)


def needs_reference(article: Article) -> bool:
    """Whether an article's date was not read from metadata or a header (and may be estimated)."""
    return not article.date or article.date_estimated


def read_articles(
    paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES, today: dt.date | None = None
) -> tuple[list[Article], list[InputProblem]]:
    """Read everything, then estimate the dates of articles without a read date, using the median
    read date of the batch as the reference year for dates their text gives without one. No
    article is dated after `today` (default: the current date)."""
    stream = ArticleStream(paths, max_bytes=max_bytes, today=today)
    articles = list(stream)
    return [stream.dated(article) for article in articles], stream.problems


def _resolve(today: dt.date | None) -> dt.date:
    """The day of reading: the one given, else the current date (read once, at the entry point)."""
    return dt.date.today() if today is None else today


def headline(text: str) -> str | None:
    """The headline on the first line of a cleaned article, if it has one.

    That line is a headline when the article goes on after it, it is at most 200 characters, does
    not end like a sentence and is no byline, metadata or date line. A leading ` date YYYY-MM-DD `
    dateline marks the line as the lead: its first sentence is the title. `# Markdown` marks are dropped.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or _NOT_A_HEADLINE.match(lines[0]):
        return None
    first = lines[0]
    if lead := DATELINE.match(first):
        sentence = _FIRST_SENTENCE.match(first, lead.end())
        title = sentence.group() if sentence else first[lead.end() :]
    elif line_date(first) or _ENDS_SENTENCE.search(first):
        return None
    else:
        title = _MARKDOWN_HEADING.sub("", first, count=1)
    return title if 0 < len(title) <= _MAX_TITLE else None


def _files(paths: Iterable[str | Path]) -> Iterator[str | InputProblem]:
    visited: set[str] = set()
    for given in paths:
        source = os.fspath(given)
        if os.path.isdir(source):
            yield from _folder(source, visited)
        elif os.path.lexists(source):
            yield source
        else:
            yield InputProblem(source, "no such file or directory")


def _folder(folder: str, visited: set[str]) -> Iterator[str | InputProblem]:
    real = os.path.realpath(folder)
    if real in visited:
        return
    visited.add(real)
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        yield InputProblem(folder, f"unreadable: {error.strerror or error}")
        return
    for name in names:
        if name.startswith("."):
            continue
        child = os.path.join(folder, name)
        if os.path.isdir(child):
            yield from _folder(child, visited)
        else:
            yield child


def _read_file(source: str, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    suffix = Path(source).suffix.lower()
    if suffix in _STREAMED:
        yield from _streamed(source, suffix, max_bytes, latest)
        return
    reader = _READERS.get(suffix)
    if reader is None:
        yield InputProblem(source, f"unsupported file type {suffix or '(no extension)'}")
        return
    text = _load(source, MAX_CONTAINER_BYTES if suffix == ".json" else max_bytes)
    if isinstance(text, InputProblem):
        yield text
    else:
        yield from _sized(reader(source, text, latest), max_bytes)


def _streamed(source: str, suffix: str, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """JSON Lines and CSV files, read a row at a time so a large corpus never sits in memory."""
    try:
        info = os.stat(source)
        if not stat.S_ISREG(info.st_mode):
            yield InputProblem(source, "not a regular file")
            return
        if info.st_size > MAX_CONTAINER_BYTES:
            yield InputProblem(source, f"larger than {_size(MAX_CONTAINER_BYTES)}")
            return
        with open(source, "rb") as handle:
            head = handle.read(_SNIFF)
            if not head.strip():
                yield InputProblem(source, "empty file")
                return
            if b"\0" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                yield InputProblem(source, "binary file (NUL bytes)")
                return
            handle.seek(0)
            if suffix == ".jsonl":
                yield from _sized(_jsonl_lines(source, handle, latest), max_bytes)
            else:
                text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
                yield from _sized(_csv_rows(source, text, latest), max_bytes)
    except OSError as error:
        yield InputProblem(source, f"unreadable: {error.strerror or error}")
    except UnicodeDecodeError as error:
        yield InputProblem(source, f"not valid UTF-8 (byte 0x{error.object[error.start]:02x})")


def _sized(items: Iterator[Item], max_bytes: int) -> Iterator[Item]:
    """Refuse any single article whose text is larger than ``max_bytes``."""
    for item in items:
        if isinstance(item, Article) and len(item.text.encode("utf-8")) > max_bytes:
            yield InputProblem(item.source, f"article text larger than {_size(max_bytes)}")
        else:
            yield item


def _load(source: str, max_bytes: int) -> str | InputProblem:
    try:
        info = os.stat(source)
        if not stat.S_ISREG(info.st_mode):
            return InputProblem(source, "not a regular file")
        if info.st_size > max_bytes:
            return InputProblem(source, f"larger than {_size(max_bytes)}")
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return InputProblem(source, f"unreadable: {error.strerror or error}")
    if len(data) > max_bytes:
        return InputProblem(source, f"larger than {_size(max_bytes)}")
    if not data:
        return InputProblem(source, "empty file")
    return _decode(data, source)


def _decode(data: bytes, source: str) -> str | InputProblem:
    """UTF-8 (a BOM allowed) or UTF-16 with a BOM; anything else is refused, and binary data too."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return InputProblem(source, "not valid UTF-16")
    elif b"\0" in data[:_SNIFF]:
        return InputProblem(source, "binary file (NUL bytes)")
    else:
        body = data.removeprefix(codecs.BOM_UTF8)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            at = error.start + len(data) - len(body)
            return InputProblem(source, f"not valid UTF-8 (byte 0x{data[at]:02x} at offset {at})")
    if not text.strip():
        return InputProblem(source, "empty file (whitespace only)")
    sample = text[:_SNIFF]
    controls = sum(unicodedata.category(char) == "Cc" and not char.isspace() for char in sample)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        return InputProblem(source, "binary file (mostly control characters)")
    return text


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def _plain(source: str, text: str, latest: dt.date) -> Iterator[Item]:
    yield _article(article_id=Path(source).stem, source=source, cleaned=clean_text(text), latest=latest)


def _html(source: str, markup: str, latest: dt.date) -> Iterator[Item]:
    """Visible text only, a paragraph per block element; title, date and url from the markup."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    h1 = soup.find("h1")
    time = soup.find("time", attrs={"datetime": True})
    canonical = soup.find("link", attrs={"rel": "canonical", "href": True})
    title = (
        _meta(soup, property="og:title")
        or (soup.title and soup.title.get_text())
        or (h1 and h1.get_text())
    )
    date = (
        _meta(soup, property="article:published_time")
        or _meta(soup, name="date")
        or _meta(soup, itemprop="datePublished")
        or (time and str(time["datetime"]))
    )
    url = _meta(soup, property="og:url") or (canonical and str(canonical["href"]))
    for tag in soup(_INVISIBLE):
        tag.decompose()
    for tag in soup(_BLOCKS):
        tag.insert_before(_BLOCK_BREAK)
        tag.insert_after(_BLOCK_BREAK)
    blocks = (" ".join(block.split()) for block in soup.get_text().split(_BLOCK_BREAK))
    text = "\n\n".join(block for block in blocks if block)
    if not text:
        yield InputProblem(source, "no visible text")
        return
    yield _article(
        article_id=Path(source).stem,
        source=source,
        cleaned=clean_text(text),
        title=title or None,
        metadata_date=date or None,
        url=url or None,
        latest=latest,
    )


def _meta(soup: BeautifulSoup, **attrs: str) -> str | None:
    tag = soup.find("meta", attrs={**attrs, "content": True})
    return (str(tag["content"]).strip() or None) if tag else None


def _json(source: str, text: str, latest: dt.date) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        yield InputProblem(source, _malformed(error, line=True))
        return
    if not isinstance(data, list):
        yield _row(data, source, Path(source).stem, latest)
        return
    if not data:
        yield InputProblem(source, "no articles")
    for number, row in enumerate(data, start=1):
        yield _row(row, f"{source}#{number}", f"{Path(source).stem}-{number}", latest)


def _jsonl_lines(source: str, handle: IO[bytes], latest: dt.date) -> Iterator[Item]:
    """One article per line; a bad line (not UTF-8, not JSON) is reported and the rest still read."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield InputProblem(f"{source}#{number}", f"not valid UTF-8 (byte 0x{raw[error.start]:02x})")
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            yield InputProblem(f"{source}#{number}", _malformed(error, line=False))
            continue
        yield _row(row, f"{source}#{number}", f"{Path(source).stem}-{number}", latest)


def _malformed(error: json.JSONDecodeError | RecursionError, *, line: bool) -> str:
    if not isinstance(error, json.JSONDecodeError):
        return "malformed JSON: nested too deeply"
    return f"malformed JSON: {error.msg}" + (f" (line {error.lineno})" if line else "")


def _csv_rows(source: str, handle: IO[str], latest: dt.date) -> Iterator[Item]:
    """A header row with a `text` column, then one article per row."""
    reader = csv.reader(handle)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if "text" not in header:
            yield InputProblem(source, "CSV has no 'text' column")
            return
        found = False
        for number, values in enumerate(reader, start=1):
            if any(value.strip() for value in values):
                found = True
                yield _row(dict(zip(header, values)), f"{source}#{number}", f"{Path(source).stem}-{number}", latest)
    except csv.Error as error:
        yield InputProblem(source, f"malformed CSV (line {reader.line_num}): {error}")
        return
    if not found:
        yield InputProblem(source, "no articles")


def _row(row: object, source: str, default_id: str, latest: dt.date) -> Item:
    """One JSON or CSV row's article; its `given_offsets` map back to its `text` as given."""
    if not isinstance(row, dict):
        return InputProblem(source, "not a JSON object")
    fields = {str(key).strip().lower(): value for key, value in row.items()}
    text = fields.get("text")
    if text is not None and not isinstance(text, str):
        return InputProblem(source, "text is not a string")
    if not text or not text.strip():
        return InputProblem(source, "row has no text")
    cleaned = clean_text(text)
    return _article(
        article_id=_field(fields.get("id")) or default_id,
        source=source,
        cleaned=cleaned,
        title=_field(fields.get("title")),
        metadata_date=_field(fields.get("date")),
        url=_field(fields.get("url")) or _field(fields.get("source")),
        given_offsets=cleaned.offsets,
        latest=latest,
    )


def _field(value: object) -> str | None:
    """An optional scalar field as stripped text; None when missing, empty or not a scalar."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return str(value).strip() or None


def _article(
    *,
    article_id: str,
    source: str,
    cleaned: CleanText,
    title: str | None = None,
    metadata_date: str | None = None,
    url: str | None = None,
    given_offsets: tuple[int, ...] | None = None,
    latest: dt.date,
) -> Item:
    if not cleaned.text:
        return InputProblem(source, "no text left after cleaning")
    date, estimated = article_date(cleaned.text, metadata_date, latest=latest)
    title = (title and " ".join(clean_text(title).text.split())) or headline(cleaned.text)
    return Article(
        id=article_id,
        source=source,
        text=cleaned.text,
        title=title,
        date=date,
        date_estimated=estimated,
        url=url,
        given_offsets=given_offsets,
        content_hash=content_hash(title, None if estimated else date, cleaned.text),
    )


def _redate(article: Article, reference: dt.date, latest: dt.date) -> Article:
    date, estimated = article_date(article.text, reference=reference, latest=latest)
    return replace(article, date=date, date_estimated=estimated)


_READERS: dict[str, Callable[[str, str, dt.date], Iterator[Item]]] = {
    ".txt": _plain,
    ".md": _plain,
    ".html": _html,
    ".htm": _html,
    ".json": _json,
}
"""The reader of each whole-file type: (source, its text, the day of reading) -> articles and problems."""
