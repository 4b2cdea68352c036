"""What a person does with the dashboard, in a real browser.

One ``streamlit run dashboard.py`` per module, on a copy of the seed store, and one headless
system Chromium (no network, no downloaded browser); a fresh page (a fresh Streamlit session)
per test. Flows that write to the store (uploads, corrections) run last, and the last tests check
that no request of the whole session left the machine and that the server itself tried to reach no
other host (an audit hook logs every socket it opens). Screenshots go to ``test-results/browser/``.
A few flows need a store of their own (many places, an empty store): they start their own server.

On CI (``CI=true``) a missing Playwright or Chromium, or a browser that cannot start, fails these
tests; elsewhere a missing Playwright or ``/usr/bin/chromium`` skips them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
from pathlib import Path

import pytest
from browser_support import (
    APP_CONNECTED,
    CHROMIUM,
    MARKER,
    MARKER_OR_CLUSTER,
    NETWORK_AUDIT,
    ROOT,
    VIEWPORT,
    Server,
    alerts,
    all_places,
    click_place,
    copy_store,
    eventually,
    is_local,
    launch_chromium,
    map_eval,
    map_frame,
    map_view,
    marker_points,
    network_attempts,
    on_ci,
    open_app,
    place_names,
    script_idle,
    shown_markers,
    slider_labels,
    slider_thumb,
    summary,
    table_rows,
    tick,
    ticked,
    wait_idle,
)

from gazetteer import Match, Place
from geo.records import Article, Mention, ParsedArticle, content_hash
from geo.store.database import Store

RESULTS = ROOT / "test-results" / "browser"
PHONE = {"width": 390, "height": 844}
KYIV = "geonames:703448"
TIMINGS: dict[str, object] = {}


def _unavailable(reason: str) -> None:
    if on_ci():
        pytest.fail(f"browser tests must run on CI, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_api():
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright; never `playwright install`)")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    return sync_api


NETWORK_LOG = RESULTS / "network-attempts.log"
"""Every attempt of the module's server to reach a host other than this machine (none expected)."""


