"""What a reader reads: an `Entry` (a file, an archive member, a WARC record) and its article id.

Ids are unique by construction within an ingest root (the folder paths are taken relative to,
by default the current working directory): a file's id is its path relative to the root, with
POSIX separators and its extension ("seeds/000_04ec2b7c7e823c78.txt"; "../x.txt" outside the
root, never an absolute path); an archive member's is "<archive id>/<member path>"; a WARC
record's "<warc id>#<record number>". Rows and feed items add "#..." to their file's id.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from geo.errors import Unreadable

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to read: its id (also where it was read from), its name (the format goes by its
    suffix), the folder it is in (an outlet's last resort), its size when known before reading,
    and how to open it as bytes. `url` and `charset` come from the container (a WARC record's
    target and HTTP header); `archived` is set inside archives, which may not hold archives."""

    id: str
    name: str
    folder: str
    size: int | None
    open: Callable[[], AbstractContextManager[IO[bytes]]]
    url: str | None = None
    charset: str | None = None
    archived: bool = False

    @property
    def suffix(self) -> str:
        """The format's suffix, lower case, double for compressed WARCs and tarballs (".warc.gz")."""
        name = self.name.lower()
        for double in (".warc.gz", ".tar.gz"):
            if name.endswith(double):
                return double
        return PurePosixPath(name).suffix


def file_id(path: str, root: str) -> str:
    """A file's id: its path relative to the ingest root, POSIX separators, extension kept."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return relative.replace(os.sep, "/")


def file_entry(path: str, root: str) -> Entry:
    """The entry of a file on disk; Unreadable when it cannot be looked at or is no regular file."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise Unreadable(f"unreadable: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("not a regular file")
    return Entry(
        id=file_id(path, root),
        name=os.path.basename(path),
        folder=os.path.basename(os.path.dirname(os.path.abspath(path))),
        size=info.st_size,
        open=lambda: open(path, "rb"),
    )


def member_path(name: str) -> str:
    """An archive member's path as its id shows it: POSIX, no leading slash, `.` and `..` folded."""
    return posixpath.normpath("/" + name.replace("\\", "/")).lstrip("/")
