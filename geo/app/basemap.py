"""The map's basemap: the bundled offline tiles, and a better one where a reader has it.

By default the map draws the OpenStreetMap tiles bundled with the app (zoom 0-6, see
``geo.app.assets``). ``DATELINE_TILES`` adds a finer basemap over them:

- a local MBTiles or PMTiles file of raster tiles (a regional extract, say), unpacked once into
  the served folder like the bundled tiles; nothing is fetched from the network;
- or a tile URL template (``https://tiles.example.org/{z}/{x}/{y}.png``) with its attribution
  in ``DATELINE_TILES_ATTRIBUTION``: the one setting under which the browser fetches tiles from
  the network.

A setting that cannot be used is reported (``Basemap.problem``) and the bundled tiles stay.
"""

from __future__ import annotations

import hashlib
import html
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo.app.assets import MAX_NATIVE_ZOOM, TILE_ATTRIBUTION, URL_PREFIX, asset_url
from geo.app.tilesets import read_tileset, unpack
from geo.errors import BasemapUnusable

__all__ = ["ATTRIBUTION_ENV", "TILES_ENV", "Basemap", "TileLayer", "bundled", "configured"]

logger = logging.getLogger(__name__)

TILES_ENV = "DATELINE_TILES"
ATTRIBUTION_ENV = "DATELINE_TILES_ATTRIBUTION"
OVERZOOM = 1
"""Zoom levels past a basemap's finest tiles that the map still offers, drawing those tiles
enlarged: at twice their size labels stay legible, at four times the basemap is a blur."""
URL_MAX_NATIVE_ZOOM = 18
"""The finest zoom assumed for a tile URL: what OpenStreetMap-style raster tile servers offer."""
UNPACKED = "basemap"
"""The folder under the served static folder that user tile files are unpacked into."""
COMPLETE = ".complete"
"""Written into an unpacked folder last: a folder without it was interrupted and is unpacked again."""
STAMP_CHARS = 12


@dataclass(frozen=True, slots=True)
class TileLayer:
    """One tile layer of the basemap, as Leaflet's ``TileLayer`` takes it."""

    url: str
    attribution: str
    """HTML for the map's attribution line (escaped where it comes from a setting or a file)."""
    max_native_zoom: int
    name: str
    min_native_zoom: int = 0
    bounds: tuple[float, float, float, float] | None = None
    """South, west, north, east: no tiles are asked for outside (None: the whole world)."""


@dataclass(frozen=True, slots=True)
class Basemap:
    """The basemap's layers, drawn bottom first, and why a configured one was not used."""

    layers: tuple[TileLayer, ...]
    problem: str | None = None

    @property
    def max_zoom(self) -> int:
        """The finest zoom the map offers: a level past the finest tiles, no more."""
        return max(layer.max_native_zoom for layer in self.layers) + OVERZOOM


def bundled(url_prefix: str = URL_PREFIX) -> TileLayer:
    """The offline OpenStreetMap tiles that ship with the app."""
    return TileLayer(
        asset_url("tiles", "{z}", "{x}", "{y}.png", prefix=url_prefix), TILE_ATTRIBUTION, MAX_NATIVE_ZOOM,
        "OpenStreetMap (offline)",
    )  # fmt: skip


def configured(
    setting: str | None, attribution: str | None, static_dir: Path, *, url_prefix: str = URL_PREFIX
) -> Basemap:
    """The basemap for a ``DATELINE_TILES`` setting (None or blank: the bundled tiles alone).

    :param setting: a tile file's path, or a tile URL template with ``{z}``, ``{x}`` and ``{y}``.
    :param attribution: the credit line to show (needed for a URL; a file's own credit otherwise).
    :param static_dir: the folder Streamlit serves at ``url_prefix``; files are unpacked under it.
    """
    base = bundled(url_prefix)
    if not setting or not setting.strip():
        return Basemap((base,))
    try:
        extra = _from_url(setting.strip(), attribution) if _is_url(setting) else _from_file(
            Path(setting.strip()).expanduser(), attribution, static_dir, url_prefix
        )
    except BasemapUnusable as error:
        logger.warning("%s=%s cannot be used: %s", TILES_ENV, setting, error)
        return Basemap((base,), problem=str(error))
    return Basemap((base, extra))


def _is_url(setting: str) -> bool:
    return setting.strip().lower().startswith(("http://", "https://"))


def _from_url(url: str, attribution: str | None) -> TileLayer:
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in url]
    if missing:
        raise BasemapUnusable(f"a tile URL names the tile with {{z}}, {{x}} and {{y}}; {', '.join(missing)} missing")
    if not attribution or not attribution.strip():
        raise BasemapUnusable(f"a tile URL needs its attribution (the credit its licence asks) in {ATTRIBUTION_ENV}")
    return TileLayer(url, html.escape(attribution.strip()), URL_MAX_NATIVE_ZOOM, "Tiles from " + url.split("/")[2])


def _from_file(path: Path, attribution: str | None, static_dir: Path, url_prefix: str) -> TileLayer:
    tileset = read_tileset(path)
    stamp = _stamp(path)
    target = static_dir / UNPACKED / stamp
    if not (target / COMPLETE).exists():
        for stale in (static_dir / UNPACKED).glob("*"):
            shutil.rmtree(stale, ignore_errors=True)
        unpack(tileset, target)
        (target / COMPLETE).write_text(str(path.resolve()))
    credit = attribution or tileset.attribution or tileset.name
    return TileLayer(
        asset_url(UNPACKED, stamp, "{z}", "{x}", f"{{y}}.{tileset.extension}", prefix=url_prefix),
        html.escape(credit), tileset.max_zoom, tileset.name, tileset.min_zoom, tileset.bounds,
    )  # fmt: skip


def _stamp(path: Path) -> str:
    """Names one version of a tile file: its path, size and modification time."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(key.encode()).hexdigest()[:STAMP_CHARS]