@pytest.fixture(scope="module")
def server(seed_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    NETWORK_LOG.parent.mkdir(parents=True, exist_ok=True)
    NETWORK_LOG.unlink(missing_ok=True)
    audit = {"PYTHONPATH": str(NETWORK_AUDIT), "DATELINE_NETWORK_LOG": str(NETWORK_LOG)}
    app = Server(copy_store(seed_store, folder / "dateline.duckdb"), RESULTS / "server.log", extra_env=audit)
    app.start()
    try:
        TIMINGS["server_healthy_s"] = app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def network() -> dict[str, list[str]]:
    """Every URL the browser asked for, every frame it showed and every script error, whole module."""
    return {"requests": [], "websockets": [], "frames": [], "errors": [], "exceptions": []}


@pytest.fixture(scope="module")
def context(sync_api, server, network):
    RESULTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        try:
            browser = launch_chromium(playwright)
        except Exception as error:  # noqa: BLE001 - any launch failure is the same finding
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.set_default_timeout(30_000)
        ctx.on("request", lambda request: network["requests"].append(request.url))
        ctx.on("page", lambda page: _watch(page, network))
        try:
            yield ctx
        finally:
            ctx.close()
            browser.close()
            (RESULTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")


def _watch(page, network) -> None:
    page.on("websocket", lambda socket: network["websockets"].append(socket.url))
    page.on("pageerror", lambda error: network["errors"].append(f"{page.url}: {error}"))


def _exceptions(page) -> list[str]:
    """The tracebacks Streamlit shows on the page."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def _close(tab, network) -> None:
    """Close a tab once its script run is over, keeping what it showed for the module's checks."""
    network["frames"].extend(frame.url for frame in tab.frames if frame.url)
    try:
        wait_idle(tab, timeout=10)
        network["exceptions"].extend(_exceptions(tab))
    except Exception:  # noqa: BLE001 - a tab that never settles is reported by its own test
        pass
    tab.close()


@pytest.fixture()
def page(context, network):
    tab = context.new_page()
    yield tab
    _close(tab, network)


@pytest.fixture()
def opened(page, server, network):
    """A fresh session on the app with its markers, timeline and table drawn, and no traceback shown."""
    open_app(page, server.url)
    _whole_page(page)
    wait_idle(page)
    assert not _exceptions(page), _exceptions(page)
    return page


def _whole_page(page) -> None:
    """Wait for the timeline and the places table, which follow the map on a visitor's first view."""
    drawn = ('[data-testid="stVegaLiteChart"]', '[data-testid="stDataFrame"]')
    _until(page, lambda: all(page.locator(part).count() for part in drawn), "the timeline and the places table")


def _count(caption: str, noun: str) -> int:
    """The number before a noun in the summary ("1 article", "2,041 articles"); ``noun`` in the plural."""
    match = re.search(rf"(\d[\d,]*) ({noun}|{noun.removesuffix('s')})\b", caption)
    assert match, f"no '{noun}' count in {caption!r}"
    return int(match.group(1).replace(",", ""))


def _panel_heading(page) -> str:
    """The chosen place's name at the top of the sentence panel ("" when none is chosen)."""
    headings = page.locator('.st-key-panel [data-testid="stHeading"]').all_inner_texts()
    return headings[0].strip() if headings else ""


def _until(page, probe, what: str, timeout: float = 20.0):
    """``eventually(probe)``, with any traceback the page shows in the failure."""
    try:
        return eventually(probe, timeout=timeout, what=what)
    except AssertionError as error:
        raise AssertionError(f"{error}; tracebacks shown: {_exceptions(page)}") from None


def _labels_become(page, expected: list[str], timeout: float = 20) -> None:
    """Wait until the date slider's thumbs read ``expected``."""
    _until(page, lambda: slider_labels(page) == expected, f"the date slider to read {expected}", timeout)


def _caption(page) -> str:
    """The summary caption, once it is on the page."""
    return eventually(lambda: summary(page), what="the summary caption")


def _new_caption(page, *old: str | None) -> str:
    """Wait for the summary caption to read something other than ``old``; the new caption."""
    return _until(
        page, lambda: (text := summary(page)) is not None and text not in old and text, "the caption to change"
    )


def _panel_shows(page, name: str) -> None:
    _until(page, lambda: _panel_heading(page) == name, f"the {name} panel")


def _upload(page, *paths: Path) -> None:
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Add articles")
    uploader.locator('input[type="file"]').set_input_files([str(p) for p in paths])


# ---------------------------------------------------------------------------- reading the map


def test_opening_the_app_shows_markers(page, server):
    times = open_app(page, server.url)
    TIMINGS.update(times)  # for information (benchmarks/dashboard.py measures start-up); never asserted
    print(f"navigation to first marker: {times['first_marker_s']:.2f} s")

    # The timeline and the places table come after the map, with no action from the reader.
    _whole_page(page)
    wait_idle(page)
    caption = _caption(page)
    assert caption and _count(caption, "places") > 10 and _count(caption, "articles") == 5, caption
    markers = eventually(lambda: shown_markers(page), what="markers with tooltips")
    names = place_names(markers)
    assert {"Kyiv", "Kharkiv", "Mariupol"} <= names, names
    assert any(text.startswith("Kyiv — ") and text.endswith("mentions") for text in markers), markers
    frame = map_frame(page)
    assert frame.locator(MARKER).count() == len(markers)
    # The offline basemap is drawn too, from this server.
    eventually(lambda: frame.locator("img.leaflet-tile-loaded").count() >= 4, what="basemap tiles")
    assert page.get_by_role("slider", name="Dates — start").count() == 1
    # What am I looking at: a title and a line in the main pane, and a key to the colours.
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Dateline" in main and "Places named in 5 news articles, on a map over time" in main
    assert all(word in main for word in ("country", "region", "city", "feature", "low confidence", "cluster"))
    # Zoom stops where the basemap still reads, and there is a way back to the opening view.
    assert map_eval(page, "() => map.getMaxZoom()") == 7
    assert frame.get_by_role("button", name="Reset view").count() == 1
    page.screenshot(path=RESULTS / "main-view.png", full_page=True)


def test_clicking_kyiv_shows_its_sentences_and_article(opened):
    page = opened
    started = time.perf_counter()
    assert click_place(page, "Kyiv").startswith("Kyiv — ")
    _panel_shows(page, "Kyiv")
    TIMINGS["click_to_panel_s"] = time.perf_counter() - started
    wait_idle(page)

    sentences = page.locator("div.sentence")
    assert sentences.count() >= 5
    for index in range(sentences.count()):
        assert sentences.nth(index).locator("mark").count() >= 1, sentences.nth(index).inner_text()
    marked = page.locator("div.sentence mark").all_inner_texts()
    assert marked.count("Kyiv") >= 5, marked
    assert f"place={KYIV.replace(':', '%3A')}" in page.url
    page.screenshot(path=RESULTS / "kyiv-panel.png", full_page=True)

    sentence = sentences.first.inner_text()
    page.get_by_role("button", name="Open article").first.click()
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(state="visible")
    eventually(lambda: dialog.locator("mark").count() >= 3, what="highlighted mentions in the article")
    text = dialog.inner_text()
    assert len(text) > 4 * len(sentence) and len(text) > 1500, text[:300]
    assert "Kyiv" in dialog.locator("mark").all_inner_texts()
    # Hovering a name tells its place and confidence; the place the reader came from stands out.
    chosen = dialog.locator("mark.chosen")
    assert chosen.count() >= 1 and set(chosen.all_inner_texts()) <= {"Kyiv", "Kiev"}
    assert chosen.first.get_attribute("title").startswith("Kyiv (city")
    assert re.search(r"confidence \d+%", dialog.locator("mark:not(.chosen)").first.get_attribute("title"))
    page.screenshot(path=RESULTS / "article-dialog.png")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")


def test_the_date_slider_narrows_the_map_and_goes_in_the_url(opened, context, network):
    page = opened
    before_caption = _caption(page)
    before_markers = eventually(lambda: shown_markers(page), what="markers")
    _labels_become(page, ["2022-02-26", "2022-03-17"])

    slider_thumb(page, "Dates — start").click()
    started = time.perf_counter()
    for _ in range(25):  # 19 days from the first to the last; the thumb stops at the other one
        page.keyboard.press("ArrowRight")
    _new_caption(page, before_caption)
    TIMINGS["slider_to_caption_s"] = time.perf_counter() - started
    wait_idle(page)

    _labels_become(page, ["2022-03-17", "2022-03-17"])
    caption = _caption(page)
    assert _count(caption, "articles") == 1 and _count(caption, "places") < _count(before_caption, "places"), caption
    after_markers = eventually(
        lambda: (m := shown_markers(page)) and m != before_markers and m, what="the markers to change"
    )
    assert len(place_names(after_markers)) < len(place_names(before_markers))
    assert "dates=2022-03-17&dates=2022-03-17" in page.url, page.url

    # The URL is a shareable view: a new tab on it shows the same thing.
    shared = context.new_page()
    try:
        open_app(shared, page.url)
        wait_idle(shared)
        _labels_become(shared, ["2022-03-17", "2022-03-17"])
        assert _caption(shared) == caption
    finally:
        _close(shared, network)

    # And the other end: only 26 February. The end thumb now lies on the start thumb, so reach the
    # start thumb from it with the keyboard, as a person would.
    slider_thumb(page, "Dates — end").click()
    page.keyboard.press("Shift+Tab")
    for _ in range(25):
        page.keyboard.press("ArrowLeft")
    # The first thumb's move reruns the app; keys pressed while that rerun redraws the slider can
    # be lost, as a person's would be, so wait for it as a person would see it end.
    _labels_become(page, ["2022-02-26", "2022-03-17"])
    wait_idle(page)
    slider_thumb(page, "Dates — end").click()
    for _ in range(25):
        page.keyboard.press("ArrowLeft")
    _labels_become(page, ["2022-02-26", "2022-02-26"])
    eventually(lambda: "dates=2022-02-26&dates=2022-02-26" in page.url, what="the URL to follow")
    again = _new_caption(page, caption, before_caption)
    assert 1 <= _count(again, "articles") < 5, again


def test_play_steps_through_the_days_and_pause_stops(opened):
    page = opened
    _labels_become(page, ["2022-02-26", "2022-03-17"])
    page.get_by_role("button", name="Play", exact=True).click()
    pause = page.get_by_role("button", name="Pause", exact=True)
    pause.wait_for()
    _labels_become(page, ["2022-02-26", "2022-02-26"])  # playing the whole range starts on its first day

    seen: list[tuple[str, ...]] = [("2022-02-26", "2022-02-26")]

    def stepped() -> bool:
        labels = tuple(slider_labels(page))
        if labels and (not seen or seen[-1] != labels):
            seen.append(labels)
        return len(seen) >= 3

    eventually(stepped, timeout=15, interval=0.1, what="the date window to step")
    assert seen[0] == ("2022-02-26", "2022-02-26"), seen
    assert all(start == end for start, end in seen), seen  # a one-day window moving on
    assert [s for s, _ in seen] == sorted(s for s, _ in seen), seen

    assert page.locator(".day").count() == 1  # the day shown in large type while playing
    pause.click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    time.sleep(1.5)  # one step already under way may still land
    wait_idle(page)
    stopped = slider_labels(page)
    time.sleep(2.5)
    assert slider_labels(page) == stopped, "the dates kept moving after Pause"
    assert page.get_by_role("button", name="Play", exact=True).count() == 1


def test_play_to_the_last_day_stops_and_offers_play_again(page, server):
    """Play ending on the last day leaves a Play button (not a Pause that would restart from the start)."""
    page.goto(f"{server.url}/?dates=2022-03-15&dates=2022-03-15", wait_until="commit")
    page.wait_for_selector(APP_CONNECTED, timeout=90_000)
    wait_idle(page)
    _labels_become(page, ["2022-03-15", "2022-03-15"])
    page.get_by_role("button", name="Play", exact=True).click()
    _labels_become(page, ["2022-03-17", "2022-03-17"], timeout=30)
    play = page.get_by_role("button", name="Play", exact=True)
    play.wait_for(timeout=20_000)
    wait_idle(page)
    assert page.get_by_role("button", name="Pause", exact=True).count() == 0
    time.sleep(2)
    assert slider_labels(page) == ["2022-03-17", "2022-03-17"], "Play went on after the last day"
    assert page.locator(".day").inner_text().startswith("Thursday 17 March 2022")


def test_a_table_row_chooses_a_place_and_unticking_lets_it_go(opened):
    """Tick a row: its sentences, the map on it; pan away, untick (the panel empties), tick again: the map
    comes back to it. A click on another marker moves the tick to that place's row."""
    page = opened
    page.get_by_role("tab", name="Places").click()
    eventually(lambda: "Kharkiv" in table_rows(page), what="the places table")
    tick(page, "Kharkiv")
    _panel_shows(page, "Kharkiv")
    wait_idle(page)
    view = eventually(lambda: (v := map_view(page)) and abs(v["lat"] - 49.99) < 0.5 and v, what="the map on Kharkiv")
    assert view["zoom"] >= 7 and ticked(page) == ["Kharkiv"]
    map_eval(page, "() => map.setView([44.0, 20.0], 4, {animate: false})")  # the reader pans away

    tick(page, "Kharkiv")  # untick
    _until(page, lambda: _panel_heading(page) == "" and not ticked(page), "the panel to empty")
    assert "Click a place on the map" in page.locator(".st-key-panel").inner_text()
    tick(page, "Kharkiv")  # and again
    _panel_shows(page, "Kharkiv")
    eventually(lambda: abs(map_view(page)["lng"] - 36.25) < 0.5, what="the map back on Kharkiv")
    wait_idle(page)

    map_eval(page, "() => map.setView([50.45, 30.52], 7, {animate: false})")
    click_place(page, "Kyiv")
    _panel_shows(page, "Kyiv")
    _until(page, lambda: ticked(page) == ["Kyiv"], "the tick to move to Kyiv")
    assert map_frame(page).locator("path.dl-selected").count() == 1  # the chosen marker is ringed


def test_a_marker_is_reached_by_keyboard_and_opened_with_enter(opened):
    page = opened
    frame = map_frame(page)
    label = frame.locator('path[aria-label^="Mariupol —"]')
    assert label.get_attribute("tabindex") == "0" and label.get_attribute("role") == "button"
    frame.locator(".leaflet-container").focus()
    for _ in range(200):  # Tab through the map's controls and markers, as a keyboard user would
        page.keyboard.press("Tab")
        if frame.evaluate("() => (document.activeElement.getAttribute('aria-label') || '').startsWith('Mariupol —')"):
            break
    else:
        raise AssertionError("Tab never reached the Mariupol marker")
    page.keyboard.press("Enter")
    _panel_shows(page, "Mariupol")


def test_dragging_across_the_timeline_chooses_those_dates(opened):
    page = opened
    _labels_become(page, ["2022-02-26", "2022-03-17"])
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    eventually(lambda: chart.locator("canvas, svg").count() > 0, what="the timeline drawn")
    box = chart.bounding_box()
    y = box["y"] + box["height"] * 0.45
    page.mouse.move(box["x"] + box["width"] * 0.2, y)  # right of the axis
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    whole = ["2022-02-26", "2022-03-17"]
    labels = _until(page, lambda: (shown := slider_labels(page)) != whole and shown, "the dates to follow")
    assert "2022-02-26" <= labels[0] <= labels[1] < "2022-03-10", labels
    wait_idle(page)
    page.reload(wait_until="commit")  # the URL keeps the dates (Streamlit writes them there as timestamps)
    page.wait_for_selector(APP_CONNECTED, timeout=60_000)
    _labels_become(page, labels)


def test_the_density_view_draws_cells_coloured_by_mentions(opened):
    page = opened
    page.get_by_role("radio", name="Density").click()
    cells = eventually(
        lambda: map_eval(page, "() => Object.values(map._layers).filter(l => l instanceof L.Polygon).length"),
        what="density cells",
    )
    assert cells >= 10
    assert "Mentions per cell" in page.locator('[data-testid="stMain"]').inner_text()
    page.screenshot(path=RESULTS / "density.png")
    page.get_by_role("radio", name="Places").click()
    eventually(lambda: shown_markers(page), what="markers again")


def test_exports_give_relative_sources_and_plain_dates(opened):
    page = opened
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export view as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    assert rows and all(not row["source"].startswith("/") and "/work/" not in row["source"] for row in rows)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) for row in rows if row["date"])
    with page.expect_download() as geojson_download:
        page.get_by_role("button", name="Export view as GeoJSON").click()
    features = json.loads(Path(geojson_download.value.path()).read_text(encoding="utf-8"))["features"]
    assert len(features) == len(rows)
    dates = [feature["properties"]["date"] for feature in features]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) for date in dates if date)


