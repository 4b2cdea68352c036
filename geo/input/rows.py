"""Rows: a `.json` file (an article object or a list of them), `.jsonl` (one object a line), `.csv`
(a header row with a `text` column). Rows carry `text` and optionally `id`, `title`, `date`, `url`
(or `source`), `author` and `outlet`.

A row's article id is "<file id>#<row's own id>" when it has a non-empty `id`, else "<file id>#<row
number>" (the 1-based line of a JSONL file, the record number of a CSV file or JSON list); its
source is "<file id>#<row number>". An id a file already gave makes the later row a problem. Limits
come before work: a JSONL line's bytes before it is parsed, a row's text before it is cleaned, a
CSV field is read up to the article limit; a row over a limit is reported as that row, the rest read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from geo.errors import Unreadable
from geo.input.article import Draft, Item, make_article, unexpected
from geo.input.decode import UTF8, decode, stream_codec
from geo.input.entry import Entry
from geo.input.limits import MAX_CONTAINER_BYTES, MAX_WHOLE_BYTES, check_size, read_capped, read_line, size_text
from geo.records import READ, InputProblem

_SNIFF = 65536
"""Bytes a streamed file's encoding is told from."""
_WHOLE_JSON = "a .json file is parsed whole; write it as JSON Lines (.jsonl, one article a line) to stream it:"
_CSV_SLACK = 1024
"""Characters a CSV line may hold beyond the article limit (the row's other fields)."""


class RowIds:
    """The ids one file's rows have taken, so none is given twice."""

    def __init__(self, file_id: str):
        self.file_id = file_id
        self._first: dict[str, int] = {}

    def claim(self, own: str | None, number: int) -> str:
        """The id of row `number`, whose own id is `own`; Unreadable when an earlier row has it."""
        key = own or str(number)
        if key in self._first:
            raise Unreadable(f"duplicate id {key}, first at row {self._first[key]}")
        self._first[key] = number
        return f"{self.file_id}#{key}"


