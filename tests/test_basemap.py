"""The basemap setting: a reader's MBTiles or PMTiles file unpacked beside the bundled tiles, or a tile
URL with its attribution; anything unusable reported, the bundled tiles kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pmtiles.convert import mbtiles_to_pmtiles

from geo.app import basemap, tilesets, webmap
from geo.app.assets import _mbtiles
from geo.errors import BasemapUnusable

REGION = "30.0,44.0,41.0,53.0"
"""West, south, east, north of the fixture tile set (around Ukraine)."""


def _mbtiles_file(path: Path, *, kind: str = "png", zooms: int = 2, attribution: str | None = "© Test Maps") -> Path:
    """A small MBTiles file with the bundled basemap's tiles of zoom 0 to ``zooms - 1``."""
    with sqlite3.connect(f"file:{_mbtiles()}?mode=ro", uri=True) as source:
        tiles = source.execute("SELECT * FROM tiles WHERE zoom_level < ?", [zooms]).fetchall()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        meta = {"name": "Test region", "format": kind, "bounds": REGION, "minzoom": "0", "maxzoom": str(zooms - 1)}
        if attribution:
            meta["attribution"] = attribution
        db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", tiles)
    return path


def test_an_mbtiles_file_is_described_and_unpacked_north_up(tmp_path):
    tileset = tilesets.read_tileset(_mbtiles_file(tmp_path / "region.mbtiles"))
    assert (tileset.min_zoom, tileset.max_zoom, tileset.extension) == (0, 1, "png")
    assert tileset.bounds == (44.0, 30.0, 53.0, 41.0) and tileset.attribution == "© Test Maps"
    assert tilesets.unpack(tileset, tmp_path / "out") == 5
    assert (tmp_path / "out" / "0" / "0" / "0.png").read_bytes()[:4] == b"\x89PNG"
    with sqlite3.connect(tmp_path / "region.mbtiles") as db:  # MBTiles rows count from the south
        north_west = db.execute("SELECT tile_data FROM tiles WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 1")
        assert (tmp_path / "out" / "1" / "0" / "0.png").read_bytes() == north_west.fetchone()[0]


def test_a_pmtiles_file_is_read_like_its_mbtiles(tmp_path):
    source = _mbtiles_file(tmp_path / "region.mbtiles")
    mbtiles_to_pmtiles(str(source), str(tmp_path / "region.pmtiles"), 1)
    tileset = tilesets.read_tileset(tmp_path / "region.pmtiles")
    assert (tileset.container, tileset.min_zoom, tileset.max_zoom, tileset.extension) == ("pmtiles", 0, 1, "png")
    assert tileset.bounds == pytest.approx((44.0, 30.0, 53.0, 41.0))
    assert tilesets.unpack(tileset, tmp_path / "out") == 5
    tilesets.unpack(tilesets.read_tileset(source), tmp_path / "expected")
    for tile in (tmp_path / "expected").rglob("*.png"):
        assert (tmp_path / "out" / tile.relative_to(tmp_path / "expected")).read_bytes() == tile.read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("missing.mbtiles", None, "no tile file"),
        ("notes.txt", lambda p: p.write_text("hello"), ".mbtiles or .pmtiles"),
        ("broken.pmtiles", lambda p: p.write_bytes(b"not a tile set at all"), "not a PMTiles file"),
        ("vector.mbtiles", lambda p: _mbtiles_file(p, kind="pbf"), "raster tiles"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    if make:
        make(path)
    with pytest.raises(BasemapUnusable, match=reason):
        tilesets.read_tileset(path)


def test_without_a_setting_the_bundled_tiles_alone(tmp_path):
    chosen = basemap.configured(None, None, tmp_path)
    assert [layer.name for layer in chosen.layers] == ["OpenStreetMap (offline)"] and chosen.max_zoom == 7
    assert chosen.problem is None


def test_a_tile_file_is_unpacked_once_and_drawn_over_the_bundled_tiles(tmp_path):
    source = _mbtiles_file(tmp_path / "region.mbtiles", zooms=3, attribution="<b>Test</b> Maps")
    static = tmp_path / "static"
    chosen = basemap.configured(str(source), None, static)
    assert chosen.problem is None and len(chosen.layers) == 2 and chosen.max_zoom == 7
    layer = chosen.layers[1]
    assert layer.url.startswith("/app/static/basemap/") and layer.url.endswith("/{z}/{x}/{y}.png")
    assert layer.attribution == "&lt;b&gt;Test&lt;/b&gt; Maps" and layer.bounds == (44.0, 30.0, 53.0, 41.0)
    folder = static / "basemap" / layer.url.split("/")[4]
    assert (folder / "2" / "0" / "0.png").exists() and (folder / basemap.COMPLETE).exists()
    (folder / "2" / "0" / "0.png").unlink()
    assert basemap.configured(str(source), None, static).layers[1] == layer
    assert not (folder / "2" / "0" / "0.png").exists()  # not unpacked again
    page = "".join(webmap.base_map(chosen).get_root().render().split())
    assert layer.url in page and '"bounds":[[44.0,30.0,],[53.0,41.0,],]' in page


def test_a_tile_url_needs_its_placeholders_and_attribution(tmp_path):
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    chosen = basemap.configured(url, "© Example", tmp_path)
    assert chosen.layers[1].url == url and chosen.layers[1].attribution == "© Example"
    assert chosen.max_zoom == basemap.URL_MAX_NATIVE_ZOOM + basemap.OVERZOOM
    assert "attribution" in basemap.configured(url, None, tmp_path).problem
    assert "{y}" in basemap.configured("https://tiles.example.org/{z}/{x}.png", "© Example", tmp_path).problem


def test_an_unusable_setting_keeps_the_bundled_tiles_and_says_why(tmp_path):
    chosen = basemap.configured(str(tmp_path / "nowhere.pmtiles"), None, tmp_path)
    assert len(chosen.layers) == 1 and "no tile file" in chosen.problem