def test_dark_mode_follows_the_browser(context, server, network):
    dark = context.browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    try:
        page = dark.new_page()
        page.on("request", lambda request: network["requests"].append(request.url))
        open_app(page, server.url)
        wait_idle(page)
        shade = page.evaluate(
            """() => getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor"""
        )
        red, green, blue = (int(part) for part in re.findall(r"\d+", shade)[:3])
        assert red + green + blue < 150, shade
        page.screenshot(path=RESULTS / "dark.png")
    finally:
        dark.close()


def test_at_phone_width_choosing_a_place_brings_its_sentences_into_view(context, server, network):
    phone = context.browser.new_context(viewport=PHONE)
    try:
        page = phone.new_page()
        page.on("request", lambda request: network["requests"].append(request.url))
        page.goto(server.url, wait_until="commit")
        map_frame(page).wait_for_selector(MARKER, state="attached", timeout=90_000)
        wait_idle(page)
        assert "Places named in" in page.locator('[data-testid="stMain"]').inner_text()  # no sidebar needed
        click_place(page, "Kyiv")
        _panel_shows(page, "Kyiv")

        def heading_in_view() -> bool:
            box = page.locator('.st-key-panel [data-testid="stHeading"]').first.bounding_box()
            return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]

        eventually(heading_in_view, what="the panel scrolled into view")
        page.screenshot(path=RESULTS / "phone-panel.png")
    finally:
        phone.close()


