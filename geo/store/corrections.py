"""A reader's corrections: a name that resolved to the wrong place, fixed once, and fixed for good.

A correction sends a name to another place, or to none ("not a place"), in one of three scopes:
every article of the store (``name``), one article (``article``) or one mention (``mention``).
The narrower scope wins where several apply, then the newest. Corrections live in the store's
``corrections`` table; mentions keep the parser's own answer beside the one in effect, so
applying, narrowing and undoing are exact, and every later write (a re-ingest, a new article
naming the same place) applies them too. A place the gazetteer lacks can be added as a user
place (``user_places``) and chosen like any other.

Corrections travel as files (CSV or JSON, columns in ``FILE_COLUMNS``) so a team can share its
fixes; ``apply_to_parsed`` applies such a file to parsed articles outside any store.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb
import pandas as pd

from gazetteer import KINDS, Match, Place
from gazetteer.normalize import name_key
from geo.errors import CorrectionError
from geo.records import Mention, ParsedArticle
from geo.store.database import Store, place_key
from geo.store.effect import CORRECTED_SCORE, apply_in_transaction
from geo.store.schema import NEXT_GENERATION

__all__ = [
    "FILE_COLUMNS",
    "Correction",
    "Corrections",
    "ImportReport",
    "Scope",
    "apply_to_parsed",
    "read_corrections",
]

logger = logging.getLogger(__name__)

GEONAMES_SOURCE = "geonames"
"""Keys of GeoNames places are ``geonames:<geonameid>`` (``database.place_key``)."""
USER_SOURCE = "user"
"""The ``source`` of places a reader added (their keys are ``user:<kind>:<name>``)."""


class Scope(StrEnum):
    """Where a correction applies, narrowest last."""

    NAME = "name"
    ARTICLE = "article"
    MENTION = "mention"


_PRECEDENCE = {Scope.NAME: 1, Scope.ARTICLE: 2, Scope.MENTION: 3}


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction: ``place`` None means "not a place"."""

    name: str
    scope: Scope
    place: Place | None
    article_id: str | None = None
    start: int | None = None
    created_at: dt.datetime | None = None
    id: int | None = None
    from_place_key: str | None = None

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def applies_to(self, article_id: str, mention: Mention) -> bool:
        if name_key(mention.text) != self.name_key:
            return False
        if self.scope is Scope.NAME:
            return True
        return self.article_id == article_id and (self.scope is Scope.ARTICLE or self.start == mention.start)


FILE_COLUMNS = (
    "name", "scope", "article_id", "start", "not_a_place", "place_key", "place_name", "place_kind",
    "place_country_code", "place_admin1", "place_lat", "place_lon", "place_population", "place_geonameid",
    "created_at",
)  # fmt: skip
"""Columns of a corrections file (CSV header, or the keys of each JSON object): the name as written,
the scope, the article and offset for narrower scopes, and the target place in full, so a file is
self-contained."""


@dataclass(slots=True)
class ImportReport:
    """What importing a corrections file did."""

    added: int = 0
    unchanged: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    """One line per row that was refused (which row, why)."""
    unused: list[str] = dataclasses.field(default_factory=list)
    """Names no stored mention has yet: kept, they apply to later articles."""


