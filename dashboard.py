"""Dateline: the places named in a pile of news articles, on a map, over time.

    streamlit run dashboard.py

Opens on the store in $DATELINE_DB (default ``dateline.duckdb``); an empty store is first filled
with the sample articles in ``seeds/``. Everything is offline: the map's scripts and tiles are
served from ``static/``, which the first start unpacks from installed packages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import os
import tempfile
import time
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.app import view, webmap
from geo.app.assets import ensure_static
from geo.errors import StoreBusy
from geo.input.read import read_articles
from geo.parsing.pipeline import Geoparser
from geo.records import Article, InputProblem
from geo.store.database import IngestReport, Store
from geo.store.frames import (
    ADMIN1,
    ARTICLES,
    COUNTRY_CODE,
    DATE,
    KIND,
    LAST_DATE,
    LAT,
    LON,
    MENTIONS,
    PLACE,
    PLACE_KEY,
)
from geo.store.ingest import date_undated, ingest_articles
from geo.store.queries import Filters, Overview, StoreReader

STORE_PATH = Path(os.environ.get("DATELINE_DB", "dateline.duckdb"))
APP_DIR = Path(__file__).resolve().parent
SEEDS = APP_DIR / "seeds"
# Streamlit serves the ``static/`` folder next to the app script at /app/static/.
STATIC_DIR = APP_DIR / "static"
UPLOAD_TYPES = ["txt", "md", "html", "htm", "json", "jsonl", "csv"]
UPLOADS = "upload"
# An upload is read from ``upload/<its SHA-256, 12 hex digits>/<its name>`` (its articles' ids): a second, different
# upload with the same file name is new articles, not a replacement; the same file again is unchanged.
UPLOAD_HASH_CHARS = 12
# How long Play shows each day.
PLAY_SECONDS = 1.0
# The map's zoom on a place chosen in the table: a region around it, at the tiles' finest zoom.
FOCUS_ZOOM = 6
# How long the store file stays open after the app's last query: reruns reuse it (opening costs ~0.1 s at a million
# mentions), and an ingest from the command line gets it once the app is idle.
KEEP_OPEN_SECONDS = 2.0
# Sentences listed for one place (newest first); a reader narrows the dates for older ones.
SENTENCES_SHOWN = 200
# The places table's columns, in order, and their headings.
TABLE_COLUMNS = {
    PLACE: "Place",
    KIND: "Kind",
    COUNTRY_CODE: "Country",
    ADMIN1: "Region",
    MENTIONS: st.column_config.NumberColumn("Mentions"),
    ARTICLES: st.column_config.NumberColumn("Articles"),
    LAST_DATE: st.column_config.DateColumn("Last mentioned", format="YYYY-MM-DD"),
}

st.set_page_config(page_title="Dateline", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner="Loading the language model and gazetteer…")
def geoparser() -> Geoparser:
    return Geoparser(processes=1)


@st.cache_resource
def static_files() -> Path:
    return ensure_static(STATIC_DIR)


@st.cache_resource(show_spinner=False)
def reader(path: str) -> StoreReader:
    """The store's queries, shared by every session; the file stays open while the app is in use and
    is let go after ``KEEP_OPEN_SECONDS`` idle, so a command-line ingest can have it."""
    return StoreReader(Store(path, keep_open=KEEP_OPEN_SECONDS))


def store_version() -> int:
    """The store's generation: it grows with every write, by this app or a command-line ingest."""
    return reader(str(STORE_PATH)).store.generation()


@st.cache_data(show_spinner=False, max_entries=4)
def overview(path: str, version: int) -> Overview:
    return reader(path).overview()


@st.cache_data(show_spinner=False, max_entries=32)
def in_view(path: str, version: int, filters: Filters) -> tuple[pd.DataFrame, int]:
    """The view's places and how many articles they are mentioned in."""
    return reader(path).view(filters)


@st.cache_data(show_spinner=False, max_entries=32)
def timeline_in_view(path: str, version: int, filters: Filters) -> pd.DataFrame:
    return reader(path).timeline(filters)