def test_two_people_open_the_dashboard_at_once(context, server, network):
    """Several tabs loading together (a small newsroom, or one person restoring tabs) all get the map."""

    def settled(tab) -> str | None:
        if _exceptions(tab):
            return "error"
        return "ok" if summary(tab) and script_idle(tab) else None

    for _ in range(2):  # a store race is timing-dependent: two rounds of four tabs (each round ~18 s)
        tabs = [context.new_page() for _ in range(4)]
        try:
            for tab in tabs:
                tab.goto(server.url, wait_until="commit")
            outcomes = [eventually(lambda: settled(tab), timeout=60, what="the tab to settle") for tab in tabs]
            shown = [text for tab in tabs for text in _exceptions(tab)]
        finally:
            for tab in tabs:
                tab.close()
        assert outcomes == ["ok"] * len(tabs), shown[0][:600]


# ---------------------------------------------------------------------------- stores of their own


def _crowded_store(path: Path) -> Path:
    """300 villages close together (the map clusters them at first) and "Hub" among them, the most mentioned."""
    places = [
        Place(n, "Hub" if n == 150 else f"Village {n:03d}", "city", "city", "UA", None, None,
              49.0 + (n % 20) * 0.08, 35.0 + (n // 20) * 0.1, 1000, 900_000 + n, "geonames")
        for n in range(300)
    ]  # fmt: skip
    parsed = []
    for first in range(0, 300, 20):
        names = [place for place in places[first : first + 20]] + ([places[150]] * 29 if first == 140 else [])
        text, mentions = "", []
        for place in names:
            start = len(text)
            text += place.name + " was quiet. "
            end = start + len(place.name)
            mentions.append(Mention(place.name, start, end, 0.9, place, Match.NAME, start, len(text)))
        day = dt.date(2022, 3, 1)
        article = Article(f"crowd-{first}", f"crowd-{first}.txt", text, f"Villages {first}", day, False, None, None,
                          content_hash(f"Villages {first}", day, text))  # fmt: skip
        parsed.append(ParsedArticle(article, tuple(mentions)))
    Store(path).ingest(parsed)
    return path


def test_a_place_chosen_in_the_table_is_never_hidden_in_a_cluster(context, tmp_path):
    db = _crowded_store(tmp_path / "crowded.duckdb")
    with Server(db, RESULTS / "crowded-server.log") as app:
        own = context.browser.new_context(viewport=VIEWPORT)
        try:
            page = own.new_page()
            open_app(page, app.url, marker=MARKER_OR_CLUSTER)
            wait_idle(page)
            assert map_frame(page).locator(".dl-cluster").count() > 0
            assert "Hub" not in place_names(shown_markers(page))  # inside a cluster at first
            page.get_by_role("tab", name="Places").click()
            eventually(lambda: table_rows(page)[:1] == ["Hub"], what="the places table")
            tick(page, "Hub")
            _panel_shows(page, "Hub")
            eventually(lambda: "Hub" in place_names(shown_markers(page, True)), what="Hub's own marker in view")
            assert map_view(page)["zoom"] >= 7 and map_frame(page).locator("path.dl-selected").count() == 1
            page.screenshot(path=RESULTS / "crowded-chosen.png")
        finally:
            own.close()


JS_STAGE_WATCH = """
if (window.top === window) {
    window.__stages = [];
    new MutationObserver(() => {
        for (const e of document.querySelectorAll('[data-testid="stExpander"], [data-testid="stProgress"]')) {
            const text = e.innerText.trim();
            if (text && !window.__stages.includes(text)) window.__stages.push(text);
        }
    }).observe(document, {subtree: true, childList: true, characterData: true});
}
"""
"""Collects every text the first start's status box and progress bar show."""


def test_the_first_start_says_which_stage_it_is_in(context, tmp_path):
    with Server(tmp_path / "empty.duckdb", RESULTS / "first-start-server.log") as app:
        own = context.browser.new_context(viewport=VIEWPORT)
        try:
            own.add_init_script(JS_STAGE_WATCH)
            page = own.new_page()
            open_app(page, app.url, timeout=300)
            stages = " | ".join(page.evaluate("window.__stages"))
            assert "Loading the language model" in stages and "Reading the sample articles" in stages, stages
            assert re.search(r"Reading the sample articles: \d of 5", stages), stages
            wait_idle(page)
            assert _count(_caption(page), "articles") == 5
        finally:
            own.close()


# ---------------------------------------------------------------------------- adding articles (writes the store: last)


def test_uploading_an_article_adds_its_places(opened, tmp_path):
    page = opened
    before = _caption(page)
    assert "Lviv" not in place_names(all_places(page))
    article = tmp_path / "lviv-odesa.txt"
    article.write_text(
        "Sirens over western Ukraine\n\n"
        "Air raid sirens sounded in Lviv on Tuesday as refugees crowded the railway station.\n\n"
        "Officials in Lviv said trains to Poland were full, while the port city of Odesa braced for an attack "
        "from the sea.\n",
        encoding="utf-8",
    )
    _upload(page, article)
    names = eventually(
        lambda: {"Lviv", "Odesa"} <= (n := place_names(shown_markers(page))) and n,
        timeout=90,
        interval=0.5,
        what="markers for Lviv and Odesa",
    )
    assert {"Kyiv", "Kharkiv"} <= names
    wait_idle(page)
    after = _caption(page)
    assert _count(after, "places") >= _count(before, "places") + 2, (before, after)

    click_place(page, "Lviv")
    _panel_shows(page, "Lviv")
    wait_idle(page)  # the heading is drawn before the sentences below it
    assert "Lviv" in page.locator("div.sentence mark").all_inner_texts()
    page.screenshot(path=RESULTS / "after-upload.png", full_page=True)


def test_a_bad_upload_is_reported_and_nothing_is_lost(opened, tmp_path):
    page = opened
    before_places, before_caption = place_names(all_places(page)), _caption(page)
    empty = tmp_path / "empty-notes.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan-of-a-page.txt"
    binary.write_bytes(bytes(range(256)) * 16)
    good = tmp_path / "chernivtsi.txt"
    good.write_text(
        "Volunteers in Chernivtsi sorted donations for families arriving from the east.\n", encoding="utf-8"
    )
    _upload(page, empty, binary, good)

    warnings = eventually(
        lambda: (w := [a for a in alerts(page) if "Skipped" in a]) and len(w) >= 2 and w,
        timeout=90,
        what="a warning for each bad file",
    )
    assert any("empty-notes.txt" in w for w in warnings), warnings
    assert any("scan-of-a-page.txt" in w for w in warnings), warnings
    assert not any("chernivtsi.txt" in w for w in warnings), warnings
    page.screenshot(path=RESULTS / "bad-upload.png", full_page=True)

    names = eventually(
        lambda: "Chernivtsi" in (n := place_names(all_places(page))) and n, timeout=60, what="the good file's place"
    )
    assert before_places <= names, before_places - names
    assert _count(_caption(page), "places") >= _count(before_caption, "places") + 1


def test_two_different_uploads_with_the_same_name_are_both_kept(opened, tmp_path):
    page = opened
    first, second = tmp_path / "one" / "notes.txt", tmp_path / "two" / "notes.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text("Trains from Uzhhorod were running late on Friday, officials said.\n", encoding="utf-8")
    second.write_text("Volunteers in Ternopil collected blankets on Saturday.\n", encoding="utf-8")
    _upload(page, first)
    eventually(lambda: "Uzhhorod" in place_names(all_places(page)), timeout=90, what="a Uzhhorod marker")
    wait_idle(page)
    _upload(page, second)
    names = eventually(
        lambda: "Ternopil" in (n := place_names(all_places(page))) and n, timeout=90, what="a Ternopil marker"
    )
    assert "Uzhhorod" in names, "the first notes.txt was replaced by the second"


def test_hostile_article_text_shows_literally(opened, tmp_path):
    page = opened
    script = "<script>window.__xss=1</script>"
    image = '<img src=x onerror="window.__xss=1">'
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        f"Strikes near Zhytomyr {image}\n\n"
        f"Shelling hit Zhytomyr {script} on Monday, officials said.\n\n"
        f"Residents of Zhytomyr {image} were told to stay in shelters.\n",
        encoding="utf-8",
    )
    _upload(page, hostile)
    eventually(lambda: "Zhytomyr" in place_names(shown_markers(page)), timeout=90, what="a Zhytomyr marker")
    wait_idle(page)
    click_place(page, "Zhytomyr")
    _panel_shows(page, "Zhytomyr")
    wait_idle(page)
    panel = "\n".join(page.locator("div.sentence").all_inner_texts())
    assert script in panel or image in panel, panel

    page.get_by_role("button", name="Open article").first.click()
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(state="visible")
    eventually(lambda: script in dialog.inner_text(), what="the article's text in the dialog")
    text = dialog.inner_text()
    assert script in text and image in text, text
    page.screenshot(path=RESULTS / "hostile-article.png")

    time.sleep(0.5)  # give any injected handler the chance to run
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert map_frame(page).evaluate("typeof window.__xss") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('__xss')).length") == 0
    page.keyboard.press("Escape")


