"""Peak memory of reading archives of growing size: it should stay flat (members are streamed).

    python benchmarks/archive_memory.py [--sizes 200,800] [--formats zip,tar,tar.gz,warc.gz,jsonl] [--stored]
                                        [--words 600]

For each size (MB of archive on disk) and format, writes a temporary archive of generated news-like
articles (words drawn at random; WARC records hold them as small web pages), then reads it in a
fresh subprocess with ``geo.input.read.read_inputs`` (every article read, cleaned and dated, then
dropped) and prints the subprocess's peak RSS and its time. A flat peak across sizes means memory
does not grow with the archive. ``--stored`` writes zip members uncompressed: the most members a
given size of zip can hold without a day of reading (the zip's directory is read whole on opening).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import itertools
import json
import random
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARTICLE_WORDS = 600
"""Words an article: a long news story."""
BATCH = 200
"""Articles written between two checks of the archive's size."""
_WORDS = (
    "shelling continued near the city overnight officials said residents sheltered in basements while "
    "trains left for the west and volunteers handed out food the mayor reported damage to homes schools "
    "bridges power lines regional authorities announced a curfew from ten in the evening negotiators met "
    "again on Monday the ministry said talks would resume after a pause"
).split()
_PLACES = ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro", "Mykolaiv", "Sumy", "Poltava", "Chernihiv", "Kherson")


BODIES = 1000
"""Distinct article bodies drawn once and reused (articles differ in title, date and body drawn)."""


@functools.cache
def _bodies(words_each: int) -> tuple[str, ...]:
    rng = random.Random(0)
    bodies = []
    for _ in range(BODIES):
        words = [rng.choice(_PLACES) if rng.random() < 0.03 else rng.choice(_WORDS) for _ in range(words_each)]
        sentences = [" ".join(words[i : i + 20]).capitalize() + "." for i in range(0, len(words), 20)]
        bodies.append("\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)))
    return tuple(bodies)


def _article(rng: random.Random, number: int, words: int) -> str:
    body = rng.choice(_bodies(words))
    return f"Report {number} from {rng.choice(_PLACES)}\n\nPublished: 2022-03-{number % 28 + 1:02d}\n\n{body}\n"


def _page(text: str) -> bytes:
    """`text` as a small saved news page."""
    title, _, body = text.partition("\n\n")
    paragraphs = "".join(f"<p>{part}</p>" for part in body.split("\n\n"))
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article>"
        f"</body></html>"
    ).encode("utf-8")


def _warc_record(number: int, page: bytes) -> bytes:
    """One WARC response record holding `page` (the shape a crawler writes)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: https://news.example/{number}.html\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        "WARC-Date: 2022-03-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    )
    return headers.encode("ascii") + http + b"\r\n\r\n"


def build(folder: Path, megabytes: int, fmt: str, stored: bool = False, words: int = ARTICLE_WORDS) -> Path:
    """An archive of about `megabytes` MB on disk in `folder` (zip members uncompressed if `stored`)."""
    rng = random.Random(megabytes)
    target = megabytes * 1_000_000
    path = folder / f"corpus-{megabytes}.{fmt}"
    numbers = itertools.count(1)
    if fmt == "zip":
        compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w", compression, compresslevel=None if stored else 1) as archive:
            while path.stat().st_size < target:
                for number in itertools.islice(numbers, BATCH):
                    archive.writestr(f"{number // 1000:04d}/{number}.txt", _article(rng, number, words))
    elif fmt in ("tar", "tar.gz"):
        options = {"mode": "w:gz", "compresslevel": 1} if fmt == "tar.gz" else {"mode": "w"}
        with tarfile.open(path, **options) as archive:
            while path.stat().st_size < target:
                for number in itertools.islice(numbers, BATCH):
                    data = _article(rng, number, words).encode("utf-8")
                    info = tarfile.TarInfo(f"{number // 1000:04d}/{number}.txt")
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
    elif fmt == "warc.gz":
        with path.open("wb") as handle:
            while handle.tell() < target:
                for number in itertools.islice(numbers, BATCH):
                    handle.write(gzip.compress(_warc_record(number, _page(_article(rng, number, words))), 1))
    else:
        with path.open("w", encoding="utf-8") as handle:
            while handle.tell() < target:
                number = next(numbers)
                handle.write(json.dumps({"id": str(number), "text": _article(rng, number, words)}) + "\n")
    return path


def measure(path: Path) -> dict:
    """Read the archive in a fresh process; its article count, peak RSS and times."""
    script = (
        "import json, resource, sys, time; from geo.input.read import read_inputs; from geo.records import Article\n"
        "started = time.perf_counter(); articles = problems = 0\n"
        f"for item in read_inputs([{str(path)!r}]):\n"
        "    articles += isinstance(item, Article); problems += not isinstance(item, Article)\n"
        "print(json.dumps({'articles': articles, 'problems': problems, 'seconds': time.perf_counter() - started,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,800", help="archive sizes in MB, comma-separated")
    parser.add_argument("--formats", default="zip,tar.gz", help="zip, tar, tar.gz, warc.gz and/or jsonl")
    parser.add_argument("--stored", action="store_true", help="zip members uncompressed")
    parser.add_argument("--words", type=int, default=ARTICLE_WORDS, help="words an article (fewer, longer members)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="dateline-archive-memory-"))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of reading an archive (this driver itself: {baseline:.0f} MB)")
    try:
        for fmt in args.formats.split(","):
            for megabytes in (int(size) for size in args.sizes.split(",")):
                started = time.perf_counter()
                path = build(folder, megabytes, fmt, args.stored, args.words)
                built = time.perf_counter() - started
                result = measure(path)
                print(
                    f"  {fmt:<7} {path.stat().st_size / 1e6:7.0f} MB: {result['articles']:>8,} articles,"
                    f" {result['problems']} problems, peak RSS {result['peak_rss_mb']:6.0f} MB,"
                    f" read in {result['seconds']:6.1f} s (built in {built:.0f} s)",
                    flush=True,
                )
                path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
