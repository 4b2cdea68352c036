"""Helpers for driving the real dashboard in headless Chromium (tests/test_browser.py and
benchmarks/dashboard.py): start ``streamlit run dashboard.py`` on a free port, launch the system
Chromium offline, and find, count and click the map's markers the way a person sees them.

Nothing here imports Playwright at module level, so the tests can skip or fail cleanly when it is
missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("DATELINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1100}

APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKER = "path.leaflet-interactive"
MARKER_OR_CLUSTER = "path.leaflet-interactive, .dl-cluster"

# JavaScript run inside the map's frame (``window.map`` is the Leaflet map). Markers are
# CircleMarkers with a DOM-span tooltip "<Place> — N mention(s)".
_TOOLTIP_TEXT = """
    const tooltipText = (layer) => {
        const tip = layer.getTooltip && layer.getTooltip();
        if (!tip) return null;
        const content = tip.getContent();
        return typeof content === 'string' ? content : content.textContent;
    };
"""
JS_SHOWN_MARKERS = (
    "(inView) => {" + _TOOLTIP_TEXT + """
    if (!window.map) return null;
    const bounds = window.map.getBounds();
    return Object.values(window.map._layers)
        .filter(l => l._path && l._path.isConnected && tooltipText(l) !== null)
        .filter(l => !inView || bounds.contains(l.getLatLng()))
        .map(tooltipText).sort();
}"""
)
"""Tooltip texts of the place markers drawn now (not those hidden in clusters), sorted; with a true
argument only those inside the visible map (Leaflet also draws a margin around it)."""

JS_ALL_PLACES = (
    "() => {" + _TOOLTIP_TEXT + """
    if (!window.map) return null;
    const names = [];
    for (const layer of Object.values(window.map._layers)) {
        if (window.L && L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) {
            for (const m of layer.getLayers()) { const t = tooltipText(m); if (t !== null) names.push(t); }
        }
    }
    return names.sort();
}"""
)
"""Tooltip texts of every place in the places layer (clustered or not, on screen or not)."""

JS_MARK_PLACE = (
    "(name) => {" + _TOOLTIP_TEXT + """
    if (!window.map) return null;
    for (const layer of Object.values(window.map._layers)) {
        const text = tooltipText(layer);
        if (layer._path && text !== null && text.startsWith(name + ' —')) {
            if (!window.map.getBounds().pad(-0.1).contains(layer.getLatLng())) {
                window.map.panTo(layer.getLatLng(), {animate: false});  // as a person would, first
                return 'panned';
            }
            layer._path.setAttribute('data-place', name);
            return text;
        }
    }
    return null;
}"""
)
"""Tag the drawn marker of a place with ``data-place`` so Playwright can click it, and return its
tooltip text; "panned" when the marker was off-screen and the map was moved to it (call again);
null when the place has no drawn marker."""

JS_CLUSTER_ICONS = "() => document.querySelectorAll('.dl-cluster').length"


# ---------------------------------------------------------------------------- environment


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(probe: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.1, what: str = "") -> Any:
    """Call ``probe`` until it returns something truthy; that value, or AssertionError at the timeout.

    Exceptions from the probe (a frame swapped mid-call, say) count as "not yet".
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
        except Exception as error:  # noqa: BLE001 - a remounting frame raises; try again
            last = error
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or probe}; last: {last!r}")
        time.sleep(interval)


# ---------------------------------------------------------------------------- the server


class Server:
    """``streamlit run dashboard.py`` (or another app ``script``) on a free port, on the store file
    given, in its own process group, from the project folder (its ``.streamlit/config.toml``)."""

    def __init__(
        self,
        db: Path,
        log: Path,
        *,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
        script: Path = ROOT / "dashboard.py",
    ):
        self.db, self.log_path, self.script = Path(db), Path(log), Path(script)
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {**os.environ, "DATELINE_DB": str(self.db), "PYTHONUNBUFFERED": "1", **self.extra_env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(self.script),
                "--server.headless", "true", "--server.port", str(self.port),
                "--global.e2eTest", "true", "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false",
            ],  # fmt: skip
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds until ``/_stcore/health`` answered "ok"; RuntimeError (with the log) if it never does."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def copy_store(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