def test_an_upload_can_be_taken_out_again(opened, tmp_path):
    page = opened
    article = tmp_path / "mistake.txt"
    article.write_text("A ferry left Odesa for Varna on Friday, the port said.\n", encoding="utf-8")
    _upload(page, article)
    eventually(lambda: "Varna" in place_names(all_places(page)), timeout=90, what="the upload's place")
    wait_idle(page)
    page.get_by_role("button", name="Remove the 1 article just uploaded").click()
    eventually(lambda: "Varna" not in place_names(all_places(page)), timeout=60, what="the place to go")
    assert any("Removed 1 article" in text for text in alerts(page))


RODEO_STORY = (
    "Rodeo weekend in Durango\n\n"
    "Thousands gathered in Durango for the rodeo on Saturday, the mayor of the Colorado town said. "
    "The winning horse, Cheyenne, was ridden by a local teenager.\n"
)
"""Two mistakes the resolver makes today: "Durango" goes to the Mexican city, not the Colorado town the
text names, and the horse "Cheyenne" goes to the capital of Wyoming."""


def _chooser(page, name: str):
    """Choose the place ``name`` on the map and open "Wrong place?" under its first sentence."""
    click_place(page, name)
    _panel_shows(page, name)
    wait_idle(page)
    page.locator(".st-key-panel").get_by_role("button", name="Wrong place?").first.click()
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(state="visible")
    return dialog


