"""Raster tile sets in one file (MBTiles, PMTiles): what they hold, and their tiles unpacked to a folder.

The map draws tiles from files Streamlit serves (``static/``): a tile set is unpacked once into
``<folder>/{z}/{x}/{y}.<ext>``, the layout Leaflet's tile URLs name. MBTiles is SQLite (rows
counted from the south); PMTiles is read with the ``pmtiles`` package. Only raster tiles (PNG,
JPEG, WebP) can be drawn: Leaflet has no renderer for vector tiles here.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, MagicNumberNotFound, TileType

from geo.errors import BasemapUnusable

__all__ = ["TileSet", "read_mbtiles", "read_tileset", "unpack"]

logger = logging.getLogger(__name__)

RASTER_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
"""Tile formats a browser draws as images, and the file extension each is unpacked with."""
PMTILES_FORMATS = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
WORLD_BOUNDS = (-85.05112878, -180.0, 85.05112878, 180.0)
"""South, west, north, east of the whole Web Mercator world: a tile set that states no bounds."""


@dataclass(frozen=True, slots=True)
class TileSet:
    """What a tile file holds: its tiles' extension, zoom range, bounds and credits."""

    path: Path
    container: str
    """"mbtiles" or "pmtiles"."""
    extension: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    """South, west, north, east in degrees."""
    attribution: str | None
    name: str


def read_tileset(path: Path) -> TileSet:
    """The description of an MBTiles or PMTiles file of raster tiles.

    Raises ``BasemapUnusable`` for a missing file, another kind of file, or vector tiles.
    """
    if not path.is_file():
        raise BasemapUnusable(f"no tile file at {path}")
    suffix = path.suffix.lower()
    if suffix == ".mbtiles":
        return read_mbtiles(path)
    if suffix == ".pmtiles":
        return _pmtiles(path)
    raise BasemapUnusable(f"{path}: a basemap file is .mbtiles or .pmtiles")


def read_mbtiles(path: Path) -> TileSet:
    """The description of an MBTiles file (SQLite), whatever its name ends with."""
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            low, high = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.Error as error:
        raise BasemapUnusable(f"{path} is not an MBTiles file: {error}") from error
    kind = str(meta.get("format", "png")).lower()
    if kind not in RASTER_FORMATS:
        raise BasemapUnusable(f"{path} holds {kind} tiles; the map draws raster tiles (png, jpg, webp)")
    if low is None:
        raise BasemapUnusable(f"{path} holds no tiles")
    return TileSet(
        path, "mbtiles", RASTER_FORMATS[kind], int(low), int(high), _mbtiles_bounds(meta.get("bounds")),
        meta.get("attribution") or None, meta.get("name") or path.stem,
    )  # fmt: skip


def _mbtiles_bounds(text: str | None) -> tuple[float, float, float, float]:
    """MBTiles' "west,south,east,north" as (south, west, north, east)."""
    try:
        west, south, east, north = (float(part) for part in str(text).split(","))
    except ValueError:
        return WORLD_BOUNDS
    return (max(south, WORLD_BOUNDS[0]), west, min(north, WORLD_BOUNDS[2]), east)


def _pmtiles(path: Path) -> TileSet:
    try:
        with open(path, "rb") as handle:
            reader = Reader(MmapSource(handle))
            header = reader.header()
            meta = reader.metadata()
    except (MagicNumberNotFound, ValueError, OSError) as error:
        raise BasemapUnusable(f"{path} is not a PMTiles file: {error}") from error
    kind = header["tile_type"]
    if kind not in PMTILES_FORMATS:
        raise BasemapUnusable(f"{path} holds {kind.name} tiles; the map draws raster tiles (png, jpg, webp)")
    bounds = (
        header["min_lat_e7"] / 1e7, header["min_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7, header["max_lon_e7"] / 1e7
    )  # fmt: skip
    return TileSet(
        path, "pmtiles", PMTILES_FORMATS[kind], int(header["min_zoom"]), int(header["max_zoom"]), bounds,
        meta.get("attribution") or None, meta.get("name") or path.stem,
    )  # fmt: skip


def _tiles(tileset: TileSet) -> Iterator[tuple[int, int, int, bytes]]:
    """Every tile as (z, x, y from the north, image bytes)."""
    if tileset.container == "mbtiles":
        with sqlite3.connect(f"{tileset.path.resolve().as_uri()}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
            for zoom, column, row, data in rows:
                yield zoom, column, (1 << zoom) - 1 - row, data
        return
    with open(tileset.path, "rb") as handle:
        source = MmapSource(handle)
        gzipped = Reader(source).header()["tile_compression"] == Compression.GZIP
        for (zoom, x, y), data in all_tiles(source):
            yield zoom, x, y, gzip.decompress(data) if gzipped else data


def unpack(tileset: TileSet, target: Path) -> int:
    """Write every tile to ``target/{z}/{x}/{y}.<extension>`` (replacing the folder); how many."""
    shutil.rmtree(target, ignore_errors=True)
    count = 0
    for zoom, x, y, data in _tiles(tileset):
        folder = target / str(zoom) / str(x)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{y}.{tileset.extension}").write_bytes(data)
        count += 1
    logger.info("unpacked %d tiles of %s into %s", count, tileset.path, target)
    return count