# ---------------------------------------------------------------------------- the browser


def launch_chromium(playwright, user_data_dir: Path | None = None):
    """The system Chromium, headless and offline-friendly; a Browser, or a persistent BrowserContext
    when ``user_data_dir`` is given."""
    if user_data_dir is not None:
        return playwright.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def map_locator(page, selector: str = ".leaflet-container"):
    """A locator inside the map's iframe (re-resolved on every use, so it survives remounts)."""
    return page.frame_locator(MAP_IFRAME).locator(selector).first


def map_frame(page, timeout: float = 60.0):
    """The map iframe's current Frame."""
    handle = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout * 1000)
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("the map iframe has no content frame")
    return frame


def map_eval(page, script: str, arg: Any = None) -> Any:
    """Evaluate ``script`` (a function of one argument) in the map frame."""
    return map_frame(page, timeout=30).evaluate(script, arg)


def open_app(page, url: str, *, timeout: float = 90.0, marker: str = MARKER) -> dict[str, float]:
    """Navigate to the app and wait for markers; seconds from navigation to each milestone.

    ``marker`` is what counts as the first marker (``MARKER_OR_CLUSTER`` for clustered maps).
    """
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    page.wait_for_selector(APP_CONNECTED, timeout=timeout * 1000)
    connected = time.perf_counter() - started
    page.frame_locator(MAP_IFRAME).locator(marker).first.wait_for(state="visible", timeout=timeout * 1000)
    first_marker = time.perf_counter() - started
    return {"connected_s": connected, "first_marker_s": first_marker}


def shown_markers(page, in_view: bool = False) -> list[str]:
    """Tooltip texts of the markers drawn now (what a person can hover), sorted."""
    return map_eval(page, JS_SHOWN_MARKERS, in_view) or []


def all_places(page) -> list[str]:
    """Tooltip texts of every place in the map's places layer."""
    return map_eval(page, JS_ALL_PLACES) or []


def place_names(texts: list[str]) -> set[str]:
    return {text.split(" — ")[0] for text in texts}


def click_place(page, name: str, *, timeout: float = 20.0) -> str:
    """Click the drawn marker of a place with the mouse at its centre, as a person would; its tooltip text."""

    page.locator(MAP_IFRAME).scroll_into_view_if_needed()

    def tag_and_click() -> str | None:
        frame = map_frame(page, timeout=10)
        text = frame.evaluate(JS_MARK_PLACE, name)
        if not text or text == "panned":
            return None
        box = frame.locator(f'path[data-place="{name}"]').bounding_box(timeout=5000)
        if box is None:
            return None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        return text

    return eventually(tag_and_click, timeout=timeout, interval=0.3, what=f"a marker for {name}")


def summary(page) -> str | None:
    """The caption "N places · M mentions · K articles ..." under the date slider."""
    texts = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                 .map(e => e.innerText).filter(t => t.includes('places ·'))"""
    )
    return texts[0] if texts else None


def script_idle(page) -> bool:
    return page.locator('[data-test-script-state="notRunning"]').count() > 0 and page.locator(
        '[data-testid="stSkeleton"]'
    ).count() == 0


def connection_error(page) -> str | None:
    """The text of Streamlit's "Connection error" dialog when it is showing: the page has stopped
    following the server, and waiting for it is pointless."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[role="dialog"]')]
                .map(e => e.innerText.trim()).find(t => t.startsWith('Connection error')) || null"""
    )


def wait_idle(page, timeout: float = 30.0) -> None:
    """Wait for the script run to end; fail at once, with the dialog's words, on a connection error."""
    ended = eventually(
        lambda: connection_error(page) or script_idle(page), timeout=timeout, what="the script to finish"
    )
    if isinstance(ended, str):
        raise AssertionError(f"the page lost its server: {ended}")