def _far(a: list[float], b: list[float], degrees: float = 2.0) -> bool:
    return abs(a[0] - b[0]) > degrees or abs(a[1] - b[1]) > degrees


def test_correcting_a_place_moves_its_marker_for_good_and_undo_moves_it_back(opened, tmp_path):
    page = opened
    story = tmp_path / "rodeo.txt"
    story.write_text(RODEO_STORY, encoding="utf-8")
    _upload(page, story)
    [mexico] = eventually(lambda: marker_points(page, "Durango"), timeout=90, what="a Durango marker")
    assert mexico[0] < 30, f"the resolver now places Durango right ({mexico}): the fixture needs another mistake"
    wait_idle(page)
    map_eval(page, "([lat, lng]) => map.setView([lat, lng], 6, {animate: false})", mexico)
    dialog = _chooser(page, "Durango")
    colorado = dialog.get_by_role("radio", name=re.compile(r"^Durango · city · Colorado, US"))
    eventually(lambda: colorado.count() > 0, what="Durango, Colorado among the other places")
    page.screenshot(path=RESULTS / "chooser.png")
    colorado.first.check(force=True)
    dialog.get_by_role("button", name="Use this place").click()
    dialog.wait_for(state="detached")

    def moved() -> list | None:
        points = marker_points(page, "Durango")
        return points if len(points) == 1 and _far(points[0], mexico) else None

    [after] = _until(page, moved, "the Durango marker to move to Colorado", timeout=30)
    assert 36 < after[0] < 38.5 and -109 < after[1] < -107, after
    page.reload(wait_until="commit")
    map_frame(page).wait_for_selector(MARKER, state="attached", timeout=60_000)
    wait_idle(page)
    assert eventually(lambda: marker_points(page, "Durango"), what="Durango after a reload") == [after]

    page.get_by_role("tab", name="Corrections").click()
    page.get_by_role("button", name="Undo").first.click()
    _until(page, lambda: marker_points(page, "Durango") == [mexico], "undo to put Durango back", 30)
    wait_idle(page)

    # A name that is no place at all leaves the map.
    assert "Cheyenne" in place_names(all_places(page))
    dialog = _chooser(page, "Cheyenne")
    dialog.get_by_role("button", name="Not a place").click()
    _until(page, lambda: "Cheyenne" not in place_names(all_places(page)), "Cheyenne to leave the map", 30)


# ---------------------------------------------------------------------------- the whole session


def test_no_request_left_the_machine(context, network, server):
    assert network["requests"], "no request was recorded"
    assert any("/app/static/tiles/" in url for url in network["requests"]), "no basemap tile was requested"
    urls = network["requests"] + network["websockets"] + network["frames"]
    outside = sorted({url for url in urls if not is_local(url, server.port)})
    assert not outside, f"requests left the machine: {outside[:20]}"


def test_the_server_tried_to_reach_no_other_host(context, network, server):
    """From its start to the end of the whole walk above, the server opened no socket but to this machine."""
    assert network["requests"], "the walk did not run"
    assert not network_attempts(NETWORK_LOG), network_attempts(NETWORK_LOG)
    assert "Did not auto detect external IP" not in server.log_path.read_text(errors="replace")


def test_no_script_errors(context, network):
    """No JavaScript error in the page or the map, and no traceback shown."""
    assert not network["errors"], network["errors"]
    assert not network["exceptions"], network["exceptions"]
