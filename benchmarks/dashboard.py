"""Dashboard speed: script reruns, page loads, map interactions, first start. Prints figures.

    python benchmarks/dashboard.py [--runs 3] [--sizes seeds,20000,50000] [--places 5000]
                                   [--no-browser] [--no-first-start] [--rebuild] [--cache DIR]

Stores are built with the real pipeline types (``Store.ingest`` of ``ParsedArticle``/``Mention``)
from real gazetteer places: ``seeds`` is the five sample articles parsed for real; a number is
that many synthetic mentions over ``--places`` real places (countries, regions, the most populous
cities), in sentence-built articles of ~20 mentions spread over 60 days. They are cached in
``--cache`` (default /tmp/dateline-bench) and rebuilt with ``--rebuild``.

Figures (each the median of ``--runs`` runs; the machine is shared, so look at the spread too):
  * script: one Streamlit run of dashboard.py after a date-range change (AppTest, in this
    process), against the bare folium render of the same places (baseline) and its parts (the
    view's queries, the places layer, the timeline); a place's sentences (what a marker click
    asks the server for); a search; a CSV export; a correction of a name in every article, to
    the map's places and layer drawn again (and its undo);
  * browser (the tests' headless Chromium): cold server start to first marker, warm server
    to first marker in a new browser context (baseline: ``bare_map_app.py``, a page of only the
    same map, what Streamlit and streamlit-folium cost alone), slider key press to the caption changing;
  * at the largest size: drawn clusters, pan, zoom, and a marker click to its panel;
  * the Streamlit server's peak memory over the warm visits;
  * first start on an empty store: time to first marker, and whether a progress indicator showed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import browser_support as bs  # noqa: E402
from pipeline import _MemorySampler  # noqa: E402

from gazetteer import Gazetteer, Place  # noqa: E402
from geo.app import view, webmap  # noqa: E402
from geo.app.widgets.data import KEEP_OPEN_SECONDS  # noqa: E402
from geo.records import Article, Mention, ParsedArticle, content_hash  # noqa: E402
from geo.store.database import Store, place_key  # noqa: E402
from geo.store.queries import Filters, StoreReader  # noqa: E402

TARGETS = {
    "warm_first_marker_s": 3.0, "rerun_s": 0.5, "sentences_s": 1.0, "search_s": 1.0, "server_memory_mb": 1024,
    "correction_s": 1.0,
}  # fmt: skip
_SEARCH_WORDS = ("governor", "water bread", "railway", "ceasefire")
"""Words the synthetic articles use (see ``_SENTENCES``)."""
FIRST_DAY = dt.date(2022, 2, 1)
DAYS = 60
MENTIONS_PER_ARTICLE = 20
STORE_VERSION = 3
"""Bumped when the store's schema changes: cached benchmark stores of older versions are rebuilt."""