def slider_thumb(page, name: str):
    """The visible thumb of a slider handle (its hidden <input role=slider> is named ``name``)."""
    return page.get_by_role("slider", name=name).locator("xpath=../..")


def slider_labels(page, label: str = "Dates") -> list[str]:
    """The values a person reads on a slider's thumbs."""
    return page.evaluate(
        """(label) => {
            for (const s of document.querySelectorAll('[data-testid="stSlider"]')) {
                if (s.innerText.trim().startsWith(label))
                    return [...s.querySelectorAll('[data-testid="stSliderThumbValue"]')].map(e => e.innerText.trim());
            }
            return [];
        }""",
        label,
    )


def alerts(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stAlert"]')].map(e => e.innerText)""")


def is_local(url: str, port: int) -> bool:
    """True for URLs that stay on this machine's app server, or never touch the network at all."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return True
    if parts.scheme == "about":
        return url in ("about:blank", "about:srcdoc")
    return (
        parts.scheme in ("http", "https", "ws", "wss")
        and parts.hostname in ("localhost", "127.0.0.1", "::1")
        and parts.port == port
    )


# ---------------------------------------------------------------------------- tables and the map's view

TABLE_ROW_PX = 35
"""Height of a header or body row of Streamlit's data grid (a canvas; its accessible twin is a table)."""
TICK_COLUMN_PX = 16
"""Distance of the row-selection checkbox from the grid's left edge."""


def table_rows(page, table: int = 0) -> list[str]:
    """The first column of a data grid's rows, top to bottom, as its accessible table has them."""
    return page.evaluate(
        """(n) => { const grid = document.querySelectorAll('[data-testid="stDataFrame"]')[n];
            return grid ? [...grid.querySelectorAll('tbody tr')].map(r => r.querySelector('td').innerText) : []; }""",
        table,
    )


def ticked(page, table: int = 0) -> list[str]:
    """The first column of the ticked rows of a data grid."""
    return page.evaluate(
        """(n) => { const grid = document.querySelectorAll('[data-testid="stDataFrame"]')[n];
            return grid ? [...grid.querySelectorAll('tbody tr[aria-selected="true"]')]
                .map(r => r.querySelector('td').innerText) : []; }""",
        table,
    )


def tick(page, name: str, table: int = 0) -> None:
    """Click the checkbox of the row whose first column is ``name`` (the row must be in the grid's view)."""
    rows = table_rows(page, table)
    index = rows.index(name)
    grid = page.locator('[data-testid="stDataFrame"]').nth(table)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + TICK_COLUMN_PX, box["y"] + TABLE_ROW_PX * (index + 1) + TABLE_ROW_PX / 2)


def map_view(page) -> dict:
    """The map's centre and zoom now."""
    return map_eval(page, "() => ({lat: map.getCenter().lat, lng: map.getCenter().lng, zoom: map.getZoom()})")


JS_MARKER_POINTS = (
    "(name) => {" + _TOOLTIP_TEXT + """
    const points = [];
    for (const layer of Object.values(window.map._layers)) {
        if (window.L && L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) {
            for (const m of layer.getLayers()) {
                const t = tooltipText(m);
                if (t !== null && t.startsWith(name + ' —')) points.push([m.getLatLng().lat, m.getLatLng().lng]);
            }
        }
    }
    return points;
}"""
)
"""Where the map draws the markers of places of a name (clustered or not)."""


def marker_points(page, name: str) -> list[list[float]]:
    return map_eval(page, JS_MARKER_POINTS, name) or []


def network_attempts(log: Path) -> list[str]:
    """The lines the audit hook (tests/network_audit/sitecustomize.py) wrote: one per attempt to reach another host."""
    return log.read_text().splitlines() if log.exists() else []


NETWORK_AUDIT = ROOT / "tests" / "network_audit"
"""Put on a server's PYTHONPATH with DATELINE_NETWORK_LOG set: every non-loopback socket attempt is logged."""