@st.cache_data(show_spinner=False, max_entries=64)
def sentences_in_view(path: str, version: int, place_key: str, filters: Filters) -> list[dict]:
    return reader(path).sentences(place_key, filters, limit=SENTENCES_SHOWN)


def ingest(articles: list[Article], label: str) -> tuple[IngestReport, list[InputProblem]]:
    """Parse and store articles with a progress bar; returns what was stored and the articles that failed."""
    progress = st.progress(0.0, text=f"{label}: parsing {len(articles)} articles…")
    done = 0

    def step(_: object) -> None:
        nonlocal done
        done += 1
        progress.progress(done / len(articles), text=f"{label}: {done}/{len(articles)} articles")

    problems: list[InputProblem] = []
    store = reader(str(STORE_PATH)).store
    report = ingest_articles(articles, store, geoparser(), problems=problems, on_parsed=step)
    date_undated(store, latest=dt.date.today())
    progress.empty()
    return report, problems


def first_start() -> None:
    """Fill an empty store with the sample articles."""
    articles, problems = read_articles([SEEDS], root=APP_DIR)
    for problem in problems:
        st.warning(f"Skipped {problem}", icon="⚠️")
    if articles:
        _, failed = ingest(articles, "First start: reading the sample articles")
        for problem in failed:
            st.warning(f"Skipped {problem}", icon="⚠️")


def upload_section() -> None:
    """Uploaded files go to the store; each file's outcome stays listed in the sidebar."""
    with st.sidebar:
        files = st.file_uploader(
            "Add articles", type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads",
            help=(
                "Text, Markdown, HTML, JSON, JSON Lines or CSV (a `text` column). Bad files are reported and skipped."
            ),
        )
        done = st.session_state.setdefault("uploaded_ids", set())
        messages = st.session_state.setdefault("upload_messages", [])
        fresh = [f for f in files or [] if f.file_id not in done]
        if fresh:
            messages.clear()
            articles = []
            with tempfile.TemporaryDirectory() as folder:
                for upload in fresh:
                    done.add(upload.file_id)
                    data = upload.getvalue()
                    path = Path(folder) / UPLOADS / hashlib.sha256(data).hexdigest()[:UPLOAD_HASH_CHARS]
                    path.mkdir(parents=True)
                    (path / Path(upload.name).name).write_bytes(data)
                    found, problems = read_articles([path], root=folder)
                    messages += [("warning", f"Skipped {uploaded_name(p.source)}: {p.reason}") for p in problems]
                    articles += [
                        dataclasses.replace(article, source=uploaded_name(article.source)) for article in found
                    ]
            if articles:
                report, failed = ingest(articles, "Upload")
                messages += [("warning", f"Skipped {problem}") for problem in failed]
                messages.append(("success", f"Uploaded: {report.summary()}"))
        for level, message in messages:
            (st.warning if level == "warning" else st.success)(message)


def uploaded_name(source: str) -> str:
    """How an upload's source reads: "upload: <file name>[#row]" for "upload/<hash>/<file name>[#row]"."""
    return "upload: " + source.split("/", 2)[-1]


def kinds_filter() -> tuple[str, ...]:
    chosen = st.sidebar.pills(
        "Kinds", options=list(view.KIND_CHOICES), default=list(view.KIND_CHOICES), selection_mode="multi",
        key="kinds", bind="query-params",
    )
    return tuple(chosen)


def play_controls(bounds: tuple[dt.date, dt.date]) -> None:
    """Start or pause stepping the date window forward a day at a time.

    Playing from the full range starts with a one-day window on the first day; a narrower
    window keeps its width.
    """
    playing = st.session_state.get("playing", False)
    if st.button("⏸ Pause" if playing else "▶ Play", key="play", help="Step through the days"):
        st.session_state.playing = not playing
        if not playing:
            start, end = st.session_state.get("dates", bounds)
            if (start, end) == bounds or end >= bounds[1]:
                width = dt.timedelta(0) if (start, end) == bounds else end - start
                st.session_state.pending_dates = (bounds[0], bounds[0] + width)
        st.rerun()


