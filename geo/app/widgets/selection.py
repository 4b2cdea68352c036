"""Which place is chosen, and where the map should go.

A place is chosen by a click on its marker (or Enter on it), a tick in the places table, or the
URL (``?place=``, so a view can be shared); unticking the table's row lets it go. Choosing from
the table, or from the URL, also centres the map on the place, zoomed in until its own marker
shows. The table always ticks the chosen place's row: when the choice comes from elsewhere the
table is drawn afresh with that row ticked.

Session state (all under these keys):
    place        the chosen place's key (or None)
    focus        (lat, lon) the map should centre on in this run
    scroll       the panel should be brought into view (phones) in this run
    map_click    the last map click already acted on
    table_epoch  a counter in the table's widget key: raised to draw the table afresh
    table_seen   (table key, ticked rows) as last drawn: a difference is the reader's tick
"""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from geo.app import webmap
from geo.store.frames import LAT, LON, PLACE_KEY
from geo.store.queries import Filters


def chosen() -> str | None:
    return st.session_state.get("place")


def choose(key: str | None, *, focus: tuple[float, float] | None = None) -> None:
    """Choose a place (None: none), keep it in the URL, and bring its sentences into view."""
    st.session_state.place = key
    if key:
        st.query_params["place"] = key
        st.session_state.scroll = True
    else:
        st.query_params.pop("place", None)
    if focus is not None:
        st.session_state.focus = focus


def from_url(places: pd.DataFrame) -> None:
    """On a session's first run, the place the URL names (centred on, if it is in view)."""
    if "place" in st.session_state:
        return
    key = st.query_params.get("place")
    st.session_state.place = key
    row = places.loc[places[PLACE_KEY] == key] if key else places.iloc[:0]
    if not row.empty:
        st.session_state.focus = (float(row.iloc[0][LAT]), float(row.iloc[0][LON]))


def map_clicked(places: pd.DataFrame, state: dict | None) -> bool:
    """Act on a new marker click in the map's returned state; whether there was one."""
    clicked = (state or {}).get("last_object_clicked")
    if not clicked:
        return False
    identity = ((state or {}).get("last_object_clicked_count"), clicked.get("lat"), clicked.get("lng"))
    if identity == st.session_state.get("map_click"):
        return False
    st.session_state.map_click = identity
    key = webmap.clicked_place(places, clicked)
    if key is not None and key != chosen():
        choose(key)
        st.session_state.table_epoch = st.session_state.get("table_epoch", 0) + 1
    return key is not None


def table_key(filters: Filters) -> str:
    """The places table's widget key: a fresh table for every view (its rows are another list) and
    whenever the choice came from outside the table."""
    digest = zlib.crc32(repr(filters).encode())
    return f"places-{st.session_state.get('table_epoch', 0)}-{digest:08x}"


def table_ticked(places: pd.DataFrame, key: str) -> None:
    """Act on the reader ticking or unticking a row of the table drawn under ``key``."""
    state = st.session_state.get(key)
    seen = st.session_state.get("table_seen")
    if state is None or seen is None or seen[0] != key:
        return
    rows = tuple(state["selection"]["rows"])
    if rows == seen[1]:
        return
    st.session_state.table_seen = (key, rows)
    if not rows or rows[0] >= len(places):
        choose(None)
        return
    row = places.iloc[rows[0]]
    choose(str(row[PLACE_KEY]), focus=(float(row[LAT]), float(row[LON])))


def ticked_rows(places: pd.DataFrame) -> list[int]:
    """The table rows to tick: the chosen place's."""
    key = chosen()
    if key is None:
        return []
    return [int(i) for i in (places[PLACE_KEY].to_numpy() == key).nonzero()[0][:1]]


def table_drawn(key: str, rows: list[int]) -> None:
    if st.session_state.get("table_seen", (None,))[0] != key:
        st.session_state.table_seen = (key, tuple(rows))


def take_focus() -> tuple[float, float] | None:
    """Where the map goes in this run (asked for once)."""
    return st.session_state.pop("focus", None)


def take_scroll() -> bool:
    return bool(st.session_state.pop("scroll", False))
