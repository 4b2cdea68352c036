"""Dateline: the places named in a pile of news articles, on a map, over time.

    streamlit run dashboard.py

Opens on the store in $DATELINE_DB (default ``dateline.duckdb``); an empty store is first filled
with the sample articles in ``seeds/``. Everything is offline: the map's scripts and tiles are
served from ``static/``, which the first start unpacks from installed packages. The sections are
in ``geo.app.widgets``; this script lays them out.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.app import view, webmap
from geo.app.widgets import (
    article,
    chooser,
    corrections,
    data,
    dates,
    mapview,
    panel,
    selection,
    sidebar,
    startup,
    tables,
)  # fmt: skip
from geo.errors import StoreBusy
from geo.store.frames import MENTIONS
from geo.store.queries import Filters, Overview

APP_DIR = Path(__file__).resolve().parent
SEEDS = APP_DIR / "seeds"
STYLE = """
<style>
.sentence { margin-top: .6rem; }
.source { opacity: .72; font-size: .85rem; }
mark { background: #ffe08a; color: #1a1a1a; padding: 0 .1em; border-radius: 2px; }
mark.chosen { background: #ffb347; box-shadow: 0 0 0 2px #c0392b; }
mark.unplaced { background: transparent; color: inherit; border-bottom: 2px dotted currentColor; }
.article { line-height: 1.6; }
.st-key-panel { scroll-margin-top: 4rem; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.brand b { font-size: 1.9rem; font-weight: 700; margin-right: .6rem; }
.brand span { opacity: .8; }
.day { font-size: 1.7rem; font-weight: 650; margin: .2rem 0; }
.day .quiet { font-size: 1rem; font-weight: 400; opacity: .75; margin-left: .6rem; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem .9rem; font-size: .8rem; align-items: center; }
.legend .dot { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; border: 2px solid;
    margin-right: .3rem; vertical-align: -.12rem; box-sizing: border-box; }
.legend .hollow { background: transparent; border-color: currentColor; }
.legend .dashed { border-style: dashed; background: transparent; }
.legend .ramp { display: inline-block; width: 8rem; height: .7rem; border-radius: 2px; }
</style>
"""
"""The page's own styles (our markup only: article text is escaped)."""

st.set_page_config(page_title="Dateline", page_icon="🗺️", layout="wide")


def header(stored_articles: int) -> None:
    """What the page is, in the main pane (the sidebar is hidden on phones)."""
    st.markdown(
        f"<div class='brand'><b>Dateline</b> <span>Places named in {view.counted(stored_articles, 'news article')}, "
        "on a map over time. Choose dates, then click a place to read the sentences that name it.</span></div>",
        unsafe_allow_html=True,
    )


def nothing_in_view(chosen: Filters, bounds: tuple | None) -> None:
    """What an empty view says, and a way back to everything."""
    st.info("Nothing matches these filters: no place is mentioned in this view.", icon=":material/search_off:")
    if sidebar.is_filtered(chosen, bounds):
        st.button("Clear the filters", key="clear_filters", on_click=sidebar.clear_filters, args=(bounds,))


def tabs(places: pd.DataFrame, filters: Filters, stored: Overview, *, filled: bool) -> None:
    """Places, Articles and Corrections, each a table, the tables only when ``filled``.

    Only the open tab's table runs and reaches the browser: every table drawn costs each new
    visitor's page time before the map shows. The tabs are drawn even when empty, so that a tab
    chosen in the URL stays chosen.
    """
    places_tab, articles_tab, corrections_tab = st.tabs(
        ["Places", "Articles", "Corrections"], key="tab", on_change="rerun", bind="query-params"
    )
    if not filled:
        return
    if places_tab.open:
        with places_tab:
            tables.places_table(places, filters)
    if articles_tab.open:
        with articles_tab:
            tables.articles_table(stored)
    if corrections_tab.open:
        with corrections_tab:
            corrections.listed()
            st.subheader("Names placed nowhere")
            corrections.unresolved()


def main() -> None:
    startup.prepare(SEEDS, APP_DIR)
    st.markdown(STYLE, unsafe_allow_html=True)
    path = data.store_path()
    with st.sidebar:
        sidebar.uploads()
        stored = data.overview(path, data.version())
        chosen = sidebar.filters(stored)
        if data.basemap().problem:
            st.warning(f"Your basemap could not be used: {data.basemap().problem}", icon=":material/map:")
    header(stored.articles)
    if notice := st.session_state.pop("notice", None):
        st.toast(notice)
    if stored.empty:
        st.warning("No place mentions yet: add articles in the sidebar.")
        return

    bounds = (stored.first_date, stored.last_date) if stored.first_date is not None else None
    window = None
    if bounds is not None and bounds[0] == bounds[1]:
        dates.caption_for_single_day(bounds[0])
        window = bounds
    elif bounds is not None:
        window = dates.controls(bounds)
    filters = dataclasses.replace(chosen, start=window[0], end=window[1]) if window else chosen
    generation = data.version()
    places, articles = data.in_view(path, generation, filters)
    with st.sidebar:
        sidebar.exports(filters)

    selection.from_url(places)
    selection.table_ticked(tables.listed(places), selection.table_key(filters))
    selection.map_clicked(places, st.session_state.get("map"))

    mentions = int(places[MENTIONS].sum()) if not places.empty else 0
    st.caption(view.summary(len(places), mentions, articles, stored.undated_articles))
    with st.container():  # what comes and goes above the map, in one slot: the map below keeps its place
        if window is not None:
            dates.day_banner(window, articles)
        if places.empty:
            nothing_in_view(filters, bounds)

    later = mapview.first_view()  # the timeline and the tables wait for the map to be drawn
    if later:
        st.session_state[mapview.OPENED_ON] = webmap.initial_view(data.in_view(path, generation, Filters())[0])
    map_column, panel_column = st.columns([3, 2])
    with panel_column:  # first: a click's sentences reach the page before the map's new layer does
        panel.sentences(places, filters, mapview.MAP_HEIGHT + dates.TIMELINE_HEIGHT, selection.take_scroll())
    with map_column:
        density = mapview.mode() == mapview.DENSITY
        mapview.legend(places, density)
        state = mapview.draw(
            places, data.basemap(), st.session_state[mapview.OPENED_ON], density=density, chosen=selection.chosen(),
            focus=selection.take_focus(), rows=None if density else data.layer_rows(path, generation, filters),
        )  # fmt: skip
        if selection.map_clicked(places, state):
            st.rerun()  # a click this run's start did not see: the panel above must show it
        if bounds is not None:
            if later:
                dates.timeline_space()
            else:
                dates.timeline(data.timeline(path, generation, filters), bounds, window)

    tabs(places, filters, stored, filled=not later)

    if "article" in st.session_state:
        article.show(*st.session_state.pop("article"))
    elif "choose" in st.session_state:
        chooser.show(st.session_state.choose)
    if st.session_state.get("playing") and bounds is not None and bounds[0] < bounds[1]:
        dates.advance(bounds)


try:
    main()
except StoreBusy as busy:
    st.error(f"{busy}. Reload the page to try again.")