_SENTENCES = [
    "Officials in {p} said on {day} that emergency crews were still clearing debris from the night's strikes.",
    "Residents of {p} queued for water and bread as the power stayed off for a third day.",
    "The governor of {p} warned of further shelling and urged people to stay near shelters.",
    "Trains from {p} to {q} were running hours late, the railway company said.",
    "Aid convoys reached {p} on {day}, according to the local council, after two failed attempts.",
    "Talks between delegations meeting in {p} ended without agreement on a ceasefire.",
    "Reporters in {p} counted dozens of damaged buildings along the main road to {q}.",
    "Fuel prices in {p} rose sharply after the port closed, traders said.",
    "Volunteers drove medicines from {p} towards {q} overnight.",
    "A spokesman in {p} denied reports that troops had withdrawn from {q}.",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Browser-side timings, measured in the map's frame with performance.now() up to the next paint.
JS_PAN = """async ([dx, dy]) => {
    const m = window.map, t0 = performance.now();
    await new Promise(done => { m.once('moveend', done); m.panBy([dx, dy], {animate: false}); });
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return performance.now() - t0;
}"""
JS_ZOOM = """async (delta) => {
    const m = window.map, t0 = performance.now();
    await new Promise(done => { m.once('moveend', done); m.setZoom(m.getZoom() + delta, {animate: false}); });
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return performance.now() - t0;
}"""
JS_SET_VIEW = """([lat, lon, zoom]) => new Promise(done => {
    window.map.once('moveend', () => requestAnimationFrame(() => requestAnimationFrame(done)));
    window.map.setView([lat, lon], zoom, {animate: false});
})"""
JS_PROGRESS_WATCH = """
if (window.top === window) {
    window.__progress = [];
    const seen = (text) => { if (text && !window.__progress.includes(text)) window.__progress.push(text); };
    new MutationObserver(() => {
        for (const e of document.querySelectorAll('[data-testid="stProgress"]'))
            seen('progress: ' + e.innerText.trim());
        for (const e of document.querySelectorAll('[data-testid="stSpinner"]')) seen('spinner: ' + e.innerText.trim());
    }).observe(document, {subtree: true, childList: true, characterData: true});
}
"""


# ---------------------------------------------------------------------------- reporting


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def line(figure: str, size: str, values: list[float], unit: str = "s", target: str = "", baseline: str = "") -> None:
    runs = ", ".join(f"{v:.2f}" for v in values)
    text = f"{figure:<52} {size:>6}  median {median(values):8.3f} {unit:<2} [{runs}]"
    if target:
        verdict = ""
        if target.startswith("<="):
            limit = float(target[2:].strip().split()[0])
            verdict = " ok" if median(values) <= limit else " MISSED"
        text += f"  target {target}{verdict}"
    if baseline:
        text += f"  baseline: {baseline}"
    print(text, flush=True)


def note(figure: str, size: str, text: str) -> None:
    print(f"{figure:<52} {size:>6}  {text}", flush=True)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------- stores


def real_places(gazetteer: Gazetteer, count: int, seed: int) -> list[Place]:
    """Countries, the largest regions and the most populous cities, as gazetteer Places, shuffled."""
    by_population = {
        kind: sorted(gazetteer.places(kind=kind), key=lambda place: place.population, reverse=True)
        for kind in ("country", "region", "city")
    }
    regions = [p for p in by_population["region"] if p.geonameid is not None][: count // 10]
    chosen = by_population["country"][: count // 25] + regions + by_population["city"][:count]
    places = list({place.id: place for place in chosen}.values())[:count]
    places = [p for p in places if "{" not in p.name]
    random.Random(seed).shuffle(places)
    return places


def synthetic_articles(places: list[Place], mentions: int, seed: int) -> list[ParsedArticle]:
    """Articles of ~20 mentions each over 60 days; every place at least once, then a Zipf-like tail."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 10) ** 0.9 for rank in range(len(places))]
    order = places[:]  # every place once (if there are enough mentions), the rest by weight
    picks = order[: min(len(order), mentions)] + rng.choices(places, weights, k=max(0, mentions - len(order)))
    rng.shuffle(picks)
    parsed, cursor, number = [], 0, 0
    while cursor < len(picks):
        chunk = picks[cursor : cursor + MENTIONS_PER_ARTICLE]
        cursor += len(chunk)
        number += 1
        day = None if rng.random() < 0.02 else FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        parsed.append(_article(number, chunk, day, rng))
    return parsed


def _article(number: int, chunk: list[Place], day: dt.date | None, rng: random.Random) -> ParsedArticle:
    title = f"Fighting and aid around {chunk[0].name}"
    text = title + "\n\n"
    found: list[Mention] = []
    queue = list(chunk)
    while queue:
        template = rng.choice(_SENTENCES)
        names = [queue.pop(0)] + ([queue.pop(0)] if "{q}" in template and queue else [])
        if "{q}" in template and len(names) == 1:
            template = rng.choice([s for s in _SENTENCES if "{q}" not in s])
        sentence_start = len(text)
        sentence, spans = "", []
        parts = template.replace("{day}", rng.choice(_WEEKDAYS)).split("{")
        sentence = parts[0]
        for part in parts[1:]:
            key, rest = part[0], part[2:]
            place = names[0] if key == "p" else names[1]
            spans.append((place, sentence_start + len(sentence)))
            sentence += place.name + rest
        text += sentence
        sentence_end = len(text)
        for place, start in spans:
            found.append(
                Mention(
                    text=place.name, start=start, end=start + len(place.name), score=round(rng.uniform(0.45, 0.99), 3),
                    place=place, match="name", sentence_start=sentence_start, sentence_end=sentence_end,
                )  # fmt: skip
            )
        text += "\n\n" if rng.random() < 0.4 else " "
    text = text.rstrip()
    article = Article(
        id=f"bench_{number:06d}", source=f"bench/{number:06d}.txt", text=text, title=title, date=day,
        date_estimated=False, url=None, given_offsets=None, content_hash=content_hash(title, day, text),
    )  # fmt: skip
    return ParsedArticle(article, tuple(found))


def build_store(size: str, args) -> Path:
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{size}-{args.places}-{args.seed}-v{STORE_VERSION}.duckdb"
    if path.exists() and not args.rebuild:
        return path
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    if size == "seeds":
        from geo.input.read import read_articles
        from geo.parsing.pipeline import Geoparser

        articles, _ = read_articles([ROOT / "seeds"])
        Store(path).ingest(Geoparser(processes=1).parse(articles))
    else:
        with Gazetteer.open() as gazetteer:
            places = real_places(gazetteer, args.places, args.seed)
        Store(path).ingest(synthetic_articles(places, int(size), args.seed))
    counts = Store(path).counts()
    note(f"built store ({counts['articles']} articles, {counts['places']} places)", size,
         f"{counts['mentions']} mentions in {time.perf_counter() - started:.1f} s -> {path}")  # fmt: skip
    return path


# ---------------------------------------------------------------------------- script (Python) side


def script_figures(size: str, db: Path, runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ["DATELINE_DB"] = str(db)
    reader = StoreReader(Store(db, keep_open=KEEP_OPEN_SECONDS))  # as the dashboard holds it
    overview = reader.overview()
    windows = _windows((overview.first_date, overview.last_date), runs)

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    first = timed(at.run)
    if at.exception:
        raise RuntimeError(f"dashboard.py failed under AppTest: {at.exception}")
    rerun = []
    for window in windows:
        rerun.append(timed(lambda: at.slider(key="dates").set_value(window).run()))
        assert not at.exception, at.exception

    queries, layer, bare, sentences, searches = [], [], [], [], []
    for number, (start, end) in enumerate(windows):
        filters = Filters(start, end)
        started = time.perf_counter()
        places, _ = reader.view(filters)
        queries.append(time.perf_counter() - started)
        layer.append(timed(lambda: webmap.places_layer(places)))

        def bare_folium() -> None:
            fmap = webmap.base_map()
            webmap.places_layer(places).add_to(fmap)
            fmap.get_root().render()

        bare.append(timed(bare_folium))
        key = places.iloc[min(number * 97, len(places) - 1)]["place_key"]
        sentences.append(timed(lambda: reader.sentences(key, filters)))
        word = _SEARCH_WORDS[number % len(_SEARCH_WORDS)]
        searches.append(
            timed(lambda: (reader.view(Filters(start, end, query=word)), reader.timeline(Filters(query=word))))
        )
    timeline = [timed(lambda: reader.timeline(Filters())) for _ in range(runs)]
    exports = [timed(lambda: (view.to_csv(reader.export_rows(Filters(*window))), None)) for window in windows[:1]]

    line("script: first run (AppTest, caches cold)", size, [first])
    line("script: rerun after a date-range change (AppTest)", size, rerun, target=f"<= {TARGETS['rerun_s']} s",
         baseline=f"bare folium render of the same places {median(bare):.3f} s")  # fmt: skip
    line("  part: the view's places and article count (one query each)", size, queries)
    line("  part: places layer (rows encoded, markers clustered, cells past 2,000 places)", size, layer)
    line("  part: timeline (once per filter change but the dates)", size, timeline)
    line("script: a place's sentences (marker click, server side)", size, sentences,
         target=f"<= {TARGETS['sentences_s']} s")  # fmt: skip
    line("script: search (places, count and timeline of a word)", size, searches, target=f"<= {TARGETS['search_s']} s")
    line("  part: CSV export of a window's mentions (on click)", size, exports)
    corrected, undone = correction_times(db, reader, places, runs)
    line("script: a correction (every article) to the map redrawn", size, corrected,
         target=f"<= {TARGETS['correction_s']} s")  # fmt: skip
    line("script: its undo to the map redrawn", size, undone)


def correction_times(db: Path, reader: StoreReader, places, runs: int) -> tuple[list[float], list[float]]:
    """Server time from a reader's "Wrong place?" choice (a name in every article sent to another
    place) to the map's places queried and their layer built again, and the same for its undo. The
    corrected names are the view's most-mentioned places, each sent to the next one's place."""
    from geo.store.corrections import Corrections

    corrections = Corrections(Store(db, keep_open=KEEP_OPEN_SECONDS))
    ranked = places.sort_values("mentions", ascending=False).head(runs + 1)
    targets = {row.place: row.place_key for row in ranked.itertuples()}
    with Gazetteer.open() as gazetteer:
        keyed = {place_key(place): place for place in gazetteer.places(kind=("country", "region", "city"))}
    names = list(targets)
    corrected, undone = [], []
    for name, other in zip(names, names[1:]):
        target = keyed[targets[other]]

        def redraw() -> None:
            shown, _ = reader.view(Filters())
            webmap.places_layer(shown)

        started = time.perf_counter()
        made = corrections.correct(name, target)
        redraw()
        corrected.append(time.perf_counter() - started)
        started = time.perf_counter()
        corrections.undo(made.id)
        redraw()
        undone.append(time.perf_counter() - started)
    return corrected, undone


def _windows(bounds, runs: int) -> list[tuple[dt.date, dt.date]]:
    low, high = bounds
    span = (high - low).days
    out = []
    for i in range(runs):
        a = low + dt.timedelta(days=(i * 7) % max(1, span // 2 + 1))
        b = min(high, a + dt.timedelta(days=max(1, span // 3)))
        out.append((a, b) if i % 2 == 0 else (low, high if i % 4 == 1 else b))
    return out


# ---------------------------------------------------------------------------- browser side


def browser_figures(size: str, db: Path, runs: int, browser, workdir: Path, largest: bool) -> None:
    marker = bs.MARKER_OR_CLUSTER
    cold, cold_health = [], []
    for run in range(runs):
        copy = bs.copy_store(db, workdir / f"cold-{size}-{run}.duckdb")
        server = bs.Server(copy, workdir / f"cold-{size}-{run}.log")
        context = browser.new_context(viewport=bs.VIEWPORT)
        page = context.new_page()
        try:
            started = time.perf_counter()
            server.start()
            cold_health.append(server.wait_healthy())
            bs.open_app(page, server.url, timeout=180, marker=marker)
            cold.append(time.perf_counter() - started)
        finally:
            context.close()
            server.stop()
    line("browser: cold server start -> first marker", size, cold,
         baseline=f"server healthy after {median(cold_health):.2f} s")  # fmt: skip

    bare = _bare_map_first_marker(db, runs, browser, workdir, size)
    server = bs.Server(bs.copy_store(db, workdir / f"warm-{size}.duckdb"), workdir / f"warm-{size}.log")
    with server, _MemorySampler(interval=1.0, pss_every=2, root=server.process.pid) as memory:
        visits = _new_visitors(server, browser, runs)
        warm = [times["first_marker_s"] for times in visits]
        connected = [times["connected_s"] for times in visits]
        line("browser: warm server, new visitor -> first marker", size, warm,
             target=f"<= {TARGETS['warm_first_marker_s']} s",
             baseline=f"app connected after {median(connected):.2f} s; a page of only the same map "
                      f"{median(bare):.2f} s")  # fmt: skip

        if largest:
            context = browser.new_context(viewport=bs.VIEWPORT)
            page = context.new_page()
            bs.open_app(page, server.url, timeout=180, marker=marker)
            bs.wait_idle(page, timeout=120)
            _map_interactions(size, page, runs)
            context.close()

        context = browser.new_context(viewport=bs.VIEWPORT)
        page = context.new_page()
        bs.open_app(page, server.url, timeout=180, marker=marker)
        bs.wait_idle(page, timeout=120)
        caption, finished = _slider_presses(page, runs)
        line("browser: slider key press -> caption changed", size, caption)
        line("browser: slider key press -> run finished (page idle)", size, finished,
             target=f"<= {TARGETS['rerun_s']} s (server) + page" if size != "seeds" else "")  # fmt: skip
        context.close()
    line("server: peak memory (RSS) over the warm visits", size, [memory.peak_rss_mb], unit="MB",
         target=f"<= {TARGETS['server_memory_mb']} MB", baseline=f"peak PSS {memory.peak_pss_mb:.0f} MB")  # fmt: skip


def _bare_map_first_marker(db: Path, runs: int, browser, workdir: Path, size: str) -> list[float]:
    """Warm server, new visitor to first marker for ``bare_map_app.py``: Streamlit and the map alone."""
    folder = workdir / "bare"
    folder.mkdir(exist_ok=True)
    shutil.copy(Path(__file__).with_name("bare_map_app.py"), folder / "app.py")
    if not (folder / "static").exists():
        (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    server = bs.Server(
        bs.copy_store(db, workdir / f"bare-{size}.duckdb"), workdir / f"bare-{size}.log",
        script=folder / "app.py", extra_env={"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    with server:
        return [times["first_marker_s"] for times in _new_visitors(server, browser, runs)]


def _new_visitors(server: bs.Server, browser, runs: int) -> list[dict[str, float]]:
    """``runs`` visits in fresh browser contexts, after one that warms the server's caches: each
    visit's seconds to the app connected and to the first marker (``bs.open_app``)."""
    visits = []
    for run in range(runs + 1):
        context = browser.new_context(viewport=bs.VIEWPORT)
        try:
            times = bs.open_app(context.new_page(), server.url, timeout=180, marker=bs.MARKER_OR_CLUSTER)
        finally:
            context.close()
        if run:
            visits.append(times)
    return visits


def _slider_presses(page, runs: int) -> tuple[list[float], list[float]]:
    """Press ArrowRight then ArrowLeft on the start thumb (the first day always has mentions).

    Seconds from the key press to the caption changing (it is drawn early in the script run) and
    to the script run having finished (every element, the map's new places included, sent).
    """
    bs.slider_thumb(page, "Dates — start").click()
    bs.wait_idle(page, timeout=120)
    caption, finished = [], []
    for run in range(runs):
        before = bs.summary(page)
        started = time.perf_counter()
        page.keyboard.press("ArrowRight" if run % 2 == 0 else "ArrowLeft")
        bs.eventually(lambda: bs.summary(page) not in (None, before), timeout=120, interval=0.01,
                      what="the caption to change")  # fmt: skip
        caption.append(time.perf_counter() - started)
        bs.eventually(lambda: bs.script_idle(page), timeout=120, interval=0.01, what="the run to finish")
        finished.append(time.perf_counter() - started)
        time.sleep(0.5)
    return caption, finished


JS_UNCOVERED_MARKERS = """() => {
    const labels = [];
    for (const layer of Object.values(window.map._layers)) {
        if (!layer._path || !layer._path.getAttribute("aria-label")) continue;
        const box = layer._path.getBoundingClientRect();
        if (document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === layer._path) {
            labels.push(layer._path.getAttribute("aria-label"));
        }
    }
    return labels;
}"""
"""Labels of the drawn markers whose centre no other marker covers: a click there reaches them (at
zoom 8 a city's districts overlap, and a click on a covered one would open its neighbour)."""


def _map_interactions(size: str, page, runs: int) -> None:
    frame = bs.map_frame(page)
    clusters = frame.evaluate(bs.JS_CLUSTER_ICONS)
    drawn = len(bs.shown_markers(page))
    total = len(bs.all_places(page))
    note("map: drawn at the first view", size,
         f"{clusters} cluster icons, {drawn} single markers, {total} places in the layer")  # fmt: skip

    steps = max(runs, 3) * 2  # there and back again, so the view stays where the data is
    pans = [frame.evaluate(JS_PAN, [300, 150] if i % 2 == 0 else [-300, -150]) / 1000 for i in range(steps)]
    line("map: pan 300x150 px (to next paint)", size, pans)
    zooms = [frame.evaluate(JS_ZOOM, 1 if i % 2 == 0 else -1) / 1000 for i in range(steps)]
    line("map: zoom in/out one level (to next paint)", size, zooms)

    # Zoom in where the most-mentioned places are, past the clustering zoom, and click markers.
    biggest = frame.evaluate(
        """() => { let best = null;
            for (const l of Object.values(window.map._layers)) {
                const cluster = l.getAllChildMarkers && l._childCount && l._map;
                if (cluster && (!best || l._childCount > best._childCount)) best = l;
            }
            return best ? [best.getLatLng().lat, best.getLatLng().lng] : [50.45, 30.52]; }"""
    )
    frame.evaluate(JS_SET_VIEW, [biggest[0], biggest[1], 8])
    shown = bs.shown_markers(page, in_view=True)
    names = [t.split(" — ")[0] for t in shown if webmap.CELL_WORDS not in t]  # places, not cells
    uncovered = {label.split(" — ")[0] for label in frame.evaluate(JS_UNCOVERED_MARKERS)}
    unique = [n for n in dict.fromkeys(names) if names.count(n) == 1 and n in uncovered][:runs]
    clicks = []
    for name in unique:
        started = time.perf_counter()
        bs.click_place(page, name)
        try:
            bs.eventually(lambda: _panel_heading(page) == name, timeout=30, interval=0.02, what=f"the {name} panel")
        except AssertionError as error:
            shown = page.locator('[data-testid="stException"]').all_inner_texts()
            note("map: marker click FAILED", size, f"{error}; panel {_panel_heading(page)!r}; tracebacks {shown}")
            continue
        clicks.append(time.perf_counter() - started)
        bs.wait_idle(page, timeout=60)
    note("map: markers drawn at zoom 8 around the biggest cluster", size, f"{len(names)}")
    line("map: marker click -> its panel shown", size, clicks)


def _panel_heading(page) -> str:
    headings = [h.strip() for h in page.locator('[data-testid="stHeading"]').all_inner_texts()]
    panel = [h for h in headings if h not in ("Dateline", "Places")]
    return panel[0] if panel else ""


def first_start_figures(runs: int, browser, workdir: Path) -> None:
    """An empty store: the app ingests the seeds on its first run, with a progress bar."""
    times, progress_seen, shown = [], [], []
    for run in range(runs):
        server = bs.Server(workdir / f"first-{run}.duckdb", workdir / f"first-{run}.log")
        context = browser.new_context(viewport=bs.VIEWPORT)
        context.add_init_script(JS_PROGRESS_WATCH)
        page = context.new_page()
        try:
            server.start()
            server.wait_healthy()
            navigated = time.perf_counter()
            bs.open_app(page, server.url, timeout=300)
            times.append(time.perf_counter() - navigated)
            seen = page.evaluate("window.__progress || []")
            progress_seen.append(any(s.startswith("progress:") for s in seen))
            shown = seen
        finally:
            context.close()
            server.stop()
    line("first start (empty store, seeds): page -> first marker", "seeds", times)
    note("first start: progress indicator shown", "seeds",
         f"{sum(progress_seen)}/{len(progress_seen)} runs; last run saw {shown}")  # fmt: skip


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median printed); default 3")
    parser.add_argument("--sizes", default="seeds,20000,50000", help="comma-separated: seeds and/or mention counts")
    parser.add_argument("--places", type=int, default=5000, help="real places the synthetic mentions spread over")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", default="/tmp/dateline-bench", help="where built stores are kept")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the stores even if cached")
    parser.add_argument("--no-script", action="store_true", help="skip the AppTest (Python) figures")
    parser.add_argument("--no-browser", action="store_true", help="skip every browser figure")
    parser.add_argument("--no-first-start", action="store_true", help="skip the empty-store first start")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    numeric = [int(s) for s in sizes if s != "seeds"]
    largest = str(max(numeric)) if numeric else None

    print(f"# dashboard benchmark: runs={args.runs} sizes={sizes} places={args.places} "
          f"cpus={os.cpu_count()} python={sys.version.split()[0]}", flush=True)  # fmt: skip
    stores = {size: build_store(size, args) for size in sizes}
    if not args.no_script:
        for size, db in stores.items():
            script_figures(size, db, args.runs)
    if args.no_browser:
        return
    if not bs.CHROMIUM.exists():
        sys.exit(f"no Chromium at {bs.CHROMIUM}: use --no-browser")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as folder, sync_playwright() as playwright:
        workdir = Path(folder)
        browser = bs.launch_chromium(playwright)
        try:
            for size, db in stores.items():
                browser_figures(size, db, args.runs, browser, workdir, largest=size == largest)
            if not args.no_first_start:
                first_start_figures(args.runs, browser, workdir)
        finally:
            browser.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