def read_json(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """A whole .json file: one article object, or a list of them."""
    check_size(entry.size, MAX_WHOLE_BYTES, _WHOLE_JSON)
    with entry.open() as handle:
        data = read_capped(handle, MAX_WHOLE_BYTES, _WHOLE_JSON)
    decoded = decode(data, entry.id)
    try:
        parsed = json.loads(decoded.text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise Unreadable(_malformed(error, line=True)) from None
    if not isinstance(parsed, list):
        yield _guarded_row(parsed, entry, entry.id, None, None, max_bytes, latest, decoded.encoding)
        return
    if not parsed:
        raise Unreadable("no articles")
    ids = RowIds(entry.id)
    for number, row in enumerate(parsed, start=1):
        yield _guarded_row(row, entry, f"{entry.id}#{number}", ids, number, max_bytes, latest, decoded.encoding)



def read_jsonl(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """One article a line, read a line at a time; a bad line is reported and the rest read."""
    check_size(entry.size, MAX_CONTAINER_BYTES)
    ids = RowIds(entry.id)
    with entry.open() as raw:
        handle, codec = _utf8_stream(raw, entry.id)
        number = 0
        while True:
            line, fits = read_line(handle, max_bytes)
            if not line and fits:
                break
            number += 1
            source = f"{entry.id}#{number}"
            if not fits:
                yield InputProblem(source, f"row larger than {size_text(max_bytes)}")
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else UTF8)
            except UnicodeDecodeError as error:
                yield InputProblem(source, f"not valid {codec} (byte 0x{line[error.start]:02x})")
                continue
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as error:
                yield InputProblem(source, _malformed(error, line=False))
                continue
            yield _guarded_row(row, entry, source, ids, number, max_bytes, latest, codec)


def read_csv(entry: Entry, max_bytes: int, latest: dt.date) -> Iterator[Item]:
    """A header row with a `text` column, then one article a record. A record over the article
    limit is reported as that record and reading goes on after it."""
    check_size(entry.size, MAX_CONTAINER_BYTES)
    with entry.open() as raw, _csv_field_limit(max_bytes):
        handle, codec = _text_stream(raw, entry.id)
        lines = _CsvLines(handle, max_bytes + _CSV_SLACK)
        reader = csv.reader(lines)
        header = [name.strip().lower() for name in next(reader, [])]
        if "text" not in header:
            raise Unreadable("CSV has no 'text' column")
        ids = RowIds(entry.id)
        number = 0
        found = False
        while True:
            lines.start_record()
            try:
                values = next(reader)
            except StopIteration:
                break
            except (csv.Error, _LineTooLong) as error:
                number += 1
                found = True
                lines.skip_record()
                too_long = isinstance(error, _LineTooLong) or "field limit" in str(error)
                reason = f"row larger than {size_text(max_bytes)}" if too_long else f"malformed CSV: {error}"
                yield InputProblem(f"{entry.id}#{number}", reason)
                continue
            number += 1
            if any(value.strip() for value in values):
                found = True
                row = dict(zip(header, values))
                yield _guarded_row(row, entry, f"{entry.id}#{number}", ids, number, max_bytes, latest, codec)
    if not found:
        raise Unreadable("no articles")


class _LineTooLong(Exception):
    """A CSV line longer than any record may be."""


class _CsvLines:
    """The lines of a CSV file, each at most `limit` characters, counting the quotes of the record
    being read so an oversized record can be skipped to its real end (a quoted field may hold line
    breaks)."""

    def __init__(self, handle: IO[str], limit: int):
        self.handle = handle
        self.limit = limit
        self.quotes = 0
        self.mid_line = False

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self._read()
        if not line:
            raise StopIteration
        if self.mid_line:
            raise _LineTooLong(f"line longer than {self.limit:,} characters")
        return line

    def start_record(self) -> None:
        self.quotes = 0

    def skip_record(self) -> None:
        """Read on to the end of the current record: a line end where its quotes pair up."""
        while self.mid_line or self.quotes % 2:
            if not self._read():
                return

    def _read(self) -> str:
        line = self.handle.readline(self.limit + 1)
        self.quotes += line.count('"')
        self.mid_line = bool(line) and not line.endswith(("\n", "\r"))
        return line


@contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """csv's field size limit (process-wide) set to the article limit while a file is read."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _text_stream(raw: IO[bytes], source: str) -> tuple[IO[str], str]:
    """A CSV file as text, decoded as it is read, and its codec."""
    buffered, codec = _sniffed(raw, source)
    if codec in (UTF8, "utf-8-sig"):
        return io.TextIOWrapper(buffered, encoding="utf-8-sig", newline=""), UTF8
    return codecs.getreader(codec)(buffered), codec


def _utf8_stream(raw: IO[bytes], source: str) -> tuple[IO[bytes], str]:
    """A JSON Lines file as UTF-8 bytes (recoded as it is read if it is in another encoding), and its codec."""
    buffered, codec = _sniffed(raw, source)
    if codec in (UTF8, "utf-8-sig"):
        return buffered, UTF8
    info, utf8 = codecs.lookup(codec), codecs.lookup(UTF8)
    return codecs.StreamRecoder(buffered, utf8.encode, utf8.decode, info.streamreader, info.streamwriter), codec


def _sniffed(raw: IO[bytes], source: str) -> tuple[io.BufferedReader, str]:
    buffered = io.BufferedReader(raw, buffer_size=_SNIFF)  # type: ignore[arg-type]
    head = buffered.peek(_SNIFF)[:_SNIFF]
    if not head.strip():
        raise Unreadable("empty file")
    return buffered, stream_codec(head, source)


def _guarded_row(
    row: object,
    entry: Entry,
    source: str,
    ids: RowIds | None,
    number: int | None,
    max_bytes: int,
    latest: dt.date,
    encoding: str,
) -> Item:
    try:
        return _row(row, entry, source, ids, number, max_bytes, latest, encoding)
    except Unreadable as problem:
        return InputProblem(source, problem.reason)
    except Exception as error:
        return unexpected(source, READ, error)


def _row(
    row: object,
    entry: Entry,
    source: str,
    ids: RowIds | None,
    number: int | None,
    max_bytes: int,
    latest: dt.date,
    encoding: str,
) -> Item:
    """One JSON or CSV row's article; its `given_offsets` map back to its `text` as given."""
    if not isinstance(row, dict):
        raise Unreadable("not a JSON object")
    fields = {str(key).strip().lower(): value for key, value in row.items()}
    text = fields.get("text")
    if text is not None and not isinstance(text, str):
        raise Unreadable("text is not a string")
    if not text or not text.strip():
        raise Unreadable("row has no text")
    if len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise Unreadable(f"article text larger than {size_text(max_bytes)}")
    own = _field(fields.get("id"))
    article_id = ids.claim(own, number) if ids is not None and number is not None else entry.id
    draft = Draft(
        id=article_id,
        source=source,
        text=text,
        folder=entry.folder,
        title=_field(fields.get("title")),
        date=_field(fields.get("date")),
        url=_field(fields.get("url")) or _field(fields.get("source")),
        author=_field(fields.get("author")),
        site=_field(fields.get("outlet")),
        ref=own,
        encoding=encoding,
        given=True,
    )
    return make_article(draft, latest)


def _field(value: object) -> str | None:
    """An optional scalar field as stripped text; None when missing, empty or not a scalar."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return str(value).strip() or None


def _malformed(error: json.JSONDecodeError | RecursionError, *, line: bool) -> str:
    if not isinstance(error, json.JSONDecodeError):
        return "malformed JSON: nested too deeply"
    return f"malformed JSON: {error.msg}" + (f" (line {error.lineno})" if line else "")