def advance(bounds: tuple[dt.date, dt.date]) -> None:
    """After a pause, move the date window one day on; stop at the last day."""
    start, end = st.session_state.dates
    if end >= bounds[1]:
        st.session_state.playing = False
        return
    time.sleep(PLAY_SECONDS)
    st.session_state.pending_dates = (start + dt.timedelta(days=1), end + dt.timedelta(days=1))
    st.rerun()


def timeline_chart(days: pd.DataFrame, bounds: tuple[dt.date, dt.date], start: dt.date | None, end: dt.date | None) -> None:
    days = view.timeline_days(days, *bounds)
    if days.empty:
        return
    if start is None:
        days["selected"] = True
    else:
        days["selected"] = (days[DATE] >= pd.Timestamp(start)) & (days[DATE] <= pd.Timestamp(end))
    chart = (
        alt.Chart(days)
        .mark_bar()
        .encode(
            x=alt.X(f"{DATE}:T", title=None),
            y=alt.Y(f"{MENTIONS}:Q", title="mentions"),
            color=alt.condition("datum.selected", alt.value("#d62728"), alt.value("#cccccc")),
            tooltip=[alt.Tooltip(f"{DATE}:T"), alt.Tooltip(f"{MENTIONS}:Q")],
        )
        .properties(height=120)
    )
    st.altair_chart(chart, width="stretch")


def select_place(key: str | None) -> None:
    """Show a place's sentences, and keep it in the URL so the view can be shared."""
    st.session_state.place = key
    if key:
        st.query_params["place"] = key
    else:
        st.query_params.pop("place", None)


def sentence_panel(places: pd.DataFrame, filters: Filters) -> None:
    key = st.session_state.get("place")
    if key is None or key not in set(places[PLACE_KEY]):
        st.info("Click a place on the map, or a row of the table, to read the sentences that name it.")
        return
    place = places.loc[places[PLACE_KEY] == key].iloc[0]
    where = ", ".join(str(x) for x in (place[ADMIN1], place[COUNTRY_CODE]) if isinstance(x, str) and x != place[PLACE])
    st.subheader(place[PLACE])
    st.caption(
        f"{place[KIND]}{' · ' + where if where else ''} · {place[MENTIONS]} mentions in {place[ARTICLES]} articles"
    )
    items = sentences_in_view(str(STORE_PATH), store_version(), key, filters)
    for number, item in enumerate(items):
        estimated = " (estimated)" if item["date_estimated"] else ""
        date = "undated" if item["date"] is None else f"{item['date']:%d %b %Y}{estimated}"
        title = html.escape(item["title"] or item["article_id"])
        source = html.escape(item["outlet"] or Path(item["source"] or "").name)
        st.markdown(
            f"<div class='sentence'>{view.sentence_html(item)}</div>"
            f"<div class='source'><b>{title}</b> · {date} · {source}</div>",
            unsafe_allow_html=True,
        )
        if st.button("Open article", key=f"open-{number}-{item['article_id']}"):
            st.session_state.article = item["article_id"]
            st.rerun()
    if len(items) >= SENTENCES_SHOWN:
        st.caption(f"The newest {SENTENCES_SHOWN} sentences; narrow the dates to read older ones.")


@st.dialog("Article", width="large")
def article_dialog(article_id: str) -> None:
    article = reader(str(STORE_PATH)).article(article_id)
    if article is None:
        st.error("This article is no longer in the store.")
        return
    st.markdown(f"### {html.escape(article['title'] or article_id)}", unsafe_allow_html=True)
    date = article["date"].isoformat() if article["date"] else "undated"
    sources = " · ".join(html.escape(source) for source in article["sources"])
    st.caption(f"{date}{' (estimated)' if article['date_estimated'] else ''} · {sources}")
    if article["url"]:
        st.link_button("Open the source", article["url"])
    mapped = article["mentions"][article["mentions"][PLACE_KEY].notna()]
    st.markdown(f"<div class='article'>{view.article_html(article['text'], mapped)}</div>", unsafe_allow_html=True)


