"""Archives: `.zip`, `.tar`, `.tar.gz`/`.tgz` of any supported files, each member read in turn.

Members are streamed (a tarball read front to back, a zip member decompressed as it is read), so an
archive of any size never sits in memory; each member meets the limits a file would. A member's
id is "<archive id>/<member path>". Folders, hidden members (`.name`, `__MACOSX/`) and links are
skipped; an archive inside an archive is refused (unpack it and read the inner one).
"""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import PurePosixPath
from typing import IO

from geo.errors import Unreadable
from geo.input.entry import ARCHIVE_SUFFIXES, Entry, member_path
from geo.input.limits import MAX_CONTAINER_BYTES, check_size
from geo.records import InputProblem

_ENCRYPTED = 0x1
"""The zip flag bit of an encrypted member."""
_DAMAGED = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError)


def archive_entries(archive: Entry) -> Iterator[Entry | InputProblem]:
    """The members of a zip or tar archive, in archive order, each ready to be read once."""
    check_size(archive.size, MAX_CONTAINER_BYTES)
    with archive.open() as handle:
        members = _zip(archive, handle) if archive.suffix == ".zip" else _tar(archive, handle)
        try:
            yield from members
        except _DAMAGED as error:
            raise Unreadable(f"damaged archive: {error}") from None


def _zip(archive: Entry, handle: IO[bytes]) -> Iterator[Entry | InputProblem]:
    try:
        opened = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise Unreadable(f"not a zip archive: {error}") from None
    with opened:
        for info in opened.infolist():
            path = member_path(info.filename)
            if info.is_dir() or _hidden(path):
                continue
            if info.flag_bits & _ENCRYPTED:
                yield InputProblem(f"{archive.id}/{path}", "encrypted zip member")
                continue
            yield _member(archive, path, info.file_size, lambda info=info: opened.open(info))


def _tar(archive: Entry, handle: IO[bytes]) -> Iterator[Entry | InputProblem]:
    try:
        opened = tarfile.open(fileobj=handle, mode="r|*")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise Unreadable(f"not a tar archive: {error}") from None
    with opened:
        while (info := opened.next()) is not None:
            opened.members.clear()  # a streamed tarball still keeps every header read: memory would grow with it
            path = member_path(info.name)
            if not info.isfile() or _hidden(path):
                continue
            yield _member(archive, path, info.size, lambda info=info: closing(opened.extractfile(info)))


def _member(archive: Entry, path: str, size: int, open_member) -> Entry:
    parent = PurePosixPath(path).parent.name
    return Entry(
        id=f"{archive.id}/{path}",
        name=PurePosixPath(path).name,
        folder=parent or _stem(archive.name),
        size=size,
        open=open_member,
        archived=True,
    )


def _hidden(path: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(path).parts)


def _stem(name: str) -> str:
    """An archive's name without its archive suffix ("news.tar.gz" -> "news")."""
    lower = name.lower()
    for suffix in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name
