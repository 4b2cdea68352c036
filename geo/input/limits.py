"""How much is read: the size limits, checked on raw bytes before any decoding or cleaning."""

from __future__ import annotations

from typing import IO

from geo.errors import Unreadable

MAX_BYTES = 5_000_000
"""Largest article: a text or HTML file, an archive member, a WARC record, one row's text."""
MAX_CONTAINER_BYTES = 2_000_000_000
"""Largest streamed file (JSON Lines, CSV, archives, WARC): read a row or member at a time."""
MAX_WHOLE_BYTES = 100_000_000
"""Largest file parsed whole (.json, feeds): parsing holds several times its size in memory."""
_CHUNK = 1 << 20
"""Bytes read at a time when skipping the rest of an oversized line."""


def size_text(limit: int) -> str:
    """A limit as people read it: "5 MB", "1,000 bytes"."""
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def too_large(limit: int, what: str = "") -> Unreadable:
    """The problem of an input over `limit` bytes."""
    return Unreadable(f"{what + ' ' if what else ''}larger than {size_text(limit)}")


def check_size(size: int | None, limit: int, what: str = "") -> None:
    """Refuse a declared size over the limit before reading a byte."""
    if size is not None and size > limit:
        raise too_large(limit, what)


def read_capped(handle: IO[bytes], limit: int, what: str = "") -> bytes:
    """All of `handle`, refused once it passes `limit` bytes (never holding more than limit + 1)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit, what)
    if not data:
        raise Unreadable("empty file")
    return data


def read_line(handle: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """The next line of `handle` and whether it fits in `limit` bytes; an oversized line is skipped
    to its end without being held in memory (and comes back empty)."""
    line = handle.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, len(line.rstrip(b"\r\n")) <= limit
    while (rest := handle.readline(_CHUNK)) and not rest.endswith(b"\n"):
        pass
    return b"", False