def main() -> None:
    static_files()
    st.markdown(
        "<style>.sentence{margin-top:.6rem}.source{color:#666;font-size:.85rem}"
        "mark{background:#ffe08a;padding:0 .1em}.article{line-height:1.6}</style>",
        unsafe_allow_html=True,
    )
    st.sidebar.title("Dateline")
    if "place" not in st.session_state:
        st.session_state.place = st.query_params.get("place")
    path = str(STORE_PATH)
    if overview(path, store_version()).articles == 0 and SEEDS.is_dir():
        first_start()
    upload_section()
    stored = overview(path, store_version())
    if stored.empty:
        st.warning("No place mentions yet: add articles in the sidebar.")
        return

    bounds = (stored.first_date, stored.last_date) if stored.first_date is not None else None
    undated = stored.undated_articles
    include_undated = st.sidebar.checkbox(
        f"Include undated articles ({undated})", value=True, key="undated", bind="query-params"
    )
    kinds = kinds_filter()
    min_score = st.sidebar.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="min_score", bind="query-params")
    query = st.sidebar.text_input("Search places and articles", key="q", bind="query-params")

    start = end = None
    if "pending_dates" in st.session_state:
        st.session_state.dates = st.session_state.pop("pending_dates")
    if bounds is not None and bounds[0] == bounds[1]:
        st.caption(f"All dated articles are from {bounds[0]:%d %b %Y}.")
        start, end = bounds
    elif bounds is not None:
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        with right:
            play_controls(bounds)
        with left:
            start, end = st.slider(
                "Dates", min_value=bounds[0], max_value=bounds[1], key="dates", format="YYYY-MM-DD",
                bind="query-params", **({} if "dates" in st.session_state else {"value": bounds}),
            )
    filters = Filters(start, end, include_undated, kinds, min_score, query)
    version = store_version()
    places, articles = in_view(path, version, filters)
    mentions = int(places[MENTIONS].sum()) if not places.empty else 0

    st.caption(
        f"{len(places)} places · {mentions} mentions · {articles} articles"
        f"{f' · {undated} undated articles' if undated else ''}"
    )
    if "initial_view" not in st.session_state:
        st.session_state.initial_view = webmap.initial_view(in_view(path, version, Filters())[0])
    location, zoom = st.session_state.initial_view
    map_column, panel_column = st.columns([3, 2])
    with map_column:
        focus = st.session_state.pop("focus", None)
        state = st_folium(
            webmap.base_map(location=location, zoom=zoom),
            key="map",
            feature_group_to_add=webmap.places_layer(places),
            center=focus,
            zoom=FOCUS_ZOOM if focus else None,
            returned_objects=["last_object_clicked"],
            height=560,
            use_container_width=True,
        )
        clicked = (state or {}).get("last_object_clicked")
        if clicked and clicked != st.session_state.get("last_click"):
            st.session_state.last_click = clicked
            select_place(webmap.clicked_place(places, clicked))
        if bounds is not None:
            timeline_chart(timeline_in_view(path, version, filters), bounds, start, end)
    with panel_column:
        sentence_panel(places, filters)

    st.subheader("Places")
    selection = st.dataframe(
        places[list(TABLE_COLUMNS)], on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        key="places_table", column_config=TABLE_COLUMNS,
    )
    rows = selection.selection.rows if selection else []
    if rows and st.session_state.get("table_row") != rows[0]:
        st.session_state.table_row = rows[0]
        chosen = places.iloc[rows[0]]
        select_place(chosen[PLACE_KEY])
        st.session_state.focus = (float(chosen[LAT]), float(chosen[LON]))
        st.rerun()

    exports = reader(path)
    st.sidebar.download_button(
        "Export view as CSV", lambda: view.to_csv(exports.export_rows(filters)), "dateline-mentions.csv", "text/csv",
        on_click="ignore",
    )
    st.sidebar.download_button(
        "Export view as GeoJSON", lambda: view.to_geojson(exports.export_rows(filters)), "dateline-mentions.geojson",
        "application/geo+json", on_click="ignore",
    )
    if "article" in st.session_state:
        article_dialog(st.session_state.pop("article"))
    if st.session_state.get("playing") and bounds is not None and bounds[0] < bounds[1]:
        advance(bounds)


try:
    main()
except StoreBusy as busy:
    st.error(f"{busy}. Reload the page to try again.")