class Corrections:
    """The corrections of one store."""

    def __init__(self, store: Store):
        self.store = store

    def correct(
        self,
        name: str,
        place: Place | None,
        *,
        scope: Scope = Scope.NAME,
        article_id: str | None = None,
        start: int | None = None,
    ) -> Correction:
        """Send ``name`` to ``place`` (None: "not a place") in ``scope``; applied at once.

        Raises ``CorrectionError`` when the scope lacks its article or offset, or no stored mention is
        in a narrow scope.
        """
        correction = Correction(name, Scope(scope), place, article_id, start, dt.datetime.now())
        self._check(correction)
        with self.store.connection() as db:
            db.execute("BEGIN TRANSACTION")
            try:
                if scope is not Scope.NAME and not self._has_mention(db, correction):
                    raise CorrectionError(f"no mention of {name!r} in article {article_id!r} to correct")
                stored = self._insert(db, correction)
                apply_in_transaction(db, self._affected(db, [correction]))
                db.execute(NEXT_GENERATION)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        logger.info("corrected %r (%s) -> %s", name, scope, place.name if place else "not a place")
        return stored

    def undo(self, correction_id: int) -> bool:
        """Remove a correction; its mentions go back to what applies without it. False if it is gone."""
        with self.store.connection() as db:
            db.execute("BEGIN TRANSACTION")
            try:
                row = db.execute(
                    "SELECT name, scope, article_id, start FROM corrections WHERE id = ?", [correction_id]
                ).fetchone()
                if row is None:
                    db.execute("ROLLBACK")
                    return False
                gone = Correction(row[0], Scope(row[1]), None, row[2], row[3])
                affected = self._affected(db, [gone])
                db.execute("DELETE FROM corrections WHERE id = ?", [correction_id])
                apply_in_transaction(db, affected)
                db.execute(NEXT_GENERATION)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return True

    def listed(self) -> pd.DataFrame:
        """Every correction, newest first: id, name, scope, article, offset, from and to (names), when."""
        with self.store.connection() as db:
            return db.execute(
                """
                SELECT c.id, c.name, c.scope, c.article_id, c.start, f.name AS from_place,
                       coalesce(t.name, '(not a place)') AS to_place, c.to_place_key, c.created_at
                FROM corrections c
                LEFT JOIN places f ON f.place_key = c.from_place_key
                LEFT JOIN places t ON t.place_key = c.to_place_key
                ORDER BY c.created_at DESC, c.id DESC
                """
            ).df()

    def unresolved(self, limit: int = 500) -> pd.DataFrame:
        """Names the parser recognised but placed nowhere (and no reader has fixed), most frequent first."""
        with self.store.connection() as db:
            return db.execute(
                f"""
                SELECT any_value(text) AS name, name_key, count(*) AS mentions, count(DISTINCT article_id) AS articles,
                       any_value(article_id) AS article_id, any_value(start) AS start
                FROM mentions WHERE place_key IS NULL AND (match IS NULL OR match <> '{Match.CORRECTED}')
                GROUP BY name_key ORDER BY mentions DESC, name LIMIT ?
                """,
                [limit],
            ).df()

    def add_user_place(self, name: str, kind: str, lat: float, lon: float, country_code: str | None = None) -> Place:
        """A place the gazetteer lacks, kept in this store (the same name and kind again moves it);
        choose it in ``correct`` like any other."""
        if kind not in KINDS:
            raise CorrectionError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise CorrectionError(f"not a point on the map: ({lat}, {lon})")
        if not name.strip():
            raise CorrectionError("a user place needs a name")
        place = Place(0, name.strip(), kind, USER_SOURCE, country_code, None, None, lat, lon, 0, None, USER_SOURCE)
        key = place_key(place)
        with self.store.connection() as db:
            db.execute("BEGIN TRANSACTION")
            try:
                db.execute(
                    "INSERT OR REPLACE INTO user_places VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [key, place.name, kind, country_code, lat, lon, dt.datetime.now()],
                )
                _upsert_place(db, key, place)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return place

    def export(self, path: Path) -> int:
        """Write every correction to a CSV or JSON file (by its suffix); returns how many."""
        with self.store.connection() as db:
            rows = db.execute(
                """
                SELECT c.name, c.scope, c.article_id, c.start, c.to_place_key IS NULL, c.to_place_key, p.name,
                       p.kind, p.country_code, p.admin1, p.lat, p.lon, p.population, p.geonameid, c.created_at
                FROM corrections c LEFT JOIN places p ON p.place_key = c.to_place_key
                ORDER BY c.created_at, c.id
                """
            ).fetchall()
        records = [dict(zip(FILE_COLUMNS, row)) for row in rows]
        for record in records:
            record["created_at"] = record["created_at"].isoformat(timespec="seconds")
        write_corrections(path, records)
        return len(records)

    def import_file(self, path: Path) -> ImportReport:
        """Add the corrections of a file (rows already stored count as unchanged); one transaction."""
        corrections, report = read_corrections(path)
        with self.store.connection() as db:
            db.execute("BEGIN TRANSACTION")
            try:
                added = []
                for correction in corrections:
                    if self._stored(db, correction):
                        report.unchanged += 1
                        continue
                    added.append(self._insert(db, correction))
                    if not db.execute(
                        "SELECT count(*) FROM mentions WHERE name_key = ?", [correction.name_key]
                    ).fetchone()[0]:
                        report.unused.append(correction.name)
                apply_in_transaction(db, self._affected(db, added))
                db.execute(NEXT_GENERATION)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        report.added = len(added)
        return report

    @staticmethod
    def _check(correction: Correction) -> None:
        if not correction.name_key:
            raise CorrectionError(f"nothing to correct in the name {correction.name!r}")
        if correction.scope is not Scope.NAME and not correction.article_id:
            raise CorrectionError(f"a correction for one {correction.scope} needs its article")
        if correction.scope is Scope.MENTION and correction.start is None:
            raise CorrectionError("a correction for one mention needs its offset")

    @staticmethod
    def _has_mention(db: duckdb.DuckDBPyConnection, correction: Correction) -> bool:
        query = "SELECT count(*) FROM mentions WHERE article_id = ? AND name_key = ?"
        params: list = [correction.article_id, correction.name_key]
        if correction.scope is Scope.MENTION:
            query += " AND start = ?"
            params.append(correction.start)
        return bool(db.execute(query, params).fetchone()[0])

    @staticmethod
    def _stored(db: duckdb.DuckDBPyConnection, correction: Correction) -> bool:
        key = place_key(correction.place) if correction.place is not None else None
        return bool(
            db.execute(
                """
                SELECT count(*) FROM corrections WHERE name_key = ? AND scope = ?
                  AND article_id IS NOT DISTINCT FROM ? AND start IS NOT DISTINCT FROM ?
                  AND to_place_key IS NOT DISTINCT FROM ?
                """,
                [correction.name_key, str(correction.scope), correction.article_id, correction.start, key],
            ).fetchone()[0]
        )

    @staticmethod
    def _insert(db: duckdb.DuckDBPyConnection, correction: Correction) -> Correction:
        to_key = None
        if correction.place is not None:
            to_key = place_key(correction.place)
            _upsert_place(db, to_key, correction.place)
        scope_filter, params = _scope_filter(correction)
        current = db.execute(f"SELECT any_value(place_key) FROM mentions WHERE {scope_filter}", params).fetchone()[0]
        row = db.execute(
            """
            INSERT INTO corrections (name, name_key, scope, article_id, start, from_place_key, to_place_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                correction.name, correction.name_key, str(correction.scope), correction.article_id, correction.start,
                current, to_key, correction.created_at or dt.datetime.now(),
            ],
        ).fetchone()  # fmt: skip
        return dataclasses.replace(correction, id=int(row[0]), from_place_key=current)

    @staticmethod
    def _affected(db: duckdb.DuckDBPyConnection, corrections: Iterable[Correction]) -> list[str]:
        """The articles whose mentions the corrections may change."""
        found: set[str] = set()
        for correction in corrections:
            scope_filter, params = _scope_filter(correction)
            found.update(
                row[0] for row in db.execute(f"SELECT DISTINCT article_id FROM mentions WHERE {scope_filter}", params)
                .fetchall()
            )  # fmt: skip
        return sorted(found)


def _scope_filter(correction: Correction) -> tuple[str, list]:
    if correction.scope is Scope.NAME:
        return "name_key = ?", [correction.name_key]
    if correction.scope is Scope.ARTICLE:
        return "name_key = ? AND article_id = ?", [correction.name_key, correction.article_id]
    return "name_key = ? AND article_id = ? AND start = ?", [
        correction.name_key,
        correction.article_id,
        correction.start,
    ]


def _upsert_place(db: duckdb.DuckDBPyConnection, key: str, place: Place) -> None:
    db.execute("DELETE FROM places WHERE place_key = ?", [key])
    db.execute(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, place.name, place.kind, place.subkind, place.country_code, place.admin1, place.lat, place.lon,
         place.population, place.geonameid],
    )  # fmt: skip


def write_corrections(path: Path, records: list[dict]) -> None:
    """Corrections as a file: JSON (a list of objects) for .json, else CSV with ``FILE_COLUMNS``."""
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(FILE_COLUMNS))
        writer.writeheader()
        writer.writerows(records)


def read_corrections(path: Path) -> tuple[list[Correction], ImportReport]:
    """The corrections of a file, and a report naming each row that could not be read (and why).

    Raises ``CorrectionError`` when the file itself cannot be read (missing, not CSV/JSON, no header).
    """
    report = ImportReport()
    try:
        if path.suffix.lower() == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(rows, list):
                raise CorrectionError(f"{path}: a corrections JSON file holds a list of objects")
        else:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or "name" not in reader.fieldnames:
                    raise CorrectionError(
                        f"{path}: no header with a 'name' column (columns: {', '.join(FILE_COLUMNS)})"
                    )
                rows = list(reader)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as error:
        raise CorrectionError(f"{path}: cannot read corrections: {error}") from error
    corrections = []
    for number, row in enumerate(rows, start=1):
        try:
            corrections.append(_correction(row))
        except (CorrectionError, KeyError, TypeError, ValueError) as error:
            report.problems.append(f"{path}#{number}: {error}")
    return corrections, report


def _correction(row: object) -> Correction:
    if not isinstance(row, dict):
        raise CorrectionError("not an object")
    name = str(row.get("name") or "").strip()
    scope = Scope(str(row.get("scope") or "name").strip())
    article_id = str(row.get("article_id") or "").strip() or None
    start = row.get("start")
    start = int(start) if start not in (None, "") else None
    created = row.get("created_at")
    created_at = dt.datetime.fromisoformat(str(created)) if created else None
    not_a_place = str(row.get("not_a_place", "")).strip().lower() in ("true", "1", "yes")
    place = None if not_a_place else _place(row)
    correction = Correction(name, scope, place, article_id, start, created_at)
    Corrections._check(correction)
    return correction


def _place(row: dict) -> Place:
    """The target place a file row describes in full (a place that no longer exists is refused)."""
    missing = [
        c for c in ("place_key", "place_name", "place_kind", "place_lat", "place_lon") if row.get(c) in (None, "")
    ]
    if missing:
        raise CorrectionError(f"the target place lacks {', '.join(missing)} (or say not_a_place)")
    kind = str(row["place_kind"])
    if kind not in KINDS:
        raise CorrectionError(f"unknown place kind {kind!r}")
    lat, lon = float(row["place_lat"]), float(row["place_lon"])
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise CorrectionError(f"not a point on the map: ({lat}, {lon})")
    source, _, rest = str(row["place_key"]).partition(":")
    geonameid = row.get("place_geonameid") or (rest if source == GEONAMES_SOURCE else None)
    return Place(
        0, str(row["place_name"]), kind, source, str(row.get("place_country_code") or "") or None,
        str(row.get("place_admin1") or "") or None, None, lat, lon, int(float(row.get("place_population") or 0)),
        int(float(geonameid)) if geonameid not in (None, "") else None, source,
    )  # fmt: skip


def apply_to_parsed(parsed: ParsedArticle, corrections: list[Correction]) -> ParsedArticle:
    """A parsed article with corrections applied to its mentions, as the store would apply them."""
    if not corrections:
        return parsed
    mentions = []
    for mention in parsed.mentions:
        applying = [c for c in corrections if c.applies_to(parsed.article.id, mention)]
        if not applying:
            mentions.append(mention)
            continue
        best = max(
            enumerate(applying),
            key=lambda item: (_PRECEDENCE[item[1].scope], item[1].created_at or dt.datetime.min, item[0]),
        )[1]
        mentions.append(dataclasses.replace(mention, place=best.place, match=Match.CORRECTED, score=CORRECTED_SCORE))
    return dataclasses.replace(parsed, mentions=tuple(mentions))
